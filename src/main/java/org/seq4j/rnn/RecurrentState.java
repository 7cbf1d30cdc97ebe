package org.seq4j.rnn;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * The running state of a unidirectional {@link RecurrentLayer} for step-by-step inference (generation),
 * with the workspaces of one step, so that {@link RecurrentLayer#step} allocates nothing.
 *
 * <pre>
 *   hidden     (L·B, H)   row k·B + b: layer k, sequence b (PyTorch's (L, B, H) flattened)
 *   cellState  (L·B, H)   the same for an LSTM
 * </pre>
 *
 * Made by {@link RecurrentLayer#newState(int)}, starting at zero. The state can be loaded, e.g. from a
 * forward pass over a prompt ({@link RecurrentLayer.Cache#finalHidden()}) or from a conditioning vector
 * ({@link InitialState}), with {@link #setTo}.
 */
public final class RecurrentState {

    private final RecurrentLayer owner;
    private final int batch;
    private final FMatrixRMaj hidden;
    private final FMatrixRMaj cellState;
    // gates: (B, G·H); stateProj: (B, G·H), GRU only; aux: (L·B, H) — workspaces of one step
    final FMatrixRMaj gates;
    final FMatrixRMaj stateProj;
    final FMatrixRMaj aux;
    final GateWorkspace workspace;
    /** The task of {@link FrozenRecurrentLayer}'s parallel products for this state. */
    final FrozenRecurrentLayer.Products frozenProducts = new FrozenRecurrentLayer.Products();

    RecurrentState(RecurrentLayer owner, int batchSize) {
        RecurrentConfig config = owner.config();
        int hs = config.hiddenSize();
        int gw = config.cell().gateCount() * hs;
        this.owner = owner;
        this.batch = batchSize;
        this.hidden = new FMatrixRMaj(config.stateRows(batchSize), hs);
        this.cellState = new FMatrixRMaj(config.cell().hasCellState() ? config.stateRows(batchSize) : 0, hs);
        this.gates = new FMatrixRMaj(batchSize, gw);
        this.stateProj = new FMatrixRMaj(config.cell() == CellType.GRU ? batchSize : 0, gw);
        this.aux = new FMatrixRMaj(config.stateRows(batchSize), hs);
        this.workspace = new GateWorkspace(hs, gw);
    }

    RecurrentLayer owner() {
        return owner;
    }

    float[] cellStateData() {
        return cellState.data;
    }

    /**
     * Batch size {@code B}.
     *
     * @return B
     */
    public int batchSize() {
        return batch;
    }

    /**
     * The hidden states of all layers.
     *
     * @return (L·B, H); the live state, modified by every step
     */
    public FMatrixRMaj hidden() {
        return hidden;
    }

    /**
     * The cell states of all layers of an LSTM.
     *
     * @return (L·B, H); the live state, modified by every step
     * @throws IllegalStateException if the layer is not an LSTM
     */
    public FMatrixRMaj cellState() {
        if (!owner.config().cell().hasCellState()) {
            throw new IllegalStateException("a " + owner.config().cell() + " has no cell state");
        }
        return cellState;
    }

    /** Sets the state to zero (the start of new sequences). */
    public void reset() {
        Arrays.fill(hidden.data, 0, hidden.getNumElements(), 0f);
        Arrays.fill(cellState.data, 0, cellState.getNumElements(), 0f);
    }

    /**
     * Copies a state in.
     *
     * @param h (L·B, H) hidden states; not modified
     * @param c (L·B, H) cell states of an LSTM, or null for zeros; must be null for other cells;
     *          not modified
     * @throws IllegalArgumentException if a shape is wrong
     */
    public void setTo(FMatrixRMaj h, FMatrixRMaj c) {
        Tensors.checkShape(h, hidden.numRows, hidden.numCols, "h");
        if (c != null && !owner.config().cell().hasCellState()) {
            throw new IllegalArgumentException("c must be null: a " + owner.config().cell() + " has no cell state");
        }
        if (c != null) {
            Tensors.checkShape(c, cellState.numRows, cellState.numCols, "c");
        }
        hidden.setTo(h);
        if (c == null) {
            Arrays.fill(cellState.data, 0, cellState.getNumElements(), 0f);
        } else {
            cellState.setTo(c);
        }
    }
}
