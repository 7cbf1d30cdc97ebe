package org.seq4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /** Longest warm-up before allocation is measured: time for C2 to compile the vector kernels. */
    private static final long WARM_UP_NANOS = 20_000_000_000L;

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
        vectorKernels();   // not switching kernels mid-measurement
        SplittableRandom random = new SplittableRandom(23);
        Problem[] problems = {
            new Problem(random, false, true, false, 64, 512, 128),  // blocked
            new Problem(random, true, false, true, 100, 30, 300),   // blocked, C transposed (plain kernels)
            new Problem(random, false, false, true, 8, 1100, 40),   // blocked, wide blocks (plain kernels)
            new Problem(random, false, false, false, 1, 300, 200),  // blocked, one row
            new Problem(random, false, true, true, 1, 400, 100),    // direct
            new Problem(random, false, false, false, 300, 600, 64), // multithreaded
            new Problem(random, true, true, false, 13, 65, 20),     // blocked, every row and column tail
        };
        for (int threadCount : new int[] {1, 2}) {
            Gemm.setThreads(threadCount);
            assertEquals(0, steadyStateAllocation(problems),
                    "bytes allocated by steady-state products with " + threadCount + " threads");
        }
    }

    /**
     * Runs the products until a round of them allocates nothing (at most {@link #WARM_UP_NANOS}: the
     * Vector API allocates its vectors until C2 has compiled the kernels), then returns the bytes that
     * five more rounds allocate on this thread.
     */
    private static long steadyStateAllocation(Problem[] problems) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + WARM_UP_NANOS;
        for (int round = 0; round < 3 || System.nanoTime() < deadline; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (Problem p : problems) {
                p.run(p.c);
            }
            if (round >= 2 && threads.getCurrentThreadAllocatedBytes() == before) {
                break;
            }
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int repeat = 0; repeat < 5; repeat++) {
            for (Problem p : problems) {
                p.run(p.c);
            }
        }
        // The two reads of the counter allocate nothing themselves; any byte is the products'.
        return threads.getCurrentThreadAllocatedBytes() - before;
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
        // ArrayIndexOutOfBoundsException from plain Java, IndexOutOfBoundsException from a vector load
        assertThrows(IndexOutOfBoundsException.class,
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

    /** The Vector API kernels once warmed up (Gemm loads them in the background), or null without the module. */
    private static BlockedGemmKernels vectorKernels() {
        try {
            Gemm.awaitVectorKernels();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the vector kernels", e);
        }
        return Gemm.vectorKernels();
    }

    // ---------------------------------------------------------------------------------------------
    // The Vector API kernels (run when the JVM has jdk.incubator.vector; the plain kernels are then
    // called directly for comparison, so that both are checked in that run)

    @Test
    void vectorKernelsArePresentWhenTheBuildExpectsThem() {
        String expected = System.getProperty("seq4j.test.expectSimd");
        assumeTrue(expected != null, "run outside the build: nothing expected");
        assertEquals(Boolean.parseBoolean(expected), vectorKernels() != null, "vector kernels loaded");
    }

    /** A run with {@code -XX:UseAVX=2} (set by the build) computes with vectors of at most 256 bits. */
    @Test
    void vectorKernelsHaveAtMostTheWidthTheBuildAllows() {
        String allowed = System.getProperty("seq4j.test.maxVectorBits");
        assumeTrue(allowed != null, "no limit expected");
        BlockedGemmKernels kernels = vectorKernels();
        assertTrue(kernels != null, "vector kernels loaded");
        // toString: VectorGemmKernels[256-bit, 6x2 kernel]
        String name = kernels.toString();
        int bits = Integer.parseInt(name.substring(name.indexOf('[') + 1, name.indexOf("-bit")));
        assertTrue(bits <= Integer.parseInt(allowed), name + " within " + allowed + " bits");
    }

    /**
     * Sizes on both sides of every block and kernel boundary of the vector kernels, for 256- and
     * 512-bit vectors (L = 8 or 16 lanes): columns in strips of 3, 2 and 1 vectors (8 for a single
     * row), the last one zero-padded, NC = 384; rows in groups of 8 (or 6), the last one zero-padded,
     * and single rows, MC = 128 (or 120); depth KC = 256; with 256-bit vectors, products of at least 256
     * rows pack {@code op(B) = B} (also with a last block of a single row, 361 = 3·120 + 1).
     */
    @Test
    void vectorKernelsEqualTheFmaChainAndThePlainKernelsBitForBit() {
        assumeTrue(vectorKernels() != null, "no Vector API");
        SplittableRandom random = new SplittableRandom(31);
        int[][] shapes = {
            {1, 1, 1}, {1, 16, 3}, {3, 17, 5}, {4, 15, 257}, {5, 31, 2}, {7, 33, 40}, {8, 47, 1}, {9, 48, 7},
            {12, 49, 256}, {13, 65, 20}, {17, 95, 9}, {25, 97, 65}, {2, 130, 513}, {129, 40, 30},
            {136, 24, 300}, {11, 383, 17}, {6, 385, 33}, {3, 400, 12}, {10, 790, 260}, {31, 8, 100},
            {1, 300, 40}, {1, 790, 20}, {1, 127, 260}, {129, 200, 10}, {121, 33, 12}, {255, 20, 9},
            {256, 17, 30}, {300, 70, 258}, {361, 50, 20}, {260, 400, 5},
        };
        for (int[] s : shapes) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (boolean accumulate : new boolean[] {false, true}) {
                        Problem p = new Problem(random, transA, transB, accumulate, s[0], s[1], s[2]);
                        float[] expected = p.c.clone();
                        fmaChain(p, expected);
                        float[] vector = p.c.clone();
                        p.runVector(vector, 0, p.m, 0, p.n);
                        assertBitsEqual(expected, vector, "vector kernels " + p);
                        float[] plain = p.c.clone();
                        GemmKernels.blocked(transA, transB, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                                accumulate, plain, p.cOff, p.ldc, false, 0, p.m, 0, p.n, GemmWorkspace.get());
                        assertBitsEqual(plain, vector, "vector against plain kernels " + p);
                    }
                }
            }
        }
    }

    @Test
    void vectorKernelsMatchTheReferenceOnRandomShapes() {
        assumeTrue(vectorKernels() != null, "no Vector API");
        SplittableRandom random = new SplittableRandom(37);
        for (int trial = 0; trial < 60; trial++) {
            int m = 1 + random.nextInt(random.nextBoolean() ? 20 : 300);
            int n = 1 + random.nextInt(random.nextBoolean() ? 70 : 900);
            int k = 1 + random.nextInt(random.nextBoolean() ? 20 : 600);
            Problem p = new Problem(random, random.nextBoolean(), random.nextBoolean(), random.nextBoolean(), m, n, k);
            float[] expected = p.c.clone();
            GemmReference.sgemm(p.transA, p.transB, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                    p.accumulate, expected, p.cOff, p.ldc);
            float[] actual = p.c.clone();
            p.runVector(actual, 0, p.m, 0, p.n);
            assertClose(p, expected, actual);
        }
    }

    /** A range of rows and columns (as a thread computes it) writes exactly that block of C. */
    @Test
    void vectorKernelsComputeExactlyTheirRange() {
        assumeTrue(vectorKernels() != null, "no Vector API");
        SplittableRandom random = new SplittableRandom(41);
        int[][] ranges = {{0, 50, 0, 700}, {3, 47, 5, 690}, {8, 9, 48, 49}, {20, 50, 400, 700}, {1, 2, 0, 1}};
        for (int[] range : ranges) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    Problem p = new Problem(random, transA, transB, random.nextBoolean(), 50, 700, 70);
                    float[] expected = p.c.clone();
                    fmaChain(p, expected);
                    float[] actual = p.c.clone();
                    p.runVector(actual, range[0], range[1], range[2], range[3]);
                    for (int i = 0; i < p.m; i++) {
                        for (int j = 0; j < p.n; j++) {
                            boolean inside = i >= range[0] && i < range[1] && j >= range[2] && j < range[3];
                            int at = p.cOff + i * p.ldc + j;
                            float want = inside ? expected[at] : p.c[at];
                            if (Float.floatToIntBits(want) != Float.floatToIntBits(actual[at])) {
                                fail(p + " range " + java.util.Arrays.toString(range) + ": C(" + i + ", " + j
                                        + ") expected " + want + " but was " + actual[at]);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Shapes that the thread pool splits by columns and by rows, with every tail, through Gemm. */
    @Test
    void vectorKernelsOnOneTwoAndThreeThreadsAreIdentical() {
        assumeTrue(vectorKernels() != null, "no Vector API");
        SplittableRandom random = new SplittableRandom(43);
        int[][] shapes = {{70, 801, 100}, {1000, 65, 40}, {125, 130, 300}};
        for (int[] s : shapes) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    Problem p = new Problem(random, transA, transB, random.nextBoolean(), s[0], s[1], s[2]);
                    assertTrue((long) s[0] * s[1] * s[2] >= Gemm.PARALLEL_MIN_WORK, p.toString());
                    float[] expected = p.c.clone();
                    fmaChain(p, expected);
                    for (int threads = 1; threads <= 3; threads++) {
                        Gemm.setThreads(threads);
                        float[] actual = p.c.clone();
                        p.run(actual);
                        assertBitsEqual(expected, actual, p + " threads=" + threads);
                    }
                }
            }
        }
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

        void runVector(float[] out, int rowFrom, int rowTo, int colFrom, int colTo) {
            vectorKernels().blocked(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, out, cOff, ldc,
                    rowFrom, rowTo, colFrom, colTo);
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
        assertClose(p, expected, actual);
    }

    private static void assertClose(Problem p, float[] expected, float[] actual) {
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
