package org.seq4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class RowArrayMatrixTest {

    /** Relative float32 tolerance per product term against the double-precision reference (as GemmTest). */
    private static final float TOLERANCE_PER_TERM = 1e-6f;

    /** Sizes including 1 and sizes that are not multiples of 4 (the unrolling) or of a vector length. */
    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 16, 33, 130};

    @Test
    void equalsGemmBitForBitAndTheReferenceWithinRounding() {
        SplittableRandom random = new SplittableRandom(3);
        for (int k : SIZES) {
            for (int n : SIZES) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    // W: (N, K) stored at offset 5, used transposed; x at offset 2; y at offset 3
                    float[] w = random(random, 5 + n * k);
                    float[] x = random(random, 2 + k);
                    float[] y0 = random(random, 3 + n + 4);
                    float[] expected = y0.clone();
                    Gemm.sgemm(false, true, 1, n, k, x, 2, k, w, 5, k, accumulate, expected, 3, n);
                    float[] y = y0.clone();
                    // the matrix as the JVM gives it, and with the Vector API kernels both layouts
                    // whatever the size, so that one run checks both
                    RowArrayMatrix[] layouts = Simd.available()
                            ? new RowArrayMatrix[] {new RowArrayMatrix(k, n), RowArrayMatrix.withRowArrays(k, n),
                                RowArrayMatrix.withPackedStrips(k, n)}
                            : new RowArrayMatrix[] {new RowArrayMatrix(k, n)};
                    for (RowArrayMatrix m : layouts) {
                        m.setTransposeOf(w, 5);
                        y = y0.clone();
                        m.multRow(x, 2, accumulate, y, 3, new float[n]);
                        assertArrayEquals(expected, y, m + " accumulate=" + accumulate);
                    }
                    float[] reference = y0.clone();
                    GemmReference.sgemm(false, true, 1, n, k, x, 2, k, w, 5, k, accumulate, reference, 3, n);
                    for (int j = 0; j < y.length; j++) {
                        assertEquals(reference[j], y[j], TOLERANCE_PER_TERM * (k + 1), "element " + j);
                    }
                }
            }
        }
    }

    @Test
    void setToCopiesRowsAndTransposeOfMatchesTheMatrix() {
        SplittableRandom random = new SplittableRandom(4);
        FMatrixRMaj w = new FMatrixRMaj(7, 3, true, random(random, 21));
        RowArrayMatrix transposed = RowArrayMatrix.transposeOf(w);
        assertEquals(3, transposed.rows());
        assertEquals(7, transposed.cols());
        RowArrayMatrix copy = new RowArrayMatrix(7, 3);
        copy.setTo(w.data, 0);
        float[] unit = new float[7];
        float[] out = new float[3];
        for (int p = 0; p < 7; p++) {
            // e_p · W = row p of W
            java.util.Arrays.fill(unit, 0f);
            unit[p] = 1f;
            copy.multRow(unit, 0, false, out, 0, new float[3]);
            for (int j = 0; j < 3; j++) {
                assertEquals(w.get(p, j), out[j]);
            }
        }
        float[] e = new float[3];
        float[] column = new float[7];
        for (int q = 0; q < 3; q++) {
            java.util.Arrays.fill(e, 0f);
            e[q] = 1f;
            transposed.multRow(e, 0, false, column, 0, new float[7]);
            for (int j = 0; j < 7; j++) {
                assertEquals(w.get(j, q), column[j]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new RowArrayMatrix(0, 3));
        assertTrue(transposed.toString().contains("RowArrayMatrix"));
    }

    @Test
    void isPackedExactlyWhenTheVectorKernelsAreAvailableAndItIsLargeEnough() {
        assertEquals(Simd.available(), new RowArrayMatrix(64, 64).isPacked());
        assertEquals(Simd.available(), new RowArrayMatrix(1, RowArrayMatrix.VECTOR_MIN_SIZE).isPacked());
        assertFalse(new RowArrayMatrix(1, RowArrayMatrix.VECTOR_MIN_SIZE - 1).isPacked());
        assertFalse(RowArrayMatrix.withRowArrays(64, 64).isPacked());
        if (Simd.available()) {
            assertTrue(RowArrayMatrix.withPackedStrips(3, 5).isPacked());
        } else {
            assertThrows(IllegalStateException.class, () -> RowArrayMatrix.withPackedStrips(3, 5));
        }
    }

    @Test
    void vectorKernelsEqualThePlainLoopBitForBit() {
        assumeTrue(Simd.available(), "Vector API kernels not available");
        SplittableRandom random = new SplittableRandom(5);
        // sizes around one vector (8 or 16 lanes), a strip (8 vectors) and its blocks of 4, 2, 1 vectors
        int[] colSizes = {1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 100, 127, 128, 129, 200, 255,
                256, 257, 300, 383, 520};
        int[] rowSizes = {1, 2, 3, 5, 17, 64, 101};
        for (int trial = 0; trial < 120; trial++) {
            int k = rowSizes[random.nextInt(rowSizes.length)];
            int n = colSizes[random.nextInt(colSizes.length)];
            boolean accumulate = random.nextBoolean();
            boolean transposed = random.nextBoolean();
            // W: (N, K) used transposed, or (K, N), at offset 1; x at offset 4; y at offset 2
            float[] w = random(random, 1 + n * k);
            float[] x = random(random, 4 + k);
            float[] y0 = random(random, 2 + n + 3);
            RowArrayMatrix vectorised = RowArrayMatrix.withPackedStrips(k, n);
            RowArrayMatrix plain = RowArrayMatrix.withRowArrays(k, n);
            for (RowArrayMatrix m : new RowArrayMatrix[] {vectorised, plain}) {
                if (transposed) {
                    m.setTransposeOf(w, 1);
                } else {
                    m.setTo(w, 1);
                }
            }
            String what = "k=" + k + " n=" + n + " accumulate=" + accumulate + " transposed=" + transposed;
            float[] expected = y0.clone();
            plain.multRow(x, 4, accumulate, expected, 2, new float[n]);
            float[] y = y0.clone();
            vectorised.multRow(x, 4, accumulate, y, 2, new float[n]);
            assertArrayEquals(expected, y, what);
            // multAddRow: an output row at offset 0, accumulated into
            float[] s = java.util.Arrays.copyOf(y0, n);
            float[] t = s.clone();
            plain.multAddRow(x, 4, s);
            vectorised.multAddRow(x, 4, t);
            assertArrayEquals(s, t, "multAddRow " + what);
        }
    }

    @Test
    void vectorisedRowProductsAllocateNothingOnceCompiled() {
        assumeTrue(Simd.available(), "Vector API kernels not available");
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SplittableRandom random = new SplittableRandom(6);
        // a full strip and every block of the last one, the last vector partial
        // (16 lanes: 128 + 64 + 32 + 5 columns; 8 lanes: 3 · 64 + 32 + 5)
        int k = 24;
        int n = 229;
        RowArrayMatrix m = RowArrayMatrix.withPackedStrips(k, n);
        m.setTo(random(random, k * n), 0);
        float[] x = random(random, k);
        float[] y = new float[n];
        long thread = Thread.currentThread().getId();
        threads.getThreadAllocatedBytes(thread);
        // until the JIT has compiled the kernels, FloatVector values are objects
        for (int i = 0; i < 30_000; i++) {
            m.multRow(x, 0, (i & 1) == 0, y, 0, null);
            m.multAddRow(x, 0, y);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 1_000; i++) {
            m.multRow(x, 0, (i & 1) == 0, y, 0, null);
            m.multAddRow(x, 0, y);
        }
        assertEquals(0, threads.getThreadAllocatedBytes(thread) - before, "bytes allocated by 2,000 products");
    }

    private static float[] random(SplittableRandom random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        return a;
    }

    @Test
    void transposeRowsIntoWritesTheSelectedRowsAsColumnsAndNothingElse() {
        SplittableRandom random = new SplittableRandom(17);
        // counts below, at and above the eight-row groups; offsets and a destination stride wider than count
        for (int[] c : new int[][] {{1, 1, 0, 1}, {13, 5, 2, 11}, {20, 7, 0, 20}, {30, 9, 3, 17}}) {
            int n = c[0];
            int k = c[1];
            int rowFrom = c[2];
            int count = c[3] - rowFrom;
            int wOff = 3;
            float[] w = new float[wOff + n * k];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextDouble(-1, 1);
            }
            int dStride = count + 4;
            int dOff = 5;
            float[] dst = new float[dOff + k * dStride + 2];
            java.util.Arrays.fill(dst, Float.NaN);
            float[] expected = dst.clone();
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < count; j++) {
                    expected[dOff + p * dStride + j] = w[wOff + (rowFrom + j) * k + p];
                }
            }

            RowArrayMatrix.transposeRowsInto(w, wOff, k, rowFrom, count, dst, dOff, dStride);

            assertArrayEquals(expected, dst, "n=" + n + " k=" + k + " rows " + rowFrom + "+" + count);
        }
    }
}
