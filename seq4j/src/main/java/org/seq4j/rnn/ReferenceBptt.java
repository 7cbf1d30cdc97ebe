package org.seq4j.rnn;

import org.ejml.data.FMatrixRMaj;

/**
 * Backpropagation through time written as plainly as possible, in the manner of min-char-rnn: loops over
 * layers, directions and time steps that call the cells' one-step API ({@code forward}/{@code backward}
 * of {@link ElmanCell}, {@link LstmCell}, {@link GruCell}). It computes what {@link RecurrentLayer}
 * computes, to float rounding (the fast engine sums the weight gradients over all steps in one product,
 * in another order), and is the test oracle of {@link BpttEngine}. It is slow and allocates freely.
 *
 * <p>With {@code in_0 = x} and, per layer {@code k} and direction {@code d}, the steps taken in the order
 * {@code t = 0 … T−1} ({@code d = 0}) or {@code T−1 … 0} ({@code d = 1}), only for the sequences {@code b}
 * with {@code t < len_b} (the others keep their state):
 * <pre>
 *   forward
 *     h, c                = the (k, d) rows of h0, c0                             (B, H)
 *     h_t, c_t            = cell(in_k[t], h_{t−1}, c_{t−1})                        the step's cache kept
 *     out_k[t, dH:dH+H]   = h_t  (0 at padded steps)                               (T·B, D·H)
 *     hN, cN of (k, d)    = h, c after the last step taken
 *     in_{k+1}            = out_k ⊙ mask_k                                         dropout masks, if any
 *   backward, layers from the top, steps in the reverse order
 *     dh, dc              = the (k, d) rows of dHN, dCN                           (B, H)
 *     dh_t                = dOut_k[t, dH:dH+H] + dh                                 (dy + dhnext)
 *     dIn_k[t], dh, dc   += cellᵀ(dh_t, dc)     also dW_ih, dW_hh, db_ih, db_hh += (the cell's backward)
 *     dh0, dc0 of (k, d)  = dh, dc after the first step
 *     dOut_{k−1}          = dIn_k ⊙ mask_{k−1}                                     (both directions summed)
 * </pre>
 */
final class ReferenceBptt {

    private ReferenceBptt() {
    }

    /** What one forward keeps for its backward, its results, and after backward the input gradients. */
    static final class Pass {
        final int steps;
        final int batch;
        /** Sequence lengths, all T when none were given. */
        final int[] lengths;
        /** masks[k]: (T·B, D·H) dropout mask between layers k and k + 1, or null for none. */
        final FMatrixRMaj[] masks;
        /** layerInputs[k]: (T·B, I_k) what layer k read. */
        final FMatrixRMaj[] layerInputs;
        /** layerOutputs[k]: (T·B, D·H). */
        final FMatrixRMaj[] layerOutputs;
        /** (L·D·B, H) final hidden and (LSTM) cell states. */
        final FMatrixRMaj hN;
        final FMatrixRMaj cN;
        /** stepCaches[k·D + d][t]: the cell's cache of step t, over the rows realRows[t]; null if none. */
        final RecurrentCell.StepCache[][] stepCaches;
        /** realRows[t]: the sequences b with t &lt; len_b, in increasing order. */
        final int[][] realRows;
        /** dx (T·B, I), dh0 and dc0 (L·D·B, H): written by backward. */
        FMatrixRMaj dx;
        FMatrixRMaj dh0;
        FMatrixRMaj dc0;

