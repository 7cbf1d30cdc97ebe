package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.seq4j.embed.OutputLayerGradientTest.Layer;

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
            float[] syn0 = OutputLayerGradientTest.table(V, 11);
            float[] out = OutputLayerGradientTest.table(OutputLayerGradientTest.outputRows(layer), 12);
            int input = 1;
            int target = OutputLayerGradientTest.TARGET;

            // Reference: gradients at the current parameters, then one SGD step.
            float[] dSyn0 = new float[syn0.length];
            float[] dOut = new float[out.length];
            referenceGradients(layer, syn0, input * E, out, dSyn0, input * E, dOut);
            float[] expectedSyn0 = step(syn0, dSyn0);
            float[] expectedOut = step(out, dOut);

            // Fast kernel, as Word2VecTrainer.Worker calls it for one (context, centre) pair.
            float[] fastSyn0 = syn0.clone();
            float[] fastOut = out.clone();
            float[] neu1e = new float[E];
            kernel(layer, fastSyn0, input * E, fastOut, target, neu1e);
            VectorMath.axpy(1f, neu1e, 0, fastSyn0, input * E, E);

            assertClose("skip-gram " + layer + " syn0", expectedSyn0, fastSyn0);
            assertClose("skip-gram " + layer + " output", expectedOut, fastOut);
            assertTrue(maxAbsDiff(syn0, fastSyn0) > 1e-4, layer + ": the step must change syn0");
        }
    }

    @Test
    void cbowStepEqualsReferenceStepWithWord2VecUpdateRule() {
        int[] context = {0, 3, 5, 6};
        for (Layer layer : Layer.values()) {
            float[] syn0 = OutputLayerGradientTest.table(V, 13);
            float[] out = OutputLayerGradientTest.table(OutputLayerGradientTest.outputRows(layer), 14);
            int target = OutputLayerGradientTest.TARGET;

            float[] h = CbowInput.forward(syn0, context, E);
            float[] dH = new float[E];
            float[] dOut = new float[out.length];
            referenceGradients(layer, h, 0, out, dH, 0, dOut);
            // word2vec.c's rule: each context vector moves by -alpha·dh (n times the gradient step).
            float[] expectedSyn0 = syn0.clone();
            float[] dSyn0 = new float[syn0.length];
            CbowInput.backward(dH, context, dSyn0, E);
            for (int i = 0; i < dSyn0.length; i++) {
                expectedSyn0[i] -= ALPHA * context.length * dSyn0[i];
            }
            float[] expectedOut = step(out, dOut);

            float[] fastSyn0 = syn0.clone();
            float[] fastOut = out.clone();
            float[] neu1 = new float[E];
            for (int o : context) {
                VectorMath.axpy(1f, fastSyn0, o * E, neu1, 0, E);
            }
            for (int i = 0; i < E; i++) {
                neu1[i] *= 1f / context.length;
            }
            float[] neu1e = new float[E];
            kernel(layer, neu1, 0, fastOut, target, neu1e);
            for (int o : context) {
                VectorMath.axpy(1f, neu1e, 0, fastSyn0, o * E, E);
            }

            assertClose("cbow " + layer + " syn0", expectedSyn0, fastSyn0);
            assertClose("cbow " + layer + " output", expectedOut, fastOut);
        }
    }

    @Test
    void negativeSamplingSaturatesBeyondMaxExpAsWord2Vec() {
        // f = 8 > MAX_EXP for the target: word2vec.c takes σ = 1, so the target contributes no update.
        float[] h = {2, 2, 0, 0, 0};
        float[] out = new float[V * E];
        out[OutputLayerGradientTest.TARGET * E] = 2;
        out[OutputLayerGradientTest.TARGET * E + 1] = 2;
        float[] before = out.clone();
        float[] neu1e = new float[E];
        SgdKernels.negativeSampling(h, 0, out, OutputLayerGradientTest.TARGET, new int[0], 0, ALPHA, neu1e, E, true);
        assertClose("saturated target row", before, out);
        assertEquals(0f, neu1e[0]);
    }

    @Test
    void sigmoidTableIsCloseToExactSigmoid() {
        // Cells are 0.012 wide and word2vec.c indexes them with scale 83 instead of 83.33, which reads
        // σ at up to 0.036 below f near f = 0; σ' <= 1/4, so the table is within 0.01 of σ.
        for (double f = -5.99; f < 5.99; f += 0.001) {
            assertEquals(Sigmoid.exact((float) f), Sigmoid.table((float) f), 0.01, "f = " + f);
        }
    }

    static void referenceGradients(Layer layer, float[] h, int hOff, float[] out, float[] dH, int dHOff, float[] dOut) {
        int target = OutputLayerGradientTest.TARGET;
        switch (layer) {
            case NEGATIVE_SAMPLING -> NegativeSamplingOutput.backward(
                    NegativeSamplingOutput.forward(h, hOff, out, target, DISTINCT_NEGATIVES, E), out, dH, dHOff, dOut, E);
            case HIERARCHICAL_SOFTMAX -> {
                HuffmanTree tree = OutputLayerGradientTest.tree();
                HierarchicalSoftmaxOutput.backward(HierarchicalSoftmaxOutput.forward(h, hOff, out, tree, target, E),
                        out, tree, dH, dHOff, dOut, E);
            }
            case FULL_SOFTMAX -> FullSoftmaxOutput.backward(
                    FullSoftmaxOutput.forward(h, hOff, out, target, V, E), out, dH, dHOff, dOut, E);
        }
    }

    static void kernel(Layer layer, float[] h, int hOff, float[] out, int target, float[] neu1e) {
        switch (layer) {
            case NEGATIVE_SAMPLING -> SgdKernels.negativeSampling(h, hOff, out, target, DISTINCT_NEGATIVES,
                    DISTINCT_NEGATIVES.length, ALPHA, neu1e, E, true);
            case HIERARCHICAL_SOFTMAX -> SgdKernels.hierarchicalSoftmax(h, hOff, out, OutputLayerGradientTest.tree(),
                    target, ALPHA, neu1e, E, true);
            case FULL_SOFTMAX -> SgdKernels.fullSoftmax(h, hOff, out, target, V, ALPHA, new float[V], neu1e, E);
        }
    }

    static float[] step(float[] param, float[] grad) {
        float[] out = param.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] -= ALPHA * grad[i];
        }
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static void assertClose(String name, float[] expected, float[] actual) {
        int worst = 0;
        float worstDiff = -1;
        for (int i = 0; i < expected.length; i++) {
            float d = Math.abs(expected[i] - actual[i]);
            if (d > worstDiff) {
                worstDiff = d;
                worst = i;
            }
        }
        if (worstDiff > TOLERANCE) {
            fail(name + ": worst at index " + worst + ": expected " + expected[worst] + " but was " + actual[worst]);
        }
    }
}
