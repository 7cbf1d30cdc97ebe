package org.seq4j.kernel;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;

/**
 * A {@code (K, N)} matrix {@code M} laid out for products of single rows with it, the matrix-vector
 * products of batch-1 steps (generation, training with one sequence):
 *
 * <pre>
 *   y (1, N) (+)= x (1, K) · M              y(j) = fma chain over p = 0 .. K-1 of x(p)·M(p, j)
 * </pre>
 *
 * <p>Each {@code y(j)} is the same chain of fused multiply-adds, in ascending {@code p}, starting from
 * {@code y(j)} or from zero, that {@link Gemm#sgemm} computes: the result equals Gemm's bit for bit,
 * whichever of the two layouts below holds the matrix.
 *
 * <ul>
 *   <li>With the JDK's Vector API (see {@link Simd}), for matrices of at least 4,096 elements: one array
 *       packed in strips of columns
 *       ({@link RowKernels}: strip by strip, each strip row by row, in whole vectors), read from start
 *       to end in one sequential pass that keeps a strip of {@code y} in vector registers over all
 *       {@code K} rows (40–70 GFLOP/s on one core where the matrix fits in the core's cache, 1.3–1.7
 *       times the row arrays; 10–30 % faster where it streams from the shared cache).</li>
 *   <li>Otherwise: {@code K} separate row arrays, computed as an axpy per row of {@code M}
 *       ({@code y += x(p)·M(p, :)}), four rows at a time, into a scratch row. With every row its own
 *       array and the output at offset 0, each array in the loop is indexed at the same position, which
 *       lets HotSpot C2 vectorise it (about 25–35 GFLOP/s on one core, against 2–4 for a dot-product
 *       loop over a row-major weight, whose float sum C2 does not vectorise).</li>
 * </ul>
 *
 * <p>The matrix is a copy: {@link #setTransposeOf} and {@link #setTo} refresh it from a weight. The
 * products read it only, so one matrix may serve several threads, each with its own scratch row.
 */
public final class RowArrayMatrix {

    /** The vectorised kernels, or null: then every matrix holds row arrays. */
    private static final RowKernels VECTOR_KERNELS =
            Simd.load(RowKernels.class, "org.seq4j.kernel.VectorRowKernels").orElse(null);

    /**
     * Smallest K·N for which a matrix is packed for the vectorised kernels. Below it a product takes a
     * fraction of a microsecond either way, and the vectorised kernels run as vector instructions only
     * once HotSpot's C2 has compiled them: until then each vector operation allocates an object, and in
     * a busy JVM (many methods waiting for the compiler) that takes tens of thousands of products. The
     * row arrays' loop allocates nothing from the first product on.
     */
    static final int VECTOR_MIN_SIZE = 1 << 12;

    private final int rows;
    private final int cols;
    /** rowArrays[p]: row p of M, N values; null when the matrix is packed. */
    private final float[][] rowArrays;
    /** M in strips of W columns (see RowKernels), the last padded to whole vectors; or null. */
    private final float[] packed;
    /** W, the width of a full strip of packed; 0 for row arrays. */
    private final int strip;
    /** J, the first column of the last strip of packed (N if every strip is full); 0 for row arrays. */
    private final int lastStripFrom;

    /**
     * Creates a zero matrix.
     *
     * @param rows K, at least 1
     * @param cols N, at least 1
     * @throws IllegalArgumentException if a size is below 1
     */
    public RowArrayMatrix(int rows, int cols) {
        this(rows, cols, VECTOR_KERNELS != null && (long) rows * cols >= VECTOR_MIN_SIZE);
    }

    private RowArrayMatrix(int rows, int cols, boolean packedLayout) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("rows and cols must be at least 1 but were " + rows + " and " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        // packed only when VECTOR_KERNELS is there to compute with it
        this.rowArrays = packedLayout ? null : new float[rows][cols];
        if (packedLayout) {
            this.strip = VECTOR_KERNELS.stripWidth();
            this.lastStripFrom = VECTOR_KERNELS.lastStripFrom(cols);
            this.packed = new float[Math.multiplyExact(rows, lastStripFrom + lastStripStride())];
        } else {
            this.strip = 0;
            this.lastStripFrom = 0;
            this.packed = null;
        }
    }

    /** The packed width of the last strip: its columns rounded up to whole vectors (0 if there is none). */
    private int lastStripStride() {
        int lanes = VECTOR_KERNELS.lanes();
        return (cols - lastStripFrom + lanes - 1) / lanes * lanes;
    }

    /**
     * A zero matrix held as row arrays and computed with the plain-Java loop, even when the vectorised
     * kernels are present: the reference the tests compare them with.
     */
    static RowArrayMatrix withRowArrays(int rows, int cols) {
        return new RowArrayMatrix(rows, cols, false);
    }

    /**
     * A zero matrix packed in strips and computed with the vectorised kernels whatever its size (for
     * tests).
     *
     * @throws IllegalStateException if the vectorised kernels are not available
     */
    static RowArrayMatrix withPackedStrips(int rows, int cols) {
        if (VECTOR_KERNELS == null) {
            throw new IllegalStateException("the vectorised kernels are not available");
        }
        return new RowArrayMatrix(rows, cols, true);
    }

