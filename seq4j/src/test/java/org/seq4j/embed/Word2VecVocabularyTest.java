package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Word2VecVocabularyTest {

    @TempDir
    Path dir;

    @Test
    void countsSortsByFrequencyWithTiesInFirstAppearanceOrderAndAppliesLimits() throws IOException {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        Files.writeString(a, "b a c a\nd c b a\n");
        Files.writeString(b, "e a\nc d e f");
        // counts: a 4, b 2, c 3, d 2, e 2, f 1; first appearance b a c d e f
        Word2VecVocabulary v = Word2VecVocabulary.count(List.of(a, b), 2, 0);
        assertEquals(List.of("a", "c", "b", "d", "e"), v.words());
        assertEquals(4, v.count(0));
        assertEquals(13, v.totalCount());
        assertEquals(14, v.corpusTokens());
        assertEquals(4, v.corpusLines());
        assertEquals(2, v.indexOf("b"));
        assertEquals(-1, v.indexOf("f"));
        assertEquals(List.of("a", "c", "b"), Word2VecVocabulary.count(List.of(a, b), 1, 3).words());
    }

    @Test
    void ofSortsAndValidates() {
        Word2VecVocabulary v = Word2VecVocabulary.of(List.of("x", "y", "z"), new long[] {1, 5, 5});
        assertEquals(List.of("y", "z", "x"), v.words());
        assertThrows(IllegalArgumentException.class, () -> Word2VecVocabulary.of(List.of("x", "x"), new long[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> Word2VecVocabulary.of(List.of("a b"), new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Word2VecVocabulary.of(List.of("a"), new long[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Word2VecVocabulary.of(List.of("a"), new long[] {1, 2}));
    }
}
