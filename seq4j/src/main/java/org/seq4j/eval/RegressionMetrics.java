package org.seq4j.eval;

/**
 * Errors of continuous predictions against the truth, accumulated in double, in the units of the data.
 *
 * <pre>
 *   RMSE = √( Σ_r (ŷ_r − y_r)² / N )        MAE = Σ_r |ŷ_r − y_r| / N
 * </pre>
 * As scikit-learn's {@code mean_squared_error(y, ŷ) ** 0.5} and {@code mean_absolute_error}.
 */
public final class RegressionMetrics {

    private RegressionMetrics() {
    }

    /**
     * The root mean squared error.
     *
     * @param predicted the predictions {@code ŷ}; not modified
     * @param actual    the true values {@code y}, as many; not modified
     * @return the RMSE
     * @throws IllegalArgumentException if an array is null or empty, the lengths differ, or a value is not
     *                                  finite
     */
    public static double rmse(double[] predicted, double[] actual) {
        check(predicted, actual);
        double sum = 0;
        for (int r = 0; r < predicted.length; r++) {
            double d = predicted[r] - actual[r];
            sum += d * d;
        }
        return Math.sqrt(sum / predicted.length);
    }

    /**
     * The mean absolute error.
     *
     * @param predicted the predictions {@code ŷ}; not modified
     * @param actual    the true values {@code y}, as many; not modified
     * @return the MAE
     * @throws IllegalArgumentException if an array is null or empty, the lengths differ, or a value is not
     *                                  finite
     */
    public static double mae(double[] predicted, double[] actual) {
        check(predicted, actual);
        double sum = 0;
        for (int r = 0; r < predicted.length; r++) {
            sum += Math.abs(predicted[r] - actual[r]);
        }
        return sum / predicted.length;
    }

    private static void check(double[] predicted, double[] actual) {
        if (predicted == null || actual == null) {
            throw new IllegalArgumentException("predicted and actual must not be null");
        }
        if (predicted.length != actual.length || predicted.length == 0) {
            throw new IllegalArgumentException("predicted and actual must have the same, non-zero length but had "
                    + predicted.length + " and " + actual.length);
        }
        for (int r = 0; r < predicted.length; r++) {
            if (!Double.isFinite(predicted[r]) || !Double.isFinite(actual[r])) {
                throw new IllegalArgumentException("predicted[" + r + "] and actual[" + r + "] must be finite but were "
                        + predicted[r] + " and " + actual[r]);
            }
        }
    }
}
