package org.seq4j.rnn;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.RowArrayMatrix;
import org.seq4j.kernel.WorkerTeam;
import org.seq4j.tensor.Tensors;

/**
 * A copy of a unidirectional {@link RecurrentLayer}'s weights, laid out for running it one time step
 * at a time with a small batch: the inner loop of text generation.
 *
 * <pre>
 *   units:         H hidden units cut into S runs [u_s, u_{s+1}), one per thread (S = 1 for small layers)
 *   per layer k and run s, over the G·U_s gate columns of the run's units (gate by gate: the U_s columns
 *   of gate 0, then those of gate 1, ...):
 *                  W_ihᵀ (I_k, G·U_s) and W_hhᵀ (H, G·U_s) as {@link RowArrayMatrix} copies; the bias
 *                  the input product starts from (b_ih + b_hh; GRU: b_ih), and b_hh (GRU)
 *   optionally:    the first layer's input products of the R rows of a table, per run (R, G·U_s), see
 *                  withInputRows
 * </pre>
 *
 * <p>{@link #step} computes what {@link RecurrentLayer#step} computes, bit for bit, for the weights
 * as they were when {@link RecurrentLayer#freeze()} made this copy; later changes to the layer's
 * parameters (further training, a loaded checkpoint) are not seen: freeze again. The products are
 * vectorised row products on the transposed weights ({@link RowArrayMatrix}), instead of dot products
 * over the row-major weights (ten times faster at the sizes of a character model). States come from the
 * layer's {@link RecurrentLayer#newState(int)} (or {@link #newState(int)}) and work with both.
 *
 * <p>From {@value #BATCH_PRODUCTS_MIN} rows on (a batch of sentences being translated, the beams of beam
 * search), a step computes each layer's products as two matrix products over all rows instead of one row
 * product per row, from plain copies {@code W_ihᵀ (I_k, G·H)} and {@code W_hhᵀ (H, G·H)} (so the copy holds
 * the weights twice, in both layouts): the kernels read {@code op(B) = B} in place, where {@link RecurrentLayer#step}'s products with
 * {@code Wᵀ} gather the weights into packed strips at every step. The same chains of multiply-adds, so the
 * same values bit for bit.
 *
 * <p>With batch 1 and several threads ({@link Gemm#threads()} when the copy is made) each thread
 * computes one run of hidden units of every layer: the gate columns of its units, then the cell's
 * arithmetic of those units ({@link RecurrentCell#forwardUnits}), so that the threads meet once per
 * layer and step, to exchange the new hidden state. A run's weights are a matrix of their own, so that
 * a thread streams only its own weights (the halves of shared rows would each be read by both cores,
 * whose prefetchers run ahead across the other half), and stay in its own core's cache when they fit.
 * The products at batch 1 are bound by the bandwidth from the cache, which a second core doubles; but each
 * meeting of the threads costs about a microsecond (a cache line's trip to the other core and back, and
 * the other core's half of the state), so layers below {@value #PARALLEL_MIN_WORK} multiply-adds per step
 * stay on one thread: at a two-layer LSTM with H = 128 two threads measured no faster than one (both
 * about 8 µs per character), at H = 64 twice as slow; at H = 256 and 512 they take 0.6 and 0.5 times as
 * long.
 *
 * <p>When the inputs are rows of a fixed table (the embedding of a character model),
 * {@link #withInputRows} computes the first layer's input products of every row once, and
 * {@link #stepRow} starts from them.
 *
 * <p>The copy is read only: several threads may step it at once, each with its own state.
 */
public final class FrozenRecurrentLayer {

    /**
     * Multiply-adds of one layer's products at batch 1 from which the hidden units are cut into one run
     * per thread (see the class documentation).
     */
    static final long PARALLEL_MIN_WORK = 1L << 18;

    /** Rows from which a step runs matrix products over all rows (see the class documentation). */
    static final int BATCH_PRODUCTS_MIN = 4;

