package org.seq4j.lm;

/**
 * How the next character is chosen from the model's scores.
 *
 * <ul>
 *   <li>{@code temperature == 0}: greedy, the character with the highest score (ties: the lowest id);</li>
 *   <li>{@code temperature > 0}: a draw from {@code softmax(logits / temperature)}; below 1 the draw is
 *       more conservative, above 1 more surprising;</li>
 *   <li>{@code topK > 0}: only the {@code topK} highest-scoring characters may be drawn (their
 *       probabilities renormalised); {@code 0} means no limit.</li>
 * </ul>
 *
 * @param temperature the softmax temperature, finite and ≥ 0 (0 means greedy)
 * @param topK        how many of the best characters may be drawn, ≥ 0 (0 means all)
 */
public record SamplingOptions(double temperature, int topK) {

    /**
     * Validates the options.
     *
     * @param temperature the softmax temperature, finite and ≥ 0 (0 means greedy)
     * @param topK        how many of the best characters may be drawn, ≥ 0 (0 means all)
     * @throws IllegalArgumentException if the temperature is negative or not finite, or topK is negative
     */
    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and ≥ 0 but was " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be ≥ 0 (0 = no limit) but was " + topK);
        }
    }

    /**
     * Always the highest-scoring character.
     *
     * @return temperature 0
     */
    public static SamplingOptions greedy() {
        return new SamplingOptions(0, 0);
    }

    /**
     * A draw from the softmax at a temperature, over all characters.
     *
     * @param temperature the temperature, finite and ≥ 0
     * @return the options
     * @throws IllegalArgumentException if the temperature is negative or not finite
     */
    public static SamplingOptions withTemperature(double temperature) {
        return new SamplingOptions(temperature, 0);
    }

    /**
     * The same temperature, restricted to the {@code k} best characters.
     *
     * @param k how many of the best characters may be drawn, ≥ 0 (0 means all)
     * @return new options
     * @throws IllegalArgumentException if k is negative
     */
    public SamplingOptions withTopK(int k) {
        return new SamplingOptions(temperature, k);
    }

    /**
     * Tells whether the choice is greedy.
     *
     * @return true if the temperature is 0
     */
    public boolean isGreedy() {
        return temperature == 0;
    }
}
