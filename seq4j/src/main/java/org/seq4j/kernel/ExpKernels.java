package org.seq4j.kernel;

/**
 * The maximum and the exponentials of a softmax row with the JDK's Vector API ({@code VectorExpKernels},
 * loaded through {@link Simd}); without them {@link FloatActivations#max}, {@link FloatActivations#argmax} and
 * {@link FloatActivations#softmaxExponentials} run their own loops. Lanes are elements, never terms of a
 * sum, and every element goes through the operations of {@link FloatActivations#expForSoftmax(float)} in
 * the same order, so both give the same floats bit for bit; a maximum is exact in any order.
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

    /**
     * {@code max_i x[off + i]} for {@code i < n}, with {@link Math#max(float, float)}'s rules (NaN if any
     * value is NaN, {@code +0} above {@code −0}).
     *
     * @param x   the values; not modified
     * @param off index of the first value
     * @param n   the number of values, ≥ 1
     * @return the maximum
     */
    float max(float[] x, int off, int n);

    /**
     * The index {@code i < n} of the first largest value, as the loop of {@link FloatActivations#argmax}
     * finds it (values compared with {@code >}, so NaNs are passed over unless the first value is one).
     *
     * @param x   the values; not modified
     * @param off index of the first value
     * @param n   the number of values, ≥ 1
     * @return the index relative to {@code off}
     */
    int argmax(float[] x, int off, int n);
}
