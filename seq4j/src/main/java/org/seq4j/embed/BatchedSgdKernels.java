package org.seq4j.embed;

import java.util.Arrays;
import org.seq4j.kernel.VectorMath;

/**
 * One SGD step of negative sampling for a minibatch of input vectors that share one draw of noise words
 * (Ji et al., "Parallelizing Word2Vec in Shared and Distributed Memory", 2019: "HogBatch"), written as
 * small matrix products over rows of the training tables.
 *
 * <h2>The minibatch</h2>
 * {@code n} input vectors {@code x_r} (skip-gram: the input vectors of the context words of one centre
 * word; CBOW: the hidden vectors of {@code n} consecutive centre words), each with its positive word
 * {@code p_r} (skip-gram: the centre word, the same for every row; CBOW: each row's own centre word), and
 * {@code K} noise words {@code n_1 .. n_K} drawn once for the whole minibatch. With output rows
 * {@code u_w = syn1neg[w]}, the {@code K+1} columns {@code j} of row {@code r} are its positive
 * ({@code j = 0}, label {@code y = 1}) and the shared noise words ({@code j = k}, label {@code y = 0}):
 * <pre>
 *   X = [x_1; ..; x_n]                       (n, E)
 *   U_r = [u_{p_r}; u_{n_1}; ..; u_{n_K}]    (K+1, E)   skip-gram: the same U for every row
 *   S_rj = x_r · U_r[j]                      (n, K+1)   skip-gram: S = X·Uᵀ, one product
 *   m_rk = 1 if n_k ≠ p_r else 0             a noise word that is the row's own positive is left out
 *
 *   loss = Σ_r ( -log σ(S_r0) - Σ_k m_rk · log σ(-S_rk) )
 *
 *   dloss/dS_rj = m_rj · (σ(S_rj) - y_j)      (m_r0 = 1)                         (n, K+1)
 *   dloss/dx_r  = Σ_j dloss/dS_rj · U_r[j]    skip-gram: dX = dS·U                (n, E)
 *   dloss/du_w  = Σ_{(r, j): U_r[j] is row w} dloss/dS_rj · x_r   skip-gram: dU = dSᵀ·X, rows summed
 *                                             into the table rows they came from   (K+1, E)
 * </pre>
 * It is the loss of {@link NegativeSamplingOutput} summed over the rows, with the noise words shared.
 * The step below is {@code -alpha} times this gradient, both parts computed from the values before the
 * step (a true minibatch step): with word2vec.c's {@code g_rj = alpha·(y_j - σ(S_rj))}, saturated beyond
 * {@code ±MAX_EXP} as in {@link SgdKernels},
 * <pre>
 *   dInputs_r  = Σ_j g_rj · U_r[j]           = -alpha · dloss/dx_r     (returned; the caller applies it)
 *   u_w       += Σ g_rj · x_r                = -alpha · dloss/du_w     (applied here)
 * </pre>
 * {@link BatchedNegativeSamplingOutput} holds the same loss and gradient as a plain reference; the tests
 * check it by finite differences and this step against it.
 *
 * <h2>A minibatch of one</h2>
 * With {@code n = 1}, distinct noise words and {@link RowDots.Plain} this is word2vec.c's step
 * ({@link SgdKernels#negativeSampling}) bit for bit: the scores are the same dot products summed in the
 * same order, and {@code dInputs} accumulates {@code g_j·u_j} over {@code j} in the order word2vec.c
 * accumulates {@code neu1e}. (When a noise word repeats, word2vec.c lets its second occurrence see the
 * first one's update; the minibatch step counts both at the values before the step.)
 *
 * <h2>Cost</h2>
 * The arithmetic is that of {@code n} exact steps ({@code 3·n·(K+1)·E} multiply-adds), but each noise
 * row is read and written once per minibatch instead of once per input, and {@code K} noise words are
 * drawn per minibatch instead of {@code n·K}. The loops run over whole rows from index 0 (see
 * {@link VectorMath}); the rows of a product are combined three at a time in one pass, so that each row
 * of the result is loaded and stored once per three terms. The scores are dot products, which plain Java
 * keeps scalar: they take about half of the time, and {@link RowDots} computes them with the Vector API
 * when the JVM has it. At {@code n <= 10}, {@code K+1 = 6}, {@code E = 100} these loops were faster than
 * gathering the rows into matrices for {@code org.seq4j.kernel.Gemm} (see docs/word2vec.md). No argument
 * is checked here (this is a kernel); nothing is allocated.
 */
final class BatchedSgdKernels {

    private BatchedSgdKernels() {
    }

