package org.seq4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;

class CrossEntropyLossTest {

    /**
     * Relative tolerance of the float32 loss against the same formula in double: log-softmax is rounded to
     * float32 once per entry (a few ulps, 6e-8 each) before the double sum.
     */
    private static final double LOSS_TOLERANCE = 1e-6;

    private static final int CLASSES = 5;
    private static final int[] TARGETS = {3, -100, 0, 4, 4, -100, 1};

    @Test
    void meanMatchesTheDefinitionInDouble() {
        SplittableRandom random = new SplittableRandom(1);
        FMatrixRMaj logits = uniform(TARGETS.length, CLASSES, 4.0, random);
        float[] weights = {0.5f, 2f, 1f, 0.25f, 3f};
        for (boolean weighted : new boolean[] {false, true}) {
            for (Reduction reduction : Reduction.values()) {
                CrossEntropyLoss loss = CrossEntropyLoss.builder().reduction(reduction)
                        .classWeights(weighted ? weights : null).build();
                double expected = reference(logits, TARGETS, weighted ? weights : null, -100, reduction);
                double actual = loss.forward(logits, TARGETS, new FMatrixRMaj(TARGETS.length, CLASSES));
                assertEquals(expected, actual, LOSS_TOLERANCE * Math.abs(expected), loss.toString());
            }
        }
    }

    @Test
    void passesGradientCheckForEveryOption() {
        float[] weights = {0.5f, 2f, 1f, 0.25f, 3f};
        int seed = 0;
        for (float[] w : new float[][] {null, weights}) {
            for (Reduction reduction : Reduction.values()) {
                for (int ignoreIndex : new int[] {-100, 4}) {
                    CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(w).reduction(reduction)
                            .ignoreIndex(ignoreIndex).build();
                    check(loss, new SplittableRandom(seed++), 0.75);
                }
            }
        }
    }

    private static void check(CrossEntropyLoss loss, SplittableRandom random, double dLoss) {
        int[] targets = TARGETS.clone();
        for (int n = 0; n < targets.length; n++) {
            if (targets[n] == CrossEntropyLoss.DEFAULT_IGNORE_INDEX) {
                targets[n] = loss.ignoreIndex();
            }
        }
        FMatrixRMaj logits = uniform(TARGETS.length, CLASSES, 3.0, random);
        FMatrixRMaj probabilities = new FMatrixRMaj(TARGETS.length, CLASSES);
        FMatrixRMaj dLogits = new FMatrixRMaj(TARGETS.length, CLASSES);
        // The check differentiates dLoss · L, so that the upstream gradient's scaling is checked too.
        GradientCheck.Result r = GradientCheck.builder(() -> dLoss * loss.forward(logits, targets, probabilities))
                .input("logits", logits, dLogits).build().run(() -> {
                    loss.forward(logits, targets, probabilities);
                    loss.backward(probabilities, targets, dLoss, dLogits);
                });
        r.assertPassed();
        for (int n = 0; n < TARGETS.length; n++) {
            if (targets[n] == loss.ignoreIndex()) {
                for (int c = 0; c < CLASSES; c++) {
                    assertEquals(0f, dLogits.get(n, c), loss + " row " + n);
                }
            }
        }
    }

    @Test
    void backwardMayOverwriteTheProbabilities() {
        CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(1f, 2f, 3f, 4f, 5f).build();
        FMatrixRMaj logits = uniform(TARGETS.length, CLASSES, 3.0, new SplittableRandom(2));
        FMatrixRMaj p = new FMatrixRMaj(TARGETS.length, CLASSES);
        FMatrixRMaj dLogits = new FMatrixRMaj(TARGETS.length, CLASSES);
        double value = loss.forward(logits, TARGETS, p);
        loss.backward(p, TARGETS, 1.0, dLogits);
        // In place: logits → probabilities → dLogits, all in one buffer.
        FMatrixRMaj buffer = logits.copy();
        assertEquals(value, loss.forward(buffer, TARGETS, buffer));
        loss.backward(buffer, TARGETS, 1.0, buffer);
        assertArrayEquals(dLogits.data, buffer.data);
    }

    @Test
    void isStableForHugeLogits() {
        FMatrixRMaj logits = new FMatrixRMaj(new float[][] {{1e4f, 0f, -1e4f}, {-1e38f, 1e38f, 0f}});
        FMatrixRMaj p = new FMatrixRMaj(2, 3);
        CrossEntropyLoss loss = CrossEntropyLoss.builder().reduction(Reduction.SUM).build();
        double value = loss.forward(logits, new int[] {0, 0}, p);
        assertEquals(2e38, value, 1e32);  // −log p = 0 for row 0, 1e38 − (−1e38) for row 1
        FMatrixRMaj d = new FMatrixRMaj(2, 3);
        loss.backward(p, new int[] {0, 0}, 1.0, d);
        assertArrayEquals(new float[] {0f, 0f, 0f, -1f, 1f, 0f}, d.data);
    }

