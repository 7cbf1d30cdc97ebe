package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.seq4j.embed.OutputLayerGradientTest.Layer;
import org.seq4j.kernel.VectorMath;

/**
 * One step of the fast training kernels equals one SGD step computed from the reference layers'
 * backward passes: {@code θ ← θ - alpha·dloss/dθ} for skip-gram, and for CBOW the word2vec.c rule
 * {@code syn0[o] ← syn0[o] - alpha·dloss/dh} for each context word.
 */
class SgdStepTest {

    /**
     * Float32 kernels against a double reference: the updated values (of size ~0.5) agree to a few
     * float ulps; 1e-6 absolute leaves room for the different summation orders.
     */
    static final float TOLERANCE = 1e-6f;
    static final int V = OutputLayerGradientTest.V;
    static final int E = OutputLayerGradientTest.E;
    static final float ALPHA = 0.05f;
    /** Distinct noise words different from the target: the kernel then equals the exact gradient step. */
    static final int[] DISTINCT_NEGATIVES = {0, 2, 6};

    @Test
    void skipGramStepEqualsReferenceStep() {
        for (Layer layer : Layer.values()) {
            float[][] syn0 = OutputLayerGradientTest.table(V, 11);
            float[][] out = OutputLayerGradientTest.table(OutputLayerGradientTest.outputRows(layer), 12);
            int input = 1;
            int target = OutputLayerGradientTest.TARGET;

            // Reference: gradients at the current parameters, then one SGD step.
            float[][] dSyn0 = OutputLayerGradientTest.zeros(syn0);
            float[][] dOut = OutputLayerGradientTest.zeros(out);
            referenceGradients(layer, syn0[input], out, dSyn0[input], dOut);
            float[][] expectedSyn0 = step(syn0, dSyn0);
            float[][] expectedOut = step(out, dOut);

            // Fast kernel, as Word2VecTrainer.Worker calls it for one (context, centre) pair.
            float[][] fastSyn0 = copy(syn0);
            float[][] fastOut = copy(out);
            float[] neu1e = new float[E];
            kernel(layer, fastSyn0[input], fastOut, target, neu1e);
            VectorMath.axpy(1f, neu1e, fastSyn0[input], E);

            assertClose("skip-gram " + layer + " syn0", expectedSyn0, fastSyn0);
            assertClose("skip-gram " + layer + " output", expectedOut, fastOut);
            assertTrue(maxAbsDiff(syn0, fastSyn0) > 1e-4, layer + ": the step must change syn0");
        }
    }

    @Test
    void cbowStepEqualsReferenceStepWithWord2VecUpdateRule() {
        int[] context = {0, 3, 5, 6};
        for (Layer layer : Layer.values()) {
            float[][] syn0 = OutputLayerGradientTest.table(V, 13);
            float[][] out = OutputLayerGradientTest.table(OutputLayerGradientTest.outputRows(layer), 14);
            int target = OutputLayerGradientTest.TARGET;

            float[] h = CbowInput.forward(syn0, context, E);
            float[] dH = new float[E];
            float[][] dOut = OutputLayerGradientTest.zeros(out);
            referenceGradients(layer, h, out, dH, dOut);
            // word2vec.c's rule: each context vector moves by -alpha·dh (n times the gradient step).
            float[][] dSyn0 = OutputLayerGradientTest.zeros(syn0);
            CbowInput.backward(dH, context, dSyn0, E);
            float[][] expectedSyn0 = copy(syn0);
            for (int r = 0; r < V; r++) {
                for (int i = 0; i < E; i++) {
                    expectedSyn0[r][i] -= ALPHA * context.length * dSyn0[r][i];
                }
            }
            float[][] expectedOut = step(out, dOut);

            float[][] fastSyn0 = copy(syn0);
            float[][] fastOut = copy(out);
            float[] neu1 = new float[E];
            for (int o : context) {
                VectorMath.axpy(1f, fastSyn0[o], neu1, E);
            }
            for (int i = 0; i < E; i++) {
                neu1[i] *= 1f / context.length;
            }
            float[] neu1e = new float[E];
            kernel(layer, neu1, fastOut, target, neu1e);
            for (int o : context) {
                VectorMath.axpy(1f, neu1e, fastSyn0[o], E);
            }

            assertClose("cbow " + layer + " syn0", expectedSyn0, fastSyn0);
            assertClose("cbow " + layer + " output", expectedOut, fastOut);
        }
    }