    /**
     * One minibatch step (see the class documentation).
     *
     * @param dots      computes the scores: {@link RowDots#best()} in training, {@link RowDots.Plain} for the
     *                  bit-for-bit equality of a minibatch of one with word2vec.c's step
     * @param inputs    the input vectors {@code x_r}, rows {@code [0, n)} used, each (E); not modified (rows may
     *                  be the same array)
     * @param positives the positive word of each row, {@code [0, n)} used; not modified
     * @param n         rows in the minibatch, {@code >= 1}
     * @param syn1neg   output table (V, E); rows of the positives and the noise words modified
     * @param negatives the shared noise words, {@code [0, count)} used; not modified
     * @param count     number of noise words {@code K}, {@code >= 0}
     * @param alpha     learning rate
     * @param exact     exact sigmoid instead of word2vec.c's table
     * @param dInputs   (n, E) rows {@code [0, n)}: overwritten with {@code -alpha·dloss/dx_r}
     * @param g         workspace of at least {@code n·(count + 1)} floats; overwritten with {@code g_rj}
     * @param columns   workspace of at least {@code count + 1} row references; overwritten
     * @param e         the vector size {@code E}
     */
    static void negativeSampling(RowDots dots, float[][] inputs, int[] positives, int n, float[][] syn1neg,
                                 int[] negatives, int count, float alpha, boolean exact, float[][] dInputs,
                                 float[] g, float[][] columns, int e) {
        int m = count + 1;
        boolean sharedPositive = true;      // skip-gram: every row predicts the same centre word
        for (int r = 1; r < n; r++) {
            sharedPositive &= positives[r] == positives[0];
        }
        // U_r = columns: [u_{p_r}; u_{n_1}; ..; u_{n_K}]; only column 0 changes from row to row
        for (int k = 0; k < count; k++) {
            columns[1 + k] = syn1neg[negatives[k]];
        }
        // forward: S_rj, then g_rj = alpha·(y_j - σ(S_rj)), row-major (n, K+1)
        for (int r = 0; r < n; r++) {
            int p = positives[r];
            int row = r * m;
            columns[0] = syn1neg[p];
            dots.dots(inputs[r], columns, m, e, g, row);
            g[row] = SgdKernels.negativeSamplingGradient(g[row], 1f, alpha, exact);
            for (int k = 0; k < count; k++) {
                int jk = row + 1 + k;
                g[jk] = negatives[k] == p ? 0f : SgdKernels.negativeSamplingGradient(g[jk], 0f, alpha, exact);
            }
        }
        // backward, input side: dInputs_r = Σ_j g_rj · U_r[j]   (dX = G·U), from the rows before the step
        for (int r = 0; r < n; r++) {
            float[] d = dInputs[r];
            Arrays.fill(d, 0, e, 0f);
            columns[0] = syn1neg[positives[r]];
            int row = r * m;
            int j = 0;
            for (; j + 2 < m; j += 3) {
                axpy3(g[row + j], columns[j], g[row + j + 1], columns[j + 1], g[row + j + 2], columns[j + 2], d, e);
            }
            for (; j < m; j++) {
                axpy(g[row + j], columns[j], d, e);
            }
        }
        // backward, output side, applied in place: u_w += Σ_r g_rj · x_r   (dU = Gᵀ·X). The inputs are not
        // modified here, so every term sees them before the step; a row that appears twice gets both terms.
        if (!sharedPositive) {
            for (int r = 0; r < n; r++) {
                axpy(g[r * m], inputs[r], syn1neg[positives[r]], e);
            }
        }
        columns[0] = syn1neg[positives[0]];
        for (int j = sharedPositive ? 0 : 1; j < m; j++) {
            float[] u = columns[j];
            int r = 0;
            for (; r + 2 < n; r += 3) {
                axpy3(g[r * m + j], inputs[r], g[(r + 1) * m + j], inputs[r + 1], g[(r + 2) * m + j], inputs[r + 2],
                        u, e);
            }
            for (; r < n; r++) {
                axpy(g[r * m + j], inputs[r], u, e);
            }
        }
    }

    /** {@code y[i] += a·x[i]} for {@code i < n}; modifies {@code y} only. */
    private static void axpy(float a, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += a * x[i];
        }
    }

    /**
     * {@code y[i] = y[i] + a·x[i] + b·z[i] + c·w[i]}, added left to right: the same result as three
     * {@link #axpy} calls in that order, with one load and store of {@code y} instead of three.
     */
    private static void axpy3(float a, float[] x, float b, float[] z, float c, float[] w, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = y[i] + a * x[i] + b * z[i] + c * w[i];
        }
    }
}
