package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Files written by gensim, by word2vec.c's output code and by fastText load with the same words and
 * values as gensim reads. The fixtures come from {@code src/test/python/make_word2vec_fixtures.py}.
 */
class WordVectorsFixtureTest {

    /** word2vec.c's text output prints 6 decimals ("%lf"): values are within half a unit of 1e-6. */
    static final float C_TEXT_TOLERANCE = 5e-7f + 1e-7f;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(WordVectorsFixtureTest.class.getResource("/fixtures/word2vec/" + name).toURI());
    }

    /** Word -> values, one "word TAB v1 TAB v2 ..." line each. */
    static WordVectors tsv(String name) throws IOException, URISyntaxException {
        List<String> words = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        int dim = 0;
        for (String line : Files.readAllLines(fixture(name), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            words.add(f[0]);
            dim = f.length - 1;
            for (int i = 1; i < f.length; i++) {
                values.add(Float.parseFloat(f[i]));
            }
        }
        float[] t = new float[values.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = values.get(i);
        }
        return WordVectors.of(words, t, dim);
    }

    static void assertVectors(WordVectors expected, WordVectors actual, float tolerance) {
        assertEquals(expected.words(), actual.words());
        for (String w : expected.words()) {
            assertArrayEquals(expected.vector(w), actual.vector(w), tolerance, w);
        }
    }

    @Test
    void gensimFilesLoadExactly() throws Exception {
        WordVectors expected = tsv("expected.tsv");
        assertVectors(expected, WordVectors.readText(fixture("gensim.txt")), 0f);
        assertVectors(expected, WordVectors.readBinary(fixture("gensim.bin")), 0f);
        assertVectors(expected, WordVectors.read(fixture("gensim.bin")), 0f);
        assertVectors(expected, WordVectors.read(fixture("gensim.txt")), 0f);
    }

    @Test
    void word2vecCFilesLoad() throws Exception {
        WordVectors expected = tsv("expected.tsv");
        assertVectors(expected, WordVectors.readBinary(fixture("ctool.bin")), 0f);
        assertVectors(expected, WordVectors.read(fixture("ctool.bin")), 0f);
        assertVectors(expected, WordVectors.readText(fixture("ctool.txt")), C_TEXT_TOLERANCE);
        assertVectors(expected, WordVectors.read(fixture("ctool.txt")), C_TEXT_TOLERANCE);
    }

    @Test
    void fastTextVecLoadsAsGensimReadsIt() throws Exception {
        WordVectors v = WordVectors.read(fixture("fasttext.vec"));
        assertEquals(3, v.dimension());
        assertVectors(tsv("fasttext_gensim.tsv"), v, 0f);
    }
}
