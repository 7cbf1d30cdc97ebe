package org.seq4j.embed;

/**
 * One SGD step of each output layer for one hidden vector {@code h} and one target word, written as the
 * inner loops of {@code word2vec.c}: the output rows are updated at once, the error with respect to
 * {@code h} is accumulated into {@code neu1e}, and the caller applies {@code neu1e} to the input
 * vector(s) afterwards. With {@code g = alpha·(label - σ(f))}, {@code f = u·h}:
 * <pre>
 *   neu1e += g · u        (read before u changes)
 *   u     += g · h
 * </pre>
 * which is {@code -alpha} times the gradient of the loss of the matching reference layer
 * ({@link NegativeSamplingOutput}, {@link HierarchicalSoftmaxOutput}, {@link FullSoftmaxOutput}); the
 * tests check that one step here equals one step computed from their {@code backward}.
 *
 * <p>As in {@code word2vec.c}, scores outside {@code (-MAX_EXP, MAX_EXP)} are treated specially:
 * hierarchical softmax skips the node; negative sampling uses {@code σ = 1} or {@code 0}. No argument is
 * checked here (these are kernels); nothing is allocated.
 */
final class SgdKernels {

    private SgdKernels() {
    }

    private static float sigmoid(float f, boolean exact) {
        return exact ? Sigmoid.exact(f) : Sigmoid.table(f);
    }

    /**
     * Negative sampling: target with label 1, then each of {@code negatives[0, count)} with label 0.
     *
     * @param h         holds the hidden vector {@code h} (E) at {@code hOff}; not modified
     * @param syn1neg   output table (V, E); rows of the target and the negatives modified
     * @param negatives noise words, already drawn; not modified
     * @param neu1e     error for {@code h} (E); accumulated into
     */
    static void negativeSampling(float[] h, int hOff, float[] syn1neg, int target, int[] negatives,
                                 int count, float alpha, float[] neu1e, int e, boolean exact) {
        for (int d = -1; d < count; d++) {
            int word = d < 0 ? target : negatives[d];
            float label = d < 0 ? 1f : 0f;
            int l2 = word * e;
            float f = VectorMath.dot(h, hOff, syn1neg, l2, e);
            float g;
            if (f > Sigmoid.MAX_EXP) {
                g = (label - 1) * alpha;
            } else if (f < -Sigmoid.MAX_EXP) {
                g = label * alpha;
            } else {
                g = (label - sigmoid(f, exact)) * alpha;
            }
            VectorMath.axpy(g, syn1neg, l2, neu1e, 0, e);
            VectorMath.axpy(g, h, hOff, syn1neg, l2, e);
        }
    }

    /**
     * Hierarchical softmax along the Huffman path of {@code target}.
     *
     * @param h     holds the hidden vector {@code h} (E) at {@code hOff}; not modified
     * @param syn1  inner-node table (V-1, E); rows on the path modified
     * @param tree  the Huffman tree
     * @param neu1e error for {@code h} (E); accumulated into
     */
    static void hierarchicalSoftmax(float[] h, int hOff, float[] syn1, HuffmanTree tree, int target,
                                    float alpha, float[] neu1e, int e, boolean exact) {
        int[] points = tree.points();
        byte[] codes = tree.codes();
        int start = tree.pathStart(target);
        int end = start + tree.codeLength(target);
        for (int d = start; d < end; d++) {
            int l2 = points[d] * e;
            float f = VectorMath.dot(h, hOff, syn1, l2, e);
            if (f <= -Sigmoid.MAX_EXP || f >= Sigmoid.MAX_EXP) {
                continue;
            }
            float g = (1 - codes[d] - sigmoid(f, exact)) * alpha;
            VectorMath.axpy(g, syn1, l2, neu1e, 0, e);
            VectorMath.axpy(g, h, hOff, syn1, l2, e);
        }
    }

    /**
     * Full softmax over all {@code v} words: {@code p = softmax(U·h)}, {@code g_j = alpha·(1[j = target] - p_j)}.
     *
     * @param h      holds the hidden vector {@code h} (E) at {@code hOff}; not modified
     * @param out    output table (V, E); every row modified
     * @param scores workspace (V); overwritten
     * @param neu1e  error for {@code h} (E); accumulated into
     */
    static void fullSoftmax(float[] h, int hOff, float[] out, int target, int v, float alpha,
                            float[] scores, float[] neu1e, int e) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            scores[j] = VectorMath.dot(h, hOff, out, j * e, e);
            max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = 0; j < v; j++) {
            float p = (float) Math.exp(scores[j] - max);
            scores[j] = p;
            sum += p;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < v; j++) {
            float g = ((j == target ? 1f : 0f) - scores[j] * inv) * alpha;
            VectorMath.axpy(g, out, j * e, neu1e, 0, e);
            VectorMath.axpy(g, h, hOff, out, j * e, e);
        }
    }
}
