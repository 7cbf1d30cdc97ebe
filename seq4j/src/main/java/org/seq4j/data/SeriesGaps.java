package org.seq4j.data;

/**
 * Missing values of an equally spaced series, marked {@code NaN}: which are missing, and a copy with
 * them filled by linear interpolation between the nearest observed neighbours.
 *
 * <pre>
 *   x[j] missing, x[a] and x[b] the nearest observed values with a &lt; j &lt; b:
 *       filled[j] = x[a] + (x[b] − x[a]) · (j − a) / (b − a)
 *   before the first observed value: filled[j] = x[first];  after the last: filled[j] = x[last]
 * </pre>
 * Filling keeps the windows of a forecaster contiguous (a recurrent layer reads every step), but a filled
 * value is made up: callers should not train on or score against it as a target (give it weight 0 in the
 * loss and leave it out of the error), and should know that interpolation looks one observation ahead, so
 * a window that ends in a gap has seen the next observed value.
 */
public final class SeriesGaps {

    private SeriesGaps() {
    }

    /**
     * Which values are observed.
     *
     * @param series the values, {@code NaN} where missing; not modified
     * @return a new array, true where the value is not {@code NaN}
     * @throws IllegalArgumentException if {@code series} is null or holds an infinite value
     */
    public static boolean[] observed(double[] series) {
        checkSeries(series);
        boolean[] observed = new boolean[series.length];
        for (int j = 0; j < series.length; j++) {
            observed[j] = !Double.isNaN(series[j]);
        }
        return observed;
    }

    /**
     * The number of missing values.
     *
     * @param series the values, {@code NaN} where missing; not modified
     * @return how many are {@code NaN}
     * @throws IllegalArgumentException if {@code series} is null or holds an infinite value
     */
    public static int countMissing(double[] series) {
        checkSeries(series);
        int missing = 0;
        for (double v : series) {
            missing += Double.isNaN(v) ? 1 : 0;
        }
        return missing;
    }

    /**
     * A copy with every missing value filled by linear interpolation between its observed neighbours (the
     * nearest observed value at either end of the series).
     *
     * @param series the values, {@code NaN} where missing; not modified
     * @return a new array of the same length, without {@code NaN}; observed values are copied unchanged
     * @throws IllegalArgumentException if {@code series} is null, holds an infinite value, or is not empty
     *                                  but has no observed value
     */
    public static double[] interpolate(double[] series) {
        checkSeries(series);
        int n = series.length;
        double[] filled = series.clone();
        int previous = -1;                       // the last observed index seen so far
        for (int j = 0; j < n; j++) {
            if (Double.isNaN(series[j])) {
                continue;
            }
            if (previous < 0) {
                for (int k = 0; k < j; k++) {    // leading gap: the first observed value
                    filled[k] = series[j];
                }
            } else {
                for (int k = previous + 1; k < j; k++) {
                    filled[k] = series[previous] + (series[j] - series[previous]) * (k - previous) / (j - previous);
                }
            }
            previous = j;
        }
        if (previous < 0 && n > 0) {
            throw new IllegalArgumentException("series must have an observed value but all " + n + " are missing");
        }
        for (int k = previous + 1; k < n; k++) { // trailing gap: the last observed value
            filled[k] = series[previous];
        }
        return filled;
    }

    private static void checkSeries(double[] series) {
        if (series == null) {
            throw new IllegalArgumentException("series must not be null");
        }
        for (int j = 0; j < series.length; j++) {
            if (Double.isInfinite(series[j])) {
                throw new IllegalArgumentException("series[" + j + "] must be finite or NaN (missing) but was "
                        + series[j]);
            }
        }
    }
}
