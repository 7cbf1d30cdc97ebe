package org.seq4j.embed;

import org.seq4j.kernel.FloatActivations;
import org.seq4j.kernel.VectorMath;

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
 * hierarchical softmax skips the node; negative sampling uses {@code σ = 1} or {@code 0}. Tables are
 * arrays of rows (see {@link VectorMath}). No argument is checked here (these are kernels); nothing is
 * allocated.
 */
final class SgdKernels {

    private SgdKernels() {
    }

    private static float sigmoid(float f, boolean exact) {
        return exact ? (float) FloatActivations.sigmoidDouble(f) : FloatActivations.word2vecSigmoid(f);
    }

    /** word2vec.c's {@code g} of negative sampling for score {@code f} and label 1 or 0. */
    static float negativeSamplingGradient(float f, float label, float alpha, boolean exact) {
        if (f > FloatActivations.WORD2VEC_MAX_EXP) {
            return (label - 1) * alpha;
        } else if (f < -FloatActivations.WORD2VEC_MAX_EXP) {
            return label * alpha;
        }
        return (label - sigmoid(f, exact)) * alpha;
    }

    /**
     * Negative sampling: target with label 1, then each of {@code negatives[0, count)} with label 0, as
     * word2vec.c's loop (score, update, next word).
     *
     * <p>When the target and the noise words are all different (the usual case), the scores are
     * computed first, three rows at a time ({@link VectorMath#dot3} reads {@code h} once for all three), and the
     * updates applied after: the same arithmetic, since an update changes only its own row. When a row
     * repeats, its second score must see its first update, so repeats take the loop as written.
     *
     * @param h         the hidden vector (E); not modified
     * @param syn1neg   output table (V, E); rows of the target and the negatives modified
     * @param negatives noise words, already drawn; not modified
     * @param scores    workspace of at least {@code count + 2} floats; overwritten
     * @param neu1e     error for {@code h} (E); accumulated into
     */
    static void negativeSampling(float[] h, float[][] syn1neg, int target, int[] negatives, int count,
                                 float alpha, float[] neu1e, int e, boolean exact, float[] scores) {
        if (!distinct(target, negatives, count)) {
            negativeSamplingSequential(h, syn1neg, target, negatives, count, alpha, neu1e, e, exact);
            return;
        }
        // forward: scores[j] = syn1neg[row j] · h, row 0 the target, row j > 0 negatives[j - 1]
        int n = count + 1;
        int j = 0;
        for (; j + 2 < n; j += 3) {
            VectorMath.dot3(h, syn1neg[row(target, negatives, j)], syn1neg[row(target, negatives, j + 1)],
                    syn1neg[row(target, negatives, j + 2)], e, scores, j);
        }
        for (; j + 1 < n; j += 2) {
            VectorMath.dot2(h, syn1neg[row(target, negatives, j)], syn1neg[row(target, negatives, j + 1)], e,
                    scores, j);
        }
        if (j < n) {
            scores[j] = VectorMath.dot(h, syn1neg[row(target, negatives, j)], e);
        }
        // backward and update
        for (int d = -1; d < count; d++) {
            float[] u = syn1neg[d < 0 ? target : negatives[d]];
            float g = negativeSamplingGradient(scores[d + 1], d < 0 ? 1f : 0f, alpha, exact);
            VectorMath.axpyBoth(g, u, h, neu1e, e);
        }
    }

    private static int row(int target, int[] negatives, int j) {
        return j == 0 ? target : negatives[j - 1];
    }

    private static boolean distinct(int target, int[] negatives, int count) {
        for (int i = 0; i < count; i++) {
            int w = negatives[i];
            if (w == target) {
                return false;
            }
            for (int j = 0; j < i; j++) {
                if (negatives[j] == w) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Negative sampling exactly as word2vec.c's loop: score, update, next word.
     *
     * @param h         the hidden vector (E); not modified
     * @param syn1neg   output table (V, E); rows of the target and the negatives modified
     * @param negatives noise words, already drawn; not modified
     * @param neu1e     error for {@code h} (E); accumulated into
     */
    static void negativeSamplingSequential(float[] h, float[][] syn1neg, int target, int[] negatives, int count,
                                           float alpha, float[] neu1e, int e, boolean exact) {
        for (int d = -1; d < count; d++) {
            float[] u = syn1neg[d < 0 ? target : negatives[d]];
            float g = negativeSamplingGradient(VectorMath.dot(h, u, e), d < 0 ? 1f : 0f, alpha, exact);
            VectorMath.axpyBoth(g, u, h, neu1e, e);
        }
    }

    /**
     * Hierarchical softmax along the Huffman path of {@code target}. The nodes of a path are distinct
     * and {@code h} does not change along it, so all scores are computed first, three nodes per pass
     * over {@code h}, and the updates applied after: the same arithmetic as word2vec.c's loop.
     *
     * @param h      the hidden vector (E); not modified
     * @param syn1   inner-node table (V-1, E); rows on the path modified
     * @param tree   the Huffman tree
     * @param scores workspace of at least {@code tree.maxCodeLength()} floats; overwritten
     * @param neu1e  error for {@code h} (E); accumulated into
     */
    static void hierarchicalSoftmax(float[] h, float[][] syn1, HuffmanTree tree, int target, float alpha,
                                    float[] neu1e, int e, boolean exact, float[] scores) {
        int[] points = tree.points();
        byte[] codes = tree.codes();
        int start = tree.pathStart(target);
        int n = tree.codeLength(target);
        // forward: scores[d] = syn1[node d] · h
        int d = 0;
        for (; d + 2 < n; d += 3) {
            VectorMath.dot3(h, syn1[points[start + d]], syn1[points[start + d + 1]], syn1[points[start + d + 2]], e,
                    scores, d);
        }
        for (; d < n; d++) {
            scores[d] = VectorMath.dot(h, syn1[points[start + d]], e);
        }
        // backward and update; saturated nodes are skipped as in word2vec.c
        for (d = 0; d < n; d++) {
            float f = scores[d];
            if (f <= -FloatActivations.WORD2VEC_MAX_EXP || f >= FloatActivations.WORD2VEC_MAX_EXP) {
                continue;
            }
            float g = (1 - codes[start + d] - sigmoid(f, exact)) * alpha;
            VectorMath.axpyBoth(g, syn1[points[start + d]], h, neu1e, e);
        }
    }

    /**
     * Full softmax over all {@code v} words: {@code p = softmax(U·h)}, {@code g_j = alpha·(1[j = target] - p_j)}.
     *
     * @param h      the hidden vector (E); not modified
     * @param out    output table (V, E); every row modified
     * @param scores workspace (V); overwritten
     * @param neu1e  error for {@code h} (E); accumulated into
     */
    static void fullSoftmax(float[] h, float[][] out, int target, int v, float alpha, float[] scores,
                            float[] neu1e, int e) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            scores[j] = VectorMath.dot(h, out[j], e);
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
            VectorMath.axpyBoth(g, out[j], h, neu1e, e);
        }
    }
}