    @Test
    void negativeSamplingSaturatesBeyondMaxExpAsWord2Vec() {
        // f = 8 > MAX_EXP for the target: word2vec.c takes σ = 1, so the target contributes no update.
        float[] h = {2, 2, 0, 0, 0};
        float[][] out = new float[V][E];
        out[OutputLayerGradientTest.TARGET][0] = 2;
        out[OutputLayerGradientTest.TARGET][1] = 2;
        float[][] before = copy(out);
        float[] neu1e = new float[E];
        SgdKernels.negativeSampling(h, out, OutputLayerGradientTest.TARGET, new int[0], 0, ALPHA, neu1e, E, true,
                new float[2]);
        assertClose("saturated target row", before, out);
        assertEquals(0f, neu1e[0]);
    }

    static void referenceGradients(Layer layer, float[] h, float[][] out, float[] dH, float[][] dOut) {
        int target = OutputLayerGradientTest.TARGET;
        switch (layer) {
            case NEGATIVE_SAMPLING -> NegativeSamplingOutput.backward(
                    NegativeSamplingOutput.forward(h, out, target, DISTINCT_NEGATIVES, E), out, dH, dOut, E);
            case HIERARCHICAL_SOFTMAX -> {
                HuffmanTree tree = OutputLayerGradientTest.tree();
                HierarchicalSoftmaxOutput.backward(HierarchicalSoftmaxOutput.forward(h, out, tree, target, E),
                        out, tree, dH, dOut, E);
            }
            case FULL_SOFTMAX -> FullSoftmaxOutput.backward(
                    FullSoftmaxOutput.forward(h, out, target, V, E), out, dH, dOut, E);
        }
    }

    static void kernel(Layer layer, float[] h, float[][] out, int target, float[] neu1e) {
        switch (layer) {
            case NEGATIVE_SAMPLING -> SgdKernels.negativeSampling(h, out, target, DISTINCT_NEGATIVES,
                    DISTINCT_NEGATIVES.length, ALPHA, neu1e, E, true, new float[DISTINCT_NEGATIVES.length + 2]);
            case HIERARCHICAL_SOFTMAX -> SgdKernels.hierarchicalSoftmax(h, out, OutputLayerGradientTest.tree(),
                    target, ALPHA, neu1e, E, true, new float[OutputLayerGradientTest.tree().maxCodeLength()]);
            case FULL_SOFTMAX -> SgdKernels.fullSoftmax(h, out, target, V, ALPHA, new float[V], neu1e, E);
        }
    }

    static float[][] copy(float[][] t) {
        float[][] c = new float[t.length][];
        for (int r = 0; r < t.length; r++) {
            c[r] = t[r].clone();
        }
        return c;
    }

    static float[][] step(float[][] param, float[][] grad) {
        float[][] out = copy(param);
        for (int r = 0; r < out.length; r++) {
            for (int i = 0; i < out[r].length; i++) {
                out[r][i] -= ALPHA * grad[r][i];
            }
        }
        return out;
    }

    static float maxAbsDiff(float[][] a, float[][] b) {
        float m = 0;
        for (int r = 0; r < a.length; r++) {
            for (int i = 0; i < a[r].length; i++) {
                m = Math.max(m, Math.abs(a[r][i] - b[r][i]));
            }
        }
        return m;
    }

    static void assertClose(String name, float[][] expected, float[][] actual) {
        int worstRow = 0;
        int worstCol = 0;
        float worstDiff = -1;
        for (int r = 0; r < expected.length; r++) {
            for (int i = 0; i < expected[r].length; i++) {
                float d = Math.abs(expected[r][i] - actual[r][i]);
                if (d > worstDiff) {
                    worstDiff = d;
                    worstRow = r;
                    worstCol = i;
                }
            }
        }
        if (worstDiff > TOLERANCE) {
            fail(name + ": worst at (" + worstRow + ", " + worstCol + "): expected " + expected[worstRow][worstCol]
                    + " but was " + actual[worstRow][worstCol]);
        }
    }
}
