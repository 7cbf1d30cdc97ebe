package org.seq4j.kernel;

/**
 * The exponentials of a softmax row with the JDK's Vector API ({@code VectorExpKernels}, loaded through
 * {@link Simd}); without them {@link FloatActivations#softmaxExponentials} runs its own loop. Lanes are
 * elements, never terms of a sum, and every element goes through the operations of
 * {@link FloatActivations#expForSoftmax(float)} in the same order, so both give the same floats bit for bit.
 */
interface ExpKernels {

    /**
     * {@code y[yOff + i] = FloatActivations.expForSoftmax(x[xOff + i] − shift)} for {@code i < n}.
     *
     * @param x     the values; not modified
     * @param xOff  index of the first value
     * @param shift subtracted from every value (a softmax row's maximum), so that each argument is ≤ 0
     * @param y     the exponentials; written in {@code [yOff, yOff + n)} (may be {@code x} with
     *              {@code yOff == xOff})
     * @param yOff  index of the first exponential
     * @param n     the number of values, ≥ 0
     */
    void expForSoftmax(float[] x, int xOff, float shift, float[] y, int yOff, int n);
}
