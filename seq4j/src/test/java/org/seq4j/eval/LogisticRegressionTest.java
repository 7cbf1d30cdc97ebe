package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.testing.TestMatrices.indices;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameter;

class LogisticRegressionTest {

    /** 3 classes of points around the corners (±4, 0), (0, 4) of the plane: linearly separable. */
    private static final float[][] CENTRES = {{4, 0}, {-4, 0}, {0, 4}};

    private static FMatrixRMaj blobs(int n, int[] labels, SplittableRandom random) {
        FMatrixRMaj x = new FMatrixRMaj(n, 2);
        for (int i = 0; i < n; i++) {
            labels[i] = i % CENTRES.length;
            x.set(i, 0, CENTRES[labels[i]][0] + (float) random.nextDouble(-1.5, 1.5));
            x.set(i, 1, CENTRES[labels[i]][1] + (float) random.nextDouble(-1.5, 1.5));
        }
        return x;
    }

    /** (n, f) features, uniform in ±1.5, of which every entry but about one in {@code keepOneIn} is zeroed. */
    private static FMatrixRMaj features(int n, int f, int keepOneIn, SplittableRandom random) {
        FMatrixRMaj x = uniform(n, f, 1.5, random);
        for (int i = 0; i < x.data.length; i++) {
            if (random.nextInt(keepOneIn) != 0) {
                x.data[i] = 0f;
            }
        }
        return x;
    }

