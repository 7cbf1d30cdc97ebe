package org.seq4j.tensor;

import java.util.Arrays;

/**
 * The loops behind {@link Gemm#sgemm}: a blocked path (packing, register-tiled micro-kernels) for
 * products worth packing and a direct path (no packing) for tiny products and for {@code op(B) = Bᵀ}
 * with very few rows of {@code C}, such as the batch-1 matrix-vector products of generation.
 *
 * <h2>One arithmetic for every path</h2>
 * Every path computes each element of {@code C} as the same chain of fused multiply-adds,
 * <pre>
 *   s = accumulate ? C(i, j) : +0
 *   for p = 0 .. k-1:  s = fma(op(A)(i, p), op(B)(p, j), s)
 *   C(i, j) = s
 * </pre>
 * so the result does not depend on which path ran, on the block sizes, or on how the rows and columns
 * of {@code C} were split between threads: it is identical bit for bit.
 *
 * <h2>Blocked path</h2>
 * <pre>
 *   for each block of NT columns of C                      (jc)
 *     for each block of KC values of p                     (pc)
 *       pack op(B)(pc.., jc..) into the panel              (KC, NT), one array per row
 *       for each group of MR = 4 (or 3, 2, 1) rows of C     (i)
 *         pack op(A)(i.., pc..)                             (MR, KC), p-major
 *         copy C(i.., jc..) into the tile (or zero it)      (MR, NT)
 *         micro-kernel: tile += packedA · panel
 *         copy the tile back into C
 * </pre>
 * The micro-kernel keeps {@code 3·MR} values of {@code A} in registers and streams along the rows of
 * the tile: each step loads three panel rows once and updates {@code MR} tile rows with three fused
 * multiply-adds each, so a tile element is loaded and stored once per three values of {@code p}.
 *
 * <h2>Written for HotSpot's auto-vectoriser</h2>
 * C2 (Java 17 to 25) turns these loops into AVX2 / AVX-512 code only under conditions found by
 * measurement, which the code keeps to:
 * <ul>
 *   <li>every array in the loop is indexed as {@code x[constant + j]}: with two different
 *       loop-invariant offsets ({@code c[cRow + j] += a * b[bRow + j]}) C2 cannot rule out aliasing
 *       and leaves the loop scalar. Hence the tile (rows at constant offsets {@code r·NT}) and the
 *       panel as an array of row arrays;</li>
 *   <li>the loop body is small enough for C2's unrolling limit, or the trip count is the constant
 *       {@code NT}: the 4-row kernel runs over whole blocks of {@code NT} columns only, and narrower
 *       blocks use the 3-, 2- and 1-row kernels with a variable width;</li>
 *   <li>at most three values of {@code p} per step: with four, Java 17 leaves the loop scalar.</li>
 * </ul>
 */
final class GemmKernels {

    /** Columns of C per block; also the row stride of the tile and of the panel rows (a constant, see class doc). */
    static final int NT = 256;

    /** Depth (values of p) of one packed block. */
    static final int KC = 256;

    /** Rows of C handled by the largest micro-kernel. */
    static final int MR = 4;

    /** Products with at most this many multiply-adds ({@code m·n·k}) take the direct path. */
    static final long DIRECT_MAX_WORK = 4096;

    /** With {@code op(B) = Bᵀ}, products with at most this many rows take the direct path (packing Bᵀ costs a gather). */
    static final int DIRECT_MAX_ROWS_TRANS_B = 2;

    /** Products with fewer columns than this take the direct path (a tile row would be shorter than a vector). */
    static final int DIRECT_BELOW_COLUMNS = 16;

    private GemmKernels() {
    }

    /** Returns whether {@code sgemm} of this shape takes the direct path; depends on the shape only. */
    static boolean useDirect(boolean transB, int m, int n, int k) {
        return (long) m * n * k <= DIRECT_MAX_WORK
                || n < DIRECT_BELOW_COLUMNS
                || (transB && m <= DIRECT_MAX_ROWS_TRANS_B);
    }

