package org.seq4j.kernel;

/**
 * A blocked path of {@link Gemm#sgemm} that replaces {@link GemmKernels#blocked} when present: the
 * explicitly vectorised kernels written with the JDK Vector API, loaded by {@link Simd#load} (the
 * implementation lives in the extra source root of Vector API code, so no class here names it).
 *
 * <p>An implementation computes each element of {@code C} with the arithmetic of
 * {@link GemmKernels}: one chain of fused multiply-adds over {@code p} in ascending order, from
 * {@code C} or +0; its results are identical bit for bit to the plain-Java kernels. It keeps its own
 * per-thread workspace and allocates nothing after a thread's first product.
 */
interface BlockedGemmKernels {

    /**
     * Computes rows {@code [rowFrom, rowTo)} and columns {@code [colFrom, colTo)} of {@code C}.
     * Arguments as in {@link Gemm#sgemm}, with {@code k > 0}; {@code C} is stored row-major as given.
     *
     * @param transA     use {@code Aᵀ}; {@code A} is then stored as {@code (k, m)}
     * @param transB     use {@code Bᵀ}; {@code B} is then stored as {@code (n, k)}
     * @param k          inner dimension, at least 1
     * @param a          data of {@code A}; not modified
     * @param aOff       offset of {@code A(0, 0)} in {@code a}
     * @param lda        leading dimension of {@code A} as stored
     * @param b          data of {@code B}; not modified
     * @param bOff       offset of {@code B(0, 0)} in {@code b}
     * @param ldb        leading dimension of {@code B} as stored
     * @param accumulate add into {@code C} instead of overwriting it
     * @param c          data of {@code C}; modified (only the given rows and columns)
     * @param cOff       offset of {@code C(0, 0)} in {@code c}
     * @param ldc        leading dimension of {@code C}
     * @param rowFrom    first row of {@code C} to compute
     * @param rowTo      end (exclusive) of the rows
     * @param colFrom    first column of {@code C} to compute
     * @param colTo      end (exclusive) of the columns
     */
    void blocked(boolean transA, boolean transB, int k,
                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                 boolean accumulate, float[] c, int cOff, int ldc,
                 int rowFrom, int rowTo, int colFrom, int colTo);

    /**
     * Returns the columns of the widest micro-kernel: a split of the columns between threads in
     * multiples of it leaves narrower strips only at the end of {@code C}.
     *
     * @return columns per unit, at least 1
     */
    int columnUnit();

    /**
     * Returns the rows of the largest micro-kernel, the unit of a split of the rows between threads.
     *
     * @return rows per unit, at least 1
     */
    int rowUnit();
}
