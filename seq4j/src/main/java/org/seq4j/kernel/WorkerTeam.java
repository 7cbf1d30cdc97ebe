package org.seq4j.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one team of worker threads of seq4j: a small fixed team of daemon threads that runs the parts of
 * one task at a time, part 0 on the calling thread, part {@code w + 1} on worker {@code w}. {@link Gemm}
 * gives each thread a block of a large product; the recurrent layer gives each a shard of the batch for a
 * whole pass through time; a frozen layer gives each a share of the gate columns of every generation
 * step. A task's parts must be independent, and what a part computes must not depend on the thread that
 * runs it: results are then the same, bit for bit, whatever the thread count and the scheduling.
 *
 * <p>A part normally runs on the same thread every time, so that a worker finds its share of the weights
 * in its own core's cache from one generation step to the next (with parts claimed by whichever thread
 * comes first, the caller would often run both while the worker wakes up, and the worker then run on a
 * cold cache). But a worker that has not started its part by the time the caller has finished its own
 * (the operating system gave its core to another process, say) loses it: the caller claims the part
 * and runs it itself, so that a busy machine costs at most the parallelism, never a wait for a
 * descheduled thread. Each part is claimed once, by its worker or by the caller, and which thread runs
 * a part never changes what the part computes. Dispatch allocates nothing (the task is a reusable
 * object); between tasks the workers spin for a while (about a millisecond), then park, and are
 * unparked only if they parked. One task runs at a time: a caller that finds the team busy, including a
 * part of the running task that starts a task of its own, runs every part itself ({@link #run}) or
 * leaves the work to its own code ({@link #tryRun}).
 *
 * <p>{@link #shared()} is sized by {@link Gemm#threads()}, the library's thread setting.
 */
public final class WorkerTeam {

    /** A task of {@link #size()} independent parts. */
    public interface Task {
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
    private final Worker[] workers;
    /** Set while a task runs; not reentrant, so that a task started inside a part runs on its caller. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile long generation;
    private volatile boolean shutdown;
    private volatile Thread caller;
    /** Whether the caller may be parked waiting: only then does a worker pay for an unpark. */
    private volatile boolean callerParking;
    // the task being run; written by the caller before the generation is advanced, which publishes it
    private Task task;

    /** One worker thread and what the caller reads of it; each on its own object (and cache line). */
    private static final class Worker {
        Thread thread;
        /**
         * The last generation whose part was claimed, by this worker or by the caller; generations are
         * claimed in order, so a claim of generation {@code g} succeeds only from {@code g - 1}.
         */
        final AtomicLong claimed = new AtomicLong();
        /** The last generation whose part this worker claimed and finished. */
        volatile long done;
        /** Whether the worker may be parked: only then does dispatch pay for an unpark. */
        volatile boolean parking;
        /** The failure of its part in the last generation it ran, if any. */
        volatile Throwable failure;
    }

    private WorkerTeam(int size) {
        this.size = size;
        this.workers = new Worker[size - 1];
        for (int w = 0; w < workers.length; w++) {
            Worker worker = new Worker();
            int part = w + 1;
            worker.thread = new Thread(() -> work(worker, part), "seq4j-worker-" + part);
            worker.thread.setDaemon(true);
            workers[w] = worker;
            worker.thread.start();
        }
    }

    /**
     * The team sized by the current {@link Gemm#threads()}, started on first use and replaced when that
     * setting changes.
     *
     * @return the team
     */
    public static WorkerTeam shared() {
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

    /**
     * Lets the shared team's workers exit once idle (when the thread setting changes); the next
     * {@link #shared()} starts a new team. A caller still holding the old team runs its parts itself.
     */
    static void shutdownShared() {
        synchronized (WorkerTeam.class) {
            WorkerTeam team = shared;
            shared = null;
            if (team != null) {
                team.shutdown();
            }
        }
    }

    /**
     * Threads in the team, the caller included: the number of parts of a task.
     *
     * @return the size, at least 1
     */
    public int size() {
        return size;
    }

    /**
     * Runs {@code task.run(p)} for every {@code p} in {@code [0, size())} and returns when all are done:
     * across the team, or all on the calling thread if the team is busy with another task.
     *
     * @param task the task; its parts are run once each
     * @throws RuntimeException or Error the first failure of a part, after every part has finished
     */
    public void run(Task task) {
        if (!tryRun(task)) {
            for (int p = 0; p < size; p++) {
                task.run(p);
            }
        }
    }

    /**
     * Runs {@code task.run(p)} for every {@code p} in {@code [0, size())} across the team and returns when
     * all are done, unless the team is busy with another task (started by another thread, or by the part
     * of a task that is calling this): then it runs nothing. Allocates nothing.
     *
     * @param task the task; its parts are run once each
     * @return false if the team was busy and nothing was run
     * @throws RuntimeException or Error the first failure of a part, after every part has finished
     */
    public boolean tryRun(Task task) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (workers.length == 0) {
                task.run(0);
                return true;
            }
            this.task = task;
            this.caller = Thread.currentThread();
            long g = generation + 1;
            generation = g;   // publishes the task to the workers
            for (Worker worker : workers) {
                if (worker.parking) {
                    LockSupport.unpark(worker.thread);
                }
            }
            Throwable first = null;
            try {
                task.run(0);
            } catch (RuntimeException | Error e) {
                first = e;
            }
            for (int w = 0; w < workers.length; w++) {
                Worker worker = workers[w];
                if (worker.claimed.compareAndSet(g - 1, g)) {
                    // the worker has not started: run its part here
                    try {
                        task.run(w + 1);
                    } catch (RuntimeException | Error e) {
                        if (first == null) {
                            first = e;
                        }
                    }
                    continue;
                }
                int spins = 0;
                while (worker.done != g) {
                    if (spins < SPINS) {
                        spins++;
                        Thread.onSpinWait();
                    } else {
                        callerParking = true;
                        if (worker.done != g) {
                            LockSupport.park(this);
                        }
                        callerParking = false;
                    }
                }
                if (first == null) {
                    first = worker.failure;
                }
            }
            this.task = null;
            if (first instanceof RuntimeException e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
            return true;
        } finally {
            busy.set(false);
        }
    }

    private void work(Worker worker, int part) {
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
                    // announce the park before re-reading the generation, so that a dispatch either sees
                    // the announcement (and unparks) or is seen here (and no park happens)
                    worker.parking = true;
                    if (generation == seen && !shutdown) {
                        LockSupport.park(this);
                    }
                    worker.parking = false;
                }
            }
            seen = generation;
            if (!worker.claimed.compareAndSet(seen - 1, seen)) {
                continue;   // the caller ran this part (or has moved on to a later task)
            }
            Throwable failure = null;
            try {
                task.run(part);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            worker.failure = failure;
            worker.done = seen;
            if (callerParking) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void shutdown() {
        shutdown = true;
        for (Worker worker : workers) {
            LockSupport.unpark(worker.thread);
        }
    }
}
