package org.seq4j.rnn;

import java.util.Arrays;
import org.seq4j.tensor.RowArrayMatrix;

/**
 * Copies of one cell's recurrent weight {@code W_hh (G·H, H)} in the layouts that make the per-step
 * products of a sequence pass fast, made once per forward (the weight does not change between a forward
 * and its backward) and read by every step:
 *
 * <pre>
 *   B &gt; ROW_PRODUCT_MAX_BATCH:  W_hhᵀ (H, G·H), row-major      h·W_hhᵀ as a Gemm product without transposes
 *   B ≤ ROW_PRODUCT_MAX_BATCH:  W_hhᵀ as RowArrayMatrix rows     h·W_hhᵀ, one vectorised row product per sequence
 *                               W_hh as RowArrayMatrix rows      dh += dGates·W_hh, likewise
 * </pre>
 * Every layout gives the same values bit for bit (each element is the same fma chain, see
 * {@link RecurrentCell}); the choice only changes the speed. Allocated at the first use of each layout.
 */
final class StateWeightCopies {

    /**
     * Largest batch for which the row products beat Gemm: a row product streams the whole weight once per
     * sequence, a Gemm product packs it once per step; measured crossover at H = 100 and 128: 3–4 rows.
     */
    static final int ROW_PRODUCT_MAX_BATCH = 3;

    private final RecurrentCell cell;
    private float[] transposed;
    private RowArrayMatrix transposedRows;
    private RowArrayMatrix rows;
    private boolean useRows;

    StateWeightCopies(RecurrentCell cell) {
        this.cell = cell;
    }

    /** Refreshes the layout that batches of {@code batch} sequences use from the live weight. */
    void refresh(int batch) {
        useRows = batch <= ROW_PRODUCT_MAX_BATCH;
        float[] w = cell.weightHh.value().data;
        if (useRows) {
            if (rows == null) {
                transposedRows = new RowArrayMatrix(cell.hiddenSize, cell.gateWidth);
                rows = new RowArrayMatrix(cell.gateWidth, cell.hiddenSize);
            }
            transposedRows.setTransposeOf(w, 0);
            rows.setTo(w, 0);
        } else {
            if (transposed == null) {
                transposed = new float[cell.hiddenSize * cell.gateWidth];
            }
            cell.transposeWeightHh(transposed);
        }
    }

    /**
     * The state product of one step from the copies, as {@link RecurrentCell#stateProduct}.
     *
     * @param scratch at least G·H values; overwritten
     */
    void stateProduct(int batch, float[] h, int hOff, float[] out, int outOff, float[] scratch) {
        if (!useRows) {
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
     * dh (B, H) at 0 += dGatesH (B, G·H) at dOff · W_hh, as {@link RecurrentCell#addStateGradient}.
     *
     * @param scratch at least H values; overwritten
     */
    void addStateGradient(int batch, float[] dGatesH, int dOff, float[] dh, float[] scratch) {
        if (!useRows) {
            cell.addStateGradient(batch, dGatesH, dOff, dh);
            return;
        }
        int gw = cell.gateWidth;
        int hs = cell.hiddenSize;
        for (int b = 0; b < batch; b++) {
            rows.multRow(dGatesH, dOff + b * gw, true, dh, b * hs, scratch);
        }
    }

    /** Whether Gemm is bypassed for this batch size (for tests of both paths). */
    boolean usesRowProducts() {
        return useRows;
    }
}
