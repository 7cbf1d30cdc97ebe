package org.seq4j.eval;

/**
 * The naive one-step-ahead forecasts that every forecaster is measured against (Hyndman &amp;
 * Athanasopoulos, <i>Forecasting: Principles and Practice</i>, §5.2).
 *
 * <pre>
 *   last value (naive):   x̂[i] = x[i−1]
 *   seasonal naive:       x̂[i] = x[i−m]       m: the season's length in steps (52 weeks, 12 months)
 * </pre>
 */
public final class NaiveForecasts {

    private NaiveForecasts() {
    }

    /**
     * The last-value forecasts.
     *
     * @param series  the values; not modified
     * @param targets the indices forecast, each in {@code [1, series.length]}; not modified
     * @return a new array, {@code x[targets[r] − 1]} at {@code r}
     * @throws IllegalArgumentException if an argument is null or an index is out of range
     */
    public static double[] lastValue(double[] series, int[] targets) {
        return seasonalNaive(series, targets, 1);
    }

    /**
     * The seasonal-naive forecasts: the value one season earlier.
     *
     * @param series  the values; not modified
     * @param targets the indices forecast, each in {@code [m, series.length]}; not modified
     * @param period  the season's length {@code m}, at least 1 (1 is the last-value forecast)
     * @return a new array, {@code x[targets[r] − m]} at {@code r}
     * @throws IllegalArgumentException if an argument is null or out of range
     */
    public static double[] seasonalNaive(double[] series, int[] targets, int period) {
        if (series == null || targets == null) {
            throw new IllegalArgumentException("series and targets must not be null");
        }
        if (period < 1) {
            throw new IllegalArgumentException("period must be at least 1 but was " + period);
        }
        double[] forecasts = new double[targets.length];
        for (int r = 0; r < targets.length; r++) {
            int i = targets[r];
            if (i < period || i > series.length) {
                throw new IllegalArgumentException("a target index must be in [" + period + ", " + series.length
                        + "] (the value " + period + " steps before it) but was " + i);
            }
            forecasts[r] = series[i - period];
        }
        return forecasts;
    }
}
