package org.seq4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;

class MSELossTest {

    @Test
    void meanRunsOverEveryElement() {
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {{1, 2, 3}, {4, 5, 6}});
        FMatrixRMaj t = new FMatrixRMaj(new float[][] {{1, 0, 3}, {4, 5, 9}});
        assertEquals((4.0 + 9.0) / 6, new MSELoss().forward(x, t), 1e-15);
        assertEquals(13.0, new MSELoss(Reduction.SUM).forward(x, t), 1e-15);
    }

    @Test
    void passesGradientCheckForBothReductions() {
        for (Reduction reduction : Reduction.values()) {
            SplittableRandom random = new SplittableRandom(reduction.ordinal());
            MSELoss loss = new MSELoss(reduction);
            FMatrixRMaj x = uniform(3, 4, 1.0, random);
            FMatrixRMaj t = uniform(3, 4, 1.0, random);
            FMatrixRMaj dx = new FMatrixRMaj(3, 4);
            double dLoss = 1.5;
            GradientCheck.builder(() -> dLoss * loss.forward(x, t)).input("input", x, dx).build()
                    .run(() -> loss.backward(x, t, dLoss, dx)).assertPassed();
        }
    }

    @Test
    void rowWeightsGiveTheWeightedMeanAndDropRowsOfWeightZero() {
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {{1, 2, 3}, {4, 5, 6}, {0, 0, 0}});
        FMatrixRMaj t = new FMatrixRMaj(new float[][] {{1, 0, 3}, {4, 5, 9}, {7, 7, 7}});
        float[] weights = {2f, 1f, 0f};
        assertEquals((2 * 4.0 + 9.0) / (3 * 3.0), new MSELoss().forward(x, t, weights), 1e-15);
        assertEquals(2 * 4.0 + 9.0, new MSELoss(Reduction.SUM).forward(x, t, weights), 1e-15);
        FMatrixRMaj dx = new FMatrixRMaj(3, 3);
        new MSELoss().backward(x, t, weights, 1.0, dx);
        assertEquals(2 * 2 * 2.0 / 9, dx.get(0, 1), 1e-7);
        assertEquals(2 * -3.0 / 9, dx.get(1, 2), 1e-7);
        assertEquals(0f, dx.get(2, 0), 0f);
    }

    @Test
    void passesGradientCheckWithRowWeights() {
        for (Reduction reduction : Reduction.values()) {
            SplittableRandom random = new SplittableRandom(10 + reduction.ordinal());
            MSELoss loss = new MSELoss(reduction);
            FMatrixRMaj x = uniform(3, 4, 1.0, random);
            FMatrixRMaj t = uniform(3, 4, 1.0, random);
            float[] weights = {0.5f, 0f, 2f};
            FMatrixRMaj dx = new FMatrixRMaj(3, 4);
            GradientCheck.builder(() -> 0.75 * loss.forward(x, t, weights)).input("input", x, dx).build()
                    .run(() -> loss.backward(x, t, weights, 0.75, dx)).assertPassed();
        }
    }

    @Test
    void rejectsShapeMismatchNamingBothShapes() {
        MSELoss loss = new MSELoss();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.forward(new FMatrixRMaj(2, 3), new FMatrixRMaj(3, 2)));
        assertEquals("target must be (2, 3) like input but was (3, 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> loss.backward(new FMatrixRMaj(2, 3), new FMatrixRMaj(2, 3), 1.0, new FMatrixRMaj(1, 6)));
        assertEquals("dInput must be (2, 3) like input but was (1, 6)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MSELoss(null));
        e = assertThrows(IllegalArgumentException.class,
                () -> loss.forward(new FMatrixRMaj(2, 3), new FMatrixRMaj(2, 3), new float[3]));
        assertEquals("exampleWeights must have N = 2 entries but had 3", e.getMessage());
    }
}
