package org.seq4j.eval;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_FDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * A linear autoregression of order {@code p} fitted by least squares: the classical baseline of
 * one-step-ahead forecasting, a linear function of the same window of past values a neural forecaster
 * reads.
 *
 * <pre>
 *   x̂[i] = c + Σ_{k=1..p} a_k · x[i−k]
 *   fit:  minimise Σ_{i ∈ targets} (x[i] − x̂[i])²  over c, a_1 … a_p
 * </pre>
 * The fit centres and scales every column of the {@code (N, p)} design (column {@code k} holds
 * {@code x[i−k]} of the {@code N} targets) and the target by their means and standard deviations, which
 * removes the intercept from the solve and keeps the float32 problem well scaled when the series sits far
 * from zero (Mauna Loa CO2 at 300–370 ppm); it solves the scaled problem with EJML's column-pivoted
 * Householder QR ({@link LinearSolverFactory_FDRM#leastSquaresQrPivot}, the minimum-norm solution when
 * lags are exactly collinear), and then refines the solution twice against the residual computed in
 * double: {@code b ← b + argmin ‖A·δ − (y − A·b)‖}, which recovers most of the accuracy float32 loses on
 * nearly collinear lags. The coefficients are mapped back to the original units.
 *
 * <p>Immutable once fitted.
 */
public final class LinearAutoregression {

    /** Refinement steps against the double-precision residual. */
    private static final int REFINEMENTS = 2;

    private final double intercept;
    private final double[] coefficients;   // coefficients[k − 1] = a_k

    private LinearAutoregression(double intercept, double[] coefficients) {
        this.intercept = intercept;
        this.coefficients = coefficients;
    }

    /**
     * Fits the autoregression to the given target indices of a series.
     *
     * @param series  the values, finite at every index a target or one of its lags reads; not modified
     * @param order   the order {@code p}, at least 1
     * @param targets the indices {@code i} whose values are fitted, each in {@code [p, series.length)}, at
     *                least {@code p + 1} of them (e.g. the observed values of the training part); not
     *                modified
     * @return the fitted model
     * @throws IllegalArgumentException if an argument is null or out of range, there are too few targets,
     *                                  or a value read is not finite
     */
    public static LinearAutoregression fit(double[] series, int order, int[] targets) {
        if (series == null || targets == null) {
            throw new IllegalArgumentException("series and targets must not be null");
        }
        if (order < 1) {
            throw new IllegalArgumentException("order must be at least 1 but was " + order);
        }
        int n = targets.length;
        if (n < order + 1) {
            throw new IllegalArgumentException("an autoregression of order " + order + " needs at least "
                    + (order + 1) + " targets but got " + n);
        }
        for (int i : targets) {
            checkTarget(series, order, i);
            for (int k = 0; k <= order; k++) {
                if (!Double.isFinite(series[i - k])) {
                    throw new IllegalArgumentException("series[" + (i - k) + "] must be finite but was "
                            + series[i - k]);
                }
            }
        }
        // column statistics: lag k (k = 1..p) in column k − 1; the target's in yMean, yScale
        double[] mean = new double[order];
        double[] scale = new double[order];
        double yMean = 0;
        for (int i : targets) {
            yMean += series[i];
            for (int k = 1; k <= order; k++) {
                mean[k - 1] += series[i - k];
            }
        }
        yMean /= n;
        for (int k = 0; k < order; k++) {
            mean[k] /= n;
        }
        double ySquares = 0;
        for (int i : targets) {
            ySquares += (series[i] - yMean) * (series[i] - yMean);
            for (int k = 1; k <= order; k++) {
                double d = series[i - k] - mean[k - 1];
                scale[k - 1] += d * d;
            }
        }
        double yScale = scaleOf(ySquares, n);
        for (int k = 0; k < order; k++) {
            scale[k] = scaleOf(scale[k], n);
        }

        FMatrixRMaj design = new FMatrixRMaj(n, order);     // A: (N, p), standardised lags
        double[] y = new double[n];                         // (N), standardised targets
        for (int r = 0; r < n; r++) {
            int i = targets[r];
            y[r] = (series[i] - yMean) / yScale;
            for (int k = 1; k <= order; k++) {
                design.data[r * order + k - 1] = (float) ((series[i - k] - mean[k - 1]) / scale[k - 1]);
            }
        }
        double[] b = solveRefined(design, y);

        double[] coefficients = new double[order];
        double intercept = yMean;
        for (int k = 0; k < order; k++) {
            coefficients[k] = b[k] * yScale / scale[k];
            intercept -= coefficients[k] * mean[k];
        }
        return new LinearAutoregression(intercept, coefficients);
    }

    private static double scaleOf(double squares, int n) {
        double std = Math.sqrt(squares / n);
        return std > 0 ? std : 1;                           // a constant column stays all zeros
    }

    /** argmin_b ‖A·b − y‖ by pivoted QR in float32, refined against the residual in double. */
    private static double[] solveRefined(FMatrixRMaj design, double[] y) {
        int n = design.numRows;
        int p = design.numCols;
        LinearSolverDense<FMatrixRMaj> solver = LinearSolverFactory_FDRM.leastSquaresQrPivot(true, false);
        FMatrixRMaj a = solver.modifiesA() ? design.copy() : design;
        if (!solver.setA(a)) {
            throw new IllegalArgumentException("the least-squares problem of the autoregression could not be "
                    + "decomposed (" + n + " targets, order " + p + ")");
        }
        FMatrixRMaj rhs = new FMatrixRMaj(n, 1);
        FMatrixRMaj delta = new FMatrixRMaj(p, 1);
        double[] b = new double[p];
        for (int pass = 0; pass <= REFINEMENTS; pass++) {
            for (int r = 0; r < n; r++) {                   // residual y − A·b in double
                double fitted = 0;
                for (int k = 0; k < p; k++) {
                    fitted += design.data[r * p + k] * b[k];
                }
                rhs.data[r] = (float) (y[r] - fitted);
            }
            solver.solve(solver.modifiesB() ? rhs.copy() : rhs, delta);
            for (int k = 0; k < p; k++) {
                b[k] += delta.data[k];
            }
        }
        for (int k = 0; k < p; k++) {
            if (!Double.isFinite(b[k])) {
                throw new IllegalArgumentException("the autoregression's least-squares solution is not finite");
            }
        }
        return b;
    }

    private static void checkTarget(double[] series, int order, int i) {
        if (i < order || i >= series.length) {
            throw new IllegalArgumentException("a target index must be in [" + order + ", " + series.length
                    + ") (its " + order + " lags before it) but was " + i);
        }
    }

    /**
     * The order.
     *
     * @return {@code p}
     */
    public int order() {
        return coefficients.length;
    }

    /**
     * The intercept.
     *
     * @return {@code c}, in the series' units
     */
    public double intercept() {
        return intercept;
    }

    /**
     * A coefficient.
     *
     * @param lag {@code k} in {@code [1, p]}
     * @return {@code a_k}, the weight of {@code x[i−k]}
     * @throws IllegalArgumentException if {@code lag} is out of range
     */
    public double coefficient(int lag) {
        if (lag < 1 || lag > coefficients.length) {
            throw new IllegalArgumentException("lag must be in [1, " + coefficients.length + "] but was " + lag);
        }
        return coefficients[lag - 1];
    }

    /**
     * The one-step-ahead forecast of {@code x[i]} from the {@code p} values before it.
     *
     * @param series the values; read at {@code [i − p, i)}, not modified
     * @param i      the index forecast, in {@code [p, series.length]} ({@code series.length} forecasts the
     *               value after the end)
     * @return {@code x̂[i]}
     * @throws IllegalArgumentException if {@code i} is out of range
     */
    public double forecast(double[] series, int i) {
        if (series == null) {
            throw new IllegalArgumentException("series must not be null");
        }
        if (i < coefficients.length || i > series.length) {
            throw new IllegalArgumentException("the index forecast must be in [" + coefficients.length + ", "
                    + series.length + "] but was " + i);
        }
        double value = intercept;
        for (int k = 1; k <= coefficients.length; k++) {
            value += coefficients[k - 1] * series[i - k];
        }
        return value;
    }

    /**
     * One-step-ahead forecasts of several indices.
     *
     * @param series  the values; not modified
     * @param targets the indices forecast, each as in {@link #forecast(double[], int)}; not modified
     * @return a new array, {@code x̂[targets[r]]} at {@code r}
     * @throws IllegalArgumentException if an index is out of range
     */
    public double[] forecast(double[] series, int[] targets) {
        if (targets == null) {
            throw new IllegalArgumentException("targets must not be null");
        }
        double[] forecasts = new double[targets.length];
        for (int r = 0; r < targets.length; r++) {
            forecasts[r] = forecast(series, targets[r]);
        }
        return forecasts;
    }

    /**
     * Describes the model.
     *
     * @return e.g. {@code LinearAutoregression(p=52, c=0.3127)}
     */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "LinearAutoregression(p=%d, c=%.4g)", coefficients.length,
                intercept);
    }
}