    /** Whether this matrix is packed in strips for the vectorised kernels. */
    boolean isPacked() {
        return packed != null;
    }

    /**
     * A new matrix holding the transpose of a weight: {@code M = Wᵀ}, so that {@code x·M = x·Wᵀ}, a
     * layer's forward product.
     *
     * @param w (N, K); not modified
     * @return the (K, N) matrix
     */
    public static RowArrayMatrix transposeOf(FMatrixRMaj w) {
        RowArrayMatrix m = new RowArrayMatrix(w.numCols, w.numRows);
        m.setTransposeOf(w.data, 0);
        return m;
    }

    /**
     * Rows K.
     *
     * @return K
     */
    public int rows() {
        return rows;
    }

    /**
     * Columns N.
     *
     * @return N
     */
    public int cols() {
        return cols;
    }

    /**
     * Sets {@code M = Wᵀ} for a row-major {@code (N, K)} matrix {@code W} stored at {@code wOff}.
     *
     * @param w    the data of W; not modified
     * @param wOff index of W(0, 0)
     * @throws ArrayIndexOutOfBoundsException if {@code w} is too short
     */
    public void setTransposeOf(float[] w, int wOff) {
        if (packed != null) {
            setPackedTransposeOf(w, wOff);
            return;
        }
        // eight stored rows at a time, read along p; each row array receives eight adjacent values
        // (column-wise access with a power-of-two stride thrashes the cache)
        int j = 0;
        for (; j + 7 < cols; j += 8) {
            int s0 = wOff + j * rows;
            for (int p = 0; p < rows; p++) {
                float[] row = rowArrays[p];
                row[j] = w[s0 + p];
                row[j + 1] = w[s0 + rows + p];
                row[j + 2] = w[s0 + 2 * rows + p];
                row[j + 3] = w[s0 + 3 * rows + p];
                row[j + 4] = w[s0 + 4 * rows + p];
                row[j + 5] = w[s0 + 5 * rows + p];
                row[j + 6] = w[s0 + 6 * rows + p];
                row[j + 7] = w[s0 + 7 * rows + p];
            }
        }
        for (; j < cols; j++) {
            int src = wOff + j * rows;
            for (int p = 0; p < rows; p++) {
                rowArrays[p][j] = w[src + p];
            }
        }
    }

    /**
     * Sets {@code M = W} for a row-major {@code (K, N)} matrix {@code W} stored at {@code wOff}.
     *
     * @param w    the data of W; not modified
     * @param wOff index of W(0, 0)
     * @throws ArrayIndexOutOfBoundsException if {@code w} is too short
     */
    public void setTo(float[] w, int wOff) {
        if (packed == null) {
            for (int p = 0; p < rows; p++) {
                System.arraycopy(w, wOff + p * cols, rowArrays[p], 0, cols);
            }
            return;
        }
        // see RowKernels for the layout
        for (int j0 = 0; j0 < lastStripFrom; j0 += strip) {
            for (int p = 0; p < rows; p++) {
                System.arraycopy(w, wOff + p * cols + j0, packed, j0 * rows + p * strip, strip);
            }
        }
        if (lastStripFrom < cols) {
            int stride = lastStripStride();
            int whole = lastStripWhole();
            int tailFrom = lastStripTailFrom();
            for (int p = 0, d = lastStripFrom * rows; p < rows; p++, d += stride) {
                System.arraycopy(w, wOff + p * cols + lastStripFrom, packed, d, whole);
                if (tailFrom >= 0) {
                    System.arraycopy(w, wOff + p * cols + tailFrom, packed, d + whole, cols - tailFrom);
                }
            }
        }
    }

    /** The columns of the last strip packed as whole vectors from its first column on. */
    private int lastStripWhole() {
        int width = cols - lastStripFrom;
        return width - width % VECTOR_KERNELS.lanes();
    }

    /**
     * The first column of the last strip's partial vector, packed after its whole vectors: N − L (the
     * vector ends at the row's end, overlapping the one before), or 0 if N &lt; L (the only vector,
     * padded with zero columns); −1 if the last strip ends with a whole vector.
     */
    private int lastStripTailFrom() {
        if (lastStripWhole() == cols - lastStripFrom) {
            return -1;
        }
        return Math.max(0, cols - VECTOR_KERNELS.lanes());
    }

    /** {@link #setTransposeOf} into the packed strips (see RowKernels for the layout). */
    private void setPackedTransposeOf(float[] w, int wOff) {
        for (int j0 = 0; j0 < lastStripFrom; j0 += strip) {
            transposeRowsInto(w, wOff, rows, j0, strip, packed, j0 * rows, strip);
        }
        if (lastStripFrom < cols) {
            int stride = lastStripStride();
            int whole = lastStripWhole();
            transposeRowsInto(w, wOff, rows, lastStripFrom, whole, packed, lastStripFrom * rows, stride);
            int tailFrom = lastStripTailFrom();
            if (tailFrom >= 0) {
                transposeRowsInto(w, wOff, rows, tailFrom, cols - tailFrom, packed, lastStripFrom * rows + whole,
                        stride);
            }
        }
    }

