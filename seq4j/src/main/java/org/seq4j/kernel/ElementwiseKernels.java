package org.seq4j.kernel;

/**
 * The element-wise kernels of {@link FloatActivations} with the JDK's Vector API
 * ({@code VectorElementwiseKernels}, loaded through {@link Simd}, warmed up as {@link FloatActivations}
 * describes): the fast tanh and sigmoid of whole rows, and the maximum and the exponentials of a softmax
 * row. Without them {@link FloatActivations#tanh(float[],
 * float[], int, int)}, {@link FloatActivations#sigmoid(float[], int, int)}, {@link FloatActivations#max},
 * {@link FloatActivations#argmax} and {@link FloatActivations#softmaxExponentials} run their own loops.
 * Lanes are elements, never terms of a sum, and every element goes through the operations of the scalar
 * function ({@link FloatActivations#tanh(float)}, {@link FloatActivations#sigmoid(float)},
 * {@link FloatActivations#expForSoftmax(float)}) in the same order, so both give the same floats bit for
 * bit; a maximum is exact in any order.
 */
interface ElementwiseKernels {

    /**
     * {@code y[yOff + i] = FloatActivations.tanh(x[xOff + i])} for {@code i < n}.
     *
     * @param x    the arguments; not modified (unless it is {@code y})
     * @param xOff index of the first argument
     * @param y    the results; written in {@code [yOff, yOff + n)} (may be {@code x} with {@code yOff == xOff})
     * @param yOff index of the first result
     * @param n    the number of values, ≥ 0
     */
    void tanh(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * {@code y[yOff + i] = FloatActivations.sigmoid(x[xOff + i])} for {@code i < n}.
     *
     * @param x    the arguments; not modified (unless it is {@code y})
     * @param xOff index of the first argument
     * @param y    the results; written in {@code [yOff, yOff + n)} (may be {@code x} with {@code yOff == xOff})
     * @param yOff index of the first result
     * @param n    the number of values, ≥ 0
     */
    void sigmoid(float[] x, int xOff, float[] y, int yOff, int n);

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
