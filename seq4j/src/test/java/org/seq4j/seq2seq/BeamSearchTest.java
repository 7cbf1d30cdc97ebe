package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.seq4j.seq2seq.DecodingReference.Output;

class BeamSearchTest {

    /** Scores are sums of the same floats in the same order in every implementation: equal to rounding. */
    private static final double SCORE_TOLERANCE = 1e-12;

    private static void assertSame(Output expected, Hypothesis actual, String where) {
        assertArrayEquals(expected.tokens(), actual.tokens(), where + ": tokens of " + actual + " vs " + expected);
        assertEquals(expected.finished(), actual.finished(), where + ": finished");
        assertEquals(expected.logProbability(), actual.logProbability(), SCORE_TOLERANCE, where + ": log p");
        assertEquals(expected.score(), actual.score(), SCORE_TOLERANCE, where + ": score");
    }

    @Test
    void aBeamWiderThanEveryPrefixFindsEveryHypothesisInTheOrderOfAnExhaustiveSearch() {
        // V = 5, at most 4 steps: 1 + 4 + 16 + 64 finish with <eos>, 256 reach the limit: 341 outputs. With
        // k = 300 no candidate is ever dropped, so the n-best list must be the exhaustive ranking itself.
        TableStepDecoder model = new TableStepDecoder(5, 6, 11, false, 0.5f);
        List<int[]> sources = DecodingReference.sources(3, 6, 5, 12);
        for (double alpha : new double[] {0, 0.6, 1}) {
            List<List<Hypothesis>> beams = BeamSearch.builder().beamSize(300).alpha(alpha).nBest(1000)
                    .maxLength(MaxLength.fixed(4)).build().decode(model, sources);
            for (int s = 0; s < sources.size(); s++) {
                List<Output> all = DecodingReference.exhaustive(model, sources.get(s), 4, alpha);
                assertEquals(341, all.size());
                assertEquals(all.size(), beams.get(s).size(), "alpha " + alpha);
                for (int i = 0; i < all.size(); i++) {
                    assertSame(all.get(i), beams.get(s).get(i), "alpha " + alpha + " sentence " + s + " rank " + i);
                    assertEquals(s, beams.get(s).get(i).sourceIndex());
                }
            }
        }
    }

    @Test
    void batchedSearchEqualsOneSentenceAtATimeAndTheReferenceAlgorithm() {
        TableStepDecoder model = new TableStepDecoder(9, 20, 5, true, -0.8f);
        List<int[]> sources = DecodingReference.sources(12, 20, 7, 6);
        for (int k : new int[] {2, 4}) {
            for (double alpha : new double[] {0, 1}) {
                BeamSearch search = BeamSearch.builder().beamSize(k).alpha(alpha).nBest(k + 3).build();
                model.steps = 0;
                model.mostRows = 0;
                List<List<Hypothesis>> batched = search.decode(model, sources);
                int batchedSteps = model.steps;
                assertTrue(model.mostRows <= k * sources.size(), "rows " + model.mostRows);
                int longestSearch = 0;
                for (int s = 0; s < sources.size(); s++) {
                    String where = "k " + k + " alpha " + alpha + " sentence " + s;
                    model.steps = 0;
                    List<Hypothesis> alone = search.decode(model, List.of(sources.get(s))).get(0);
                    longestSearch = Math.max(longestSearch, model.steps);
                    List<Output> reference = DecodingReference.beam(model, sources.get(s),
                            MaxLength.DEFAULT.of(sources.get(s).length), k, alpha);
                    List<Hypothesis> nBest = batched.get(s);
                    assertEquals(Math.min(k + 3, reference.size()), nBest.size(), where);
                    assertEquals(alone.size(), nBest.size(), where);
                    for (int i = 0; i < nBest.size(); i++) {
                        assertSame(reference.get(i), nBest.get(i), where + " rank " + i);
                        assertSame(DecodingReference.of(alone.get(i)), nBest.get(i), where + " rank " + i);
                        assertArrayEquals(alone.get(i).alignment(), nBest.get(i).alignment(), where);
                        assertEquals(s, nBest.get(i).sourceIndex());
                    }
                }
                // all sentences advance together: one step per time step of the longest search
                assertEquals(longestSearch, batchedSteps, "k " + k);
            }
        }
    }

