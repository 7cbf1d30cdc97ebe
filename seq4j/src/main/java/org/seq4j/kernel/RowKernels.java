package org.seq4j.kernel;

/**
 * Row products on a matrix packed in column strips, the layout {@link RowArrayMatrix} keeps when these
 * kernels are present. Implemented with the JDK's Vector API ({@code VectorRowKernels}, loaded through
 * {@link Simd}); without them {@link RowArrayMatrix} keeps one array per row and computes with its own
 * loop. Both compute every output element as the same chain of fused multiply-adds.
 *
 * <pre>
 *   M (K, N) in strips, strip after strip; within a strip, row after row:
 *     full strips of W = stripWidth() columns from column 0 up to J = lastStripFrom(N), and, if J &lt; N,
 *     the last strip, columns J .. N-1 (fewer than W, or fewer than W + L: a remainder narrower than
 *     a vector L = lanes() joins the strip before)
 *     the strip from column j0 starts at j0·K; its packed row p at j0·K + p·w, where w = W, or the
 *     last strip's width rounded up to whole vectors
 *     the last strip's packed row: columns J, J + 1, ... in whole vectors; then, if a partial vector
 *     is left, the last L columns of M, N−L .. N−1 (a vector ending at the row's end, overlapping the
 *     one before), or, if N &lt; L, the N columns followed by zeros
 *   y (1, N) (+)= x (1, K) · M         y(j) = fma chain over p = 0 .. K-1 of x(p)·M(p, j), from y(j) or +0
 * </pre>
 * The strips are read from start to end, once per product: the whole matrix is one sequential stream.
 */
interface RowKernels {

    /**
     * The width W of a full strip, a multiple of the vector length.
     *
     * @return W, at least 1
     */
    int stripWidth();

    /**
     * The vector length L, in floats: the last strip's width is rounded up to a multiple of it.
     *
     * @return L, at least 1, a divisor of {@link #stripWidth()}
     */
    int lanes();

    /**
     * The first column J of the last strip of a packed matrix of N columns (class documentation).
     *
     * @param cols N, at least 1
     * @return J, a multiple of {@link #stripWidth()}; N if every strip is full
     */
    int lastStripFrom(int cols);

    /**
     * {@code y(yOff + j) (+)= Σ_p x(xOff + p)·M(p, j)} for {@code j < cols}, on a packed matrix.
     *
     * @param packed     M in strips (class documentation); not modified
     * @param rows       K, at least 1
     * @param cols       N, at least 1
     * @param x          K values at {@code xOff}; not modified
     * @param xOff       index of x(0)
     * @param accumulate start each chain from y instead of +0
     * @param y          N values at {@code yOff}; written (may not overlap x)
     * @param yOff       index of y(0)
     */
    void multRow(float[] packed, int rows, int cols, float[] x, int xOff, boolean accumulate, float[] y, int yOff);
}
