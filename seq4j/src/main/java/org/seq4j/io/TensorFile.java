package org.seq4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The contents of a safetensors file: tensors in order, looked up by name, and string metadata.
 *
 * <p>Immutable. Build one with {@link #builder()} or {@link #of(List, Map)}, save it with
 * {@link #write(Path)} (atomic) or {@link #write(OutputStream)}, and load one with {@link #read(Path)},
 * {@link #read(byte[])} or {@link #read(InputStream)}. The format is described in the
 * {@linkplain org.seq4j.io package documentation}.
 *
 * <pre>{@code
 * TensorFile file = TensorFile.builder()
 *         .putMetadata("format", "pt")
 *         .add(NamedTensor.of("bias_ih_l0", bias, 4 * hiddenSize))   // (1, 4H) matrix as [4H]
 *         .build();
 * file.write(Path.of("lstm.safetensors"));
 * FMatrixRMaj b = TensorFile.read(Path.of("lstm.safetensors")).get("bias_ih_l0").toMatrix();
 * }</pre>
 */
public final class TensorFile {

    /** How many names {@link #get(String)} lists when a name is missing. */
    private static final int NAMES_IN_MESSAGE = 10;

    private final List<NamedTensor> tensors;
    private final Map<String, NamedTensor> byName;
    private final Map<String, String> metadata;

    /** Takes ownership of both maps, which must hold valid, consistent entries. */
    private TensorFile(LinkedHashMap<String, NamedTensor> byName, LinkedHashMap<String, String> metadata) {
        this.byName = Collections.unmodifiableMap(byName);
        this.tensors = Collections.unmodifiableList(new ArrayList<>(byName.values()));
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Creates a file from tensors and metadata.
     *
     * @param tensors  the tensors, in the order they will be written; their names must be distinct; not
     *                 modified
     * @param metadata the metadata, written in its iteration order; may be empty; not modified
     * @return the file
     * @throws IllegalArgumentException if two tensors have the same name, or a metadata key or value is
     *                                  null or not well-formed UTF-16
     */
    public static TensorFile of(List<NamedTensor> tensors, Map<String, String> metadata) {
        Builder builder = builder();
        for (NamedTensor t : tensors) {
            builder.add(t);
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            builder.putMetadata(e.getKey(), e.getValue());
        }
        return builder.build();
    }

    /**
     * Starts an empty builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TensorFile} tensor by tensor. */
    public static final class Builder {

        private final LinkedHashMap<String, NamedTensor> tensors = new LinkedHashMap<>();
        private final LinkedHashMap<String, String> metadata = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Appends a tensor.
         *
         * @param tensor the tensor; its name must not be taken yet
         * @return this builder
         * @throws IllegalArgumentException if a tensor with the same name was already added
         */
        public Builder add(NamedTensor tensor) {
            if (tensors.containsKey(tensor.name())) {
                throw new IllegalArgumentException(
                        "duplicate tensor name " + JsonWriter.quoteForMessage(tensor.name()));
            }
            tensors.put(tensor.name(), tensor);
            return this;
        }

        /**
         * Sets a metadata entry, replacing any earlier value for the key.
         *
         * @param key   the key
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException if the key or value is null or not well-formed UTF-16
         */
        public Builder putMetadata(String key, String value) {
            checkMetadataString("metadata key", key);
            checkMetadataString("metadata value for key " + JsonWriter.quoteForMessage(key), value);
            metadata.put(key, value);
            return this;
        }

        /**
         * Creates the file; the builder may be used further without affecting it.
         *
         * @return the file
         */
        public TensorFile build() {
            return new TensorFile(new LinkedHashMap<>(tensors), new LinkedHashMap<>(metadata));
        }

        private static void checkMetadataString(String what, String s) {
            if (s == null) {
                throw new IllegalArgumentException(what + " must not be null");
            }
            int bad = JsonWriter.firstUnpairedSurrogate(s);
            if (bad >= 0) {
                throw new IllegalArgumentException(what + " has an unpaired surrogate at index " + bad
                        + " and cannot be written as UTF-8");
            }
        }
    }

    /** Creates a file from entries that the reader has already validated. */
    static TensorFile ofValidated(List<NamedTensor> tensors, LinkedHashMap<String, String> metadata) {
        LinkedHashMap<String, NamedTensor> byName = new LinkedHashMap<>();
        for (NamedTensor t : tensors) {
            byName.put(t.name(), t);
        }
        return new TensorFile(byName, metadata);
    }

    // ------------------------------------------------------------------------------------------ access

    /**
     * The tensors in file order.
     *
     * @return an unmodifiable list
     */
    public List<NamedTensor> tensors() {
        return tensors;
    }

    /**
     * The tensor names in file order.
     *
     * @return a new list
     */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /**
     * The metadata ({@code __metadata__} in the header) in file order.
     *
     * @return an unmodifiable map; empty if the file has none
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The number of tensors.
     *
     * @return the tensor count
     */
    public int size() {
        return tensors.size();
    }

    /**
     * Whether a tensor with this name exists.
     *
     * @param name the tensor name
     * @return true if {@link #get(String)} would find it
     */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The tensor with this name.
     *
     * @param name the tensor name
     * @return the tensor
     * @throws NoSuchElementException if there is none; the message names it and lists the first names
     *                                the file does have
     */
    public NamedTensor get(String name) {
        NamedTensor t = byName.get(name);
        if (t == null) {
            throw new NoSuchElementException("no tensor named " + JsonWriter.quoteForMessage(name)
                    + "; " + describeNames());
        }
        return t;
    }

    private String describeNames() {
        if (tensors.isEmpty()) {
            return "the file has no tensors";
        }
        StringBuilder sb = new StringBuilder("the file has ").append(tensors.size()).append(": ");
        int shown = Math.min(tensors.size(), NAMES_IN_MESSAGE);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(JsonWriter.quoteForMessage(tensors.get(i).name()));
        }
        if (shown < tensors.size()) {
            sb.append(", ... (").append(tensors.size() - shown).append(" more)");
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------ reading

    /**
     * Reads a safetensors file. The header is validated completely before any tensor data is read, the
     * bytes the tensors claim together are checked against the maximum heap size before any of them is
     * allocated, and each tensor is read straight into its own array, once: memory use is the header plus
     * the tensors' sizes. Files larger than 2 GB are supported; single tensors up to 2 GB.
     *
     * @param path the file
     * @return the file's tensors and metadata
     * @throws SafetensorsFormatException if the file is not a valid safetensors file (the message names
     *                                    the file and what is wrong), is a directory, claims more tensor
     *                                    bytes than the heap can hold, or a tensor uses a dtype other
     *                                    than F32, F64, I32 and I64
     * @throws IOException                if the file cannot be read
     */
    public static TensorFile read(Path path) throws IOException {
        return read(path, SafetensorsReader.defaultTensorByteLimit());
    }

    /**
     * Reads a safetensors file whose tensors claim at most {@code maxTensorBytes} bytes together, as
     * {@link #read(Path)}: a file claiming more is rejected after its header is read, before any tensor is
     * allocated.
     *
     * @param path           the file
     * @param maxTensorBytes the most bytes the tensors may claim together
     * @return the file's tensors and metadata
     * @throws SafetensorsFormatException if the file is not a valid safetensors file, is a directory, its
     *                                    tensors claim more than {@code maxTensorBytes}, or a tensor uses a
     *                                    dtype other than F32, F64, I32 and I64
     * @throws IOException                if the file cannot be read
     */
    public static TensorFile read(Path path, long maxTensorBytes) throws IOException {
        try (FileChannel channel = SafetensorsReader.open(path)) {
            return SafetensorsReader.read(new SafetensorsReader.ChannelSource(channel), path.toString(),
                    maxTensorBytes);
        }
    }

    /**
     * Reads safetensors bytes held in memory.
     *
     * @param bytes the whole file; not modified, not retained
     * @return the file's tensors and metadata
     * @throws SafetensorsFormatException if the bytes are not a valid safetensors file, or a tensor uses a
     *                                    dtype other than F32, F64, I32 and I64
     */
    public static TensorFile read(byte[] bytes) throws SafetensorsFormatException {
        return SafetensorsReader.read(new SafetensorsReader.ArraySource(bytes), "safetensors data",
                Long.MAX_VALUE);
    }

    /**
     * Reads a safetensors file from a stream, to its end. The stream is not closed. The whole content
     * is held in memory once, so it must be smaller than 2 GB; read larger files with
     * {@link #read(Path)}.
     *
     * @param in the stream, positioned at the start of the file
     * @return the file's tensors and metadata
     * @throws SafetensorsFormatException if the stream's content is not a valid safetensors file, or a
     *                                    tensor uses a dtype other than F32, F64, I32 and I64
     * @throws IOException                if reading the stream fails
     */
    public static TensorFile read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }

    // ------------------------------------------------------------------------------------------ writing

    /**
     * Saves this file atomically: the bytes go to a new temporary file in the same directory, which is
     * forced to the storage device and then moved over {@code path} in one atomic rename. If anything
     * fails before the rename (including a crash), an existing file at {@code path} is left untouched
     * and the temporary file is removed where possible. The new file gets the default permissions of
     * newly created files.
     *
     * @param path the file to create or replace
     * @throws IOException              if writing, forcing or renaming fails, or the file system cannot
     *                                  rename atomically
     * @throws IllegalArgumentException if {@code path} does not name a file (for example a root)
     */
    public void write(Path path) throws IOException {
        AtomicFiles.write(path, channel -> SafetensorsWriter.write(this, channel));
    }

    /**
     * Writes this file to a stream. The stream is neither flushed nor closed.
     *
     * @param out the stream
     * @throws IOException if writing fails
     */
    public void write(OutputStream out) throws IOException {
        SafetensorsWriter.write(this, Channels.newChannel(out));
    }

    /**
     * This file in the safetensors format.
     *
     * @return the bytes of the file
     * @throws IllegalStateException if the file is larger than a byte array can hold; use
     *                               {@link #write(Path)} instead
     */
    public byte[] toBytes() {
        return SafetensorsWriter.toBytes(this);
    }

    // ---------------------------------------------------------------------------------- value semantics

    /**
     * Files are equal when they hold equal tensors in the same order and equal metadata (in any order).
     *
     * @param o the object to compare with
     * @return whether {@code o} is an equal file
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TensorFile)) {
            return false;
        }
        TensorFile f = (TensorFile) o;
        return tensors.equals(f.tensors) && metadata.equals(f.metadata);
    }

    /**
     * A hash consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return 31 * tensors.hashCode() + metadata.hashCode();
    }

    /**
     * A summary: tensor count, the first tensors with dtype and shape, and the metadata keys.
     *
     * @return the summary
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TensorFile[").append(tensors.size()).append(" tensors");
        int shown = Math.min(tensors.size(), NAMES_IN_MESSAGE);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? ": " : ", ").append(tensors.get(i));
        }
        if (shown < tensors.size()) {
            sb.append(", ...");
        }
        return sb.append("; metadata keys ").append(metadata.keySet()).append(']').toString();
    }
}
