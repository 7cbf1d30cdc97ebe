package org.seq4j.skipthoughts;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.FloatActivations;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.WorkerTeam;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameter;

/**
 * The output layer and the loss of both decoders, computed over their real target rows only: the rows of
 * the two decoders' outputs whose target is not the ignore index are gathered into one matrix, so that the
 * largest products of a training step (over the vocabulary) skip the padding and run once for both.
 *
 * <pre>
 *   Hc (N, D)       the real rows of prev's then next's output; y (N) their targets; N = N_prev + N_next
 *   Z  (N, V)       = Hc·Wᵀ + b                                   W = output.weight (V, D), b = output.bias
 *   p  (N, V)       = softmax(Z) row by row;   ℓ_n = −log p(n, y_n)
 *   L               = Σ_prev ℓ_n / N_prev + Σ_next ℓ_n / N_next
 *   dZ (N, V)       = s_n·(p(n, :) − onehot(y_n)),   s_n = 1/N_prev or 1/N_next
 *   dW += dZᵀ·Hc     db += Σ_n dZ(n, :)     dHc = dZ·W, scattered back to the rows it came from (0 elsewhere)
 * </pre>
 * The same as {@link Linear} followed by {@link org.seq4j.nn.CrossEntropyLoss} (mean, ignore index) on each
 * decoder, fused: the softmax takes one exponential per entry ({@link FloatActivations#expOfNonPositive}),
 * and its rows, the bias gradient's columns
 * and the products are split over the worker threads, each value computed the same way whatever the
 * thread count. Buffers only grow. Not thread-safe.
 */
final class VocabularySoftmax {

    private final Parameter weight;
    private final Parameter bias;
    private final int vocabularySize;
    private final int dim;
    // hidden (N, D); logits (N, V): Z, then p, then dZ; dHidden (N, D)
    private final FMatrixRMaj hidden = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj logits = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj dHidden = new FMatrixRMaj(0, 0);
    /** targets[n], source rows rows[n] (prev's rows first, then next's), nats[n] = ℓ_n. */
    private int[] targets = new int[0];
    private int[] rows = new int[0];
    private double[] nats = new double[0];
    private int count;
    private int countPrevious;
    private boolean backwardReady;
    private final RowTask softmaxRows = new RowTask(false);
    private final RowTask gradientRows = new RowTask(true);
    private final BiasTask biasColumns = new BiasTask();

    VocabularySoftmax(Linear output) {
        this.weight = output.parameters().get("weight");
        this.bias = output.parameters().get("bias");
        this.vocabularySize = weight.shape()[0];
        this.dim = weight.shape()[1];
    }

    /**
     * Forward over both decoders' outputs.
     *
     * @param previous       (T_prev·B, D) the previous-sentence decoder's output; not modified
     * @param previousTarget T_prev·B targets, the ignore index at padded steps
     * @param next           (T_next·B, D) the next-sentence decoder's output; not modified
     * @param nextTarget     T_next·B targets
     * @param losses         two entries, overwritten with {@code CE_prev} and {@code CE_next}
     */
    void forward(FMatrixRMaj previous, int[] previousTarget, FMatrixRMaj next, int[] nextTarget, double[] losses) {
        int n = realTargets(previousTarget) + realTargets(nextTarget);
        if (targets.length < n) {
            targets = new int[n];
            rows = new int[n];
            nats = new double[n];
        }
        hidden.reshape(n, dim);
        count = 0;
        gather(previous, previousTarget);
        countPrevious = count;
        gather(next, nextTarget);

        // Z = b + Hc·Wᵀ
        logits.reshape(n, vocabularySize);
        float[] z = logits.data;
        float[] b = bias.value().data;
        for (int r = 0; r < n; r++) {
            System.arraycopy(b, 0, z, r * vocabularySize, vocabularySize);
        }
        Gemm.sgemm(false, true, n, vocabularySize, dim, hidden.data, 0, dim, weight.value().data, 0, dim, true,
                z, 0, vocabularySize);
        softmaxRows.run(this);
        double sumPrevious = 0;
        double sumNext = 0;
        for (int r = 0; r < n; r++) {
            if (r < countPrevious) {
                sumPrevious += nats[r];
            } else {
                sumNext += nats[r];
            }
        }
        losses[0] = sumPrevious / countPrevious;
        losses[1] = sumNext / (n - countPrevious);
        backwardReady = true;
    }

    private static int realTargets(int[] target) {
        int n = 0;
        for (int y : target) {
            n += y == TripleBatch.IGNORE_INDEX ? 0 : 1;
        }
        return n;
    }

    private void gather(FMatrixRMaj out, int[] target) {
        for (int r = 0; r < target.length; r++) {
            if (target[r] != TripleBatch.IGNORE_INDEX) {
                System.arraycopy(out.data, r * dim, hidden.data, count * dim, dim);
                targets[count] = target[r];
                rows[count] = r;
                count++;
            }
        }
    }

