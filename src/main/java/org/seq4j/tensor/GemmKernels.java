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
 *   for each block of NT columns of C                     (jc)
 *     for each block of KC values of p                    (pc)
 *       pack op(B)(pc.., jc..) into the panel             (KC, NT), two rows of p per array
 *       for each group of MR (8, 4, 2 or 1) rows of C      (i)
 *         pack op(A)(i.., pc..)                            (MR, KC), p-major
 *         copy C(i.., jc..) into the tile (or zero it)     (MR, NT)
 *         micro-kernel: tile += packedA · panel
 *         copy the tile back into C
 * </pre>
 * The micro-kernel keeps {@code 2·MR} values of {@code A} in registers and streams along a row of
 * the tile: each step loads two rows of the panel once and updates {@code MR} rows of the tile with two
 * fused multiply-adds each. HotSpot C2 (Java 17 and later) vectorises that loop because every array in
 * it is indexed as {@code x[constant + j]}; with two different loop-invariant offsets (the obvious
 * {@code c[cRow + j] += a * b[bRow + j]}) it cannot rule out aliasing and leaves the loop scalar.
 * It does not vectorise a tile with more than two rows of {@code p} per step either, hence pairs.
 */
final class GemmKernels {

    /** Columns of C per block; also the row stride of the tile and of the panel rows (a constant, see class doc). */
    static final int NT = 256;

    /** Depth (values of p) of one packed block; even, so that only the last block of a product has an odd depth. */
    static final int KC = 256;

