package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.seq4j.random.SplitMix64;

class SamplerTest {

    private static final float[] LOGITS = {0.5f, 2.0f, -1.0f, 1.0f, 2.0f, 0.0f};

    @Test
    void greedyPicksTheHighestScoreLowestIdOnTies() {
        Sampler greedy = new Sampler(6, SamplingOptions.greedy());
        assertEquals(1, greedy.sample(LOGITS, 0, null));
        float[] shifted = {9f, 0f, 3f, 7f};
        // logits from offset 1: {0, 3, 7}
        assertEquals(2, new Sampler(3, SamplingOptions.greedy()).sample(shifted, 1, null));
        // top-1 is greedy at any temperature
        assertEquals(1, new Sampler(6, new SamplingOptions(5.0, 1)).sample(LOGITS, 0, new SplitMix64(1)));
    }

    @Test
    void drawsFollowTheSoftmaxAtTheTemperature() {
        double temperature = 0.7;
        Sampler sampler = new Sampler(6, SamplingOptions.withTemperature(temperature));
        SplitMix64 rng = new SplitMix64(42);
        int draws = 200_000;
        int[] counts = new int[6];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(LOGITS, 0, rng)]++;
        }
        double[] p = softmax(LOGITS, temperature, new boolean[] {true, true, true, true, true, true});
        for (int j = 0; j < 6; j++) {
            // 5 standard deviations of a binomial count: fails by chance about once in 3 million runs
            double sd = Math.sqrt(draws * p[j] * (1 - p[j]));
            assertEquals(draws * p[j], counts[j], 5 * sd + 1, "id " + j);
        }
    }

    @Test
    void topKDrawsOnlyAmongTheKBestWithRenormalisedProbabilities() {
        // the 3 best: ids 1 and 4 (2.0), then 3 (1.0)
        Sampler sampler = new Sampler(6, new SamplingOptions(1.0, 3));
        SplitMix64 rng = new SplitMix64(7);
        int draws = 100_000;
        int[] counts = new int[6];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(LOGITS, 0, rng)]++;
        }
        assertEquals(0, counts[0] + counts[2] + counts[5]);
        double[] p = softmax(LOGITS, 1.0, new boolean[] {false, true, false, true, true, false});
        for (int j : new int[] {1, 3, 4}) {
            double sd = Math.sqrt(draws * p[j] * (1 - p[j]));
            assertEquals(draws * p[j], counts[j], 5 * sd + 1, "id " + j);
        }
    }

    @Test
    void topKBreaksTiesTowardTheLowerId() {
        float[] ties = {1f, 1f, 1f, 1f, 0f};
        Sampler sampler = new Sampler(5, new SamplingOptions(1.0, 2));
        SplitMix64 rng = new SplitMix64(3);
        for (int i = 0; i < 1000; i++) {
            assertTrue(sampler.sample(ties, 0, rng) < 2);
        }
    }

    @Test
    void sameSeedSameSequence() {
        Sampler a = new Sampler(6, new SamplingOptions(1.3, 4));
        Sampler b = new Sampler(6, new SamplingOptions(1.3, 4));
        int[] first = drawMany(a, new SplitMix64(99));
        assertArrayEquals(first, drawMany(b, new SplitMix64(99)));
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(drawMany(b, new SplitMix64(100))));
        // any RandomGenerator works
        assertArrayEquals(drawMany(a, new SplittableRandom(5)), drawMany(b, new SplittableRandom(5)));
    }

    @Test
    void largeVocabularyTopKMatchesASortedReference() {
        int v = 5000;
        float[] logits = new float[v];
        SplitMix64 rng = new SplitMix64(11);
        for (int j = 0; j < v; j++) {
            logits[j] = (float) rng.nextGaussian();
        }
        Integer[] order = new Integer[v];
        for (int j = 0; j < v; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (x, y) -> Float.compare(logits[y], logits[x]));
        java.util.Set<Integer> top = new java.util.HashSet<>(java.util.Arrays.asList(order).subList(0, 40));
        Sampler sampler = new Sampler(v, new SamplingOptions(2.0, 40));
        for (int i = 0; i < 2000; i++) {
            assertTrue(top.contains(sampler.sample(logits, 0, rng)));
        }
    }

    @Test
    void rejectsBadOptionsAndInputs() {
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(-0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(Double.POSITIVE_INFINITY, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, -1));
        Sampler sampler = new Sampler(6, SamplingOptions.withTemperature(1));
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(LOGITS, 1, new SplitMix64(1)));
        float[] nan = {0f, Float.NaN, 1f, 1f, 1f, 1f};
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(nan, 0, new SplitMix64(1)));
    }

    private static int[] drawMany(Sampler sampler, java.util.random.RandomGenerator rng) {
        int[] out = new int[200];
        for (int i = 0; i < out.length; i++) {
            out[i] = sampler.sample(LOGITS, 0, rng);
        }
        return out;
    }

    private static double[] softmax(float[] logits, double temperature, boolean[] allowed) {
        double[] p = new double[logits.length];
        double sum = 0;
        for (int j = 0; j < logits.length; j++) {
            p[j] = allowed[j] ? Math.exp(logits[j] / temperature) : 0;
            sum += p[j];
        }
        for (int j = 0; j < logits.length; j++) {
            p[j] /= sum;
        }
        return p;
    }
}
