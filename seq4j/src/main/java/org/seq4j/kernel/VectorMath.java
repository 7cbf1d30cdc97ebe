package org.seq4j.kernel;

/**
 * Vector kernels on float arrays: dot products and {@code y += a·x}, on rows of length {@code n}; the
 * inner loops of word2vec training and of the word-vector queries.
 *
 * <p>Word2vec's training tables are arrays of rows ({@code float[V][E]}), so the row forms run on whole
 * arrays from index 0: HotSpot (JDK 17) vectorises such loops, but not loops whose two arrays are indexed
 * with different offsets, which makes the row form about four times faster than rows of one flat array.
 * The offset forms serve the queries of {@code embed.WordVectors}, which keep one contiguous table. The
 * naive forms are the obvious loops, kept as test oracles. No argument is checked here (these are
 * kernels).
 */
public final class VectorMath {

    private VectorMath() {
    }

    /**
     * The dot product of two rows, summed in one float chain from index 0.
     *
     * @param a the first row; not modified
     * @param b the second row; not modified
     * @param n the number of elements
     * @return {@code Σ_i a[i]·b[i]} for {@code i < n}
     */
    public static float dot(float[] a, float[] b, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * Two dot products with one vector: {@code out[outOff] = a·b}, {@code out[outOff + 1] = a·c} over
     * {@code n} elements, reading {@code a} once; each sum in the same order as
     * {@link #dot(float[], float[], int)}, so the results are identical to two calls of it.
     *
     * @param a      the shared row; not modified
     * @param b      the first other row; not modified
     * @param c      the second other row; not modified
     * @param n      the number of elements
     * @param out    receives the two products; only {@code out[outOff, outOff + 2)} is written
     * @param outOff where the products go
     */
    public static void dot2(float[] a, float[] b, float[] c, int n, float[] out, int outOff) {
        float s = 0f;
        float t = 0f;
        for (int i = 0; i < n; i++) {
            float x = a[i];
            s += x * b[i];
            t += x * c[i];
        }
        out[outOff] = s;
        out[outOff + 1] = t;
    }

    /**
     * Three dot products with one vector, as {@link #dot2}.
     *
     * @param a      the shared row; not modified
     * @param b      the first other row; not modified
     * @param c      the second other row; not modified
     * @param d      the third other row; not modified
     * @param n      the number of elements
     * @param out    receives the three products; only {@code out[outOff, outOff + 3)} is written
     * @param outOff where the products go
     */
    public static void dot3(float[] a, float[] b, float[] c, float[] d, int n, float[] out, int outOff) {
        float s = 0f;
        float t = 0f;
        float u = 0f;
        for (int i = 0; i < n; i++) {
            float x = a[i];
            s += x * b[i];
            t += x * c[i];
            u += x * d[i];
        }
        out[outOff] = s;
        out[outOff + 1] = t;
        out[outOff + 2] = u;
    }

    /**
     * The two updates of an output row in one pass: {@code acc += g·u}, then {@code u += g·h}, element by
     * element, with {@code acc} reading {@code u} before its update; identical to the two
     * {@link #axpy(float, float[], float[], int)} calls.
     *
     * @param g   the scale
     * @param u   the row; modified
     * @param h   the vector added to it; not modified
     * @param acc accumulates {@code g·u}; modified
     * @param n   the number of elements
     */
    public static void axpyBoth(float g, float[] u, float[] h, float[] acc, int n) {
        for (int i = 0; i < n; i++) {
            float ui = u[i];
            acc[i] += g * ui;
            u[i] = ui + g * h[i];
        }
    }

    /**
     * {@code Σ_i a[i]²} for {@code i < n}, each square and the sum in double: the squared L2 norm of a row
     * of gradients, say. Four independent partial sums (elements {@code i ≡ 0, 1, 2, 3 mod 4}), added as
     * {@code (s0 + s1) + (s2 + s3)}: one chain of dependent double additions would cost an addition's
     * latency per element. Squares of floats cannot overflow a double, so the sum is infinite or NaN only
     * when an element is.
     *
     * @param a the row; not modified
     * @param n the number of elements
     * @return the sum of squares
     */
    public static double sumOfSquares(float[] a, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            double x0 = a[i], x1 = a[i + 1], x2 = a[i + 2], x3 = a[i + 3];
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
        }
        for (; i < n; i++) {
            double x = a[i];
            s0 += x * x;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The index of the first NaN or ±Infinity among {@code a[0..n)}, or -1 when every element is finite: the
     * per-step check of every parameter or gradient (about 0.3 ns per element: C2 vectorises neither this
     * loop nor any branch-free form of it, and a Vector API form, though ten times faster, compiled on
     * JDK 17 now and then into code that allocated a vector per call).
     *
     * @param a the row; not modified
     * @param n the number of elements
     * @return the first index {@code i < n} with {@code a[i]} not finite, or -1
     */
    public static int firstNonFinite(float[] a, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(a[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code y[i] += x[i]; x[i] = 0} for {@code i < n}: applies an accumulated error and clears it.
     *
     * @param x the error; cleared
     * @param y the row it is added to; modified
     * @param n the number of elements
     */
    public static void addAndClear(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += x[i];
            x[i] = 0f;
        }
    }

    /**
     * {@code y[i] += alpha·x[i]} for {@code i < n}.
     *
     * @param alpha the scale
     * @param x     the row added; not modified
     * @param y     the row added to; modified
     * @param n     the number of elements
     */
    public static void axpy(float alpha, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += alpha * x[i];
        }
    }

    /**
     * The dot product of two vectors inside larger arrays, with four partial sums.
     *
     * @param a    the first array; not modified
     * @param aOff where the first vector starts
     * @param b    the second array; not modified
     * @param bOff where the second vector starts
     * @param n    the number of elements
     * @return {@code Σ_i a[aOff+i]·b[bOff+i]} for {@code i < n}
     */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[aOff + i] * b[bOff + i];
            s1 += a[aOff + i + 1] * b[bOff + i + 1];
            s2 += a[aOff + i + 2] * b[bOff + i + 2];
            s3 += a[aOff + i + 3] * b[bOff + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[aOff + i] * b[bOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * {@code y[yOff+i] += alpha·x[xOff+i]} for {@code i < n}.
     *
     * @param alpha the scale
     * @param x     the array of the vector added; not modified
     * @param xOff  where that vector starts
     * @param y     the array of the vector added to; modified in {@code [yOff, yOff + n)}
     * @param yOff  where that vector starts
     * @param n     the number of elements
     */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /**
     * Reference for the dot products: one running sum, in double.
     *
     * @param a    the first array; not modified
     * @param aOff where the first vector starts
     * @param b    the second array; not modified
     * @param bOff where the second vector starts
     * @param n    the number of elements
     * @return {@code Σ_i a[aOff+i]·b[bOff+i]} for {@code i < n}, in double
     */
    public static double dotNaive(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /**
     * Reference for the axpys: element by element, as written.
     *
     * @param alpha the scale
     * @param x     the array of the vector added; not modified
     * @param xOff  where that vector starts
     * @param y     the array of the vector added to; modified in {@code [yOff, yOff + n)}
     * @param yOff  where that vector starts
     * @param n     the number of elements
     */
    public static void axpyNaive(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = y[yOff + i] + alpha * x[xOff + i];
        }
    }
}
