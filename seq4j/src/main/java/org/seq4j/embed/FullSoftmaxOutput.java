package org.seq4j.embed;

import org.seq4j.kernel.VectorMath;

/**
 * Reference full-softmax output layer with explicit forward and backward passes: the formulation of
 * skip-gram in Mikolov et al. 2013b, eq. 2, with output rows {@code u_w} (no bias):
 * <pre>
 *   z_w = u_w · h                       for every word w    z: (V)
 *   p = softmax(z)
 *   loss = -log p_t = logsumexp(z) - z_t
 *   dloss/dz_w = p_w - 1[w = t]
 *   dh += Σ_w dloss/dz_w · u_w,   du_w += dloss/dz_w · h
 * </pre>
 * Cost O(V·E) per prediction, so a reference and a choice for small vocabularies only.
 * {@link SgdKernels#fullSoftmax} is the fast form of the same step.
 */
final class FullSoftmaxOutput {

    private FullSoftmaxOutput() {
    }

    /** What backward needs: the inputs and the probabilities {@code p} (V). */
    record Cache(float[] h, int target, double[] probabilities, double loss) {
    }

    /**
     * @param h   the hidden vector (E); not modified (kept by reference in the cache)
     * @param out output table (V, E); not modified
     * @return the cache, holding the loss
     */
    static Cache forward(float[] h, float[][] out, int target, int v, int e) {
        double[] z = new double[v];
        double max = Double.NEGATIVE_INFINITY;
        for (int w = 0; w < v; w++) {
            z[w] = VectorMath.dotNaive(h, 0, out[w], 0, e);
            max = Math.max(max, z[w]);
        }
        double sum = 0;
        for (int w = 0; w < v; w++) {
            sum += Math.exp(z[w] - max);
        }
        double logSumExp = max + Math.log(sum);
        double[] p = new double[v];
        for (int w = 0; w < v; w++) {
            p[w] = Math.exp(z[w] - logSumExp);
        }
        return new Cache(h, target, p, logSumExp - z[target]);
    }

    /**
     * Adds the gradients of the loss into {@code dH} and {@code dOut} (accumulates; zero them first).
     *
     * @param out  output table (V, E); not modified
     * @param dH   gradient for {@code h} (E); accumulated into
     * @param dOut gradient for the output table (V, E); accumulated into
     */
    static void backward(Cache c, float[][] out, float[] dH, float[][] dOut, int e) {
        double[] p = c.probabilities();
        for (int w = 0; w < p.length; w++) {
            double dz = p[w] - (w == c.target() ? 1 : 0);
            for (int i = 0; i < e; i++) {
                dH[i] += (float) (dz * out[w][i]);
                dOut[w][i] += (float) (dz * c.h()[i]);
            }
        }
    }
}
