package org.seq4j.seq2seq;

/** The softmax of one row, the inner loop of the attention weights and of the output loss. */
final class RowSoftmax {

    private RowSoftmax() {
    }

    /**
     * {@code y[off + j] = exp(x[off + j] − m) / Σ_i exp(x[off + i] − m)} for {@code j < n}, with
     * {@code m = max_i x[off + i]}; the sum in double.
     *
     * @param x   the scores; not modified, unless it is also {@code y}
     * @param y   the probabilities; overwritten in {@code [off, off + n)} (may be {@code x})
     * @param off the first index
     * @param n   the row's length, ≥ 1
     * @return {@code log Σ_i exp(x[off + i])}, computed as {@code m + log Σ_i exp(x[off + i] − m)}
     */
    static double softmax(float[] x, float[] y, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            y[off + i] = e;
            sum += e;
        }
        float inverse = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            y[off + i] *= inverse;
        }
        return max + Math.log(sum);
    }
}
