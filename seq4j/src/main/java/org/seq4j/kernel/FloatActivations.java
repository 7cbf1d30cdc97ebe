package org.seq4j.kernel;

/**
 * The activation kernels of seq4j, and its one home of the logistic sigmoid σ(x) = 1/(1 + e<sup>−x</sup>),
 * in the forms its callers rely on:
 * <ul>
 *   <li>{@link #tanh(float)} and {@link #sigmoid(float)}: fast float32 approximations for the gate
 *       arithmetic of recurrent cells (below);</li>
 *   <li>{@link #sigmoidExact(float)}: σ rounded to float from a double computation
 *       ({@link org.seq4j.tensor.Tensors#sigmoid(float)});</li>
 *   <li>{@link #sigmoidDouble(double)}: σ in double by the textbook formula (word2vec's exact sigmoid
 *       and its double-precision reference output layers);</li>
 *   <li>{@link #word2vecSigmoid(float)}: the 1000-entry table of {@code word2vec.c}, a semantic choice
 *       of word2vec training (its results follow the table), not an approximation to improve.</li>
 * </ul>
 * and {@link #expOfNonPositive(float)}, the exponential of a softmax's shifted logits, with
 * {@link #softmaxExponentials}, a whole softmax row of them (vectorised with the Vector API when the JVM has
 * it, the same floats bit for bit) and their sum.
 *
 * <h2>The fast tanh and sigmoid</h2>
 * For the gate arithmetic of recurrent cells: the array methods run them with the Vector API when the
 * JVM has it (about 0.25 ns per element with AVX-512, four vectors per step), else in loops that HotSpot
 * C2 vectorises (about 0.5 ns per element), against 30 ns for {@link Math#tanh} and 5 ns for a sigmoid
 * through {@link Math#exp}; both compute the same floats.
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
 * references are {@link #sigmoidExact(float)} and {@link Math#tanh}; {@code FloatActivationsTest}
 * checks the bounds. NaN stays NaN, ±0 stays ±0 under {@code tanh}, and ±∞ gives
 * {@code ±(1 − 2.4·10⁻⁷)}.
 *
 * <p>The array methods compute element {@code i} from element {@code i} of the same or another array
 * (one index expression per loop), the form in which C2 turns the loop into vector instructions.
 *
 * <h2>When the Vector API kernels run</h2>
 * The array methods ({@link #tanh(float[], float[], int, int)}, {@link #sigmoid(float[], int, int)},
 * {@link #max}, {@link #argmax}, {@link #softmaxExponentials}) use the Vector API kernels for rows of
 * {@value #VECTOR_MIN} values or more once those are loaded and warmed up, which {@link Gemm}'s warm-up
 * does alongside its own kernels (see "When the Vector API kernels are warmed up" there): after a run
 * has done a few seconds of work, or at once through {@link Gemm#awaitVectorKernels()}.
 * Before that, and without the module, they run their loops. Either way the results are the same.
 */
public final class FloatActivations {

    /** Scores beyond ±WORD2VEC_MAX_EXP are saturated for word2vec.c (its table covers the inside). */
    public static final int WORD2VEC_MAX_EXP = 6;
    private static final int WORD2VEC_TABLE_SIZE = 1000;
    // word2vec.c computes EXP_TABLE_SIZE / MAX_EXP / 2 in integer arithmetic: 83, not 83.33.
    private static final float WORD2VEC_TABLE_SCALE = WORD2VEC_TABLE_SIZE / WORD2VEC_MAX_EXP / 2;
    private static final float[] WORD2VEC_TABLE = new float[WORD2VEC_TABLE_SIZE];

    static {
        for (int i = 0; i < WORD2VEC_TABLE_SIZE; i++) {
            double e = Math.exp((i / (double) WORD2VEC_TABLE_SIZE * 2 - 1) * WORD2VEC_MAX_EXP);
            WORD2VEC_TABLE[i] = (float) (e / (e + 1));
        }
    }

