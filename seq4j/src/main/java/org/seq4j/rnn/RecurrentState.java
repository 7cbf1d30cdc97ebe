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
 *
 * <h2>Selecting sequences (beam search)</h2>
 * {@link #reorder(int[])} gathers the sequences of a state in place, {@link #select(int[])} into a new
 * state of another batch size, and {@link #selectSequences} does the same for any {@code (L·D·B, H)}
 * state matrix (a {@link RecurrentLayer}'s {@code h0}/{@code hN}, a {@link RecurrentStack}'s states):
 * <pre>
 *   new sequence b' = old sequence rows[b']        in every layer (and direction)
 *   out(g·B' + b', :) = states(g·B + rows[b'], :)   g = k·D + d in [0, L·D),  B' = rows.length
 * </pre>
 * Indices may repeat (a hypothesis continued by several beams) and be left out (a hypothesis dropped).
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
     * Gathers the sequences in place: sequence {@code b} of every layer becomes the old sequence
     * {@code rows[b]}, in the hidden and (LSTM) cell states. Allocates nothing.
     *
     * @param rows B sequence indices, each in {@code [0, B)}, repeats allowed; not modified
     * @throws IllegalArgumentException if {@code rows} is null, not of length B, or an index is out of range
     */
    public void reorder(int[] rows) {
        checkRows(rows, batch, "rows");
        if (rows.length != batch) {
            throw new IllegalArgumentException("rows must have B = " + batch + " indices to reorder in place but had "
                    + rows.length + "; select(rows) makes a state of another batch size");
        }
        // aux: (L·B, H), the step's workspace, holds the old values while they are gathered back
        FMatrixRMaj scratch = aux;
        System.arraycopy(hidden.data, 0, scratch.data, 0, hidden.getNumElements());
        gather(scratch.data, batch, hidden.numCols, rows, hidden.data, hidden.numRows / batch);
        if (cellState.getNumElements() > 0) {
            System.arraycopy(cellState.data, 0, scratch.data, 0, cellState.getNumElements());
            gather(scratch.data, batch, cellState.numCols, rows, cellState.data, cellState.numRows / batch);
        }
    }

    /**
     * Makes a new state of {@code rows.length} sequences: sequence {@code b'} of every layer is this
     * state's sequence {@code rows[b']}, in the hidden and (LSTM) cell states.
     *
     * @param rows B' ≥ 1 sequence indices, each in {@code [0, B)}, repeats allowed; not modified
     * @return a new state of the same layer with batch size B' and its own workspaces; this state is not
     *         modified
     * @throws IllegalArgumentException if {@code rows} is null or empty, or an index is out of range
     */
    public RecurrentState select(int[] rows) {
        checkRows(rows, batch, "rows");
        RecurrentState selected = new RecurrentState(owner, rows.length);
        gather(hidden.data, batch, hidden.numCols, rows, selected.hidden.data, hidden.numRows / batch);
        if (cellState.getNumElements() > 0) {
            gather(cellState.data, batch, cellState.numCols, rows, selected.cellState.data,
                    cellState.numRows / batch);
        }
        return selected;
    }

    /**
     * Gathers sequences of a state matrix: {@code out(g·B' + b', :) = states(g·B + rows[b'], :)} for every
     * group {@code g} (layer and direction) in {@code [0, L·D)}, with {@code B' = rows.length}.
     *
     * @param states    (L·D·B, H) states, row {@code (k·D + d)·B + b}; not modified
     * @param batchSize B, the number of sequences in {@code states}; must divide its number of rows
     * @param rows      B' ≥ 1 sequence indices, each in {@code [0, B)}, repeats allowed; not modified
     * @param out       (L·D·B', H); overwritten; must not be {@code states}
     * @throws IllegalArgumentException if a shape or an index is wrong, or {@code out} is {@code states}
     */
    public static void selectSequences(FMatrixRMaj states, int batchSize, int[] rows, FMatrixRMaj out) {
        if (states == null) {
            throw new IllegalArgumentException("states must not be null");
        }
        if (batchSize < 1 || states.numRows % batchSize != 0 || states.numRows == 0) {
            throw new IllegalArgumentException("states must be (G·B, H) with B = " + batchSize + " and G ≥ 1 but was "
                    + Tensors.shape(states));
        }
        checkRows(rows, batchSize, "rows");
        int groups = states.numRows / batchSize;
        Tensors.checkShape(out, groups * rows.length, states.numCols, "out");
        if (out == states || out.data == states.data) {
            throw new IllegalArgumentException("out must not share its data with states");
        }
        gather(states.data, batchSize, states.numCols, rows, out.data, groups);
    }

    private static void checkRows(int[] rows, int batchSize, String name) {
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException(name + " must hold at least one sequence index");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= batchSize) {
                throw new IllegalArgumentException(
                        name + "[" + i + "] must be in [0, " + batchSize + ") but was " + rows[i]);
            }
        }
    }

    /** target row g·B' + b' = source row g·B + rows[b'], for g in [0, groups); rows of width cols. */
    private static void gather(float[] source, int batchSize, int cols, int[] rows, float[] target, int groups) {
        int selected = rows.length;
        for (int g = 0; g < groups; g++) {
            for (int b = 0; b < selected; b++) {
                System.arraycopy(source, (g * batchSize + rows[b]) * cols, target, (g * selected + b) * cols, cols);
            }
        }
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
