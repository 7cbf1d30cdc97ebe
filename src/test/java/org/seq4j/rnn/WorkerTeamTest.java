package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.seq4j.kernel.Gemm;

class WorkerTeamTest {

    /**
     * Every part of every task runs exactly once, whether its worker or the caller claims it. With parts
     * this short and threads keeping the cores busy, the caller takes most of the workers' parts; the
     * workers still win some.
     */
    @Test
    void everyPartRunsExactlyOncePerTaskUnderLoad() throws InterruptedException {
        int before = Gemm.threads();
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] hogs = new Thread[2];
        try {
            Gemm.setThreads(3);
            WorkerTeam team = WorkerTeam.shared();
            assertEquals(3, team.size());
            for (int h = 0; h < hogs.length; h++) {
                hogs[h] = new Thread(() -> {
                    while (!stop.get()) {
                        Thread.onSpinWait();
                    }
                });
                hogs[h].setDaemon(true);
                hogs[h].start();
            }
            int tasks = 20_000;
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            int[] lastTask = new int[3];
            boolean[] outOfOrder = new boolean[1];
            for (int t = 1; t <= tasks; t++) {
                int task = t;
                team.run(part -> {
                    runs.incrementAndGet(part);
                    if (lastTask[part] != task - 1) {
                        outOfOrder[0] = true;
                    }
                    lastTask[part] = task;
                });
            }
            assertArrayEquals(new int[] {tasks, tasks, tasks}, new int[] {runs.get(0), runs.get(1), runs.get(2)});
            assertEquals(false, outOfOrder[0], "a part ran twice or was skipped in some task");
        } finally {
            stop.set(true);
            for (Thread hog : hogs) {
                if (hog != null) {
                    hog.join();
                }
            }
            Gemm.setThreads(before);
        }
    }

    @Test
    void theFirstFailureIsRethrownAfterEveryPartHasRun() {
        int before = Gemm.threads();
        try {
            Gemm.setThreads(2);
            WorkerTeam team = WorkerTeam.shared();
            IllegalStateException failure = new IllegalStateException("part 1 failed");
            AtomicIntegerArray runs = new AtomicIntegerArray(2);
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> team.run(part -> {
                runs.incrementAndGet(part);
                if (part == 1) {
                    throw failure;
                }
            }));
            assertSame(failure, thrown);
            assertEquals(1, runs.get(0));
            assertEquals(1, runs.get(1));
            team.run(part -> runs.incrementAndGet(part));   // the team still works
            assertEquals(2, runs.get(1));
        } finally {
            Gemm.setThreads(before);
        }
    }
}
