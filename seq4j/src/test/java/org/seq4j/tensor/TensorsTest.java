package org.seq4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.testing.TestMatrices.dot;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.seq4j.check.GradientCheck;

class TensorsTest {

    /** Relative float32 tolerance of one rounded operation on a value computed in double (a few ulps). */
    private static final double FLOAT_ULPS = 5e-7;

    private static final SplittableRandom RANDOM = new SplittableRandom(11);

    private interface Backward {
        void apply(FMatrixRMaj y, FMatrixRMaj dy, FMatrixRMaj dx);
    }

    // ------------------------------------------------------------------------------------------------
    // Element-wise non-linearities

    @Test
    void activationsMatchTheirDefinitions() {
        FMatrixRMaj x = uniform(3, 7, 6.0, RANDOM);
        FMatrixRMaj y = new FMatrixRMaj(3, 7);
        Tensors.sigmoid(x, y);
        for (int i = 0; i < x.getNumElements(); i++) {
            assertClose(1 / (1 + Math.exp(-x.data[i])), y.data[i], "sigmoid at " + x.data[i]);
        }
        Tensors.tanh(x, y);
        for (int i = 0; i < x.getNumElements(); i++) {
            assertClose(Math.tanh(x.data[i]), y.data[i], "tanh at " + x.data[i]);
        }
        Tensors.relu(x, y);
        for (int i = 0; i < x.getNumElements(); i++) {
            assertEquals(Math.max(0f, x.data[i]), y.data[i]);
        }
    }

