package org.seq4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.testing.TestMatrices.dot;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.tensor.Tensors;

class LinearTest {

    @Test
    void forwardIsAffine() {
        Linear layer = new Linear(2, 3, new SplittableRandom(1));
        layer.weight().value().setTo(new FMatrixRMaj(new float[][] {{1, 2}, {3, 4}, {5, 6}}));
        layer.bias().orElseThrow().value().setTo(new FMatrixRMaj(new float[][] {{0.5f, -1, 2}}));
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {{1, 1}, {2, -1}});
        FMatrixRMaj y = new FMatrixRMaj(2, 3);
        layer.forward(x, y);
        assertArrayEquals(new float[] {3.5f, 6, 13, 0.5f, 1, 6}, y.data);
    }

    @Test
    void passesGradientCheckThroughATanhLoss() {
        for (boolean bias : new boolean[] {true, false}) {
            for (int batch : new int[] {1, 5}) {
                SplittableRandom random = new SplittableRandom(batch);
                Linear layer = new Linear(4, 3, bias, random);
                FMatrixRMaj x = uniform(batch, 4, 1.0, random);
                FMatrixRMaj c = uniform(batch, 3, 1.0, random);
                FMatrixRMaj y = new FMatrixRMaj(batch, 3);
                FMatrixRMaj dy = new FMatrixRMaj(batch, 3);
                FMatrixRMaj dx = new FMatrixRMaj(batch, 4);
                // L = Σ c ⊙ tanh(layer(x)): a non-linear loss, so that every gradient term matters.
                GradientCheck.Result r = GradientCheck.builder(() -> {
                    layer.forward(x, y);
                    Tensors.tanh(y, y);
                    return dot(c, y);
                }).parameters(layer.parameters()).input("x", x, dx).build().run(() -> {
                    layer.parameters().zeroGrad();
                    layer.forward(x, y);
                    Tensors.tanh(y, y);
                    Tensors.tanhBackward(y, c, dy);
                    layer.backward(x, dy, dx);
                });
                r.assertPassed();
                assertEquals(bias ? 3 : 2, r.tensors().size());
            }
        }
    }

    @Test
    void backwardAccumulatesParameterGradientsAndOverwritesInputGradient() {
        SplittableRandom random = new SplittableRandom(2);
        Linear layer = new Linear(3, 2, random);
        FMatrixRMaj x = uniform(4, 3, 1.0, random);
        FMatrixRMaj dy = uniform(4, 2, 1.0, random);
        FMatrixRMaj dx = uniform(4, 3, 1.0, random);
        layer.backward(x, dy, dx);
        float[] once = layer.weight().grad().data.clone();
        float[] bOnce = layer.bias().orElseThrow().grad().data.clone();
        float[] dxOnce = dx.data.clone();
        layer.backward(x, dy, dx);
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], layer.weight().grad().data[i], 1e-6f);
        }
        for (int i = 0; i < bOnce.length; i++) {
            assertEquals(2 * bOnce[i], layer.bias().orElseThrow().grad().data[i], 1e-6f);
        }
        assertArrayEquals(dxOnce, dx.data);
        // No input gradient wanted: the parameter gradients are still added.
        layer.backward(x, dy, null);
        assertEquals(3 * once[0], layer.weight().grad().data[0], 1e-6f);
    }

    @Test
    void initialisesAsPyTorchWithinOneOverSqrtFanIn() {
        Linear layer = new Linear(16, 8, new SplittableRandom(3));
        double bound = 1 / Math.sqrt(16);
        for (Parameter p : layer.parameters()) {
            double max = 0;
            for (int i = 0; i < p.numElements(); i++) {
                max = Math.max(max, Math.abs(p.value().data[i]));
            }
            assertTrue(max <= bound && max > 0.8 * bound, p + " max |value| " + max);
        }
        assertEquals("[weight[8, 16], bias[8]]", layer.parameters().toString());
        Linear same = new Linear(16, 8, new SplittableRandom(3));
        assertArrayEquals(layer.weight().value().data, same.weight().value().data);
        Linear noBias = new Linear(16, 8, false, new SplittableRandom(3));
        assertFalse(noBias.bias().isPresent());
        assertEquals(1, noBias.parameters().size());
    }

    @Test
    void rejectsWrongShapesNamingExpectedAndActual() {
        Linear layer = new Linear(4, 3, new SplittableRandom(4));
        FMatrixRMaj x = new FMatrixRMaj(2, 4);
        assertMessage(() -> layer.forward(new FMatrixRMaj(2, 5), new FMatrixRMaj(2, 3)), "x must be (N, 4) but was (2, 5)");
        assertMessage(() -> layer.forward(x, new FMatrixRMaj(2, 4)), "y must be (2, 3) but was (2, 4)");
        assertMessage(() -> layer.backward(x, new FMatrixRMaj(3, 3), null), "dY must be (2, 3) but was (3, 3)");
        assertMessage(() -> layer.backward(x, new FMatrixRMaj(2, 3), new FMatrixRMaj(2, 3)),
                "dX must be (2, 4) but was (2, 3)");
        assertThrows(IllegalArgumentException.class, () -> new Linear(0, 3, new SplittableRandom(5)));
        assertThrows(IllegalArgumentException.class, () -> new Linear(3, 3, null));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