    private final RecurrentLayer source;
    private final RecurrentConfig config;
    private final RecurrentCell[] cells;
    /** S, the runs of hidden units of every layer. */
    private final int runs;
    /** Run s holds the hidden units [unitFrom[s], unitFrom[s + 1]) of every layer. */
    private final int[] unitFrom;
    // per layer k and run s, over the run's G·U_s gate columns: weightIhT[k][s] (I_k, G·U_s),
    // weightHhT[k][s] (H, G·U_s), runInputBias[k][s], runStateBias[k][s] (G·U_s; GRU only)
    private final RowArrayMatrix[][] weightIhT;
    private final RowArrayMatrix[][] weightHhT;
    private final float[][][] runInputBias;
    private final float[][][] runStateBias;
    // inputBias[k], stateBias[k] (G·H): the same biases over all gate columns, for batched steps
    private final float[][] inputBias;
    private final float[][] stateBias;
    /** inputRows[s]: (R, G·U_s) the first layer's input products of the rows of a table, or null. */
    private final float[][] inputRows;
    /** R, the rows of the table of inputRows; 0 without one. */
    private final int inputRowCount;
    /** plainIhT[k] (I_k, G·H), plainHhT[k] (H, G·H): W_ihᵀ and W_hhᵀ as plain arrays, for batched steps. */
    private final float[][] plainIhT;
    private final float[][] plainHhT;

    FrozenRecurrentLayer(RecurrentLayer source, RecurrentCell[] cells) {
        this.source = source;
        this.config = source.config();
        this.cells = cells.clone();
        int layers = config.numLayers();
        int hs = config.hiddenSize();
        long smallestWork = Long.MAX_VALUE;
        for (RecurrentCell cell : cells) {
            smallestWork = Math.min(smallestWork, (long) (cell.inputSize + hs) * cell.gateWidth);
        }
        this.runs = smallestWork >= PARALLEL_MIN_WORK ? Gemm.threads() : 1;
        // runs of whole 16-unit groups (each gate of a run one or more whole vectors)
        this.unitFrom = new int[runs + 1];
        int groups = (hs + 15) / 16;
        for (int s = 0; s <= runs; s++) {
            unitFrom[s] = s == runs ? hs : Math.min(hs, (int) ((long) groups * s / runs) * 16);
        }
        this.weightIhT = new RowArrayMatrix[layers][runs];
        this.weightHhT = new RowArrayMatrix[layers][runs];
        this.runInputBias = new float[layers][runs][];
        this.runStateBias = new float[layers][runs][];
        this.inputBias = new float[layers][];
        this.stateBias = new float[layers][];
        for (int k = 0; k < layers; k++) {
            RecurrentCell cell = cells[k];
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
            for (int s = 0; s < runs; s++) {
                int units = Math.max(1, unitFrom[s + 1] - unitFrom[s]);
                int width = gw / hs * units;
                weightIhT[k][s] = new RowArrayMatrix(cell.inputSize, width);
                weightHhT[k][s] = new RowArrayMatrix(hs, width);
                if (unitFrom[s + 1] > unitFrom[s]) {
                    // the rows of the run's gate columns of W are the columns of its Wᵀ
                    weightIhT[k][s].setTransposeOf(runRows(cell.weightIh.value().data, cell.inputSize, k, s), 0);
                    weightHhT[k][s].setTransposeOf(runRows(cell.weightHh.value().data, hs, k, s), 0);
                }
                runInputBias[k][s] = runRows(inputBias[k], 1, k, s);
                if (stateBias[k] != null) {
                    runStateBias[k][s] = runRows(stateBias[k], 1, k, s);
                }
            }
        }
        this.inputRows = null;
        this.inputRowCount = 0;
        this.plainIhT = new float[layers][];
        this.plainHhT = new float[layers][];
        for (int k = 0; k < layers; k++) {
            RecurrentCell cell = cells[k];
            plainIhT[k] = new float[cell.inputSize * cell.gateWidth];
            RowArrayMatrix.transposeRowsInto(cell.weightIh.value().data, 0, cell.inputSize, 0, cell.gateWidth,
                    plainIhT[k], 0, cell.gateWidth);
            plainHhT[k] = new float[hs * cell.gateWidth];
            cell.transposeWeightHh(plainHhT[k]);
        }
    }

