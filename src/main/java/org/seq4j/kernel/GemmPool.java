package org.seq4j.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small fixed pool of daemon threads that computes one large {@link Gemm} product at a time, split
 * into parts by a fixed rule ({@link #computePart}): part {@code t} of {@code T} is always the same
 * block of {@code C}, and every element of {@code C} is computed by exactly one part with the
 * arithmetic of {@link GemmKernels}, so the result is identical to the single-thread result bit for bit.
 *
 * <p>The calling thread and the woken workers claim parts from a shared counter until none is left, so
 * which thread computes which part varies (it does not change the result): when a worker is slow to
 * wake, for instance on a busy machine, the caller computes its part too instead of waiting.
 *
 * <p>Dispatch allocates nothing: the product's arguments are written into this pool's fields and
 * published by resetting the part counter (a volatile write that every claim reads), and the workers
 * are woken with {@link LockSupport#unpark}. When another thread is already using the pool,
 * {@link #run} returns {@code false} and the caller computes the product alone (same result).
 */
final class GemmPool {

    /** Spin iterations before a waiting thread parks; short, so that an idle pool costs no CPU. */
    private static final int SPINS = 2_000;

    private final int parts;
    private final Thread[] workers;
    private final ReentrantLock inUse = new ReentrantLock();
    /** Next part to claim; at least {@code parts} while no product is being computed. */
    private final AtomicInteger nextPart;
    /** Parts finished (computed or failed) of the current product. */
    private final AtomicInteger finishedParts = new AtomicInteger();
    private volatile long generation;
    private volatile boolean shutdown;
    private volatile Thread caller;
    private volatile Throwable failure;

    // The product being computed; written by the caller before the generation is advanced.
    private boolean direct;
    /** The Vector API kernels for the blocked path, or null for the plain-Java ones. */
    private BlockedGemmKernels vector;
    private boolean transposedC;
    private boolean splitColumns;
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private int aOff;
    private int lda;
    private float[] b;
    private int bOff;
    private int ldb;
    private boolean accumulate;
    private float[] c;
    private int cOff;
    private int ldc;

    /**
     * Starts {@code parts - 1} daemon workers.
     *
     * @param parts number of parts a product is split into (the caller computes one); at least 2
     */
    GemmPool(int parts) {
        this.parts = parts;
        this.nextPart = new AtomicInteger(parts);
        this.workers = new Thread[parts - 1];
        for (int w = 0; w < workers.length; w++) {
            Thread thread = new Thread(this::work, "seq4j-gemm-" + (w + 1));
            thread.setDaemon(true);
            workers[w] = thread;
            thread.start();
        }
    }

    /** Returns the number of parts (threads, including the caller) a product is split into. */
    int parts() {
        return parts;
    }

    /** Lets the workers exit once idle; products in flight complete. */
    void shutdown() {
        shutdown = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }

    /**
     * Computes the product across the pool, with the arguments of {@link Gemm#sgemm} ({@code k > 0}).
     *
     * @param direct      whether the product takes the direct path (else the blocked path)
     * @param vector      the Vector API kernels for the blocked path, or null for the plain-Java ones
     * @param transposedC whether {@code C} is stored transposed (blocked path only; see {@code GemmKernels})
     * @return {@code false} if the pool is busy with another caller's product (nothing was computed)
     */
    boolean run(boolean direct, BlockedGemmKernels vector, boolean transposedC, boolean transA, boolean transB, int m, int n, int k,
                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                boolean accumulate, float[] c, int cOff, int ldc) {
        if (!inUse.tryLock()) {
            return false;
        }
        try {
            this.direct = direct;
            this.vector = vector;
            this.transposedC = transposedC;
            // Columns when each part gets at least one whole block of columns, else rows.
            this.splitColumns = n >= parts * GemmKernels.NT || (direct && n >= parts * 8);
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.accumulate = accumulate;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.failure = null;
            this.caller = Thread.currentThread();
            finishedParts.set(0);
            nextPart.set(0); // publishes the fields above to every thread that claims a part
            generation = generation + 1;
            for (Thread worker : workers) {
                LockSupport.unpark(worker);
            }
            claimParts();
            awaitParts();
            this.a = null;
            this.b = null;
            this.c = null;
            Throwable first = failure;
            if (first instanceof RuntimeException) {
                throw (RuntimeException) first;
            }
            if (first instanceof Error) {
                throw (Error) first;
            }
            return true;
        } finally {
            inUse.unlock();
        }
    }

    /** Computes parts until none is left to claim; records the first failure. */
    private void claimParts() {
        int part;
        while ((part = nextPart.getAndIncrement()) < parts) {
            try {
                computePart(part);
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
            if (finishedParts.incrementAndGet() == parts) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void awaitParts() {
        int spins = 0;
        while (finishedParts.get() != parts) {
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    private void work() {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen) {
                if (shutdown) {
                    return;
                }
                if (spins < SPINS) {
                    spins++;
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = generation;
            claimParts();
        }
    }

    /**
     * Computes part {@code part}: a contiguous range of columns (in whole blocks of {@code NT}, in the
     * vector kernels' column unit, or in 8 on the direct path) or of rows (in groups of {@code MR} or
     * the vector kernels' row unit), fixed by the shape and the part count.
     */
    private void computePart(int part) {
        int rowFrom = 0;
        int rowTo = m;
        int colFrom = 0;
        int colTo = n;
        if (splitColumns) {
            int unit = direct ? 8 : vector != null ? vector.columnUnit() : GemmKernels.NT;
            int units = (n + unit - 1) / unit;
            colFrom = Math.min(n, (int) ((long) units * part / parts) * unit);
            colTo = Math.min(n, (int) ((long) units * (part + 1) / parts) * unit);
        } else {
            int unit = direct || vector == null ? GemmKernels.MR : vector.rowUnit();
            int units = (m + unit - 1) / unit;
            rowFrom = Math.min(m, (int) ((long) units * part / parts) * unit);
            rowTo = Math.min(m, (int) ((long) units * (part + 1) / parts) * unit);
        }
        if (rowFrom >= rowTo || colFrom >= colTo) {
            return;
        }
        if (direct) {
            GemmKernels.direct(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    rowFrom, rowTo, colFrom, colTo);
        } else if (vector != null) {
            vector.blocked(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    rowFrom, rowTo, colFrom, colTo);
        } else {
            GemmKernels.blocked(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    transposedC, rowFrom, rowTo, colFrom, colTo, GemmWorkspace.get());
        }
    }
}
