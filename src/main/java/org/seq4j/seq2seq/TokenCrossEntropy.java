package org.seq4j.seq2seq;

import org.ejml.data.FMatrixRMaj;

/**
 * The mean cross-entropy of N rows of logits over V classes, every row counted (the real target
 * positions): {@code nn.CrossEntropyLoss} with mean reduction, fused so that each logit costs one
 * exponential and the backward one multiplication (the output layer of a translator spans the whole target
 * vocabulary, so these passes are a visible part of a training step).
 *
 * <pre>
 *   m_n = max_j z(n, j),   e(n, j) = exp(z(n, j) − m_n),   Σ_n = Σ_j e(n, j)
 *   L   = (1/N) Σ_n [ log Σ_n − (z(n, y_n) − m_n) ]
 *   dz(n, j) = (1/N) (e(n, j)/Σ_n − [j = y_n])
 * </pre>
 * Forward leaves {@code e(n, j)/Σ_n} (the probabilities) in a caller-owned matrix; backward turns them into
 * {@code dz} in place.
 */
final class TokenCrossEntropy {

    private TokenCrossEntropy() {
    }

    /**
     * The loss, and the softmax probabilities for {@link #backward}.
     *
     * @param logits        (N, V), data may be longer; not modified
     * @param targets       N classes in {@code [0, V)}; not modified
     * @param n             N ≥ 1
     * @param probabilities (N, V), data may be longer; overwritten with the probabilities (may not be
     *                      {@code logits})
     * @return the mean cross-entropy, accumulated in double
     */
    static double forward(FMatrixRMaj logits, int[] targets, int n, FMatrixRMaj probabilities) {
        int v = logits.numCols;
        float[] z = logits.data;
        float[] p = probabilities.data;
        double total = 0;
        for (int r = 0; r < n; r++) {
            int row = r * v;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, z[row + j]);
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                float e = (float) Math.exp(z[row + j] - max);
                p[row + j] = e;
                sum += e;
            }
            float inverse = (float) (1.0 / sum);
            for (int j = 0; j < v; j++) {
                p[row + j] *= inverse;
            }
            total += Math.log(sum) - (z[row + targets[r]] - max);
        }
        return total / n;
    }

    /**
     * The gradient of the mean loss with respect to the logits, in place of the probabilities.
     *
     * @param probabilities (N, V) the probabilities of {@link #forward}; overwritten with {@code dz}
     * @param targets       the forward's targets; not modified
     * @param n             N ≥ 1
     */
    static void backward(FMatrixRMaj probabilities, int[] targets, int n) {
        int v = probabilities.numCols;
        float[] p = probabilities.data;
        float scale = (float) (1.0 / n);
        for (int i = 0, size = n * v; i < size; i++) {
            p[i] *= scale;
        }
        for (int r = 0; r < n; r++) {
            p[r * v + targets[r]] -= scale;
        }
    }
}