    @Test
    void meanOverNoCountedTargetIsNaNWithZeroGradientAsInPyTorch() {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        FMatrixRMaj logits = uniform(2, 3, 1.0, new SplittableRandom(3));
        FMatrixRMaj p = new FMatrixRMaj(2, 3);
        int[] allIgnored = {-100, -100};
        assertTrue(Double.isNaN(loss.forward(logits, allIgnored, p)));
        FMatrixRMaj d = uniform(2, 3, 1.0, new SplittableRandom(4));
        loss.backward(p, allIgnored, 1.0, d);
        assertArrayEquals(new float[6], d.data);
        CrossEntropyLoss summed = CrossEntropyLoss.builder().reduction(Reduction.SUM).build();
        assertEquals(0.0, summed.forward(logits, allIgnored, p));
    }

    @Test
    void ignoreIndexMayBeAValidClass() {
        CrossEntropyLoss loss = CrossEntropyLoss.builder().ignoreIndex(0).build();
        FMatrixRMaj logits = uniform(3, 4, 2.0, new SplittableRandom(5));
        int[] targets = {0, 2, 3};
        double expected = reference(logits, targets, null, 0, Reduction.MEAN);
        assertEquals(expected, loss.forward(logits, targets, new FMatrixRMaj(3, 4)), LOSS_TOLERANCE * expected);
    }

    @Test
    void rejectsBadArgumentsWithTheNumbers() {
        CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(1f, 1f, 1f).build();
        FMatrixRMaj logits = new FMatrixRMaj(2, 3);
        FMatrixRMaj p = new FMatrixRMaj(2, 3);
        assertMessage(() -> loss.forward(logits, new int[] {0, 3}, p),
                "targets[1] must be in [0, 3) or the ignore index -100 but was 3");
        assertMessage(() -> loss.forward(logits, new int[] {0, -1}, p),
                "targets[1] must be in [0, 3) or the ignore index -100 but was -1");
        assertMessage(() -> loss.forward(logits, new int[] {0}, p),
                "logits must be (N, C) with N = 1 targets but was (2, 3)");
        assertMessage(() -> loss.forward(new FMatrixRMaj(2, 4), new int[] {0, 1}, new FMatrixRMaj(2, 4)),
                "logits must be (2, 3) to match 3 class weights but was (2, 4)");
        assertMessage(() -> loss.forward(logits, new int[] {0, 1}, new FMatrixRMaj(3, 2)),
                "probabilities must be (2, 3) like logits but was (3, 2)");
        assertMessage(() -> loss.backward(p, new int[] {0, 1}, 1.0, new FMatrixRMaj(2, 2)),
                "dLogits must be (2, 3) like probabilities but was (2, 2)");
        assertMessage(() -> CrossEntropyLoss.builder().classWeights(1f, -1f).build(),
                "classWeights[1] must be finite and non-negative but was -1.0");
        assertMessage(() -> CrossEntropyLoss.builder().classWeights(1f, Float.NaN).build(),
                "classWeights[1] must be finite and non-negative but was NaN");
        assertMessage(() -> CrossEntropyLoss.builder().reduction(null).build(), "reduction must not be null");
    }

    @Test
    void exampleWeightsWeighRowsAsTheirCopiesWouldAndZeroWeightsIgnoreRows() {
        CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(0.5f, 2f, 1f).build();
        FMatrixRMaj logits = uniform(3, 3, 2.0, new SplittableRandom(6));
        int[] targets = {0, 2, 1};
        float[] weights = {2f, 0f, 1f};
        // row 0 twice, row 1 ignored, row 2 once
        FMatrixRMaj copies = new FMatrixRMaj(3, 3);
        System.arraycopy(logits.data, 0, copies.data, 0, 3);
        System.arraycopy(logits.data, 0, copies.data, 3, 3);
        System.arraycopy(logits.data, 6, copies.data, 6, 3);
        int[] copyTargets = {0, 0, 1};
        FMatrixRMaj p = new FMatrixRMaj(3, 3);
        FMatrixRMaj pCopies = new FMatrixRMaj(3, 3);
        assertEquals(loss.forward(copies, copyTargets, pCopies), loss.forward(logits, targets, weights, p), 1e-12);
        FMatrixRMaj d = new FMatrixRMaj(3, 3);
        FMatrixRMaj dCopies = new FMatrixRMaj(3, 3);
        loss.backward(p, targets, weights, 0.5, d);
        loss.backward(pCopies, copyTargets, 0.5, dCopies);
        for (int c = 0; c < 3; c++) {
            assertEquals(dCopies.get(0, c) + dCopies.get(1, c), d.get(0, c), 1e-7);
            assertEquals(0f, d.get(1, c), 0f);
            assertEquals(dCopies.get(2, c), d.get(2, c), 1e-7);
        }

        int[] ignored = {0, CrossEntropyLoss.DEFAULT_IGNORE_INDEX, 1};
        assertEquals(loss.forward(logits, ignored, p), loss.forward(logits, targets, new float[] {1f, 0f, 1f}, p),
                1e-12);
    }

