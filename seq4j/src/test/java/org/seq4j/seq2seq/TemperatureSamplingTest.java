package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemperatureSamplingTest {

    @Test
    void aTemperatureNearZeroIsGreedySearch() {
        TableStepDecoder model = new TableStepDecoder(10, 25, 31, true, -0.3f);
        List<int[]> sources = DecodingReference.sources(30, 25, 8, 32);
        List<Hypothesis> greedy = new GreedySearch(MaxLength.DEFAULT, false).decode(model, sources);
        List<Hypothesis> cold = new TemperatureSampling(1e-6, MaxLength.DEFAULT, false).decode(model, sources, 5);
        for (int s = 0; s < sources.size(); s++) {
            assertArrayEquals(greedy.get(s).tokens(), cold.get(s).tokens(), "sentence " + s);
            assertEquals(greedy.get(s).logProbability(), cold.get(s).logProbability(), 1e-12);
            assertArrayEquals(greedy.get(s).alignment(), cold.get(s).alignment());
        }
    }

    @Test
    void theSameSeedGivesTheSameSamplesAndAnotherSeedOthers() {
        TableStepDecoder model = new TableStepDecoder(10, 25, 41, false, -0.3f);
        List<int[]> sources = DecodingReference.sources(20, 25, 8, 42);
        TemperatureSampling sampling = new TemperatureSampling(1, MaxLength.DEFAULT, false);
        List<String> first = render(sampling.decode(model, sources, 7));
        assertEquals(first, render(sampling.decode(model, sources, 7)));
        assertNotEquals(first, render(sampling.decode(model, sources, 8)));
    }

    @Test
    void drawsTheFirstTokenWithTheTemperedProbabilities() {
        // 20000 rows of one source, one step each: the frequencies of the first token against
        // p_T(v) ∝ exp(log p(v) / T); the tolerance is 5 standard deviations of a frequency (≤ 0.0036)
        TableStepDecoder model = new TableStepDecoder(5, 3, 51, false, 0f);
        int[] source = {1, 2};
        int n = 20_000;
        List<int[]> sources = new ArrayList<>(Collections.nCopies(n, source));
        float[] lp = model.logProbabilities(source, new int[] {TableStepDecoder.BOS});
        for (double temperature : new double[] {1, 0.5, 2}) {
            double[] p = new double[lp.length];
            double sum = 0;
            for (int v = 0; v < p.length; v++) {
                p[v] = Math.exp(lp[v] / temperature);
                sum += p[v];
            }
            int[] counts = new int[lp.length];
            for (Hypothesis h : new TemperatureSampling(temperature, MaxLength.fixed(1), false)
                    .decode(model, sources, 99)) {
                counts[h.finished() ? TableStepDecoder.EOS : h.tokens()[0]]++;
            }
            for (int v = 0; v < p.length; v++) {
                assertEquals(p[v] / sum, counts[v] / (double) n, 5 * 0.0036, "T " + temperature + " token " + v);
            }
        }
    }

    @Test
    void refusesBadTemperatures() {
        for (double t : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new TemperatureSampling(t, MaxLength.DEFAULT, false));
        }
        assertThrows(IllegalArgumentException.class, () -> new TemperatureSampling(1, null, false));
    }

    private static List<String> render(List<Hypothesis> hypotheses) {
        List<String> out = new ArrayList<>();
        hypotheses.forEach(h -> out.add(java.util.Arrays.toString(h.tokens())));
        return out;
    }
}
