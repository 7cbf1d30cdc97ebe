package org.seq4j.kernel;

/**
 * The naive triple loop for {@link Gemm#sgemm}: the test oracle for every optimised product.
 * Sums are accumulated in double, so that it is at least as accurate as any kernel it checks.
 */
public final class GemmReference {

    private GemmReference() {
    }

    /**
     * Computes {@code C (+)= op(A)·op(B)} exactly as {@link Gemm#sgemm} specifies, by definition.
     *
     * @param transA     use {@code Aᵀ}; {@code A} is then stored as {@code (k, m)}
     * @param transB     use {@code Bᵀ}; {@code B} is then stored as {@code (n, k)}
     * @param m          rows of {@code op(A)} and {@code C}
     * @param n          columns of {@code op(B)} and {@code C}
     * @param k          inner dimension
     * @param a          data of {@code A}; not modified
     * @param aOff       offset of {@code A(0, 0)}
     * @param lda        leading dimension of {@code A} as stored
     * @param b          data of {@code B}; not modified
     * @param bOff       offset of {@code B(0, 0)}
     * @param ldb        leading dimension of {@code B} as stored
     * @param accumulate add into {@code C} instead of overwriting it
     * @param c          data of {@code C}; modified
     * @param cOff       offset of {@code C(0, 0)}
     * @param ldc        leading dimension of {@code C}
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             boolean accumulate, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? c[cOff + i * ldc + j] : 0.0;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += (double) aip * bpj;
                }
                c[cOff + i * ldc + j] = (float) sum;
            }
        }
    }
}
