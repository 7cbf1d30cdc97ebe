package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordVectorsTest {

    /** Cosines computed in float32 over E ≤ 16 terms against double references. */
    static final double COSINE_TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    static WordVectors random(int v, int e, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> words = new ArrayList<>();
        float[] t = new float[v * e];
        for (int i = 0; i < v; i++) {
            words.add(i % 7 == 3 ? "wörd" + i : "w" + i);
        }
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) r.nextGaussian();
        }
        return WordVectors.of(words, t, e);
    }

    static void assertSame(WordVectors expected, WordVectors actual) {
        assertEquals(expected.words(), actual.words());
        assertEquals(expected.dimension(), actual.dimension());
        for (String w : expected.words()) {
            assertArrayEquals(expected.vector(w), actual.vector(w), w);
        }
    }

    @Test
    void textAndBinaryRoundTripExactly() throws IOException {
        WordVectors v = random(50, 7, 1);
        Path text = dir.resolve("v.txt");
        Path bin = dir.resolve("v.bin");
        v.writeText(text);
        v.writeBinary(bin);
        assertSame(v, WordVectors.readText(text));
        assertSame(v, WordVectors.readBinary(bin));
        assertSame(v, WordVectors.read(text));
        assertSame(v, WordVectors.read(bin));
        try (var files = Files.list(dir)) {
            assertEquals(Set.of("v.txt", "v.bin"), files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                    "no temporary file is left behind");
        }
    }

    @Test
    void readsBinaryWithoutNewlinesAndTextWithCrLfAndTrailingSpaces() throws IOException {
        // gensim's binary layout: no newline after the vectors.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("2 3\n".getBytes(StandardCharsets.US_ASCII));
        for (String w : new String[] {"ä", "b"}) {
            b.write((w + " ").getBytes(StandardCharsets.UTF_8));
            ByteBuffer buf = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            buf.putFloat(1.5f).putFloat(-2f).putFloat(w.equals("b") ? 10f : 0.25f);
            b.write(buf.array());
        }
        Path bin = dir.resolve("gensim.bin");
        Files.write(bin, b.toByteArray());
        WordVectors v = WordVectors.read(bin);
        assertEquals(List.of("ä", "b"), v.words());
        assertArrayEquals(new float[] {1.5f, -2f, 10f}, v.vector("b"));

        // word2vec.c text layout (a space before each line end), with Windows line ends.
        Path text = dir.resolve("c.txt");
        Files.writeString(text, "2 3\r\nä 1.5 -2.000000 0.25 \r\nb 1.5 -2 1e1 \r\n");
        WordVectors t = WordVectors.read(text);
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f}, t.vector("ä"));
        assertArrayEquals(new float[] {1.5f, -2f, 10f}, t.vector("b"));
    }

    @Test
    void malformedFilesGetAFormatExceptionNamingTheProblem() throws IOException {
        assertBad("", "empty file");
        assertBad("hello world\n", "header");
        assertBad("2 3\na 1.0 2.0 3.0\n", "ends after 1");
        assertBad("2 3\na 1 2 3\nb 1.0 2.0\n", "line 3 must hold a word and 3 values but has 3 fields");
        assertBad("1 2\na 1 x\n", "line 2: value 2 'x' is not a number");
        assertBad("1 2\na 1 2\nb 3 4\n", "more vectors");
        assertBad("1000000 100\na 1\n", "too few");
        assertBad("-1 100\n", "count >= 0");
        Path bin = dir.resolve("truncated.bin");
        byte[] good = binaryOf("a", "a-rather-long-second-word", 3);
        Files.write(bin, Arrays.copyOf(good, good.length - 5));
        WordVectorsFormatException e = assertThrows(WordVectorsFormatException.class, () -> WordVectors.readBinary(bin));
        assertTrue(e.getMessage().contains("ends inside the 3 values of vector 2"), e.getMessage());
    }

    /** NaN, infinities and values beyond the float range are refused, naming the line or the word. */
    @Test
    void nonFiniteValuesAreRejectedWithTheLineOrTheWord() throws IOException {
        for (String bad : new String[] {"NaN", "Infinity", "-Infinity", "1e400", "-3.5e38"}) {
            for (String firstLine : new String[] {"a 1 2 3", "a 1 " + bad + " 3"}) {
                Path p = dir.resolve("nonfinite.txt");
                Files.writeString(p, "2 3\n" + firstLine + "\nb 1 " + bad + " 3\n");
                WordVectorsFormatException e = assertThrows(WordVectorsFormatException.class,
                        () -> WordVectors.read(p), bad);
                String where = firstLine.contains(bad) ? "line 2: value 2 of 'a'" : "line 3: value 2 of 'b'";
                assertEquals(p + ": " + where + " is '" + bad + "', not a finite float (word vectors must be "
                        + "finite: no NaN, no infinity, nothing beyond ±3.4e38)", e.getMessage());
            }
        }
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write("2 2\n".getBytes(StandardCharsets.US_ASCII));
            b.write("a ".getBytes(StandardCharsets.UTF_8));
            b.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).array());
            b.write("\nkönig ".getBytes(StandardCharsets.UTF_8));
            b.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(3f).putFloat(bad).array());
            b.write('\n');
            Path bin = dir.resolve("nonfinite.bin");
            Files.write(bin, b.toByteArray());
            WordVectorsFormatException e = assertThrows(WordVectorsFormatException.class, () -> WordVectors.read(bin));
            assertEquals(bin + ": vector 2 ('könig', at byte 15): value 2 is " + bad + " (word vectors must be finite)",
                    e.getMessage());
            assertThrows(WordVectorsFormatException.class, () -> WordVectors.readBinary(bin));
        }
    }

    @Test
    void aDirectoryOrAByteOrderMarkIsRefusedWithAMessage() throws IOException {
        for (var read : List.<IoFunction>of(WordVectors::read, WordVectors::readText, WordVectors::readBinary)) {
            WordVectorsFormatException e = assertThrows(WordVectorsFormatException.class, () -> read.apply(dir));
            assertEquals(dir + " is a directory, not a word-vector file", e.getMessage());
        }
        Path bom = dir.resolve("bom.txt");
        Files.writeString(bom, "\uFEFF1 2\na 1 2\n");
        WordVectorsFormatException e = assertThrows(WordVectorsFormatException.class, () -> WordVectors.read(bom));
        assertEquals(bom + ": the file starts with a UTF-8 byte-order mark (bytes EF BB BF) before the header "
                + "'count dimension'; word2vec files have none: remove those 3 bytes", e.getMessage());
    }

    /** A reader of word-vector files. */
    @FunctionalInterface
    private interface IoFunction {
        WordVectors apply(Path path) throws IOException;
    }

    private static byte[] binaryOf(String first, String second, int e) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(("2 " + e + "\n").getBytes(StandardCharsets.UTF_8));
        for (String word : new String[] {first, second}) {
            b.write((word + " ").getBytes(StandardCharsets.UTF_8));
            b.write(new byte[4 * e]);
            b.write('\n');
        }
        return b.toByteArray();
    }

    private void assertBad(String content, String expectedInMessage) throws IOException {
        Path p = dir.resolve("bad.txt");
        Files.writeString(p, content);
        WordVectorsFormatException e = assertThrows(WordVectorsFormatException.class, () -> WordVectors.readText(p),
                content);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void mostSimilarEqualsBruteForceRanking() {
        WordVectors v = random(300, 16, 2);
        for (String query : List.of("w0", "w11", "wörd3")) {
            List<ScoredWord> got = v.mostSimilar(query, 10);
            List<String> expected = IntStream.range(0, v.size()).boxed()
                    .filter(i -> !v.word(i).equals(query))
                    .sorted(Comparator.comparingDouble(i -> -cosine(v.vector(query), v.vector(v.word(i)))))
                    .limit(10).map(v::word).collect(Collectors.toList());
            assertEquals(expected, got.stream().map(ScoredWord::word).collect(Collectors.toList()));
            assertEquals(cosine(v.vector(query), v.vector(got.get(0).word())), got.get(0).score(), COSINE_TOLERANCE);
            assertEquals(got.get(0).score(), v.similarity(query, got.get(0).word()), COSINE_TOLERANCE);
        }
    }

    @Test
    void analogyAddsNormalisedVectorsAndExcludesInputs() {
        // b - a + c lands exactly on "d"; "b" itself would score higher but is excluded.
        List<String> words = List.of("a", "b", "c", "d", "x");
        float[] t = {
            1, 0, 0,
            1, 1, 0,
            0, 0, 1,
            0, 1, 1,
            0, -1, 0};
        WordVectors v = WordVectors.of(words, t, 3);
        List<ScoredWord> add = v.analogy("a", "b", "c", 2);
        assertEquals("d", add.get(0).word());
        assertTrue(add.stream().noneMatch(s -> Set.of("a", "b", "c").contains(s.word())));
        // 3CosMul against its formula on the normalised vectors.
        List<ScoredWord> mul = v.analogyCosMul("a", "b", "c", 2);
        double expected = (1 + cosineWithD(t, 3, 1)) / 2 * (1 + cosineWithD(t, 3, 2)) / 2 / ((1 + cosineWithD(t, 3, 0)) / 2 + 1e-6);
        assertEquals("d", mul.get(0).word());
        assertEquals(expected, mul.get(0).score(), COSINE_TOLERANCE);
        assertEquals("x", v.doesntMatch(List.of("b", "d", "x", "unknown")));
        assertThrows(IllegalArgumentException.class, () -> v.mostSimilar("nope", 3));
        assertEquals(List.of("b"), v.mostSimilarToVector(new float[] {1, 1, 0}, 1, List.of()).stream()
                .map(ScoredWord::word).collect(Collectors.toList()));
        assertEquals(List.of("d"), v.mostSimilarToVector(new float[] {1, 1, 0}, 1, List.of("b", "a")).stream()
                .map(ScoredWord::word).collect(Collectors.toList()));
    }

    @Test
    void restrictVocabLimitsTheSearchToTheFirstRows() {
        WordVectors v = random(100, 8, 3);
        List<ScoredWord> top = v.mostSimilar(List.of("w0"), List.of(), 20, 10);
        assertEquals(9, top.size());
        assertTrue(top.stream().allMatch(s -> v.indexOf(s.word()) < 10));
    }

    /** Cosine between row i and row 3 ("d") of a (V, e) table. */
    private static double cosineWithD(float[] t, int e, int i) {
        float[] a = Arrays.copyOfRange(t, i * e, (i + 1) * e);
        float[] d = Arrays.copyOfRange(t, 3 * e, 4 * e);
        return cosine(a, d);
    }

    static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * (double) b[i];
            aa += a[i] * (double) a[i];
            bb += b[i] * (double) b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