    @Test
    void objectiveGradientPassesTheGradientCheckOnDenseAndSparseFeatures() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 7;
        int c = 3;
        for (boolean sparse : new boolean[] {false, true}) {
            for (boolean weighted : new boolean[] {false, true}) {
                Linear linear = new Linear(sparse ? 24 : 5, c, random);
                FMatrixRMaj x = sparse ? features(n, 24, 6, random) : uniform(n, 5, 1.5, random);
                int[] labels = indices(n, c, random);
                CrossEntropyLoss.Builder loss = CrossEntropyLoss.builder();
                if (weighted) {
                    loss.classWeights(0.5f, 2f, 1.25f);
                }
                LogisticObjective objective = new LogisticObjective(linear, x, labels, loss.build(), 0.3);
                assertEquals(sparse, objective.sparse());
                GradientCheck.builder(objective::value).parameters(linear.parameters()).build()
                        .run(objective::valueAndGradient).assertPassed();
            }
        }
    }

    @Test
    void sparseAndDenseProductsAgree() {
        SplittableRandom random = new SplittableRandom(9);
        FMatrixRMaj x = features(11, 40, 8, random);
        int[] labels = indices(11, 4, random);
        Linear linear = new Linear(40, 4, random);
        LogisticObjective sparse = new LogisticObjective(linear, x, labels, new CrossEntropyLoss(), 0.1, true);
        double sparseValue = sparse.valueAndGradient();
        float[] dw = linear.weight().grad().data.clone();
        float[] db = linear.bias().orElseThrow().grad().data.clone();
        LogisticObjective dense = new LogisticObjective(linear, x, labels, new CrossEntropyLoss(), 0.1, false);
        assertEquals(sparseValue, dense.valueAndGradient(), 1e-6);
        assertArrayEquals(dw, linear.weight().grad().data, 1e-6f);
        assertArrayEquals(db, linear.bias().orElseThrow().grad().data, 1e-6f);
    }

    @Test
    void objectiveIsTheWeightedMeanCrossEntropyPlusTheHalvedPenalty() {
        Linear linear = new Linear(new Parameter("weight", 2, 2), new Parameter("bias", 2));
        linear.weight().value().setTo(new FMatrixRMaj(new float[][] {{1, 0}, {0, 2}}));
        FMatrixRMaj x = new FMatrixRMaj(new float[][] {{1, 1}, {0, 0}});
        int[] labels = {0, 1};
        CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(1f, 3f).build();
        // row 0: z = (1, 2), −log p0 = log(e + e²) − 1; row 1: z = (0, 0), −log p1 = log 2
        double ce = (1 * (Math.log(Math.E + Math.exp(2)) - 1) + 3 * Math.log(2)) / 4;
        double penalty = 0.5 * 0.1 * (1 + 4);
        assertEquals(ce + penalty, new LogisticObjective(linear, x, labels, loss, 0.1).value(), 1e-6);
    }

    @Test
    void separatesASeparableSet() {
        int[] labels = new int[90];
        FMatrixRMaj x = blobs(labels.length, labels, new SplittableRandom(1));
        LogisticRegression model = LogisticRegression.fit(x, labels, 3, LogisticRegression.Config.builder().build());
        assertArrayEquals(labels, model.predict(x));

        int[] testLabels = new int[30];
        FMatrixRMaj test = blobs(testLabels.length, testLabels, new SplittableRandom(2));
        assertArrayEquals(testLabels, model.predict(test));

        FMatrixRMaj p = new FMatrixRMaj(test.numRows, 3);
        model.probabilities(test, p);
        for (int i = 0; i < test.numRows; i++) {
            assertEquals(1.0, p.get(i, 0) + p.get(i, 1) + p.get(i, 2), 1e-5);
            assertTrue(p.get(i, testLabels[i]) > 0.5, "p(true class) of row " + i + " was " + p.get(i, testLabels[i]));
        }
        assertEquals(3, model.numClasses());
        assertEquals(2, model.numFeatures());
    }

    @Test
    void convergesToAStationaryPointOfThePenalisedObjective() {
        // overlapping classes and a penalty: a unique minimum of finite norm, where the gradient vanishes
        SplittableRandom random = new SplittableRandom(5);
        FMatrixRMaj x = uniform(60, 4, 1.0, random);
        int[] labels = indices(60, 3, random);
        LogisticRegression.Config config = LogisticRegression.Config.builder().l2(0.05).learningRate(0.05)
                .maxIterations(3000).tolerance(0).build();
        LogisticRegression model = LogisticRegression.fit(x, labels, 3, config);
        Linear linear = new Linear(model.parameters().get("weight"), model.parameters().get("bias"));
        LogisticObjective objective = new LogisticObjective(linear, x, labels, new CrossEntropyLoss(), 0.05);
        double atOptimum = objective.valueAndGradient();
        assertEquals(model.objective(), atOptimum, 1e-9);
        double norm = 0;
        for (var p : model.parameters()) {
            for (float g : p.grad().data) {
                norm += g * g;
            }
        }
        assertTrue(Math.sqrt(norm) < 2e-3, "gradient norm at the fitted parameters: " + Math.sqrt(norm));
        // and no other point nearby is lower
        model.parameters().get("weight").value().add(0, 1, 0.05f);
        assertTrue(objective.value() > atOptimum);
    }

    /** The minimum found by PyTorch (float64 L-BFGS to a gradient below 1e-7), see make_lbfgs_fixtures.py. */
    @Test
    void lbfgsReachesPyTorchsMinimum() throws java.io.IOException {
        org.seq4j.io.TensorFile file;
        try (java.io.InputStream in = getClass().getResourceAsStream("/fixtures/optim/lbfgs-logistic.safetensors")) {
            file = org.seq4j.io.TensorFile.read(in);
        }
        FMatrixRMaj x = file.get("x").toMatrix();
        long[] longLabels = file.get("labels").toLongArray();
        int[] labels = new int[longLabels.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (int) longLabels[i];
        }
        double l2 = Double.parseDouble(file.metadata().get("l2"));
        double minimum = file.get("value").toDoubleArray()[0];
        LogisticRegression lbfgs = LogisticRegression.fit(x, labels, 3, LogisticRegression.Config.builder().l2(l2)
                .solver(LogisticRegression.Solver.LBFGS).build());
        // float32 logits round J to about 1e-7 relative, which leaves the minimizer undetermined by about
        // √(1e-7 / curvature) along its flattest direction: J to 1e-6, the weights to 1e-3
        assertEquals(minimum, lbfgs.objective(), 1e-6);
        double[] weight = file.get("weight").toDoubleArray();
        double[] bias = file.get("bias").toDoubleArray();
        float[] w = lbfgs.parameters().get("weight").value().data;
        float[] b = lbfgs.parameters().get("bias").value().data;
        for (int i = 0; i < weight.length; i++) {
            assertEquals(weight[i], w[i], 1e-3, "weight[" + i + "]");
        }
        for (int i = 0; i < bias.length; i++) {
            assertEquals(bias[i], b[i], 1e-3, "bias[" + i + "]");
        }
    }

    @Test
    void aWarmStartReachesTheSameMinimum() {
        SplittableRandom random = new SplittableRandom(8);
        FMatrixRMaj x = uniform(80, 5, 1.0, random);
        int[] labels = indices(80, 2, random);
        LogisticRegression.Config.Builder b = LogisticRegression.Config.builder().solver(LogisticRegression.Solver.LBFGS);
        LogisticRegression strong = LogisticRegression.fit(x, labels, 2, b.l2(0.1).build());
        LogisticRegression cold = LogisticRegression.fit(x, labels, 2, b.l2(1e-3).build());
        LogisticRegression warm = LogisticRegression.fit(x, labels, 2, b.l2(1e-3).build(), strong);
        assertEquals(cold.objective(), warm.objective(), 1e-6);
        float[] wc = cold.parameters().get("weight").value().data;
        float[] ww = warm.parameters().get("weight").value().data;
        for (int i = 0; i < wc.length; i++) {
            assertEquals(wc[i], ww[i], 1e-3, "weight[" + i + "]");
        }
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(uniform(80, 4, 1.0, random),
                labels, 2, b.build(), strong));
    }

    @Test
    void stopsEarlyWhenTheObjectiveNoLongerMoves() {
        int[] labels = new int[30];
        FMatrixRMaj x = blobs(labels.length, labels, new SplittableRandom(4));
        LogisticRegression.Config config = LogisticRegression.Config.builder().l2(0.1).tolerance(1e-4)
                .maxIterations(5000).build();
        LogisticRegression model = LogisticRegression.fit(x, labels, 3, config);
        assertTrue(model.iterations() < 5000, "iterations: " + model.iterations());
        assertTrue(model.iterations() > 10, "iterations: " + model.iterations());
    }

    @Test
    void isDeterministic() {
        SplittableRandom random = new SplittableRandom(6);
        FMatrixRMaj x = uniform(40, 6, 1.0, random);
        int[] labels = indices(40, 2, random);
        LogisticRegression.Config config = LogisticRegression.Config.builder().balanced(true).maxIterations(50).build();
        LogisticRegression a = LogisticRegression.fit(x, labels, 2, config);
        LogisticRegression b = LogisticRegression.fit(x, labels, 2, config);
        assertArrayEquals(a.parameters().get("weight").value().data, b.parameters().get("weight").value().data);
        assertArrayEquals(a.parameters().get("bias").value().data, b.parameters().get("bias").value().data);
    }

    @Test
    void balancedWeightsRaiseTheRecallOfARareClass() {
        // 10 % positives, overlapping: unweighted, the model favours the majority class
        SplittableRandom random = new SplittableRandom(8);
        int n = 400;
        FMatrixRMaj x = new FMatrixRMaj(n, 1);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10 == 0 ? 1 : 0;
            x.set(i, 0, (float) (labels[i] + random.nextGaussian()));
        }
        LogisticRegression.Config.Builder config = LogisticRegression.Config.builder().l2(0);
        double plain = ClassificationMetrics.of(labels,
                LogisticRegression.fit(x, labels, 2, config.build()).predict(x), 2).recall(1);
        double balanced = ClassificationMetrics.of(labels,
                LogisticRegression.fit(x, labels, 2, config.balanced(true).build()).predict(x), 2).recall(1);
        assertTrue(balanced > plain + 0.3, "recall of the rare class: " + plain + " unweighted, " + balanced
                + " balanced");
    }

    @Test
    void rejectsBadArguments() {
        FMatrixRMaj x = new FMatrixRMaj(3, 2);
        LogisticRegression.Config config = LogisticRegression.Config.builder().build();
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[2], 2, config));
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[] {0, 1, 2}, 2, config));
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[3], 1, config));
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[3], 3,
                LogisticRegression.Config.builder().classWeights(1f, 2f).build()));
        FMatrixRMaj nan = new FMatrixRMaj(3, 2);
        nan.set(1, 1, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.fit(nan, new int[3], 2, config));
        assertEquals("features must be finite but features(1, 1) was NaN", e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.Config.builder().l2(-1).build());
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.Config.builder().learningRate(0).build());
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.Config.builder().maxIterations(0).build());
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.Config.builder().tolerance(-1).build());
        assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.Config.builder().classWeights(1f, -1f).build());

        LogisticRegression model = LogisticRegression.fit(new FMatrixRMaj(new float[][] {{1, 0}, {0, 1}}),
                new int[] {0, 1}, 2, config);
        assertThrows(IllegalArgumentException.class, () -> model.predict(new FMatrixRMaj(2, 3)));
    }

    @Test
    void balancedClassWeightsAreNOverCTimesTheCount() {
        int[] labels = {0, 0, 0, 1, 2, 2};
        assertArrayEquals(new long[] {3, 1, 2, 0}, ClassWeights.counts(labels, 4));
        // N / (C·n_c) with N = 6, C = 4; an empty class gets 1
        assertArrayEquals(new float[] {0.5f, 1.5f, 0.75f, 1f}, ClassWeights.balanced(labels, 4));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.counts(new int[] {0, 4}, 4));
    }
}
