package org.seq4j.examples.gradientflow;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * The adding problem of Hochreiter &amp; Schmidhuber (1997), in the form of Le et al. (2015) and Arjovsky
 * et al. (2016): a sequence of {@code T} steps with two input channels, a value drawn from
 * {@code U(0, 1)} and a marker that is 1 at exactly two steps (one in the first half, one in the second)
 * and 0 elsewhere; the target is the sum of the two marked values.
 *
 * <pre>
 *   x[t·B + b] = (v_{b,t}, m_{b,t})        x: (T·B, 2), time-major
 *   y[b]       = Σ_t m_{b,t}·v_{b,t}        y: (B, 1), in [0, 2]
 * </pre>
 * Predicting the constant 1 (the mean of the target) scores the variance of the sum of two uniform
 * values, {@code 2/12 ≈ 0.167}: a model below it has learned to find the marked values, at distances up
 * to {@code T − 1} steps from the end.
 */
final class AddingProblem {

    /** Input channels: the value and the marker. */
    static final int INPUTS = 2;

    private AddingProblem() {
    }

    /**
     * Draws a batch.
     *
     * @param random the stream; advanced
     * @param steps  the sequence length {@code T}, at least 2
     * @param x      (T·B, 2); overwritten
     * @param target (B, 1); overwritten
     */
    static void batch(SplittableRandom random, int steps, FMatrixRMaj x, FMatrixRMaj target) {
        int batch = target.numRows;
        Tensors.checkShape(x, steps * batch, INPUTS, "x");
        Tensors.checkShape(target, batch, 1, "target");
        int half = steps / 2;
        for (int b = 0; b < batch; b++) {
            int first = random.nextInt(half);
            int second = half + random.nextInt(steps - half);
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                int row = (t * batch + b) * INPUTS;
                float value = (float) random.nextDouble();
                boolean marked = t == first || t == second;
                x.data[row] = value;
                x.data[row + 1] = marked ? 1f : 0f;
                if (marked) {
                    sum += value;
                }
            }
            target.data[b] = (float) sum;
        }
    }
}
