package org.seq4j.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small fixed pool of daemon threads that computes one large {@link Gemm} product at a time, split
 * into parts by a fixed rule ({@link #run}): part {@code t} of {@code T} is always the same block of
 * {@code C}, and every element of {@code C} is computed by exactly one part with the arithmetic of
 * {@link GemmKernels}, so the result is identical to the single-thread result bit for bit.
 *
 * <p>Dispatch allocates nothing: the product's arguments are written into this pool's fields, a
 * volatile generation counter publishes them, and the workers are woken with
 * {@link LockSupport#unpark}. The calling thread computes part 0 itself. When another thread is already
 * using the pool, {@link #run} returns {@code false} and the caller computes the product alone (which
 * gives the same result).
 */
final class GemmPool {

    /** Spin iterations before a waiting thread parks; short, so that an idle pool costs no CPU. */
    private static final int SPINS = 2_000;

    private final int parts;
    private final Thread[] workers;
    private final ReentrantLock inUse = new ReentrantLock();
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile long generation;
    private volatile boolean shutdown;
    private volatile Thread caller;
    private volatile Throwable failure;

    // The product being computed; written by the caller before the generation is advanced.
    private boolean direct;
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
        this.workers = new Thread[parts - 1];
        for (int w = 0; w < workers.length; w++) {
            int part = w + 1;
            Thread thread = new Thread(() -> work(part), "seq4j-gemm-" + part);
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
     * @param direct whether the product takes the direct path (else the blocked path)
     * @return {@code false} if the pool is busy with another caller's product (nothing was computed)
     */
    boolean run(boolean direct, boolean transA, boolean transB, int m, int n, int k,
                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                boolean accumulate, float[] c, int cOff, int ldc) {
        if (!inUse.tryLock()) {
            return false;
        }
        try {
            this.direct = direct;
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
            remaining.set(workers.length);
            generation = generation + 1; // publishes the fields above to the workers
            for (Thread worker : workers) {
                LockSupport.unpark(worker);
            }
            Throwable own = null;
            try {
                computePart(0);
            } catch (RuntimeException | Error e) {
                own = e;
            }
            awaitWorkers();
            this.a = null;
            this.b = null;
            this.c = null;
            Throwable first = own != null ? own : failure;
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

    private void awaitWorkers() {
        int spins = 0;
        while (remaining.get() != 0) {
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    private void work(int part) {
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
            try {
                computePart(part);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /**
     * Computes part {@code part}: a contiguous range of columns (in whole blocks of {@code NT}, or of 8
     * on the direct path) or of rows (in groups of {@code MR}), fixed by the shape and the part count.
     */
    private void computePart(int part) {
        int rowFrom = 0;
        int rowTo = m;
        int colFrom = 0;
        int colTo = n;
        if (splitColumns) {
            int unit = direct ? 8 : GemmKernels.NT;
            int units = (n + unit - 1) / unit;
            colFrom = Math.min(n, (int) ((long) units * part / parts) * unit);
            colTo = Math.min(n, (int) ((long) units * (part + 1) / parts) * unit);
        } else {
            int unit = GemmKernels.MR;
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
        } else {
            GemmKernels.blocked(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    rowFrom, rowTo, colFrom, colTo, GemmWorkspace.get());
        }
    }
}
