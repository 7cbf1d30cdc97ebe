package org.seq4j.kernel;

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
 *       for each group of MR = 4 rows of C (or one row)     (i)
 *         pack op(A)(i.., pc..)                             (MR, KC), p-major
 *         copy C(i.., jc..) into the tile (or zero it)      (MR, NT)
 *         micro-kernel: tile += packedA · panel
 *         copy the tile back into C
 * </pre>
 * A narrow product ({@code n < NT}, {@code m > n}) is computed as {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}, so that
 * the padding falls on its short side. The micro-kernel keeps {@code 3·MR} values of {@code A} in
 * registers and streams along the rows of the tile: each step loads three panel rows once and updates {@code MR} tile rows with three fused
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
 *   <li>the trip count is a constant ({@code NT} or {@code NT_WIDE}): with a variable one, the 4-row
 *       body exceeds C2's unrolling limit and the loop stays scalar. So the 4-row kernels always
 *       compute a whole tile; a narrower block is padded with zero columns in the panel, a shorter
 *       one with zero rows in packed A, and only the real part of the tile is copied back. The
 *       one-row kernel is small enough to be vectorised with a variable width;</li>
 *   <li>each 4-row kernel in its own method, compiled on its own (over 325 bytes of bytecode, it is
 *       not inlined into its hot caller): with several hot kernels in one method, Java 17 left them
 *       scalar (apparently past its loop-optimisation budget);</li>
 *   <li>at most three values of {@code p} per step: with four, Java 17 leaves the loop scalar.</li>
 * </ul>
 */
final class GemmKernels {

    /** Columns of C per block; also the row stride of the tile (a constant, see class doc). */
    static final int NT = 256;

    /** Depth (values of p) of one packed block of {@code NT} columns: a {@code (KC, NT)} panel is 256 KiB. */
    static final int KC = 256;

    /** Columns of C per wide block, used while at least that many columns remain: longer loops run faster. */
    static final int NT_WIDE = 1024;

    /** Depth of one packed wide block: a {@code (KC_WIDE, NT_WIDE)} panel is 384 KiB, within a 512 KiB L2. */
    static final int KC_WIDE = 96;

    /** Rows of C handled by the largest micro-kernel. */
    static final int MR = 4;

    /** Products with at most this many multiply-adds ({@code m·n·k}) take the direct path. */
    static final long DIRECT_MAX_WORK = 4096;

    /** With {@code op(B) = Bᵀ}, products with at most this many rows take the direct path (packing Bᵀ costs a gather). */
    static final int DIRECT_MAX_ROWS_TRANS_B = 2;

    /** Products with a smaller inner dimension are not computed as {@code Cᵀ} (see {@link #swapsOperands}). */
    static final int SWAP_MIN_DEPTH = 16;

    /** Products with fewer rows and columns than this take the direct path (a block would be mostly padding). */
    static final int DIRECT_BELOW_SIDE = 16;

    private GemmKernels() {
    }

