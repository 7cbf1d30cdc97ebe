package org.seq4j.embed;

/**
 * The two vector kernels of word2vec training, on rows of flat {@code float[]} tables: a dot product and
 * {@code y += a·x}, both of length {@code E}.
 *
 * <p>{@link #dot} keeps four independent partial sums so that the floating-point additions of
 * consecutive elements do not wait on each other; {@link #axpy} is a plain loop that HotSpot
 * vectorises. {@link #dotNaive} and {@link #axpyNaive} are the obvious loops, kept as test oracles.
 * No argument is checked here (these are kernels).
 */
final class VectorMath {

    private VectorMath() {
    }

    /** Returns {@code Σ_i a[aOff+i]·b[bOff+i]} for {@code i < n}; reads only. */
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

    /** Reference for {@link #dot}: one running sum, in double. */
    static double dotNaive(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** Reference for {@link #axpy}: element by element, as written. */
    static void axpyNaive(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = y[yOff + i] + alpha * x[xOff + i];
        }
    }
}
