package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.embed.WordVectors;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.WhitespaceTokenizer;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

/** The baseline encoders and their concatenation, on values worked out by hand. */
class SentenceEncodersTest {

    private static final WordVectors VECTORS = WordVectors.of(List.of("cat", "dog", "sat"),
            new float[] {1, 0, 2,
                         0, 4, -2,
                         3, 3, 3}, 3);

    private static float[] row(FMatrixRMaj m, int r) {
        float[] out = new float[m.numCols];
        System.arraycopy(m.data, r * m.numCols, out, 0, m.numCols);
        return out;
    }

    @Test
    void meanWordVectorsAverageTheKnownWordsAndGiveZeroWithoutOne() {
        MeanWordVectorEncoder encoder = new MeanWordVectorEncoder(VECTORS, new WordTokenizer());
        assertEquals(3, encoder.dimension());
        FMatrixRMaj out = new FMatrixRMaj(1, 1);   // reshaped by encode
        encoder.encode(List.of("Cat dog", "the cat sat on the cat!", "nothing known here", "", "dog"), out);
        assertEquals(5, out.numRows);
        assertArrayEquals(new float[] {0.5f, 2f, 0f}, row(out, 0), 1e-6f);
        // cat, sat, cat: repeats count; "the", "on", "!" are skipped
        assertArrayEquals(new float[] {5f / 3, 1f, 7f / 3}, row(out, 1), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 0}, row(out, 2));
        assertArrayEquals(new float[] {0, 0, 0}, row(out, 3));
        assertArrayEquals(new float[] {0, 4, -2}, row(out, 4));
        // 3 of the 7 tokens of "the cat sat on the cat!" and "dog" (1 of 1) have vectors
        assertEquals(4.0 / 8, encoder.coverage(List.of("the cat sat on the cat!", "dog")), 1e-12);
        assertTrue(Double.isNaN(encoder.coverage(List.of(""))));
    }

    @Test
    void meanWordVectorsUseTheGivenTokenizerExactly() {
        // without lower-casing, "Cat" is not "cat"
        MeanWordVectorEncoder caseSensitive = new MeanWordVectorEncoder(VECTORS, new WhitespaceTokenizer());
        FMatrixRMaj out = new FMatrixRMaj(2, 3);
        caseSensitive.encode(List.of("Cat dog", "cat, dog"), out);
        assertArrayEquals(new float[] {0, 4, -2}, row(out, 0));
        assertArrayEquals(new float[] {0, 4, -2}, row(out, 1));   // "cat," is one unknown token
    }

    @Test
    void bagOfWordsCountsWordsOfTheTrainingVocabularyAndTheRestAsUnknown() {
        BagOfWordsEncoder encoder = BagOfWordsEncoder.fit(new WordTokenizer(),
                List.of("the cat sat", "the dog sat", "the end"), 2);
        // <unk>, then words seen twice or more by descending count: the (3), sat (2)
        assertEquals(List.of("<unk>", "the", "sat"), encoder.vocabulary().tokens());
        assertEquals(SpecialToken.UNK, encoder.vocabulary().specials().get(0));
        assertEquals(3, encoder.dimension());
        FMatrixRMaj out = new FMatrixRMaj(0, 0);
        encoder.encode(List.of("The cat sat, the end.", "", "sat sat sat"), out);
        // the ×2, sat ×1; cat , end . unknown (4)
        assertArrayEquals(new float[] {4, 2, 1}, row(out, 0));
        assertArrayEquals(new float[] {0, 0, 0}, row(out, 1));
        assertArrayEquals(new float[] {0, 0, 3}, row(out, 2));
        // the fitter builds the same vocabulary from the same sentences
        SentenceEncoder fitted = BagOfWordsEncoder.fitter(new WordTokenizer(), 2)
                .fit(List.of("the cat sat", "the dog sat", "the end"));
        FMatrixRMaj again = new FMatrixRMaj(3, 3);
        fitted.encode(List.of("The cat sat, the end.", "", "sat sat sat"), again);
        assertArrayEquals(out.data, again.data);
        assertThrows(IllegalArgumentException.class, () -> BagOfWordsEncoder.fitter(new WordTokenizer(), 0));
    }

    @Test
    void bagOfWordsWithoutUnknownSkipsUnknownWords() {
        BagOfWordsEncoder encoder = new BagOfWordsEncoder(new WhitespaceTokenizer(),
                WordVocabulary.of(List.of("a", "b")));
        FMatrixRMaj out = new FMatrixRMaj(1, 2);
        encoder.encode(List.of("a c b b d"), out);
        assertArrayEquals(new float[] {1, 2}, out.data);
    }

    @Test
    void concatenationPlacesEachPartsColumnsInOrder() {
        MeanWordVectorEncoder mean = new MeanWordVectorEncoder(VECTORS, new WordTokenizer());
        BagOfWordsEncoder counts = BagOfWordsEncoder.fit(new WordTokenizer(), List.of("cat dog"), 1);
        ConcatenatedEncoder both = ConcatenatedEncoder.of(counts, mean, counts);
        assertEquals(3 + 3 + 3, both.dimension());
        assertEquals(List.of(counts, mean, counts), both.parts());
        FMatrixRMaj out = new FMatrixRMaj(1, 1);
        both.encode(List.of("dog dog sat", "cat"), out);
        // counts: <unk>, cat, dog (first appearance order among equal counts)
        assertArrayEquals(new float[] {1, 0, 2,   1, 11f / 3, -1f / 3,   1, 0, 2}, row(out, 0), 1e-6f);
        assertArrayEquals(new float[] {0, 1, 0,   1, 0, 2,   0, 1, 0}, row(out, 1), 1e-6f);
        assertThrows(IllegalArgumentException.class, ConcatenatedEncoder::of);
        assertThrows(IllegalArgumentException.class, () -> ConcatenatedEncoder.of(mean, null));
    }

    @Test
    void concatenationRefusesAPartThatWritesTheWrongShape() {
        SentenceEncoder broken = new SentenceEncoder() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public void encode(List<String> sentences, FMatrixRMaj out) {
                out.reshape(sentences.size(), 5);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConcatenatedEncoder.of(broken).encode(List.of("a", "b"), new FMatrixRMaj(2, 2)));
        assertTrue(e.getMessage().contains("must be (2, 2) but was (2, 5)"), e.getMessage());
    }
}
