package org.seq4j.embed;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.VectorMath;

/**
 * Reference negative-sampling loss of a minibatch whose rows share their noise words, with explicit
 * forward and backward passes: the plain mathematics that {@link BatchedSgdKernels#negativeSampling}
 * implements fast (HogBatch; Ji et al. 2019). For input rows {@code x_r} (n, E), each row's positive word
 * {@code p_r}, shared noise words {@code n_1 .. n_K} and output rows {@code u_w = syn1neg[w]}:
 * <pre>
 *   S_r0 = x_r · u_{p_r},   S_rk = x_r · u_{n_k}                    S: (n, K+1)
 *   m_rk = 1 if n_k ≠ p_r else 0                                    (a row's own positive is not its noise)
 *   loss = Σ_r ( -log σ(S_r0) - Σ_k m_rk · log σ(-S_rk) )
 *   dS_r0 = σ(S_r0) - 1,   dS_rk = m_rk · σ(S_rk)
 *   dx_r += dS_r0 · u_{p_r} + Σ_k dS_rk · u_{n_k}                   (dX = dS·U when the positives are shared)
 *   du_{p_r} += dS_r0 · x_r,   du_{n_k} += Σ_r dS_rk · x_r          (dU = dSᵀ·X; repeated words add up)
 * </pre>
 * Computed in double with the exact sigmoid and no clipping. The tests check the gradients by finite
 * differences, and one step of the kernel against {@code θ - alpha·dloss/dθ}.
 */
final class BatchedNegativeSamplingOutput {

    private BatchedNegativeSamplingOutput() {
    }

    /** What backward needs: the inputs, the words and {@code dloss/dS} (n, K+1), and the loss. */
    record Cache(FMatrixRMaj inputs, int[] positives, int[] negatives, double[][] dScores, double loss) {
    }

    /**
     * @param inputs    X (n, E); not modified (kept by reference in the cache)
     * @param positives each row's positive word (n); not modified
     * @param syn1neg   output table (V, E); not modified
     * @param negatives the shared noise words (K); not modified
     * @return the cache, holding the loss
     */
    static Cache forward(FMatrixRMaj inputs, int[] positives, FMatrixRMaj syn1neg, int[] negatives) {
        int n = inputs.numRows;
        int e = inputs.numCols;
        int k = negatives.length;
        double[][] dScores = new double[n][k + 1];
        double loss = 0;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j <= k; j++) {
                int w = j == 0 ? positives[r] : negatives[j - 1];
                if (j > 0 && w == positives[r]) {
                    continue;                    // m_rk = 0
                }
                double f = VectorMath.dotNaive(inputs.data, r * e, syn1neg.data, w * e, e);
                double sigma = 1 / (1 + Math.exp(-f));
                // -log σ(f) = log(1 + e^-f);  -log σ(-f) = log(1 + e^f)
                loss += j == 0 ? Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f));
                dScores[r][j] = j == 0 ? sigma - 1 : sigma;
            }
        }
        return new Cache(inputs, positives, negatives, dScores, loss);
    }

    /**
     * Adds the gradients of the loss into {@code dInputs} and {@code dSyn1neg} (accumulates; zero them
     * first).
     *
     * @param c        the cache of the forward pass
     * @param syn1neg  output table (V, E); not modified
     * @param dInputs  gradient for X (n, E); accumulated into
     * @param dSyn1neg gradient for the output table (V, E); accumulated into
     */
    static void backward(Cache c, FMatrixRMaj syn1neg, FMatrixRMaj dInputs, FMatrixRMaj dSyn1neg) {
        float[] x = c.inputs().data;
        int n = c.inputs().numRows;
        int e = c.inputs().numCols;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j <= c.negatives().length; j++) {
                int w = j == 0 ? c.positives()[r] : c.negatives()[j - 1];
                double dS = c.dScores()[r][j];
                for (int i = 0; i < e; i++) {
                    dInputs.data[r * e + i] += (float) (dS * syn1neg.data[w * e + i]);
                    dSyn1neg.data[w * e + i] += (float) (dS * x[r * e + i]);
                }
            }
        }
    }
}
