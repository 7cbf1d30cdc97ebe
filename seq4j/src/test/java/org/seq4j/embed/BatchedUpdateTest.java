package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.kernel.VectorMath;

/**
 * The batched negative-sampling update (HogBatch): the reference loss checked by finite differences, one
 * step of {@link BatchedSgdKernels} against the reference gradient step, and a minibatch of one against
 * word2vec.c's step.
 */
class BatchedUpdateTest {

    static final int V = OutputLayerGradientTest.V;
    static final int E = OutputLayerGradientTest.E;
    static final float ALPHA = 0.05f;

    /** Skip-gram shape: every row predicts word 4; word 2 is drawn twice as noise (it counts twice). */
    static final int[] SHARED_POSITIVES = {4, 4, 4, 4, 4};
    static final int[] NOISE_WITH_REPEAT = {0, 2, 6, 2};
    /** CBOW shape: each row its own positive; noise word 3 is row 1's positive (left out of row 1 only). */
    static final int[] OWN_POSITIVES = {4, 3, 5, 4};
    static final int[] NOISE_WITH_A_POSITIVE = {0, 3, 6};

    static FMatrixRMaj matrix(float[][] rows) {
        FMatrixRMaj m = new FMatrixRMaj(rows.length, E);
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, m.data, r * E, E);
        }
        return m;
    }

    static float[][] rows(FMatrixRMaj m) {
        float[][] t = new float[m.numRows][E];
        for (int r = 0; r < m.numRows; r++) {
            System.arraycopy(m.data, r * E, t[r], 0, E);
        }
        return t;
    }

    @Test
    void batchedLossGradientsMatchFiniteDifferences() {
        int[][][] cases = {{SHARED_POSITIVES, NOISE_WITH_REPEAT}, {OWN_POSITIVES, NOISE_WITH_A_POSITIVE}};
        for (int[][] c : cases) {
            int[] positives = c[0];
            int[] negatives = c[1];
            FMatrixRMaj x = matrix(OutputLayerGradientTest.table(positives.length, 21));
            FMatrixRMaj u = matrix(OutputLayerGradientTest.table(V, 22));
            FMatrixRMaj dX = new FMatrixRMaj(x.numRows, E);
            FMatrixRMaj dU = new FMatrixRMaj(V, E);
            GradientCheck.Result r = GradientCheck.builder(
                            () -> BatchedNegativeSamplingOutput.forward(x, positives, u, negatives).loss())
                    .input("inputs", x, dX)
                    .input("syn1neg", u, dU)
                    .build()
                    .run(() -> {
                        dX.zero();
                        dU.zero();
                        BatchedNegativeSamplingOutput.backward(
                                BatchedNegativeSamplingOutput.forward(x, positives, u, negatives), u, dX, dU);
                    });
            r.assertPassed();
            // every noise row and every input row receives a gradient
            for (int w : negatives) {
                assertTrue(rowNorm(dU, w) > 1e-3, "noise row " + w + " got no gradient");
            }
            for (int row = 0; row < x.numRows; row++) {
                assertTrue(rowNorm(dX, row) > 1e-3, "input row " + row + " got no gradient");
            }
        }
    }

    @Test
    void maskedNoiseWordIsLeftOutOfItsRowOnly() {
        // Row 1's positive is noise word 3: the loss must equal that of the rows computed separately with
        // word 3 removed from row 1's noise words only.
        FMatrixRMaj x = matrix(OutputLayerGradientTest.table(OWN_POSITIVES.length, 23));
        FMatrixRMaj u = matrix(OutputLayerGradientTest.table(V, 24));
        double batched = BatchedNegativeSamplingOutput.forward(x, OWN_POSITIVES, u, NOISE_WITH_A_POSITIVE).loss();
        float[][] xr = rows(x);
        float[][] ur = rows(u);
        double separate = 0;
        for (int r = 0; r < OWN_POSITIVES.length; r++) {
            int[] own = r == 1 ? new int[] {0, 6} : NOISE_WITH_A_POSITIVE;
            separate += NegativeSamplingOutput.forward(xr[r], ur, OWN_POSITIVES[r], own, E).loss();
        }
        assertEquals(separate, batched, 1e-12 * Math.abs(separate));
    }

    @Test
    void kernelStepEqualsReferenceStep() {
        int[][][] cases = {{SHARED_POSITIVES, NOISE_WITH_REPEAT}, {OWN_POSITIVES, NOISE_WITH_A_POSITIVE}};
        for (int[][] c : cases) {
            int[] positives = c[0];
            int[] negatives = c[1];
            int n = positives.length;
            float[][] inputs = OutputLayerGradientTest.table(n, 31);
            float[][] out = OutputLayerGradientTest.table(V, 32);

            // Reference: gradients at the current values, then θ - alpha·dloss/dθ.
            FMatrixRMaj x = matrix(inputs);
            FMatrixRMaj u = matrix(out);
            FMatrixRMaj dX = new FMatrixRMaj(n, E);
            FMatrixRMaj dU = new FMatrixRMaj(V, E);
            BatchedNegativeSamplingOutput.backward(BatchedNegativeSamplingOutput.forward(x, positives, u, negatives),
                    u, dX, dU);
            float[][] expectedInputs = SgdStepTest.step(inputs, rows(dX));
            float[][] expectedOut = SgdStepTest.step(out, rows(dU));

            // Kernel (exact sigmoid, as the reference); the caller applies the input steps.
            float[][] fastInputs = SgdStepTest.copy(inputs);
            float[][] fastOut = SgdStepTest.copy(out);
            float[][] steps = new float[n][E];
            BatchedSgdKernels.negativeSampling(RowDots.best(), fastInputs, positives, n, fastOut, negatives,
                    negatives.length, ALPHA, true, steps, new float[n * (negatives.length + 1)],
                    new float[negatives.length + 1][], E);
            for (int r = 0; r < n; r++) {
                VectorMath.axpy(1f, steps[r], fastInputs[r], E);
            }
            String name = positives == SHARED_POSITIVES ? "shared positive" : "own positives";
            SgdStepTest.assertClose(name + " inputs", expectedInputs, fastInputs);
            SgdStepTest.assertClose(name + " syn1neg", expectedOut, fastOut);
            assertTrue(SgdStepTest.maxAbsDiff(out, fastOut) > 1e-3, name + ": the step must change syn1neg");
        }
    }

    @Test
    void inputRowsMayBeTheSameArray() {
        // Skip-gram: a word twice in the window gives two rows that are one syn0 array; the kernel reads the
        // inputs before any update, so the result is that of two separate copies.
        float[][] inputs = OutputLayerGradientTest.table(3, 41);
        float[][] out = OutputLayerGradientTest.table(V, 42);
        float[][] aliased = {inputs[0], inputs[1], inputs[0]};
        float[][] copies = {inputs[0].clone(), inputs[1].clone(), inputs[0].clone()};
        int[] positives = {4, 4, 4};
        float[][] outA = SgdStepTest.copy(out);
        float[][] outB = SgdStepTest.copy(out);
        float[][] stepsA = new float[3][E];
        float[][] stepsB = new float[3][E];
        BatchedSgdKernels.negativeSampling(RowDots.best(), aliased, positives, 3, outA, NOISE_WITH_REPEAT, 4, ALPHA,
                false, stepsA, new float[15], new float[5][], E);
        BatchedSgdKernels.negativeSampling(RowDots.best(), copies, positives, 3, outB, NOISE_WITH_REPEAT, 4, ALPHA,
                false, stepsB, new float[15], new float[5][], E);
        assertArrayEquals(outB, outA);
        assertArrayEquals(stepsB, stepsA);
    }

    /**
     * A minibatch of one input with distinct noise words is word2vec.c's step bit for bit: the kernel sums the
     * same dot products in the same order (three rows per pass, each sum from i = 0 up) and accumulates the
     * input's step over the target and then the noise words, as word2vec.c accumulates {@code neu1e}.
     */
    @Test
    void minibatchOfOneIsWord2VecStepBitForBit() {
        int[][] noiseSets = {{}, {0}, {0, 2}, {0, 2, 6}, {0, 2, 6, 1}, {0, 2, 6, 1, 5}};
        for (boolean exactSigmoid : new boolean[] {false, true}) {
            for (int[] negatives : noiseSets) {
                float[][] syn0 = OutputLayerGradientTest.table(V, 51);
                float[][] out = OutputLayerGradientTest.table(V, 52);
                int input = 3;
                int target = OutputLayerGradientTest.TARGET;

                float[][] exactSyn0 = SgdStepTest.copy(syn0);
                float[][] exactOut = SgdStepTest.copy(out);
                float[] neu1e = new float[E];
                SgdKernels.negativeSampling(exactSyn0[input], exactOut, target, negatives, negatives.length, ALPHA,
                        neu1e, E, exactSigmoid, new float[negatives.length + 2]);
                VectorMath.addAndClear(neu1e, exactSyn0[input], E);

                float[][] batchSyn0 = SgdStepTest.copy(syn0);
                float[][] batchOut = SgdStepTest.copy(out);
                float[][] steps = new float[1][E];
                BatchedSgdKernels.negativeSampling(RowDots.Plain.INSTANCE, new float[][] {batchSyn0[input]},
                        new int[] {target}, 1, batchOut, negatives, negatives.length, ALPHA, exactSigmoid, steps,
                        new float[negatives.length + 1], new float[negatives.length + 1][], E);
                VectorMath.addAndClear(steps[0], batchSyn0[input], E);

                assertArrayEquals(exactSyn0, batchSyn0, negatives.length + " noise words: syn0");
                assertArrayEquals(exactOut, batchOut, negatives.length + " noise words: syn1neg");
                assertTrue(SgdStepTest.maxAbsDiff(syn0, batchSyn0) > 1e-4, "the step must change syn0");
            }
        }
    }

    static double rowNorm(FMatrixRMaj m, int row) {
        double s = 0;
        for (int i = 0; i < m.numCols; i++) {
            double v = m.get(row, i);
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