    @Test
    void passesGradientCheckWithExampleWeights() {
        CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(0.5f, 2f, 1f, 0.25f, 3f).build();
        float[] exampleWeights = {1f, 3f, 0f, 0.5f, 2f, 1f, 1f};
        FMatrixRMaj logits = uniform(TARGETS.length, CLASSES, 3.0, new SplittableRandom(7));
        FMatrixRMaj probabilities = new FMatrixRMaj(TARGETS.length, CLASSES);
        FMatrixRMaj dLogits = new FMatrixRMaj(TARGETS.length, CLASSES);
        GradientCheck.builder(() -> 1.5 * loss.forward(logits, TARGETS, exampleWeights, probabilities))
                .input("logits", logits, dLogits).build().run(() -> {
                    loss.forward(logits, TARGETS, exampleWeights, probabilities);
                    loss.backward(probabilities, TARGETS, exampleWeights, 1.5, dLogits);
                }).assertPassed();
    }

    @Test
    void predictionNeedsNoTargets() {
        FMatrixRMaj logits = uniform(TARGETS.length, CLASSES, 3.0, new SplittableRandom(8));
        FMatrixRMaj fromForward = new FMatrixRMaj(TARGETS.length, CLASSES);
        new CrossEntropyLoss().forward(logits, TARGETS, fromForward);
        FMatrixRMaj probabilities = new FMatrixRMaj(TARGETS.length, CLASSES);
        CrossEntropyLoss.probabilities(logits, probabilities);
        assertArrayEquals(fromForward.data, probabilities.data);   // the very values of forward

        int[] classes = new int[TARGETS.length];
        CrossEntropyLoss.predictedClasses(logits, classes);
        for (int n = 0; n < TARGETS.length; n++) {
            for (int c = 0; c < CLASSES; c++) {
                assertTrue(probabilities.get(n, classes[n]) >= probabilities.get(n, c), "row " + n);
            }
        }
        CrossEntropyLoss.predictedClasses(new FMatrixRMaj(new float[][] {{1f, 3f, 3f}, {-1f, -2f, -3f}}), classes = new int[2]);
        assertArrayEquals(new int[] {1, 0}, classes);   // the first of equal maxima
        assertMessage(() -> CrossEntropyLoss.predictedClasses(logits, new int[2]),
                "logits must be (N, C) with C ≥ 1 and classes N entries but were (7, 5) and 2 entries");
    }

    @Test
    void rejectsBadExampleWeights() {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        FMatrixRMaj logits = new FMatrixRMaj(2, 3);
        FMatrixRMaj p = new FMatrixRMaj(2, 3);
        assertMessage(() -> loss.forward(logits, new int[] {0, 1}, new float[] {1f}, p),
                "exampleWeights must have N = 2 entries but had 1");
        assertMessage(() -> loss.backward(p, new int[] {0, 1}, new float[] {1f, -2f}, 1.0, p),
                "exampleWeights[1] must be finite and non-negative but was -2.0");
        assertMessage(() -> loss.forward(logits, new int[] {0, 1}, new float[] {Float.POSITIVE_INFINITY, 1f}, p),
                "exampleWeights[0] must be finite and non-negative but was Infinity");
    }

    @Test
    void describesItsConfiguration() {
        CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(0.5f, 2f).ignoreIndex(0).build();
        assertEquals("CrossEntropyLoss(reduction=MEAN, ignoreIndex=0, classWeights=[0.5, 2.0])", loss.toString());
        assertEquals(2f, loss.classWeight(1));
        assertEquals(1f, new CrossEntropyLoss().classWeight(7));
        assertEquals(CrossEntropyLoss.DEFAULT_IGNORE_INDEX, new CrossEntropyLoss().ignoreIndex());
    }

    /** The definition, in double: Σ −w[y]·log softmax(x)[y] / (Σ w[y] or 1) over counted rows. */
    private static double reference(FMatrixRMaj logits, int[] targets, float[] weights, int ignoreIndex,
                                    Reduction reduction) {
        double sum = 0;
        double weightSum = 0;
        for (int n = 0; n < targets.length; n++) {
            if (targets[n] == ignoreIndex) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < logits.numCols; c++) {
                max = Math.max(max, logits.get(n, c));
            }
            double z = 0;
            for (int c = 0; c < logits.numCols; c++) {
                z += Math.exp(logits.get(n, c) - max);
            }
            double w = weights == null ? 1 : weights[targets[n]];
            sum += w * (max + Math.log(z) - logits.get(n, targets[n]));
            weightSum += w;
        }
        return reduction == Reduction.MEAN ? sum / weightSum : sum;
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
