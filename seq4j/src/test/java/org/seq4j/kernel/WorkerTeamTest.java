package org.seq4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

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

    /**
     * A task started inside a part finds the team busy: tryRun runs nothing and run runs every part on
     * the calling thread (the team is not reentrant, so the nested task cannot wait for itself). A
     * parallel product inside a part therefore computes alone, with the same result.
     */
    @Test
    void aTaskStartedInsideAPartRunsOnItsCaller() {
        int before = Gemm.threads();
        try {
            Gemm.setThreads(2);
            WorkerTeam team = WorkerTeam.shared();
            boolean[] nestedRan = new boolean[2];
            AtomicIntegerArray innerRuns = new AtomicIntegerArray(2);
            Thread[] innerThreads = new Thread[4];
            team.run(part -> {
                nestedRan[part] = team.tryRun(p -> innerRuns.incrementAndGet(p));
                Thread self = Thread.currentThread();
                team.run(p -> innerThreads[2 * part + p] = Thread.currentThread());
                assertSame(self, innerThreads[2 * part]);
                assertSame(self, innerThreads[2 * part + 1]);
            });
            assertArrayEquals(new boolean[] {false, false}, nestedRan);
            assertEquals(0, innerRuns.get(0) + innerRuns.get(1));
            assertEquals(true, team.tryRun(p -> innerRuns.incrementAndGet(p)));   // free again
            assertEquals(1, innerRuns.get(1));

            int m = 200;
            int n = 300;
            int k = 50;   // m·n·k = 3e6: split over the team when called from outside
            SplittableRandom random = new SplittableRandom(5);
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) random.nextDouble(-1, 1);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) random.nextDouble(-1, 1);
            }
            float[] outside = new float[m * n];
            Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, false, outside, 0, n);
            float[][] inside = new float[2][m * n];
            team.run(part -> Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, false, inside[part], 0, n));
            assertArrayEquals(outside, inside[0]);
            assertArrayEquals(outside, inside[1]);
        } finally {
            Gemm.setThreads(before);
        }
    }
}