    /** Beyond ±CLAMP the rational function has reached ±1 in float32. */
    static final float CLAMP = 7.90531110763549805f;

    // Numerator x·(A1 + A3·x² + ... + A13·x¹²) and denominator B0 + B2·x² + B4·x⁴ + B6·x⁶.
    // (package-private: VectorElementwiseKernels computes with the same constants)
    static final float A1 = 4.89352455891786e-03f;
    static final float A3 = 6.37261928875436e-04f;
    static final float A5 = 1.48572235717979e-05f;
    static final float A7 = 5.12229709037114e-08f;
    static final float A9 = -8.60467152213735e-11f;
    static final float A11 = 2.00018790482477e-13f;
    static final float A13 = -2.76076847742355e-16f;
    static final float B0 = 4.89352518554385e-03f;
    static final float B2 = 2.26843463243900e-03f;
    static final float B4 = 1.18534705686654e-04f;
    static final float B6 = 1.19825839466702e-06f;

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
        tanh(a, a, from, to);
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
        ElementwiseKernels v = vector;
        if (v != null && to - from >= VECTOR_MIN) {
            v.tanh(x, from, y, from, to - from);
            return;
        }
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
        ElementwiseKernels v = vector;
        if (v != null && to - from >= VECTOR_MIN) {
            v.sigmoid(a, from, a, from, to - from);
            return;
        }
        for (int i = from; i < to; i++) {
            a[i] = sigmoid(a[i]);
        }
    }

    // Cephes expf: e^x = 2^k · e^r with k = round(x·log2 e), r = x − k·ln 2 (ln 2 in two parts), e^r by a
    // polynomial of degree 7 on [−ln2/2, ln2/2].
    // (package-private: VectorElementwiseKernels computes with the same constants)
    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HIGH = 0.693359375f;
    static final float LN2_LOW = -2.12194440e-4f;
    static final float EXP_MIN = -87f;
    static final float EXP_P0 = 1.9875691500e-4f;
    static final float EXP_P1 = 1.3981999507e-3f;
    static final float EXP_P2 = 8.3334519073e-3f;
    static final float EXP_P3 = 4.1665795894e-2f;
    static final float EXP_P4 = 1.6666665459e-1f;
    static final float EXP_P5 = 5.0000001201e-1f;

    /**
     * The vectorised kernels once loaded and warmed up, else null: {@link Gemm}'s warm-up loads them
     * alongside its own ({@link #useVectorKernels}). Until HotSpot's C2 has compiled them every vector
     * operation allocates an object and runs many times slower than the loops, so a short run keeps the
     * loops, which compute the same floats.
     */
    private static volatile ElementwiseKernels vector;

    /** Shortest row for the vectorised kernels: below it a row takes a few nanoseconds either way. */
    static final int VECTOR_MIN = 64;

    /** The vectorised kernels if they are loaded and warmed up, else null (for the tests). */
    static ElementwiseKernels vectorKernels() {
        return vector;
    }

    /** From now on the array methods use these warmed-up kernels, or their loops for null ({@link Gemm}). */
    static void useVectorKernels(ElementwiseKernels kernels) {
        vector = kernels;
    }

    /**
     * The exponential of a value that is at most 0, as a softmax needs for its logits minus their maximum:
     * Cephes' {@code expf} (range reduction to {@code e^r·2^k}, a polynomial for {@code e^r}), within
     * 1.2·10⁻⁷ relative error of {@link Math#exp} on {@code [−87, 0]} and about twice as fast. Arguments
     * below −87 are taken as −87 (the result, about 1.6·10⁻³⁸, is then an upper bound of the true value);
     * NaN gives NaN.
     *
     * @param x the argument, at most 0
     * @return {@code e^x}
     */
    public static float expOfNonPositive(float x) {
        float v = Math.max(x, EXP_MIN);
        int k = (int) (v * LOG2E - 0.5f);                   // round to nearest (v ≤ 0)
        float r = v - k * LN2_HIGH;
        r = r - k * LN2_LOW;
        float p = EXP_P0;
        p = Math.fma(p, r, EXP_P1);
        p = Math.fma(p, r, EXP_P2);
        p = Math.fma(p, r, EXP_P3);
        p = Math.fma(p, r, EXP_P4);
        p = Math.fma(p, r, EXP_P5);
        p = Math.fma(p * r, r, r) + 1f;
        return p * Float.intBitsToFloat((k + 127) << 23);
    }

    /**
     * The exponential of a value that is at most 0, for a softmax: {@link #expOfNonPositive} on
     * {@code [−87, 0]}, {@code Math.exp} rounded to float below (where the result is below about
     * 1.6·10⁻³⁸ and underflows to subnormals and to 0 as in float arithmetic, instead of being clamped).
     *
     * @param x the argument, at most 0
     * @return {@code e^x}
     */
    public static float expForSoftmax(float x) {
        return x >= EXP_MIN ? expOfNonPositive(x) : (float) Math.exp(x);
    }

    /**
     * The largest of {@code n} values, by the rules of {@link Math#max(float, float)} (NaN if any value is
     * NaN, {@code +0} above {@code −0}): the shift of a softmax row. With the Vector API (16 or 8 lanes)
     * for rows of 64 values or more; a maximum is exact, so the result does not depend on which ran.
     *
     * @param x   the values; not modified
     * @param off index of the first value
     * @param n   the number of values, ≥ 1
     * @return the maximum
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static float max(float[] x, int off, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the maximum needs at least one value but n was " + n);
        }
        ElementwiseKernels v = vector;
        if (v != null && n >= VECTOR_MIN) {
            return v.max(x, off, n);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        return max;
    }

    /**
     * The index of the first largest of {@code n} values (a greedy decoder's choice): the {@code i} that
     * this loop returns,
     * <pre>
     *   best = 0
     *   for i in 1 .. n−1:  if x[off + i] &gt; x[off + best]:  best = i
     * </pre>
     * so ties go to the first, NaNs are passed over (unless the first value is NaN: then 0) and {@code −0}
     * and {@code +0} tie. With the Vector API (16 or 8 lanes) for rows of 64 values or more, with the
     * same result.
     *
     * @param x   the values; not modified
     * @param off index of the first value
     * @param n   the number of values, ≥ 1
     * @return the index relative to {@code off}, in {@code [0, n)}
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static int argmax(float[] x, int off, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the argmax needs at least one value but n was " + n);
        }
        ElementwiseKernels v = vector;
        if (v != null && n >= VECTOR_MIN) {
            return v.argmax(x, off, n);
        }
        return argmaxLoop(x, off, n);
    }

    /** The loop of {@link #argmax}, for n ≥ 1 (package-private: the vector kernel's fallback). */
    static int argmaxLoop(float[] x, int off, int n) {
        int best = 0;
        float bestValue = x[off];
        for (int i = 1; i < n; i++) {
            if (x[off + i] > bestValue) {
                bestValue = x[off + i];
                best = i;
            }
        }
        return best;
    }

    /**
     * The exponentials of a softmax row and their sum:
     * <pre>
     *   y[yOff + i] = expForSoftmax(x[xOff + i] − max)      i &lt; n
     *   returns     Σ_i y[yOff + i]                         in double: four partial sums over i mod 4,
     *                                                       added as (s0 + s1) + (s2 + s3)
     * </pre>
     * The exponentials are those of {@link #expForSoftmax(float)} bit for bit, computed with the Vector API
     * when the JVM has it (16 or 8 at a time); the sum is plain Java either way, so the result does not
     * depend on which ran.
     *
     * @param x    the row's values; not modified (unless it is {@code y})
     * @param xOff index of the first value
     * @param max  the row's maximum (any value ≥ it keeps the arguments ≤ 0)
     * @param y    the exponentials; written in {@code [yOff, yOff + n)} (may be {@code x} with
     *             {@code yOff == xOff})
     * @param yOff index of the first exponential
     * @param n    the row's length, ≥ 0
     * @return the sum of the exponentials
     */
    public static double softmaxExponentials(float[] x, int xOff, float max, float[] y, int yOff, int n) {
        ElementwiseKernels v = vector;
        if (v != null && n >= VECTOR_MIN) {
            v.expForSoftmax(x, xOff, max, y, yOff, n);
        } else {
            for (int i = 0; i < n; i++) {
                y[yOff + i] = expForSoftmax(x[xOff + i] - max);
            }
        }
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += y[yOff + i];
            s1 += y[yOff + i + 1];
            s2 += y[yOff + i + 2];
            s3 += y[yOff + i + 3];
        }
        for (; i < n; i++) {
            s0 += y[yOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The sum that {@link #softmaxExponentials} returns, the same double bit for bit, without writing the
     * exponentials anywhere (for a row that is overwritten in place only after its sum is known); each
     * exponential is computed by the scalar {@link #expForSoftmax(float)}.
     *
     * @param x    the row's values; not modified
     * @param xOff index of the first value
     * @param max  the row's maximum
     * @param n    the row's length, ≥ 0
     * @return {@code Σ_i expForSoftmax(x[xOff + i] − max)}, in the partial sums of {@link #softmaxExponentials}
     */
    public static double softmaxExponentialSum(float[] x, int xOff, float max, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += expForSoftmax(x[xOff + i] - max);
            s1 += expForSoftmax(x[xOff + i + 1] - max);
            s2 += expForSoftmax(x[xOff + i + 2] - max);
            s3 += expForSoftmax(x[xOff + i + 3] - max);
        }
        for (; i < n; i++) {
            s0 += expForSoftmax(x[xOff + i] - max);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Logistic sigmoid of one value, exact to float rounding and stable for large {@code |x|}: computed in
     * double as {@code 1/(1 + e^−x)} for {@code x ≥ 0} and {@code e^x/(1 + e^x)} below, then rounded.
     *
     * @param x the argument
     * @return {@code 1 / (1 + exp(−x))} in float; 0 and 1 at the infinities
     */
    public static float sigmoidExact(float x) {
        if (x >= 0f) {
            return (float) sigmoidDouble(x);
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    /**
     * Logistic sigmoid in double by the textbook formula {@code 1/(1 + e^−x)}; safe for every {@code x}
     * (for {@code x} below about −709, {@code e^−x} is infinite and the result 0).
     *
     * @param x the argument
     * @return {@code 1 / (1 + exp(−x))}
     */
    public static double sigmoidDouble(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /**
     * Logistic sigmoid as {@code word2vec.c} reads it from its table of 1000 values over
     * {@code [−MAX_EXP, MAX_EXP)}, {@code MAX_EXP} = {@value #WORD2VEC_MAX_EXP}:
     * <pre>
     *   table[i] = σ((i / 1000 · 2 − 1) · 6)
     *   σ(f)    ≈ table[(int) ((f + 6) · 83)]       (83 = 1000 / 6 / 2 in integer arithmetic, as in C)
     * </pre>
     * Word2vec treats {@code |f| ≥ MAX_EXP} separately (saturated); within {@code (−MAX_EXP, MAX_EXP)} the
     * table is within 0.01 of σ.
     *
     * @param f the score, strictly inside {@code (−WORD2VEC_MAX_EXP, WORD2VEC_MAX_EXP)}
     * @return the table's σ(f)
     */
    public static float word2vecSigmoid(float f) {
        return WORD2VEC_TABLE[(int) ((f + WORD2VEC_MAX_EXP) * WORD2VEC_TABLE_SCALE)];
    }
}
