package org.seq4j.optim;

import org.seq4j.kernel.VectorMath;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

/**
 * Gradient clipping, an explicit step between the backward pass and {@link Optimizer#step()}; the
 * operations of {@code torch.nn.utils.clip_grad_value_} and {@code clip_grad_norm_}.
 *
 * <pre>
 *   clipByValue(limit):        g ← min(max(g, −limit), limit)      element-wise (char-RNN: limit 5)
 *   clipByGlobalNorm(maxNorm): n = √(Σ over all parameters and elements of g²)
 *                              g ← g·c with c = maxNorm / (n + 1e-6), if c &lt; 1
 *                              returns n, the norm before clipping
 * </pre>
 * The global norm is accumulated in double, so it neither overflows nor loses small terms; PyTorch sums
 * per-tensor float32 norms, which agrees to float32 rounding.
 *
 * <h2>Non-finite gradients</h2>
 * By default every method first checks that all gradients are finite and throws a
 * {@link NonFiniteGradientException} naming the first parameter (in registry order) and the first index
 * holding NaN or ±Infinity, leaving the gradients untouched. This is PyTorch's
 * {@code error_if_nonfinite=True} (whose default is false), made the default here because an overflow in
 * one step otherwise spreads into every parameter and the optimizer state. The overloads taking
 * {@code errorIfNonFinite = false} behave as PyTorch's default: a NaN stays NaN under value clipping, and
 * a non-finite norm makes the norm clipping scale every gradient by {@code maxNorm / (n + 1e-6)} (0 for
 * an infinite n, NaN for a NaN n), so the caller sees the non-finite norm returned and must skip the step.
 */
public final class GradientClipping {

    /** Added to the norm before dividing, as in {@code torch.nn.utils.clip_grad_norm_}. */
    public static final double NORM_EPSILON = 1e-6;

    private GradientClipping() {
    }

    /**
     * Clips every gradient element to [−limit, limit], after checking that all are finite.
     *
     * @param parameters the parameters; their gradients are modified
     * @param limit      the bound; finite and ≥ 0
     * @throws IllegalArgumentException    if the limit is negative or not finite
     * @throws NonFiniteGradientException if a gradient holds NaN or ±Infinity (no gradient is modified then)
     */
    public static void clipByValue(Parameters parameters, double limit) {
        clipByValue(parameters, limit, true);
    }

    /**
     * Clips every gradient element to [−limit, limit].
     *
     * @param parameters       the parameters; their gradients are modified
     * @param limit            the bound; finite and ≥ 0
     * @param errorIfNonFinite check first and throw on NaN or ±Infinity; if false, ±Infinity is clipped to
     *                         ±limit and NaN stays NaN
     * @throws IllegalArgumentException    if the limit is negative or not finite
     * @throws NonFiniteGradientException if {@code errorIfNonFinite} and a gradient is not finite (no gradient
     *                                     is modified then)
     */
    public static void clipByValue(Parameters parameters, double limit, boolean errorIfNonFinite) {
        Optimizers.checkNonNegative(limit, "limit must be finite and ≥ 0 but was ");
        if (errorIfNonFinite) {
            checkFinite(parameters);
        }
        float hi = (float) limit;
        float lo = -hi;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            float[] g = p.grad().data;
            for (int j = 0, n = p.numElements(); j < n; j++) {
                // Comparisons leave NaN as it is, as torch.clamp does.
                if (g[j] > hi) {
                    g[j] = hi;
                } else if (g[j] < lo) {
                    g[j] = lo;
                }
            }
        }
    }

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}, after checking
     * that all are finite.
     *
     * @param parameters the parameters; their gradients are modified (scaled) if the norm exceeds maxNorm
     * @param maxNorm    the largest allowed norm; finite and ≥ 0
     * @return the global L2 norm of the gradients before clipping
     * @throws IllegalArgumentException    if maxNorm is negative or not finite
     * @throws NonFiniteGradientException if a gradient holds NaN or ±Infinity (no gradient is modified then)
     */
    public static double clipByGlobalNorm(Parameters parameters, double maxNorm) {
        return clipByGlobalNorm(parameters, maxNorm, true);
    }

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}.
     *
     * @param parameters       the parameters; their gradients are modified (scaled) if the norm exceeds
     *                         maxNorm or is not finite
     * @param maxNorm          the largest allowed norm; finite and ≥ 0
     * @param errorIfNonFinite throw if the norm is not finite; if false, scale as PyTorch does (see the
     *                         class documentation)
     * @return the global L2 norm of the gradients before clipping
     * @throws IllegalArgumentException    if maxNorm is negative or not finite
     * @throws NonFiniteGradientException if {@code errorIfNonFinite} and a gradient is not finite (no gradient
     *                                     is modified then)
     */
    public static double clipByGlobalNorm(Parameters parameters, double maxNorm, boolean errorIfNonFinite) {
        Optimizers.checkNonNegative(maxNorm, "maxNorm must be finite and ≥ 0 but was ");
        double norm = globalNorm(parameters);
        if (!Double.isFinite(norm) && errorIfNonFinite) {
            // Squares of floats cannot overflow a double, so only a non-finite element makes the norm so.
            checkFinite(parameters);
        }
        double coefficient = maxNorm / (norm + NORM_EPSILON);
        if (!(coefficient >= 1.0)) { // also when NaN, as torch.clamp(max=1) keeps NaN
            float c = (float) coefficient;
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                float[] g = p.grad().data;
                for (int j = 0, n = p.numElements(); j < n; j++) {
                    g[j] *= c;
                }
            }
        }
        return norm;
    }

    /**
     * The global L2 norm of all gradients, √(Σ g²), accumulated in double (each parameter's squares in four
     * partial sums); what {@link #clipByGlobalNorm} compares with its limit.
     *
     * @param parameters the parameters; not modified
     * @return the norm; NaN or +Infinity if a gradient element is
     */
    public static double globalNorm(Parameters parameters) {
        double sumOfSquares = 0;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            sumOfSquares += VectorMath.sumOfSquares(p.grad().data, p.numElements());
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * Checks that every gradient element is finite.
     *
     * @param parameters the parameters; not modified
     * @throws NonFiniteGradientException naming the first parameter, in registry order, and the first index
     *                                     whose gradient is NaN or ±Infinity
     */
    public static void checkFinite(Parameters parameters) {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            float[] g = p.grad().data;
            int j = VectorMath.firstNonFinite(g, p.numElements());
            if (j >= 0) {
                int[] shape = p.shape();
                int[] index = shape.length == 1 ? new int[] {j} : new int[] {j / shape[1], j % shape[1]};
                throw new NonFiniteGradientException(p.name(), index, g[j]);
            }
        }
    }
}
