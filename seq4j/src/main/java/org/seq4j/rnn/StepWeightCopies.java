package org.seq4j.rnn;

import java.util.Arrays;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.RowArrayMatrix;

/**
 * Copies of one cell's weights in the layouts that make the per-step products of a sequence pass fast,
 * refreshed from the live weights by each forward (for the forward products) and each backward (for the
 * backward products) and read by every step:
 *
 * <pre>
 *   forward, state product h·W_hhᵀ:
 *     B &gt; ROW_PRODUCT_MAX_BATCH   W_hhᵀ (H, G·H) row-major           one Gemm product, no transposes
 *     B ≤ ROW_PRODUCT_MAX_BATCH   W_hhᵀ as RowArrayMatrix rows        a vectorised row product per sequence
 *   backward, RNN and LSTM:  [dh_{t−1} | dx_t] (+)= dGates_t·[W_hh | W_ih]   one product for both
 *     B &gt; ROW_PRODUCT_MAX_BATCH   [W_hh | W_ih] (G·H, H + I) row-major
 *     B ≤ ROW_PRODUCT_MAX_BATCH   [W_hh | W_ih] as RowArrayMatrix rows
 *   backward, GRU (whose two products have different gradients):  dh_{t−1} += dGatesH_t·W_hh
 *     B ≤ ROW_PRODUCT_MAX_BATCH   W_hh as RowArrayMatrix rows  (else Gemm on the weight itself)
 * </pre>
 * The joint backward product computes the input gradient step by step inside the time loop (so that it
 * runs on the loop's shards) and makes the product {@code H + I} wide instead of {@code H}: a 128-wide
 * product wastes half of Gemm's 256-column blocks.
 *
 * <p>Every layout gives the same values bit for bit: each element is the same chain of fused
 * multiply-adds over the same terms in the same order ({@link RecurrentCell}); the choice only changes
 * the speed. Each layout is allocated at its first use.
 */
final class StepWeightCopies {

    /**
     * Largest batch for which the row products beat Gemm: a row product streams the whole weight once per
     * sequence, a Gemm product packs it once per step; measured crossover at H = 100 and 128: 3–4 rows.
     */
    static final int ROW_PRODUCT_MAX_BATCH = 3;

    private final RecurrentCell cell;
    /** H + I: the width of the joint backward product. */
    private final int jointWidth;
    private float[] transposed;
    private RowArrayMatrix transposedRows;
    private float[] joint;
    private RowArrayMatrix jointRows;
    private RowArrayMatrix rows;
    private boolean forwardRows;
    private boolean backwardRows;

    StepWeightCopies(RecurrentCell cell) {
        this.cell = cell;
        this.jointWidth = cell.hiddenSize + cell.inputSize;
    }

    /** Whether the backward computes dh and dx in one product per step (RNN, LSTM). */
    boolean jointBackward() {
        return cell.addsStateProductToGates();
    }

    /** The width H + I of the joint backward product's output. */
    int jointWidth() {
        return jointWidth;
    }

    /** Refreshes the forward layout that batches of {@code batch} sequences use. */
    void refreshForward(int batch) {
        forwardRows = batch <= ROW_PRODUCT_MAX_BATCH;
        float[] w = cell.weightHh.value().data;
        if (forwardRows) {
            if (transposedRows == null) {
                transposedRows = new RowArrayMatrix(cell.hiddenSize, cell.gateWidth);
            }
            transposedRows.setTransposeOf(w, 0);
        } else {
            if (transposed == null) {
                transposed = new float[cell.hiddenSize * cell.gateWidth];
            }
            cell.transposeWeightHh(transposed);
        }
    }

    /** Refreshes the backward layout that batches of {@code batch} sequences use. */
    void refreshBackward(int batch) {
        backwardRows = batch <= ROW_PRODUCT_MAX_BATCH;
        int hs = cell.hiddenSize;
        int is = cell.inputSize;
        int gw = cell.gateWidth;
        float[] whh = cell.weightHh.value().data;
        if (!jointBackward()) {
            if (backwardRows) {
                if (rows == null) {
                    rows = new RowArrayMatrix(gw, hs);
                }
                rows.setTo(whh, 0);
            }
            return;
        }
        if (joint == null) {
            joint = new float[gw * jointWidth];
        }
        float[] wih = cell.weightIh.value().data;
        for (int p = 0; p < gw; p++) {
            System.arraycopy(whh, p * hs, joint, p * jointWidth, hs);
            System.arraycopy(wih, p * is, joint, p * jointWidth + hs, is);
        }
        if (backwardRows) {
            if (jointRows == null) {
                jointRows = new RowArrayMatrix(gw, jointWidth);
            }
            jointRows.setTo(joint, 0);
        }
    }