    /**
     * {@code y(0, j) (+)= Σ_p x(0, p)·M(p, j)} for one row.
     *
     * @param x          K values at {@code xOff}; not modified
     * @param xOff       index of x(0)
     * @param accumulate add into y instead of overwriting it
     * @param y          N values at {@code yOff}; written (may not overlap x)
     * @param yOff       index of y(0)
     * @param scratch    at least N values; may be overwritten (the row-array loop computes in it)
     * @throws IndexOutOfBoundsException if an array is too short
     */
    public void multRow(float[] x, int xOff, boolean accumulate, float[] y, int yOff, float[] scratch) {
        if (packed != null) {
            VECTOR_KERNELS.multRow(packed, rows, cols, x, xOff, accumulate, y, yOff);
            return;
        }
        float[] s = scratch;
        if (accumulate) {
            System.arraycopy(y, yOff, s, 0, cols);
        } else {
            Arrays.fill(s, 0, cols, 0f);
        }
        multAddRow(x, xOff, s);
        System.arraycopy(s, 0, y, yOff, cols);
    }

    /**
     * {@code s(j) += Σ_p x(p)·M(p, j)} for an output row at offset 0 (the form whose loop C2 vectorises
     * for row arrays).
     *
     * @param x    K values at {@code xOff}; not modified
     * @param xOff index of x(0)
     * @param s    N values; accumulated into
     * @throws IndexOutOfBoundsException if an array is too short
     */
    public void multAddRow(float[] x, int xOff, float[] s) {
        if (packed != null) {
            VECTOR_KERNELS.multRow(packed, rows, cols, x, xOff, true, s, 0);
            return;
        }
        int n = cols;
        int p = 0;
        for (; p + 3 < rows; p += 4) {
            float x0 = x[xOff + p];
            float x1 = x[xOff + p + 1];
            float x2 = x[xOff + p + 2];
            float x3 = x[xOff + p + 3];
            float[] r0 = rowArrays[p];
            float[] r1 = rowArrays[p + 1];
            float[] r2 = rowArrays[p + 2];
            float[] r3 = rowArrays[p + 3];
            for (int j = 0; j < n; j++) {
                s[j] = Math.fma(x3, r3[j], Math.fma(x2, r2[j], Math.fma(x1, r1[j], Math.fma(x0, r0[j], s[j]))));
            }
        }
        for (; p < rows; p++) {
            float x0 = x[xOff + p];
            float[] r0 = rowArrays[p];
            for (int j = 0; j < n; j++) {
                s[j] = Math.fma(x0, r0[j], s[j]);
            }
        }
    }

    /**
     * Describes the matrix.
     *
     * @return e.g. {@code RowArrayMatrix(128, 512, strips of 128)} or {@code RowArrayMatrix(128, 512, rows)}
     */
    /**
     * Copies rows {@code [rowFrom, rowFrom + count)} of a row-major {@code (N, K)} matrix {@code W} as
     * columns of its transpose: {@code dst[dOff + p·dStride + c] = W(rowFrom + c, p)} for
     * {@code p < K}, {@code c < count}. A raw-array kernel (no shape checks), for weight copies such as
     * {@code W_hhᵀ}; eight rows of {@code W} at a time are read along {@code p}, so that each
     * destination row receives eight adjacent values (a column-wise walk with a power-of-two stride
     * thrashes the cache).
     *
     * @param w       data of W; not modified
     * @param wOff    index of W(0, 0)
     * @param k       K, the columns of W
     * @param rowFrom first row of W to copy
     * @param count   rows of W to copy
     * @param dst     destination; written at the positions above only
     * @param dOff    index of the destination of W(rowFrom, 0)
     * @param dStride distance between destination rows (consecutive p)
     * @throws ArrayIndexOutOfBoundsException if an array is too short
     */
    public static void transposeRowsInto(float[] w, int wOff, int k, int rowFrom, int count,
                                         float[] dst, int dOff, int dStride) {
        int c = 0;
        for (; c + 7 < count; c += 8) {
            int s0 = wOff + (rowFrom + c) * k;
            for (int p = 0, d = dOff + c; p < k; p++, d += dStride) {
                dst[d] = w[s0 + p];
                dst[d + 1] = w[s0 + k + p];
                dst[d + 2] = w[s0 + 2 * k + p];
                dst[d + 3] = w[s0 + 3 * k + p];
                dst[d + 4] = w[s0 + 4 * k + p];
                dst[d + 5] = w[s0 + 5 * k + p];
                dst[d + 6] = w[s0 + 6 * k + p];
                dst[d + 7] = w[s0 + 7 * k + p];
            }
        }
        for (; c < count; c++) {
            int src = wOff + (rowFrom + c) * k;
            for (int p = 0, d = dOff + c; p < k; p++, d += dStride) {
                dst[d] = w[src + p];
            }
        }
    }

    @Override
    public String toString() {
        return "RowArrayMatrix(" + rows + ", " + cols + (packed != null ? ", strips of " + strip : ", rows") + ")";
    }
}
