package org.seq4j.rnn;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.seq4j.tensor.Gemm;

/**
 * A small fixed team of daemon threads that runs the parts of one task at a time, the caller taking
 * part too: the recurrent layer gives each thread a shard of the batch for a whole pass through time.
 *
 * <p>Parts are claimed from a counter, so a worker that is slow to wake (a busy machine) does not make
 * the caller wait: the caller then runs the remaining parts itself. Which thread runs a part never
 * changes what the part computes. Dispatch allocates nothing (the task is a reusable object; the
 * workers are woken with {@link LockSupport#unpark}); between tasks the workers spin briefly, then park.
 * One task runs at a time: a caller that finds the team busy runs every part itself.
 *
 * <p>{@link #shared()} is sized by {@link Gemm#threads()}, the library's thread setting.
 */
final class WorkerTeam {

    /** A task of {@link #size()} independent parts. */
    interface Task {
        /**
         * Runs one part.
         *
         * @param part the part, in {@code [0, size())}
         */
        void run(int part);
    }

    /** Spin iterations before a waiting thread parks. */
    private static final int SPINS = 20_000;

    private static volatile WorkerTeam shared;

    private final int size;
    private final Thread[] workers;
    private final ReentrantLock inUse = new ReentrantLock();
    private final AtomicInteger nextPart = new AtomicInteger();
    private final AtomicInteger finishedParts = new AtomicInteger();
    private volatile long generation;
    private volatile boolean shutdown;
    private volatile Thread caller;
    private volatile Throwable failure;
    // the task being run; written by the caller before nextPart is reset, which publishes it
    private Task task;

    private WorkerTeam(int size) {
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int w = 0; w < workers.length; w++) {
            Thread thread = new Thread(this::work, "seq4j-rnn-" + (w + 1));
            thread.setDaemon(true);
            workers[w] = thread;
            thread.start();
        }
    }

    /**
     * The team sized by the current {@link Gemm#threads()}, started on first use and replaced when that
     * setting changes.
     *
     * @return the team
     */
    static WorkerTeam shared() {
        WorkerTeam team = shared;
        int threads = Gemm.threads();
        if (team != null && team.size == threads) {
            return team;
        }
        synchronized (WorkerTeam.class) {
            team = shared;
            if (team == null || team.size != threads) {
                if (team != null) {
                    team.shutdown();
                }
                team = new WorkerTeam(threads);
                shared = team;
            }
            return team;
        }
    }

    /** Threads in the team, the caller included. */
    int size() {
        return size;
    }

    /**
     * Runs {@code task.run(p)} for every {@code p} in {@code [0, size())} and returns when all are done.
     * (The part count is always the team size: a worker that wakes late then sees a claim counter of at
     * least that count and claims nothing, even when the next task has begun.)
     *
     * @throws RuntimeException or Error the first failure of a part, after every part has finished
     */
    void run(Task task) {
        if (workers.length == 0 || !inUse.tryLock()) {
            for (int p = 0; p < size; p++) {
                task.run(p);
            }
            return;
        }
        try {
            this.task = task;
            this.failure = null;
            this.caller = Thread.currentThread();
            finishedParts.set(0);
            nextPart.set(0);   // publishes the fields above to every thread that claims a part
            generation = generation + 1;
            for (Thread worker : workers) {
                LockSupport.unpark(worker);
            }
            claimParts();
            awaitParts();
            this.task = null;
            Throwable first = failure;
            if (first instanceof RuntimeException e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
        } finally {
            inUse.unlock();
        }
    }

    private void claimParts() {
        int part;
        while ((part = nextPart.getAndIncrement()) < size) {
            try {
                task.run(part);
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
            if (finishedParts.incrementAndGet() == size) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void awaitParts() {
        int spins = 0;
        while (finishedParts.get() != size) {
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

    private void shutdown() {
        shutdown = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