    /**
     * The rows of a {@code (G·H, cols)} matrix that belong to the gate columns of run {@code s}, gate by
     * gate: rows {@code g·H + u} for every gate g and unit u of the run, as a {@code (G·U_s, cols)} matrix.
     */
    private float[] runRows(float[] m, int cols, int k, int s) {
        int hs = config.hiddenSize();
        int gates = cells[k].gateWidth / hs;
        int from = unitFrom[s];
        int units = unitFrom[s + 1] - from;
        float[] rows = new float[gates * units * cols];
        for (int g = 0; g < gates; g++) {
            System.arraycopy(m, (g * hs + from) * cols, rows, g * units * cols, units * cols);
        }
        return rows;
    }

    /** A copy sharing the weights of {@code frozen}, with input products for a table. */
    private FrozenRecurrentLayer(FrozenRecurrentLayer frozen, float[][] inputRows, int inputRowCount) {
        this.source = frozen.source;
        this.config = frozen.config;
        this.cells = frozen.cells;
        this.runs = frozen.runs;
        this.unitFrom = frozen.unitFrom;
        this.weightIhT = frozen.weightIhT;
        this.weightHhT = frozen.weightHhT;
        this.runInputBias = frozen.runInputBias;
        this.runStateBias = frozen.runStateBias;
        this.inputBias = frozen.inputBias;
        this.stateBias = frozen.stateBias;
        this.inputRows = inputRows;
        this.inputRowCount = inputRowCount;
        this.plainIhT = frozen.plainIhT;
        this.plainHhT = frozen.plainHhT;
    }

    /**
     * A copy of this frozen layer that also holds the first layer's input products of every row of a
     * table of inputs (an embedding table, or one-hot rows), for {@link #stepRow}:
     *
     * <pre>
     *   inputRows (R, G·H):  inputRows(r) = bias + table(r)·W_ih_l0ᵀ     (bias: b_ih + b_hh; GRU: b_ih)
     * </pre>
     * (kept per run of hidden units, over the run's gate columns), each element the chain that
     * {@link #step} starts the first layer's gates with. A step from a row
     * then skips the first layer's input product: at batch 1 the products stream the weights from the
     * cache, and this one is a quarter of them in a two-layer model whose input is as wide as its state.
     * The copy shares this one's weights and adds {@code R·G·H} floats (a character vocabulary of 65,
     * H = 512, LSTM: 0.5 MB).
     *
     * @param table (R, I) the input rows, R at least 1; not modified
     * @return a frozen layer with the same weights and the table's input products
     * @throws IllegalArgumentException if the table does not have I columns or has no rows
     */
    public FrozenRecurrentLayer withInputRows(FMatrixRMaj table) {
        int is = config.inputSize();
        if (table == null || table.numCols != is || table.numRows < 1) {
            throw new IllegalArgumentException("table must be (R, " + is + ") with R ≥ 1 but was "
                    + (table == null ? "null" : "(" + table.numRows + ", " + table.numCols + ")"));
        }
        float[][] rows = new float[runs][];
        for (int s = 0; s < runs; s++) {
            int width = weightIhT[0][s].cols();
            rows[s] = new float[Math.multiplyExact(table.numRows, width)];
            float[] scratch = new float[width];
            for (int r = 0; r < table.numRows; r++) {
                // as Products.run starts the gates of run s
                System.arraycopy(runInputBias[0][s], 0, scratch, 0, width);
                weightIhT[0][s].multAddRow(table.data, r * is, scratch);
                System.arraycopy(scratch, 0, rows[s], r * width, width);
            }
        }
        return new FrozenRecurrentLayer(this, rows, table.numRows);
    }

    /** S, the runs of hidden units that a batch-1 step computes (one per thread, or 1); for the tests. */
    int runs() {
        return runs;
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
        Tensors.checkShape(x, state.batchSize(), config.inputSize(), "x");
        Tensors.checkShape(output, state.batchSize(), config.hiddenSize(), "output");
        run(x.data, -1, state, output);
    }