    /**
     * Backward: adds into the gradients of the weight and the bias, and writes the gradients of both
     * decoders' outputs.
     *
     * @param dPrevious (T_prev·B, D); overwritten, zero at padded rows
     * @param dNext     (T_next·B, D); overwritten, zero at padded rows
     */
    void backward(FMatrixRMaj dPrevious, FMatrixRMaj dNext) {
        if (!backwardReady) {
            throw new IllegalStateException("backward needs a forward first");
        }
        backwardReady = false;
        int n = count;
        gradientRows.run(this);
        biasColumns.run(this);
        float[] dz = logits.data;
        Gemm.sgemm(true, false, vocabularySize, dim, n, dz, 0, vocabularySize, hidden.data, 0, dim, true,
                weight.grad().data, 0, dim);
        dHidden.reshape(n, dim);
        Gemm.sgemm(false, false, n, dim, vocabularySize, dz, 0, vocabularySize, weight.value().data, 0, dim, false,
                dHidden.data, 0, dim);
        Arrays.fill(dPrevious.data, 0, dPrevious.getNumElements(), 0f);
        Arrays.fill(dNext.data, 0, dNext.getNumElements(), 0f);
        for (int r = 0; r < n; r++) {
            FMatrixRMaj d = r < countPrevious ? dPrevious : dNext;
            System.arraycopy(dHidden.data, r * dim, d.data, rows[r] * dim, dim);
        }
    }

    /** Row r: Z → p and ℓ_r (forward), or p → dZ (backward). */
    private void softmaxRow(int r) {
        float[] z = logits.data;
        int off = r * vocabularySize;
        float max = FloatActivations.max(z, off, vocabularySize);
        double sum = 0;
        for (int j = 0; j < vocabularySize; j++) {
            float e = FloatActivations.expOfNonPositive(z[off + j] - max);
            z[off + j] = e;
            sum += e;
        }
        int y = targets[r];
        // ℓ = −log(e_y / Σ) with e_y = exp(z_y − max) rounded to float: as exact as log-softmax, unless e_y
        // underflowed to 0 (a logit 87 below the largest), where log(0) would give infinity
        double ey = z[off + y];
        nats[r] = Math.log(sum) - (ey > 0 ? Math.log(ey) : (double) logitOf(r, y, max));
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < vocabularySize; j++) {
            z[off + j] *= inv;
        }
    }

    /** The shifted logit z_y − max when its exponential underflowed: recomputed from Hc and W. */
    private float logitOf(int r, int y, float max) {
        double v = bias.value().data[y];
        for (int k = 0; k < dim; k++) {
            v += (double) hidden.data[r * dim + k] * weight.value().data[y * dim + k];
        }
        return (float) (v - max);
    }

    private void gradientRow(int r) {
        float[] p = logits.data;
        int off = r * vocabularySize;
        double scale = 1.0 / (r < countPrevious ? countPrevious : count - countPrevious);
        int y = targets[r];
        double py = p[off + y];
        float s = (float) scale;
        for (int j = 0; j < vocabularySize; j++) {
            p[off + j] *= s;
        }
        p[off + y] = (float) (scale * (py - 1.0));
    }

    /** The rows of the softmax (forward) or of dZ (backward), split over the worker team. */
    private static final class RowTask implements WorkerTeam.Task {
        private final boolean gradient;
        private VocabularySoftmax owner;
        private int parts;

        RowTask(boolean gradient) {
            this.gradient = gradient;
        }

        void run(VocabularySoftmax softmax) {
            owner = softmax;
            WorkerTeam team = WorkerTeam.shared();
            parts = team.size();
            team.run(this);
            owner = null;
        }

        @Override
        public void run(int part) {
            int n = owner.count;
            int from = (int) ((long) n * part / parts);
            int to = (int) ((long) n * (part + 1) / parts);
            for (int r = from; r < to; r++) {
                if (gradient) {
                    owner.gradientRow(r);
                } else {
                    owner.softmaxRow(r);
                }
            }
        }
    }

    /** db += Σ_rows dZ, the columns split over the worker team, each summed over the rows in order. */
    private static final class BiasTask implements WorkerTeam.Task {
        private VocabularySoftmax owner;
        private int parts;

        void run(VocabularySoftmax softmax) {
            owner = softmax;
            WorkerTeam team = WorkerTeam.shared();
            parts = team.size();
            team.run(this);
            owner = null;
        }

        @Override
        public void run(int part) {
            int v = owner.vocabularySize;
            int from = (int) ((long) v * part / parts);
            int to = (int) ((long) v * (part + 1) / parts);
            float[] dz = owner.logits.data;
            float[] db = owner.bias.grad().data;
            for (int r = 0; r < owner.count; r++) {
                int off = r * v;
                for (int j = from; j < to; j++) {
                    db[j] += dz[off + j];
                }
            }
        }
    }
}
