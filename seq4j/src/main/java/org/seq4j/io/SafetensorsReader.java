package org.seq4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Checksum;

/**
 * Reads and validates a safetensors file (see the {@linkplain org.seq4j.io package documentation}).
 *
 * <p>Order of work: the 8-byte length and its bounds; the whole header, parsed and checked entry by entry
 * (types, dtype, shape against byte range, range within the data buffer); the ranges against each other
 * ({@link #readHeader}); the total of the claimed byte ranges against a limit; only then the tensor data,
 * one array per tensor, each read once straight from the source ({@link #readTensors}). Every array
 * allocated is therefore bounded by the size of the input and the limit: the header by the header length
 * (itself checked against the input size), each tensor by its byte range (checked to lie inside the input
 * and not to overlap another), all tensors together by the limit. Between the two steps a caller can check
 * the metadata and stream the data through a checksum ({@link Source#update}) without allocating it, as
 * {@link Checkpoint} does.
 */
final class SafetensorsReader {

    /** The largest header accepted, as in the reference implementation (100 MB). */
    static final long MAX_HEADER_LENGTH = 100_000_000L;

    /** The largest byte array that JVMs reliably allocate, and so the largest tensor accepted. */
    static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    /** The smallest header: {@code {}}. */
    private static final int MIN_HEADER_LENGTH = 2;

    private static final int LENGTH_FIELD_BYTES = 8;

    /** The buffer through which {@link ChannelSource#update} streams bytes into a checksum. */
    private static final int STREAM_BUFFER_BYTES = 1 << 16;

    /**
     * Random access to the bytes of a file.
     *
     * @param <E> the exception that reading may throw
     */
    interface Source<E extends IOException> {

        /** The total number of bytes. */
        long size() throws E;

        /** Fills {@code dst} with the bytes starting at {@code position}. */
        void readFully(long position, byte[] dst) throws E, SafetensorsFormatException;

        /**
         * Feeds {@code length} bytes starting at {@code position} to {@code checksum}, through a small
         * buffer (no array of {@code length} bytes is allocated).
         */
        void update(Checksum checksum, long position, long length) throws E, SafetensorsFormatException;
    }

    /** A byte array as a source. */
    static final class ArraySource implements Source<SafetensorsFormatException> {

        private final byte[] bytes;

        ArraySource(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void readFully(long position, byte[] dst) throws SafetensorsFormatException {
            checkRange(position, dst.length);
            System.arraycopy(bytes, (int) position, dst, 0, dst.length);
        }

        @Override
        public void update(Checksum checksum, long position, long length) throws SafetensorsFormatException {
            checkRange(position, length);
            checksum.update(bytes, (int) position, (int) length);
        }

        private void checkRange(long position, long length) throws SafetensorsFormatException {
            if (position < 0 || length < 0 || position > bytes.length - length) {
                // Unreachable after validation; kept so that a bug cannot turn into an index exception.
                throw new SafetensorsFormatException("read of " + length + " bytes at " + position
                        + " is outside the " + bytes.length + " bytes of input");
            }
        }
    }

    /** A file channel as a source, read with positional reads. */
    static final class ChannelSource implements Source<IOException> {

        private final FileChannel channel;

        ChannelSource(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public void readFully(long position, byte[] dst) throws IOException {
            fill(ByteBuffer.wrap(dst), position, dst.length);
        }

        @Override
        public void update(Checksum checksum, long position, long length) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(STREAM_BUFFER_BYTES, Math.max(length, 1)));
            long done = 0;
            while (done < length) {
                buf.clear().limit((int) Math.min(buf.capacity(), length - done));
                fill(buf, position + done, length);
                checksum.update(buf.array(), 0, buf.limit());
                done += buf.limit();
            }
        }

        /** Fills {@code buf} from {@code position}; {@code requested} is for the message only. */
        private void fill(ByteBuffer buf, long position, long requested) throws IOException {
            int start = buf.position();
            while (buf.hasRemaining()) {
                long at = position + buf.position() - start;
                int n = channel.read(buf, at);
                if (n < 0) {
                    throw new SafetensorsFormatException("file ended at byte " + at + " while reading "
                            + requested + " bytes at " + position + " (was it truncated while being read?)");
                }
            }
        }
    }

