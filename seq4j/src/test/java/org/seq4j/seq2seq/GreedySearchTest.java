package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.seq4j.seq2seq.DecodingReference.Output;

class GreedySearchTest {

    /** The same floats summed in the same order: equal to rounding. */
    private static final double SCORE_TOLERANCE = 1e-12;

    @Test
    void batchedGreedySearchEqualsTheArgmaxOfEverySentenceAlone() {
        TableStepDecoder model = new TableStepDecoder(10, 25, 21, false, -0.3f);
        List<int[]> sources = DecodingReference.sources(30, 25, 8, 22);
        List<Hypothesis> out = new GreedySearch(MaxLength.DEFAULT, false).decode(model, sources);
        int batchedSteps = model.steps;
        int longest = 0;
        int finished = 0;
        for (int s = 0; s < sources.size(); s++) {
            Output expected = DecodingReference.greedy(model, sources.get(s), MaxLength.DEFAULT.of(sources.get(s).length));
            Hypothesis h = out.get(s);
            assertArrayEquals(expected.tokens(), h.tokens(), "sentence " + s);
            assertEquals(expected.finished(), h.finished());
            assertEquals(expected.logProbability(), h.logProbability(), SCORE_TOLERANCE);
            assertEquals(h.logProbability(), h.score());
            assertEquals(s, h.sourceIndex());
            assertEquals(0, h.alignment().length, "no attention, no alignment");
            assertTrue(h.attention().isEmpty());
            longest = Math.max(longest, h.steps());
            finished += h.finished() ? 1 : 0;
        }
        assertTrue(finished > 0 && finished < sources.size(), finished + " finished: choose another bias");
        assertEquals(longest, batchedSteps, "one step per time step for all rows");
    }

    @Test
    void aSentenceThatNeverWritesEosStopsAtItsOwnMaximumLength() {
        TableStepDecoder model = new TableStepDecoder(6, 10, 4, false, -30f);
        List<int[]> sources = List.of(new int[] {1}, new int[] {1, 2, 3, 4, 5, 6, 7}, new int[] {3, 3});
        List<Hypothesis> out = new GreedySearch(new MaxLength(2, 5), false).decode(model, sources);
        for (int s = 0; s < sources.size(); s++) {
            assertFalse(out.get(s).finished());
            assertEquals(2 * sources.get(s).length + 5, out.get(s).length());
            assertEquals(out.get(s).length(), out.get(s).steps());
        }
        assertEquals(3, new GreedySearch(MaxLength.fixed(3), false).decode(model, sources).get(1).length());
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new GreedySearch(null, false));
        assertThrows(IllegalArgumentException.class, () -> new MaxLength(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> new MaxLength(Double.POSITIVE_INFINITY, 5));
        assertThrows(IllegalArgumentException.class, () -> MaxLength.fixed(0));
        assertThrows(IllegalArgumentException.class, () -> MaxLength.DEFAULT.of(-1));
        assertEquals(7, MaxLength.DEFAULT.of(1));
        assertEquals(3, new MaxLength(0.5, 2).of(3));
        TableStepDecoder model = new TableStepDecoder(5, 4, 1, false, 0f);
        GreedySearch greedy = new GreedySearch(MaxLength.DEFAULT, false);
        assertEquals(List.of(), greedy.decode(model, List.of()));
        assertThrows(IllegalArgumentException.class, () -> greedy.decode(model, null));
        assertThrows(IllegalArgumentException.class, () -> greedy.decode(model, List.of(new int[] {9})));
    }
}
