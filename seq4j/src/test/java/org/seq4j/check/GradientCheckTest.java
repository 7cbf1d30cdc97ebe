package org.seq4j.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

class GradientCheckTest {

    @Test
    void passesCorrectPerceptron() {
        for (int seed = 0; seed < 5; seed++) {
            TinyNetworks.Mlp net = new TinyNetworks.Mlp(4, 5, 6, 3, new SplittableRandom(seed));
            GradientCheck.Result r = GradientCheck.builder(net::loss)
                    .parameters(net.parameters).input("x", net.x, net.dx).build().run(net::gradients);
            r.assertPassed();
            assertEquals(5, r.tensors().size());
        }
    }

    @Test
    void flagsMissingBiasGradient() {
        TinyNetworks.Mlp net = new TinyNetworks.Mlp(4, 5, 6, 3, new SplittableRandom(1));
        net.bug = TinyNetworks.Mlp.Bug.MISSING_B1_GRAD;
        GradientCheck.Result r = GradientCheck.builder(net::loss)
                .parameters(net.parameters).input("x", net.x, net.dx).build().run(net::gradients);

        assertFalse(r.passed());
        assertEquals("b1", r.worst().tensor());
        assertEquals(0.0, r.worst().analytic());
        assertTrue(Math.abs(r.worst().numeric()) > 1e-3, r.toString());
        // Only b1 is wrong: every other tensor still passes.
        for (GradientCheck.TensorReport t : r.tensors()) {
            assertEquals(!t.name().equals("b1"), t.passed(), t.toString());
        }
        AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
        String expectedIndex = "b1 (0, " + r.worst().col() + ")";
        assertTrue(e.getMessage().contains(expectedIndex), e.getMessage());
        assertTrue(e.getMessage().contains("analytic") && e.getMessage().contains("numeric"), e.getMessage());
    }

    @Test
    void passesCorrectRecurrenceFromModerateToNearSaturatedWeights() {
        for (double weightScale : new double[] {0.5, 1.0, 1.5}) {
            for (int seed = 0; seed < 3; seed++) {
                TinyNetworks.Recurrence net =
                        new TinyNetworks.Recurrence(6, 2, 3, 5, 4, weightScale, new SplittableRandom(seed));
                net.check().build().run(net::gradients).assertPassed();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TinyNetworks.Recurrence.Bug.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void flagsRecurrenceMissingOneTimeStep(TinyNetworks.Recurrence.Bug bug) {
        for (int seed = 0; seed < 3; seed++) {
            TinyNetworks.Recurrence net = new TinyNetworks.Recurrence(6, 2, 3, 5, 4, 0.5, new SplittableRandom(seed));
            net.bug = bug;
            GradientCheck.Result r = net.check().build().run(net::gradients);
            assertFalse(r.passed(), bug + " seed " + seed + " was not detected:\n" + r);
            if (bug == TinyNetworks.Recurrence.Bug.DROP_WH_GRAD_AT_ONE_STEP) {
                assertEquals("weight_hh", r.worst().tensor());
                // A systematic error of one step in six: caught at the tensor level.
                assertTrue(r.worstTensor().tensorScore() > 1, r.toString());
            }
        }
    }

    @Test
    void flagsGradientThatIsAlwaysZero() {
        // The classic hand-written BPTT bug: the recurrent weights never receive a gradient.
        TinyNetworks.Recurrence net = new TinyNetworks.Recurrence(4, 2, 3, 5, 4, 0.5, new SplittableRandom(3));
        GradientCheck.Result r = net.check().build().run(() -> {
            net.gradients();
            net.wh.zeroGrad();
        });
        assertEquals("weight_hh", r.worst().tensor());
        assertEquals(1.0, r.worstTensor().relativeError(), 1e-12);
    }

    @Test
    void restoresEveryValueBitExactly() {
        TinyNetworks.Recurrence net = new TinyNetworks.Recurrence(3, 2, 3, 4, 5, 1.0, new SplittableRandom(4));
        List<float[]> before = new ArrayList<>();
        for (Parameter p : net.parameters) {
            before.add(p.value().data.clone());
        }
        float[] x0 = net.x[0].data.clone();
        net.bug = TinyNetworks.Recurrence.Bug.DROP_DH_NEXT_AT_ONE_STEP;
        net.check().build().run(net::gradients);
        int k = 0;
        for (Parameter p : net.parameters) {
            assertArrayEquals(before.get(k++), p.value().data, p.name());
        }
        assertArrayEquals(x0, net.x[0].data);
    }

    @Test
    void restoresValueWhenTheLossThrows() {
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {{1f, 2f}});
        FMatrixRMaj dx = new FMatrixRMaj(1, 2);
        float[] original = x.data.clone();
        GradientCheck check = GradientCheck.builder(() -> {
            if (x.data[0] != 1f) {
                throw new ArithmeticException("perturbed");
            }
            return x.data[0] + x.data[1];
        }).input("x", x, dx).build();
        assertThrows(ArithmeticException.class, () -> check.run(() -> { }));
        assertArrayEquals(original, x.data);
    }

    @Test
    void samplesLargeTensorsWithAFixedSeed() {
        FMatrixRMaj x = new FMatrixRMaj(10, 30);
        FMatrixRMaj dx = new FMatrixRMaj(10, 30);
        FMatrixRMaj small = new FMatrixRMaj(2, 3);
        FMatrixRMaj dSmall = new FMatrixRMaj(2, 3);
        TinyNetworks.fillUniform(x, 1, new SplittableRandom(5));
        // L = Σ x³ / 100 + Σ small: dL/dx = 3x² / 100.
        Runnable gradients = () -> {
            for (int i = 0; i < x.getNumElements(); i++) {
                dx.data[i] = 3 * x.data[i] * x.data[i] / 100;
            }
            java.util.Arrays.fill(dSmall.data, 1f);
        };
        GradientCheck.Result r = GradientCheck.builder(() -> {
            double sum = 0;
            for (int i = 0; i < x.getNumElements(); i++) {
                sum += (double) x.data[i] * x.data[i] * x.data[i] / 100;
            }
            for (int i = 0; i < small.getNumElements(); i++) {
                sum += small.data[i];
            }
            return sum;
        }).input("x", x, dx).input("small", small, dSmall).maxEntriesPerTensor(17).seed(9).build().run(gradients);
        r.assertPassed();
        assertEquals(17, r.tensors().get(0).entriesChecked());
        assertEquals(6, r.tensors().get(1).entriesChecked());
    }

    @Test
    void rejectsLossWithSideEffects() {
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {{0.5f}});
        FMatrixRMaj dx = new FMatrixRMaj(new float[][] {{1f}});
        double[] calls = {0};
        GradientCheck check = GradientCheck.builder(() -> x.data[0] + 1e-3 * calls[0]++).input("x", x, dx).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> check.run(() -> { }));
        assertTrue(e.getMessage().contains("side effects"), e.getMessage());
    }

