package org.seq4j.optim;

import java.util.Locale;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

/**
 * Limited-memory BFGS (Liu and Nocedal, 1989): a full-batch minimizer of a smooth, deterministic objective
 * over a {@link Parameters} registry, for problems whose every evaluation sees all the data (the convex
 * objective of a logistic regression, say), where it reaches the optimum in tens of evaluations where a
 * fixed-step method such as full-batch {@link Adam} needs hundreds and stops near it. The update rule is
 * that of {@code torch.optim.LBFGS} and of Nocedal and Wright, "Numerical Optimization", algorithm 7.4:
 *
 * <pre>
 *   θ: all parameters as one vector (P);  g = ∇J(θ);  m = {@link Config#history()}
 *   d = −H·g       the two-loop recursion over the last m pairs (s_i, y_i),
 *                  H₀ = (sᵀy / yᵀy)·I of the newest pair (I before the first)
 *   t = 1 (1 / ‖g‖₁ on the first iteration), halved until J(θ + t·d) ≤ J(θ) + 10⁻⁴·t·gᵀd   (Armijo)
 *   s = t·d,  y = ∇J(θ + t·d) − g;  the pair is kept only if sᵀy &gt; 10⁻¹⁰·yᵀy (curvature), the oldest dropped
 *   stop when ‖g‖_∞ ≤ gradientTolerance, when one iteration lowers J by at most
 *   valueTolerance·max(1, |J|), when no step length of 30 halvings lowers J, or after maxIterations
 * </pre>
 * If {@code d} is not a descent direction ({@code gᵀd ≥ 0}) the history is dropped and {@code d = −g}.
 * The iterates and the history are kept in double; the parameters (float) receive each trial point, so the
 * objective sees exactly the values it is evaluated at, and at the end hold the best point found.
 * Everything is sequential and deterministic: the same objective and start give the same result.
 *
 * <pre>{@code
 * Lbfgs.Result r = Lbfgs.minimize(model.parameters(), objective::valueAndGradient, Lbfgs.Config.defaults());
 * }</pre>
 */
public final class Lbfgs {

    private static final double ARMIJO = 1e-4;
    private static final int MAX_HALVINGS = 30;
    private static final double CURVATURE = 1e-10;

    private Lbfgs() {
    }

    /** An objective evaluated at the registry's current values. */
    @FunctionalInterface
    public interface Objective {
        /**
         * Evaluates the objective and its gradient at the parameters' current values.
         *
         * @return {@code J(θ)}; the parameters' gradients must afterwards hold exactly {@code ∇J(θ)}
         *         (zeroed, then filled: not added to earlier values)
         */
        double valueAndGradient();
    }

    /**
     * The settings of {@link #minimize}.
     *
     * @param history           m, the number of pairs kept, at least 1 (PyTorch's default 100; 10 is usual)
     * @param maxIterations     the most iterations, at least 1
     * @param gradientTolerance stop once {@code ‖g‖_∞} is at most this, ≥ 0
     * @param valueTolerance    stop once one iteration lowers J by at most this times {@code max(1, |J|)}, ≥ 0
     */
    public record Config(int history, int maxIterations, double gradientTolerance, double valueTolerance) {
        /**
         * Validates the settings.
         *
         * @param history           m, at least 1
         * @param maxIterations     at least 1
         * @param gradientTolerance finite, ≥ 0
         * @param valueTolerance    finite, ≥ 0
         * @throws IllegalArgumentException if a value is out of range
         */
        public Config {
            if (history < 1) {
                throw new IllegalArgumentException("history must be at least 1 but was " + history);
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("maxIterations must be at least 1 but was " + maxIterations);
            }
            if (!(gradientTolerance >= 0) || !Double.isFinite(gradientTolerance)) {
                throw new IllegalArgumentException("gradientTolerance must be finite and non-negative but was "
                        + gradientTolerance);
            }
            if (!(valueTolerance >= 0) || !Double.isFinite(valueTolerance)) {
                throw new IllegalArgumentException("valueTolerance must be finite and non-negative but was "
                        + valueTolerance);
            }
        }

        /**
         * History 10, at most 500 iterations, gradient tolerance 1e-5, value tolerance 1e-9.
         *
         * @return the defaults
         */
        public static Config defaults() {
            return new Config(10, 500, 1e-5, 1e-9);
        }

        /**
         * The same settings with another iteration limit.
         *
         * @param value at least 1
         * @return a new config
         */
        public Config withMaxIterations(int value) {
            return new Config(history, value, gradientTolerance, valueTolerance);
        }
    }

