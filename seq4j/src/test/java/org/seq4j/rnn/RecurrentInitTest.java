package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.nn.Parameter;

class RecurrentInitTest {

    private static final int INPUT = 16;
    private static final int HIDDEN = 32;

    private static RecurrentLayer layer(CellType cell, RecurrentInit init, long seed) {
        return new RecurrentLayer(RecurrentConfig.of(cell, INPUT, HIDDEN).withNumLayers(2), init,
                new SplittableRandom(seed));
    }

    private static float maxAbs(FMatrixRMaj m) {
        float max = 0f;
        for (int i = 0; i < m.getNumElements(); i++) {
            max = Math.max(max, Math.abs(m.data[i]));
        }
        return max;
    }

    @Test
    void pytorchDefaultIsUniformWithinOneOverRootH() {
        float bound = (float) (1 / Math.sqrt(HIDDEN));
        for (Parameter p : layer(CellType.LSTM, RecurrentInit.pytorchDefault(), 1).parameters()) {
            float max = maxAbs(p.value());
            assertTrue(max < bound && max > 0.9f * bound, p.name() + ": max |value| " + max);
        }
    }

    @Test
    void gaussianHasTheRequestedDeviationAndZeroBiases() {
        RecurrentLayer layer = layer(CellType.GRU, RecurrentInit.gaussian(0.01f), 2);
        for (Parameter p : layer.parameters()) {
            FMatrixRMaj v = p.value();
            if (p.name().startsWith("bias")) {
                assertEquals(0f, maxAbs(v), p.name());
            } else {
                double sumSq = 0;
                for (int i = 0; i < v.getNumElements(); i++) {
                    sumSq += v.data[i] * v.data[i];
                }
                double std = Math.sqrt(sumSq / v.getNumElements());
                // ≥ 1536 samples: the sample deviation is within 10 % of 0.01 with overwhelming probability
                assertEquals(0.01, std, 0.001, p.name());
            }
        }
    }

    @Test
    void xavierBoundsTheInputWeights() {
        RecurrentLayer layer = layer(CellType.RNN_TANH, RecurrentInit.pytorchDefault().withXavierInputWeights(), 3);
        float l0 = maxAbs(layer.parameters().get("weight_ih_l0").value());
        float bound0 = (float) Math.sqrt(6.0 / (INPUT + HIDDEN));
        assertTrue(l0 < bound0 && l0 > 0.9f * bound0, "weight_ih_l0 max " + l0);
        float l1 = maxAbs(layer.parameters().get("weight_ih_l1").value());
        float bound1 = (float) Math.sqrt(6.0 / (HIDDEN + HIDDEN));
        assertTrue(l1 < bound1 && l1 > 0.9f * bound1, "weight_ih_l1 max " + l1);
        assertTrue(maxAbs(layer.parameters().get("weight_hh_l0").value()) < 1 / Math.sqrt(HIDDEN));
    }

    @Test
    void orthogonalMakesEveryRecurrentGateBlockOrthogonal() {
        RecurrentLayer layer = layer(CellType.LSTM, RecurrentInit.gaussian(0.1f).withOrthogonalRecurrentWeights(), 4);
        float[] w = layer.parameters().get("weight_hh_l1").value().data;
        for (int gate = 0; gate < 4; gate++) {
            int off = gate * HIDDEN * HIDDEN;
            for (int i = 0; i < HIDDEN; i++) {
                for (int j = 0; j < HIDDEN; j++) {
                    double dot = 0;
                    for (int k = 0; k < HIDDEN; k++) {
                        dot += (double) w[off + i * HIDDEN + k] * w[off + j * HIDDEN + k];
                    }
                    // float32 rounding of unit-norm rows of 32 entries: errors of a few 1e-7
                    assertEquals(i == j ? 1.0 : 0.0, dot, 1e-5, "gate " + gate + " rows " + i + ", " + j);
                }
            }
        }
    }

    @Test
    void forgetGateBiasSetsTheForgetBlock() {
        RecurrentLayer layer = layer(CellType.LSTM, RecurrentInit.pytorchDefault().withForgetGateBias(1f), 5);
        float[] ih = layer.parameters().get("bias_ih_l0").value().data;
        float[] hh = layer.parameters().get("bias_hh_l0").value().data;
        for (int j = 0; j < HIDDEN; j++) {
            assertEquals(1f, ih[HIDDEN + j]);
            assertEquals(0f, hh[HIDDEN + j]);
        }
        assertFalse(ih[0] == 0f && ih[2 * HIDDEN] == 0f, "other gates keep their random biases");
        assertThrows(IllegalArgumentException.class,
                () -> layer(CellType.GRU, RecurrentInit.pytorchDefault().withForgetGateBias(1f), 5));
        assertThrows(IllegalArgumentException.class, () -> new RecurrentLayer(
                RecurrentConfig.of(CellType.LSTM, 2, 2).withBias(false),
                RecurrentInit.pytorchDefault().withForgetGateBias(1f), new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> RecurrentInit.gaussian(0f));
        assertThrows(IllegalArgumentException.class, () -> RecurrentInit.pytorchDefault().withForgetGateBias(Float.NaN));
    }

    @Test
    void theSeedFixesEveryValue() {
        RecurrentInit init = RecurrentInit.gaussian(0.05f).withXavierInputWeights().withOrthogonalRecurrentWeights()
                .withForgetGateBias(1f);
        RecurrentLayer a = layer(CellType.LSTM, init, 6);
        RecurrentLayer b = layer(CellType.LSTM, init, 6);
        RecurrentLayer c = layer(CellType.LSTM, init, 7);
        for (Parameter p : a.parameters()) {
            assertArrayEquals(p.value().data, b.parameters().get(p.name()).value().data, p.name());
        }
        assertFalse(Arrays.equals(a.parameters().get("weight_hh_l0").value().data,
                c.parameters().get("weight_hh_l0").value().data));
        assertEquals("RecurrentInit[gaussian(0.05), xavier weight_ih, orthogonal weight_hh, forget bias 1.0]",
                init.toString());
    }
}
