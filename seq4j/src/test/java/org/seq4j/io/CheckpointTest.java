package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static final String KIND = "test-model";

    /** Heap a rejection may allocate on the reading thread: the header and small buffers, far below a tensor. */
    private static final long REJECTION_ALLOCATION_LIMIT = 50L << 20;

    @TempDir
    Path dir;

    private static Checkpoint sample() {
        return Checkpoint.builder(KIND)
                .putMetadata("config", "{\"hidden_size\":3}")
                .putMetadata("step", "-12")
                .add(NamedTensor.of("weight", new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
                .add(NamedTensor.of("bias", new double[] {0.5, -0.25}, 2))
                .add(NamedTensor.of("count", new long[] {7}))
                .build();
    }

    @Test
    void roundTripsTensorsAndMetadataWithTheReservedEntries() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Checkpoint written = sample();
        written.write(file);

        Checkpoint read = Checkpoint.read(file, KIND);
        assertEquals(KIND, read.kind());
        assertEquals(file.toString(), read.source());
        assertEquals(written.tensors(), read.tensors());
        assertEquals(written.metadata(), read.metadata());
        assertEquals(Map.of("config", "{\"hidden_size\":3}", "step", "-12"), read.metadata());
        assertEquals(-12L, read.metadataLong("step"));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6},
                read.finiteTensor("weight", DType.F32, 2, 3).toFloatArray());

        Map<String, String> raw = TensorFile.read(file).metadata();
        assertEquals(List.of("format", "seq4j.kind", "seq4j.version", "seq4j.checksum", "config", "step"),
                new ArrayList<>(raw.keySet()));
        assertEquals("pt", raw.get("format"));
        assertEquals(KIND, raw.get("seq4j.kind"));
        assertEquals("2", raw.get("seq4j.version"));
        assertTrue(raw.get("seq4j.checksum").matches("crc32c:[0-9a-f]{8}"), raw.get("seq4j.checksum"));
    }

    /** The checksum is the CRC-32C of the serialisation the class documentation specifies, built here by hand. */
    @Test
    void theChecksumIsTheDocumentedCanonicalSerialisation() throws IOException {
        Path file = dir.resolve("m.safetensors");
        sample().write(file);
        TensorFile raw = TensorFile.read(file);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TreeMap<String, String> sorted = new TreeMap<>(raw.metadata());   // ASCII keys: UTF-8 order
        sorted.remove("seq4j.checksum");
        u32(out, sorted.size());
        sorted.forEach((k, v) -> {
            str(out, k);
            str(out, v);
        });
        TreeMap<String, NamedTensor> byName = new TreeMap<>();
        raw.tensors().forEach(t -> byName.put(t.name(), t));
        u32(out, byName.size());
        for (NamedTensor t : byName.values()) {
            str(out, t.name());
            str(out, t.dtype().name());
            u32(out, t.shape().length);
            for (int d : t.shape()) {
                u32(out, d);
            }
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(t.rawBytes().length).array());
            out.writeBytes(t.rawBytes());
        }
        CRC32C crc = new CRC32C();
        crc.update(out.toByteArray());
        assertEquals(String.format("crc32c:%08x", crc.getValue()), raw.metadata().get("seq4j.checksum"));
    }

    /** Layout is not content: the same tensors in another order, with the metadata reordered, verify. */
    @Test
    void theChecksumCoversContentNotLayout() throws IOException {
        Path file = dir.resolve("m.safetensors");
        sample().write(file);
        TensorFile raw = TensorFile.read(file);
        List<NamedTensor> reversed = new ArrayList<>(raw.tensors());
        java.util.Collections.reverse(reversed);
        Map<String, String> reordered = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(raw.metadata().keySet());
        java.util.Collections.reverse(keys);
        keys.forEach(k -> reordered.put(k, raw.metadata().get(k)));
        TensorFile.of(reversed, reordered).write(file);

        Checkpoint read = Checkpoint.read(file, KIND);
        assertEquals(sample().metadata(), read.metadata());
        assertEquals(reversed, read.tensors());
    }

    /** Random checkpoints: written, read back equal; their in-memory and streamed checksums agree. */
    @Test
    void randomCheckpointsRoundTrip() throws IOException {
        SplittableRandom random = new SplittableRandom(15);
        Path file = dir.resolve("r.safetensors");
        for (int trial = 0; trial < 40; trial++) {
            Checkpoint.Builder b = Checkpoint.builder(KIND);
            int tensors = random.nextInt(6);
            for (int i = 0; i < tensors; i++) {
                b.add(RandomTensors.tensor(random, "t" + i + RandomTensors.string(random, 3)));
            }
            int entries = random.nextInt(4);
            for (int i = 0; i < entries; i++) {
                b.putMetadata("m" + i + RandomTensors.string(random, 4), RandomTensors.string(random, 10));
            }
            Checkpoint written = b.build();
            written.write(file);
            Checkpoint read = Checkpoint.read(file, KIND);
            assertEquals(written.tensors(), read.tensors(), "trial " + trial);
            assertEquals(written.metadata(), read.metadata(), "trial " + trial);
        }
    }

    @Test
    void everyChangedTensorByteOrMetadataEntryIsDetected() throws IOException {
        Path file = dir.resolve("m.safetensors");
        sample().write(file);
        byte[] bytes = Files.readAllBytes(file);
        long headerEnd = 8 + ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (int at = (int) headerEnd; at < bytes.length; at++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] changed = bytes.clone();
                changed[at] ^= (byte) (1 << bit);
                Files.write(file, changed);
                CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                        () -> Checkpoint.read(file, KIND), "byte " + at + " bit " + bit);
                assertTrue(e.getMessage().contains(" is corrupted: its contents do not match the checksum"),
                        e.getMessage());
            }
        }
        String header = new String(bytes, 8, (int) headerEnd - 8, StandardCharsets.UTF_8);
        // same-length edits of the model's metadata: "hidden_size":3 → 4, step -12 → -13
        for (String[] edit : new String[][] {{"\\\"hidden_size\\\":3", "\\\"hidden_size\\\":4"},
                {"\"-12\"", "\"-13\""}}) {
            assertTrue(header.contains(edit[0]), edit[0]);
            byte[] edited = replace(bytes, header.replace(edit[0], edit[1]));
            Files.write(file, edited);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoint.read(file, KIND), edit[1]);
            assertTrue(e.getMessage().contains(" is corrupted"), e.getMessage());
        }
    }

    @Test
    void theReservedEntriesAreCheckedWithMessagesNamingTheProblem() throws IOException {
        Path file = dir.resolve("m.safetensors");
        TensorFile raw = sample().toTensorFile();

        rewrite(file, raw, "seq4j.kind", "other-model");
        assertMessage(file, file + " is a checkpoint of a \"other-model\" model, not of a \"test-model\" model");
        rewrite(file, raw, "seq4j.kind", null);
        assertMessage(file, file + " is not a seq4j checkpoint: its metadata has no 'seq4j.kind'");
        rewrite(file, raw, "seq4j.version", "3");
        assertMessage(file, file + " has checkpoint format \"3\"; this seq4j reads format 2");
        rewrite(file, raw, "seq4j.version", null);
        assertMessage(file, file + " has checkpoint format (none: no 'seq4j.version' in its metadata); "
                + "this seq4j reads format 2");
        rewrite(file, raw, "seq4j.checksum", null);
        assertMessage(file, file + " has no 'seq4j.checksum' in its metadata");
        rewrite(file, raw, "seq4j.checksum", "CRC32C:0000000A");
        assertMessage(file, file + ": 'seq4j.checksum' must be 'crc32c:' and 8 lowercase hexadecimal digits "
                + "but is \"CRC32C:0000000A\"");
        rewrite(file, raw, "seq4j.version", "1");
        assertTrue(assertThrows(CheckpointFormatException.class, () -> Checkpoint.read(file, KIND)).getMessage()
                .startsWith(file + " is a checkpoint of format 1, written by an earlier seq4j"));

        Files.writeString(file, "not a checkpoint");
        assertTrue(assertThrows(CheckpointFormatException.class, () -> Checkpoint.read(file, KIND)).getMessage()
                .startsWith(file + " is not a readable checkpoint (not a safetensors file, or truncated or damaged): "
                        + "header length"));
        assertMessage(dir, dir + " is a directory, not a checkpoint file");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Checkpoint.read(dir.resolve("none"), KIND));
    }

    @Test
    void theBuilderRefusesReservedKeysAndBadKinds() {
        for (String key : new String[] {"format", "seq4j.kind", "seq4j.checksum", "seq4j.anything"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.builder(KIND).putMetadata(key, "x"), key);
            assertTrue(e.getMessage().contains("is reserved for the checkpoint format"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.builder(""));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.builder(null));
        assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.builder(KIND).add(NamedTensor.of("a", new float[1], 1))
                        .add(NamedTensor.of("a", new float[1], 1)));
    }

    @Test
    void typedAccessorsCheckNamesShapesIntegersAndFiniteness() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Checkpoint.builder(KIND)
                .putMetadata("int", "42").putMetadata("leading_zero", "042").putMetadata("plus", "+42")
                .putMetadata("fraction", "4.2").putMetadata("spaced", " 42").putMetadata("huge", "1" + "0".repeat(20))
                .add(NamedTensor.of("nan", new float[] {0, 1, 2, 3, Float.NaN, 5}, 2, 3))
                .add(NamedTensor.of("inf", new double[] {Double.NEGATIVE_INFINITY}))
                .add(NamedTensor.of("ints", new int[] {1, 2}, 2))
                .build().write(file);
        Checkpoint in = Checkpoint.read(file, KIND);
        assertEquals(42L, in.metadataLong("int"));
        for (String key : new String[] {"leading_zero", "plus", "fraction", "spaced", "huge"}) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> in.metadataLong(key));
            assertTrue(e.getMessage().startsWith(file + ": metadata \"" + key + "\" must be an integer but is "),
                    e.getMessage());
        }
        assertEquals(file + " has no metadata \"absent\"",
                assertThrows(CheckpointFormatException.class, () -> in.metadata("absent")).getMessage());
        assertEquals(file + " has no tensor \"absent\"",
                assertThrows(CheckpointFormatException.class, () -> in.tensor("absent", DType.F32)).getMessage());
        assertEquals(file + ": tensor \"ints\" must be I32 [3] but is I32 [2]",
                assertThrows(CheckpointFormatException.class, () -> in.tensor("ints", DType.I32, 3)).getMessage());
        assertEquals(file + ": tensor \"ints\" must be F32 [2] but is I32 [2]",
                assertThrows(CheckpointFormatException.class, () -> in.tensor("ints", DType.F32, 2)).getMessage());
        in.finiteTensor("ints", DType.I32, 2);
        assertTrue(assertThrows(CheckpointFormatException.class, () -> in.finiteTensor("nan", DType.F32, 2, 3))
                .getMessage().startsWith(file + ": tensor \"nan\" holds NaN at [1, 1]; the model needs finite values"));
        assertTrue(assertThrows(CheckpointFormatException.class, () -> in.finiteTensor("inf", DType.F64))
                .getMessage().startsWith(file + ": tensor \"inf\" holds -Infinity at element 0;"));
        in.tensor("nan", DType.F32, 2, 3);   // the plain accessor does not judge the values
    }

    // ------------------------------------------------------------------ memory bounded by the header

    /**
     * A sparse file of 1.9 GB (no disk used) whose header claims three tensors that fill it. Rejecting it,
     * for whatever reason, must not allocate them: the thread's allocated bytes stay far below one tensor.
     */
    @Test
    void aHugeCraftedFileIsRejectedWithoutAllocatingItsTensors() throws IOException {
        long tensorBytes = 640_000_000L;
        Path withChecksum = sparseFile("claims.safetensors", tensorBytes, true);
        Path withoutChecksum = sparseFile("no-checksum.safetensors", tensorBytes, false);

        // the checkpoint's metadata is checked before any tensor byte is read
        String missing = rejectWithin(REJECTION_ALLOCATION_LIMIT, () -> Checkpoint.read(withoutChecksum, KIND));
        assertEquals(withoutChecksum + " has no 'seq4j.checksum' in its metadata", missing);
        // an explicit limit is applied before the checksum pass
        String limited = rejectWithin(REJECTION_ALLOCATION_LIMIT,
                () -> Checkpoint.read(withChecksum, KIND, 100_000_000L));
        assertEquals(withChecksum + ": its tensors claim 1920000000 bytes, more than the limit of 100000000 bytes",
                limited);
        // within the limit, the checksum is streamed from the file before the tensors are allocated (a smaller
        // file, 3 tensors of 64 MB, so that the stream is short; allocating any one of them would show)
        Path smaller = sparseFile("smaller.safetensors", 64L << 20, true);
        String corrupted = rejectWithin(REJECTION_ALLOCATION_LIMIT, () -> Checkpoint.read(smaller, KIND));
        assertTrue(corrupted.startsWith(smaller + " is corrupted: its contents do not match the checksum"),
                corrupted);
        // a plain safetensors read with a limit
        String plain = rejectWithin(REJECTION_ALLOCATION_LIMIT, () -> TensorFile.read(withChecksum, 1_000_000L));
        assertEquals(withChecksum + ": the tensors claim 1920000000 bytes, more than the limit of 1000000 bytes",
                plain);
    }

    /** A file claiming more tensor bytes than the heap can ever hold is rejected by default, before allocating. */
    @Test
    void aFileClaimingMoreThanTheHeapIsRejectedByDefault() throws IOException {
        long maxHeap = Runtime.getRuntime().maxMemory();
        Path file = sparseFile("beyond-heap.safetensors", maxHeap / 2 + 1, true);
        String plain = rejectWithin(REJECTION_ALLOCATION_LIMIT, () -> TensorFile.read(file));
        assertTrue(plain.contains("more than the limit of " + maxHeap + " bytes (the maximum heap size; run Java "
                + "with a larger -Xmx to read this file)"), plain);
        String checkpoint = rejectWithin(REJECTION_ALLOCATION_LIMIT, () -> Checkpoint.read(file, KIND));
        assertTrue(checkpoint.contains("more than the limit of " + maxHeap + " bytes (the maximum heap size"),
                checkpoint);
    }

    /** A sparse file with a valid header of the given reserved metadata and 3 F32 tensors of the given size. */
    private Path sparseFile(String name, long bytesPerTensorAtLeast, boolean withChecksum) throws IOException {
        long bytesPerTensor = (bytesPerTensorAtLeast + 3) / 4 * 4;
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\",\"seq4j.kind\":\"" + KIND
                + "\",\"seq4j.version\":\"2\"" + (withChecksum ? ",\"seq4j.checksum\":\"crc32c:00000000\"" : "")
                + "}");
        for (int i = 0; i < 3; i++) {
            header.append(",\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[").append(bytesPerTensor / 4)
                    .append("],\"data_offsets\":[").append(i * bytesPerTensor).append(',')
                    .append((i + 1) * bytesPerTensor).append("]}");
        }
        byte[] headerBytes = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            raf.write(headerBytes);
            raf.setLength(8 + headerBytes.length + 3 * bytesPerTensor);
        }
        return file;
    }

    /** A read that is expected to fail. */
    @FunctionalInterface
    private interface Read {
        void run() throws IOException;
    }

    /** Runs a read that must fail with an IOException, allocating at most {@code limit} bytes; its message. */
    private static String rejectWithin(long limit, Read read) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        assertTrue(before >= 0, "the JVM measures no allocation per thread");
        IOException e = assertThrows(IOException.class, read::run);
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < limit, "allocated " + allocated + " bytes while rejecting: " + e.getMessage());
        return e.getMessage();
    }

    // ------------------------------------------------------------------------------------ helpers

    private static void rewrite(Path file, TensorFile raw, String key, String value) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(raw.metadata());
        if (value == null) {
            meta.remove(key);
        } else {
            meta.put(key, value);
        }
        TensorFile.of(raw.tensors(), meta).write(file);
    }

    private static void assertMessage(Path file, String expected) {
        assertEquals(expected, assertThrows(CheckpointFormatException.class,
                () -> Checkpoint.read(file, KIND)).getMessage());
    }

    /** The file with its header replaced by {@code header} of the same UTF-8 length. */
    private static byte[] replace(byte[] bytes, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] out = bytes.clone();
        System.arraycopy(h, 0, out, 8, h.length);
        return out;
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        u32(out, utf8.length);
        out.writeBytes(utf8);
    }
}
