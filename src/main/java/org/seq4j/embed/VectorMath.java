package org.seq4j.embed;

/**
 * The two vector kernels of word2vec training, a dot product and {@code y += a·x}, on rows of length
 * {@code E}.
 *
 * <p>The training tables are arrays of rows ({@code float[V][E]}), so the kernels run on whole arrays
 * from index 0: HotSpot (JDK 17) vectorises such loops, but not loops whose two arrays are indexed with
 * different offsets, which makes the row form about four times faster than rows of one flat array. The
 * offset forms serve the queries of {@link WordVectors}, which keep one contiguous table. The naive
 * forms are the obvious loops, kept as test oracles. No argument is checked here (these are kernels).
 */
final class VectorMath {

    private VectorMath() {
    }

    /** Returns {@code Σ_i a[i]·b[i]} for {@code i < n}; reads only. */
    static float dot(float[] a, float[] b, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * Two dot products with one vector: {@code out[outOff] = a·b}, {@code out[outOff + 1] = a·c} over
     * {@code n} elements, reading {@code a} once; each sum in the same order as
     * {@link #dot(float[], float[], int)}, so the results are identical to two calls of it. Writes
     * {@code out[outOff, outOff + 2)} only.
     */
    static void dot2(float[] a, float[] b, float[] c, int n, float[] out, int outOff) {
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

    /** Three dot products with one vector, as {@link #dot2}: writes {@code out[outOff, outOff + 3)} only. */
    static void dot3(float[] a, float[] b, float[] c, float[] d, int n, float[] out, int outOff) {
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
     * {@link #axpy(float, float[], float[], int)} calls. Modifies {@code acc} and {@code u}.
     */
    static void axpyBoth(float g, float[] u, float[] h, float[] acc, int n) {
        for (int i = 0; i < n; i++) {
            float ui = u[i];
            acc[i] += g * ui;
            u[i] = ui + g * h[i];
        }
    }

    /** {@code y[i] += x[i]; x[i] = 0} for {@code i < n}: applies an accumulated error and clears it. */
    static void addAndClear(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += x[i];
            x[i] = 0f;
        }
    }

    /** {@code y[i] += alpha·x[i]} for {@code i < n}; modifies {@code y} only. */
    static void axpy(float alpha, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** Returns {@code Σ_i a[aOff+i]·b[bOff+i]} for {@code i < n}, with four partial sums; reads only. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
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

    /** {@code y[yOff+i] += alpha·x[xOff+i]} for {@code i < n}; modifies {@code y} only. */
    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** Reference for the dot products: one running sum, in double. */
    static double dotNaive(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** Reference for the axpys: element by element, as written. */
    static void axpyNaive(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = y[yOff + i] + alpha * x[xOff + i];
        }
    }
}
