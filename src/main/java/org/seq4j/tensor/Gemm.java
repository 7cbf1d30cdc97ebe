package org.seq4j.tensor;

/**
 * Single-precision general matrix multiply on raw row-major arrays with offsets and leading dimensions,
 * in the manner of BLAS {@code sgemm} (with {@code alpha = 1} and {@code beta} either 0 or 1):
 *
 * <pre>
 *   C = op(A) · op(B)          (accumulate == false)
 *   C = C + op(A) · op(B)      (accumulate == true)
 *
 *   op(A): (m, k), op(B): (k, n), C: (m, n)
 *   op(X) = X  or  Xᵀ, chosen by transA / transB
 * </pre>
 *
 * <p>Element {@code (r, c)} of a matrix stored at {@code off} with leading dimension {@code ld} is
 * {@code data[off + r·ld + c]}. With {@code transA}, {@code A} is stored as a {@code (k, m)} matrix;
 * with {@code transB}, {@code B} is stored as {@code (n, k)}. The offset form lets a sequence layer
 * multiply the rows of one time step of a {@code (T·B, C)} matrix in place.
 *
 * <p>The loops are ordered so that the innermost loop runs along contiguous memory, which HotSpot
 * vectorises. {@link GemmReference} holds the naive triple loop that tests compare this against.
 * Arguments are not checked here (this is a kernel); {@link Tensors} checks shapes at its public entry points.
 */
public final class Gemm {

    private Gemm() {
    }

    /**
     * Computes {@code C (+)= op(A)·op(B)}.
     *
     * @param transA     use {@code Aᵀ}; {@code A} is then stored as {@code (k, m)}
     * @param transB     use {@code Bᵀ}; {@code B} is then stored as {@code (n, k)}
     * @param m          rows of {@code op(A)} and {@code C}
     * @param n          columns of {@code op(B)} and {@code C}
     * @param k          inner dimension
     * @param a          data of {@code A}; not modified
     * @param aOff       offset of {@code A(0, 0)} in {@code a}
     * @param lda        leading dimension (row stride) of {@code A} as stored
     * @param b          data of {@code B}; not modified
     * @param bOff       offset of {@code B(0, 0)} in {@code b}
     * @param ldb        leading dimension of {@code B} as stored
     * @param accumulate add into {@code C} instead of overwriting it
     * @param c          data of {@code C}; modified
     * @param cOff       offset of {@code C(0, 0)} in {@code c}
     * @param ldc        leading dimension of {@code C}
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             boolean accumulate, float[] c, int cOff, int ldc) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        if (!transA && !transB) {
            multNN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else if (!transA) {
            multNT(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else if (!transB) {
            multTN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else {
            multTT(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    // C(i, :) += A(i, p) · B(p, :): the inner loop is an axpy over a row of B and a row of C.
    private static void multNN(int m, int n, int k, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            int aRow = aOff + i * lda;
            for (int p = 0; p < k; p++) {
                float aip = a[aRow + p];
                if (aip == 0f) {
                    continue;
                }
                int bRow = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += aip * b[bRow + j];
                }
            }
        }
    }

    // C(i, j) += dot(A(i, :), B(j, :)): both rows contiguous; four partial sums break the dependency chain.
    private static void multNT(int m, int n, int k, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int aRow = aOff + i * lda;
            int cRow = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int bRow = bOff + j * ldb;
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                int p = 0;
                for (; p + 3 < k; p += 4) {
                    s0 += a[aRow + p] * b[bRow + p];
                    s1 += a[aRow + p + 1] * b[bRow + p + 1];
                    s2 += a[aRow + p + 2] * b[bRow + p + 2];
                    s3 += a[aRow + p + 3] * b[bRow + p + 3];
                }
                for (; p < k; p++) {
                    s0 += a[aRow + p] * b[bRow + p];
                }
                c[cRow + j] += (s0 + s1) + (s2 + s3);
            }
        }
    }

    // C(i, :) += A(p, i) · B(p, :): A is read down a column, B and C along rows.
    private static void multTN(int m, int n, int k, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int p = 0; p < k; p++) {
            int aRow = aOff + p * lda;
            int bRow = bOff + p * ldb;
            for (int i = 0; i < m; i++) {
                float api = a[aRow + i];
                if (api == 0f) {
                    continue;
                }
                int cRow = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] += api * b[bRow + j];
                }
            }
        }
    }

    // C(i, j) += Σ_p A(p, i) · B(j, p): rare in the models; plain loops.
    private static void multTT(int m, int n, int k, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int bRow = bOff + j * ldb;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + p * lda + i] * b[bRow + p];
                }
                c[cRow + j] += s;
            }
        }
    }
}
