package org.seq4j.embed;

/**
 * Reference CBOW input layer with explicit forward and backward passes: the hidden vector is the mean of
 * the context words' input vectors (word2vec.c's CBOW, which always averages):
 * <pre>
 *   h = (1/n) Σ_{o in context} syn0[o]                  h: (E)
 *   dsyn0[o] += (1/n) · dh        for each context word o (a word twice in the context gets it twice)
 * </pre>
 * Note that the SGD step of {@code word2vec.c} (and so of {@link Word2VecTrainer}) adds the full
 * {@code -alpha·dh} to every context vector, not {@code -alpha·dh/n}: its update is {@code n} times the
 * gradient step of this loss for the input vectors. The tests check both facts.
 */
final class CbowInput {

    private CbowInput() {
    }

    /**
     * @param syn0    input table (V, E); not modified
     * @param context context word ids, at least one; not modified
     * @return {@code h} (E), a new array
     */
    static float[] forward(float[][] syn0, int[] context, int e) {
        double[] sum = new double[e];
        for (int o : context) {
            for (int i = 0; i < e; i++) {
                sum[i] += syn0[o][i];
            }
        }
        float[] h = new float[e];
        for (int i = 0; i < e; i++) {
            h[i] = (float) (sum[i] / context.length);
        }
        return h;
    }

    /**
     * Adds the gradient for the input table into {@code dSyn0} (accumulates; zero it first).
     *
     * @param dH      gradient for {@code h} (E); not modified
     * @param context the context word ids of the forward pass; not modified
     * @param dSyn0   gradient for the input table (V, E); accumulated into
     */
    static void backward(float[] dH, int[] context, float[][] dSyn0, int e) {
        float inv = 1f / context.length;
        for (int o : context) {
            for (int i = 0; i < e; i++) {
                dSyn0[o][i] += inv * dH[i];
            }
        }
    }
}
