package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

class BagOfWordsTest {

    private static final WordVocabulary VOCABULARY =
            WordVocabulary.of(List.of("free", "call", "now", "!"), SpecialToken.PAD, SpecialToken.UNK);

    @Test
    void countsEveryIdOfEverySequence() {
        WordTokenizer tokenizer = new WordTokenizer();
        int[][] sequences = {
            VOCABULARY.encode(tokenizer.tokenize("FREE call, free call NOW!")),
            VOCABULARY.encode(tokenizer.tokenize("now")),
        };
        BagOfWords counts = new BagOfWords(VOCABULARY);
        assertEquals(6, counts.numFeatures());
        // columns: <pad> <unk> free call now !       ("," is unknown)
        FMatrixRMaj x = counts.features(sequences);
        assertArrayEquals(new float[] {0, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 0}, x.data);
        assertEquals("free", counts.featureName(2));

        FMatrixRMaj presence = new FMatrixRMaj(2, 6);
        presence.fill(7f);   // overwritten
        new BagOfWords(VOCABULARY, true).features(sequences, presence);
        assertArrayEquals(new float[] {0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0}, presence.data);
    }

    @Test
    void rejectsIdsOutsideTheVocabularyAndWrongShapes() {
        BagOfWords counts = new BagOfWords(VOCABULARY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> counts.features(new int[][] {{2, 6}}));
        assertEquals("sequence 0 holds id 6 at position 1, outside the vocabulary's [0, 6)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> counts.features(new int[][] {{1}}, new FMatrixRMaj(1, 5)));
        assertThrows(IllegalArgumentException.class, () -> new BagOfWords(null));
    }
}
