package org.seq4j.seq2seq;

import org.seq4j.kernel.FloatActivations;

/** The softmax of one row, the inner loop of the attention weights and of the output loss. */
final class RowSoftmax {

    private RowSoftmax() {
    }

    /**
     * {@code y[off + j] = exp(x[off + j] − m) / Σ_i exp(x[off + i] − m)} for {@code j < n}, with
     * {@code m = max_i x[off + i]}; the exponentials and their sum by
     * {@link FloatActivations#softmaxExponentials} (each within 1.2·10⁻⁷ of {@code Math.exp}, vectorised
     * when the JVM has the Vector API: a translator's loss takes one per target token and vocabulary word).
     *
     * @param x   the scores; not modified, unless it is also {@code y}
     * @param y   the probabilities; overwritten in {@code [off, off + n)} (may be {@code x})
     * @param off the first index
     * @param n   the row's length, ≥ 1
     * @return {@code log Σ_i exp(x[off + i])}, computed as {@code m + log Σ_i exp(x[off + i] − m)}
     */
    static double softmax(float[] x, float[] y, int off, int n) {
        float max = FloatActivations.max(x, off, n);
        double sum = FloatActivations.softmaxExponentials(x, off, max, y, off, n);
        float inverse = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            y[off + i] *= inverse;
        }
        return max + Math.log(sum);
    }

    /**
     * {@code x[off + j] = (x[off + j] − m) − log Σ_i exp(x[off + i] − m)} for {@code j < n}, in place, as
     * {@link org.seq4j.tensor.Tensors#logSoftmaxRows} computes each row.
     *
     * @param x       the row's values; overwritten in {@code [off, off + n)} with their log-softmax
     * @param off     the first index
     * @param n       the row's length, ≥ 1
     * @param scratch at least n floats for the exponentials; overwritten
     */
    static void logSoftmaxInPlace(float[] x, int off, int n, float[] scratch) {
        float max = FloatActivations.max(x, off, n);
        double sum = FloatActivations.softmaxExponentials(x, off, max, scratch, 0, n);
        float logSum = (float) Math.log(sum);
        for (int i = 0; i < n; i++) {
            x[off + i] = (x[off + i] - max) - logSum;
        }
    }
}
