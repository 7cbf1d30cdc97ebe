package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of the reference output layers and CBOW input, for skip-gram and CBOW, on a
 * tiny vocabulary: every element of the input table and of the output table.
 */
class OutputLayerGradientTest {

    /** Step of the central differences: the truncation error is O(EPS²) ≈ 1e-6 relative. */
    static final double EPS = 1e-3;
    /**
     * Allowed |analytic - numeric| / max(1, |analytic| + |numeric|): the loss is accumulated in double
     * from float parameters and the perturbed value is re-read as the float actually stored, so the
     * difference quotient is accurate to about 1e-6; the analytic gradient is rounded to float (1e-7).
     */
    static final double TOLERANCE = 1e-4;

    static final int V = 7;
    static final int E = 5;

    enum Layer { NEGATIVE_SAMPLING, HIERARCHICAL_SOFTMAX, FULL_SOFTMAX }

    /** Random table (rows, E) with entries of size ~0.5, so that scores are in the sigmoid's curved range. */
    static float[] table(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] t = new float[rows * E];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (r.nextDouble(-1, 1) * 0.5);
        }
        return t;
    }

    static HuffmanTree tree() {
        return new HuffmanTree(new long[] {40, 20, 11, 9, 5, 3, 1});
    }

    static final int TARGET = 4;
    static final int[] NEGATIVES = {0, 2, 6, 2};   // a repeated noise word contributes twice

    /** Output table rows of a layer. */
    static int outputRows(Layer layer) {
        return layer == Layer.HIERARCHICAL_SOFTMAX ? V - 1 : V;
    }

    /** Loss of the layer for hidden vector h at hOff. */
    static double loss(Layer layer, float[] h, int hOff, float[] out) {
        return switch (layer) {
            case NEGATIVE_SAMPLING -> NegativeSamplingOutput.forward(h, hOff, out, TARGET, NEGATIVES, E).loss();
            case HIERARCHICAL_SOFTMAX -> HierarchicalSoftmaxOutput.forward(h, hOff, out, tree(), TARGET, E).loss();
            case FULL_SOFTMAX -> FullSoftmaxOutput.forward(h, hOff, out, TARGET, V, E).loss();
        };
    }

    /** Forward then backward of the layer; adds into dH (at dHOff) and dOut. */
    static void gradients(Layer layer, float[] h, int hOff, float[] out, float[] dH, int dHOff, float[] dOut) {
        switch (layer) {
            case NEGATIVE_SAMPLING -> NegativeSamplingOutput.backward(
                    NegativeSamplingOutput.forward(h, hOff, out, TARGET, NEGATIVES, E), out, dH, dHOff, dOut, E);
            case HIERARCHICAL_SOFTMAX -> HierarchicalSoftmaxOutput.backward(
                    HierarchicalSoftmaxOutput.forward(h, hOff, out, tree(), TARGET, E), out, tree(), dH, dHOff, dOut, E);
            case FULL_SOFTMAX -> FullSoftmaxOutput.backward(
                    FullSoftmaxOutput.forward(h, hOff, out, TARGET, V, E), out, dH, dHOff, dOut, E);
        }
    }

    @Test
    void skipGramGradientsMatchFiniteDifferences() {
        for (Layer layer : Layer.values()) {
            float[] syn0 = table(V, 1);
            float[] out = table(outputRows(layer), 2);
            int input = 3;
            DoubleSupplier loss = () -> loss(layer, syn0, input * E, out);
            float[] dSyn0 = new float[syn0.length];
            float[] dOut = new float[out.length];
            gradients(layer, syn0, input * E, out, dSyn0, input * E, dOut);
            check("skip-gram " + layer + " syn0", syn0, dSyn0, loss);
            check("skip-gram " + layer + " output", out, dOut, loss);
        }
    }

    @Test
    void cbowGradientsMatchFiniteDifferences() {
        int[] context = {1, 3, 3, 5};   // word 3 twice: its gradient counts twice
        for (Layer layer : Layer.values()) {
            float[] syn0 = table(V, 3);
            float[] out = table(outputRows(layer), 4);
            DoubleSupplier loss = () -> loss(layer, CbowInput.forward(syn0, context, E), 0, out);
            float[] h = CbowInput.forward(syn0, context, E);
            float[] dH = new float[E];
            float[] dOut = new float[out.length];
            gradients(layer, h, 0, out, dH, 0, dOut);
            float[] dSyn0 = new float[syn0.length];
            CbowInput.backward(dH, context, dSyn0, E);
            check("cbow " + layer + " syn0", syn0, dSyn0, loss);
            check("cbow " + layer + " output", out, dOut, loss);
        }
    }

    @Test
    void gradientsAreNotTriviallyZero() {
        for (Layer layer : Layer.values()) {
            float[] syn0 = table(V, 1);
            float[] out = table(outputRows(layer), 2);
            float[] dSyn0 = new float[syn0.length];
            float[] dOut = new float[out.length];
            gradients(layer, syn0, 3 * E, out, dSyn0, 3 * E, dOut);
            double norm = 0;
            for (float g : dSyn0) {
                norm += g * g;
            }
            assertTrue(norm > 1e-4, layer + ": input gradient norm² " + norm);
        }
    }

    /** Compares every element of analytic with central differences of loss over param. */
    static void check(String name, float[] param, float[] analytic, DoubleSupplier loss) {
        int worst = -1;
        double worstError = 0;
        double worstNumeric = 0;
        for (int i = 0; i < param.length; i++) {
            float x = param[i];
            float plus = (float) (x + EPS);
            float minus = (float) (x - EPS);
            param[i] = plus;
            double lp = loss.getAsDouble();
            param[i] = minus;
            double lm = loss.getAsDouble();
            param[i] = x;
            double numeric = (lp - lm) / ((double) plus - (double) minus);
            double error = Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(analytic[i]) + Math.abs(numeric));
            if (error > worstError) {
                worstError = error;
                worst = i;
                worstNumeric = numeric;
            }
        }
        if (worstError > TOLERANCE) {
            fail(name + ": worst at index " + worst + " (row " + worst / E + ", col " + worst % E + "): analytic "
                    + analytic[worst] + " vs numeric " + worstNumeric + ", relative error " + worstError);
        }
    }
}
