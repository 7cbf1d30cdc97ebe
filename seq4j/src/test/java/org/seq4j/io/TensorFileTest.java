package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFileTest {

    // ------------------------------------------------------------------------------- round trips

    @Test
    void aDirectoryIsRefusedWithAMessage(@TempDir Path dir) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> TensorFile.read(dir));
        assertEquals(dir + " is a directory, not a safetensors file", e.getMessage());
    }


    @Test
    void roundTripsRandomFilesThroughBytesStreamsAndPaths(@TempDir Path dir) throws IOException {
        SplittableRandom random = new SplittableRandom(20240611);
        for (int trial = 0; trial < 200; trial++) {
            TensorFile.Builder builder = TensorFile.builder();
            int tensors = random.nextInt(7);
            for (int i = 0; i < tensors; i++) {
                builder.add(RandomTensors.tensor(random, "t" + i + RandomTensors.string(random, 3)));
            }
            int entries = random.nextInt(3);
            for (int i = 0; i < entries; i++) {
                builder.putMetadata(RandomTensors.string(random, 5), RandomTensors.string(random, 10));
            }
            TensorFile file = builder.build();
            byte[] bytes = file.toBytes();
            assertEquals(file, TensorFile.read(bytes), "trial " + trial);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            file.write(out);
            assertArrayEquals(bytes, out.toByteArray(), "trial " + trial);
            assertEquals(file, TensorFile.read(new ByteArrayInputStream(bytes)), "trial " + trial);

            if (trial % 20 == 0) {
                Path p = dir.resolve("t" + trial + ".safetensors");
                file.write(p);
                assertArrayEquals(bytes, Files.readAllBytes(p));
                assertEquals(file, TensorFile.read(p));
            }
        }
    }

    @Test
    void roundTripsValuesOfEveryDType() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        float[] f = new float[37];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) random.nextGaussian();
        }
        f[0] = Float.NaN;
        f[1] = -0f;
        f[2] = Float.MIN_VALUE;
        double[] d = random.doubles(11, -1e10, 1e10).toArray();
        d[0] = Double.NEGATIVE_INFINITY;
        int[] i = random.ints(12).toArray();
        long[] l = random.longs(5).toArray();
        TensorFile file = TensorFile.builder()
                .add(NamedTensor.of("f", f, 37))
                .add(NamedTensor.of("d", d, 11, 1))
                .add(NamedTensor.of("i", i, 2, 3, 2))
                .add(NamedTensor.of("l", l, 5))
                .add(NamedTensor.of("scalar", new double[] {2.5}))
                .add(NamedTensor.of("empty", new int[0], 3, 0, 2))
                .build();
        TensorFile back = TensorFile.read(file.toBytes());
        assertArrayEquals(f, back.get("f").toFloatArray());
        assertArrayEquals(d, back.get("d").toDoubleArray());
        assertArrayEquals(i, back.get("i").toIntArray());
        assertArrayEquals(new int[] {2, 3, 2}, back.get("i").shape());
        assertArrayEquals(l, back.get("l").toLongArray());
        assertArrayEquals(new double[] {2.5}, back.get("scalar").toDoubleArray());
        assertEquals(0, back.get("scalar").rank());
        assertArrayEquals(new int[] {3, 0, 2}, back.get("empty").shape());
        assertEquals(DType.I32, back.get("empty").dtype());
        assertEquals(List.of("f", "d", "i", "l", "scalar", "empty"), back.names());
    }

    @Test
    void roundTripsMetadataInOrder() throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("", "");
        metadata.put("__metadata__", "a key like the reserved one is fine inside metadata");
        metadata.put("quotes \" and \\ and /", "line\nbreak\ttab\u0000nul\u001funit\u007fdel");
        metadata.put("na\u00efve \u2014 \ud83d\ude42", "\u4e2d\u6587 \ud800\udc00");
        metadata.put("long", "x".repeat(10_000));
        TensorFile back = TensorFile.read(TensorFile.of(List.of(), metadata).toBytes());
        assertEquals(new ArrayList<>(metadata.entrySet()), new ArrayList<>(back.metadata().entrySet()));
    }

    @Test
    void roundTripsRandomStrings() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 300; trial++) {
            String name = RandomTensors.string(random, 20);
            String key = RandomTensors.string(random, 20);
            String value = RandomTensors.string(random, 40);
            TensorFile file = TensorFile.builder()
                    .add(NamedTensor.of(name.equals("__metadata__") ? "x" : name, new float[] {1}))
                    .putMetadata(key, value)
                    .build();
            assertEquals(file, TensorFile.read(file.toBytes()), "trial " + trial);
        }
    }

    // ----------------------------------------------------------------------------------- layout

    @Test
    void writesCompactHeaderWithMetadataFirstAndContiguousDataInInsertionOrder() {
        TensorFile file = TensorFile.builder()
                .add(NamedTensor.of("b", new double[] {1, 2, 3}, 3))
                .add(NamedTensor.of("a", new int[] {1, 2, 3, 4, 5}, 5))
                .add(NamedTensor.of("c", new float[] {7}))
                .add(NamedTensor.of("e", new long[0], 0, 2))
                .add(NamedTensor.of("n\u00e9\n", new long[] {9}, 1))
                .putMetadata("format", "pt")
                .build();
        byte[] bytes = file.toBytes();
        String expected = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]},"
                + "\"a\":{\"dtype\":\"I32\",\"shape\":[5],\"data_offsets\":[24,44]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[44,48]},"
                + "\"e\":{\"dtype\":\"I64\",\"shape\":[0,2],\"data_offsets\":[48,48]},"
                + "\"n\u00e9\\n\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[48,56]}}";
        int headerLength = (int) headerLength(bytes);
        assertEquals(expected, new String(bytes, 8, headerLength, StandardCharsets.UTF_8).stripTrailing());
        assertEquals(8 + headerLength + 56, bytes.length);

        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + headerLength, 56).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2.0, data.getDouble(8), 0.0);
        assertEquals(5, data.getInt(24 + 16));
        assertEquals(7f, data.getFloat(44), 0f);
        assertEquals(9L, data.getLong(48));
    }

    @Test
    void padsTheHeaderWithSpacesToAMultipleOfEight() throws IOException {
        for (int nameLength = 0; nameLength < 24; nameLength++) {
            TensorFile file = TensorFile.builder().add(NamedTensor.of("w".repeat(nameLength), new float[] {1, 2}, 2))
                    .build();
            byte[] bytes = file.toBytes();
            long n = headerLength(bytes);
            assertEquals(0, (8 + n) % 8, "name length " + nameLength);
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            String trimmed = header.stripTrailing();
            assertTrue(header.substring(trimmed.length()).chars().allMatch(c -> c == ' '));
            assertTrue(header.length() - trimmed.length() < 8);
            assertTrue(trimmed.startsWith("{") && trimmed.endsWith("}"));
            assertEquals(file, TensorFile.read(bytes));
        }
    }

    @Test
    void omitsMetadataWhenThereIsNone() {
        byte[] bytes = TensorFile.builder().build().toBytes();
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '}, bytes);
    }

    // ----------------------------------------------------------------------------------- access

    @Test
    void getNamesTheMissingTensorAndListsAvailableOnes() {
        TensorFile small = TensorFile.builder()
                .add(NamedTensor.of("a", new float[1]))
                .add(NamedTensor.of("b", new float[1]))
                .build();
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> small.get("weight"));
        assertEquals("no tensor named \"weight\"; the file has 2: \"a\", \"b\"", e.getMessage());

        TensorFile.Builder builder = TensorFile.builder();
        for (int i = 0; i < 15; i++) {
            builder.add(NamedTensor.of("t" + i, new float[1]));
        }
        TensorFile big = builder.build();
        e = assertThrows(NoSuchElementException.class, () -> big.get("x"));
        assertTrue(e.getMessage().startsWith("no tensor named \"x\"; the file has 15: \"t0\", \"t1\","), e.getMessage());
        assertTrue(e.getMessage().endsWith("\"t9\", ... (5 more)"), e.getMessage());

        e = assertThrows(NoSuchElementException.class, () -> TensorFile.builder().build().get("x"));
        assertEquals("no tensor named \"x\"; the file has no tensors", e.getMessage());
    }

    @Test
    void lookupAndViews() {
        NamedTensor a = NamedTensor.of("a", new float[] {1});
        TensorFile file = TensorFile.of(List.of(a), Map.of("k", "v"));
        assertSame(a, file.get("a"));
        assertTrue(file.contains("a"));
        assertFalse(file.contains("b"));
        assertEquals(1, file.size());
        assertEquals(List.of("a"), file.names());
        assertThrows(UnsupportedOperationException.class, () -> file.tensors().clear());
        assertThrows(UnsupportedOperationException.class, () -> file.metadata().put("x", "y"));
        assertEquals("TensorFile[1 tensors: a F32 []; metadata keys [k]]", file.toString());
    }

    @Test
    void builderValidatesAndIsIndependentOfBuiltFiles() {
        TensorFile.Builder builder = TensorFile.builder().add(NamedTensor.of("a", new float[1]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.add(NamedTensor.of("a", new int[1])));
        assertEquals("duplicate tensor name \"a\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder.putMetadata("k", null));
        assertEquals("metadata value for key \"k\" must not be null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder.putMetadata(null, "v"));
        assertEquals("metadata key must not be null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder.putMetadata("k", "x\udc00"));
        assertEquals("metadata value for key \"k\" has an unpaired surrogate at index 1 and cannot be written as UTF-8",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TensorFile.of(
                List.of(NamedTensor.of("d", new float[1]), NamedTensor.of("d", new float[1])), Map.of()));

        TensorFile first = builder.putMetadata("k", "1").build();
        TensorFile second = builder.putMetadata("k", "2").add(NamedTensor.of("b", new float[1])).build();
        assertEquals(Map.of("k", "1"), first.metadata());
        assertEquals(1, first.size());
        assertEquals(Map.of("k", "2"), second.metadata());
        assertEquals(2, second.size());
    }

    @Test
    void equalityIgnoresMetadataOrderButNotTensorOrder() {
        NamedTensor a = NamedTensor.of("a", new float[1]);
        NamedTensor b = NamedTensor.of("b", new float[1]);
        Map<String, String> m1 = new LinkedHashMap<>();
        m1.put("x", "1");
        m1.put("y", "2");
        Map<String, String> m2 = new LinkedHashMap<>();
        m2.put("y", "2");
        m2.put("x", "1");
        assertEquals(TensorFile.of(List.of(a, b), m1), TensorFile.of(List.of(a, b), m2));
        assertEquals(TensorFile.of(List.of(a, b), m1).hashCode(), TensorFile.of(List.of(a, b), m2).hashCode());
        assertFalse(TensorFile.of(List.of(a, b), m1).equals(TensorFile.of(List.of(b, a), m1)));
    }

    // ------------------------------------------------------------------------------ atomic save

    @Test
    void saveCreatesAndReplacesFilesLeavingNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("model.safetensors");
        TensorFile v1 = TensorFile.builder().add(NamedTensor.of("w", new float[] {1, 2}, 2)).build();
        TensorFile v2 = TensorFile.builder().add(NamedTensor.of("w", new float[] {3}, 1)).build();
        v1.write(target);
        assertEquals(v1, TensorFile.read(target));
        v2.write(target);
        assertEquals(v2, TensorFile.read(target));
        assertEquals(List.of(target), listDirectory(dir));
    }

    @Test
    void failedSaveKeepsThePreviousFileAndRemovesTheTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("model.safetensors");
        TensorFile v1 = TensorFile.builder().add(NamedTensor.of("w", new float[] {1, 2}, 2)).build();
        v1.write(target);
        byte[] before = Files.readAllBytes(target);

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, channel -> {
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            throw new IOException("device full");
        }));
        assertEquals("device full", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of(target), listDirectory(dir));

        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, channel -> {
            channel.write(ByteBuffer.wrap(new byte[100]));
            throw new UncheckedIOException(new IOException("interrupted"));
        }));
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of(target), listDirectory(dir));
    }

    @Test
    void saveIntoMissingDirectoryFailsCleanly(@TempDir Path dir) {
        Path target = dir.resolve("missing").resolve("model.safetensors");
        assertThrows(NoSuchFileException.class, () -> TensorFile.builder().build().write(target));
        assertFalse(Files.exists(target.getParent()));
    }

    // ---------------------------------------------------------------------------------- helpers

    private static long headerLength(byte[] file) {
        return ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static List<Path> listDirectory(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        }
    }
}
