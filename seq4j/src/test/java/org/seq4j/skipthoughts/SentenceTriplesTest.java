package org.seq4j.skipthoughts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

/** {@link SentenceTriples} and {@link TripleBatch}: documents, triples within documents, vocabulary, batches. */
class SentenceTriplesTest {

    private static final WordTokenizer TOKENIZER = new WordTokenizer();

    @Test
    void blankLinesAndFileEndsSeparateDocuments(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("a.txt");
        Files.writeString(plain, "One .\nTwo .\n\n  \nThree .\nFour .\nFive .\n");
        Path gz = dir.resolve("b.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("Six .\r\nSeven .\r\nEight .".getBytes(StandardCharsets.UTF_8));
        }
        List<List<String>> a = SentenceTriples.readDocuments(plain);
        List<List<String>> b = SentenceTriples.readDocuments(gz);
        assertEquals(List.of(List.of("One .", "Two ."), List.of("Three .", "Four .", "Five .")), a);
        assertEquals(List.of(List.of("Six .", "Seven .", "Eight .")), b);
        assertThrows(CharacterCodingException.class,
                () -> SentenceTriples.readDocuments(new ByteArrayInputStream(new byte[] {'a', (byte) 0xC3, '\n'})));
    }

    @Test
    void triplesNeverCrossADocument() {
        List<List<String>> documents = List.of(
                List.of("a b", "c", "d e f", "g"),      // two triples
                List.of("h", "i"),                      // none
                List.of("j", "k", "l"));                // one
        WordVocabulary vocabulary = SentenceTriples.vocabulary(documents, TOKENIZER, 100, 10);
        SentenceTriples triples = SentenceTriples.of(documents, TOKENIZER, vocabulary, 10);
        assertEquals(3, triples.size());
        assertEquals(9, triples.numSentences());
        assertEquals(3, triples.numDocuments());
        TripleBatch batch = new TripleBatch();
        triples.batch(new int[] {0, 1, 2}, batch);
        // middle sentences: "c", "d e f", "k"
        assertArrayEquals(new int[] {1, 3, 1}, batch.sourceLengths());
        assertEquals(List.of("c", "d", "k"), vocabulary.decode(column(batch.sourceTokens(), 3, 0)));
        // previous of the third triple is "j" (its own document), not "i"
        assertEquals(List.of("<bos>", "<bos>", "<bos>"), vocabulary.decode(column(batch.previousInput(), 3, 0)));
        assertEquals(List.of("a", "c", "j"), vocabulary.decode(column(batch.previousTarget(), 3, 0)));
        assertEquals(List.of("d", "g", "l"), vocabulary.decode(column(batch.nextTarget(), 3, 0)));
    }

    @Test
    void decoderRowsAreShiftedByOneAndPaddedWithTheIgnoreIndex() {
        WordVocabulary v = SkipThoughtsModelTest.tinyVocabulary();
        TripleBatch batch = TripleBatch.of(new int[][] {{4, 5}, {6}}, new int[][] {{7}, {8, 9}},
                new int[][] {{10}, {4, 5, 6}}, v);
        int bos = 1;
        int eos = 2;
        int pad = 0;
        int ignore = TripleBatch.IGNORE_INDEX;
        // time-major, B = 2: entry t·2 + b
        assertArrayEquals(new int[] {bos, bos, 4, 6, 5, pad}, batch.previousInput());
        assertArrayEquals(new int[] {4, 6, 5, eos, eos, ignore}, batch.previousTarget());
        assertArrayEquals(new int[] {7, 8, pad, 9}, batch.sourceTokens());
        assertArrayEquals(new int[] {bos, bos, 10, 4, pad, 5, pad, 6}, batch.nextInput());
        assertArrayEquals(new int[] {10, 4, eos, 5, ignore, 6, ignore, eos}, batch.nextTarget());
        assertEquals(3 + 2 + 2 + 4, batch.targetCount());
        assertThrows(IllegalArgumentException.class,
                () -> TripleBatch.of(new int[][] {{4}}, new int[][] {{}}, new int[][] {{4}}, v));
        assertThrows(IllegalArgumentException.class,
                () -> TripleBatch.of(new int[][] {{4}}, new int[][] {{11}}, new int[][] {{4}}, v));
        assertThrows(IllegalArgumentException.class,
                () -> TripleBatch.of(new int[][] {{4}}, new int[][] {{4}, {5}}, new int[][] {{4}}, v));
    }

    @Test
    void theVocabularyKeepsTheMostFrequentWordsAndSentencesAreCut() {
        List<List<String>> documents = List.of(List.of("the cat sat", "the dog sat on the mat", "a cat"));
        WordVocabulary vocabulary = SentenceTriples.vocabulary(documents, TOKENIZER, 3, 4);
        // counted within the first 4 tokens: the ×3, cat ×2, sat ×2, dog, on, a ×1
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "the", "cat", "sat"), vocabulary.tokens());
        SentenceTriples triples = SentenceTriples.of(documents, TOKENIZER, vocabulary, 4);
        assertArrayEquals(new int[] {4, 3, 6, 3}, triples.currentSentence(0));   // the dog sat on
        assertEquals(3 + 4 + 2, triples.numTokens());
    }

    @Test
    void splitHoldsOutTheEndOfEveryDocument() {
        List<List<String>> documents = List.of(
                List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"),
                List.of("t0", "t1", "t2", "t3", "t4"));
        WordVocabulary vocabulary = SentenceTriples.vocabulary(documents, TOKENIZER, 100, 5);
        SentenceTriples[] parts = SentenceTriples.of(documents, TOKENIZER, vocabulary, 5).split(0.3);
        // 10 → 7 + 3, 5 → 3 + 2 (rounded 1.5): triples 5 + 1 and 1 + 0
        assertEquals(6, parts[0].size());
        assertEquals(1, parts[1].size());
        assertEquals(List.of("s8"), vocabulary.decode(parts[1].currentSentence(0)));
        assertEquals(List.of("t1"), vocabulary.decode(parts[0].currentSentence(5)));
        assertNotEquals(parts[0].fingerprint(), parts[1].fingerprint());
        assertEquals(parts[0].fingerprint(), SentenceTriples.of(documents, TOKENIZER, vocabulary, 5).split(0.3)[0]
                .fingerprint());
        assertThrows(IllegalArgumentException.class, () -> parts[0].split(1.0));
    }

    private static int[] column(int[] timeMajor, int batch, int t) {
        int[] out = new int[batch];
        System.arraycopy(timeMajor, t * batch, out, 0, batch);
        return out;
    }
}
