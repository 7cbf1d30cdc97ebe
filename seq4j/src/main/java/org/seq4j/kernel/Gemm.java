package org.seq4j.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <h2>Arithmetic</h2>
 * Each element of {@code C} is computed as one chain of fused multiply-adds ({@link Math#fma}) over
 * {@code p = 0 .. k-1} in ascending order, starting from {@code C(i, j)} when accumulating and from
 * zero otherwise. Every internal path, block size and thread split follows that order, so results are
 * reproducible bit for bit, whatever the number of threads. {@link GemmReference} holds the naive
 * triple loop (summing in double) that tests compare this against.
 *
 * <h2>Speed</h2>
 * Large products are packed into per-thread workspaces and computed by register-tiled loops: when
 * the JVM runs with {@code --add-modules jdk.incubator.vector}, by micro-kernels written with the
 * Vector API that keep a block of {@code C} in vector registers ({@code VectorGemmKernels}, about
 * twice as fast); otherwise by plain-Java loops written so that HotSpot C2 vectorises them (see
 * {@code GemmKernels}). Both compute the same fma chains.
 *
 * <h2>When the Vector API kernels are warmed up</h2>
 * Before the Vector API kernels are fast, HotSpot must compile them, which costs about three seconds of
 * one core. A short run would pay that and gain little, so the warm-up is bought like skis that one
 * rents until renting has cost as much as buying: products run on the plain kernels, which need no
 * warm-up, until they have computed {@value #DEFAULT_WARM_UP_AFTER} multiply-adds (about as long as the
 * warm-up takes); only then does a background thread load and warm up the Vector API kernels, and
 * products switch to them once they are ready (a second thread warms up the element-wise kernels of
 * {@link FloatActivations} alike). A run never spends more than about twice what it would
 * with the best choice made in hindsight, and a short run spends nothing. The system property
 * {@value #WARM_UP_AFTER_PROPERTY} sets the threshold (0: warm up when this class is loaded);
 * {@link #awaitVectorKernels()} starts the warm-up at once and waits for it (for benchmarks). Tiny products, and products with
 * {@code Bᵀ} and at most a few rows (batch-1 matrix-vector products), run directly without packing.
 * After a thread's first product, products allocate nothing: each thread that computes a packed
 * product keeps a workspace of about 0.5 MiB (each kind of kernel) for the rest of its life. Products of at least
 * {@value #PARALLEL_MIN_WORK} multiply-adds ({@code m·n·k}) are split over {@link #threads()} threads
 * (the shared {@link WorkerTeam}, one task at a time; a caller that finds the team busy computes
 * alone). The thread count defaults to the number of available processors and can be set with the
 * system property {@value #THREADS_PROPERTY} or {@link #setThreads(int)}.
 *
 * <p>Arguments are not checked here (this is a kernel): indices outside the arrays throw
 * {@link IndexOutOfBoundsException} (an {@link ArrayIndexOutOfBoundsException} from the plain-Java
 * kernels). {@link org.seq4j.tensor.Tensors} checks shapes at its public entry points.
 */
public final class Gemm {

    /** System property read once, when this class is loaded: the number of threads for large products. */
    public static final String THREADS_PROPERTY = "seq4j.threads";

    /** Products with at least this many multiply-adds ({@code m·n·k}) are split over the threads. */
    public static final long PARALLEL_MIN_WORK = 1L << 21;

    private static final Logger LOG = LoggerFactory.getLogger(Gemm.class);

    /**
     * The blocked path written with the Vector API once it is loaded and warmed up; null before that,
     * and for good when the JVM lacks the module (or {@code -Dseq4j.simd=false}): then the plain-Java
     * {@link GemmKernels#blocked} computes, with the same results. Each product reads it once.
     */
    private static volatile BlockedGemmKernels vectorKernels;

    /** Counted down by each of the two loaders when its kernels are ready or known to be unavailable. */
    private static final CountDownLatch VECTOR_KERNELS_SETTLED = new CountDownLatch(2);

    /** System property: multiply-adds on the plain kernels after which the Vector API kernels are warmed up. */
    public static final String WARM_UP_AFTER_PROPERTY = "seq4j.simd.warmUpAfter";

    /** Default of {@value #WARM_UP_AFTER_PROPERTY}: about three seconds of one core on the plain kernels. */
    public static final long DEFAULT_WARM_UP_AFTER = 30_000_000_000L;

    private static final long WARM_UP_AFTER = warmUpAfter();

    /** Set once, by the first caller that starts the warm-up. */
    private static final AtomicBoolean WARM_UP_STARTED = new AtomicBoolean();

    /**
     * Multiply-adds computed by the blocked plain-Java kernels while the Vector API kernels could be
     * warmed up but are not yet; updated without synchronisation (an estimate is enough).
     */
    private static long plainWork;

    static {
        if (!Simd.available()) {
            WARM_UP_STARTED.set(true);
            VECTOR_KERNELS_SETTLED.countDown();   // both loaders: nothing to load
            VECTOR_KERNELS_SETTLED.countDown();
        } else if (WARM_UP_AFTER == 0) {
            startWarmUp();
        }
    }

    /**
     * Loads and warms up the Vector API kernels, once: Gemm's on one background thread, the element-wise
     * kernels of {@link FloatActivations} on another, so that they (about 1 s) do not
     * wait for Gemm's (2 to 4 s).
     */
    private static void startWarmUp() {
        if (!WARM_UP_STARTED.compareAndSet(false, true)) {
            return;
        }
        // The kernels' constructors run them until C2 has compiled them (Gemm's 2 to 4 s on two busy cores,
        // the element-wise ones about 1 s); meanwhile everything runs on the plain kernels instead of waiting.
        startLoader("seq4j-gemm-warm-up", () -> vectorKernels =
                Simd.load(BlockedGemmKernels.class, "org.seq4j.kernel.VectorGemmKernels").orElse(null));
        startLoader("seq4j-elementwise-warm-up", () -> FloatActivations.useVectorKernels(
                Simd.load(ElementwiseKernels.class, "org.seq4j.kernel.VectorElementwiseKernels").orElse(null)));
    }

    /** Runs {@code load} on a daemon thread of its own, then counts {@link #VECTOR_KERNELS_SETTLED} down. */
    private static void startLoader(String name, Runnable load) {
        Thread loader = new Thread(() -> {
            try {
                load.run();
            } finally {
                VECTOR_KERNELS_SETTLED.countDown();
            }
        }, name);
        loader.setDaemon(true);
        loader.start();
    }

    private static long warmUpAfter() {
        String value = System.getProperty(WARM_UP_AFTER_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_WARM_UP_AFTER;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warn("System property {} must be an integer >= 0 but was '{}'; using {}",
                WARM_UP_AFTER_PROPERTY, value, DEFAULT_WARM_UP_AFTER);
        return DEFAULT_WARM_UP_AFTER;
    }

    private static volatile int threads = initialThreads();

    private Gemm() {
    }

    /**
     * Returns the number of threads that large products are split over (1 means single-threaded).
     *
     * @return the thread count, at least 1
     */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads that large products (and recurrent time loops) are split over, replacing
     * the {@link WorkerTeam}. Results do not depend on this setting.
     *
     * @param threadCount the thread count, including the calling thread; 1 disables multithreading
     * @throws IllegalArgumentException if {@code threadCount < 1}
     */
    public static void setThreads(int threadCount) {
        if (threadCount < 1) {
            throw new IllegalArgumentException("threadCount must be >= 1 but was " + threadCount);
        }
        synchronized (Gemm.class) {
            threads = threadCount;
            WorkerTeam.shutdownShared();
        }
    }

    /**
     * Starts the warm-up of the Vector API kernels if it has not started, and waits until they are ready,
     * if the JVM has the module. They are loaded and warmed up (run until HotSpot has compiled them, a
     * few seconds) on a background thread; products computed meanwhile run on the plain-Java kernels,
     * with identical results. Benchmarks, and tests of steady-state allocation, call this first; nothing else needs to.
     * The element-wise kernels of {@link FloatActivations} are warmed up alongside, and
     * waited for too.
     *
     * @return true if products now use the Vector API kernels
     * @throws InterruptedException if interrupted while waiting
     */
    public static boolean awaitVectorKernels() throws InterruptedException {
        startWarmUp();
        VECTOR_KERNELS_SETTLED.await();
        return vectorKernels != null;
    }

    /** The Vector API kernels if they are ready, else null. */
    static BlockedGemmKernels vectorKernels() {
        return vectorKernels;
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
     * @param c          data of {@code C}; modified (only its {@code m × n} block)
     * @param cOff       offset of {@code C(0, 0)} in {@code c}
     * @param ldc        leading dimension of {@code C}
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             boolean accumulate, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        boolean direct = GemmKernels.useDirect(transB, m, n, k);
        // one choice of kernels for the whole product (they may become ready while it runs)
        BlockedGemmKernels vector = vectorKernels;
        if (!direct && vector == null && !WARM_UP_STARTED.get()) {
            plainWork += (long) m * n * k;
            if (plainWork >= WARM_UP_AFTER) {
                startWarmUp();
            }
        }
        // The vector kernels handle narrow blocks with narrower kernels: no need to compute Cᵀ.
        if (!direct && vector == null && GemmKernels.swapsOperands(m, n, k)) {
            // Cᵀ = op(B)ᵀ·op(A)ᵀ: B takes A's place with the opposite transpose flag, and vice versa.
            compute(false, null, true, !transB, !transA, n, m, k, b, bOff, ldb, a, aOff, lda, accumulate, c, cOff, ldc);
        } else {
            compute(direct, vector, false, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
        }
    }

    private static void compute(boolean direct, BlockedGemmKernels vector, boolean transposedC,
                                boolean transA, boolean transB,
                                int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                boolean accumulate, float[] c, int cOff, int ldc) {
        if (threads > 1 && (long) m * n * k >= PARALLEL_MIN_WORK) {
            WorkerTeam team = WorkerTeam.shared();
            GemmParts parts = GemmParts.local();
            parts.set(team.size(), direct, vector, transposedC, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb,
                    accumulate, c, cOff, ldc);
            boolean ran;
            try {
                ran = team.tryRun(parts);
            } finally {
                parts.clear();
            }
            if (ran) {
                return;
            }
        }
        if (direct) {
            GemmKernels.direct(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    0, m, 0, n);
        } else if (vector != null) {
            vector.blocked(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    0, m, 0, n);
        } else {
            GemmKernels.blocked(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    transposedC, 0, m, 0, n, GemmWorkspace.get());
        }
    }

    private static int initialThreads() {
        int processors = Runtime.getRuntime().availableProcessors();
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return processors;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            LOG.warn("System property {} must be an integer >= 1 but was '{}' ({}); using {} threads",
                    THREADS_PROPERTY, value, e.getMessage(), processors);
            return processors;
        }
        LOG.warn("System property {} must be an integer >= 1 but was '{}'; using {} threads",
                THREADS_PROPERTY, value, processors);
        return processors;
    }
}