    // ---------------------------------------------------------------------------------------------
    // Direct path

    /**
     * Computes rows {@code [rowFrom, rowTo)} and columns {@code [colFrom, colTo)} of {@code C} without
     * packing. Arguments as in {@link Gemm#sgemm}; {@code k > 0}.
     */
    static void direct(boolean transA, boolean transB, int k,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       boolean accumulate, float[] c, int cOff, int ldc,
                       int rowFrom, int rowTo, int colFrom, int colTo) {
        if (!transB) {
            directRowUpdates(transA, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    rowFrom, rowTo, colFrom, colTo);
        } else if (!transA) {
            directDots(k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc, rowFrom, rowTo, colFrom, colTo);
        } else {
            directStrided(k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc, rowFrom, rowTo, colFrom, colTo);
        }
    }

    /** {@code op(B) = B}: {@code C(i, :) = fma(op(A)(i, p), B(p, :), C(i, :))} for ascending p. */
    private static void directRowUpdates(boolean transA, int k, float[] a, int aOff, int lda,
                                         float[] b, int bOff, int ldb, boolean accumulate,
                                         float[] c, int cOff, int ldc,
                                         int rowFrom, int rowTo, int colFrom, int colTo) {
        int aRowStride = transA ? 1 : lda;
        int aDepthStride = transA ? lda : 1;
        for (int i = rowFrom; i < rowTo; i++) {
            int cRow = cOff + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, cRow + colFrom, cRow + colTo, 0f);
            }
            int ai = aOff + i * aRowStride;
            for (int p = 0; p < k; p++) {
                float x = a[ai];
                int bRow = bOff + p * ldb;
                for (int j = colFrom; j < colTo; j++) {
                    c[cRow + j] = Math.fma(x, b[bRow + j], c[cRow + j]);
                }
                ai += aDepthStride;
            }
        }
    }

    /**
     * {@code op(A) = A, op(B) = Bᵀ}: each element is a dot product of two contiguous rows; eight
     * columns at a time, as eight independent fma chains that share the loads of {@code A}'s row.
     */
    private static void directDots(int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   boolean accumulate, float[] c, int cOff, int ldc,
                                   int rowFrom, int rowTo, int colFrom, int colTo) {
        for (int i = rowFrom; i < rowTo; i++) {
            int aRow = aOff + i * lda;
            int cRow = cOff + i * ldc;
            int j = colFrom;
            for (; j + 7 < colTo; j += 8) {
                int cj = cRow + j;
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
                if (accumulate) {
                    s0 = c[cj];
                    s1 = c[cj + 1];
                    s2 = c[cj + 2];
                    s3 = c[cj + 3];
                    s4 = c[cj + 4];
                    s5 = c[cj + 5];
                    s6 = c[cj + 6];
                    s7 = c[cj + 7];
                }
                int b0 = bOff + j * ldb;
                int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb, b4 = b3 + ldb, b5 = b4 + ldb, b6 = b5 + ldb;
                int b7 = b6 + ldb;
                for (int p = 0; p < k; p++) {
                    float x = a[aRow + p];
                    s0 = Math.fma(x, b[b0 + p], s0);
                    s1 = Math.fma(x, b[b1 + p], s1);
                    s2 = Math.fma(x, b[b2 + p], s2);
                    s3 = Math.fma(x, b[b3 + p], s3);
                    s4 = Math.fma(x, b[b4 + p], s4);
                    s5 = Math.fma(x, b[b5 + p], s5);
                    s6 = Math.fma(x, b[b6 + p], s6);
                    s7 = Math.fma(x, b[b7 + p], s7);
                }
                c[cj] = s0;
                c[cj + 1] = s1;
                c[cj + 2] = s2;
                c[cj + 3] = s3;
                c[cj + 4] = s4;
                c[cj + 5] = s5;
                c[cj + 6] = s6;
                c[cj + 7] = s7;
            }
            for (; j < colTo; j++) {
                float s = accumulate ? c[cRow + j] : 0f;
                int bRow = bOff + j * ldb;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[aRow + p], b[bRow + p], s);
                }
                c[cRow + j] = s;
            }
        }
    }

    /** {@code op(A) = Aᵀ, op(B) = Bᵀ}: one strided fma chain per element (rare in the models). */
    private static void directStrided(int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                      boolean accumulate, float[] c, int cOff, int ldc,
                                      int rowFrom, int rowTo, int colFrom, int colTo) {
        for (int i = rowFrom; i < rowTo; i++) {
            int cRow = cOff + i * ldc;
            for (int j = colFrom; j < colTo; j++) {
                float s = accumulate ? c[cRow + j] : 0f;
                int ai = aOff + i;
                int bi = bOff + j * ldb;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[ai], b[bi + p], s);
                    ai += lda;
                }
                c[cRow + j] = s;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Blocked path

    /**
     * Computes rows {@code [rowFrom, rowTo)} and columns {@code [colFrom, colTo)} of {@code C} through
     * packed blocks in {@code workspace}. Arguments as in {@link Gemm#sgemm}; {@code k > 0}.
     */
    static void blocked(boolean transA, boolean transB, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        boolean accumulate, float[] c, int cOff, int ldc,
                        int rowFrom, int rowTo, int colFrom, int colTo, GemmWorkspace workspace) {
        float[][] panel = workspace.panel;
        float[] packedA = workspace.packedA;
        float[] tile = workspace.tile;
        for (int jc = colFrom; jc < colTo; jc += NT) {
            int width = Math.min(NT, colTo - jc);
            boolean full = width == NT;
            for (int pc = 0; pc < k; pc += KC) {
                int depth = Math.min(KC, k - pc);
                boolean fresh = !accumulate && pc == 0;
                packB(transB, b, bOff, ldb, pc, depth, jc, width, panel);
                int i = rowFrom;
                while (i < rowTo) {
                    int left = rowTo - i;
                    // The 4-row kernel needs a whole block of NT columns (see class doc).
                    int rows = full ? Math.min(left, 4) : Math.min(left, 3);
                    packA(transA, a, aOff, lda, i, rows, pc, depth, packedA);
                    loadTile(fresh, c, cOff, ldc, i, rows, jc, width, tile);
                    microKernel(rows, width, depth, panel, packedA, tile);
                    storeTile(c, cOff, ldc, i, rows, jc, width, tile);
                    i += rows;
                }
            }
        }
    }

    /** Packs {@code op(B)(pc .. pc+depth, jc .. jc+width)}: row {@code p} goes to {@code panel[p]}. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int depth, int jc, int width,
                      float[][] panel) {
        if (!transB) {
            // B(p, j) = b[bOff + p·ldb + j]: rows of op(B) are contiguous
            for (int p = 0; p < depth; p++) {
                System.arraycopy(b, bOff + (pc + p) * ldb + jc, panel[p], 0, width);
            }
            return;
        }
        // B stored (n, k): B(p, j) = b[bOff + j·ldb + p]; a transposing gather, four values of p at a time
        int base = bOff + jc * ldb + pc;
        int p = 0;
        for (; p + 3 < depth; p += 4) {
            float[] row0 = panel[p];
            float[] row1 = panel[p + 1];
            float[] row2 = panel[p + 2];
            float[] row3 = panel[p + 3];
            int src = base + p;
            for (int j = 0; j < width; j++) {
                row0[j] = b[src];
                row1[j] = b[src + 1];
                row2[j] = b[src + 2];
                row3[j] = b[src + 3];
                src += ldb;
            }
        }
        for (; p < depth; p++) {
            float[] row = panel[p];
            int src = base + p;
            for (int j = 0; j < width; j++) {
                row[j] = b[src];
                src += ldb;
            }
        }
    }

    /** Packs {@code op(A)(i0 .. i0+rows, pc .. pc+depth)} p-major: {@code packedA[p·rows + r] = op(A)(i0 + r, pc + p)}. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int pc, int depth,
                      float[] packedA) {
        if (!transA) {
            for (int r = 0; r < rows; r++) {
                int src = aOff + (i0 + r) * lda + pc;
                for (int p = 0; p < depth; p++) {
                    packedA[p * rows + r] = a[src + p];
                }
            }
        } else {
            for (int p = 0; p < depth; p++) {
                System.arraycopy(a, aOff + (pc + p) * lda + i0, packedA, p * rows, rows);
            }
        }
    }

    private static void loadTile(boolean fresh, float[] c, int cOff, int ldc, int i0, int rows, int jc, int width,
                                 float[] tile) {
        for (int r = 0; r < rows; r++) {
            if (fresh) {
                Arrays.fill(tile, r * NT, r * NT + width, 0f);
            } else {
                System.arraycopy(c, cOff + (i0 + r) * ldc + jc, tile, r * NT, width);
            }
        }
    }

    private static void storeTile(float[] c, int cOff, int ldc, int i0, int rows, int jc, int width, float[] tile) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * NT, c, cOff + (i0 + r) * ldc + jc, width);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Micro-kernel

    /**
     * {@code tile(r, j) = fma chain over p of packedA(p, r) · panel(p, j)} for {@code r < rows},
     * {@code j < width}, in ascending {@code p}: three values of {@code p} per step (two for 3 rows),
     * then one at a time. Generated code, one case per row count.
     *
     * <p>All cases sit in one method on purpose: HotSpot does not inline a hot method of more than 325
     * bytes of bytecode ({@code -XX:FreqInlineSize}), so these loops are always compiled on their own,
     * where C2 vectorises them; inlined into the loops of {@link #blocked} it may not.
     *
     * @param rows    rows of the tile, 1 to 4; 4 only with {@code width == NT}
     * @param width   columns of the tile, at most {@code NT}
     * @param depth   values of p in the panel
     * @param panel   packed op(B) block, one array of {@code NT} per p; not modified
     * @param packedA packed op(A) block, {@code packedA[p·rows + r]}; not modified
     * @param tile    C block, row r at {@code r·NT}; modified
     */
    static void microKernel(int rows, int width, int depth, float[][] panel, float[] packedA, float[] tile) {
        switch (rows) {
            case 4: {
                int p = 0;
                for (; p + 2 < depth; p += 3) {
                    float[] b0 = panel[p], b1 = panel[p + 1], b2 = panel[p + 2];
                    int x = p * 4;
                    float a00 = packedA[x], a10 = packedA[x + 1], a20 = packedA[x + 2], a30 = packedA[x + 3];
                    float a01 = packedA[x + 4], a11 = packedA[x + 5], a21 = packedA[x + 6], a31 = packedA[x + 7];
                    float a02 = packedA[x + 8], a12 = packedA[x + 9], a22 = packedA[x + 10], a32 = packedA[x + 11];
                    for (int j = 0; j < NT; j++) {
                        float x0 = b0[j], x1 = b1[j], x2 = b2[j];
                        tile[j] = Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, tile[j])));
                        tile[NT + j] = Math.fma(a12, x2, Math.fma(a11, x1, Math.fma(a10, x0, tile[NT + j])));
                        tile[2 * NT + j] = Math.fma(a22, x2, Math.fma(a21, x1, Math.fma(a20, x0, tile[2 * NT + j])));
                        tile[3 * NT + j] = Math.fma(a32, x2, Math.fma(a31, x1, Math.fma(a30, x0, tile[3 * NT + j])));
                    }
                }
                for (; p < depth; p++) {
                    float[] b0 = panel[p];
                    int x = p * 4;
                    float a00 = packedA[x], a10 = packedA[x + 1], a20 = packedA[x + 2], a30 = packedA[x + 3];
                    for (int j = 0; j < NT; j++) {
                        float x0 = b0[j];
                        tile[j] = Math.fma(a00, x0, tile[j]);
                        tile[NT + j] = Math.fma(a10, x0, tile[NT + j]);
                        tile[2 * NT + j] = Math.fma(a20, x0, tile[2 * NT + j]);
                        tile[3 * NT + j] = Math.fma(a30, x0, tile[3 * NT + j]);
                    }
                }
                break;
            }
            case 3: {
                int p = 0;
                for (; p + 1 < depth; p += 2) {
                    float[] b0 = panel[p], b1 = panel[p + 1];
                    int x = p * 3;
                    float a00 = packedA[x], a10 = packedA[x + 1], a20 = packedA[x + 2];
                    float a01 = packedA[x + 3], a11 = packedA[x + 4], a21 = packedA[x + 5];
                    for (int j = 0; j < width; j++) {
                        float x0 = b0[j], x1 = b1[j];
                        tile[j] = Math.fma(a01, x1, Math.fma(a00, x0, tile[j]));
                        tile[NT + j] = Math.fma(a11, x1, Math.fma(a10, x0, tile[NT + j]));
                        tile[2 * NT + j] = Math.fma(a21, x1, Math.fma(a20, x0, tile[2 * NT + j]));
                    }
                }
                for (; p < depth; p++) {
                    float[] b0 = panel[p];
                    int x = p * 3;
                    float a00 = packedA[x], a10 = packedA[x + 1], a20 = packedA[x + 2];
                    for (int j = 0; j < width; j++) {
                        float x0 = b0[j];
                        tile[j] = Math.fma(a00, x0, tile[j]);
                        tile[NT + j] = Math.fma(a10, x0, tile[NT + j]);
                        tile[2 * NT + j] = Math.fma(a20, x0, tile[2 * NT + j]);
                    }
                }
                break;
            }
            case 2: {
                int p = 0;
                for (; p + 2 < depth; p += 3) {
                    float[] b0 = panel[p], b1 = panel[p + 1], b2 = panel[p + 2];
                    int x = p * 2;
                    float a00 = packedA[x], a10 = packedA[x + 1];
                    float a01 = packedA[x + 2], a11 = packedA[x + 3];
                    float a02 = packedA[x + 4], a12 = packedA[x + 5];
                    for (int j = 0; j < width; j++) {
                        float x0 = b0[j], x1 = b1[j], x2 = b2[j];
                        tile[j] = Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, tile[j])));
                        tile[NT + j] = Math.fma(a12, x2, Math.fma(a11, x1, Math.fma(a10, x0, tile[NT + j])));
                    }
                }
                for (; p < depth; p++) {
                    float[] b0 = panel[p];
                    int x = p * 2;
                    float a00 = packedA[x], a10 = packedA[x + 1];
                    for (int j = 0; j < width; j++) {
                        float x0 = b0[j];
                        tile[j] = Math.fma(a00, x0, tile[j]);
                        tile[NT + j] = Math.fma(a10, x0, tile[NT + j]);
                    }
                }
                break;
            }
            default: {
                int p = 0;
                for (; p + 2 < depth; p += 3) {
                    float[] b0 = panel[p], b1 = panel[p + 1], b2 = panel[p + 2];
                    int x = p * 1;
                    float a00 = packedA[x];
                    float a01 = packedA[x + 1];
                    float a02 = packedA[x + 2];
                    for (int j = 0; j < width; j++) {
                        float x0 = b0[j], x1 = b1[j], x2 = b2[j];
                        tile[j] = Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, tile[j])));
                    }
                }
                for (; p < depth; p++) {
                    float[] b0 = panel[p];
                    int x = p * 1;
                    float a00 = packedA[x];
                    for (int j = 0; j < width; j++) {
                        float x0 = b0[j];
                        tile[j] = Math.fma(a00, x0, tile[j]);
                    }
                }
                break;
            }
        }
    }

}
