package org.seq4j.lm;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Draws an id from a row of logits according to {@link SamplingOptions}, without allocating.
 *
 * <pre>
 *   greedy:   argmax_j logits[j]                           (ties: the lowest j)
 *   sampled:  candidates C = all ids, or the top-k ids by logit (ties: the lower id wins a place)
 *             p_j = exp((logits[j] − max_C) / temperature) / Σ_{i∈C} exp((logits[i] − max_C) / temperature)
 *             u = rng.nextDouble() · Σ;  pick the first j in C, by ascending id, whose running sum exceeds u
 * </pre>
 *
 * <p>Each non-greedy draw takes exactly one {@code nextDouble()} from the generator, so a seeded generator
 * gives a reproducible sequence. Holds scratch arrays of length V; not thread-safe.
 */
public final class Sampler {

    private final int vocabSize;
    private final SamplingOptions options;
    // candidates: (V) ids; the first `count` entries are in use
    private final int[] candidates;
    // weights: (V) unnormalised probabilities of the candidates, same order
    private final double[] weights;

    /**
     * Creates a sampler for logits over {@code V} ids.
     *
     * @param vocabSize V, ≥ 1
     * @param options   how to choose
     * @throws IllegalArgumentException if V &lt; 1
     */
    public Sampler(int vocabSize, SamplingOptions options) {
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabSize must be ≥ 1 but was " + vocabSize);
        }
        this.vocabSize = vocabSize;
        this.options = options;
        this.candidates = new int[vocabSize];
        this.weights = new double[vocabSize];
    }

    /**
     * The options this sampler applies.
     *
     * @return the options
     */
    public SamplingOptions options() {
        return options;
    }

    /**
     * Chooses an id from {@code logits[offset, offset + V)}.
     *
     * @param logits array holding the V logits; not modified
     * @param offset index of the first logit
     * @param rng    the random stream; not used when greedy; advanced by one {@code nextDouble()} otherwise
     * @return the chosen id in {@code [0, V)}
     * @throws IllegalArgumentException if the array is too short or a logit is NaN
     */
    public int sample(float[] logits, int offset, RandomGenerator rng) {
        if (offset < 0 || offset + vocabSize > logits.length) {
            throw new IllegalArgumentException("logits must hold V = " + vocabSize + " values from offset "
                    + offset + " but has length " + logits.length);
        }
        if (options.isGreedy() || options.topK() == 1) {
            return argmax(logits, offset);
        }
        int count = selectCandidates(logits, offset);
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, logits[offset + candidates[i]]);
        }
        double invTemperature = 1.0 / options.temperature();
        double sum = 0;
        for (int i = 0; i < count; i++) {
            double w = Math.exp((logits[offset + candidates[i]] - max) * invTemperature);
            weights[i] = w;
            sum += w;
        }
        double u = rng.nextDouble() * sum;
        double running = 0;
        for (int i = 0; i < count; i++) {
            running += weights[i];
            if (u < running) {
                return candidates[i];
            }
        }
        // u rounded to the very top of the sum: the last candidate with non-zero weight
        for (int i = count - 1; i > 0; i--) {
            if (weights[i] > 0) {
                return candidates[i];
            }
        }
        return candidates[0];
    }

    private int argmax(float[] logits, int offset) {
        int best = 0;
        float bestValue = logits[offset];
        checkNotNaN(bestValue, 0);
        for (int j = 1; j < vocabSize; j++) {
            float v = logits[offset + j];
            checkNotNaN(v, j);
            if (v > bestValue) {
                best = j;
                bestValue = v;
            }
        }
        return best;
    }

    /** Fills candidates[0, count) with the ids that may be drawn, ascending; returns count. */
    private int selectCandidates(float[] logits, int offset) {
        for (int j = 0; j < vocabSize; j++) {
            checkNotNaN(logits[offset + j], j);
        }
        int k = options.topK();
        if (k == 0 || k >= vocabSize) {
            for (int j = 0; j < vocabSize; j++) {
                candidates[j] = j;
            }
            return vocabSize;
        }
        // A min-heap of the k best ids seen so far, its root the worst of them: O(V log k).
        for (int j = 0; j < k; j++) {
            candidates[j] = j;
            siftUp(logits, offset, j);
        }
        for (int j = k; j < vocabSize; j++) {
            if (better(logits, offset, j, candidates[0])) {
                candidates[0] = j;
                siftDown(logits, offset, k);
            }
        }
        Arrays.sort(candidates, 0, k);
        return k;
    }

    /** True if id a ranks above id b: a higher logit, or an equal logit and a lower id. */
    private static boolean better(float[] logits, int offset, int a, int b) {
        float la = logits[offset + a];
        float lb = logits[offset + b];
        return la > lb || (la == lb && a < b);
    }

    private void siftUp(float[] logits, int offset, int index) {
        int i = index;
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!better(logits, offset, candidates[parent], candidates[i])) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(float[] logits, int offset, int size) {
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && better(logits, offset, candidates[left], candidates[right])) {
                worst = right;
            }
            if (!better(logits, offset, candidates[i], candidates[worst])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int i, int j) {
        int tmp = candidates[i];
        candidates[i] = candidates[j];
        candidates[j] = tmp;
    }

    private static void checkNotNaN(float v, int j) {
        if (Float.isNaN(v)) {
            throw new IllegalArgumentException("logit " + j + " is NaN");
        }
    }
}
