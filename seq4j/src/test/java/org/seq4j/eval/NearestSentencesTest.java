package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.embed.WordVectors;
import org.seq4j.text.WordTokenizer;

class NearestSentencesTest {

    /** Exact float cosines of the small vectors below, computed in double. */
    private static final double COSINE_TOLERANCE = 1e-6;

    private static List<Integer> indices(List<NearestSentences.Neighbour> neighbours) {
        return neighbours.stream().map(NearestSentences.Neighbour::index).toList();
    }

    @Test
    void neighboursComeByDescendingCosineWithTiesToTheLowerIndex() {
        List<String> corpus = List.of("e0", "e1", "twice e0", "mixed", "zero", "opposite", "e0 again");
        FMatrixRMaj vectors = new FMatrixRMaj(new float[][] {
                {1, 0}, {0, 1}, {2, 0}, {1, 1}, {0, 0}, {-1, 0}, {3, 0}});
        NearestSentences index = NearestSentences.of(corpus, vectors);
        assertEquals(7, index.size());
        assertEquals(2, index.dimension());
        List<NearestSentences.Neighbour> all = index.nearest(new float[] {5, 0}, 7, -1);
        // cosines: 1 (0, 2, 6), 0.7071 (3), 0 (1, 4: zero vector), -1 (5)
        assertEquals(List.of(0, 2, 6, 3, 1, 4, 5), indices(all));
        assertEquals(1.0, all.get(0).cosine(), COSINE_TOLERANCE);
        assertEquals(Math.sqrt(0.5), all.get(3).cosine(), COSINE_TOLERANCE);
        assertEquals(0.0, all.get(5).cosine());
        assertEquals(-1.0, all.get(6).cosine(), COSINE_TOLERANCE);
        assertEquals("twice e0", all.get(1).sentence());
        assertEquals(List.of(0, 2), indices(index.nearest(new float[] {5, 0}, 2, -1)));
        assertEquals(List.of(2, 6, 3), indices(index.nearest(new float[] {5, 0}, 3, 0)));
        assertEquals(List.of(), index.nearest(new float[] {5, 0}, 0, -1));
        assertEquals(7, index.nearest(new float[] {1, 2}, 50, -1).size());
    }

    @Test
    void aCorpusSentenceIsNotItsOwnNeighbour() {
        List<String> corpus = List.of("a", "b", "a");
        NearestSentences index = NearestSentences.of(corpus, new FMatrixRMaj(new float[][] {{1, 0}, {1, 1}, {1, 0}}));
        assertEquals(List.of(2, 1), indices(index.nearestTo(0, 5)));   // its copy stays
        assertEquals(List.of(0, 1), indices(index.nearestTo(2, 5)));
        assertThrows(IndexOutOfBoundsException.class, () -> index.nearestTo(3, 1));
    }

    @Test
    void queriesBySentenceEncodeThemAndMayExcludeTheirOwnText() {
        WordVectors vectors = WordVectors.of(List.of("cat", "dog", "car"),
                new float[] {1, 0.1f, 0, 0.9f, 0.2f, 0, 0, 0, 1}, 3);
        MeanWordVectorEncoder encoder = new MeanWordVectorEncoder(vectors, new WordTokenizer());
        List<String> corpus = List.of("a cat", "the car", "a dog", "a cat");
        NearestSentences index = NearestSentences.of(encoder, corpus);
        assertEquals(List.of(0, 3, 2, 1), indices(index.nearest("a cat", 4)));
        List<List<NearestSentences.Neighbour>> answers = index.nearest(List.of("a cat", "car"), 2, true);
        assertEquals(List.of(2, 1), indices(answers.get(0)));   // both copies of "a cat" skipped
        assertEquals(List.of(1, 0), indices(answers.get(1)));
        assertEquals(1.0, answers.get(1).get(0).cosine(), COSINE_TOLERANCE);
        assertEquals(0.0, answers.get(1).get(1).cosine(), COSINE_TOLERANCE);
    }

    @Test
    void badQueriesAreRefused() {
        NearestSentences index = NearestSentences.of(List.of("a"), new FMatrixRMaj(new float[][] {{1, 2, 3}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> index.nearest(new float[2], 1, -1));
        assertTrue(e.getMessage().contains("length D = 3 but had 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> index.nearest(new float[3], -1, -1));
        assertThrows(IllegalArgumentException.class, () -> index.nearest(new float[] {0, Float.NaN, 0}, 1, -1));
        e = assertThrows(IllegalArgumentException.class, () -> index.nearest("a", 1));
        assertTrue(e.getMessage().contains("no encoder"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NearestSentences.of(List.of("a", "b"), new FMatrixRMaj(3, 2)));
        assertTrue(e.getMessage().contains("M = 2 sentences"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NearestSentences.of(List.of(), new FMatrixRMaj(0, 2)));
    }
}