    /**
     * Runs one step of every layer for one sequence whose input is row {@code row} of the table given
     * to {@link #withInputRows} (no dropout), advancing the state in place; allocates nothing. Computes
     * what {@link #step} computes with that row as {@code x}, bit for bit.
     *
     * @param row    the input row, 0 ≤ row &lt; R
     * @param state  a state of the source layer with batch size 1; advanced
     * @param output (1, H) the top layer's new hidden state; overwritten
     * @throws IllegalStateException    if this layer holds no table ({@link #withInputRows})
     * @throws IllegalArgumentException if the row is out of range, a shape is wrong or the state is not
     *                                  from the source layer
     */
    public void stepRow(int row, RecurrentState state, FMatrixRMaj output) {
        if (inputRows == null) {
            throw new IllegalStateException("no table of input rows: make this layer with withInputRows");
        }
        if (row < 0 || row >= inputRowCount) {
            throw new IllegalArgumentException("row must be in [0, " + inputRowCount + ") but was " + row);
        }
        if (state == null || state.owner() != source) {
            throw new IllegalArgumentException("the state must come from the frozen layer's newState");
        }
        if (state.batchSize() != 1) {
            throw new IllegalArgumentException("the state must have batch size 1 but had " + state.batchSize());
        }
        Tensors.checkShape(output, 1, config.hiddenSize(), "output");
        run(null, row, state, output);
    }

    /** One step from the input rows {@code x} (B, I), or for batch 1 from the table row {@code row} (x null). */
    private void run(float[] x, int row, RecurrentState state, FMatrixRMaj output) {
        int batch = state.batchSize();
        if (batch >= BATCH_PRODUCTS_MIN) {
            runBatch(x, state, output);
            return;
        }
        int hs = config.hiddenSize();
        float[] h = state.hidden().data;
        Products products = state.frozenProducts;
        products.prepare(this, state);
        WorkerTeam team = runs > 1 && batch == 1 ? WorkerTeam.shared() : null;
        boolean parallel = team != null && team.size() == runs;
        float[] in = x;
        int inOff = 0;
        int inWidth = config.inputSize();
        for (int k = 0; k < config.numLayers(); k++) {
            int off = k * batch * hs;
            for (int b = 0; b < batch; b++) {
                products.set(k, in, inOff + b * inWidth, k == 0 ? row : -1, off + b * hs);
                if (parallel) {
                    team.run(products);   // thread s computes run s
                } else {
                    for (int s = 0; s < runs; s++) {
                        products.run(s);
                    }
                }
            }
            // every run has read the old hidden states of the layer: now they may be replaced
            System.arraycopy(products.hNew, off, h, off, batch * hs);
            in = h;
            inOff = off;
            inWidth = hs;
        }
        System.arraycopy(h, (config.numLayers() - 1) * batch * hs, output.data, 0, batch * hs);
    }

