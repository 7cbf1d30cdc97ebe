package org.seq4j.data;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * Sliding windows over an equally spaced series for one-step-ahead forecasting: the input of a recurrent
 * layer made of the {@code W} values before a target index {@code i}, and the standardised target, with
 * every statistic taken from the training part of the series only.
 *
 * <pre>
 *   window of target i:   x[i−W], …, x[i−1]                       (W steps)
 *   input features of step t (value index j = i − W + t), F of them:
 *       LEVEL                  (x[j] − μ) / σ                          F = 1
 *       DIFFERENCE             (x[j] − x[j−1] − μΔ) / σΔ               F = 1
 *       LEVEL_AND_DIFFERENCE   both, level first                      F = 2
 *   target:
 *       VALUE                  y = (x[i] − μ) / σ                      forecast x̂[i] = μ + σ·ŷ
 *       DIFFERENCE             y = (x[i] − x[i−1] − μΔ) / σΔ           forecast x̂[i] = x[i−1] + μΔ + σΔ·ŷ
 *   μ, σ: mean and std of x[0, trainEnd);  μΔ, σΔ: of the differences x[j] − x[j−1], 0 &lt; j &lt; trainEnd
 *   shapes: x (W·B, F) time-major, row t·B + b is step t of window b;  y (B, 1)
 * </pre>
 * Predicting the difference from the last value (the {@code DIFFERENCE} target) is the standard trick for
 * series with a trend or a strong persistence: the model starts from the last-value forecast and learns
 * only the correction, which stays in the range seen in training when the level does not (a rising series
 * is tested on levels above any it was trained on). Difference inputs make the model blind to the level
 * altogether, which suits a trend and hides a mean reversion.
 *
 * <p>Immutable; the series is copied. {@link #fill} allocates nothing.
 */
public final class SeriesWindows {

    /** What the model reads at each step of a window. */
    public enum Input {
        /** The standardised value: one feature. */
        LEVEL,
        /** The standardised difference from the step before: one feature. */
        DIFFERENCE,
        /** The standardised value, then the standardised difference: two features. */
        LEVEL_AND_DIFFERENCE;

        /**
         * The number of features per step.
         *
         * @return {@code F}: 1, or 2 for {@link #LEVEL_AND_DIFFERENCE}
         */
        public int features() {
            return this == LEVEL_AND_DIFFERENCE ? 2 : 1;
        }
    }

    /** What the model predicts. */
    public enum Target {
        /** The standardised next value. */
        VALUE,
        /** The standardised difference of the next value from the last value of the window. */
        DIFFERENCE
    }

    private final double[] series;
    private final int window;
    private final Input input;
    private final Target target;
    private final Standardization levels;
    private final Standardization differences;

    private SeriesWindows(double[] series, int window, Input input, Target target, Standardization levels,
                          Standardization differences) {
        this.series = series;
        this.window = window;
        this.input = input;
        this.target = target;
        this.levels = levels;
        this.differences = differences;
    }

    /**
     * Windows over a series, standardised by the statistics of its training part {@code [0, trainEnd)}.
     *
     * @param series   the values, all finite (fill gaps first, e.g. {@link SeriesGaps#interpolate}); copied
     * @param window   the window length {@code W}, at least 1
     * @param input    the features of each step
     * @param target   what is predicted
     * @param trainEnd the end (exclusive) of the training part, whose values give the statistics; at least
     *                 2 and at most {@code series.length}
     * @return the windows
     * @throws IllegalArgumentException if an argument is null or out of range, a value is not finite, or the
     *                                  training part is shorter than one window and its target
     */
    public static SeriesWindows fit(double[] series, int window, Input input, Target target, int trainEnd) {
        if (series == null || input == null || target == null) {
            throw new IllegalArgumentException("series, input and target must not be null");
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1 but was " + window);
        }
        if (trainEnd < 2 || trainEnd > series.length) {
            throw new IllegalArgumentException("trainEnd must be in [2, " + series.length + "] but was " + trainEnd);
        }
        for (int j = 0; j < series.length; j++) {
            if (!Double.isFinite(series[j])) {
                throw new IllegalArgumentException("series[" + j + "] must be finite but was " + series[j]
                        + " (fill the gaps first)");
            }
        }
        int first = firstTarget(window, input);
        if (trainEnd <= first) {
            throw new IllegalArgumentException("the training part must hold a window of " + window
                    + " and a target, from index " + first + ", but trainEnd was " + trainEnd);
        }
        double[] steps = new double[trainEnd - 1];
        for (int j = 1; j < trainEnd; j++) {
            steps[j - 1] = series[j] - series[j - 1];
        }
        return new SeriesWindows(series.clone(), window, input, target, Standardization.fit(series, 0, trainEnd),
                Standardization.fit(steps, 0, steps.length));
    }

    private static int firstTarget(int window, Input input) {
        return input == Input.LEVEL ? window : window + 1;
    }

    /**
     * The window length.
     *
     * @return {@code W}
     */
    public int window() {
        return window;
    }

    /**
     * The features of each step.
     *
     * @return the input kind
     */
    public Input input() {
        return input;
    }

    /**
     * What is predicted.
     *
     * @return the target kind
     */
    public Target target() {
        return target;
    }

    /**
     * The number of input features per step.
     *
     * @return {@code F}
     */
    public int features() {
        return input.features();
    }

    /**
     * The length of the series.
     *
     * @return {@code n}
     */
    public int length() {
        return series.length;
    }

    /**
     * The first index that has a full window (and, with difference inputs, the value before it).
     *
     * @return {@code W}, or {@code W + 1} with difference inputs
     */
    public int firstTarget() {
        return firstTarget(window, input);
    }

    /**
     * The statistics of the training values.
     *
     * @return {@code μ, σ}
     */
    public Standardization levels() {
        return levels;
    }

    /**
     * The statistics of the training differences {@code x[j] − x[j−1]}.
     *
     * @return {@code μΔ, σΔ}
     */
    public Standardization differences() {
        return differences;
    }

    /**
     * Writes the windows and standardised targets of {@code count} target indices.
     *
     * @param targets the target indices; entries {@code [from, from + count)} are used, each in
     *                {@code [firstTarget(), length())}; not modified
     * @param from    the first entry of {@code targets} used
     * @param count   the batch size {@code B}, at least 1
     * @param x       (W·B, F) time-major windows; overwritten
     * @param y       (B, 1) standardised targets, overwritten; or null when only the inputs are needed
     * @throws IllegalArgumentException if a shape is wrong, the entries are out of {@code targets}, or an
     *                                  index has no full window
     */
    public void fill(int[] targets, int from, int count, FMatrixRMaj x, FMatrixRMaj y) {
        if (targets == null || count < 1 || from < 0 || from + count > targets.length) {
            throw new IllegalArgumentException("entries [from, from + count) must be a non-empty part of targets "
                    + "but were [" + from + ", " + (from + count) + ") of "
                    + (targets == null ? "null" : String.valueOf(targets.length)));
        }
        int features = features();
        Tensors.checkShape(x, window * count, features, "x");
        if (y != null) {
            Tensors.checkShape(y, count, 1, "y");
        }
        for (int b = 0; b < count; b++) {
            int i = targets[from + b];
            checkTarget(i);
            for (int t = 0; t < window; t++) {
                int j = i - window + t;
                int row = (t * count + b) * features;
                switch (input) {
                    case LEVEL -> x.data[row] = (float) levels.standardize(series[j]);
                    case DIFFERENCE -> x.data[row] = (float) differences.standardize(series[j] - series[j - 1]);
                    case LEVEL_AND_DIFFERENCE -> {
                        x.data[row] = (float) levels.standardize(series[j]);
                        x.data[row + 1] = (float) differences.standardize(series[j] - series[j - 1]);
                    }
                }
            }
            if (y != null) {
                y.data[b] = (float) standardizedTarget(i);
            }
        }
    }

    /**
     * The standardised target of an index, what a model trained on {@link #fill}'s {@code y} should output.
     *
     * @param i a target index in {@code [firstTarget(), length())}
     * @return {@code y} of the class comment
     * @throws IllegalArgumentException if {@code i} has no full window
     */
    public double standardizedTarget(int i) {
        checkTarget(i);
        return target == Target.VALUE
                ? levels.standardize(series[i])
                : differences.standardize(series[i] - series[i - 1]);
    }

    /**
     * Maps a model's output for target index {@code i} back to a forecast in the series' units.
     *
     * @param i      a target index in {@code [firstTarget(), length())}
     * @param output the model's standardised output {@code ŷ}
     * @return {@code x̂[i]}: {@code μ + σ·ŷ}, or {@code x[i−1] + μΔ + σΔ·ŷ} for the difference target
     * @throws IllegalArgumentException if {@code i} has no full window
     */
    public double forecast(int i, double output) {
        checkTarget(i);
        return target == Target.VALUE ? levels.restore(output) : series[i - 1] + differences.restore(output);
    }

    private void checkTarget(int i) {
        if (i < firstTarget() || i >= series.length) {
            throw new IllegalArgumentException("target index must be in [" + firstTarget() + ", " + series.length
                    + ") (a full window before it) but was " + i);
        }
    }

    /**
     * Describes the windows.
     *
     * @return e.g. {@code SeriesWindows(n=2284, W=52, input=LEVEL, target=DIFFERENCE)}
     */
    @Override
    public String toString() {
        return "SeriesWindows(n=" + series.length + ", W=" + window + ", input=" + input + ", target=" + target + ")";
    }
}
