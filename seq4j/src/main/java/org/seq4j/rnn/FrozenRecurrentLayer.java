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
 *   per layer k:   W_ihᵀ (I_k, G·H) and W_hhᵀ (H, G·H) as {@link RowArrayMatrix} copies, cut into S
 *                  slices of gate columns; the bias the input product starts from (b_ih + b_hh;
 *                  GRU: b_ih), and b_hh (GRU)
 *   optionally:    the first layer's input products of the R rows of a table (R, G·H), see withInputRows
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
 * computes one slice of the gate columns of every layer. A slice is a matrix of its own, so that a
 * thread streams only its own weights: the halves of shared rows would each be read by both cores,
 * whose prefetchers run ahead across the other half. Large layers are bound by the bandwidth from the
 * shared cache, which two cores raise by about 1.5 times; small ones (below 2¹⁸ multiply-adds per
 * layer and step) stay on one thread.
 *
 * <p>When the inputs are rows of a fixed table (the embedding of a character model),
 * {@link #withInputRows} computes the first layer's input products of every row once, and
 * {@link #stepRow} starts from them.
 *
 * <p>The copy is read only: several threads may step it at once, each with its own state.
 */
public final class FrozenRecurrentLayer {

    /**
     * Multiply-adds of one layer's products at batch 1 from which the columns are cut into one slice per
     * thread. Below it the weights stay in one core's cache and the products are bound by arithmetic,
     * which a second core sharing the work did not speed up here (H = 128: 15 µs per character on one
     * thread, 22 µs on two); above it they stream from the shared cache, and a second core adds
     * bandwidth (H = 256: 60 µs against 44 µs; H = 512: 400 µs against 240 µs; with the Vector API
     * kernels and the input rows of a character model, H = 512: 220 µs against 120 µs), as long as the
     * second core is free.
     */
    static final long PARALLEL_MIN_WORK = 1L << 18;

    /** Rows from which a step runs matrix products over all rows (see the class documentation). */
    static final int BATCH_PRODUCTS_MIN = 4;

    private final RecurrentLayer source;
    private final RecurrentConfig config;
    private final RecurrentCell[] cells;
    /** S, the slices of gate columns of every layer. */
    private final int slices;
    // per layer k and slice s: gate columns [sliceFrom[k][s], sliceFrom[k][s + 1]);
    // weightIhT[k][s] (I_k, width), weightHhT[k][s] (H, width); inputBias[k], stateBias[k] (G·H)
    private final int[][] sliceFrom;
    private final RowArrayMatrix[][] weightIhT;
    private final RowArrayMatrix[][] weightHhT;
    private final float[][] inputBias;
    private final float[][] stateBias;
    /** inputRows: (R, G·H) the first layer's input products of the rows of a table, or null. */
    private final float[] inputRows;
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
        this.slices = smallestWork >= PARALLEL_MIN_WORK ? Gemm.threads() : 1;
        this.sliceFrom = new int[layers][];
        this.weightIhT = new RowArrayMatrix[layers][slices];
        this.weightHhT = new RowArrayMatrix[layers][slices];
        this.inputBias = new float[layers][];
        this.stateBias = new float[layers][];
        for (int k = 0; k < layers; k++) {
            RecurrentCell cell = cells[k];
            int gw = cell.gateWidth;
            // slices of whole 16-column groups (one or two vectors)
            int groups = (gw + 15) / 16;
            sliceFrom[k] = new int[slices + 1];
            for (int s = 0; s <= slices; s++) {
                sliceFrom[k][s] = s == slices ? gw : Math.min(gw, (int) ((long) groups * s / slices) * 16);
            }
            for (int s = 0; s < slices; s++) {
                int from = sliceFrom[k][s];
                int width = Math.max(1, sliceFrom[k][s + 1] - from);
                weightIhT[k][s] = new RowArrayMatrix(cell.inputSize, width);
                weightHhT[k][s] = new RowArrayMatrix(hs, width);
                if (sliceFrom[k][s + 1] > from) {
                    // rows [from, to) of W are the columns [from, to) of Wᵀ
                    weightIhT[k][s].setTransposeOf(cell.weightIh.value().data, from * cell.inputSize);
                    weightHhT[k][s].setTransposeOf(cell.weightHh.value().data, from * hs);
                }
            }
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

    /** A copy sharing the weights of {@code frozen}, with input products for a table. */
    private FrozenRecurrentLayer(FrozenRecurrentLayer frozen, float[] inputRows, int inputRowCount) {
        this.source = frozen.source;
        this.config = frozen.config;
        this.cells = frozen.cells;
        this.slices = frozen.slices;
        this.sliceFrom = frozen.sliceFrom;
        this.weightIhT = frozen.weightIhT;
        this.weightHhT = frozen.weightHhT;
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
     * each element the chain that {@link #step} starts the first layer's gates with. A step from a row
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
        int gw = cells[0].gateWidth;
        float[] rows = new float[Math.multiplyExact(table.numRows, gw)];
        float[] scratch = new float[gw];
        for (int r = 0; r < table.numRows; r++) {
            for (int s = 0; s < slices; s++) {
                int from = sliceFrom[0][s];
                int width = sliceFrom[0][s + 1] - from;
                if (width > 0) {
                    // as Products.run starts the gates of slice s
                    System.arraycopy(inputBias[0], from, scratch, 0, width);
                    weightIhT[0][s].multAddRow(table.data, r * is, scratch);
                    System.arraycopy(scratch, 0, rows, r * gw + from, width);
                }
            }
        }
        return new FrozenRecurrentLayer(this, rows, table.numRows);
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
        float[] c = state.cellStateData();
        float[] gates = state.gates.data;
        float[] stateProj = state.stateProj.data;
        Products products = state.frozenProducts;
        products.prepare(this);
        WorkerTeam team = slices > 1 && batch == 1 ? WorkerTeam.shared() : null;
        boolean parallel = team != null && team.size() == slices;
        float[] in = x;
        int inOff = 0;
        int inWidth = config.inputSize();
        for (int k = 0; k < config.numLayers(); k++) {
            RecurrentCell cell = cells[k];
            int off = k * batch * hs;
            for (int b = 0; b < batch; b++) {
                products.set(k, in, inOff + b * inWidth, k == 0 ? row : -1, h, off + b * hs, gates,
                        b * cell.gateWidth, stateProj);
                if (parallel) {
                    team.run(products);   // thread s computes slice s
                } else {
                    for (int s = 0; s < slices; s++) {
                        products.run(s);
                    }
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
     * The products of one layer for one sequence as a task: part s computes the gate columns of slice s,
     * each as the chain of {@link RecurrentCell#inputProduct} and {@link RecurrentCell#stateProduct}
     * (bias, then x, then h), in a scratch row of its own, then copies them into the gate row. Each
     * {@link RecurrentState} owns one, so that states stepped on different threads share nothing.
     */
    static final class Products implements WorkerTeam.Task {
        private FrozenRecurrentLayer layer;
        /** scratch[s]: (width of slice s) the chains of slice s, in a row indexed from 0 (vectorised). */
        private float[][] scratch = new float[0][];
        private int k;
        private float[] in;
        private int inOff;
        /** The table row whose input products start the gates (layer 0 of stepRow), or −1. */
        private int tableRow;
        private float[] h;
        private int hOff;
        private float[] gates;
        private int gatesOff;
        private float[] stateProj;

        /** Sizes the scratch rows for a frozen layer (allocates only when they grow). */
        void prepare(FrozenRecurrentLayer frozen) {
            this.layer = frozen;
            if (scratch.length < frozen.slices) {
                scratch = new float[frozen.slices][0];
            }
            for (int k = 0; k < frozen.cells.length; k++) {
                for (int s = 0; s < frozen.slices; s++) {
                    int width = frozen.sliceFrom[k][s + 1] - frozen.sliceFrom[k][s];
                    if (scratch[s].length < width) {
                        scratch[s] = new float[width];
                    }
                }
            }
        }

        void set(int layerIndex, float[] input, int inputOff, int inputTableRow, float[] hidden, int hiddenOff,
                 float[] gateRows, int gateOff, float[] stateRows) {
            this.k = layerIndex;
            this.in = input;
            this.inOff = inputOff;
            this.tableRow = inputTableRow;
            this.h = hidden;
            this.hOff = hiddenOff;
            this.gates = gateRows;
            this.gatesOff = gateOff;
            this.stateProj = stateRows;
        }

        @Override
        public void run(int s) {
            int from = layer.sliceFrom[k][s];
            int width = layer.sliceFrom[k][s + 1] - from;
            if (width <= 0) {
                return;
            }
            float[] row = scratch[s];
            if (tableRow >= 0) {
                // bias + x·W_ihᵀ, computed by withInputRows
                System.arraycopy(layer.inputRows, tableRow * layer.cells[k].gateWidth + from, row, 0, width);
            } else {
                System.arraycopy(layer.inputBias[k], from, row, 0, width);
                layer.weightIhT[k][s].multAddRow(in, inOff, row);
            }
            if (layer.cells[k].addsStateProductToGates()) {
                layer.weightHhT[k][s].multAddRow(h, hOff, row);
                System.arraycopy(row, 0, gates, gatesOff + from, width);
            } else {
                System.arraycopy(row, 0, gates, gatesOff + from, width);
                System.arraycopy(layer.stateBias[k], from, row, 0, width);
                layer.weightHhT[k][s].multAddRow(h, hOff, row);
                // the GRU's stateProj rows follow the gate rows: row b at b·G·H, like gates
                System.arraycopy(row, 0, stateProj, gatesOff + from, width);
            }
        }
    }
}
