package org.seq4j.embed;

import org.seq4j.kernel.FloatActivations;
import org.seq4j.kernel.VectorMath;

/**
 * Reference negative-sampling output layer with explicit forward and backward passes (Mikolov et al.
 * 2013b, eq. 4). For a hidden vector {@code h} (E), the target word {@code t} and noise words
 * {@code n_1 .. n_K} drawn from the unigram^0.75 distribution, with output rows {@code u_w = syn1neg[w]}:
 * <pre>
 *   f_t = u_t · h,   f_k = u_{n_k} · h
 *   loss = -log σ(f_t) - Σ_k log σ(-f_k)
 *   dloss/df_t = σ(f_t) - 1,   dloss/df_k = σ(f_k)
 *   dh += Σ_j dloss/df_j · u_j,   du_j += dloss/df_j · h
 * </pre>
 * Computed in double with the exact sigmoid and no clipping: this is the plain mathematics that
 * {@link SgdKernels#negativeSampling} implements fast, and the tests check the gradients by finite
 * differences and the kernel's step against them.
 */
final class NegativeSamplingOutput {

    private NegativeSamplingOutput() {
    }

    /** What backward needs: the inputs and {@code σ(f_j)} for the target (j = 0) and each noise word. */
    record Cache(float[] h, int target, int[] negatives, double[] sigmoid, double loss) {
    }

    /**
     * @param h         the hidden vector (E); not modified (kept by reference in the cache)
     * @param syn1neg   output table (V, E); not modified
     * @param negatives noise words; not modified
     * @return the cache, holding the loss
     */
    static Cache forward(float[] h, float[][] syn1neg, int target, int[] negatives, int e) {
        double[] sig = new double[negatives.length + 1];
        double loss = 0;
        for (int j = 0; j <= negatives.length; j++) {
            int w = j == 0 ? target : negatives[j - 1];
            double f = VectorMath.dotNaive(h, 0, syn1neg[w], 0, e);
            sig[j] = FloatActivations.sigmoidDouble(f);
            // -log σ(f) = log(1 + e^-f);  -log σ(-f) = log(1 + e^f)
            loss += j == 0 ? Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f));
        }
        return new Cache(h, target, negatives, sig, loss);
    }

    /**
     * Adds the gradients of the loss into {@code dH} and {@code dSyn1neg} (accumulates; zero them first).
     *
     * @param syn1neg  output table (V, E); not modified
     * @param dH       gradient for {@code h} (E); accumulated into
     * @param dSyn1neg gradient for the output table (V, E); accumulated into
     */
    static void backward(Cache c, float[][] syn1neg, float[] dH, float[][] dSyn1neg, int e) {
        for (int j = 0; j <= c.negatives().length; j++) {
            int w = j == 0 ? c.target() : c.negatives()[j - 1];
            double df = j == 0 ? c.sigmoid()[j] - 1 : c.sigmoid()[j];
            for (int i = 0; i < e; i++) {
                dH[i] += (float) (df * syn1neg[w][i]);
                dSyn1neg[w][i] += (float) (df * c.h()[i]);
            }
        }
    }
}
