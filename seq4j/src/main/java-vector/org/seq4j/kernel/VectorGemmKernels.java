package org.seq4j.kernel;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The blocked {@link Gemm} path written with the JDK Vector API: register-blocked micro-kernels that
 * hold a block of {@code C} in vector registers for a whole block of {@code p}.
 *
 * <h2>Loops (BLIS order)</h2>
 * <pre>
 *   for each block of NC columns of C                              (jc)
 *     for each block of KC values of p                             (pc)
 *       op(B) = Bᵀ: pack op(B)(pc.., jc..) into strips, p-major    (KC, NC)
 *       op(B) = B:  read B in place
 *       for each block of MC rows of C                             (ic)
 *       op(B) = B, 256-bit vectors, at least 256 rows: pack it into strips the same way
 *         op(A) = Aᵀ: pack op(A)(ic.., pc..) in groups of 8 (or 6) rows, p-major (or row by row), the last
 *                     one zero-padded
 *         op(A) = A:  read whole groups of rows in place; pack only a last, partial group
 *         for each strip of 3 (or 2), 2 or 1 vectors of columns (8 for a single row)  (jr)
 *           op(B) = B read in place and a last strip past the end of C: pack it, zero-padded
 *           for each group of rows                                 (ir)
 *             micro-kernel: C(group, strip) = fma chain over the KC values of p
 *             (a group or strip past the end of C: through a scratch tile)
 * </pre>
 * The micro-kernel loads its block of {@code C} into {@code rows × vectors} accumulators (or starts
 * them at zero), then for each {@code p} loads the strip's row of {@code op(B)} once, broadcasts each
 * row's value of {@code op(A)} and updates every accumulator with one lane-wise fma, and finally stores
 * the accumulators into {@code C}: {@code C} is read and written once per {@code KC} values of
 * {@code p} instead of once per step. A block of rows or columns that reaches past the end of
 * {@code C} is computed by the same kernel, with {@code op(A)} and {@code op(B)} zero-padded, into a
 * scratch tile whose real part is copied back: {@code n = 65} costs 80 columns (a 3-vector strip and
 * a padded 2-vector strip), {@code m = 25} costs 32 rows.
 *
 * Reading {@code op(A) = A} in place (each kernel row broadcasts from its own row of {@code A})
 * instead of packing it made narrow products ({@code n = 65, 128}) 10 to 20 % faster: there the
 * packing of {@code A} cost a fifth to a third of the time.
 *
 * <h2>Few kernels, all of them hot</h2>
 * Until C2 has compiled it, Vector API code runs in the interpreter or C1, which allocate every
 * vector: hundreds of times slower than compiled. A kernel used only for the last rows of a block
 * is compiled seconds after the others and meanwhile dominates whole products (measured with 4-
 * and 1-row tail kernels). So every group of rows of a multi-row block runs the largest kernel,
 * padded when needed, and the code that runs once per block (packing) is plain Java.
 *
 * <h2>One arithmetic</h2>
 * Lanes run across columns of {@code C}, never across {@code p}: lane {@code j} of an accumulator is
 * {@code C(i, j)}, updated by {@code Math.fma(op(A)(i, p), op(B)(p, j), C(i, j))} for ascending
 * {@code p} ({@code FloatVector.fma} is {@code Math.fma} lane-wise), starting from {@code C} or +0.
 * The result is identical bit for bit to {@link GemmKernels} and to a plain fma loop.
 *
 * <h2>Kernel shapes (measured with HotSpot C2, Java 17)</h2>
 * The largest kernel keeps {@code rows × vectors} accumulators, the strip's vectors of {@code op(B)}
 * and a broadcast in registers: 8 × 3 (24 accumulators) with 512-bit vectors (AVX-512, 32
 * registers), 6 × 2 (12 accumulators, 15 of the 16 registers) with narrower ones (AVX2): two FMA
 * units with a latency of 4 cycles need at least 8 independent chains, and 4 × 2 had no slack.
 * On an AMD EPYC (Zen 3, AVX2), 6 × 2 was 15 to 45 % faster than 4 × 2 on the large shapes of
 * {@code bench/gemm_shapes.tsv}, on Java 17 and 25 alike, once its packed groups of {@code op(A)}
 * are stored row by row and read by the in-place kernel ({@link #A_BY_ROWS}) and {@code op(B) = B}
 * is packed into strips for products of many rows ({@link #PACK_B_MIN_ROWS}); the 6-row block
 * makes {@code MC} 120. Narrower strips use the same rows with 2 or 1 vectors. A block of a single row (a batch-1 step) uses 1-row
 * kernels, 1 × 8 for {@code op(B) = B} (three accumulators are too few to hide the fma latency).
 * Starting the accumulators at zero is a load from an array of zeros: a branch between zeros and a
 * load of {@code C} made Java 17 keep the vectors as heap objects (25 times slower).
 */
final class VectorGemmKernels implements BlockedGemmKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Lanes per vector. */
    private static final int L = S.length();

    /**
     * Vectors of the one-row kernel for blocks of a single row with {@code op(B) = B} (a batch-1 step,
     * {@code B} read in place): 8 independent fma chains cover the fma latency, where 3 do not.
     */
    private static final int ROW_VECTORS = 8;

    /** Zeros that a kernel loads its accumulators from when it starts from +0: {@code 8·L}. */
    private static final float[] ZEROS = new float[ROW_VECTORS * L];

    /** Rows of the largest micro-kernel: 8 with 512-bit vectors (AVX-512, 32 registers), else 4. */
    private static final int MAX_ROWS = L >= 16 ? 8 : 6;

    /**
     * Whether packed groups of {@code op(A)} are stored row by row ({@code (rows, KC)}, read by the
     * in-place kernels with {@code lda = KC}) instead of p-major: with 256-bit vectors. On Java 25 the
     * p-major 6-row kernel ran at two thirds of the speed of the in-place one (C2 keeps a bound check
     * or an index update in its loop); on Java 17 both ran at the same speed.
     */
    private static final boolean A_BY_ROWS = MAX_ROWS == 6;

    /**
     * Products (or threads' parts) with at least this many rows pack {@code op(B) = B} into strips
     * (with 256-bit vectors; never with 512-bit ones): then copying {@code k·n} values costs less than
     * the L1 misses of strips read in place, whose rows are {@code ldb} apart. Fewer rows (a
     * per-step product of a batch of 64) read {@code B} in place.
     */
    private static final int PACK_B_MIN_ROWS = L >= 16 ? Integer.MAX_VALUE : 256;

    /** Vectors (of {@code L} columns) of the largest micro-kernel: 3 with 512-bit vectors, else 2. */
    private static final int MAX_VECTORS = L >= 16 ? 3 : 2;

    /** Depth (values of p) of one block. */
    static final int KC = 256;

    /** Rows of C per packed block of op(A), a multiple of the kernel's rows: {@code (MC, KC)} is 120 or 128 KiB. */
    static final int MC = MAX_ROWS == 6 ? 120 : 128;

    /** Columns of C per block; a multiple of {@code 3·L} for every vector width up to 512 bits. */
    static final int NC = 384;

    /**
     * Longest warm-up of the kernels before they are declared unusable. Generous: it runs on a
     * background thread while the plain kernels serve, and on a loaded machine C2's queue is long
     * (10 s was too short with two other busy processes on two cores).
     */
    private static final long WARM_UP_NANOS = 120_000_000_000L;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** Per-thread packing buffers, allocated on a thread's first product and reused afterwards. */
    private static final class Workspace {
        /** op(A) block, groups of rows one after the other, each p-major: {@code (MC, KC)}. */
        final float[] packedA = new float[MC * KC];
        /** op(B) block packed in strips (op(B) = Bᵀ), each p-major: {@code (KC, NC + L)}. */
        final float[] panel = new float[KC * (NC + L)];
        /** Last strip of op(B) = B when it reaches past the end of C, zero-padded: {@code (KC, 3·L)}. */
        final float[] edge = new float[KC * MAX_VECTORS * L];
        /** C block of that last strip: {@code (MAX_ROWS, 3·L)}. */
        final float[] scratch = new float[MAX_ROWS * MAX_VECTORS * L];
    }

    /**
     * Warms the kernels up (see {@link #warmUp}); public and without arguments, for {@link Simd#load}.
     *
     * @throws IllegalStateException if the JIT does not compile the kernels in time (then
     *                               {@link Simd#load} reports it and the plain-Java kernels are used)
     */
    public VectorGemmKernels() {
        warmUp();
    }

    /**
     * Runs every kernel on one block of the real depth until a batch of calls allocates nothing: then
     * C2 has compiled it with the Vector API intrinsics (before that, every vector is a heap object
     * and the kernels are hundreds of times slower). Without this, a kernel that a mix of products
     * uses rarely could stay slow for seconds. Takes 2 to 4 s with AVX-512 on a busy two-core machine,
     * mostly C2 compiling the ten kernels one after the other; gives up with an exception at once on a JVM without C2 ({@code -Xint},
     * {@code -XX:TieredStopAtLevel=1}) and after {@link #WARM_UP_NANOS} if the kernels still allocate.
     */
    private static void warmUp() {
        requireC2();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        boolean measurable = threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled();
        // the depth of real blocks: C2 unrolls by the trip count it profiled (warmed with 16, the
        // kernels ran 5 to 10 % slower)
        int depth = KC;
        int widest = ROW_VECTORS * L;
        float[] pa = new float[MAX_ROWS * depth];
        float[] b = new float[depth * widest];
        float[] c = new float[MAX_ROWS * widest];
        long deadline = System.nanoTime() + WARM_UP_NANOS;
        // {rows, vectors, 1 if op(A) is read in place}
        int[][] shapes = new int[3 * MAX_VECTORS + 1][];
        for (int v = 1; v <= MAX_VECTORS; v++) {
            // with A_BY_ROWS a multi-row group always runs the in-place kernel (warmed up twice)
            shapes[3 * v - 3] = new int[] {MAX_ROWS, v, A_BY_ROWS ? 1 : 0};
            shapes[3 * v - 2] = new int[] {MAX_ROWS, v, 1};
            shapes[3 * v - 1] = new int[] {1, v, 0};
        }
        shapes[3 * MAX_VECTORS] = new int[] {1, ROW_VECTORS, 0};
        // round robin, so that C2 compiles one kernel while the others run
        boolean[] compiled = new boolean[shapes.length];
        for (int left = shapes.length, round = 0; left > 0; round++) {
            for (int s = 0; s < shapes.length; s++) {
                if (compiled[s]) {
                    continue;
                }
                int rows = shapes[s][0];
                int width = shapes[s][1] * L;
                long before = measurable ? threads.getCurrentThreadAllocatedBytes() : 0;
                for (int call = 0; call < 20; call++) {
                    if (shapes[s][2] == 1) {
                        kernelInPlace(rows, shapes[s][1], depth, pa, 0, depth, b, 0, width, c, 0, width, (call & 1) == 0);
                    } else {
                        kernel(rows, shapes[s][1], depth, pa, 0, b, 0, width, c, 0, width, (call & 1) == 0);
                    }
                }
                if (measurable ? threads.getCurrentThreadAllocatedBytes() == before : round >= 1000) {
                    compiled[s] = true;
                    left--;
                } else if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the " + rows + "x" + shapes[s][1] + " kernel still allocates after "
                            + WARM_UP_NANOS / 1_000_000_000L + " s of warm-up");
                }
            }
        }
    }

    /**
     * Refuses a JVM that does not compile with C2 ({@code -Xint}, {@code -XX:TieredStopAtLevel=1}): there
     * the Vector API kernels would never stop allocating (this and the element-wise kernels' warm-up).
     *
     * @throws IllegalStateException if C2 is off
     */
    static void requireC2() {
        if (System.getProperty("java.vm.info", "").contains("interpreted mode") || !c2Enabled()) {
            throw new IllegalStateException("the JVM does not compile with C2 (" + System.getProperty("java.vm.info")
                    + "): the Vector API kernels would be slower than plain Java");
        }
    }

    /** Returns false when HotSpot's tiered compilation is told to stop before C2 (level 4). */
    private static boolean c2Enabled() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return vm == null || !Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue())
                    || Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4;
        } catch (IllegalArgumentException e) {
            return true; // not HotSpot's options: let the warm-up find out
        }
    }

    @Override
    public int columnUnit() {
        return MAX_VECTORS * L;
    }

    @Override
    public int rowUnit() {
        return MAX_ROWS;
    }

    @Override
    public String toString() {
        return "VectorGemmKernels[" + S.vectorBitSize() + "-bit, " + MAX_ROWS + "x" + MAX_VECTORS + " kernel]";
    }

    @Override
    public void blocked(boolean transA, boolean transB, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        boolean accumulate, float[] c, int cOff, int ldc,
                        int rowFrom, int rowTo, int colFrom, int colTo) {
        Workspace w = WORKSPACE.get();
        for (int jc = colFrom; jc < colTo; jc += NC) {
            int nc = Math.min(NC, colTo - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean fresh = !accumulate && pc == 0;
                boolean packB = transB || rowTo - rowFrom >= PACK_B_MIN_ROWS;
                if (transB) {
                    packTransposedB(b, bOff, ldb, pc, kc, jc, nc, w.panel);
                } else if (packB) {
                    packRowsOfB(b, bOff, ldb, pc, kc, jc, nc, w.panel);
                }
                for (int ic = rowFrom; ic < rowTo; ic += MC) {
                    int mc = Math.min(MC, rowTo - ic);
                    // op(A) = A: whole groups of rows are read in place, only a last, partial group is packed
                    int packedFrom = !transA && mc > 1 ? mc - mc % MAX_ROWS : 0;
                    if (packedFrom < mc) {
                        packA(transA, a, aOff, lda, ic + packedFrom, mc - packedFrom, pc, kc, kernelRows(mc), w.packedA);
                    }
                    boolean singleRow = mc == 1 && !packB;
                    for (int j = 0; j < nc; ) {
                        int vectors = stripVectors(singleRow, nc - j);
                        int width = vectors * L;
                        int real = Math.min(width, nc - j);
                        float[] bData;
                        int bIdx;
                        int bStride;
                        if (packB) {
                            bData = w.panel;
                            bIdx = j * kc;
                            bStride = width;
                        } else if (real == width) {
                            bData = b;
                            bIdx = bOff + pc * ldb + jc + j;
                            bStride = ldb;
                        } else {
                            // the last strip, past the end of C: zero-padded
                            packEdge(b, bOff, ldb, pc, kc, jc + j, real, width, w.edge);
                            bData = w.edge;
                            bIdx = 0;
                            bStride = width;
                        }
                        strip(vectors, real, kc, mc, a, aOff + ic * lda + pc, lda, packedFrom, w.packedA,
                                bData, bIdx, bStride, c, cOff + ic * ldc + jc + j, ldc, fresh, w.scratch);
                        j += width;
                    }
                }
            }
        }
    }

    /**
     * Returns the vectors of the strip that starts with {@code remaining} columns of the block left:
     * {@code MAX_VECTORS} while that many vectors' worth remain, then fewer, the last one possibly
     * reaching past the end; for a single row with {@code op(B) = B}, 8 while at least eight whole
     * vectors remain. {@link #blocked} and {@link #packTransposedB} walk the strips alike.
     */
    private static int stripVectors(boolean singleRow, int remaining) {
        if (singleRow && remaining >= ROW_VECTORS * L) {
            // a single row (a batch-1 step): 8 accumulators, as many independent fma chains
            return ROW_VECTORS;
        }
        return Math.min(MAX_VECTORS, (remaining + L - 1) / L);
    }

    /** Rows of the kernels for a block of {@code mc} rows: 1 for a single row, else {@code MAX_ROWS}. */
    private static int kernelRows(int mc) {
        return mc == 1 ? 1 : MAX_ROWS;
    }

    /**
     * Computes one strip ({@code real} of its {@code vectors·L} columns are in {@code C}) for every
     * group of rows of the block: rows {@code [0, packedFrom)} read in place from {@code a} (row
     * {@code i} at {@code aRows + i·lda}), the others from {@code packedA} (group at
     * {@code (i - packedFrom)·kc}). A group with rows or columns past the end of {@code C} goes through
     * the scratch tile: the real part of {@code C} is copied in, the kernel runs on the tile, and the
     * real part is copied back (the other lanes hold leftovers: each lane is computed on its own and
     * never copied back).
     */
    private static void strip(int vectors, int real, int kc, int mc, float[] a, int aRows, int lda, int packedFrom,
                              float[] packedA, float[] bData, int bIdx, int bStride,
                              float[] c, int cIdx, int ldc, boolean fresh, float[] scratch) {
        int rows = kernelRows(mc);
        int width = vectors * L;
        for (int i = 0; i < mc; i += rows) {
            int realRows = Math.min(rows, mc - i);
            int cRow = cIdx + i * ldc;
            boolean whole = realRows == rows && real == width;
            if (!whole) {
                for (int r = 0; r < realRows; r++) {
                    if (fresh) {
                        Arrays.fill(scratch, r * width, r * width + real, 0f);
                    } else {
                        System.arraycopy(c, cRow + r * ldc, scratch, r * width, real);
                    }
                }
            }
            float[] out = whole ? c : scratch;
            int outIdx = whole ? cRow : 0;
            int outLd = whole ? ldc : width;
            boolean outFresh = whole && fresh;
            if (i < packedFrom) {
                kernelInPlace(rows, vectors, kc, a, aRows + i * lda, lda, bData, bIdx, bStride, out, outIdx, outLd,
                        outFresh);
            } else if (A_BY_ROWS && rows > 1) {
                // packed row by row: the in-place kernel with a leading dimension of kc
                kernelInPlace(rows, vectors, kc, packedA, (i - packedFrom) * kc, kc, bData, bIdx, bStride, out, outIdx,
                        outLd, outFresh);
            } else {
                kernel(rows, vectors, kc, packedA, (i - packedFrom) * kc, bData, bIdx, bStride, out, outIdx, outLd,
                        outFresh);
            }
            if (!whole) {
                for (int r = 0; r < realRows; r++) {
                    System.arraycopy(scratch, r * width, c, cRow + r * ldc, real);
                }
            }
        }
    }

    /**
     * Packs {@code op(A)(ic .. ic+mc, pc .. pc+kc)} in groups of {@code rows} rows, group starting at
     * row {@code i} at {@code i·kc}: {@code packedA[i·kc + p·rows + r] = op(A)(ic+i+r, pc+p)}, or with
     * {@link #A_BY_ROWS} (and more than one row) {@code packedA[i·kc + r·kc + p]}; the rows of the last
     * group past the end of the block are zero.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                              int rows, float[] packedA) {
        for (int i = 0; i < mc; i += rows) {
            int realRows = Math.min(rows, mc - i);
            int dst = i * kc;
            if (realRows < rows) {
                Arrays.fill(packedA, dst, dst + kc * rows, 0f);
            }
            if (A_BY_ROWS && rows > 1 && !transA) {
                for (int r = 0; r < realRows; r++) {
                    System.arraycopy(a, aOff + (ic + i + r) * lda + pc, packedA, dst + r * kc, kc);
                }
            } else if (A_BY_ROWS && rows > 1) {
                // A stored (k, m): the group's rows are contiguous for each p
                int src = aOff + pc * lda + ic + i;
                for (int p = 0; p < kc; p++) {
                    for (int r = 0; r < realRows; r++) {
                        packedA[dst + r * kc + p] = a[src + r];
                    }
                    src += lda;
                }
            } else if (!transA) {
                // A(i, p) = a[aOff + i·lda + p]
                for (int r = 0; r < realRows; r++) {
                    int src = aOff + (ic + i + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        packedA[dst + p * rows + r] = a[src + p];
                    }
                }
            } else {
                // A stored (k, m): A(i, p) = a[aOff + p·lda + i], the group's rows contiguous for each p
                int src = aOff + pc * lda + ic + i;
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, src, packedA, dst + p * rows, realRows);
                    src += lda;
                }
            }
        }
    }

    /**
     * Packs {@code op(B)(pc .. pc+kc, jc .. jc+nc)} with {@code B} stored {@code (n, k)}: strips of 3, 2
     * or 1 vectors as {@link #stripVectors} cuts them, strip starting at column {@code j} at {@code j·kc},
     * {@code panel[j·kc + p·width + jj] = op(B)(pc+p, jc+j+jj)}; the last strip is padded with zeros to
     * whole vectors.
     */
    private static void packTransposedB(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                                        float[] panel) {
        int j = 0;
        while (j < nc) {
            int width = stripVectors(false, nc - j) * L;
            int real = Math.min(width, nc - j);
            int dst = j * kc;
            if (real < width) {
                Arrays.fill(panel, dst, dst + kc * width, 0f);
            }
            // B(p, j) = b[bOff + j·ldb + p]: read four stored rows along p at a time. Plain Java on
            // purpose: this runs once per block, too rarely for C2 to compile it early, and Vector API
            // code that C2 has not compiled is slower than scalar code by orders of magnitude.
            int jj = 0;
            for (; jj + 3 < real; jj += 4) {
                int src0 = bOff + (jc + j + jj) * ldb + pc;
                int src1 = src0 + ldb;
                int src2 = src1 + ldb;
                int src3 = src2 + ldb;
                int d = dst + jj;
                for (int p = 0; p < kc; p++) {
                    panel[d] = b[src0 + p];
                    panel[d + 1] = b[src1 + p];
                    panel[d + 2] = b[src2 + p];
                    panel[d + 3] = b[src3 + p];
                    d += width;
                }
            }
            for (; jj < real; jj++) {
                int src = bOff + (jc + j + jj) * ldb + pc;
                int d = dst + jj;
                for (int p = 0; p < kc; p++) {
                    panel[d] = b[src + p];
                    d += width;
                }
            }
            j += width;
        }
    }

    /**
     * Packs {@code op(B)(pc .. pc+kc, jc .. jc+nc)} with {@code B} stored {@code (k, n)} in the strips of
     * {@link #packTransposedB}: each strip's rows contiguous, so that the micro-kernel reads the strip
     * from consecutive cache lines (rows of {@code B} read in place are {@code ldb} apart, and with a
     * power-of-two {@code ldb} they fall into a few sets of the L1 cache and evict each other).
     */
    private static void packRowsOfB(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] panel) {
        int j = 0;
        while (j < nc) {
            int width = stripVectors(false, nc - j) * L;
            int real = Math.min(width, nc - j);
            int dst = j * kc;
            int src = bOff + pc * ldb + jc + j;
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, src, panel, dst, real);
                if (real < width) {
                    Arrays.fill(panel, dst + real, dst + width, 0f);
                }
                src += ldb;
                dst += width;
            }
            j += width;
        }
    }

    /** Packs {@code B(pc .. pc+kc, j0 .. j0+real)}, zero-padded to {@code width} columns: row p at {@code p·width}. */
    private static void packEdge(float[] b, int bOff, int ldb, int pc, int kc, int j0, int real, int width,
                                 float[] edge) {
        for (int p = 0; p < kc; p++) {
            int dst = p * width;
            System.arraycopy(b, bOff + (pc + p) * ldb + j0, edge, dst, real);
            Arrays.fill(edge, dst + real, dst + width, 0f);
        }
    }

    /** Runs the micro-kernel of {@code rows × vectors}: 8 or 4 rows of 3, 2 or 1 vectors; 1 row of 8, 3, 2 or 1. */
    private static void kernel(int rows, int vectors, int depth, float[] pa, int aIdx, float[] b, int bIdx,
                               int bStride, float[] c, int cIdx, int ldc, boolean fresh) {
        if (rows == 8) {
            if (vectors == 3) {
                kernel8x3(depth, pa, aIdx, b, bIdx, bStride, c, cIdx, ldc, fresh);
            } else if (vectors == 2) {
                kernel8x2(depth, pa, aIdx, b, bIdx, bStride, c, cIdx, ldc, fresh);
            } else {
                kernel8x1(depth, pa, aIdx, b, bIdx, bStride, c, cIdx, ldc, fresh);
            }
        } else {
            if (vectors == ROW_VECTORS) {
                kernel1x8(depth, pa, aIdx, b, bIdx, bStride, c, cIdx, ldc, fresh);
            } else if (vectors == 3) {
                kernel1x3(depth, pa, aIdx, b, bIdx, bStride, c, cIdx, ldc, fresh);
            } else if (vectors == 2) {
                kernel1x2(depth, pa, aIdx, b, bIdx, bStride, c, cIdx, ldc, fresh);
            } else {
                kernel1x1(depth, pa, aIdx, b, bIdx, bStride, c, cIdx, ldc, fresh);
            }
        }
    }

    /** Runs the micro-kernel of {@code rows × vectors} (8 or 4 rows) that reads {@code op(A) = A} in place. */
    private static void kernelInPlace(int rows, int vectors, int depth, float[] a, int aIdx, int lda, float[] b,
                                      int bIdx, int bStride, float[] c, int cIdx, int ldc, boolean fresh) {
        if (rows == 8) {
            if (vectors == 3) {
                kernel8x3InPlace(depth, a, aIdx, lda, b, bIdx, bStride, c, cIdx, ldc, fresh);
            } else if (vectors == 2) {
                kernel8x2InPlace(depth, a, aIdx, lda, b, bIdx, bStride, c, cIdx, ldc, fresh);
            } else {
                kernel8x1InPlace(depth, a, aIdx, lda, b, bIdx, bStride, c, cIdx, ldc, fresh);
            }
        } else {
            if (vectors == 2) {
                kernel6x2InPlace(depth, a, aIdx, lda, b, bIdx, bStride, c, cIdx, ldc, fresh);
            } else {
                kernel6x1InPlace(depth, a, aIdx, lda, b, bIdx, bStride, c, cIdx, ldc, fresh);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Micro-kernels (generated code: one per shape, rows × vectors of accumulators)

    /**
     * {@code C(r, v·L + lane) = fma chain over p of pa(p, r) · b(p, v·L + lane)} for 8 rows and 3
     * vectors, in ascending {@code p}, the accumulators held in registers for the whole chain.
     *
     * @param depth   values of p
     * @param pa      packed op(A), {@code pa[aIdx + p·rows + r]}; not modified
     * @param aIdx    index of the group's first value in {@code pa}
     * @param b       op(B) rows: row p at {@code bIdx + p·bStride}, contiguous columns; not modified
     * @param bIdx    index of {@code op(B)(0, 0)} of the strip in {@code b}
     * @param bStride distance between rows of {@code op(B)} in {@code b}
     * @param c       C; modified (rows × vectors·L values)
     * @param cIdx    index of {@code C(0, 0)} of the block in {@code c}
     * @param ldc     distance between rows of C in {@code c}
     * @param fresh   start from +0 instead of loading C
     */
    private static void kernel8x3(int depth, float[] pa, int aIdx, float[] b, int bIdx, int bStride,
                                   float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        int sld = fresh ? 0 : ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        FloatVector c01 = FloatVector.fromArray(S, src, s0 + L);
        FloatVector c02 = FloatVector.fromArray(S, src, s0 + 2 * L);
        int s1 = s0 + sld;
        FloatVector c10 = FloatVector.fromArray(S, src, s1);
        FloatVector c11 = FloatVector.fromArray(S, src, s1 + L);
        FloatVector c12 = FloatVector.fromArray(S, src, s1 + 2 * L);
        int s2 = s1 + sld;
        FloatVector c20 = FloatVector.fromArray(S, src, s2);
        FloatVector c21 = FloatVector.fromArray(S, src, s2 + L);
        FloatVector c22 = FloatVector.fromArray(S, src, s2 + 2 * L);
        int s3 = s2 + sld;
        FloatVector c30 = FloatVector.fromArray(S, src, s3);
        FloatVector c31 = FloatVector.fromArray(S, src, s3 + L);
        FloatVector c32 = FloatVector.fromArray(S, src, s3 + 2 * L);
        int s4 = s3 + sld;
        FloatVector c40 = FloatVector.fromArray(S, src, s4);
        FloatVector c41 = FloatVector.fromArray(S, src, s4 + L);
        FloatVector c42 = FloatVector.fromArray(S, src, s4 + 2 * L);
        int s5 = s4 + sld;
        FloatVector c50 = FloatVector.fromArray(S, src, s5);
        FloatVector c51 = FloatVector.fromArray(S, src, s5 + L);
        FloatVector c52 = FloatVector.fromArray(S, src, s5 + 2 * L);
        int s6 = s5 + sld;
        FloatVector c60 = FloatVector.fromArray(S, src, s6);
        FloatVector c61 = FloatVector.fromArray(S, src, s6 + L);
        FloatVector c62 = FloatVector.fromArray(S, src, s6 + 2 * L);
        int s7 = s6 + sld;
        FloatVector c70 = FloatVector.fromArray(S, src, s7);
        FloatVector c71 = FloatVector.fromArray(S, src, s7 + L);
        FloatVector c72 = FloatVector.fromArray(S, src, s7 + 2 * L);
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, b, bIdx + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bIdx + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, pa[aIdx]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, pa[aIdx + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, pa[aIdx + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, pa[aIdx + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, pa[aIdx + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, pa[aIdx + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, pa[aIdx + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, pa[aIdx + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
            aIdx += 8;
            bIdx += bStride;
        }
        int d0 = cIdx;
        c00.intoArray(c, d0);
        c01.intoArray(c, d0 + L);
        c02.intoArray(c, d0 + 2 * L);
        int d1 = cIdx + ldc;
        c10.intoArray(c, d1);
        c11.intoArray(c, d1 + L);
        c12.intoArray(c, d1 + 2 * L);
        int d2 = cIdx + 2 * ldc;
        c20.intoArray(c, d2);
        c21.intoArray(c, d2 + L);
        c22.intoArray(c, d2 + 2 * L);
        int d3 = cIdx + 3 * ldc;
        c30.intoArray(c, d3);
        c31.intoArray(c, d3 + L);
        c32.intoArray(c, d3 + 2 * L);
        int d4 = cIdx + 4 * ldc;
        c40.intoArray(c, d4);
        c41.intoArray(c, d4 + L);
        c42.intoArray(c, d4 + 2 * L);
        int d5 = cIdx + 5 * ldc;
        c50.intoArray(c, d5);
        c51.intoArray(c, d5 + L);
        c52.intoArray(c, d5 + 2 * L);
        int d6 = cIdx + 6 * ldc;
        c60.intoArray(c, d6);
        c61.intoArray(c, d6 + L);
        c62.intoArray(c, d6 + 2 * L);
        int d7 = cIdx + 7 * ldc;
        c70.intoArray(c, d7);
        c71.intoArray(c, d7 + L);
        c72.intoArray(c, d7 + 2 * L);
    }

    /** 8 rows × 2 vectors: see {@link #kernel8x3}. */
    private static void kernel8x2(int depth, float[] pa, int aIdx, float[] b, int bIdx, int bStride,
                                   float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        int sld = fresh ? 0 : ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        FloatVector c01 = FloatVector.fromArray(S, src, s0 + L);
        int s1 = s0 + sld;
        FloatVector c10 = FloatVector.fromArray(S, src, s1);
        FloatVector c11 = FloatVector.fromArray(S, src, s1 + L);
        int s2 = s1 + sld;
        FloatVector c20 = FloatVector.fromArray(S, src, s2);
        FloatVector c21 = FloatVector.fromArray(S, src, s2 + L);
        int s3 = s2 + sld;
        FloatVector c30 = FloatVector.fromArray(S, src, s3);
        FloatVector c31 = FloatVector.fromArray(S, src, s3 + L);
        int s4 = s3 + sld;
        FloatVector c40 = FloatVector.fromArray(S, src, s4);
        FloatVector c41 = FloatVector.fromArray(S, src, s4 + L);
        int s5 = s4 + sld;
        FloatVector c50 = FloatVector.fromArray(S, src, s5);
        FloatVector c51 = FloatVector.fromArray(S, src, s5 + L);
        int s6 = s5 + sld;
        FloatVector c60 = FloatVector.fromArray(S, src, s6);
        FloatVector c61 = FloatVector.fromArray(S, src, s6 + L);
        int s7 = s6 + sld;
        FloatVector c70 = FloatVector.fromArray(S, src, s7);
        FloatVector c71 = FloatVector.fromArray(S, src, s7 + L);
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, b, bIdx + L);
            FloatVector a0 = FloatVector.broadcast(S, pa[aIdx]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, pa[aIdx + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, pa[aIdx + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, pa[aIdx + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, pa[aIdx + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, pa[aIdx + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, pa[aIdx + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, pa[aIdx + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            aIdx += 8;
            bIdx += bStride;
        }
        int d0 = cIdx;
        c00.intoArray(c, d0);
        c01.intoArray(c, d0 + L);
        int d1 = cIdx + ldc;
        c10.intoArray(c, d1);
        c11.intoArray(c, d1 + L);
        int d2 = cIdx + 2 * ldc;
        c20.intoArray(c, d2);
        c21.intoArray(c, d2 + L);
        int d3 = cIdx + 3 * ldc;
        c30.intoArray(c, d3);
        c31.intoArray(c, d3 + L);
        int d4 = cIdx + 4 * ldc;
        c40.intoArray(c, d4);
        c41.intoArray(c, d4 + L);
        int d5 = cIdx + 5 * ldc;
        c50.intoArray(c, d5);
        c51.intoArray(c, d5 + L);
        int d6 = cIdx + 6 * ldc;
        c60.intoArray(c, d6);
        c61.intoArray(c, d6 + L);
        int d7 = cIdx + 7 * ldc;
        c70.intoArray(c, d7);
        c71.intoArray(c, d7 + L);
    }

    /** 8 rows × 1 vector: see {@link #kernel8x3}. */
    private static void kernel8x1(int depth, float[] pa, int aIdx, float[] b, int bIdx, int bStride,
                                   float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        int sld = fresh ? 0 : ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        int s1 = s0 + sld;
        FloatVector c10 = FloatVector.fromArray(S, src, s1);
        int s2 = s1 + sld;
        FloatVector c20 = FloatVector.fromArray(S, src, s2);
        int s3 = s2 + sld;
        FloatVector c30 = FloatVector.fromArray(S, src, s3);
        int s4 = s3 + sld;
        FloatVector c40 = FloatVector.fromArray(S, src, s4);
        int s5 = s4 + sld;
        FloatVector c50 = FloatVector.fromArray(S, src, s5);
        int s6 = s5 + sld;
        FloatVector c60 = FloatVector.fromArray(S, src, s6);
        int s7 = s6 + sld;
        FloatVector c70 = FloatVector.fromArray(S, src, s7);
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector a0 = FloatVector.broadcast(S, pa[aIdx]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, pa[aIdx + 1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, pa[aIdx + 2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, pa[aIdx + 3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, pa[aIdx + 4]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, pa[aIdx + 5]);
            c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(S, pa[aIdx + 6]);
            c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(S, pa[aIdx + 7]);
            c70 = a7.fma(b0, c70);
            aIdx += 8;
            bIdx += bStride;
        }
        int d0 = cIdx;
        c00.intoArray(c, d0);
        int d1 = cIdx + ldc;
        c10.intoArray(c, d1);
        int d2 = cIdx + 2 * ldc;
        c20.intoArray(c, d2);
        int d3 = cIdx + 3 * ldc;
        c30.intoArray(c, d3);
        int d4 = cIdx + 4 * ldc;
        c40.intoArray(c, d4);
        int d5 = cIdx + 5 * ldc;
        c50.intoArray(c, d5);
        int d6 = cIdx + 6 * ldc;
        c60.intoArray(c, d6);
        int d7 = cIdx + 7 * ldc;
        c70.intoArray(c, d7);
    }

    /** 1 row × 3 vectors: see {@link #kernel8x3}. */
    private static void kernel1x3(int depth, float[] pa, int aIdx, float[] b, int bIdx, int bStride,
                                   float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        FloatVector c01 = FloatVector.fromArray(S, src, s0 + L);
        FloatVector c02 = FloatVector.fromArray(S, src, s0 + 2 * L);
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, b, bIdx + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bIdx + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, pa[aIdx]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            aIdx += 1;
            bIdx += bStride;
        }
        c00.intoArray(c, cIdx);
        c01.intoArray(c, cIdx + L);
        c02.intoArray(c, cIdx + 2 * L);
    }

    /** 1 row × 2 vectors: see {@link #kernel8x3}. */
    private static void kernel1x2(int depth, float[] pa, int aIdx, float[] b, int bIdx, int bStride,
                                   float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        FloatVector c01 = FloatVector.fromArray(S, src, s0 + L);
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, b, bIdx + L);
            FloatVector a0 = FloatVector.broadcast(S, pa[aIdx]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            aIdx += 1;
            bIdx += bStride;
        }
        c00.intoArray(c, cIdx);
        c01.intoArray(c, cIdx + L);
    }

    /** 1 row × 1 vector: see {@link #kernel8x3}. */
    private static void kernel1x1(int depth, float[] pa, int aIdx, float[] b, int bIdx, int bStride,
                                   float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector a0 = FloatVector.broadcast(S, pa[aIdx]);
            c00 = a0.fma(b0, c00);
            aIdx += 1;
            bIdx += bStride;
        }
        c00.intoArray(c, cIdx);
    }

    /** 1 row × 8 vectors: see {@link #kernel8x3}. */
    private static void kernel1x8(int depth, float[] pa, int aIdx, float[] b, int bIdx, int bStride,
                                   float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        FloatVector c01 = FloatVector.fromArray(S, src, s0 + L);
        FloatVector c02 = FloatVector.fromArray(S, src, s0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, src, s0 + 3 * L);
        FloatVector c04 = FloatVector.fromArray(S, src, s0 + 4 * L);
        FloatVector c05 = FloatVector.fromArray(S, src, s0 + 5 * L);
        FloatVector c06 = FloatVector.fromArray(S, src, s0 + 6 * L);
        FloatVector c07 = FloatVector.fromArray(S, src, s0 + 7 * L);
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, b, bIdx + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bIdx + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bIdx + 3 * L);
            FloatVector b4 = FloatVector.fromArray(S, b, bIdx + 4 * L);
            FloatVector b5 = FloatVector.fromArray(S, b, bIdx + 5 * L);
            FloatVector b6 = FloatVector.fromArray(S, b, bIdx + 6 * L);
            FloatVector b7 = FloatVector.fromArray(S, b, bIdx + 7 * L);
            FloatVector a0 = FloatVector.broadcast(S, pa[aIdx]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            c04 = a0.fma(b4, c04);
            c05 = a0.fma(b5, c05);
            c06 = a0.fma(b6, c06);
            c07 = a0.fma(b7, c07);
            aIdx += 1;
            bIdx += bStride;
        }
        c00.intoArray(c, cIdx);
        c01.intoArray(c, cIdx + L);
        c02.intoArray(c, cIdx + 2 * L);
        c03.intoArray(c, cIdx + 3 * L);
        c04.intoArray(c, cIdx + 4 * L);
        c05.intoArray(c, cIdx + 5 * L);
        c06.intoArray(c, cIdx + 6 * L);
        c07.intoArray(c, cIdx + 7 * L);
    }

    /** {@link #kernel8x3} with {@code op(A) = A} read in place: row r at {@code aIdx + r·lda}. */
    private static void kernel8x3InPlace(int depth, float[] a, int aIdx, int lda, float[] b, int bIdx, int bStride,
                                          float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        int sld = fresh ? 0 : ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        FloatVector c01 = FloatVector.fromArray(S, src, s0 + L);
        FloatVector c02 = FloatVector.fromArray(S, src, s0 + 2 * L);
        int s1 = s0 + sld;
        FloatVector c10 = FloatVector.fromArray(S, src, s1);
        FloatVector c11 = FloatVector.fromArray(S, src, s1 + L);
        FloatVector c12 = FloatVector.fromArray(S, src, s1 + 2 * L);
        int s2 = s1 + sld;
        FloatVector c20 = FloatVector.fromArray(S, src, s2);
        FloatVector c21 = FloatVector.fromArray(S, src, s2 + L);
        FloatVector c22 = FloatVector.fromArray(S, src, s2 + 2 * L);
        int s3 = s2 + sld;
        FloatVector c30 = FloatVector.fromArray(S, src, s3);
        FloatVector c31 = FloatVector.fromArray(S, src, s3 + L);
        FloatVector c32 = FloatVector.fromArray(S, src, s3 + 2 * L);
        int s4 = s3 + sld;
        FloatVector c40 = FloatVector.fromArray(S, src, s4);
        FloatVector c41 = FloatVector.fromArray(S, src, s4 + L);
        FloatVector c42 = FloatVector.fromArray(S, src, s4 + 2 * L);
        int s5 = s4 + sld;
        FloatVector c50 = FloatVector.fromArray(S, src, s5);
        FloatVector c51 = FloatVector.fromArray(S, src, s5 + L);
        FloatVector c52 = FloatVector.fromArray(S, src, s5 + 2 * L);
        int s6 = s5 + sld;
        FloatVector c60 = FloatVector.fromArray(S, src, s6);
        FloatVector c61 = FloatVector.fromArray(S, src, s6 + L);
        FloatVector c62 = FloatVector.fromArray(S, src, s6 + 2 * L);
        int s7 = s6 + sld;
        FloatVector c70 = FloatVector.fromArray(S, src, s7);
        FloatVector c71 = FloatVector.fromArray(S, src, s7 + L);
        FloatVector c72 = FloatVector.fromArray(S, src, s7 + 2 * L);
        int r0 = aIdx;
        int r1 = r0 + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int r4 = r3 + lda;
        int r5 = r4 + lda;
        int r6 = r5 + lda;
        int r7 = r6 + lda;
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, b, bIdx + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bIdx + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[r0 + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, a[r6 + p]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, a[r7 + p]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
            bIdx += bStride;
        }
        int d0 = cIdx;
        c00.intoArray(c, d0);
        c01.intoArray(c, d0 + L);
        c02.intoArray(c, d0 + 2 * L);
        int d1 = cIdx + ldc;
        c10.intoArray(c, d1);
        c11.intoArray(c, d1 + L);
        c12.intoArray(c, d1 + 2 * L);
        int d2 = cIdx + 2 * ldc;
        c20.intoArray(c, d2);
        c21.intoArray(c, d2 + L);
        c22.intoArray(c, d2 + 2 * L);
        int d3 = cIdx + 3 * ldc;
        c30.intoArray(c, d3);
        c31.intoArray(c, d3 + L);
        c32.intoArray(c, d3 + 2 * L);
        int d4 = cIdx + 4 * ldc;
        c40.intoArray(c, d4);
        c41.intoArray(c, d4 + L);
        c42.intoArray(c, d4 + 2 * L);
        int d5 = cIdx + 5 * ldc;
        c50.intoArray(c, d5);
        c51.intoArray(c, d5 + L);
        c52.intoArray(c, d5 + 2 * L);
        int d6 = cIdx + 6 * ldc;
        c60.intoArray(c, d6);
        c61.intoArray(c, d6 + L);
        c62.intoArray(c, d6 + 2 * L);
        int d7 = cIdx + 7 * ldc;
        c70.intoArray(c, d7);
        c71.intoArray(c, d7 + L);
        c72.intoArray(c, d7 + 2 * L);
    }

    /** {@link #kernel8x2} with {@code op(A) = A} read in place: row r at {@code aIdx + r·lda}. */
    private static void kernel8x2InPlace(int depth, float[] a, int aIdx, int lda, float[] b, int bIdx, int bStride,
                                          float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        int sld = fresh ? 0 : ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        FloatVector c01 = FloatVector.fromArray(S, src, s0 + L);
        int s1 = s0 + sld;
        FloatVector c10 = FloatVector.fromArray(S, src, s1);
        FloatVector c11 = FloatVector.fromArray(S, src, s1 + L);
        int s2 = s1 + sld;
        FloatVector c20 = FloatVector.fromArray(S, src, s2);
        FloatVector c21 = FloatVector.fromArray(S, src, s2 + L);
        int s3 = s2 + sld;
        FloatVector c30 = FloatVector.fromArray(S, src, s3);
        FloatVector c31 = FloatVector.fromArray(S, src, s3 + L);
        int s4 = s3 + sld;
        FloatVector c40 = FloatVector.fromArray(S, src, s4);
        FloatVector c41 = FloatVector.fromArray(S, src, s4 + L);
        int s5 = s4 + sld;
        FloatVector c50 = FloatVector.fromArray(S, src, s5);
        FloatVector c51 = FloatVector.fromArray(S, src, s5 + L);
        int s6 = s5 + sld;
        FloatVector c60 = FloatVector.fromArray(S, src, s6);
        FloatVector c61 = FloatVector.fromArray(S, src, s6 + L);
        int s7 = s6 + sld;
        FloatVector c70 = FloatVector.fromArray(S, src, s7);
        FloatVector c71 = FloatVector.fromArray(S, src, s7 + L);
        int r0 = aIdx;
        int r1 = r0 + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int r4 = r3 + lda;
        int r5 = r4 + lda;
        int r6 = r5 + lda;
        int r7 = r6 + lda;
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, b, bIdx + L);
            FloatVector a0 = FloatVector.broadcast(S, a[r0 + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[r6 + p]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[r7 + p]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            bIdx += bStride;
        }
        int d0 = cIdx;
        c00.intoArray(c, d0);
        c01.intoArray(c, d0 + L);
        int d1 = cIdx + ldc;
        c10.intoArray(c, d1);
        c11.intoArray(c, d1 + L);
        int d2 = cIdx + 2 * ldc;
        c20.intoArray(c, d2);
        c21.intoArray(c, d2 + L);
        int d3 = cIdx + 3 * ldc;
        c30.intoArray(c, d3);
        c31.intoArray(c, d3 + L);
        int d4 = cIdx + 4 * ldc;
        c40.intoArray(c, d4);
        c41.intoArray(c, d4 + L);
        int d5 = cIdx + 5 * ldc;
        c50.intoArray(c, d5);
        c51.intoArray(c, d5 + L);
        int d6 = cIdx + 6 * ldc;
        c60.intoArray(c, d6);
        c61.intoArray(c, d6 + L);
        int d7 = cIdx + 7 * ldc;
        c70.intoArray(c, d7);
        c71.intoArray(c, d7 + L);
    }

    /** {@link #kernel8x1} with {@code op(A) = A} read in place: row r at {@code aIdx + r·lda}. */
    private static void kernel8x1InPlace(int depth, float[] a, int aIdx, int lda, float[] b, int bIdx, int bStride,
                                          float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        int sld = fresh ? 0 : ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        int s1 = s0 + sld;
        FloatVector c10 = FloatVector.fromArray(S, src, s1);
        int s2 = s1 + sld;
        FloatVector c20 = FloatVector.fromArray(S, src, s2);
        int s3 = s2 + sld;
        FloatVector c30 = FloatVector.fromArray(S, src, s3);
        int s4 = s3 + sld;
        FloatVector c40 = FloatVector.fromArray(S, src, s4);
        int s5 = s4 + sld;
        FloatVector c50 = FloatVector.fromArray(S, src, s5);
        int s6 = s5 + sld;
        FloatVector c60 = FloatVector.fromArray(S, src, s6);
        int s7 = s6 + sld;
        FloatVector c70 = FloatVector.fromArray(S, src, s7);
        int r0 = aIdx;
        int r1 = r0 + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int r4 = r3 + lda;
        int r5 = r4 + lda;
        int r6 = r5 + lda;
        int r7 = r6 + lda;
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector a0 = FloatVector.broadcast(S, a[r0 + p]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
            c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(S, a[r6 + p]);
            c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(S, a[r7 + p]);
            c70 = a7.fma(b0, c70);
            bIdx += bStride;
        }
        int d0 = cIdx;
        c00.intoArray(c, d0);
        int d1 = cIdx + ldc;
        c10.intoArray(c, d1);
        int d2 = cIdx + 2 * ldc;
        c20.intoArray(c, d2);
        int d3 = cIdx + 3 * ldc;
        c30.intoArray(c, d3);
        int d4 = cIdx + 4 * ldc;
        c40.intoArray(c, d4);
        int d5 = cIdx + 5 * ldc;
        c50.intoArray(c, d5);
        int d6 = cIdx + 6 * ldc;
        c60.intoArray(c, d6);
        int d7 = cIdx + 7 * ldc;
        c70.intoArray(c, d7);
    }

    /** 6 rows × 2 vectors as {@link #kernel8x3} computes them, {@code op(A)} row r at {@code aIdx + r·lda}. */
    private static void kernel6x2InPlace(int depth, float[] a, int aIdx, int lda, float[] b, int bIdx, int bStride,
                                          float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        int sld = fresh ? 0 : ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        FloatVector c01 = FloatVector.fromArray(S, src, s0 + L);
        int s1 = s0 + sld;
        FloatVector c10 = FloatVector.fromArray(S, src, s1);
        FloatVector c11 = FloatVector.fromArray(S, src, s1 + L);
        int s2 = s1 + sld;
        FloatVector c20 = FloatVector.fromArray(S, src, s2);
        FloatVector c21 = FloatVector.fromArray(S, src, s2 + L);
        int s3 = s2 + sld;
        FloatVector c30 = FloatVector.fromArray(S, src, s3);
        FloatVector c31 = FloatVector.fromArray(S, src, s3 + L);
        int s4 = s3 + sld;
        FloatVector c40 = FloatVector.fromArray(S, src, s4);
        FloatVector c41 = FloatVector.fromArray(S, src, s4 + L);
        int s5 = s4 + sld;
        FloatVector c50 = FloatVector.fromArray(S, src, s5);
        FloatVector c51 = FloatVector.fromArray(S, src, s5 + L);
        int r0 = aIdx;
        int r1 = r0 + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int r4 = r3 + lda;
        int r5 = r4 + lda;
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, b, bIdx + L);
            FloatVector a0 = FloatVector.broadcast(S, a[r0 + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            bIdx += bStride;
        }
        int d0 = cIdx;
        c00.intoArray(c, d0);
        c01.intoArray(c, d0 + L);
        int d1 = cIdx + ldc;
        c10.intoArray(c, d1);
        c11.intoArray(c, d1 + L);
        int d2 = cIdx + 2 * ldc;
        c20.intoArray(c, d2);
        c21.intoArray(c, d2 + L);
        int d3 = cIdx + 3 * ldc;
        c30.intoArray(c, d3);
        c31.intoArray(c, d3 + L);
        int d4 = cIdx + 4 * ldc;
        c40.intoArray(c, d4);
        c41.intoArray(c, d4 + L);
        int d5 = cIdx + 5 * ldc;
        c50.intoArray(c, d5);
        c51.intoArray(c, d5 + L);
    }

    /** 6 rows × 1 vector as {@link #kernel8x3} computes them, {@code op(A)} row r at {@code aIdx + r·lda}. */
    private static void kernel6x1InPlace(int depth, float[] a, int aIdx, int lda, float[] b, int bIdx, int bStride,
                                          float[] c, int cIdx, int ldc, boolean fresh) {
        // fresh: every row reads the zeros (a branch here would box the vectors on Java 17)
        float[] src = fresh ? ZEROS : c;
        int s0 = fresh ? 0 : cIdx;
        int sld = fresh ? 0 : ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0);
        int s1 = s0 + sld;
        FloatVector c10 = FloatVector.fromArray(S, src, s1);
        int s2 = s1 + sld;
        FloatVector c20 = FloatVector.fromArray(S, src, s2);
        int s3 = s2 + sld;
        FloatVector c30 = FloatVector.fromArray(S, src, s3);
        int s4 = s3 + sld;
        FloatVector c40 = FloatVector.fromArray(S, src, s4);
        int s5 = s4 + sld;
        FloatVector c50 = FloatVector.fromArray(S, src, s5);
        int r0 = aIdx;
        int r1 = r0 + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int r4 = r3 + lda;
        int r5 = r4 + lda;
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bIdx);
            FloatVector a0 = FloatVector.broadcast(S, a[r0 + p]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
            c50 = a5.fma(b0, c50);
            bIdx += bStride;
        }
        int d0 = cIdx;
        c00.intoArray(c, d0);
        int d1 = cIdx + ldc;
        c10.intoArray(c, d1);
        int d2 = cIdx + 2 * ldc;
        c20.intoArray(c, d2);
        int d3 = cIdx + 3 * ldc;
        c30.intoArray(c, d3);
        int d4 = cIdx + 4 * ldc;
        c40.intoArray(c, d4);
        int d5 = cIdx + 5 * ldc;
        c50.intoArray(c, d5);
    }
}
