package org.seq4j.kernel;

/**
 * Fast float32 {@code tanh} and logistic sigmoid for the gate arithmetic of recurrent cells, in loops
 * that HotSpot C2 vectorises (about 0.5 ns per element on AVX2, against 30 ns for {@link Math#tanh}
 * and 5 ns for a sigmoid through {@link Math#exp}).
 *
 * <pre>
 *   tanh(x)    ≈ x·P(x²) / Q(x²)     x clamped to [−c, c], c = 7.9053111: P of degree 6, Q of degree 3
 *   sigmoid(x) = 1/2 + tanh(x/2)/2   (exact identity; the approximation enters through tanh only)
 * </pre>
 * The rational function and its clamp are the float {@code tanh} of the Eigen library
 * ({@code generic_fast_tanh_float}), a minimax fit on {@code [−c, c]}. Measured against
 * {@code Math.tanh} in double over every float of magnitude 10⁻³⁰ to 40: at most 4.9 ulp and
 * 2.9·10⁻⁷ absolute error for {@code tanh}, whose result stays inside {@code (−1, 1)}; at most
 * 1.7·10⁻⁷ absolute error for {@code sigmoid}, whose result stays inside {@code [1.2·10⁻⁷, 1)} (it does
 * not resolve the relative size of smaller values, which does not matter for a gate). The exact
 * references are {@link org.seq4j.tensor.Tensors#sigmoid(float)} and {@link Math#tanh}; {@code FloatActivationsTest}
 * checks the bounds. NaN stays NaN, ±0 stays ±0 under {@code tanh}, and ±∞ gives
 * {@code ±(1 − 2.4·10⁻⁷)}.
 *
 * <p>The array methods compute element {@code i} from element {@code i} of the same or another array
 * (one index expression per loop), the form in which C2 turns the loop into vector instructions.
 */
public final class FloatActivations {

    /** Beyond ±CLAMP the rational function has reached ±1 in float32. */
    private static final float CLAMP = 7.90531110763549805f;

    // Numerator x·(A1 + A3·x² + ... + A13·x¹²) and denominator B0 + B2·x² + B4·x⁴ + B6·x⁶.
    private static final float A1 = 4.89352455891786e-03f;
    private static final float A3 = 6.37261928875436e-04f;
    private static final float A5 = 1.48572235717979e-05f;
    private static final float A7 = 5.12229709037114e-08f;
    private static final float A9 = -8.60467152213735e-11f;
    private static final float A11 = 2.00018790482477e-13f;
    private static final float A13 = -2.76076847742355e-16f;
    private static final float B0 = 4.89352518554385e-03f;
    private static final float B2 = 2.26843463243900e-03f;
    private static final float B4 = 1.18534705686654e-04f;
    private static final float B6 = 1.19825839466702e-06f;

    private FloatActivations() {
    }

    /**
     * Hyperbolic tangent of one value (see the class documentation for the accuracy).
     *
     * @param v the argument
     * @return {@code tanh(v)} within 4.9 ulp
     */
    public static float tanh(float v) {
        float x = Math.max(-CLAMP, Math.min(CLAMP, v));
        float x2 = x * x;
        float p = Math.fma(x2, A13, A11);
        p = Math.fma(x2, p, A9);
        p = Math.fma(x2, p, A7);
        p = Math.fma(x2, p, A5);
        p = Math.fma(x2, p, A3);
        p = Math.fma(x2, p, A1);
        p = x * p;
        float q = Math.fma(x2, B6, B4);
        q = Math.fma(x2, q, B2);
        q = Math.fma(x2, q, B0);
        return p / q;
    }

    /**
     * Logistic sigmoid of one value, {@code 1/2 + tanh(v/2)/2}.
     *
     * @param v the argument
     * @return {@code 1 / (1 + exp(−v))} within 1.7·10⁻⁷
     */
    public static float sigmoid(float v) {
        return Math.fma(0.5f, tanh(0.5f * v), 0.5f);
    }

    /**
     * {@code a[i] = tanh(a[i])} for {@code i} in {@code [from, to)}.
     *
     * @param a    the values; modified in that range
     * @param from first index
     * @param to   end index (exclusive)
     */
    public static void tanh(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = tanh(a[i]);
        }
    }

    /**
     * {@code y[i] = tanh(x[i])} for {@code i} in {@code [from, to)}.
     *
     * @param x    the arguments; not modified (unless it is {@code y})
     * @param y    the results; overwritten in that range (may be {@code x})
     * @param from first index
     * @param to   end index (exclusive)
     */
    public static void tanh(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = tanh(x[i]);
        }
    }

    /**
     * {@code a[i] = sigmoid(a[i])} for {@code i} in {@code [from, to)}.
     *
     * @param a    the values; modified in that range
     * @param from first index
     * @param to   end index (exclusive)
     */
    public static void sigmoid(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = sigmoid(a[i]);
        }
    }
}