    /**
     * The outcome of a minimization.
     *
     * @param iterations   iterations taken (accepted steps)
     * @param evaluations  evaluations of the objective
     * @param value        J at the final parameters
     * @param gradientNorm {@code ‖∇J‖_∞} there
     * @param converged    true if a tolerance was met (or no step could lower J further), false if the
     *                     iteration limit ended the run
     */
    public record Result(int iterations, int evaluations, double value, double gradientNorm, boolean converged) {
        /**
         * Describes the outcome.
         *
         * @return e.g. {@code 23 iterations, 25 evaluations, J 0.081234, |g| 7.1e-06, converged}
         */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d iterations, %d evaluations, J %.6f, |g| %.1e, %s", iterations,
                    evaluations, value, gradientNorm, converged ? "converged" : "iteration limit");
        }
    }

    /**
     * Minimizes an objective from the parameters' current values (see the class documentation).
     *
     * @param parameters the variables; their values are the start and are overwritten with the minimizer,
     *                   their gradients with the gradient there
     * @param objective  evaluates J and sets the gradients at the parameters' current values
     * @param config     the settings
     * @return the iterations, evaluations, final value and gradient norm
     * @throws IllegalArgumentException if an argument is null
     * @throws ArithmeticException      if the objective or its gradient is not finite at the start
     */
    public static Result minimize(Parameters parameters, Objective objective, Config config) {
        if (parameters == null || objective == null || config == null) {
            throw new IllegalArgumentException("parameters, objective and config must not be null");
        }
        int size = Math.toIntExact(parameters.numElements());
        int m = config.history();
        double[] x = new double[size];
        double[] g = new double[size];
        double[] xTrial = new double[size];
        double[] gTrial = new double[size];
        double[] d = new double[size];
        double[][] s = new double[m][size];
        double[][] y = new double[m][size];
        double[] rho = new double[m];
        double[] alpha = new double[m];
        read(parameters, x, false);
        double value = evaluate(parameters, objective, x, g);
        if (!Double.isFinite(value) || !allFinite(g)) {
            throw new ArithmeticException("the objective or its gradient is not finite at the start (J = " + value + ")");
        }
        int evaluations = 1;
        int stored = 0;      // pairs held
        int newest = -1;     // slot of the newest pair
        int iteration = 0;
        boolean converged = false;
        while (true) {
            if (maxAbs(g) <= config.gradientTolerance()) {
                converged = true;
                break;
            }
            if (iteration == config.maxIterations()) {
                break;
            }
            // d = −H·g, the two-loop recursion
            for (int i = 0; i < size; i++) {
                d[i] = -g[i];
            }
            for (int k = 0; k < stored; k++) {
                int slot = Math.floorMod(newest - k, m);
                alpha[slot] = rho[slot] * dot(s[slot], d);
                axpy(-alpha[slot], y[slot], d);
            }
            if (stored > 0) {
                scale(dot(s[newest], y[newest]) / dot(y[newest], y[newest]), d);
            }
            for (int k = stored - 1; k >= 0; k--) {
                int slot = Math.floorMod(newest - k, m);
                double beta = rho[slot] * dot(y[slot], d);
                axpy(alpha[slot] - beta, s[slot], d);
            }
            double slope = dot(g, d);
            if (!(slope < 0)) {
                stored = 0;
                for (int i = 0; i < size; i++) {
                    d[i] = -g[i];
                }
                slope = dot(g, d);
            }
            // backtracking line search for the Armijo condition
            double step = iteration == 0 && stored == 0 ? Math.min(1.0, 1.0 / norm1(g)) : 1.0;
            double trialValue = Double.NaN;
            boolean accepted = false;
            for (int halving = 0; halving <= MAX_HALVINGS; halving++) {
                for (int i = 0; i < size; i++) {
                    xTrial[i] = x[i] + step * d[i];
                }
                trialValue = evaluate(parameters, objective, xTrial, gTrial);
                evaluations++;
                if (Double.isFinite(trialValue) && allFinite(gTrial)
                        && trialValue <= value + ARMIJO * step * slope) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) {
                converged = true;    // no step lowers J: the optimum to the objective's precision
                break;
            }
            // the new pair s = θ' − θ, y = g' − g, kept if it has positive curvature
            double sy = 0;
            double yy = 0;
            for (int i = 0; i < size; i++) {
                double si = xTrial[i] - x[i];
                double yi = gTrial[i] - g[i];
                sy += si * yi;
                yy += yi * yi;
            }
            if (sy > CURVATURE * yy && yy > 0) {
                int slot = (newest + 1) % m;
                for (int i = 0; i < size; i++) {
                    s[slot][i] = xTrial[i] - x[i];
                    y[slot][i] = gTrial[i] - g[i];
                }
                rho[slot] = 1.0 / sy;
                newest = slot;
                stored = Math.min(stored + 1, m);
            }
            double decrease = value - trialValue;
            System.arraycopy(xTrial, 0, x, 0, size);
            System.arraycopy(gTrial, 0, g, 0, size);
            value = trialValue;
            iteration++;
            if (decrease <= config.valueTolerance() * Math.max(1.0, Math.abs(value))) {
                converged = true;
                break;
            }
        }
        // leave the parameters at the best point, with its gradient
        evaluate(parameters, objective, x, g);
        return new Result(iteration, evaluations + 1, value, maxAbs(g), converged);
    }

    /** Writes x into the parameters, evaluates, and reads the gradient into g. */
    private static double evaluate(Parameters parameters, Objective objective, double[] x, double[] g) {
        int offset = 0;
        for (Parameter p : parameters) {
            float[] v = p.value().data;
            int n = p.numElements();
            for (int i = 0; i < n; i++) {
                v[i] = (float) x[offset + i];
            }
            offset += n;
        }
        double value = objective.valueAndGradient();
        read(parameters, g, true);
        return value;
    }

    /** Copies every parameter's values (or gradients) into one vector, in registry order. */
    private static void read(Parameters parameters, double[] out, boolean gradients) {
        int offset = 0;
        for (Parameter p : parameters) {
            float[] v = gradients ? p.grad().data : p.value().data;
            int n = p.numElements();
            for (int i = 0; i < n; i++) {
                out[offset + i] = v[i];
            }
            offset += n;
        }
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** y += a·x. */
    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static void scale(double a, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }

    private static double maxAbs(double[] x) {
        double max = 0;
        for (double v : x) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static double norm1(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += Math.abs(v);
        }
        return sum;
    }

    private static boolean allFinite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
