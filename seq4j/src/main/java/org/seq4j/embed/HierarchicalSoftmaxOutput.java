package org.seq4j.embed;

import org.seq4j.kernel.FloatActivations;
import org.seq4j.kernel.VectorMath;

/**
 * Reference hierarchical-softmax output layer with explicit forward and backward passes (Morin and
 * Bengio 2005; Mikolov et al. 2013b, eq. 3). The target word {@code t} is reached from the root of the
 * {@link HuffmanTree} by {@code L} steps; step {@code d} is at inner node {@code p_d} with code bit
 * {@code c_d} and row {@code u_d = syn1[p_d]}:
 * <pre>
 *   f_d = u_d · h,   s_d = 1 - 2·c_d   (+1 for bit 0, -1 for bit 1)
 *   loss = -Σ_d log σ(s_d · f_d)
 *   dloss/df_d = σ(f_d) - (1 - c_d)
 *   dh += Σ_d dloss/df_d · u_d,   du_d += dloss/df_d · h
 * </pre>
 * In double with the exact sigmoid and no skipping of saturated nodes; {@link SgdKernels#hierarchicalSoftmax}
 * is the fast form of the same step.
 */
final class HierarchicalSoftmaxOutput {

    private HierarchicalSoftmaxOutput() {
    }

    /** What backward needs: the inputs and {@code σ(f_d)} for each step of the path. */
    record Cache(float[] h, int target, double[] sigmoid, double loss) {
    }

    /**
     * @param h    the hidden vector (E); not modified (kept by reference in the cache)
     * @param syn1 inner-node table (V-1, E); not modified
     * @return the cache, holding the loss
     */
    static Cache forward(float[] h, float[][] syn1, HuffmanTree tree, int target, int e) {
        int len = tree.codeLength(target);
        double[] sig = new double[len];
        double loss = 0;
        for (int d = 0; d < len; d++) {
            double f = VectorMath.dotNaive(h, 0, syn1[tree.point(target, d)], 0, e);
            sig[d] = FloatActivations.sigmoidDouble(f);
            double signedF = tree.code(target, d) == 0 ? f : -f;
            loss += Math.log1p(Math.exp(-signedF));
        }
        return new Cache(h, target, sig, loss);
    }

    /**
     * Adds the gradients of the loss into {@code dH} and {@code dSyn1} (accumulates; zero them first).
     *
     * @param syn1  inner-node table (V-1, E); not modified
     * @param dH    gradient for {@code h} (E); accumulated into
     * @param dSyn1 gradient for the inner-node table (V-1, E); accumulated into
     */
    static void backward(Cache c, float[][] syn1, HuffmanTree tree, float[] dH, float[][] dSyn1, int e) {
        int t = c.target();
        for (int d = 0; d < c.sigmoid().length; d++) {
            int row = tree.point(t, d);
            double df = c.sigmoid()[d] - (1 - tree.code(t, d));
            for (int i = 0; i < e; i++) {
                dH[i] += (float) (df * syn1[row][i]);
                dSyn1[row][i] += (float) (df * c.h()[i]);
            }
        }
    }
}
