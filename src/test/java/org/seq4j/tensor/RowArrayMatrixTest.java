package org.seq4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                    RowArrayMatrix m = new RowArrayMatrix(k, n);
                    m.setTransposeOf(w, 5);
                    float[] y = y0.clone();
                    m.multRow(x, 2, accumulate, y, 3, new float[n]);
                    float[] expected = y0.clone();
                    Gemm.sgemm(false, true, 1, n, k, x, 2, k, w, 5, k, accumulate, expected, 3, n);
                    assertArrayEquals(expected, y, "k=" + k + " n=" + n + " accumulate=" + accumulate);
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

    private static float[] random(SplittableRandom random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        return a;
    }
}