    @Test
    void sigmoidIsStableForHugeArguments() {
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {{-1e30f, -800f, -90f, 0f, 90f, 800f, 1e30f}});
        FMatrixRMaj y = new FMatrixRMaj(1, 7);
        Tensors.sigmoid(x, y);
        assertArrayEquals(new float[] {0f, 0f, (float) Math.exp(-90), 0.5f, 1f, 1f, 1f}, y.data);
        assertEquals(0f, Tensors.sigmoid(Float.NEGATIVE_INFINITY));
        assertEquals(1f, Tensors.sigmoid(Float.POSITIVE_INFINITY));
    }

    @Test
    void activationsWorkInPlace() {
        FMatrixRMaj x = uniform(2, 5, 3.0, RANDOM);
        for (BiConsumer<FMatrixRMaj, FMatrixRMaj> f : new BiConsumer[] {
                (BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::sigmoid,
                (BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::tanh,
                (BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::relu,
                (BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::softmaxRows,
                (BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::logSoftmaxRows}) {
            FMatrixRMaj expected = new FMatrixRMaj(2, 5);
            f.accept(x, expected);
            FMatrixRMaj inPlace = x.copy();
            f.accept(inPlace, inPlace);
            assertArrayEquals(expected.data, inPlace.data);
        }
    }

    @Test
    void sigmoidBackwardPassesGradientCheck() {
        checkActivation(Tensors::sigmoid, Tensors::sigmoidBackward, uniform(4, 5, 4.0, RANDOM));
    }

    @Test
    void tanhBackwardPassesGradientCheck() {
        checkActivation(Tensors::tanh, Tensors::tanhBackward, uniform(4, 5, 3.0, RANDOM));
    }

    @Test
    void reluBackwardPassesGradientCheck() {
        FMatrixRMaj x = uniform(4, 5, 2.0, RANDOM);
        // Keep every input at least 0.05 from the kink, ten times the check's step.
        for (int i = 0; i < x.getNumElements(); i++) {
            x.data[i] += Math.copySign(0.05f, x.data[i]);
        }
        checkActivation(Tensors::relu, Tensors::reluBackward, x);
    }

    @Test
    void reluBackwardIsZeroAtZeroAsInPyTorch() {
        FMatrixRMaj y = new FMatrixRMaj(new float[][] {{0f, 2f}});
        FMatrixRMaj dx = new FMatrixRMaj(1, 2);
        Tensors.reluBackward(y, new FMatrixRMaj(new float[][] {{3f, 4f}}), dx);
        assertArrayEquals(new float[] {0f, 4f}, dx.data);
    }

    @Test
    void softmaxBackwardPassesGradientCheck() {
        checkActivation(Tensors::softmaxRows, Tensors::softmaxRowsBackward, uniform(3, 6, 3.0, RANDOM));
    }

    @Test
    void logSoftmaxBackwardPassesGradientCheck() {
        checkActivation(Tensors::logSoftmaxRows, Tensors::logSoftmaxRowsBackward, uniform(3, 6, 3.0, RANDOM));
    }

    @Test
    void backwardsWorkInPlace() {
        FMatrixRMaj x = uniform(3, 4, 2.0, RANDOM);
        FMatrixRMaj dy = uniform(3, 4, 1.0, RANDOM);
        Object[][] pairs = {
                {(BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::sigmoid, (Backward) Tensors::sigmoidBackward},
                {(BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::tanh, (Backward) Tensors::tanhBackward},
                {(BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::relu, (Backward) Tensors::reluBackward},
                {(BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::softmaxRows, (Backward) Tensors::softmaxRowsBackward},
                {(BiConsumer<FMatrixRMaj, FMatrixRMaj>) Tensors::logSoftmaxRows,
                        (Backward) Tensors::logSoftmaxRowsBackward}};
        for (Object[] pair : pairs) {
            @SuppressWarnings("unchecked")
            BiConsumer<FMatrixRMaj, FMatrixRMaj> forward = (BiConsumer<FMatrixRMaj, FMatrixRMaj>) pair[0];
            Backward backward = (Backward) pair[1];
            FMatrixRMaj y = new FMatrixRMaj(3, 4);
            forward.accept(x, y);
            FMatrixRMaj expected = new FMatrixRMaj(3, 4);
            backward.apply(y, dy, expected);
            FMatrixRMaj inPlace = dy.copy();
            backward.apply(y, inPlace, inPlace);
            assertArrayEquals(expected.data, inPlace.data);
        }
    }

    /** L = Σ c ⊙ f(x) with random c, so that ∂L/∂y = c and ∂L/∂x = backward(y, c). */
    private static void checkActivation(BiConsumer<FMatrixRMaj, FMatrixRMaj> forward, Backward backward,
                                        FMatrixRMaj x) {
        FMatrixRMaj c = uniform(x.numRows, x.numCols, 1.0, RANDOM);
        FMatrixRMaj y = new FMatrixRMaj(x.numRows, x.numCols);
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, x.numCols);
        GradientCheck.builder(() -> {
            forward.accept(x, y);
            return dot(c, y);
        }).input("x", x, dx).build().run(() -> {
            forward.accept(x, y);
            backward.apply(y, c, dx);
        }).assertPassed();
    }

    // ------------------------------------------------------------------------------------------------
    // Softmax

    @Test
    void softmaxIsStableForHugeInputs() {
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {
                {1e30f, 0f, -1e30f},
                {1000f, 1000f, 1000f},
                {-1e30f, -1e30f, -1e30f + 1e24f},
                {88f, 89f, 90f}});
        FMatrixRMaj p = new FMatrixRMaj(4, 3);
        FMatrixRMaj logp = new FMatrixRMaj(4, 3);
        Tensors.softmaxRows(x, p);
        Tensors.logSoftmaxRows(x, logp);
        for (int i = 0; i < p.getNumElements(); i++) {
            assertTrue(Float.isFinite(p.data[i]) && Float.isFinite(logp.data[i]), "entry " + i + " not finite");
        }
        assertArrayEquals(new float[] {1f, 0f, 0f}, row(p, 0));
        assertArrayEquals(new float[] {0f, -1e30f, -2e30f}, row(logp, 0));
        assertArrayEquals(new float[] {1 / 3f, 1 / 3f, 1 / 3f}, row(p, 1), 1e-7f);
        assertArrayEquals(new float[] {0f, 0f, 1f}, row(p, 2));
        // Row 3 against the definition in double: exp(88) alone overflows float32.
        double z = Math.exp(-2) + Math.exp(-1) + 1;
        for (int j = 0; j < 3; j++) {
            assertClose(Math.exp(j - 2) / z, p.get(3, j), "softmax(3, " + j + ")");
            assertClose(j - 2 - Math.log(z), logp.get(3, j), "logSoftmax(3, " + j + ")");
        }
    }

    @Test
    void softmaxRowsSumToOne() {
        FMatrixRMaj x = uniform(5, 9, 20.0, RANDOM);
        FMatrixRMaj p = new FMatrixRMaj(5, 9);
        FMatrixRMaj logp = new FMatrixRMaj(5, 9);
        Tensors.softmaxRows(x, p);
        Tensors.logSoftmaxRows(x, logp);
        for (int r = 0; r < 5; r++) {
            double sum = 0;
            for (int j = 0; j < 9; j++) {
                sum += p.get(r, j);
                assertEquals(Math.log(p.get(r, j)), logp.get(r, j), 1e-5 + 1e-6 * Math.abs(logp.get(r, j)));
            }
            assertEquals(1.0, sum, 1e-6);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Bias broadcast, row sums, element-wise sums

    @Test
    void biasBroadcastAndRowSumsPassGradientCheck() {
        // L = Σ c ⊙ (m + 1·v): ∂L/∂m = c, ∂L/∂v = Σ_rows c, which sumRowsAdd computes.
        FMatrixRMaj m = uniform(5, 3, 1.0, RANDOM);
        FMatrixRMaj v = uniform(1, 3, 1.0, RANDOM);
        FMatrixRMaj c = uniform(5, 3, 1.0, RANDOM);
        FMatrixRMaj y = new FMatrixRMaj(5, 3);
        FMatrixRMaj dm = new FMatrixRMaj(5, 3);
        FMatrixRMaj dv = new FMatrixRMaj(1, 3);
        GradientCheck.builder(() -> {
            y.setTo(m);
            Tensors.addRowVector(y, v);
            return dot(c, y);
        }).input("m", m, dm).input("v", v, dv).build().run(() -> {
            dv.zero();
            dm.setTo(c);
            Tensors.sumRowsAdd(c, dv);
        }).assertPassed();
    }

    @Test
    void sumRowsAddAccumulates() {
        FMatrixRMaj m = new FMatrixRMaj(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        FMatrixRMaj out = new FMatrixRMaj(new float[][] {{10, 20}});
        Tensors.sumRowsAdd(m, out);
        assertArrayEquals(new float[] {19, 32}, out.data);
    }

    @Test
    void addAndAddTo() {
        FMatrixRMaj a = new FMatrixRMaj(new float[][] {{1, 2}, {3, 4}});
        FMatrixRMaj b = new FMatrixRMaj(new float[][] {{10, 20}, {30, 40}});
        FMatrixRMaj c = new FMatrixRMaj(2, 2);
        Tensors.add(a, b, c);
        assertArrayEquals(new float[] {11, 22, 33, 44}, c.data);
        Tensors.addTo(a, c);
        assertArrayEquals(new float[] {12, 24, 36, 48}, c.data);
    }

    @Test
    void productsPassGradientCheck() {
        // L = Σ c ⊙ (a·bᵀ): ∂L/∂a = c·b, ∂L/∂b = cᵀ·a: the forward and the two backward products of a layer.
        FMatrixRMaj a = uniform(4, 3, 1.0, RANDOM);
        FMatrixRMaj b = uniform(5, 3, 1.0, RANDOM);
        FMatrixRMaj c = uniform(4, 5, 1.0, RANDOM);
        FMatrixRMaj y = new FMatrixRMaj(4, 5);
        FMatrixRMaj da = new FMatrixRMaj(4, 3);
        FMatrixRMaj db = new FMatrixRMaj(5, 3);
        GradientCheck.builder(() -> {
            Tensors.multTransB(a, b, y);
            return dot(c, y);
        }).input("a", a, da).input("b", b, db).build().run(() -> {
            Tensors.mult(c, b, da);
            Tensors.multTransA(c, a, db);
        }).assertPassed();
    }

    // ------------------------------------------------------------------------------------------------
    // Gather / scatter-add

    @Test
    void gatherAndScatterAddPassGradientCheck() {
        // L = Σ c ⊙ gather(table, idx): ∂L/∂table = scatterAdd(c, idx); repeated indices accumulate.
        FMatrixRMaj table = uniform(6, 4, 1.0, RANDOM);
        int[] indices = {2, 0, 2, 5, 2, 1};
        FMatrixRMaj c = uniform(indices.length, 4, 1.0, RANDOM);
        FMatrixRMaj out = new FMatrixRMaj(indices.length, 4);
        FMatrixRMaj dTable = new FMatrixRMaj(6, 4);
        GradientCheck.builder(() -> {
            Tensors.gatherRows(table, indices, out);
            return dot(c, out);
        }).input("table", table, dTable).build().run(() -> {
            dTable.zero();
            Tensors.scatterAddRows(c, indices, dTable);
        }).assertPassed();
        // Rows 3 and 4 are never looked up.
        for (int col = 0; col < 4; col++) {
            assertEquals(0f, dTable.get(3, col));
            assertEquals(0f, dTable.get(4, col));
        }
    }

    @Test
    void gatherCopiesRows() {
        FMatrixRMaj table = new FMatrixRMaj(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        FMatrixRMaj out = new FMatrixRMaj(3, 2);
        Tensors.gatherRows(table, new int[] {2, 2, 0}, out);
        assertArrayEquals(new float[] {5, 6, 5, 6, 1, 2}, out.data);
    }

    @Test
    void gatherAndScatterRejectOutOfRangeIndices() {
        FMatrixRMaj table = new FMatrixRMaj(3, 2);
        assertMessage(() -> Tensors.gatherRows(table, new int[] {0, 3}, new FMatrixRMaj(2, 2)),
                "indices[1] must be in [0, 3) but was 3");
        assertMessage(() -> Tensors.scatterAddRows(new FMatrixRMaj(1, 2), new int[] {-1}, table),
                "indices[0] must be in [0, 3) but was -1");
    }

    // ------------------------------------------------------------------------------------------------
    // Shape errors name the expected and the actual shape

    @Test
    void shapeErrorsNameExpectedAndActualShapes() {
        FMatrixRMaj x23 = new FMatrixRMaj(2, 3);
        FMatrixRMaj x32 = new FMatrixRMaj(3, 2);
        String like = "must be (2, 3) like";
        assertMessage(() -> Tensors.sigmoid(x23, x32), "y " + like + " x but was (3, 2)");
        assertMessage(() -> Tensors.tanh(x23, x32), "y " + like + " x but was (3, 2)");
        assertMessage(() -> Tensors.relu(x23, x32), "y " + like + " x but was (3, 2)");
        assertMessage(() -> Tensors.sigmoidBackward(x23, x32, x23), "dy " + like + " y but was (3, 2)");
        assertMessage(() -> Tensors.tanhBackward(x23, x23, x32), "dx " + like + " y but was (3, 2)");
        assertMessage(() -> Tensors.reluBackward(x23, x32, x23), "dy " + like + " y but was (3, 2)");
        assertMessage(() -> Tensors.softmaxRows(x23, x32), "y " + like + " x but was (3, 2)");
        assertMessage(() -> Tensors.logSoftmaxRows(x23, x32), "y " + like + " x but was (3, 2)");
        assertMessage(() -> Tensors.softmaxRowsBackward(x23, x23, x32), "dx " + like + " y but was (3, 2)");
        assertMessage(() -> Tensors.logSoftmaxRowsBackward(x23, x32, x23), "dy " + like + " y but was (3, 2)");
        assertMessage(() -> Tensors.add(x23, x32, x23), "b " + like + " a but was (3, 2)");
        assertMessage(() -> Tensors.addTo(x23, x32), "out " + like + " a but was (3, 2)");
        assertMessage(() -> Tensors.addRowVector(x23, new FMatrixRMaj(1, 2)), "v must be (1, 3) but was (1, 2)");
        assertMessage(() -> Tensors.sumRowsAdd(x23, new FMatrixRMaj(3, 1)), "out must be (1, 3) but was (3, 1)");
        assertMessage(() -> Tensors.gatherRows(x23, new int[] {0}, x23), "out must be (1, 3) but was (2, 3)");
        assertMessage(() -> Tensors.scatterAddRows(x32, new int[] {0, 1}, x23), "dOut must be (2, 3) but was (3, 2)");
        assertMessage(() -> Tensors.mult(x23, x23, x23), "inner dimensions differ: a is (2, 3) but b is (2, 3)");
        assertMessage(() -> Tensors.multTransB(x23, x23, x32), "c must be (2, 2) but was (3, 2)");
        assertMessage(() -> Tensors.multTransA(x23, x32, x23), "inner dimensions differ: aᵀ is (3, 2) but b is (3, 2)");
        assertMessage(() -> Tensors.checkShape(x23, 4, 32, "x"), "x must be (4, 32) but was (2, 3)");
        assertMessage(() -> Tensors.checkShape(null, 4, 32, "x"), "x must be (4, 32) but was null");
    }

    // ------------------------------------------------------------------------------------------------

    private static void assertMessage(Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    private static void assertClose(double expected, float actual, String what) {
        assertEquals(expected, actual, FLOAT_ULPS * Math.max(1.0, Math.abs(expected)) + Float.MIN_NORMAL, what);
    }

    private static float[] row(FMatrixRMaj m, int r) {
        float[] out = new float[m.numCols];
        System.arraycopy(m.data, r * m.numCols, out, 0, m.numCols);
        return out;
    }
}