    @Test
    void widthOneIsGreedySearch() {
        TableStepDecoder model = new TableStepDecoder(12, 30, 8, true, -0.5f);
        List<int[]> sources = DecodingReference.sources(25, 30, 9, 9);
        List<Hypothesis> greedy = new GreedySearch(MaxLength.DEFAULT, false).decode(model, sources);
        List<List<Hypothesis>> beam = BeamSearch.builder().beamSize(1).nBest(5).build().decode(model, sources);
        int unfinished = 0;
        for (int s = 0; s < sources.size(); s++) {
            assertEquals(1, beam.get(s).size());
            Hypothesis b = beam.get(s).get(0);
            Hypothesis g = greedy.get(s);
            assertArrayEquals(g.tokens(), b.tokens(), "sentence " + s);
            assertEquals(g.finished(), b.finished());
            assertEquals(g.logProbability(), b.logProbability(), SCORE_TOLERANCE);
            assertEquals(g.logProbability() / g.steps(), b.score(), SCORE_TOLERANCE);
            assertArrayEquals(g.alignment(), b.alignment());
            unfinished += g.finished() ? 0 : 1;
        }
        assertTrue(unfinished < sources.size(), "no sentence wrote <eos>");
    }

    @Test
    void stopsAtTheMaximumLengthAndKeepsTheAttentionOfEveryStep() {
        TableStepDecoder model = new TableStepDecoder(6, 10, 2, true, -30f);   // <eos> practically never
        List<int[]> sources = DecodingReference.sources(5, 10, 6, 3);
        List<List<Hypothesis>> out = BeamSearch.builder().beamSize(3).nBest(3).keepAttention(true)
                .maxLength(new MaxLength(1.5, 2)).build().decode(model, sources);
        for (int s = 0; s < sources.size(); s++) {
            int[] source = sources.get(s);
            assertEquals(3, out.get(s).size());
            for (Hypothesis h : out.get(s)) {
                assertEquals((int) Math.floor(1.5 * source.length) + 2, h.length());
                assertTrue(!h.finished());
                var attention = h.attention().orElseThrow();
                assertEquals(h.steps(), attention.numRows);
                assertEquals(source.length, attention.numCols);
                int[] fed = {TableStepDecoder.BOS};
                int[] tokens = h.tokens();
                for (int t = 0; t < h.steps(); t++) {
                    float[] expected = model.attention(source, fed);
                    for (int j = 0; j < source.length; j++) {
                        assertEquals(expected[j], attention.get(t, j), 0f, "step " + t);
                    }
                    if (t < tokens.length) {
                        fed = DecodingReference.append(fed, tokens[t]);
                    }
                }
            }
        }
    }

    @Test
    void refusesBadSettingsAndSources() {
        assertThrows(IllegalArgumentException.class, () -> BeamSearch.builder().beamSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> BeamSearch.builder().alpha(-0.1).build());
        assertThrows(IllegalArgumentException.class, () -> BeamSearch.builder().alpha(Double.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> BeamSearch.builder().nBest(0).build());
        assertThrows(IllegalArgumentException.class, () -> BeamSearch.builder().maxLength(null).build());
        TableStepDecoder model = new TableStepDecoder(5, 4, 1, false, 0f);
        BeamSearch search = BeamSearch.builder().build();
        assertEquals(List.of(), search.decode(model, List.of()));
        assertThrows(IllegalArgumentException.class, () -> search.decode(model, List.of(new int[0])));
        assertThrows(IllegalArgumentException.class, () -> search.decode(model, List.of(new int[] {4})));
        assertThrows(IllegalArgumentException.class, () -> search.decode(model, java.util.Arrays.asList(
                new int[] {1}, null)));
    }
}