    /**
     * Opens a file for {@link ChannelSource}.
     *
     * @throws SafetensorsFormatException if the path is a directory
     * @throws IOException                if it cannot be opened
     */
    static FileChannel open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new SafetensorsFormatException(path + " is a directory, not a safetensors file");
        }
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    /** One header entry, checked against its own fields and against the data buffer length. */
    static final class Entry {
        final String name;
        final DType dtype;
        final int[] shape;
        final long begin;
        final long end;

        Entry(String name, DType dtype, int[] shape, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }
    }

    /** A validated header: the metadata and the tensor entries, in header order. */
    static final class Header {
        /** Names the input in error messages, with ": " appended. */
        final String errorPrefix;
        final Map<String, String> metadata;
        final List<Entry> entries;
        /** The file offset of the data buffer. */
        final long dataStart;

        private Header(String errorPrefix, Map<String, String> metadata, List<Entry> entries, long dataStart) {
            this.errorPrefix = errorPrefix;
            this.metadata = Collections.unmodifiableMap(metadata);
            this.entries = Collections.unmodifiableList(entries);
            this.dataStart = dataStart;
        }

        /** The bytes all tensors claim together; at most the size of the data buffer, as ranges do not overlap. */
        long tensorBytes() {
            long total = 0;
            for (Entry e : entries) {
                total += e.end - e.begin;
            }
            return total;
        }
    }

    private final String errorPrefix;

    private SafetensorsReader(String sourceName) {
        this.errorPrefix = sourceName + ": ";
    }

    /**
     * The default limit on the bytes of all tensors of one file: the maximum size of the Java heap, which
     * could never hold more.
     */
    static long defaultTensorByteLimit() {
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Reads and validates a whole file.
     *
     * @param source         the bytes; read, not modified
     * @param sourceName     names the input in error messages, e.g. the path
     * @param maxTensorBytes the most bytes the tensors may claim together
     * @return the file's tensors and metadata
     * @throws SafetensorsFormatException if the input is not a valid safetensors file, or its tensors
     *                                    claim more than {@code maxTensorBytes}
     * @throws E                          if reading the source fails
     */
    static <E extends IOException> TensorFile read(Source<E> source, String sourceName, long maxTensorBytes)
            throws E, SafetensorsFormatException {
        return readTensors(source, readHeader(source, sourceName), maxTensorBytes);
    }

    /**
     * Reads and validates the length field and the header; reads no tensor data.
     *
     * @param source     the bytes; read, not modified
     * @param sourceName names the input in error messages, e.g. the path
     * @return the validated header
     * @throws SafetensorsFormatException if the header is not valid
     * @throws E                          if reading the source fails
     */
    static <E extends IOException> Header readHeader(Source<E> source, String sourceName)
            throws E, SafetensorsFormatException {
        return new SafetensorsReader(sourceName).header(source);
    }

    /**
     * Reads the tensors of a validated header, each straight into its own array: after checking that the
     * tensors together claim at most {@code maxTensorBytes}, and before allocating any of them.
     *
     * @param source         the source the header was read from
     * @param header         its header
     * @param maxTensorBytes the most bytes the tensors may claim together
     * @return the file's tensors and metadata
     * @throws SafetensorsFormatException if the tensors claim more than {@code maxTensorBytes}, or the
     *                                    source ends early
     * @throws E                          if reading the source fails
     */
    static <E extends IOException> TensorFile readTensors(Source<E> source, Header header, long maxTensorBytes)
            throws E, SafetensorsFormatException {
        long claimed = header.tensorBytes();
        if (claimed > maxTensorBytes) {
            throw new SafetensorsFormatException(header.errorPrefix + "the tensors claim " + claimed
                    + " bytes, more than the limit of " + maxTensorBytes + " bytes"
                    + (maxTensorBytes == defaultTensorByteLimit()
                    ? " (the maximum heap size; run Java with a larger -Xmx to read this file)" : ""));
        }
        List<NamedTensor> tensors = new ArrayList<>(header.entries.size());
        for (Entry e : header.entries) {
            long byteCount = e.end - e.begin;
            if (byteCount > MAX_ARRAY_BYTES) {
                throw new SafetensorsFormatException(header.errorPrefix + tensor(e.name) + ": " + byteCount
                        + " bytes is more than the largest tensor this reader supports (" + MAX_ARRAY_BYTES
                        + " bytes)");
            }
            byte[] data = new byte[(int) byteCount];
            source.readFully(header.dataStart + e.begin, data);
            tensors.add(NamedTensor.wrapValidated(e.name, e.dtype, e.shape, data));
        }
        return TensorFile.ofValidated(tensors, new LinkedHashMap<>(header.metadata));
    }

    private <E extends IOException> Header header(Source<E> source) throws E, SafetensorsFormatException {
        long size = source.size();
        if (size < LENGTH_FIELD_BYTES) {
            throw error("input is " + size + " bytes, shorter than the 8-byte header length field");
        }
        byte[] lengthField = new byte[LENGTH_FIELD_BYTES];
        source.readFully(0, lengthField);
        long headerLength = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_LENGTH) {
            throw error("header length " + Long.toUnsignedString(headerLength) + " exceeds the limit of "
                    + MAX_HEADER_LENGTH + " bytes");
        }
        if (headerLength < MIN_HEADER_LENGTH) {
            throw error("header length " + headerLength + " is less than 2, the length of the smallest header {}");
        }
        if (headerLength > size - LENGTH_FIELD_BYTES) {
            throw error("header length " + headerLength + " exceeds the " + (size - LENGTH_FIELD_BYTES)
                    + " bytes that follow the length field");
        }
        byte[] header = new byte[(int) headerLength];
        source.readFully(LENGTH_FIELD_BYTES, header);
        long dataStart = LENGTH_FIELD_BYTES + headerLength;
        long dataLength = size - dataStart;

        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = parseHeader(header, dataLength, metadata);
        checkNoOverlap(entries);
        return new Header(errorPrefix, metadata, entries, dataStart);
    }

    // ------------------------------------------------------------------------------------------ header

    /** Parses the header; fills {@code metadata}; returns the tensor entries in header order. */
    private List<Entry> parseHeader(byte[] header, long dataLength, LinkedHashMap<String, String> metadata)
            throws SafetensorsFormatException {
        if (header[0] != '{') {
            throw error("header must start with '{' but starts with "
                    + String.format("byte 0x%02X", header[0] & 0xFF));
        }
        try {
            return parseEntries(new JsonReader(header, errorPrefix, "header"), dataLength, metadata);
        } catch (JsonFormatException e) {
            throw new SafetensorsFormatException(e.getMessage(), e);
        }
    }

    private List<Entry> parseEntries(JsonReader json, long dataLength, LinkedHashMap<String, String> metadata)
            throws SafetensorsFormatException, JsonFormatException {
        List<Entry> entries = new ArrayList<>();
        json.beginObject();
        while (json.hasNext()) {
            String key = json.nextName();
            if (key.equals(NamedTensor.METADATA_KEY)) {
                parseMetadata(json, metadata);
            } else {
                entries.add(parseEntry(json, key, dataLength));
            }
        }
        json.endObject();
        json.endDocument();
        return entries;
    }

    private void parseMetadata(JsonReader json, LinkedHashMap<String, String> metadata)
            throws SafetensorsFormatException, JsonFormatException {
        expect(json, JsonReader.Kind.OBJECT, NamedTensor.METADATA_KEY + " must be an object of strings");
        json.beginObject();
        while (json.hasNext()) {
            String key = json.nextName();
            expect(json, JsonReader.Kind.STRING, NamedTensor.METADATA_KEY + " value for key "
                    + JsonWriter.quoteForMessage(key) + " must be a string");
            metadata.put(key, json.nextString());
        }
        json.endObject();
    }

    private Entry parseEntry(JsonReader json, String name, long dataLength)
            throws SafetensorsFormatException, JsonFormatException {
        String where = tensor(name);
        expect(json, JsonReader.Kind.OBJECT, where + " must be an object with dtype, shape and data_offsets");
        json.beginObject();
        String dtypeName = null;
        int[] shape = null;
        long[] offsets = null;
        while (json.hasNext()) {
            String field = json.nextName();
            switch (field) {
                case "dtype":
                    expect(json, JsonReader.Kind.STRING, where + ": dtype must be a string");
                    dtypeName = json.nextString();
                    break;
                case "shape":
                    shape = parseShape(json, where);
                    break;
                case "data_offsets":
                    offsets = parseOffsets(json, where);
                    break;
                default:
                    throw error(where + ": unknown field " + JsonWriter.quoteForMessage(field)
                            + " (expected dtype, shape and data_offsets)");
            }
        }
        json.endObject();
        if (dtypeName == null) {
            throw error(where + ": missing field \"dtype\"");
        }
        if (shape == null) {
            throw error(where + ": missing field \"shape\"");
        }
        if (offsets == null) {
            throw error(where + ": missing field \"data_offsets\"");
        }
        DType dtype = DType.fromHeaderName(dtypeName);
        if (dtype == null) {
            throw error(where + ": unsupported dtype " + JsonWriter.quoteForMessage(dtypeName)
                    + " (supported: " + Arrays.toString(DType.values()) + ")");
        }
        long begin = offsets[0];
        long end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (begin > end) {
            throw error(where + ": " + range + " have begin > end");
        }
        long expected = byteCount(shape, dtype, where);
        if (expected != end - begin) {
            throw error(where + ": shape " + NamedTensor.shapeString(shape) + " of " + dtype + " needs "
                    + expected + " bytes but " + range + " span " + (end - begin));
        }
        if (end > dataLength) {
            throw error(where + ": " + range + " extend past the end of the data buffer (" + dataLength
                    + " bytes)");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private int[] parseShape(JsonReader json, String where)
            throws SafetensorsFormatException, JsonFormatException {
        expect(json, JsonReader.Kind.ARRAY, where + ": shape must be an array of integers");
        json.beginArray();
        int[] dims = new int[4];
        int rank = 0;
        while (json.hasNext()) {
            expect(json, JsonReader.Kind.NUMBER, where + ": shape element " + rank + " must be an integer");
            long d = json.nextLong();
            if (d < 0) {
                throw error(where + ": shape dimension " + rank + " is negative (" + d + ")");
            }
            if (d > Integer.MAX_VALUE) {
                throw error(where + ": shape dimension " + rank + " is " + d + ", more than the supported "
                        + Integer.MAX_VALUE);
            }
            if (rank == dims.length) {
                dims = Arrays.copyOf(dims, 2 * rank);
            }
            dims[rank++] = (int) d;
        }
        json.endArray();
        return Arrays.copyOf(dims, rank);
    }

    private long[] parseOffsets(JsonReader json, String where)
            throws SafetensorsFormatException, JsonFormatException {
        String what = where + ": data_offsets must be an array of two integers [begin, end]";
        expect(json, JsonReader.Kind.ARRAY, what);
        json.beginArray();
        long[] offsets = new long[2];
        int count = 0;
        while (json.hasNext()) {
            if (count == 2) {
                throw error(what + " but has more than two elements");
            }
            expect(json, JsonReader.Kind.NUMBER, where + ": data_offsets element " + count + " must be an integer");
            offsets[count++] = json.nextLong();
        }
        json.endArray();
        if (count < 2) {
            throw error(what + " but has " + count + " element" + (count == 1 ? "" : "s"));
        }
        if (offsets[0] < 0 || offsets[1] < 0) {
            throw error(where + ": data_offsets [" + offsets[0] + ", " + offsets[1] + "] must not be negative");
        }
        return offsets;
    }

    /** The number of bytes of the shape, or an error if it does not fit in a long. */
    private long byteCount(int[] shape, DType dtype, String where) throws SafetensorsFormatException {
        for (int d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        long bytes = dtype.byteSize();
        for (int d : shape) {
            if (bytes > Long.MAX_VALUE / d) {
                throw error(where + ": shape " + NamedTensor.shapeString(shape) + " of " + dtype
                        + " has more bytes than a 64-bit offset can address");
            }
            bytes *= d;
        }
        return bytes;
    }

    /** Checks that no two tensors share a byte; empty tensors share none. */
    private void checkNoOverlap(List<Entry> entries) throws SafetensorsFormatException {
        List<Entry> nonEmpty = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            if (e.end > e.begin) {
                nonEmpty.add(e);
            }
        }
        nonEmpty.sort(Comparator.comparingLong((Entry e) -> e.begin));
        for (int i = 1; i < nonEmpty.size(); i++) {
            Entry previous = nonEmpty.get(i - 1);
            Entry current = nonEmpty.get(i);
            // Sorted by begin and checked so far, so the previous entry has the largest end yet.
            if (current.begin < previous.end) {
                throw error(tensor(previous.name) + " [" + previous.begin + ", " + previous.end + "] and "
                        + tensor(current.name) + " [" + current.begin + ", " + current.end
                        + "] overlap in the data buffer");
            }
        }
    }

    /** Fails unless the next value is of the given kind; {@code what} says what was expected. */
    private void expect(JsonReader json, JsonReader.Kind kind, String what)
            throws SafetensorsFormatException, JsonFormatException {
        JsonReader.Kind actual = json.peek();
        if (actual == JsonReader.Kind.BOOLEAN || actual == JsonReader.Kind.NULL) {
            throw error("true, false and null are not allowed in a safetensors header, found "
                    + actual.withArticle() + " at header byte " + json.position());
        }
        if (actual != kind) {
            throw error(what + " but was " + actual.withArticle() + " (at header byte " + json.position() + ")");
        }
    }

    private static String tensor(String name) {
        return "tensor " + JsonWriter.quoteForMessage(name);
    }

    private SafetensorsFormatException error(String message) {
        return new SafetensorsFormatException(errorPrefix + message);
    }
}
