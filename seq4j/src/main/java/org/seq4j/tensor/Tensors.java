package org.seq4j.tensor;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.FloatActivations;
import org.seq4j.kernel.Gemm;

/**
 * Static float32 operations on {@link FMatrixRMaj}, each writing into a caller-supplied output.
 *
 * <p>Shapes follow the convention of the {@link org.seq4j.tensor package}: a batch is {@code (B, C)},
 * a sequence batch {@code (T·B, C)}, a vector {@code (1, C)}. Methods ending in {@code Add} accumulate
 * into their output; the others overwrite it. Every method checks shapes first and throws
 * {@link IllegalArgumentException} naming the expected and the actual shape; element-wise methods allow
 * the output to be the same object as an input.
 */
public final class Tensors {

    private Tensors() {
    }

    // ----------------------------------------------------------------------------------------------
    // Shape checks

    /**
     * Formats the shape of a matrix as {@code (rows, cols)}.
     *
     * @param m a matrix; not modified
     * @return its shape, e.g. {@code "(8, 16)"}
     */
    public static String shape(FMatrixRMaj m) {
        return "(" + m.numRows + ", " + m.numCols + ")";
    }

    /**
     * Checks that a matrix has the expected shape.
     *
     * @param m    the matrix; not modified
     * @param rows expected row count
     * @param cols expected column count
     * @param name name used in the error message
     * @throws IllegalArgumentException if the shape differs, e.g.
     *                                  {@code "x must be (4, 32) but was (8, 16)"}
     */
    public static void checkShape(FMatrixRMaj m, int rows, int cols, String name) {
        if (m == null) {
            throw new IllegalArgumentException(name + " must be (" + rows + ", " + cols + ") but was null");
        }
        if (m.numRows != rows || m.numCols != cols) {
            throw new IllegalArgumentException(
                    name + " must be (" + rows + ", " + cols + ") but was " + shape(m));
        }
    }

    /**
     * Checks that two matrices have the same shape.
     *
     * @param a     first matrix; not modified
     * @param aName its name in the error message
     * @param b     second matrix; not modified
     * @param bName its name in the error message
     * @throws IllegalArgumentException if the shapes differ
     */
    public static void checkSameShape(FMatrixRMaj a, String aName, FMatrixRMaj b, String bName) {
        if (a.numRows != b.numRows || a.numCols != b.numCols) {
            throw new IllegalArgumentException(
                    bName + " must be " + shape(a) + " like " + aName + " but was " + shape(b));
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Matrix products

    /**
     * {@code c = a·b}.
     *
     * @param a (M, K); not modified
     * @param b (K, N); not modified
     * @param c (M, N); overwritten
     */
    public static void mult(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        product(false, false, a, b, false, c);
    }

    /**
     * {@code c += a·b}.
     *
     * @param a (M, K); not modified
     * @param b (K, N); not modified
     * @param c (M, N); accumulated into
     */
    public static void multAdd(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        product(false, false, a, b, true, c);
    }

    /**
     * {@code c = a·bᵀ}, the forward product of a layer: {@code y = x·Wᵀ}.
     *
     * @param a (M, K); not modified
     * @param b (N, K); not modified
     * @param c (M, N); overwritten
     */
    public static void multTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        product(false, true, a, b, false, c);
    }

    /**
     * {@code c += a·bᵀ}.
     *
     * @param a (M, K); not modified
     * @param b (N, K); not modified
     * @param c (M, N); accumulated into
     */
    public static void multAddTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        product(false, true, a, b, true, c);
    }

