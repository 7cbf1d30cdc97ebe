package org.seq4j.seq2seq;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.WorkerTeam;

/**
 * The mean cross-entropy of N rows of logits over V classes, every row counted (the real target
 * positions): {@code nn.CrossEntropyLoss} with mean reduction, fused so that each logit costs one
 * exponential and the backward one multiplication (the output layer of a translator spans the whole target
 * vocabulary, so these passes are a visible part of a training step).
 *
 * <pre>
 *   m_n = max_j z(n, j),   e(n, j) = exp(z(n, j) − m_n),   Σ_n = Σ_j e(n, j)
 *   L   = (1/N) Σ_n [ m_n + log Σ_n − z(n, y_n) ]
 *   dz(n, j) = (1/N) (e(n, j)/Σ_n − [j = y_n])
 * </pre>
 * Forward leaves {@code e(n, j)/Σ_n} (the probabilities) in a caller-owned matrix; backward turns them into
 * {@code dz} in place. Rows are independent: with several threads they are shared out on the
 * {@link WorkerTeam}, each row computed as alone, and the row losses summed in row order, so the results do
 * not depend on the number of threads. One instance per training cache (it holds the task's arguments).
 */
final class TokenCrossEntropy implements WorkerTeam.Task {

    /** Below this many logits the rows run on the calling thread. */
    private static final long PARALLEL_MIN_LOGITS = 1L << 16;

    private FMatrixRMaj logits;
    private FMatrixRMaj probabilities;
    private int[] targets;
    private int rows;
    private int parts;
    private boolean backward;
    /** rowLoss[n]: the loss of row n (grow-only). */
    private double[] rowLoss = new double[0];

    /**
     * The loss, and the softmax probabilities for {@link #backward}.
     *
     * @param z       (N, V) logits, data may be longer; not modified
     * @param y       N classes in {@code [0, V)} (the array may be longer); not modified
     * @param n       N ≥ 1
     * @param p       (N, V), data may be longer; overwritten with the probabilities (not {@code z})
     * @return the mean cross-entropy, accumulated in double
     */
    double forward(FMatrixRMaj z, int[] y, int n, FMatrixRMaj p) {
        if (rowLoss.length < n) {
            rowLoss = new double[n];
        }
        run(z, y, n, p, false);
        double total = 0;
        for (int r = 0; r < n; r++) {
            total += rowLoss[r];
        }
        return total / n;
    }

    /**
     * The gradient of the mean loss with respect to the logits, in place of the probabilities.
     *
     * @param p (N, V) the probabilities of {@link #forward}; overwritten with {@code dz}
     * @param y the forward's targets; not modified
     * @param n N ≥ 1
     */
    void backward(FMatrixRMaj p, int[] y, int n) {
        run(null, y, n, p, true);
    }

    private void run(FMatrixRMaj z, int[] y, int n, FMatrixRMaj p, boolean isBackward) {
        logits = z;
        probabilities = p;
        targets = y;
        rows = n;
        backward = isBackward;
        if (Gemm.threads() > 1 && (long) n * p.numCols >= PARALLEL_MIN_LOGITS) {
            WorkerTeam team = WorkerTeam.shared();
            parts = team.size();
            team.run(this);
        } else {
            parts = 1;
            run(0);
        }
        logits = null;
        probabilities = null;
        targets = null;
    }

    /** Rows [part·N/parts, (part + 1)·N/parts). */
    @Override
    public void run(int part) {
        int from = (int) ((long) rows * part / parts);
        int to = (int) ((long) rows * (part + 1) / parts);
        if (backward) {
            backwardRows(from, to);
        } else {
            forwardRows(from, to);
        }
    }

    private void forwardRows(int from, int to) {
        int v = logits.numCols;
        float[] z = logits.data;
        float[] p = probabilities.data;
        for (int r = from; r < to; r++) {
            int row = r * v;
            rowLoss[r] = RowSoftmax.softmax(z, p, row, v) - z[row + targets[r]];
        }
    }

    private void backwardRows(int from, int to) {
        int v = probabilities.numCols;
        float[] p = probabilities.data;
        float scale = (float) (1.0 / rows);
        for (int i = from * v, end = to * v; i < end; i++) {
            p[i] *= scale;
        }
        for (int r = from; r < to; r++) {
            p[r * v + targets[r]] -= scale;
        }
    }
}
