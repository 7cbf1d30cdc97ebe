package org.seq4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * A seq4j checkpoint: the named tensors and string metadata of one kind of model (for example the
 * character language model's {@code char-lm}) in one safetensors file, with a checksum over everything
 * that is loaded from it. Every model of seq4j saves and loads its checkpoints through this class.
 *
 * <pre>{@code
 * Checkpoint.builder("char-lm")
 *         .putMetadata("config", config.toJson())
 *         .add(NamedTensor.of("decoder.bias", bias, vocabSize))
 *         .build()
 *         .write(path);                                          // atomic
 * Checkpoint in = Checkpoint.read(path, "char-lm");              // verified before it is returned
 * float[] bias = in.finiteTensor("decoder.bias", DType.F32, vocabSize).toFloatArray();
 * }</pre>
 *
 * <h2>The file</h2>
 * A safetensors file (see the {@linkplain org.seq4j.io package documentation}) holding the tensors, and in
 * its {@code __metadata__} the model's own entries and four more, reserved for this format:
 * <pre>
 *   format           pt        as PyTorch's safetensors writes it; the file loads with load_file
 *   seq4j.kind       the kind of model, e.g. char-lm
 *   seq4j.version    2, the checkpoint format
 *   seq4j.checksum   crc32c:XXXXXXXX, the CRC-32C of the canonical serialisation below, 8 lowercase hex digits
 * </pre>
 *
 * <h2>The checksum</h2>
 * It is computed over a canonical serialisation of the checkpoint's contents, all of it but the checksum
 * entry itself:
 * <pre>
 *   u32 M, then M × (str key, str value)          every metadata entry, reserved ones included, by key
 *   u32 N, then N × (str name, str dtype, u32 rank, rank × u32 dimension, u64 n, n bytes)
 *                                                 every tensor, by name, its elements as stored
 *                                                 (little-endian, row-major)
 *   str = u32 n, then the n bytes of the string's UTF-8; integers little-endian; keys and names ordered
 *   by their UTF-8 bytes (unsigned), which is code-point order
 * </pre>
 * Every part is length-prefixed, so the serialisation is injective: two checkpoints that load as
 * different contents (a tensor name, dtype, shape or element; a metadata key or value) have different
 * serialisations. Left out is only the layout of the file: the JSON's whitespace and order, the data
 * offsets and the padding. A change there either breaks the header (rejected), moves a tensor's bytes
 * (a change of contents, caught by the checksum), or leaves what loads as it was. CRC-32C detects every
 * change of up to 32 consecutive bits, and any other with probability 1 − 2<sup>−32</sup>. It guards
 * against corruption, not against a deliberate edit: anyone who can edit the file can recompute it.
 *
 * <h2>Reading</h2>
 * {@link #read(Path, String)} checks, in order, with a {@link CheckpointFormatException} naming the file
 * and the problem at the first failure: the safetensors header (validated completely, no tensor data
 * read); the reserved metadata (a seq4j checkpoint, of the expected kind, in format 2, with a checksum
 * entry); the bytes the tensors claim together, against a limit (by default the maximum heap size);
 * the checksum, streamed from the file through a small buffer so that a damaged or crafted file is
 * rejected before any tensor is allocated; then it reads each tensor once into its own array and checks
 * the checksum again over what was read, which is what the caller then uses. The model's loader checks
 * the rest: its metadata with {@link #metadata(String)} and {@link #metadataLong(String)} (and its JSON
 * entries through {@link JsonReader}), its tensors with {@link #tensor}, {@link #finiteTensor} and
 * {@link #requireFinite}.
 *
 * <p>Files of checkpoint format 1, written by seq4j before this class existed, are refused with a message
 * saying so: their checksum covered the tensors only, so their configuration and vocabulary could be
 * damaged without anyone noticing, and reading them would keep that hole open.
 *
 * <p>Instances are immutable.
 */
public final class Checkpoint {

    /** The checkpoint format this class writes and reads. */
    public static final String FORMAT_VERSION = "2";

    static final String FORMAT_KEY = "format";
    static final String FORMAT_PYTORCH = "pt";
    static final String KIND_KEY = "seq4j.kind";
    static final String VERSION_KEY = "seq4j.version";
    static final String CHECKSUM_KEY = "seq4j.checksum";
    private static final String RESERVED_PREFIX = "seq4j.";
    private static final String CHECKSUM_ALGORITHM = "crc32c:";
    private static final int SHAPE_INDEX_LIMIT = 8;

    private final String kind;
    private final String source;
    /** The tensors and the model's own metadata (no reserved entries). */
    private final TensorFile contents;

    private Checkpoint(String kind, String source, TensorFile contents) {
        this.kind = kind;
        this.source = source;
        this.contents = contents;
    }

    /**
     * Starts an empty checkpoint of a kind of model.
     *
     * @param kind the kind, e.g. {@code "char-lm"}; written as {@code seq4j.kind} and checked on reading
     * @return a new builder
     * @throws IllegalArgumentException if {@code kind} is null, empty or not well-formed UTF-16
     */
    public static Builder builder(String kind) {
        return new Builder(checkKind(kind));
    }

    /** Builds a {@link Checkpoint}: tensors in order, and the model's metadata. */
    public static final class Builder {

        private final String kind;
        private final TensorFile.Builder contents = TensorFile.builder();

        private Builder(String kind) {
            this.kind = kind;
        }

        /**
         * Appends a tensor.
         *
         * @param tensor the tensor; its name must not be taken yet
         * @return this builder
         * @throws IllegalArgumentException if a tensor with the same name was already added
         */
        public Builder add(NamedTensor tensor) {
            contents.add(tensor);
            return this;
        }

        /**
         * Sets a metadata entry of the model, replacing any earlier value for the key.
         *
         * @param key   the key; not {@code format} and not starting with {@code seq4j.}, which are reserved
         *              for the checkpoint format
         * @param value the value, for example a JSON text
         * @return this builder
         * @throws IllegalArgumentException if the key is reserved, or the key or value is null or not
         *                                  well-formed UTF-16
         */
        public Builder putMetadata(String key, String value) {
            if (key != null && isReserved(key)) {
                throw new IllegalArgumentException("metadata key " + JsonWriter.quoteForMessage(key)
                        + " is reserved for the checkpoint format (" + FORMAT_KEY + ", " + RESERVED_PREFIX + "…)");
            }
            contents.putMetadata(key, value);
            return this;
        }

        /**
         * Creates the checkpoint; the builder may be used further without affecting it.
         *
         * @return the checkpoint
         */
        public Checkpoint build() {
            return new Checkpoint(kind, "the new '" + kind + "' checkpoint", contents.build());
        }
    }

    // ------------------------------------------------------------------------------------------ access

    /**
     * The kind of model.
     *
     * @return the {@code seq4j.kind} entry
     */
    public String kind() {
        return kind;
    }

    /**
     * What messages call this checkpoint: the path it was read from.
     *
     * @return the name, for messages of the model's loader
     */
    public String source() {
        return source;
    }

    /**
     * The tensors in file order.
     *
     * @return an unmodifiable list
     */
    public List<NamedTensor> tensors() {
        return contents.tensors();
    }

    /**
     * The tensor names in file order.
     *
     * @return a new list
     */
    public List<String> names() {
        return contents.names();
    }

    /**
     * Whether a tensor with this name exists.
     *
     * @param name the tensor name
     * @return true if the checkpoint holds it
     */
    public boolean contains(String name) {
        return contents.contains(name);
    }

    /**
     * The model's metadata, in file order, without the entries reserved for the format.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> metadata() {
        return contents.metadata();
    }

    /**
     * A metadata entry the model requires.
     *
     * @param key the key
     * @return its value
     * @throws CheckpointFormatException if there is no such entry
     */
    public String metadata(String key) throws CheckpointFormatException {
        String value = contents.metadata().get(key);
        if (value == null) {
            throw new CheckpointFormatException(source + " has no metadata " + JsonWriter.quoteForMessage(key));
        }
        return value;
    }

    /**
     * A metadata entry that holds an integer, written as {@link Long#toString(long)} writes it: read as a
     * JSON number by {@link JsonReader} (no leading zeros, no sign but {@code -}, nothing around it).
     *
     * @param key the key
     * @return the value
     * @throws CheckpointFormatException if there is no such entry or it is not such an integer
     */
    public long metadataLong(String key) throws CheckpointFormatException {
        String text = metadata(key);
        try {
            JsonReader json = new JsonReader(text, "");
            long value = json.nextLong();
            json.endDocument();
            if (Long.toString(value).equals(text)) {
                return value;
            }
        } catch (JsonFormatException e) {
            // reported below, with the key
        }
        throw new CheckpointFormatException(source + ": metadata " + JsonWriter.quoteForMessage(key)
                + " must be an integer but is " + JsonWriter.quoteForMessage(text));
    }

    /**
     * A tensor the model requires, of a given dtype and shape.
     *
     * @param name  the tensor name
     * @param dtype its dtype
     * @param shape its shape
     * @return the tensor
     * @throws CheckpointFormatException if there is no such tensor, or it has another dtype or shape
     */
    public NamedTensor tensor(String name, DType dtype, int... shape) throws CheckpointFormatException {
        if (!contents.contains(name)) {
            throw new CheckpointFormatException(source + " has no tensor " + JsonWriter.quoteForMessage(name));
        }
        NamedTensor t = contents.get(name);
        if (t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
            throw new CheckpointFormatException(source + ": tensor " + JsonWriter.quoteForMessage(name)
                    + " must be " + dtype + " " + Arrays.toString(shape) + " but is " + t.dtype() + " "
                    + Arrays.toString(t.shape()));
        }
        return t;
    }

    /**
     * A tensor the model requires, of a given dtype and shape, whose elements are all finite.
     *
     * @param name  the tensor name
     * @param dtype its dtype
     * @param shape its shape
     * @return the tensor
     * @throws CheckpointFormatException if there is no such tensor, it has another dtype or shape, or an
     *                                   element is NaN or infinite (the message names the tensor and the
     *                                   element)
     */
    public NamedTensor finiteTensor(String name, DType dtype, int... shape) throws CheckpointFormatException {
        return requireFinite(tensor(name, dtype, shape));
    }

    /**
     * Checks that every element of a tensor is finite (integer tensors always are).
     *
     * @param tensor a tensor, usually of this checkpoint; not modified
     * @return {@code tensor}
     * @throws CheckpointFormatException if an element is NaN or infinite; the message names the tensor, the
     *                                   element's index and value
     */
    public NamedTensor requireFinite(NamedTensor tensor) throws CheckpointFormatException {
        int bad = indexOfNonFinite(tensor);
        if (bad >= 0) {
            double value = tensor.dtype() == DType.F32
                    ? floats(tensor).get(bad) : doubles(tensor).get(bad);
            throw new CheckpointFormatException(source + ": tensor " + JsonWriter.quoteForMessage(tensor.name())
                    + " holds " + value + " at " + indexString(tensor.shape(), bad) + "; the model needs finite "
                    + "values (was the run that saved it diverging?)");
        }
        return tensor;
    }

    /** The index of the first NaN or infinite element, or -1. */
    static int indexOfNonFinite(NamedTensor tensor) {
        if (tensor.dtype() == DType.F32) {
            FloatBuffer values = floats(tensor);
            for (int i = 0; i < values.limit(); i++) {
                if (!Float.isFinite(values.get(i))) {
                    return i;
                }
            }
        } else if (tensor.dtype() == DType.F64) {
            DoubleBuffer values = doubles(tensor);
            for (int i = 0; i < values.limit(); i++) {
                if (!Double.isFinite(values.get(i))) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static FloatBuffer floats(NamedTensor t) {
        return ByteBuffer.wrap(t.rawBytes()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    private static DoubleBuffer doubles(NamedTensor t) {
        return ByteBuffer.wrap(t.rawBytes()).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
    }

    /** The row-major multi-index of element {@code flat}, e.g. {@code [2, 5]}. */
    private static String indexString(int[] shape, int flat) {
        if (shape.length == 0 || shape.length > SHAPE_INDEX_LIMIT) {
            return "element " + flat;
        }
        int[] index = new int[shape.length];
        int rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        return Arrays.toString(index);
    }

    // ------------------------------------------------------------------------------------------ writing

    /**
     * Saves this checkpoint atomically (see {@link TensorFile#write(Path)}): a reader sees the old file or
     * the complete new one.
     *
     * @param path the file to create or replace; its directory must exist
     * @throws IOException              if writing fails; an existing file is then unchanged
     * @throws IllegalArgumentException if {@code path} does not name a file
     */
    public void write(Path path) throws IOException {
        toTensorFile().write(path);
    }

    /** The whole file: the reserved metadata, the checksum, the model's metadata and the tensors. */
    TensorFile toTensorFile() {
        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, FORMAT_PYTORCH);
        metadata.put(KIND_KEY, kind);
        metadata.put(VERSION_KEY, FORMAT_VERSION);
        metadata.putAll(contents.metadata());
        String checksum = checksum(metadata, contents.tensors());
        TensorFile.Builder file = TensorFile.builder();
        file.putMetadata(FORMAT_KEY, FORMAT_PYTORCH)
                .putMetadata(KIND_KEY, kind)
                .putMetadata(VERSION_KEY, FORMAT_VERSION)
                .putMetadata(CHECKSUM_KEY, checksum);
        contents.metadata().forEach(file::putMetadata);
        contents.tensors().forEach(file::add);
        return file.build();
    }

    // ------------------------------------------------------------------------------------------ reading

    /**
     * Reads and verifies a checkpoint of a kind of model, with the maximum heap size as the limit on its
     * tensors (see {@link #read(Path, String, long)}).
     *
     * @param path the file
     * @param kind the kind of model expected
     * @return the checkpoint
     * @throws CheckpointFormatException if the file is not a checkpoint of this kind in this format, is
     *                                   damaged (its checksum does not match), or claims more bytes than
     *                                   the heap holds; the message names the file and the problem
     * @throws IOException               if the file cannot be read
     */
    public static Checkpoint read(Path path, String kind) throws IOException {
        return read(path, kind, SafetensorsReader.defaultTensorByteLimit());
    }

    /**
     * Reads and verifies a checkpoint of a kind of model, in the order given in the class documentation:
     * nothing from the file is returned before the checksum has been checked, and no tensor is allocated
     * before the header, the reserved metadata, the limit and the checksum (streamed from the file) have
     * been.
     *
     * @param path           the file
     * @param kind           the kind of model expected
     * @param maxTensorBytes the most bytes the tensors may claim together
     * @return the checkpoint
     * @throws CheckpointFormatException if the file is a directory, is not a safetensors file, is not a
     *                                   seq4j checkpoint of this kind in format 2, is damaged (its checksum
     *                                   does not match), or its tensors claim more than
     *                                   {@code maxTensorBytes}; the message names the file and the problem
     * @throws IOException               if the file cannot be read
     */
    public static Checkpoint read(Path path, String kind, long maxTensorBytes) throws IOException {
        checkKind(kind);
        String source = path.toString();
        if (Files.isDirectory(path)) {
            throw new CheckpointFormatException(source + " is a directory, not a checkpoint file");
        }
        try (FileChannel channel = FileChannel.open(path)) {
            return read(new SafetensorsReader.ChannelSource(channel), source, kind, maxTensorBytes);
        }
    }

    /**
     * Reads and verifies a checkpoint held in memory, as {@link #read(Path, String, long)} reads a file.
     *
     * @param bytes      the whole file; not modified, not retained
     * @param kind       the kind of model expected
     * @param sourceName what messages call the input, e.g. where it came from
     * @return the checkpoint
     * @throws CheckpointFormatException if the bytes are not a checkpoint of this kind in this format, or
     *                                   are damaged; the message starts with {@code sourceName}
     */
    public static Checkpoint read(byte[] bytes, String kind, String sourceName) throws CheckpointFormatException {
        checkKind(kind);
        try {
            return read(new SafetensorsReader.ArraySource(bytes), sourceName, kind, Long.MAX_VALUE);
        } catch (SafetensorsFormatException e) {
            throw notSafetensors(sourceName, e);
        }
    }

    private static <E extends IOException> Checkpoint read(SafetensorsReader.Source<E> file, String source,
                                                           String kind, long maxTensorBytes)
            throws E, CheckpointFormatException {
        SafetensorsReader.Header header;
        try {
            header = SafetensorsReader.readHeader(file, source);
        } catch (SafetensorsFormatException e) {
            throw notSafetensors(source, e);
        }
        String recorded = checkReservedMetadata(header.metadata, kind, source);
        long claimed = header.tensorBytes();
        if (claimed > maxTensorBytes) {
            throw new CheckpointFormatException(source + ": its tensors claim " + claimed
                    + " bytes, more than the limit of " + maxTensorBytes + " bytes"
                    + (maxTensorBytes == SafetensorsReader.defaultTensorByteLimit()
                    ? " (the maximum heap size; run Java with a larger -Xmx to load it)" : ""));
        }
        TensorFile read;
        try {
            checkChecksum(source, recorded, streamedChecksum(header, file));
            read = SafetensorsReader.readTensors(file, header, maxTensorBytes);
        } catch (SafetensorsFormatException e) {
            throw notSafetensors(source, e);
        }
        // Again over the bytes that will be used, in case the file changed under the first pass.
        checkChecksum(source, recorded, checksum(withoutChecksum(read.metadata()), read.tensors()));
        TensorFile.Builder contents = TensorFile.builder();
        read.tensors().forEach(contents::add);
        read.metadata().forEach((k, v) -> {
            if (!isReserved(k)) {
                contents.putMetadata(k, v);
            }
        });
        return new Checkpoint(kind, source, contents.build());
    }

    private static CheckpointFormatException notSafetensors(String source, SafetensorsFormatException e) {
        String detail = e.getMessage();
        if (detail.startsWith(source + ": ")) {
            detail = detail.substring(source.length() + 2);
        }
        return new CheckpointFormatException(source + " is not a readable checkpoint (not a safetensors file, "
                + "or truncated or damaged): " + detail, e);
    }

    /** Checks kind, format and the checksum entry's presence and form; returns the recorded checksum. */
    private static String checkReservedMetadata(Map<String, String> metadata, String kind, String source)
            throws CheckpointFormatException {
        String actualKind = metadata.get(KIND_KEY);
        if (actualKind == null) {
            throw new CheckpointFormatException(source + " is not a seq4j checkpoint: its metadata has no '"
                    + KIND_KEY + "'");
        }
        if (!actualKind.equals(kind)) {
            throw new CheckpointFormatException(source + " is a checkpoint of a "
                    + JsonWriter.quoteForMessage(actualKind) + " model, not of a "
                    + JsonWriter.quoteForMessage(kind) + " model");
        }
        String version = metadata.get(VERSION_KEY);
        if ("1".equals(version)) {
            throw new CheckpointFormatException(source + " is a checkpoint of format 1, written by an earlier "
                    + "seq4j, whose checksum covers only the tensors and not the configuration and vocabulary; "
                    + "this seq4j reads format " + FORMAT_VERSION + " only, so that nothing unchecked is ever "
                    + "used: train the model again (or load it with the seq4j that wrote it)");
        }
        if (!FORMAT_VERSION.equals(version)) {
            throw new CheckpointFormatException(source + " has checkpoint format "
                    + (version == null ? "(none: no '" + VERSION_KEY + "' in its metadata)"
                    : JsonWriter.quoteForMessage(version)) + "; this seq4j reads format " + FORMAT_VERSION);
        }
        String checksum = metadata.get(CHECKSUM_KEY);
        if (checksum == null) {
            throw new CheckpointFormatException(source + " has no '" + CHECKSUM_KEY + "' in its metadata");
        }
        if (!isChecksumValue(checksum)) {
            throw new CheckpointFormatException(source + ": '" + CHECKSUM_KEY + "' must be '" + CHECKSUM_ALGORITHM
                    + "' and 8 lowercase hexadecimal digits but is " + JsonWriter.quoteForMessage(checksum));
        }
        return checksum;
    }

    private static boolean isChecksumValue(String s) {
        if (s.length() != CHECKSUM_ALGORITHM.length() + 8 || !s.startsWith(CHECKSUM_ALGORITHM)) {
            return false;
        }
        for (int i = CHECKSUM_ALGORITHM.length(); i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static void checkChecksum(String source, String recorded, String computed)
            throws CheckpointFormatException {
        if (!recorded.equals(computed)) {
            throw new CheckpointFormatException(source + " is corrupted: its contents do not match the checksum "
                    + "it records (" + recorded + " recorded, " + computed + " computed); the file was changed "
                    + "or damaged after it was written");
        }
    }

    private static boolean isReserved(String key) {
        return key.equals(FORMAT_KEY) || key.startsWith(RESERVED_PREFIX);
    }

    private static String checkKind(String kind) {
        if (kind == null || kind.isEmpty() || JsonWriter.firstUnpairedSurrogate(kind) >= 0) {
            throw new IllegalArgumentException("kind must be a non-empty string but was "
                    + (kind == null ? "null" : JsonWriter.quoteForMessage(kind)));
        }
        return kind;
    }

    private static Map<String, String> withoutChecksum(Map<String, String> metadata) {
        Map<String, String> rest = new LinkedHashMap<>(metadata);
        rest.remove(CHECKSUM_KEY);
        return rest;
    }

    // ---------------------------------------------------------------------------------------- checksum

    /**
     * The checksum of the canonical serialisation of tensors in memory and their metadata.
     *
     * @param metadata every metadata entry but the checksum
     * @param tensors  the tensors, in any order
     * @return {@code crc32c:} and 8 lowercase hex digits
     */
    static String checksum(Map<String, String> metadata, List<NamedTensor> tensors) {
        Canonical out = new Canonical(metadata, tensors.size());
        for (NamedTensor t : byName(tensors, NamedTensor::name)) {
            out.tensor(t.name(), t.dtype(), t.shape(), t.rawBytes().length);
            out.crc.update(t.rawBytes(), 0, t.rawBytes().length);
        }
        return out.value();
    }

    /** The same checksum, streamed from the source of a validated header without allocating the tensors. */
    private static <E extends IOException> String streamedChecksum(SafetensorsReader.Header header,
                                                                   SafetensorsReader.Source<E> source)
            throws E, SafetensorsFormatException {
        Canonical out = new Canonical(withoutChecksum(header.metadata), header.entries.size());
        for (SafetensorsReader.Entry e : byName(header.entries, entry -> entry.name)) {
            out.tensor(e.name, e.dtype, e.shape, e.end - e.begin);
            source.update(out.crc, header.dataStart + e.begin, e.end - e.begin);
        }
        return out.value();
    }

    private static <T> List<T> byName(List<T> items, Function<T, String> name) {
        List<T> sorted = new ArrayList<>(items);
        sorted.sort((a, b) -> compareUtf8(name.apply(a), name.apply(b)));
        return sorted;
    }

    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the canonical serialisation into a CRC-32C; the tensors' elements are fed by the caller. */
    private static final class Canonical {

        final Checksum crc = new CRC32C();
        private final byte[] word = new byte[8];

        /** Starts with the metadata (sorted here) and the tensor count. */
        Canonical(Map<String, String> metadata, int tensorCount) {
            List<String> keys = new ArrayList<>(metadata.keySet());
            keys.sort(Checkpoint::compareUtf8);
            u32(keys.size());
            for (String key : keys) {
                string(key);
                string(metadata.get(key));
            }
            u32(tensorCount);
        }

        /** A tensor's name, dtype, shape and byte count; its bytes follow. */
        void tensor(String name, DType dtype, int[] shape, long byteCount) {
            string(name);
            string(dtype.name());
            u32(shape.length);
            for (int d : shape) {
                u32(d);
            }
            ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).putLong(0, byteCount);
            crc.update(word, 0, 8);
        }

        private void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u32(utf8.length);
            crc.update(utf8, 0, utf8.length);
        }

        private void u32(int v) {
            ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v);
            crc.update(word, 0, 4);
        }

        String value() {
            return CHECKSUM_ALGORITHM + String.format("%08x", crc.getValue());
        }
    }

    /**
     * A summary: kind, source, tensor count and metadata keys.
     *
     * @return the summary
     */
    @Override
    public String toString() {
        return "Checkpoint[" + kind + " from " + source + ": " + contents.size() + " tensors; metadata keys "
                + contents.metadata().keySet() + "]";
    }
}