    /** Rows of C handled by the largest micro-kernel. */
    static final int MR = 8;

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
            for (int pc = 0; pc < k; pc += KC) {
                int depth = Math.min(KC, k - pc);
                int pairs = depth >> 1;
                boolean tail = (depth & 1) != 0;
                boolean fresh = !accumulate && pc == 0;
                boolean full = width == NT;
                packB(transB, b, bOff, ldb, pc, depth, jc, width, panel);
                int i = rowFrom;
                while (i < rowTo) {
                    int left = rowTo - i;
                    // The 8- and 4-row kernels run over exactly NT columns (see class doc), so only full blocks.
                    int rows = left >= 8 && full ? 8 : left >= 4 && full ? 4 : left >= 2 ? 2 : 1;
                    packA(transA, a, aOff, lda, i, rows, pc, depth, packedA);
                    loadTile(fresh, c, cOff, ldc, i, rows, jc, width, tile);
                    switch (rows) {
                        case 8:
                            kernel8(pairs, tail, panel, packedA, tile);
                            break;
                        case 4:
                            kernel4(pairs, tail, panel, packedA, tile);
                            break;
                        default:
                            kernelNarrow(rows, width, pairs, tail, panel, packedA, tile);
                            break;
                    }
                    storeTile(c, cOff, ldc, i, rows, jc, width, tile);
                    i += rows;
                }
            }
        }
    }

    /** Packs {@code op(B)(pc .. pc+depth, jc .. jc+width)}: row {@code p} goes to {@code panel[p/2]} at {@code (p%2)·NT}. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int depth, int jc, int width,
                      float[][] panel) {
        if (!transB) {
            // B(p, j) = b[bOff + p·ldb + j]: rows of op(B) are contiguous
            for (int p = 0; p < depth; p++) {
                System.arraycopy(b, bOff + (pc + p) * ldb + jc, panel[p >> 1], (p & 1) * NT, width);
            }
            return;
        }
        // B stored (n, k): B(p, j) = b[bOff + j·ldb + p]; gather two values of p per stored row
        int pairs = depth >> 1;
        int base = bOff + jc * ldb + pc;
        for (int q = 0; q < pairs; q++) {
            float[] row = panel[q];
            int src = base + 2 * q;
            for (int j = 0; j < width; j++) {
                row[j] = b[src];
                row[NT + j] = b[src + 1];
                src += ldb;
            }
        }
        if ((depth & 1) != 0) {
            float[] row = panel[pairs];
            int src = base + depth - 1;
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
    // Micro-kernels: tile(r, j) = fma chain over the packed depth, for r < rows and j < width.
    // HotSpot (17 to 25) vectorises the 8- and 4-row loops only with a constant trip count: with a
    // variable one their bodies exceed its unrolling limit, and an unrolled-once loop is left scalar.
    // The 2- and 1-row bodies are small enough to vectorise with a variable width.

    /**
     * 8-row micro-kernel over a full block of {@code NT} columns: {@code tile(r, j) += Σ_p
     * packedA(p, r) · panel(p, j)} as a chain of fmas in ascending {@code p}, two values of {@code p}
     * per step, then the odd last one if {@code tail}.
     *
     * @param pairs   number of pairs of p
     * @param tail    whether one more (odd) value of p follows the pairs
     * @param panel   packed op(B) block; not modified
     * @param packedA packed op(A) block; not modified
     * @param tile    C block; modified
     */
    static void kernel8(int pairs, boolean tail, float[][] panel, float[] packedA, float[] tile) {
        for (int q = 0; q < pairs; q++) {
            float[] b = panel[q];
            int x = q * 16;
            float a0 = packedA[x]; float a1 = packedA[x + 1]; float a2 = packedA[x + 2]; float a3 = packedA[x + 3];
            float a4 = packedA[x + 4]; float a5 = packedA[x + 5]; float a6 = packedA[x + 6]; float a7 = packedA[x + 7];
            float e0 = packedA[x + 8]; float e1 = packedA[x + 9]; float e2 = packedA[x + 10]; float e3 = packedA[x + 11];
            float e4 = packedA[x + 12]; float e5 = packedA[x + 13]; float e6 = packedA[x + 14]; float e7 = packedA[x + 15];
            for (int j = 0; j < NT; j++) {
                float b0 = b[j];
                float b1 = b[NT + j];
                tile[j] = Math.fma(e0, b1, Math.fma(a0, b0, tile[j]));
                tile[NT + j] = Math.fma(e1, b1, Math.fma(a1, b0, tile[NT + j]));
                tile[2 * NT + j] = Math.fma(e2, b1, Math.fma(a2, b0, tile[2 * NT + j]));
                tile[3 * NT + j] = Math.fma(e3, b1, Math.fma(a3, b0, tile[3 * NT + j]));
                tile[4 * NT + j] = Math.fma(e4, b1, Math.fma(a4, b0, tile[4 * NT + j]));
                tile[5 * NT + j] = Math.fma(e5, b1, Math.fma(a5, b0, tile[5 * NT + j]));
                tile[6 * NT + j] = Math.fma(e6, b1, Math.fma(a6, b0, tile[6 * NT + j]));
                tile[7 * NT + j] = Math.fma(e7, b1, Math.fma(a7, b0, tile[7 * NT + j]));
            }
        }
        if (tail) {
            float[] b = panel[pairs];
            int x = pairs * 16;
            float a0 = packedA[x]; float a1 = packedA[x + 1]; float a2 = packedA[x + 2]; float a3 = packedA[x + 3];
            float a4 = packedA[x + 4]; float a5 = packedA[x + 5]; float a6 = packedA[x + 6]; float a7 = packedA[x + 7];
            for (int j = 0; j < NT; j++) {
                float b0 = b[j];
                tile[j] = Math.fma(a0, b0, tile[j]);
                tile[NT + j] = Math.fma(a1, b0, tile[NT + j]);
                tile[2 * NT + j] = Math.fma(a2, b0, tile[2 * NT + j]);
                tile[3 * NT + j] = Math.fma(a3, b0, tile[3 * NT + j]);
                tile[4 * NT + j] = Math.fma(a4, b0, tile[4 * NT + j]);
                tile[5 * NT + j] = Math.fma(a5, b0, tile[5 * NT + j]);
                tile[6 * NT + j] = Math.fma(a6, b0, tile[6 * NT + j]);
                tile[7 * NT + j] = Math.fma(a7, b0, tile[7 * NT + j]);
            }
        }
    }

    /** 4-row micro-kernel over a full block of {@code NT} columns; see {@link #kernel8}. */
    static void kernel4(int pairs, boolean tail, float[][] panel, float[] packedA, float[] tile) {
        for (int q = 0; q < pairs; q++) {
            float[] b = panel[q];
            int x = q * 8;
            float a0 = packedA[x]; float a1 = packedA[x + 1]; float a2 = packedA[x + 2]; float a3 = packedA[x + 3];
            float e0 = packedA[x + 4]; float e1 = packedA[x + 5]; float e2 = packedA[x + 6]; float e3 = packedA[x + 7];
            for (int j = 0; j < NT; j++) {
                float b0 = b[j];
                float b1 = b[NT + j];
                tile[j] = Math.fma(e0, b1, Math.fma(a0, b0, tile[j]));
                tile[NT + j] = Math.fma(e1, b1, Math.fma(a1, b0, tile[NT + j]));
                tile[2 * NT + j] = Math.fma(e2, b1, Math.fma(a2, b0, tile[2 * NT + j]));
                tile[3 * NT + j] = Math.fma(e3, b1, Math.fma(a3, b0, tile[3 * NT + j]));
            }
        }
        if (tail) {
            float[] b = panel[pairs];
            int x = pairs * 8;
            float a0 = packedA[x]; float a1 = packedA[x + 1]; float a2 = packedA[x + 2]; float a3 = packedA[x + 3];
            for (int j = 0; j < NT; j++) {
                float b0 = b[j];
                tile[j] = Math.fma(a0, b0, tile[j]);
                tile[NT + j] = Math.fma(a1, b0, tile[NT + j]);
                tile[2 * NT + j] = Math.fma(a2, b0, tile[2 * NT + j]);
                tile[3 * NT + j] = Math.fma(a3, b0, tile[3 * NT + j]);
            }
        }
    }

    /**
     * 2- or 1-row micro-kernel over the first {@code width} columns; otherwise as {@link #kernel8}.
     *
     * <p>Both sizes sit in one method on purpose: HotSpot vectorises these loops when it compiles the
     * method on its own, but not after inlining it into {@link #blocked}, and it does not inline a hot
     * method of more than 325 bytes of bytecode ({@code -XX:FreqInlineSize}); each alone is smaller.
     *
     * @param rows    1 or 2
     * @param width   columns to update, at most {@code NT}
     * @param pairs   number of pairs of p
     * @param tail    whether one more (odd) value of p follows the pairs
     * @param panel   packed op(B) block; not modified
     * @param packedA packed op(A) block; not modified
     * @param tile    C block; modified
     */
    static void kernelNarrow(int rows, int width, int pairs, boolean tail, float[][] panel, float[] packedA,
                             float[] tile) {
        if (rows == 2) {
            for (int q = 0; q < pairs; q++) {
                float[] b = panel[q];
                int x = q * 4;
                float a0 = packedA[x]; float a1 = packedA[x + 1];
                float e0 = packedA[x + 2]; float e1 = packedA[x + 3];
                for (int j = 0; j < width; j++) {
                    float b0 = b[j];
                    float b1 = b[NT + j];
                    tile[j] = Math.fma(e0, b1, Math.fma(a0, b0, tile[j]));
                    tile[NT + j] = Math.fma(e1, b1, Math.fma(a1, b0, tile[NT + j]));
                }
            }
            if (tail) {
                float[] b = panel[pairs];
                int x = pairs * 4;
                float a0 = packedA[x]; float a1 = packedA[x + 1];
                for (int j = 0; j < width; j++) {
                    float b0 = b[j];
                    tile[j] = Math.fma(a0, b0, tile[j]);
                    tile[NT + j] = Math.fma(a1, b0, tile[NT + j]);
                }
            }
    
        } else {
            for (int q = 0; q < pairs; q++) {
                float[] b = panel[q];
                int x = q * 2;
                float a0 = packedA[x];
                float e0 = packedA[x + 1];
                for (int j = 0; j < width; j++) {
                    float b0 = b[j];
                    float b1 = b[NT + j];
                    tile[j] = Math.fma(e0, b1, Math.fma(a0, b0, tile[j]));
                }
            }
            if (tail) {
                float[] b = panel[pairs];
                int x = pairs * 2;
                float a0 = packedA[x];
                for (int j = 0; j < width; j++) {
                    float b0 = b[j];
                    tile[j] = Math.fma(a0, b0, tile[j]);
                }
            }
    
        }
    }

}