    /** Returns whether {@code sgemm} of this shape takes the direct path; depends on the shape only. */
    static boolean useDirect(boolean transB, int m, int n, int k) {
        return (long) m * n * k <= DIRECT_MAX_WORK
                || Math.max(m, n) < DIRECT_BELOW_SIDE
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
     * Returns whether the blocked path computes {@code Cᵀ = op(B)ᵀ·op(A)ᵀ} instead of {@code C}: when
     * {@code C} is narrower than a block and taller than wide, so that the full-block kernel applies.
     * Since {@code fma(x, y, s) == fma(y, x, s)}, the result is the same bit for bit. Not for a small
     * {@code k}, where copying the tiles of a transposed {@code C} would cost more than the padding.
     */
    static boolean swapsOperands(int m, int n, int k) {
        return n < NT && m > n && k >= SWAP_MIN_DEPTH;
    }

    /**
     * Computes rows {@code [rowFrom, rowTo)} and columns {@code [colFrom, colTo)} of {@code C} through
     * packed blocks in {@code workspace}. Arguments as in {@link Gemm#sgemm}, with {@code k > 0}; with
     * {@code transposedC}, {@code C(i, j)} is stored at {@code c[cOff + j·ldc + i]} (the caller passes
     * the operands of {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}).
     */
    static void blocked(boolean transA, boolean transB, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        boolean accumulate, float[] c, int cOff, int ldc, boolean transposedC,
                        int rowFrom, int rowTo, int colFrom, int colTo, GemmWorkspace workspace) {
        float[][] panel = workspace.panel;
        float[] packedA = workspace.packedA;
        float[] tile = workspace.tile;
        int jc = colFrom;
        while (jc < colTo) {
            // Not for C stored transposed: there a wide block's strided copies of C miss the cache.
            boolean wide = !transposedC && colTo - jc >= NT_WIDE;
            int blockWidth = wide ? NT_WIDE : NT;
            int blockDepth = wide ? KC_WIDE : KC;
            int width = Math.min(blockWidth, colTo - jc);
            for (int pc = 0; pc < k; pc += blockDepth) {
                int depth = Math.min(blockDepth, k - pc);
                boolean fresh = !accumulate && pc == 0;
                packB(transB, b, bOff, ldb, pc, depth, jc, width, blockWidth, panel);
                for (int i = rowFrom; i < rowTo; i += MR) {
                    int rows = Math.min(MR, rowTo - i);
                    packA(transA, a, aOff, lda, i, rows, pc, depth, packedA);
                    if (transposedC) {
                        loadTileTransposed(fresh, c, cOff, ldc, i, rows, jc, width, blockWidth, tile);
                    } else {
                        loadTile(fresh, c, cOff, ldc, i, rows, jc, width, blockWidth, tile);
                    }
                    if (rows == 1) {
                        microKernelRow(width, depth, panel, packedA, tile);
                    } else if (wide) {
                        microKernelWide(depth, panel, packedA, tile);
                    } else {
                        microKernel(depth, panel, packedA, tile);
                    }
                    if (transposedC) {
                        storeTileTransposed(c, cOff, ldc, i, rows, jc, width, blockWidth, tile);
                    } else {
                        storeTile(c, cOff, ldc, i, rows, jc, width, blockWidth, tile);
                    }
                }
            }
            jc += width;
        }
    }

    /**
     * Packs {@code op(B)(pc .. pc+depth, jc .. jc+width)}: row {@code p} goes to {@code panel[p]}, and
     * columns {@code width .. blockWidth} of those rows are zeroed (the kernel runs over whole blocks).
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int depth, int jc, int width,
                      int blockWidth, float[][] panel) {
        if (width < blockWidth) {
            for (int p = 0; p < depth; p++) {
                Arrays.fill(panel[p], width, blockWidth, 0f);
            }
        }
        if (!transB) {
            // B(p, j) = b[bOff + p·ldb + j]: rows of op(B) are contiguous
            for (int p = 0; p < depth; p++) {
                System.arraycopy(b, bOff + (pc + p) * ldb + jc, panel[p], 0, width);
            }
            return;
        }
        // B stored (n, k): B(p, j) = b[bOff + j·ldb + p]. A transposing copy that reads four stored rows
        // along p (reading down a column instead thrashes the cache when ldb is a power of two).
        int j = 0;
        for (; j + 3 < width; j += 4) {
            int src0 = bOff + (jc + j) * ldb + pc;
            int src1 = src0 + ldb;
            int src2 = src1 + ldb;
            int src3 = src2 + ldb;
            for (int p = 0; p < depth; p++) {
                float[] row = panel[p];
                row[j] = b[src0 + p];
                row[j + 1] = b[src1 + p];
                row[j + 2] = b[src2 + p];
                row[j + 3] = b[src3 + p];
            }
        }
        for (; j < width; j++) {
            int src = bOff + (jc + j) * ldb + pc;
            for (int p = 0; p < depth; p++) {
                panel[p][j] = b[src + p];
            }
        }
    }

    /**
     * Packs {@code op(A)(i0 .. i0+rows, pc .. pc+depth)} p-major, {@code packedA[p·MR + r] = op(A)(i0 + r, pc + p)},
     * with zeros for {@code r >= rows} (the kernel always computes {@code MR} rows).
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int pc, int depth,
                      float[] packedA) {
        if (rows < MR) {
            Arrays.fill(packedA, 0, depth * MR, 0f);
        }
        if (!transA) {
            for (int r = 0; r < rows; r++) {
                int src = aOff + (i0 + r) * lda + pc;
                for (int p = 0; p < depth; p++) {
                    packedA[p * MR + r] = a[src + p];
                }
            }
        } else {
            // A stored (k, m): A(i, p) = a[aOff + p·lda + i]; at most MR values per p, too few for arraycopy
            int src = aOff + pc * lda + i0;
            for (int p = 0; p < depth; p++) {
                for (int r = 0; r < rows; r++) {
                    packedA[p * MR + r] = a[src + r];
                }
                src += lda;
            }
        }
    }

    // tile(r, j) <-> C(i0 + r, jc + j), tile row r at r·stride
    private static void loadTile(boolean fresh, float[] c, int cOff, int ldc, int i0, int rows, int jc, int width,
                                 int stride, float[] tile) {
        for (int r = 0; r < rows; r++) {
            if (fresh) {
                Arrays.fill(tile, r * stride, r * stride + width, 0f);
            } else {
                System.arraycopy(c, cOff + (i0 + r) * ldc + jc, tile, r * stride, width);
            }
        }
    }

    private static void storeTile(float[] c, int cOff, int ldc, int i0, int rows, int jc, int width, int stride,
                                  float[] tile) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * stride, c, cOff + (i0 + r) * ldc + jc, width);
        }
    }

    // tile(r, j) <-> C(i0 + r, jc + j) stored transposed, at c[cOff + (jc + j)·ldc + i0 + r]
    private static void loadTileTransposed(boolean fresh, float[] c, int cOff, int ldc, int i0, int rows, int jc,
                                           int width, int stride, float[] tile) {
        for (int r = 0; r < rows; r++) {
            if (fresh) {
                Arrays.fill(tile, r * stride, r * stride + width, 0f);
            } else {
                int src = cOff + jc * ldc + i0 + r;
                for (int j = 0; j < width; j++) {
                    tile[r * stride + j] = c[src];
                    src += ldc;
                }
            }
        }
    }

    private static void storeTileTransposed(float[] c, int cOff, int ldc, int i0, int rows, int jc, int width,
                                            int stride, float[] tile) {
        int dst = cOff + jc * ldc + i0;
        for (int j = 0; j < width; j++) {
            for (int r = 0; r < rows; r++) {
                c[dst + r] = tile[r * stride + j];
            }
            dst += ldc;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Micro-kernels (generated code). The two 4-row kernels differ only in the block width; each is
    // compiled on its own (over 325 bytes of bytecode, which HotSpot does not inline into a hot caller).

    /**
     * {@code tile(r, j) = fma chain over p of packedA(p, r) · panel(p, j)} for {@code r < MR},
     * {@code j < NT}, in ascending {@code p}: three values of {@code p} per step, then one at a time.
     *
     * @param depth   values of p in the panel
     * @param panel   packed op(B) block, one array per p, of which the first {@code NT} values are used;
     *                not modified
     * @param packedA packed op(A) block, {@code packedA[p·MR + r]}; not modified
     * @param tile    C block, row r at {@code r·NT}; modified
     */
    static void microKernel(int depth, float[][] panel, float[] packedA, float[] tile) {
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
    }

    /** {@link #microKernel} over a wide block: {@code NT_WIDE} columns, tile row r at {@code r·NT_WIDE}. */
    static void microKernelWide(int depth, float[][] panel, float[] packedA, float[] tile) {
        int p = 0;
        for (; p + 2 < depth; p += 3) {
            float[] b0 = panel[p], b1 = panel[p + 1], b2 = panel[p + 2];
            int x = p * 4;
            float a00 = packedA[x], a10 = packedA[x + 1], a20 = packedA[x + 2], a30 = packedA[x + 3];
            float a01 = packedA[x + 4], a11 = packedA[x + 5], a21 = packedA[x + 6], a31 = packedA[x + 7];
            float a02 = packedA[x + 8], a12 = packedA[x + 9], a22 = packedA[x + 10], a32 = packedA[x + 11];
            for (int j = 0; j < NT_WIDE; j++) {
                float x0 = b0[j], x1 = b1[j], x2 = b2[j];
                tile[j] = Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, tile[j])));
                tile[NT_WIDE + j] = Math.fma(a12, x2, Math.fma(a11, x1, Math.fma(a10, x0, tile[NT_WIDE + j])));
                tile[2 * NT_WIDE + j] = Math.fma(a22, x2, Math.fma(a21, x1, Math.fma(a20, x0, tile[2 * NT_WIDE + j])));
                tile[3 * NT_WIDE + j] = Math.fma(a32, x2, Math.fma(a31, x1, Math.fma(a30, x0, tile[3 * NT_WIDE + j])));
            }
        }
        for (; p < depth; p++) {
            float[] b0 = panel[p];
            int x = p * 4;
            float a00 = packedA[x], a10 = packedA[x + 1], a20 = packedA[x + 2], a30 = packedA[x + 3];
            for (int j = 0; j < NT_WIDE; j++) {
                float x0 = b0[j];
                tile[j] = Math.fma(a00, x0, tile[j]);
                tile[NT_WIDE + j] = Math.fma(a10, x0, tile[NT_WIDE + j]);
                tile[2 * NT_WIDE + j] = Math.fma(a20, x0, tile[2 * NT_WIDE + j]);
                tile[3 * NT_WIDE + j] = Math.fma(a30, x0, tile[3 * NT_WIDE + j]);
            }
        }
    }


    /**
     * {@link #microKernel} for a single row over the first {@code width} columns (a variable trip
     * count: the body is small enough for C2 to vectorise it anyway). Used for products with one row,
     * such as batch-1 steps, and for the last row of an odd product.
     *
     * @param width   columns of the tile row, at most the block width
     * @param depth   values of p in the panel
     * @param panel   packed op(B) block, one array per p; not modified
     * @param packedA packed op(A) block, {@code packedA[p·MR]}; not modified
     * @param tile    C block row, at offset 0; modified
     */
    static void microKernelRow(int width, int depth, float[][] panel, float[] packedA, float[] tile) {
        int p = 0;
        for (; p + 2 < depth; p += 3) {
            float[] b0 = panel[p], b1 = panel[p + 1], b2 = panel[p + 2];
            int x = p * MR;
            float a00 = packedA[x];
            float a01 = packedA[x + MR];
            float a02 = packedA[x + 2 * MR];
            for (int j = 0; j < width; j++) {
                float x0 = b0[j], x1 = b1[j], x2 = b2[j];
                tile[j] = Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, tile[j])));
            }
        }
        for (; p < depth; p++) {
            float[] b0 = panel[p];
            int x = p * MR;
            float a00 = packedA[x];
            for (int j = 0; j < width; j++) {
                float x0 = b0[j];
                tile[j] = Math.fma(a00, x0, tile[j]);
            }
        }
    }

}
