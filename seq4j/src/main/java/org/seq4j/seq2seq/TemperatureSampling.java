package org.seq4j.seq2seq;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;

/**
 * Ancestral sampling with a temperature: each sentence draws its next token from
 * <pre>
 *   p_T(v) = exp(log p(v | y_&lt;t, x) / T) / Σ_u exp(log p(u | y_&lt;t, x) / T)
 * </pre>
 * until it writes {@code <eos>} or reaches its {@link MaxLength}. {@code T = 1} samples the model's own
 * distribution, {@code T < 1} sharpens it and {@code T → 0} becomes {@link GreedySearch} (at a temperature
 * so small that every token but the most probable gets weight 0, it is greedy search exactly). All
 * sentences advance together, as in greedy search; the draws come from one
 * {@link SplittableRandom} seeded per call, in row order, so the same seed gives the same samples.
 */
public final class TemperatureSampling {

    private final double temperature;
    private final MaxLength maxLength;
    private final boolean keepAttention;

    /**
     * Creates the strategy.
     *
     * @param temperature   {@code T}, finite and greater than 0
     * @param maxLength     the most tokens per sentence ({@code <eos>} included)
     * @param keepAttention whether each hypothesis keeps its attention weights ({@link Hypothesis#attention()})
     * @throws IllegalArgumentException if the temperature is not finite and positive or maxLength is null
     */
    public TemperatureSampling(double temperature, MaxLength maxLength, boolean keepAttention) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and greater than 0 but was " + temperature);
        }
        if (maxLength == null) {
            throw new IllegalArgumentException("maxLength must not be null");
        }
        this.temperature = temperature;
        this.maxLength = maxLength;
        this.keepAttention = keepAttention;
    }

    /**
     * Samples one translation of each source sentence.
     *
     * @param model   the model
     * @param sources token indices of each source sentence, each at least one token long; not modified
     * @param seed    the seed of the draws
     * @return one hypothesis per sentence, in order; its log-probability and score are the model's own
     *         (temperature 1)
     * @throws IllegalArgumentException if a source is null, empty or holds an index outside the vocabulary
     */
    public List<Hypothesis> decode(StepDecoder model, List<int[]> sources, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] weights = new double[model.targetVocabularySize()];
        return Decoding.oneRowPerSentence(model, sources, maxLength, keepAttention,
                (logProbabilities, row) -> draw(logProbabilities, row, weights, random));
    }

    /** Draws a column of one row with probabilities ∝ exp((l_v − max l) / T). */
    private int draw(FMatrixRMaj logProbabilities, int row, double[] weights, SplittableRandom random) {
        int v = logProbabilities.numCols;
        int base = row * v;
        int best = Decoding.argmax(logProbabilities, row);
        double max = logProbabilities.data[base + best];
        double sum = 0;
        for (int j = 0; j < v; j++) {
            weights[j] = Math.exp((logProbabilities.data[base + j] - max) / temperature);
            sum += weights[j];
        }
        double u = random.nextDouble() * sum;
        double cumulative = 0;
        for (int j = 0; j < v; j++) {
            cumulative += weights[j];
            if (u < cumulative) {
                return j;
            }
        }
        return best;   // u within rounding of the sum
    }

    /**
     * Describes the strategy.
     *
     * @return e.g. {@code TemperatureSampling[T=0.8, MaxLength[perSourceToken=2.0, extra=5]]}
     */
    @Override
    public String toString() {
        return "TemperatureSampling[T=" + temperature + ", " + maxLength + (keepAttention ? ", keeps attention" : "")
                + "]";
    }
}
