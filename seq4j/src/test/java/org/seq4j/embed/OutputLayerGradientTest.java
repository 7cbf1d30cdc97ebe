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
    static float[][] table(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] t = new float[rows][E];
        for (float[] row : t) {
            for (int i = 0; i < E; i++) {
                row[i] = (float) (r.nextDouble(-1, 1) * 0.5);
            }
        }
        return t;
    }

    static float[][] zeros(float[][] like) {
        return new float[like.length][E];
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

    /** Loss of the layer for hidden vector h. */
    static double loss(Layer layer, float[] h, float[][] out) {
        return switch (layer) {
            case NEGATIVE_SAMPLING -> NegativeSamplingOutput.forward(h, out, TARGET, NEGATIVES, E).loss();
            case HIERARCHICAL_SOFTMAX -> HierarchicalSoftmaxOutput.forward(h, out, tree(), TARGET, E).loss();
            case FULL_SOFTMAX -> FullSoftmaxOutput.forward(h, out, TARGET, V, E).loss();
        };
    }

    /** Forward then backward of the layer; adds into dH and dOut. */
    static void gradients(Layer layer, float[] h, float[][] out, float[] dH, float[][] dOut) {
        switch (layer) {
            case NEGATIVE_SAMPLING -> NegativeSamplingOutput.backward(
                    NegativeSamplingOutput.forward(h, out, TARGET, NEGATIVES, E), out, dH, dOut, E);
            case HIERARCHICAL_SOFTMAX -> HierarchicalSoftmaxOutput.backward(
                    HierarchicalSoftmaxOutput.forward(h, out, tree(), TARGET, E), out, tree(), dH, dOut, E);
            case FULL_SOFTMAX -> FullSoftmaxOutput.backward(
                    FullSoftmaxOutput.forward(h, out, TARGET, V, E), out, dH, dOut, E);
        }
    }

    @Test
    void skipGramGradientsMatchFiniteDifferences() {
        for (Layer layer : Layer.values()) {
            float[][] syn0 = table(V, 1);
            float[][] out = table(outputRows(layer), 2);
            int input = 3;
            DoubleSupplier loss = () -> loss(layer, syn0[input], out);
            float[][] dSyn0 = zeros(syn0);
            float[][] dOut = zeros(out);
            gradients(layer, syn0[input], out, dSyn0[input], dOut);
            check("skip-gram " + layer + " syn0", syn0, dSyn0, loss);
            check("skip-gram " + layer + " output", out, dOut, loss);
        }
    }

    @Test
    void cbowGradientsMatchFiniteDifferences() {
        int[] context = {1, 3, 3, 5};   // word 3 twice: its gradient counts twice
        for (Layer layer : Layer.values()) {
            float[][] syn0 = table(V, 3);
            float[][] out = table(outputRows(layer), 4);
            DoubleSupplier loss = () -> loss(layer, CbowInput.forward(syn0, context, E), out);
            float[] h = CbowInput.forward(syn0, context, E);
            float[] dH = new float[E];
            float[][] dOut = zeros(out);
            gradients(layer, h, out, dH, dOut);
            float[][] dSyn0 = zeros(syn0);
            CbowInput.backward(dH, context, dSyn0, E);
            check("cbow " + layer + " syn0", syn0, dSyn0, loss);
            check("cbow " + layer + " output", out, dOut, loss);
        }
    }

    @Test
    void gradientsAreNotTriviallyZero() {
        for (Layer layer : Layer.values()) {
            float[][] syn0 = table(V, 1);
            float[][] out = table(outputRows(layer), 2);
            float[][] dSyn0 = zeros(syn0);
            float[][] dOut = zeros(out);
            gradients(layer, syn0[3], out, dSyn0[3], dOut);
            double norm = 0;
            for (float g : dSyn0[3]) {
                norm += g * g;
            }
            assertTrue(norm > 1e-4, layer + ": input gradient norm² " + norm);
        }
    }

    /** Compares every element of analytic with central differences of loss over param. */
    static void check(String name, float[][] param, float[][] analytic, DoubleSupplier loss) {
        int worstRow = -1;
        int worstCol = -1;
        double worstError = 0;
        double worstNumeric = 0;
        for (int r = 0; r < param.length; r++) {
            for (int i = 0; i < E; i++) {
                float x = param[r][i];
                float plus = (float) (x + EPS);
                float minus = (float) (x - EPS);
                param[r][i] = plus;
                double lp = loss.getAsDouble();
                param[r][i] = minus;
                double lm = loss.getAsDouble();
                param[r][i] = x;
                double numeric = (lp - lm) / ((double) plus - (double) minus);
                double a = analytic[r][i];
                double error = Math.abs(a - numeric) / Math.max(1, Math.abs(a) + Math.abs(numeric));
                if (error > worstError) {
                    worstError = error;
                    worstRow = r;
                    worstCol = i;
                    worstNumeric = numeric;
                }
            }
        }
        if (worstError > TOLERANCE) {
            fail(name + ": worst at (" + worstRow + ", " + worstCol + "): analytic " + analytic[worstRow][worstCol]
                    + " vs numeric " + worstNumeric + ", relative error " + worstError);
        }
    }
}
