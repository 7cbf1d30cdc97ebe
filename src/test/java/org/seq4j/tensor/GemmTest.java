package org.seq4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GemmTest {

    /**
     * Relative float32 tolerance per product term: each fma rounds once (2^-24 ≈ 6e-8 relative), and
     * the error of a chain of k fmas grows at most linearly in k; 1e-6 leaves a wide margin.
     */
    private static final float TOLERANCE_PER_TERM = 1e-6f;

    private static final int[] SMALL_SIZES = {1, 2, 3, 7, 16, 33};

    private static final int DEFAULT_THREADS = Gemm.threads();

    @AfterEach
    void restoreThreads() {
        Gemm.setThreads(DEFAULT_THREADS);
    }

    @Test
    void matchesReferenceForAllTransposesAndOffsetsAtSmallSizes() {
        SplittableRandom random = new SplittableRandom(7);
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    for (int m : SMALL_SIZES) {
                        for (int n : SMALL_SIZES) {
                            for (int k : SMALL_SIZES) {
                                checkAgainstReference(new Problem(random, transA, transB, accumulate, m, n, k));
                            }
                        }
                    }
                }
            }
        }
    }

    /** Sizes around the block sizes (NT = KC = 256, MR = 8) and the direct-path thresholds. */
    @Test
    void matchesReferenceAtBlockEdges() {
        SplittableRandom random = new SplittableRandom(11);
        int[][] shapes = {
            {1, 257, 300}, {2, 512, 129}, {3, 300, 513}, {8, 256, 256}, {9, 255, 257}, {12, 513, 2},
            {50, 512, 128}, {63, 65, 128}, {100, 15, 100}, {100, 16, 31}, {17, 1, 600}, {33, 700, 1},
            {260, 40, 70}, {1, 1, 5000},
        };
        for (int[] s : shapes) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (boolean accumulate : new boolean[] {false, true}) {
                        checkAgainstReference(new Problem(random, transA, transB, accumulate, s[0], s[1], s[2]));
                    }
                }
            }
        }
    }

    @Test
    void matchesReferenceOnRandomShapes() {
        SplittableRandom random = new SplittableRandom(13);
        for (int trial = 0; trial < 40; trial++) {
            int m = 1 + random.nextInt(random.nextBoolean() ? 12 : 300);
            int n = 1 + random.nextInt(random.nextBoolean() ? 40 : 600);
            int k = 1 + random.nextInt(random.nextBoolean() ? 20 : 600);
            checkAgainstReference(new Problem(random, random.nextBoolean(), random.nextBoolean(),
                    random.nextBoolean(), m, n, k));
        }
    }

    /** Every path (direct, blocked, each micro-kernel) computes each element as one fma chain in ascending p. */
    @Test
    void equalsTheFmaChainBitForBit() {
        SplittableRandom random = new SplittableRandom(17);
        int[][] shapes = {
            {1, 40, 70}, {2, 300, 90}, {5, 5, 5}, {8, 256, 513}, {30, 300, 300}, {13, 10, 400}, {6, 1030, 100},
            {1, 300, 50}, {5, 300, 70}, {300, 40, 3},
        };
        for (int[] s : shapes) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (boolean accumulate : new boolean[] {false, true}) {
                        Problem p = new Problem(random, transA, transB, accumulate, s[0], s[1], s[2]);
                        float[] expected = p.c.clone();
                        fmaChain(p, expected);
                        float[] actual = p.c.clone();
                        p.run(actual);
                        assertBitsEqual(expected, actual, p.toString());
                    }
                }
            }
        }
    }

    @Test
    void multiThreadedEqualsSingleThreadedBitForBit() {
        SplittableRandom random = new SplittableRandom(19);
        int[][] shapes = {
            {300, 700, 130},   // columns split in blocks of 256
            {600, 65, 129},    // rows split in groups of 8
            {1, 4096, 513},    // direct path, columns split
            {37, 1100, 200},   // uneven blocks
        };
        for (int[] s : shapes) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    Problem p = new Problem(random, transA, transB, random.nextBoolean(), s[0], s[1], s[2]);
                    assertTrue((long) s[0] * s[1] * s[2] >= Gemm.PARALLEL_MIN_WORK, p.toString());
                    Gemm.setThreads(1);
                    float[] single = p.c.clone();
                    p.run(single);
                    for (int threads : new int[] {2, 3}) {
                        Gemm.setThreads(threads);
                        float[] multi = p.c.clone();
                        p.run(multi);
                        assertBitsEqual(single, multi, p + " threads=" + threads);
                    }
                }
            }
        }
    }

    @Test
    void steadyStateProductsAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SplittableRandom random = new SplittableRandom(23);
        Problem[] problems = {
            new Problem(random, false, true, false, 64, 512, 128),  // blocked
            new Problem(random, true, false, true, 100, 30, 300),   // blocked, C transposed
            new Problem(random, false, false, true, 8, 1100, 40),   // blocked, wide blocks
            new Problem(random, false, false, false, 1, 300, 200),  // blocked, one row
            new Problem(random, false, true, true, 1, 400, 100),    // direct
            new Problem(random, false, false, false, 300, 600, 64), // multithreaded
        };
        for (int threadCount : new int[] {1, 2}) {
            Gemm.setThreads(threadCount);
            for (int warmUp = 0; warmUp < 3; warmUp++) {
                for (Problem p : problems) {
                    p.run(p.c);
                }
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int repeat = 0; repeat < 5; repeat++) {
                for (Problem p : problems) {
                    p.run(p.c);
                }
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // The two reads of the counter allocate nothing themselves; any byte is the products'.
            assertEquals(0, allocated, "bytes allocated by steady-state products with " + threadCount + " threads");
        }
    }

    @Test
    void zeroSizesWriteOnlyWhatTheyMust() {
        float[] c = {5f, 6f, 7f, 8f};
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, true, c, 0, 2);
        assertBitsEqual(new float[] {5f, 6f, 7f, 8f}, c, "k = 0, accumulate");
        Gemm.sgemm(false, false, 2, 1, 0, new float[0], 0, 1, new float[0], 0, 1, false, c, 0, 2);
        assertBitsEqual(new float[] {0f, 6f, 0f, 8f}, c, "k = 0, overwrite the (2, 1) block");
        Gemm.sgemm(false, false, 0, 2, 3, new float[0], 0, 3, new float[6], 0, 2, false, c, 0, 2);
        assertBitsEqual(new float[] {0f, 6f, 0f, 8f}, c, "m = 0");
    }

    @Test
    void failuresInWorkerThreadsReachTheCaller() {
        Gemm.setThreads(2);
        int m = 300;
        int n = 600;
        int k = 64;
        float[] a = new float[m * k];
        float[] b = new float[k * n - 1]; // one short: the last column block fails
        float[] c = new float[m * n];
        assertThrows(ArrayIndexOutOfBoundsException.class,
                () -> Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, false, c, 0, n));
        // The pool is still usable.
        Problem p = new Problem(new SplittableRandom(29), false, false, false, m, n, k);
        checkAgainstReference(p);
    }

    @Test
    void rejectsThreadCountBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.setThreads(0));
        assertEquals("threadCount must be >= 1 but was 0", e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------

    /** A product with stored shapes padded (leading dimensions) and offset, so that both are exercised. */
    private static final class Problem {
        final boolean transA;
        final boolean transB;
        final boolean accumulate;
        final int m;
        final int n;
        final int k;
        final int lda;
        final int ldb;
        final int ldc;
        final int aOff = 5;
        final int bOff = 3;
        final int cOff = 4;
        final float[] a;
        final float[] b;
        final float[] c;

        Problem(SplittableRandom random, boolean transA, boolean transB, boolean accumulate, int m, int n, int k) {
            this.transA = transA;
            this.transB = transB;
            this.accumulate = accumulate;
            this.m = m;
            this.n = n;
            this.k = k;
            int aRows = transA ? k : m;
            int bRows = transB ? n : k;
            this.lda = (transA ? m : k) + 2;
            this.ldb = (transB ? k : n) + 1;
            this.ldc = n + 3;
            this.a = randomArray(random, aOff + aRows * lda);
            this.b = randomArray(random, bOff + bRows * ldb);
            this.c = randomArray(random, cOff + m * ldc);
        }

        void run(float[] out) {
            Gemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, out, cOff, ldc);
        }

        float aAt(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float bAt(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        @Override
        public String toString() {
            return "transA=" + transA + " transB=" + transB + " accumulate=" + accumulate
                    + " m=" + m + " n=" + n + " k=" + k;
        }
    }

    private static void checkAgainstReference(Problem p) {
        float[] expected = p.c.clone();
        GemmReference.sgemm(p.transA, p.transB, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                p.accumulate, expected, p.cOff, p.ldc);
        float[] actual = p.c.clone();
        p.run(actual);
        for (int index = 0; index < actual.length; index++) {
            float tolerance = TOLERANCE_PER_TERM * (p.k + 1) * (1 + Math.abs(expected[index]));
            if (!(Math.abs(expected[index] - actual[index]) <= tolerance)) {
                fail(p + ": index " + index + " expected " + expected[index] + " but was " + actual[index]);
            }
        }
    }

    /** The arithmetic every path must follow: one fma chain per element, in ascending p. */
    private static void fmaChain(Problem p, float[] out) {
        for (int i = 0; i < p.m; i++) {
            for (int j = 0; j < p.n; j++) {
                int at = p.cOff + i * p.ldc + j;
                float s = p.accumulate ? out[at] : 0f;
                for (int q = 0; q < p.k; q++) {
                    s = Math.fma(p.aAt(i, q), p.bAt(q, j), s);
                }
                out[at] = s;
            }
        }
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": index " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    private static float[] randomArray(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }
}
