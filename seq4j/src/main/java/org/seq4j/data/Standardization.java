package org.seq4j.data;

/**
 * Standardisation with fixed statistics, {@code z = (x − mean) / std}, and its inverse: the scaling of a
 * model's inputs and targets by statistics of the training data alone (never of the data it is tested
 * on), as scikit-learn's {@code StandardScaler} fitted on the training split.
 *
 * @param mean the mean subtracted
 * @param std  the scale divided by, positive
 */
public record Standardization(double mean, double std) {

    /**
     * Validates the statistics.
     *
     * @param mean the mean subtracted; finite
     * @param std  the scale divided by; positive and finite
     * @throws IllegalArgumentException if {@code mean} is not finite or {@code std} is not positive and finite
     */
    public Standardization {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("mean must be finite but was " + mean);
        }
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("std must be positive and finite but was " + std);
        }
    }

    /**
     * The statistics of {@code values[from, to)}: their mean and population standard deviation
     * ({@code √(Σ(x − mean)² / n)}, PyTorch's {@code std(unbiased=False)}), accumulated in double; a
     * standard deviation of 0 (all values equal) becomes 1, so that standardising only centres.
     *
     * @param values the values; not modified
     * @param from   first index, inclusive
     * @param to     last index, exclusive; {@code from < to ≤ values.length}
     * @return the statistics
     * @throws IllegalArgumentException if the range is empty or out of bounds, or a value is not finite
     */
    public static Standardization fit(double[] values, int from, int to) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        if (from < 0 || to > values.length || from >= to) {
            throw new IllegalArgumentException("the range [from, to) must be a non-empty part of [0, "
                    + values.length + ") but was [" + from + ", " + to + ")");
        }
        double sum = 0;
        for (int j = from; j < to; j++) {
            if (!Double.isFinite(values[j])) {
                throw new IllegalArgumentException("values[" + j + "] must be finite but was " + values[j]);
            }
            sum += values[j];
        }
        double mean = sum / (to - from);
        double squares = 0;
        for (int j = from; j < to; j++) {
            double d = values[j] - mean;
            squares += d * d;
        }
        double std = Math.sqrt(squares / (to - from));
        return new Standardization(mean, std > 0 ? std : 1);
    }

    /**
     * Standardises a value.
     *
     * @param x a value in the original units
     * @return {@code (x − mean) / std}
     */
    public double standardize(double x) {
        return (x - mean) / std;
    }

    /**
     * Maps a standardised value back to the original units.
     *
     * @param z a standardised value
     * @return {@code mean + std · z}
     */
    public double restore(double z) {
        return mean + std * z;
    }
}