    /**
     * {@code c = aᵀ·b}, the weight gradient of a layer: {@code dW = dYᵀ·x}.
     *
     * @param a (K, M); not modified
     * @param b (K, N); not modified
     * @param c (M, N); overwritten
     */
    public static void multTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        product(true, false, a, b, false, c);
    }

    /**
     * {@code c += aᵀ·b}.
     *
     * @param a (K, M); not modified
     * @param b (K, N); not modified
     * @param c (M, N); accumulated into
     */
    public static void multAddTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        product(true, false, a, b, true, c);
    }

    private static void product(boolean transA, boolean transB, FMatrixRMaj a, FMatrixRMaj b,
                                boolean accumulate, FMatrixRMaj c) {
        int m = transA ? a.numCols : a.numRows;
        int k = transA ? a.numRows : a.numCols;
        int kb = transB ? b.numCols : b.numRows;
        int n = transB ? b.numRows : b.numCols;
        if (k != kb) {
            throw new IllegalArgumentException("inner dimensions differ: " + (transA ? "aᵀ" : "a") + " is ("
                    + m + ", " + k + ") but " + (transB ? "bᵀ" : "b") + " is (" + kb + ", " + n + ")");
        }
        checkShape(c, m, n, "c");
        if (c == a || c == b) {
            throw new IllegalArgumentException("c must not be the same matrix as a or b");
        }
        Gemm.sgemm(transA, transB, m, n, k, a.data, 0, a.numCols, b.data, 0, b.numCols,
                accumulate, c.data, 0, c.numCols);
    }

    // ----------------------------------------------------------------------------------------------
    // Bias broadcast and reductions

    /**
     * Adds a row vector to every row: {@code m(r, :) += v} (bias broadcast).
     *
     * @param m (N, C); modified
     * @param v (1, C); not modified
     */
    public static void addRowVector(FMatrixRMaj m, FMatrixRMaj v) {
        checkShape(v, 1, m.numCols, "v");
        int cols = m.numCols;
        float[] md = m.data;
        float[] vd = v.data;
        for (int r = 0; r < m.numRows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                md[row + c] += vd[c];
            }
        }
    }

    /**
     * Sums the rows into a row vector: {@code out(0, c) += Σ_r m(r, c)} (the gradient of a broadcast bias).
     *
     * @param m   (N, C); not modified
     * @param out (1, C); accumulated into
     */
    public static void sumRowsAdd(FMatrixRMaj m, FMatrixRMaj out) {
        checkShape(out, 1, m.numCols, "out");
        int cols = m.numCols;
        float[] md = m.data;
        float[] od = out.data;
        for (int r = 0; r < m.numRows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                od[c] += md[row + c];
            }
        }
    }

    /**
     * Element-wise sum {@code c = a + b}.
     *
     * @param a any shape; not modified
     * @param b same shape as {@code a}; not modified
     * @param c same shape as {@code a}; overwritten (may be {@code a} or {@code b})
     */
    public static void add(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        checkSameShape(a, "a", b, "b");
        checkSameShape(a, "a", c, "c");
        int n = a.getNumElements();
        for (int i = 0; i < n; i++) {
            c.data[i] = a.data[i] + b.data[i];
        }
    }

    /**
     * Element-wise accumulate {@code out += a}.
     *
     * @param a   any shape; not modified
     * @param out same shape as {@code a}; accumulated into
     */
    public static void addTo(FMatrixRMaj a, FMatrixRMaj out) {
        checkSameShape(a, "a", out, "out");
        int n = a.getNumElements();
        for (int i = 0; i < n; i++) {
            out.data[i] += a.data[i];
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Element-wise non-linearities and their derivatives (expressed through the output y)

    /**
     * Logistic sigmoid {@code y = 1 / (1 + exp(-x))}, stable for large {@code |x|}.
     *
     * @param x any shape; not modified
     * @param y same shape; overwritten (may be {@code x})
     */
    public static void sigmoid(FMatrixRMaj x, FMatrixRMaj y) {
        checkSameShape(x, "x", y, "y");
        int n = x.getNumElements();
        for (int i = 0; i < n; i++) {
            y.data[i] = sigmoid(x.data[i]);
        }
    }

    /**
     * Logistic sigmoid of one value, stable for large {@code |x|}.
     *
     * @param x the argument
     * @return {@code 1 / (1 + exp(-x))}
     */
    public static float sigmoid(float x) {
        return FloatActivations.sigmoidExact(x);
    }

    /**
     * Hyperbolic tangent {@code y = tanh(x)}.
     *
     * @param x any shape; not modified
     * @param y same shape; overwritten (may be {@code x})
     */
    public static void tanh(FMatrixRMaj x, FMatrixRMaj y) {
        checkSameShape(x, "x", y, "y");
        int n = x.getNumElements();
        for (int i = 0; i < n; i++) {
            y.data[i] = (float) Math.tanh(x.data[i]);
        }
    }

    /**
     * Rectifier {@code y = max(0, x)}.
     *
     * @param x any shape; not modified
     * @param y same shape; overwritten (may be {@code x})
     */
    public static void relu(FMatrixRMaj x, FMatrixRMaj y) {
        checkSameShape(x, "x", y, "y");
        int n = x.getNumElements();
        for (int i = 0; i < n; i++) {
            y.data[i] = Math.max(0f, x.data[i]);
        }
    }

    /**
     * Backward of {@link #sigmoid(FMatrixRMaj, FMatrixRMaj)}: {@code dx = dy ⊙ y ⊙ (1 − y)}.
     *
     * @param y  the forward output; not modified
     * @param dy gradient of the loss with respect to {@code y}; not modified
     * @param dx gradient with respect to {@code x}; overwritten (may be {@code dy})
     */
    public static void sigmoidBackward(FMatrixRMaj y, FMatrixRMaj dy, FMatrixRMaj dx) {
        checkSameShape(y, "y", dy, "dy");
        checkSameShape(y, "y", dx, "dx");
        int n = y.getNumElements();
        for (int i = 0; i < n; i++) {
            float yi = y.data[i];
            dx.data[i] = dy.data[i] * yi * (1f - yi);
        }
    }

    /**
     * Backward of {@link #tanh(FMatrixRMaj, FMatrixRMaj)}: {@code dx = dy ⊙ (1 − y²)}.
     *
     * @param y  the forward output; not modified
     * @param dy gradient with respect to {@code y}; not modified
     * @param dx gradient with respect to {@code x}; overwritten (may be {@code dy})
     */
    public static void tanhBackward(FMatrixRMaj y, FMatrixRMaj dy, FMatrixRMaj dx) {
        checkSameShape(y, "y", dy, "dy");
        checkSameShape(y, "y", dx, "dx");
        int n = y.getNumElements();
        for (int i = 0; i < n; i++) {
            float yi = y.data[i];
            dx.data[i] = dy.data[i] * (1f - yi * yi);
        }
    }

    /**
     * Backward of {@link #relu(FMatrixRMaj, FMatrixRMaj)}: {@code dx = dy} where {@code y > 0}, else 0
     * (PyTorch's convention: the derivative at 0 is 0).
     *
     * @param y  the forward output; not modified
     * @param dy gradient with respect to {@code y}; not modified
     * @param dx gradient with respect to {@code x}; overwritten (may be {@code dy})
     */
    public static void reluBackward(FMatrixRMaj y, FMatrixRMaj dy, FMatrixRMaj dx) {
        checkSameShape(y, "y", dy, "dy");
        checkSameShape(y, "y", dx, "dx");
        int n = y.getNumElements();
        for (int i = 0; i < n; i++) {
            dx.data[i] = y.data[i] > 0f ? dy.data[i] : 0f;
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Softmax

    /**
     * Row-wise softmax {@code y(r, j) = exp(x(r, j) − max_r) / Σ_k exp(x(r, k) − max_r)}; subtracting the
     * row maximum keeps it finite for any finite input. The exponentials are
     * {@link FloatActivations#softmaxExponentials} (each within 1.2·10⁻⁷ of {@code Math.exp}, vectorised
     * when the JVM has the Vector API), the sum in double.
     *
     * @param x (N, C); not modified
     * @param y (N, C); overwritten (may be {@code x})
     */
    public static void softmaxRows(FMatrixRMaj x, FMatrixRMaj y) {
        checkSameShape(x, "x", y, "y");
        int cols = x.numCols;
        for (int r = 0; r < x.numRows; r++) {
            int row = r * cols;
            float max = rowMax(x.data, row, cols);
            double sum = FloatActivations.softmaxExponentials(x.data, row, max, y.data, row, cols);
            float inv = (float) (1.0 / sum);
            for (int c = 0; c < cols; c++) {
                y.data[row + c] *= inv;
            }
        }
    }

    /**
     * Row-wise log-softmax {@code y(r, j) = (x(r, j) − max_r) − log Σ_k exp(x(r, k) − max_r)}, the
     * exponentials and their sum by {@link FloatActivations#softmaxExponentials} (written to {@code y}
     * first; in place, only summed, by {@link FloatActivations#softmaxExponentialSum}: the same values).
     *
     * @param x (N, C); not modified
     * @param y (N, C); overwritten (may be {@code x})
     */
    public static void logSoftmaxRows(FMatrixRMaj x, FMatrixRMaj y) {
        checkSameShape(x, "x", y, "y");
        int cols = x.numCols;
        boolean inPlace = x.data == y.data;
        for (int r = 0; r < x.numRows; r++) {
            int row = r * cols;
            float max = rowMax(x.data, row, cols);
            // the exponentials go to y first; in place, only their sum is taken (the same sum)
            double sum = inPlace ? FloatActivations.softmaxExponentialSum(x.data, row, max, cols)
                    : FloatActivations.softmaxExponentials(x.data, row, max, y.data, row, cols);
            // (x − max) − log Σ rather than x − (max + log Σ): the shift is exact for nearby values, so the
            // result is accurate relative to itself, not to the size of max.
            float logSum = (float) Math.log(sum);
            for (int c = 0; c < cols; c++) {
                y.data[row + c] = (x.data[row + c] - max) - logSum;
            }
        }
    }

    /**
     * Backward of {@link #softmaxRows(FMatrixRMaj, FMatrixRMaj)}, row by row:
     * <pre>
     *   dx(r, j) = y(r, j) · (dy(r, j) − Σ_k dy(r, k) · y(r, k))
     * </pre>
     *
     * @param y  the forward output (N, C); not modified
     * @param dy gradient with respect to {@code y}, (N, C); not modified
     * @param dx gradient with respect to {@code x}, (N, C); overwritten (may be {@code dy})
     */
    public static void softmaxRowsBackward(FMatrixRMaj y, FMatrixRMaj dy, FMatrixRMaj dx) {
        checkSameShape(y, "y", dy, "dy");
        checkSameShape(y, "y", dx, "dx");
        int cols = y.numCols;
        for (int r = 0; r < y.numRows; r++) {
            int row = r * cols;
            double dot = 0.0;
            for (int c = 0; c < cols; c++) {
                dot += (double) dy.data[row + c] * y.data[row + c];
            }
            for (int c = 0; c < cols; c++) {
                dx.data[row + c] = (float) (y.data[row + c] * (dy.data[row + c] - dot));
            }
        }
    }

    /**
     * Backward of {@link #logSoftmaxRows(FMatrixRMaj, FMatrixRMaj)}, row by row:
     * <pre>
     *   dx(r, j) = dy(r, j) − exp(y(r, j)) · Σ_k dy(r, k)
     * </pre>
     *
     * @param y  the forward output (log-probabilities) (N, C); not modified
     * @param dy gradient with respect to {@code y}, (N, C); not modified
     * @param dx gradient with respect to {@code x}, (N, C); overwritten (may be {@code dy})
     */
    public static void logSoftmaxRowsBackward(FMatrixRMaj y, FMatrixRMaj dy, FMatrixRMaj dx) {
        checkSameShape(y, "y", dy, "dy");
        checkSameShape(y, "y", dx, "dx");
        int cols = y.numCols;
        for (int r = 0; r < y.numRows; r++) {
            int row = r * cols;
            double sum = 0.0;
            for (int c = 0; c < cols; c++) {
                sum += dy.data[row + c];
            }
            for (int c = 0; c < cols; c++) {
                dx.data[row + c] = (float) (dy.data[row + c] - Math.exp(y.data[row + c]) * sum);
            }
        }
    }

    private static float rowMax(float[] data, int offset, int length) {
        return length == 0 ? Float.NEGATIVE_INFINITY : FloatActivations.max(data, offset, length);
    }

    // ----------------------------------------------------------------------------------------------
    // Gather / scatter (embedding lookups)

    /**
     * Copies rows of a table: {@code out(r, :) = table(indices[r], :)} (an embedding lookup).
     *
     * @param table   (V, E); not modified
     * @param indices N row indices, each in {@code [0, V)}; not modified
     * @param out     (N, E); overwritten
     * @throws IllegalArgumentException if a shape differs or an index is out of range
     */
    public static void gatherRows(FMatrixRMaj table, int[] indices, FMatrixRMaj out) {
        checkShape(out, indices.length, table.numCols, "out");
        int cols = table.numCols;
        for (int r = 0; r < indices.length; r++) {
            int index = checkIndex(indices, r, table.numRows);
            System.arraycopy(table.data, index * cols, out.data, r * cols, cols);
        }
    }

    /**
     * Adds rows into a table: {@code dTable(indices[r], :) += dOut(r, :)} (the gradient of
     * {@link #gatherRows}); repeated indices accumulate.
     *
     * @param dOut    (N, E); not modified
     * @param indices N row indices, each in {@code [0, V)}; not modified
     * @param dTable  (V, E); accumulated into
     * @throws IllegalArgumentException if a shape differs or an index is out of range
     */
    public static void scatterAddRows(FMatrixRMaj dOut, int[] indices, FMatrixRMaj dTable) {
        checkShape(dOut, indices.length, dTable.numCols, "dOut");
        int cols = dTable.numCols;
        for (int r = 0; r < indices.length; r++) {
            int row = checkIndex(indices, r, dTable.numRows) * cols;
            int src = r * cols;
            for (int c = 0; c < cols; c++) {
                dTable.data[row + c] += dOut.data[src + c];
            }
        }
    }

    private static int checkIndex(int[] indices, int position, int bound) {
        int index = indices[position];
        if (index < 0 || index >= bound) {
            throw new IllegalArgumentException(
                    "indices[" + position + "] must be in [0, " + bound + ") but was " + index);
        }
        return index;
    }
}
