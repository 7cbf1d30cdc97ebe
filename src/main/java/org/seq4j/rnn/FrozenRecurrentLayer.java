package org.seq4j.rnn;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.RowArrayMatrix;
import org.seq4j.tensor.Tensors;

/**
 * A copy of a unidirectional {@link RecurrentLayer}'s weights, laid out for running it one time step
 * at a time with a small batch: the inner loop of text generation.
 *
 * <pre>
 *   per layer k:   W_ihᵀ (I_k, G·H) and W_hhᵀ (H, G·H) as {@link RowArrayMatrix} rows,
 *                  the bias the input product starts from (b_ih + b_hh; GRU: b_ih), and b_hh (GRU)
 * </pre>
 *
 * <p>{@link #step} computes what {@link RecurrentLayer#step} computes, bit for bit, for the weights
 * as they were when {@link RecurrentLayer#freeze()} made this copy; later changes to the layer's
 * parameters (further training, a loaded checkpoint) are not seen: freeze again. The products are
 * matrix-vector products on the transposed rows, which HotSpot vectorises, instead of dot products over
 * the row-major weights (ten times faster at the sizes of a character model). States come from the
 * layer's {@link RecurrentLayer#newState(int)} (or {@link #newState(int)}) and work with both.
 *
 * <p>The copy is read only: several threads may step it at once, each with its own state.
 */
public final class FrozenRecurrentLayer {

    private final RecurrentLayer source;
    private final RecurrentConfig config;
    private final RecurrentCell[] cells;
    // per layer k: weightIhT[k] (I_k, G·H), weightHhT[k] (H, G·H), inputBias[k] (G·H), stateBias[k] (G·H) or null
    private final RowArrayMatrix[] weightIhT;
    private final RowArrayMatrix[] weightHhT;
    private final float[][] inputBias;
    private final float[][] stateBias;

    FrozenRecurrentLayer(RecurrentLayer source, RecurrentCell[] cells) {
        this.source = source;
        this.config = source.config();
        this.cells = cells.clone();
        int layers = config.numLayers();
        this.weightIhT = new RowArrayMatrix[layers];
        this.weightHhT = new RowArrayMatrix[layers];
        this.inputBias = new float[layers][];
        this.stateBias = new float[layers][];
        for (int k = 0; k < layers; k++) {
            RecurrentCell cell = cells[k];
            weightIhT[k] = RowArrayMatrix.transposeOf(cell.weightIh.value());
            weightHhT[k] = RowArrayMatrix.transposeOf(cell.weightHh.value());
            int gw = cell.gateWidth;
            inputBias[k] = new float[gw];
            if (cell.biasIh != null) {
                float[] bih = cell.biasIh.value().data;
                float[] bhh = cell.biasHh.value().data;
                for (int j = 0; j < gw; j++) {
                    // as RecurrentCell.inputProduct forms it
                    inputBias[k][j] = cell.addsStateProductToGates() ? bih[j] + bhh[j] : bih[j];
                }
            }
            if (!cell.addsStateProductToGates()) {
                stateBias[k] = cell.biasHh == null ? new float[gw] : cell.biasHh.value().data.clone();
            }
        }
    }

    /**
     * The configuration of the layer this copy was made from.
     *
     * @return the configuration
     */
    public RecurrentConfig config() {
        return config;
    }

    /**
     * Creates a zero state, as the source layer's {@link RecurrentLayer#newState(int)}.
     *
     * @param batchSize the batch size {@code B}, at least 1
     * @return a new state
     * @throws IllegalArgumentException if the batch size is below 1
     */
    public RecurrentState newState(int batchSize) {
        return source.newState(batchSize);
    }

    /**
     * Runs one time step of every layer (no dropout), advancing the state in place; allocates nothing.
     *
     * @param x      (B, I) input of the step; not modified
     * @param state  a state of the source layer; advanced
     * @param output (B, H) the top layer's new hidden state; overwritten
     * @throws IllegalArgumentException if a shape is wrong or the state is not from the source layer
     */
    public void step(FMatrixRMaj x, RecurrentState state, FMatrixRMaj output) {
        if (state == null || state.owner() != source) {
            throw new IllegalArgumentException("the state must come from the frozen layer's newState");
        }
        int batch = state.batchSize();
        int hs = config.hiddenSize();
        Tensors.checkShape(x, batch, config.inputSize(), "x");
        Tensors.checkShape(output, batch, hs, "output");
        float[] h = state.hidden().data;
        float[] c = state.cellStateData();
        float[] gates = state.gates.data;
        float[] stateProj = state.stateProj.data;
        float[] scratch = state.workspace.row;
        float[] in = x.data;
        int inOff = 0;
        int inWidth = config.inputSize();
        for (int k = 0; k < config.numLayers(); k++) {
            RecurrentCell cell = cells[k];
            int gw = cell.gateWidth;
            int off = k * batch * hs;
            boolean intoGates = cell.addsStateProductToGates();
            for (int b = 0; b < batch; b++) {
                // the chains of RecurrentCell.inputProduct and stateProduct: bias, then x, then h
                System.arraycopy(inputBias[k], 0, scratch, 0, gw);
                weightIhT[k].multAddRow(in, inOff + b * inWidth, scratch);
                if (intoGates) {
                    weightHhT[k].multAddRow(h, off + b * hs, scratch);
                    System.arraycopy(scratch, 0, gates, b * gw, gw);
                } else {
                    System.arraycopy(scratch, 0, gates, b * gw, gw);
                    System.arraycopy(stateBias[k], 0, scratch, 0, gw);
                    weightHhT[k].multAddRow(h, off + b * hs, scratch);
                    System.arraycopy(scratch, 0, stateProj, b * gw, gw);
                }
            }
            // the state is updated in place: every cell reads element j of h_{t−1}, c_{t−1} before writing it
            cell.forwardGates(batch, null, gates, 0, stateProj, h, c, off, h, c, state.aux.data, off,
                    state.workspace);
            in = h;
            inOff = off;
            inWidth = hs;
        }
        System.arraycopy(h, (config.numLayers() - 1) * batch * hs, output.data, 0, batch * hs);
    }
}