        Pass(RecurrentConfig config, int steps, int batch, int[] lengths, FMatrixRMaj[] masks) {
            this.steps = steps;
            this.batch = batch;
            this.lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                this.lengths[b] = lengths == null ? steps : lengths[b];
            }
            this.masks = masks;
            int layers = config.numLayers();
            this.layerInputs = new FMatrixRMaj[layers];
            this.layerOutputs = new FMatrixRMaj[layers];
            this.hN = new FMatrixRMaj(config.stateRows(batch), config.hiddenSize());
            this.cN = new FMatrixRMaj(config.stateRows(batch), config.hiddenSize());
            this.stepCaches = new RecurrentCell.StepCache[layers * config.numDirections()][steps];
            this.realRows = new int[steps][];
            for (int t = 0; t < steps; t++) {
                int count = 0;
                for (int b = 0; b < batch; b++) {
                    count += t < this.lengths[b] ? 1 : 0;
                }
                realRows[t] = new int[count];
                for (int b = 0, i = 0; b < batch; b++) {
                    if (t < this.lengths[b]) {
                        realRows[t][i++] = b;
                    }
                }
            }
        }
    }

    /**
     * Runs the layer's cells over a batch.
     *
     * @param layer   the layer whose cells run; not modified
     * @param x       (T·B, I) input; not modified
     * @param batch   B
     * @param lengths the sequence lengths, or null for all T; not modified
     * @param h0      (L·D·B, H) initial hidden states, or null for zeros; not modified
     * @param c0      (L·D·B, H) initial cell states (LSTM), or null for zeros; not modified
     * @param masks   masks[k] (T·B, D·H): the dropout mask applied to layer k's output, for k &lt; L − 1;
     *                null for no dropout; not modified
     * @return the pass, holding the outputs
     */
    static Pass forward(RecurrentLayer layer, FMatrixRMaj x, int batch, int[] lengths, FMatrixRMaj h0,
                        FMatrixRMaj c0, FMatrixRMaj[] masks) {
        RecurrentConfig config = layer.config();
        int steps = x.numRows / batch;
        int hs = config.hiddenSize();
        int directions = config.numDirections();
        boolean lstm = config.cell().hasCellState();
        Pass pass = new Pass(config, steps, batch, lengths, masks);
        FMatrixRMaj in = x;
        for (int k = 0; k < config.numLayers(); k++) {
            pass.layerInputs[k] = in;
            FMatrixRMaj out = new FMatrixRMaj(steps * batch, config.outputSize());
            for (int d = 0; d < directions; d++) {
                RecurrentCell cell = layer.cell(k, d);
                int stateRow = (k * directions + d) * batch;
                // h, c: (B, H) the state of every sequence, advanced only at its real steps
                FMatrixRMaj h = h0 == null ? new FMatrixRMaj(batch, hs) : rows(h0, stateRow, batch, 0, hs);
                FMatrixRMaj c = !lstm ? null : c0 == null ? new FMatrixRMaj(batch, hs) : rows(c0, stateRow, batch, 0, hs);
                for (int s = 0; s < steps; s++) {
                    int t = d == 0 ? s : steps - 1 - s;
                    int[] real = pass.realRows[t];
                    if (real.length == 0) {
                        continue;
                    }
                    // h_t, c_t = cell(in_t, h_{t−1}, c_{t−1}) for the real rows
                    RecurrentCell.StepCache step = cell.stepForward(gather(in, t * batch, real, 0, in.numCols),
                            gather(h, 0, real, 0, hs), lstm ? gather(c, 0, real, 0, hs) : null, null);
                    pass.stepCaches[k * directions + d][t] = step;
                    scatter(step.hidden(), h, 0, real, 0);
                    if (lstm) {
                        scatter(step.cellState(), c, 0, real, 0);
                    }
                    scatter(step.hidden(), out, t * batch, real, d * hs);
                }
                place(h, pass.hN, stateRow);
                if (lstm) {
                    place(c, pass.cN, stateRow);
                }
            }
            pass.layerOutputs[k] = out;
            // in_{k+1} = out_k ⊙ mask_k
            in = masks == null || k == config.numLayers() - 1 ? out : times(out, masks[k]);
        }
        return pass;
    }

    /**
     * Backpropagates through time. Adds ({@code +=}) into the layer's parameter gradients; writes
     * {@code pass.dx}, {@code pass.dh0}, {@code pass.dc0}.
     *
     * @param layer   the layer of the forward; its gradients are modified
     * @param pass    the forward's pass
     * @param dOutput (T·B, D·H) gradient with respect to the top output, or null; not modified
     * @param dHN     (L·D·B, H) gradient with respect to the final hidden states, or null; not modified
     * @param dCN     (L·D·B, H) gradient with respect to the final cell states (LSTM), or null; not modified
     */
    static void backward(RecurrentLayer layer, Pass pass, FMatrixRMaj dOutput, FMatrixRMaj dHN, FMatrixRMaj dCN) {
        RecurrentConfig config = layer.config();
        int steps = pass.steps;
        int batch = pass.batch;
        int hs = config.hiddenSize();
        int directions = config.numDirections();
        boolean lstm = config.cell().hasCellState();
        pass.dh0 = new FMatrixRMaj(config.stateRows(batch), hs);
        pass.dc0 = new FMatrixRMaj(config.stateRows(batch), hs);
        FMatrixRMaj dOut = dOutput == null ? new FMatrixRMaj(steps * batch, config.outputSize()) : dOutput;
        for (int k = config.numLayers() - 1; k >= 0; k--) {
            // dIn: (T·B, I_k), summed over the directions; zero at padded steps
            FMatrixRMaj dIn = new FMatrixRMaj(steps * batch, pass.layerInputs[k].numCols);
            for (int d = 0; d < directions; d++) {
                RecurrentCell cell = layer.cell(k, d);
                int stateRow = (k * directions + d) * batch;
                // dh, dc: (B, H) the gradient into every sequence's state from the steps after it
                FMatrixRMaj dh = dHN == null ? new FMatrixRMaj(batch, hs) : rows(dHN, stateRow, batch, 0, hs);
                FMatrixRMaj dc = !lstm ? null : dCN == null ? new FMatrixRMaj(batch, hs) : rows(dCN, stateRow, batch, 0, hs);
                for (int s = steps - 1; s >= 0; s--) {
                    int t = d == 0 ? s : steps - 1 - s;
                    int[] real = pass.realRows[t];
                    if (real.length == 0) {
                        continue;
                    }
                    RecurrentCell.StepCache step = pass.stepCaches[k * directions + d][t];
                    // dh_t = dOut_t + dh (the cell adds them); the cell's backward adds into its gradients
                    cell.stepBackward(step, gather(dOut, t * batch, real, d * hs, hs), gather(dh, 0, real, 0, hs),
                            lstm ? gather(dc, 0, real, 0, hs) : null);
                    scatter(step.dhPrev(), dh, 0, real, 0);
                    if (lstm) {
                        scatter(step.dcPrev(), dc, 0, real, 0);
                    }
                    addScatter(step.dx(), dIn, t * batch, real);
                }
                place(dh, pass.dh0, stateRow);
                if (lstm) {
                    place(dc, pass.dc0, stateRow);
                }
            }
            // dOut_{k−1} = dIn_k ⊙ mask_{k−1}
            dOut = k == 0 || pass.masks == null ? dIn : times(dIn, pass.masks[k - 1]);
        }
        pass.dx = dOut;
    }

    // ----------------------------------------------------------------------------------------------
    // Row copies

    /** Rows [first, first + count) and columns [col, col + cols) of m, as a new (count, cols) matrix. */
    private static FMatrixRMaj rows(FMatrixRMaj m, int first, int count, int col, int cols) {
        FMatrixRMaj out = new FMatrixRMaj(count, cols);
        for (int r = 0; r < count; r++) {
            System.arraycopy(m.data, (first + r) * m.numCols + col, out.data, r * cols, cols);
        }
        return out;
    }

    /** Rows first + rows[i] and columns [col, col + cols) of m, as a new (rows.length, cols) matrix. */
    private static FMatrixRMaj gather(FMatrixRMaj m, int first, int[] rows, int col, int cols) {
        FMatrixRMaj out = new FMatrixRMaj(rows.length, cols);
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(m.data, (first + rows[i]) * m.numCols + col, out.data, i * cols, cols);
        }
        return out;
    }

    /** Writes row i of source into row first + rows[i] of target, from column col. */
    private static void scatter(FMatrixRMaj source, FMatrixRMaj target, int first, int[] rows, int col) {
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(source.data, i * source.numCols, target.data, (first + rows[i]) * target.numCols + col,
                    source.numCols);
        }
    }

    /** Adds row i of source into row first + rows[i] of target. */
    private static void addScatter(FMatrixRMaj source, FMatrixRMaj target, int first, int[] rows) {
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < source.numCols; j++) {
                target.data[(first + rows[i]) * target.numCols + j] += source.data[i * source.numCols + j];
            }
        }
    }

    /** Writes the (B, H) block into rows [first, first + B) of target. */
    private static void place(FMatrixRMaj block, FMatrixRMaj target, int first) {
        System.arraycopy(block.data, 0, target.data, first * target.numCols, block.getNumElements());
    }

    /** a ⊙ b as a new matrix. */
    private static FMatrixRMaj times(FMatrixRMaj a, FMatrixRMaj b) {
        FMatrixRMaj out = new FMatrixRMaj(a.numRows, a.numCols);
        for (int i = 0; i < out.getNumElements(); i++) {
            out.data[i] = a.data[i] * b.data[i];
        }
        return out;
    }
}