    /**
     * The state product of one step, as {@link RecurrentCell#stateProduct}.
     *
     * @param scratch at least G·H values; overwritten
     */
    void stateProduct(int batch, float[] h, int hOff, float[] out, int outOff, float[] scratch) {
        if (!forwardRows) {
            cell.stateProduct(batch, h, hOff, out, outOff, transposed);
            return;
        }
        int gw = cell.gateWidth;
        int hs = cell.hiddenSize;
        boolean intoGates = cell.addsStateProductToGates();
        for (int b = 0; b < batch; b++) {
            int row = outOff + b * gw;
            if (intoGates) {
                System.arraycopy(out, row, scratch, 0, gw);
            } else if (cell.biasHh == null) {
                Arrays.fill(scratch, 0, gw, 0f);
            } else {
                System.arraycopy(cell.biasHh.value().data, 0, scratch, 0, gw);
            }
            transposedRows.multAddRow(h, hOff + b * hs, scratch);
            System.arraycopy(scratch, 0, out, row, gw);
        }
    }

    /**
     * The joint backward product of one step (RNN, LSTM):
     * <pre>
     *   dh (B, H) at 0          += dGates (B, G·H) at dOff · W_hh
     *   dIn (B, I) at dInOff    (+)= dGates · W_ih                  (accumulate: the second direction)
     * </pre>
     * as {@link RecurrentCell#addStateGradient} and {@link RecurrentCell#inputGradient} compute them.
     *
     * @param joint   at least B·(H + I) values; overwritten
     * @param sharded whether the caller is one of several threads of a time loop, which must not hand its
     *                products to Gemm's threads
     */
    void jointBackwardProduct(int batch, float[] dGates, int dOff, float[] dh, float[] dIn, int dInOff,
                              boolean accumulate, float[] joint, boolean sharded) {
        int hs = cell.hiddenSize;
        int is = cell.inputSize;
        int gw = cell.gateWidth;
        int w = jointWidth;
        if (backwardRows) {
            // one sequence at a time in joint[0, H + I), the offset at which the row product vectorises
            for (int b = 0; b < batch; b++) {
                startJointRow(dh, b, dIn, dInOff, accumulate, joint, 0);
                jointRows.multAddRow(dGates, dOff + b * gw, joint);
                System.arraycopy(joint, 0, dh, b * hs, hs);
                System.arraycopy(joint, hs, dIn, dInOff + b * is, is);
            }
            return;
        }
        // joint: (B, H + I) = [dh | dIn or 0], the values the chains start from
        for (int b = 0; b < batch; b++) {
            startJointRow(dh, b, dIn, dInOff, accumulate, joint, b * w);
        }
        // on a shard's thread, in row groups small enough that Gemm keeps each on that thread
        int group = !sharded ? batch
                : (int) Math.max(1, Math.min(batch, (Gemm.PARALLEL_MIN_WORK - 1) / ((long) w * gw)));
        for (int r = 0; r < batch; r += group) {
            int n = Math.min(group, batch - r);
            Gemm.sgemm(false, false, n, w, gw, dGates, dOff + r * gw, gw, this.joint, 0, w, true, joint, r * w, w);
        }
        for (int b = 0; b < batch; b++) {
            System.arraycopy(joint, b * w, dh, b * hs, hs);
            System.arraycopy(joint, b * w + hs, dIn, dInOff + b * is, is);
        }
    }

    /** joint[at, at + H + I) = [dh row b | dIn row b, or zeros]. */
    private void startJointRow(float[] dh, int b, float[] dIn, int dInOff, boolean accumulate, float[] joint,
                               int at) {
        int hs = cell.hiddenSize;
        int is = cell.inputSize;
        System.arraycopy(dh, b * hs, joint, at, hs);
        if (accumulate) {
            System.arraycopy(dIn, dInOff + b * is, joint, at + hs, is);
        } else {
            Arrays.fill(joint, at + hs, at + hs + is, 0f);
        }
    }

    /**
     * dh (B, H) at 0 += dGatesH (B, G·H) at dOff · W_hh (GRU), as {@link RecurrentCell#addStateGradient}.
     *
     * @param scratch at least H values; overwritten
     */
    void addStateGradient(int batch, float[] dGatesH, int dOff, float[] dh, float[] scratch) {
        if (!backwardRows) {
            cell.addStateGradient(batch, dGatesH, dOff, dh);
            return;
        }
        int gw = cell.gateWidth;
        int hs = cell.hiddenSize;
        for (int b = 0; b < batch; b++) {
            rows.multRow(dGatesH, dOff + b * gw, true, dh, b * hs, scratch);
        }
    }
}
