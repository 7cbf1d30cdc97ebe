package org.seq4j.tensor;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;

/**
 * A {@code (K, N)} matrix {@code M} held as {@code K} separate row arrays, for products of single rows
 * with it, the matrix-vector products of batch-1 steps (generation, training with one sequence):
 *
 * <pre>
 *   y (1, N) (+)= x (1, K) · M              y(j) = fma chain over p = 0 .. K-1 of x(p)·M(p, j)
 * </pre>
 *
 * <p>Each {@code y(j)} is the same chain of fused multiply-adds, in ascending {@code p}, starting from
 * {@code y(j)} or from zero, that {@link Gemm#sgemm} computes: the result equals Gemm's bit for bit.
 * The form is an axpy per row of {@code M} ({@code y += x(p)·M(p, :)}), four rows at a time. With every
 * row its own array and the output in a scratch row, each array in the loop is indexed at the same
 * position, which lets HotSpot C2 vectorise it (about 25–30 GFLOP/s on one AVX2 core, against 2–4 for a
 * dot-product loop over a row-major weight, whose float sum C2 does not vectorise).
 *
 * <p>The matrix is a copy: {@link #setTransposeOf} and {@link #setTo} refresh it from a weight. The
 * products read it only, so one matrix may serve several threads, each with its own scratch row.
 */
public final class RowArrayMatrix {

    private final int rows;
    private final int cols;
    /** rowArrays[p]: row p of M, N values. */
    private final float[][] rowArrays;

    /**
     * Creates a zero matrix.
     *
     * @param rows K, at least 1
     * @param cols N, at least 1
     * @throws IllegalArgumentException if a size is below 1
     */
    public RowArrayMatrix(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("rows and cols must be at least 1 but were " + rows + " and " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.rowArrays = new float[rows][cols];
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
        for (int p = 0; p < rows; p++) {
            System.arraycopy(w, wOff + p * cols, rowArrays[p], 0, cols);
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
     * @param scratch    at least N values; overwritten
     * @throws ArrayIndexOutOfBoundsException if an array is too short
     */
    public void multRow(float[] x, int xOff, boolean accumulate, float[] y, int yOff, float[] scratch) {
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
     * {@code s(j) += Σ_p x(p)·M(p, j)} for an output row at offset 0 (the loop C2 vectorises).
     *
     * @param x    K values at {@code xOff}; not modified
     * @param xOff index of x(0)
     * @param s    N values; accumulated into
     */
    public void multAddRow(float[] x, int xOff, float[] s) {
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
     * @return e.g. {@code RowArrayMatrix(128, 512)}
     */
    @Override
    public String toString() {
        return "RowArrayMatrix(" + rows + ", " + cols + ")";
    }
}