    @Test
    void failsOnNonFiniteAnalyticGradient() {
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {{0.5f, 0.25f}});
        FMatrixRMaj dx = new FMatrixRMaj(1, 2);
        GradientCheck.Result r = GradientCheck.builder(() -> x.data[0] + x.data[1]).input("x", x, dx).build()
                .run(() -> {
                    dx.data[0] = 1f;
                    dx.data[1] = Float.NaN;
                });
        assertFalse(r.passed());
        assertEquals(1, r.worst().col());
    }

    @Test
    void checksTiedParametersOnce() {
        Parameter w = new Parameter("weight", 2, 2);
        Parameters registry = new Parameters().addAll("encoder.", Parameters.of(w)).addAll("decoder.", Parameters.of(w));
        TinyNetworks.fillUniform(w.value(), 1, new SplittableRandom(6));
        GradientCheck.Result r = GradientCheck.builder(() -> {
            double sum = 0;
            for (int i = 0; i < 4; i++) {
                sum += w.value().data[i] * w.value().data[i];
            }
            return sum;
        }).parameters(registry).build().run(() -> {
            for (int i = 0; i < 4; i++) {
                w.grad().data[i] = 2 * w.value().data[i];
            }
        });
        r.assertPassed();
        assertEquals(1, r.tensors().size());
        assertEquals("encoder.weight", r.tensors().get(0).name());
    }

    @Test
    void validatesTheConfiguration() {
        FMatrixRMaj x = new FMatrixRMaj(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.builder(() -> 0).input("x", x, new FMatrixRMaj(3, 2)).build());
        assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3, 2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.builder(() -> 0).build());
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.builder(null));
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.builder(() -> 0)
                .input("x", x, new FMatrixRMaj(2, 3)).input("x", new FMatrixRMaj(1, 1), new FMatrixRMaj(1, 1)).build());
        assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.builder(() -> 0).input("x", x, x).build());
        assertThrows(IllegalArgumentException.class, () -> GradientCheck.builder(() -> 0)
                .input("x", x, new FMatrixRMaj(2, 3)).input("y", x, new FMatrixRMaj(2, 3)).build());
        assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.builder(() -> 0).input("x", x, new FMatrixRMaj(2, 3)).step(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.builder(() -> 0).input("x", x, new FMatrixRMaj(2, 3)).tolerance(0.1, 0).build());
        assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.builder(() -> 0).input("x", x, new FMatrixRMaj(2, 3)).tensorTolerance(1).build());
        assertThrows(IllegalArgumentException.class,
                () -> GradientCheck.builder(() -> 0).input("x", x, new FMatrixRMaj(2, 3)).maxEntriesPerTensor(0).build());
        GradientCheck check = GradientCheck.builder(() -> Double.NaN).input("x", x, new FMatrixRMaj(2, 3)).build();
        assertThrows(IllegalStateException.class, () -> check.run(() -> { }));
    }
}
