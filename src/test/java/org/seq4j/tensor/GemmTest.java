package org.seq4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GemmTest {

    /** Relative float32 tolerance for sums of up to ~100 products of values in [-1, 1]. */
    private static final float TOLERANCE = 1e-5f;

    private static final int[] SIZES = {1, 2, 3, 7, 16, 33};

    @Test
    void matchesReferenceForAllTransposesAndOffsets() {
        SplittableRandom random = new SplittableRandom(7);
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    for (int m : SIZES) {
                        for (int n : SIZES) {
                            for (int k : SIZES) {
                                check(random, transA, transB, accumulate, m, n, k);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void check(SplittableRandom random, boolean transA, boolean transB, boolean accumulate,
                              int m, int n, int k) {
        // Stored shapes with padding columns and offsets, so that strides and offsets are exercised.
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + 2;
        int ldb = bCols + 1;
        int ldc = n + 3;
        int aOff = 5;
        int bOff = 3;
        int cOff = 4;
        float[] a = randomArray(random, aOff + aRows * lda);
        float[] b = randomArray(random, bOff + bRows * ldb);
        float[] c = randomArray(random, cOff + m * ldc);
        float[] expected = c.clone();
        GemmReference.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, expected, cOff, ldc);
        Gemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
        for (int i = 0; i < c.length; i++) {
            String where = "transA=" + transA + " transB=" + transB + " acc=" + accumulate
                    + " m=" + m + " n=" + n + " k=" + k + " index " + i;
            assertEquals(expected[i], c[i], TOLERANCE * (1 + Math.abs(expected[i])) * k, where);
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