    /**
     * One step of B ≥ {@value #BATCH_PRODUCTS_MIN} rows: per layer, the chains of {@link RecurrentCell#inputProduct}
     * and {@link RecurrentCell#stateProduct} as matrix products over all rows from the plain transposed weights.
     */
    private void runBatch(float[] x, RecurrentState state, FMatrixRMaj output) {
        int batch = state.batchSize();
        int hs = config.hiddenSize();
        float[][] ihT = plainIhT;
        float[][] hhT = plainHhT;
        float[] h = state.hidden().data;
        float[] c = state.cellStateData();
        float[] gates = state.gates.data;
        float[] stateProj = state.stateProj.data;
        float[] in = x;
        int inOff = 0;
        int inWidth = config.inputSize();
        for (int k = 0; k < config.numLayers(); k++) {
            RecurrentCell cell = cells[k];
            int gw = cell.gateWidth;
            int off = k * batch * hs;
            // gates (B, G·H) = bias + in·W_ihᵀ  [+ h·W_hhᵀ];  GRU: stateProj (B, G·H) = b_hh + h·W_hhᵀ
            for (int b = 0; b < batch; b++) {
                System.arraycopy(inputBias[k], 0, gates, b * gw, gw);
            }
            Gemm.sgemm(false, false, batch, gw, inWidth, in, inOff, inWidth, ihT[k], 0, gw, true, gates, 0, gw);
            float[] into = gates;
            if (!cell.addsStateProductToGates()) {
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(stateBias[k], 0, stateProj, b * gw, gw);
                }
                into = stateProj;
            }
            Gemm.sgemm(false, false, batch, gw, hs, h, off, hs, hhT[k], 0, gw, true, into, 0, gw);
            // the state is updated in place: every cell reads element j of h_{t−1}, c_{t−1} before writing it
            cell.forwardGates(batch, null, gates, 0, stateProj, h, c, off, h, c, state.aux.data, off,
                    state.workspace);
            in = h;
            inOff = off;
            inWidth = hs;
        }
        System.arraycopy(h, (config.numLayers() - 1) * batch * hs, output.data, 0, batch * hs);
    }

    /**
     * One layer's step for one sequence as a task: part s computes run s of the hidden units, the gate
     * columns of its units as the chain of {@link RecurrentCell#inputProduct} and
     * {@link RecurrentCell#stateProduct} (bias, then x, then h) in a scratch row of its own, then the cell's
     * arithmetic of those units ({@link RecurrentCell#forwardUnits}): the new cell state in place (each
     * unit's own), the new hidden state into {@link #hNew}, since the other runs still read the old one.
     * Each {@link RecurrentState} owns one, so that states stepped on different threads share nothing.
     */
    static final class Products implements WorkerTeam.Task {
        private FrozenRecurrentLayer layer;
        /** gates[s]: (G·U_s) the gate columns of run s, gate by gate; proj[s]: the same for h·W_hhᵀ + b_hh (GRU). */
        private float[][] gates = new float[0][];
        private float[][] proj = new float[0][];
        /** workspaces[s]: the cell's scratch rows for run s. */
        private GateWorkspace[] workspaces = new GateWorkspace[0];
        /** (L·B, H) the new hidden states, in the layout of the state's. */
        float[] hNew = new float[0];
        private int k;
        private float[] in;
        private int inOff;
        /** The table row whose input products start the gates (layer 0 of stepRow), or −1. */
        private int tableRow;
        private float[] h;
        private float[] c;
        private float[] aux;
        /** Index of the sequence's row of layer k in the state's (L·B, H) rows. */
        private int hOff;

        /** Sizes the scratch rows for a frozen layer and a state (allocates only when they grow). */
        void prepare(FrozenRecurrentLayer frozen, RecurrentState state) {
            this.layer = frozen;
            if (gates.length < frozen.runs) {
                gates = new float[frozen.runs][0];
                proj = new float[frozen.runs][0];
                workspaces = new GateWorkspace[frozen.runs];
            }
            int hs = frozen.config.hiddenSize();
            for (int s = 0; s < frozen.runs; s++) {
                int width = 0;
                for (int k = 0; k < frozen.cells.length; k++) {
                    width = Math.max(width, frozen.weightHhT[k][s].cols());
                }
                if (gates[s].length < width) {
                    gates[s] = new float[width];
                    proj[s] = new float[width];
                }
                if (workspaces[s] == null || workspaces[s].row.length < width || workspaces[s].lanes[0].length < hs) {
                    workspaces[s] = new GateWorkspace(hs, width);
                }
            }
            this.h = state.hidden().data;
            this.c = state.cellStateData();
            this.aux = state.aux.data;
            if (hNew.length < h.length) {
                hNew = new float[h.length];
            }
        }

        void set(int layerIndex, float[] input, int inputOff, int inputTableRow, int hiddenOff) {
            this.k = layerIndex;
            this.in = input;
            this.inOff = inputOff;
            this.tableRow = inputTableRow;
            this.hOff = hiddenOff;
        }

        @Override
        public void run(int s) {
            int from = layer.unitFrom[s];
            int units = layer.unitFrom[s + 1] - from;
            if (units <= 0) {
                return;
            }
            RecurrentCell cell = layer.cells[k];
            int width = cell.gateWidth / layer.config.hiddenSize() * units;
            float[] g = gates[s];
            if (tableRow >= 0) {
                // bias + x·W_ihᵀ, computed by withInputRows
                System.arraycopy(layer.inputRows[s], tableRow * width, g, 0, width);
            } else {
                System.arraycopy(layer.runInputBias[k][s], 0, g, 0, width);
                layer.weightIhT[k][s].multAddRow(in, inOff, g);
            }
            float[] p = null;
            if (cell.addsStateProductToGates()) {
                layer.weightHhT[k][s].multAddRow(h, hOff, g);
            } else {
                p = proj[s];
                System.arraycopy(layer.runStateBias[k][s], 0, p, 0, width);
                layer.weightHhT[k][s].multAddRow(h, hOff, p);
            }
            cell.forwardUnits(units, 1, null, g, 0, p, h, c, hOff + from, hNew, c, aux, hOff + from, workspaces[s]);
        }
    }
}
