package org.seq4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class InitTest {

    /** |QᵀQ − I| of a float32 Householder QR: a few ulps times the dimension (here ≤ 64). */
    private static final double ORTHOGONALITY_TOLERANCE = 1e-5;

    /**
     * Sample moments over n = 40 000 draws: the standard error of the mean is σ/200 and of the variance
     * about σ²/140, so five standard errors are 0.025σ and 0.036σ².
     */
    private static final int SAMPLES_ROWS = 200;
    private static final int SAMPLES_COLS = 200;
    private static final double MEAN_TOLERANCE = 0.025;
    private static final double VARIANCE_TOLERANCE = 0.036;

    @Test
    void normalHasTheRequestedMoments() {
        FMatrixRMaj m = new FMatrixRMaj(SAMPLES_ROWS, SAMPLES_COLS);
        Init.normal(m, 0.5, new SplittableRandom(1));
        assertMoments(m, 0.5 * 0.5);
    }

    @Test
    void uniformStaysWithinItsBoundAndHasItsVariance() {
        FMatrixRMaj m = new FMatrixRMaj(SAMPLES_ROWS, SAMPLES_COLS);
        Init.uniform(m, 0.3, new SplittableRandom(2));
        assertMaxAbs(m, 0.3);
        assertMoments(m, 0.3 * 0.3 / 3);
    }

    @Test
    void xavierUsesFanInAndFanOut() {
        FMatrixRMaj w = new FMatrixRMaj(100, 300);  // fanOut 100, fanIn 300
        Init.xavierUniform(w, Init.GAIN_TANH, new SplittableRandom(3));
        double bound = 5.0 / 3 * Math.sqrt(6.0 / 400);
        assertMaxAbs(w, bound);
        assertMoments(w, bound * bound / 3);
        Init.xavierNormal(w, 2.0, new SplittableRandom(4));
        double std = 2.0 * Math.sqrt(2.0 / 400);
        assertMoments(w, std * std);
    }

    @Test
    void orthogonalGivesOrthonormalColumnsOrRows() {
        for (int[] shape : new int[][] {{8, 8}, {12, 5}, {5, 12}, {1, 7}, {7, 1}, {64, 64}}) {
            FMatrixRMaj w = new FMatrixRMaj(shape[0], shape[1]);
            double gain = 1.5;
            Init.orthogonal(w, gain, new SplittableRandom(5));
            boolean wide = shape[0] < shape[1];
            int k = Math.min(shape[0], shape[1]);
            int inner = Math.max(shape[0], shape[1]);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double dot = 0;
                    for (int l = 0; l < inner; l++) {
                        dot += wide ? (double) w.get(i, l) * w.get(j, l) : (double) w.get(l, i) * w.get(l, j);
                    }
                    assertEquals(i == j ? gain * gain : 0.0, dot,
                            ORTHOGONALITY_TOLERANCE * gain * gain,
                            shape[0] + "x" + shape[1] + " entry (" + i + ", " + j + ")");
                }
            }
        }
    }

    @Test
    void orthogonalIsSignCorrectedSoThatRHasAPositiveDiagonal() {
        // With Q's column signs matched to R's diagonal, Qᵀ·A has a positive diagonal for the Gaussian A drawn
        // from the same stream.
        FMatrixRMaj w = new FMatrixRMaj(6, 4);
        Init.orthogonal(w, 1.0, new SplittableRandom(6));
        FMatrixRMaj a = new FMatrixRMaj(6, 4);
        Init.normal(a, 1.0, new SplittableRandom(6));
        for (int j = 0; j < 4; j++) {
            double diag = 0;
            for (int i = 0; i < 6; i++) {
                diag += (double) w.get(i, j) * a.get(i, j);
            }
            assertTrue(diag > 0, "R(" + j + ", " + j + ") = " + diag);
        }
    }

    @Test
    void sameSeedGivesTheSameValues() {
        FMatrixRMaj a = new FMatrixRMaj(5, 7);
        FMatrixRMaj b = new FMatrixRMaj(5, 7);
        Init.orthogonal(a, 1.0, new SplittableRandom(7));
        Init.orthogonal(b, 1.0, new SplittableRandom(7));
        assertArrayEquals(a.data, b.data);
        Init.xavierUniform(a, 1.0, new SplittableRandom(8));
        Init.xavierUniform(b, 1.0, new SplittableRandom(9));
        assertFalse(java.util.Arrays.equals(a.data, b.data));
    }

    @Test
    void rnnUniformCoversEveryParameter() {
        Parameters ps = Parameters.of(new Parameter("weight_ih_l0", 16, 4), new Parameter("weight_hh_l0", 16, 16),
                new Parameter("bias_ih_l0", 16), new Parameter("bias_hh_l0", 16));
        Init.rnnUniform(ps, 16, new SplittableRandom(10));
        for (Parameter p : ps) {
            assertMaxAbs(p.value(), 0.25);
            assertTrue(maxAbs(p.value()) > 0.15, p.name());
        }
    }

    @Test
    void normalWeightsZeroBiasesAsCharRnn() {
        Parameters ps = Parameters.of(new Parameter("weight", 50, 40), new Parameter("bias", 50));
        Init.uniform(ps.get("bias").value(), 1.0, new SplittableRandom(11));
        Init.normalWeightsZeroBiases(ps, 0.01, new SplittableRandom(12));
        assertArrayEquals(new float[50], ps.get("bias").value().data);
        double sumSq = 0;
        for (float v : ps.get("weight").value().data) {
            sumSq += v * v;
        }
        assertEquals(1e-4, sumSq / 2000, 1e-5);
    }

    @Test
    void rejectsBadArguments() {
        FMatrixRMaj m = new FMatrixRMaj(2, 2);
        assertThrows(IllegalArgumentException.class, () -> Init.normal(m, -1, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(m, Double.NaN, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(m, 1, null));
        assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(new FMatrixRMaj(0, 3), 1, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> Init.rnnUniform(new Parameters(), 0, new SplittableRandom(1)));
    }

    private static void assertMoments(FMatrixRMaj m, double variance) {
        double sum = 0;
        double sumSq = 0;
        int n = m.getNumElements();
        for (int i = 0; i < n; i++) {
            sum += m.data[i];
            sumSq += (double) m.data[i] * m.data[i];
        }
        double std = Math.sqrt(variance);
        assertEquals(0.0, sum / n, MEAN_TOLERANCE * std * Math.sqrt(40000.0 / n), "mean");
        assertEquals(variance, sumSq / n, VARIANCE_TOLERANCE * variance * Math.sqrt(40000.0 / n), "variance");
    }

    private static void assertMaxAbs(FMatrixRMaj m, double bound) {
        assertTrue(maxAbs(m) <= bound, "max |w| " + maxAbs(m) + " exceeds " + bound);
    }

    private static double maxAbs(FMatrixRMaj m) {
        double max = 0;
        for (int i = 0; i < m.getNumElements(); i++) {
            max = Math.max(max, Math.abs(m.data[i]));
        }
        return max;
    }
}
