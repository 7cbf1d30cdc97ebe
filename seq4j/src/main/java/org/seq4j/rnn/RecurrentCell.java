package org.seq4j.rnn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.RowArrayMatrix;
import org.seq4j.tensor.Tensors;

/**
 * One recurrent cell: the parameters of one layer and direction, and the step it computes.
 *
 * <p>Every cell has the packed parameters of PyTorch's {@code nn.RNNCell}, {@code nn.LSTMCell} and
 * {@code nn.GRUCell}, registered in this order ({@code G} gate blocks, see {@link CellType}):
 * <pre>
 *   weight_ih  (G·H, I)     weight_hh  (G·H, H)     bias_ih  (G·H)     bias_hh  (G·H)
 * </pre>
 * A step is split the same way in every cell: the input product {@code x·W_ihᵀ + b_ih} and the state
 * product {@code h·W_hhᵀ + b_hh}, each one matrix product for all gates, followed by the cell's
 * element-wise gate arithmetic (see {@link ElmanCell}, {@link LstmCell}, {@link GruCell}). A
 * {@link RecurrentLayer} computes the input product of all time steps in one product and runs only the
 * state product per step; the one-step API of the subclasses ({@code forward}/{@code backward}) runs
 * both for one step and keeps what backward needs in a {@link StepCache}.
 */
public abstract sealed class RecurrentCell implements Module permits ElmanCell, LstmCell, GruCell {

    final CellType type;
    final int inputSize;
    final int hiddenSize;
    /** G·H: width of the packed gate rows. */
    final int gateWidth;
    final Parameter weightIh;
    final Parameter weightHh;
    final Parameter biasIh;
    final Parameter biasHh;
    private final Parameters parameters = new Parameters();

    RecurrentCell(CellType type, int inputSize, int hiddenSize, boolean bias, RecurrentInit init,
                  RandomGenerator random) {
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize must be at least 1 but was " + inputSize);
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1 but was " + hiddenSize);
        }
        if (init == null || random == null) {
            throw new IllegalArgumentException("init and random must not be null");
        }
        this.type = type;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.gateWidth = type.gateCount() * hiddenSize;
        this.weightIh = new Parameter("weight_ih", gateWidth, inputSize);
        this.weightHh = new Parameter("weight_hh", gateWidth, hiddenSize);
        this.biasIh = bias ? new Parameter("bias_ih", gateWidth) : null;
        this.biasHh = bias ? new Parameter("bias_hh", gateWidth) : null;
        parameters.add(weightIh).add(weightHh);
        if (bias) {
            parameters.add(biasIh).add(biasHh);
        }
        init.initialize(this, random);
    }

    /**
     * The cell type.
     *
     * @return the type
     */
    public CellType type() {
        return type;
    }

    /**
     * Input features {@code I}.
     *
     * @return the input size
     */
    public int inputSize() {
        return inputSize;
    }

    /**
     * Hidden size {@code H}.
     *
     * @return the hidden size
     */
    public int hiddenSize() {
        return hiddenSize;
    }

    /**
     * Tells whether the cell has biases.
     *
     * @return true if {@code bias_ih} and {@code bias_hh} exist
     */
    public boolean hasBias() {
        return biasIh != null;
    }

    /**
     * The input weight {@code weight_ih}, {@code (G·H, I)}.
     *
     * @return the parameter
     */
    public Parameter weightIh() {
        return weightIh;
    }

    /**
     * The recurrent weight {@code weight_hh}, {@code (G·H, H)}.
     *
     * @return the parameter
     */
    public Parameter weightHh() {
        return weightHh;
    }

    /**
     * The input bias {@code bias_ih}, {@code (1, G·H)}.
     *
     * @return the parameter
     * @throws IllegalStateException if the cell has no biases
     */
    public Parameter biasIh() {
        if (biasIh == null) {
            throw new IllegalStateException("the cell has no biases");
        }
        return biasIh;
    }

    /**
     * The recurrent bias {@code bias_hh}, {@code (1, G·H)}.
     *
     * @return the parameter
     * @throws IllegalStateException if the cell has no biases
     */
    public Parameter biasHh() {
        if (biasHh == null) {
            throw new IllegalStateException("the cell has no biases");
        }
        return biasHh;
    }

    /**
     * The parameters {@code weight_ih, weight_hh, bias_ih, bias_hh} (biases only if present), named as in
     * PyTorch's {@code nn.RNNCell}/{@code LSTMCell}/{@code GRUCell}.
     *
     * @return the registry
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    // ----------------------------------------------------------------------------------------------
    // Element-wise gate arithmetic: the part that differs between cells. All rows are contiguous:
    // row b of a (B, C) block stored at off is data[off + b·C, off + b·C + C).

    /**
     * Forward gate arithmetic of one step for {@code batch} rows.
     *
     * @param batch     rows B
     * @param active    per row, whether this step is a real step of that sequence; null for all.
     *                  An inactive row copies {@code hPrev} (and {@code cPrev}) to the outputs.
     * @param gates     (B, G·H) at gatesOff: on entry the pre-activations as {@link #inputProduct} and
     *                  {@link #stateProduct} left them; on exit what backward reads: the activated gates
     *                  (relu RNN: the pre-activation, whose sign backward needs)
     * @param stateProj (B, G·H) at 0, GRU only: {@code hPrev·W_hhᵀ + b_hh}; read only
     * @param hPrev     (B, H) at prevOff, previous hidden state; read only (may be the same memory as h)
     * @param cPrev     (B, H) at prevOff, previous cell state (LSTM only); may be the same memory as c
     * @param h         (B, H) at off, new hidden state; written
     * @param c         (B, H) at off, new cell state (LSTM only); written
     * @param aux       (B, H) at off, what backward needs besides the gates (LSTM: tanh(c); GRU:
     *                  W_hn·h + b_hn); written
     * @param ws        scratch rows; overwritten
     */
    final void forwardGates(int batch, boolean[] active, float[] gates, int gatesOff, float[] stateProj,
                            float[] hPrev, float[] cPrev, int prevOff, float[] h, float[] c, float[] aux,
                            int off, GateWorkspace ws) {
        forwardUnits(hiddenSize, batch, active, gates, gatesOff, stateProj, hPrev, cPrev, prevOff, h, c, aux, off, ws);
    }

    /**
     * {@link #forwardGates} for a run of {@code U} consecutive hidden units of every row: the gates hold
     * the pre-activations of those units only, gate by gate ({@code (B, G·U)}: row b is
     * {@code [gate 0 of the U units, gate 1 of them, ...]}), while the states keep their {@code (B, H)}
     * rows and the offsets point at the run's first unit. With {@code U = H} it is {@link #forwardGates};
     * every unit is computed from its own gates and state alone, so a step's units may be split into runs
     * computed apart (on different threads), with the same results bit for bit.
     *
     * @param units     U, the units of the run, 1 ≤ U ≤ H
     * @param batch     rows B
     * @param active    as {@link #forwardGates}
     * @param gates     (B, G·U) at gatesOff, as {@link #forwardGates}
     * @param stateProj (B, G·U) at 0, GRU only, as {@link #forwardGates}
     * @param hPrev     (B, H) at prevOff: units [0, U) of each row are read
     * @param cPrev     (B, H) at prevOff, LSTM only: units [0, U) of each row are read
     * @param h         (B, H) at off: units [0, U) of each row are written
     * @param c         (B, H) at off, LSTM only: units [0, U) of each row are written
     * @param aux       (B, H) at off: units [0, U) of each row are written
     * @param ws        scratch rows; overwritten
     */
    abstract void forwardUnits(int units, int batch, boolean[] active, float[] gates, int gatesOff, float[] stateProj,
                               float[] hPrev, float[] cPrev, int prevOff, float[] h, float[] c, float[] aux,
                               int off, GateWorkspace ws);

    /**
     * Backward gate arithmetic of one step for {@code batch} rows.
     *
     * @param gates    (B, G·H) at gatesOff: the activated gates of the step; read only
     * @param hPrev    (B, H) at prevOff, previous hidden state; read only
     * @param cPrev    (B, H) at prevOff, previous cell state (LSTM only); read only
     * @param aux      (B, H) at auxOff, what the forward left (LSTM: tanh(c); GRU: W_hn·h + b_hn)
     * @param dh       (B, H) at 0: on entry the gradient into {@code h_t}; on exit the part of the gradient
     *                 into {@code h_{t−1}} that does not go through {@code W_hh} (inactive rows: unchanged)
     * @param dc       (B, H) at 0, LSTM only: on entry the gradient into {@code c_t} from step t+1; on exit
     *                 the gradient into {@code c_{t−1}} (inactive rows: unchanged)
     * @param dGatesX  (B, G·H): gradient of the input product; written (inactive rows: 0)
     * @param dGatesH  (B, G·H): gradient of the state product; written (inactive rows: 0); the same memory
     *                 as dGatesX for cells where they are equal
     * @param ws       scratch rows; overwritten
     */
    abstract void backwardGates(int batch, boolean[] active, float[] gates, int gatesOff,
                                float[] hPrev, float[] cPrev, int prevOff, float[] aux, int auxOff,
                                float[] dh, float[] dc, float[] dGatesX, int dGatesXOff,
                                float[] dGatesH, int dGatesHOff, GateWorkspace ws);

    /**
     * Whether the state product is added into the gate pre-activations (RNN, LSTM), so that one fma
     * chain per pre-activation runs over the bias, the input and the state; false for the GRU, whose
     * {@code n} gate multiplies the state product by {@code r} and so keeps it apart in {@code stateProj}.
     */
    boolean addsStateProductToGates() {
        return true;
    }

    /** Whether the gradient of the state product differs from that of the input product (GRU). */
    boolean separateStateGateGradient() {
        return !addsStateProductToGates();
    }

    // ----------------------------------------------------------------------------------------------
    // The products, shared by all cells. Each pre-activation is one chain of fused multiply-adds (as
    // Gemm computes) that starts from its bias: for RNN and LSTM
    //   a = ((b_ih + b_hh) + Σ_p x_p·W_ih(:, p)) + Σ_p h_p·W_hh(:, p)
    // (the sums in ascending p), so that every path (sequence forward, one-step API, step-by-step
    // inference) computes the same values bit for bit; for the GRU, b_ih + x·W_ih and b_hh + h·W_hh.

    /**
     * gates (rows, G·H) at gOff = bias + in (rows, I) at inOff · W_ihᵀ, the bias being b_ih + b_hh (RNN,
     * LSTM) or b_ih (GRU).
     */
    final void inputProduct(int rows, float[] in, int inOff, float[] gates, int gOff, GateWorkspace ws) {
        float[] bias = ws.bias;
        if (biasIh == null) {
            Arrays.fill(bias, 0, gateWidth, 0f);
        } else if (addsStateProductToGates()) {
            float[] bih = biasIh.value().data;
            float[] bhh = biasHh.value().data;
            for (int j = 0; j < gateWidth; j++) {
                bias[j] = bih[j] + bhh[j];
            }
        } else {
            System.arraycopy(biasIh.value().data, 0, bias, 0, gateWidth);
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(bias, 0, gates, gOff + r * gateWidth, gateWidth);
        }
        Gemm.sgemm(false, true, rows, gateWidth, inputSize, in, inOff, inputSize,
                weightIh.value().data, 0, inputSize, true, gates, gOff, gateWidth);
    }

    /**
     * The state product of one step, h (B, H) at hOff · W_hhᵀ: added into the gate pre-activations out
     * (B, G·H) at outOff (RNN, LSTM), or written there after b_hh (GRU).
     *
     * @param weightHhT W_hhᵀ (H, G·H), a copy made by {@link #transposeWeightHh} since the weight last
     *                  changed, or null to read {@code weight_hh} itself; the result is the same
     */
    final void stateProduct(int batch, float[] h, int hOff, float[] out, int outOff, float[] weightHhT) {
        if (!addsStateProductToGates()) {
            for (int r = 0; r < batch; r++) {
                int row = outOff + r * gateWidth;
                if (biasHh == null) {
                    Arrays.fill(out, row, row + gateWidth, 0f);
                } else {
                    System.arraycopy(biasHh.value().data, 0, out, row, gateWidth);
                }
            }
        }
        if (weightHhT != null) {
            // (B, H)·(H, G·H): packs without the transposing gather of the form below
            Gemm.sgemm(false, false, batch, gateWidth, hiddenSize, h, hOff, hiddenSize,
                    weightHhT, 0, gateWidth, true, out, outOff, gateWidth);
        } else {
            Gemm.sgemm(false, true, batch, gateWidth, hiddenSize, h, hOff, hiddenSize,
                    weightHh.value().data, 0, hiddenSize, true, out, outOff, gateWidth);
        }
    }

    /** Writes W_hhᵀ, (H, G·H), into target: {@code target[p·G·H + j] = W_hh(j, p)}. */
    final void transposeWeightHh(float[] target) {
        RowArrayMatrix.transposeRowsInto(weightHh.value().data, 0, hiddenSize, 0, gateWidth, target, 0, gateWidth);
    }

    /** dW_ih += dGatesXᵀ·in, over rows rows. */
    final void addInputWeightGradient(int rows, float[] dGatesX, int dOff, float[] in, int inOff) {
        Gemm.sgemm(true, false, gateWidth, inputSize, rows, dGatesX, dOff, gateWidth, in, inOff, inputSize,
                true, weightIh.grad().data, 0, inputSize);
    }

    /** dW_hh += dGatesHᵀ·hPrev, over rows rows. */
    final void addStateWeightGradient(int rows, float[] dGatesH, int dOff, float[] hPrev, int hOff) {
        Gemm.sgemm(true, false, gateWidth, hiddenSize, rows, dGatesH, dOff, gateWidth, hPrev, hOff, hiddenSize,
                true, weightHh.grad().data, 0, hiddenSize);
    }

    /**
     * db_ih += Σ_rows dGatesX and db_hh += Σ_rows dGatesH, the sums taken over the rows in order; when
     * the two gradients are the same memory (RNN, LSTM) the sum is computed once.
     */
    final void addBiasGradients(int rows, float[] dGatesX, float[] dGatesH, int dOff, GateWorkspace ws) {
        if (biasIh == null) {
            return;
        }
        columnSums(rows, dGatesX, dOff, ws);
        addTo(ws.sums, biasIh.grad().data);
        if (dGatesH != dGatesX) {
            columnSums(rows, dGatesH, dOff, ws);
        }
        addTo(ws.sums, biasHh.grad().data);
    }

    /** ws.sums = Σ_r m(r, :) over rows (rows, G·H) at off; each row is copied out first, so that the sum vectorises. */
    private void columnSums(int rows, float[] m, int off, GateWorkspace ws) {
        float[] sums = ws.sums;
        float[] row = ws.row;
        Arrays.fill(sums, 0, gateWidth, 0f);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(m, off + r * gateWidth, row, 0, gateWidth);
            for (int j = 0; j < gateWidth; j++) {
                sums[j] += row[j];
            }
        }
    }

    private void addTo(float[] sums, float[] out) {
        for (int j = 0; j < gateWidth; j++) {
            out[j] += sums[j];
        }
    }

    /** dIn (rows, I) at dInOff (+)= dGatesX · W_ih. */
    final void inputGradient(int rows, float[] dGatesX, int dOff, boolean accumulate, float[] dIn, int dInOff) {
        Gemm.sgemm(false, false, rows, inputSize, gateWidth, dGatesX, dOff, gateWidth,
                weightIh.value().data, 0, inputSize, accumulate, dIn, dInOff, inputSize);
    }

    /** dh (B, H) at 0 += dGatesH · W_hh. */
    final void addStateGradient(int batch, float[] dGatesH, int dOff, float[] dh) {
        Gemm.sgemm(false, false, batch, hiddenSize, gateWidth, dGatesH, dOff, gateWidth,
                weightHh.value().data, 0, hiddenSize, true, dh, 0, hiddenSize);
    }

    // ----------------------------------------------------------------------------------------------
    // The one-step API (the subclasses expose it with their own state arguments).

    final StepCache stepForward(FMatrixRMaj x, FMatrixRMaj hPrev, FMatrixRMaj cPrev, StepCache reuse) {
        if (x == null) {
            throw new IllegalArgumentException("x must be (B, " + inputSize + ") but was null");
        }
        int batch = x.numRows;
        Tensors.checkShape(x, batch, inputSize, "x");
        if (batch < 1) {
            throw new IllegalArgumentException("x must have at least one row");
        }
        Tensors.checkShape(hPrev, batch, hiddenSize, "hPrev");
        if (type.hasCellState()) {
            Tensors.checkShape(cPrev, batch, hiddenSize, "cPrev");
        }
        StepCache cache = reuse;
        if (cache == null) {
            cache = new StepCache(this, batch);
        } else if (cache.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another cell");
        } else {
            cache.reshape(batch);
        }
        cache.x.setTo(x);
        cache.hPrev.setTo(hPrev);
        if (type.hasCellState()) {
            cache.cPrev.setTo(cPrev);
        }
        inputProduct(batch, cache.x.data, 0, cache.gates.data, 0, cache.workspace);
        boolean intoGates = addsStateProductToGates();
        stateProduct(batch, cache.hPrev.data, 0, intoGates ? cache.gates.data : cache.stateProj.data, 0, null);
        forwardGates(batch, null, cache.gates.data, 0, cache.stateProj.data,
                cache.hPrev.data, cache.cPrev.data, 0, cache.h.data, cache.c.data, cache.aux.data, 0,
                cache.workspace);
        cache.backwardDone = false;
        return cache;
    }

    final void stepBackward(StepCache cache, FMatrixRMaj dOutput, FMatrixRMaj dhNext, FMatrixRMaj dcNext) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must come from this cell's forward");
        }
        int batch = cache.batch;
        // dh: (B, H) = dOutput + dhNext, the whole gradient into h_t; dc: (B, H) = dcNext
        float[] dh = cache.dhPrev.data;
        Arrays.fill(dh, 0, batch * hiddenSize, 0f);
        if (dOutput != null) {
            Tensors.checkShape(dOutput, batch, hiddenSize, "dOutput");
            Tensors.addTo(dOutput, cache.dhPrev);
        }
        if (dhNext != null) {
            Tensors.checkShape(dhNext, batch, hiddenSize, "dhNext");
            Tensors.addTo(dhNext, cache.dhPrev);
        }
        float[] dc = cache.dcPrev.data;
        if (type.hasCellState()) {
            Arrays.fill(dc, 0, batch * hiddenSize, 0f);
            if (dcNext != null) {
                Tensors.checkShape(dcNext, batch, hiddenSize, "dcNext");
                Tensors.addTo(dcNext, cache.dcPrev);
            }
        } else if (dcNext != null) {
            throw new IllegalArgumentException("dcNext must be null: a " + type + " cell has no cell state");
        }
        float[] dGatesH = separateStateGateGradient() ? cache.dGatesH.data : cache.dGatesX.data;
        backwardGates(batch, null, cache.gates.data, 0, cache.hPrev.data, cache.cPrev.data, 0,
                cache.aux.data, 0, dh, dc, cache.dGatesX.data, 0, dGatesH, 0, cache.workspace);
        addInputWeightGradient(batch, cache.dGatesX.data, 0, cache.x.data, 0);
        addStateWeightGradient(batch, dGatesH, 0, cache.hPrev.data, 0);
        addBiasGradients(batch, cache.dGatesX.data, dGatesH, 0, cache.workspace);
        inputGradient(batch, cache.dGatesX.data, 0, false, cache.dx.data, 0);
        addStateGradient(batch, dGatesH, 0, dh);
        cache.backwardDone = true;
    }

    /**
     * What one step of a cell keeps for its backward pass, and the input gradients that backward writes.
     *
     * <p>Made by a cell's {@code forward}; may be passed back to {@code forward} of the same cell to be
     * reused, so that a loop over steps with one cache per step allocates nothing after the first pass.
     * The cache copies its inputs, so the caller may overwrite {@code x}, {@code hPrev} and
     * {@code cPrev} after forward.
     */
    public static final class StepCache {

        private final RecurrentCell owner;
        private int batch;
        // x: (B, I), hPrev/cPrev: (B, H) copies of the inputs
        private final FMatrixRMaj x;
        private final FMatrixRMaj hPrev;
        private final FMatrixRMaj cPrev;
        // gates: (B, G·H) activated gates; stateProj: (B, G·H) h·W_hhᵀ + b_hh (GRU only)
        private final FMatrixRMaj gates;
        private final FMatrixRMaj stateProj;
        // h, c: (B, H) outputs; aux: (B, H) tanh(c) (LSTM) or W_hn·h + b_hn (GRU)
        private final FMatrixRMaj h;
        private final FMatrixRMaj c;
        private final FMatrixRMaj aux;
        // dGatesX, dGatesH: (B, G·H)
        private final FMatrixRMaj dGatesX;
        private final FMatrixRMaj dGatesH;
        // dx: (B, I), dhPrev/dcPrev: (B, H)
        private final FMatrixRMaj dx;
        private final FMatrixRMaj dhPrev;
        private final FMatrixRMaj dcPrev;
        private final GateWorkspace workspace;
        private boolean backwardDone;

        StepCache(RecurrentCell owner, int batch) {
            this.owner = owner;
            int hs = owner.hiddenSize;
            int gw = owner.gateWidth;
            int cs = owner.type.hasCellState() ? hs : 1;
            this.x = new FMatrixRMaj(batch, owner.inputSize);
            this.hPrev = new FMatrixRMaj(batch, hs);
            this.cPrev = new FMatrixRMaj(batch, cs);
            this.gates = new FMatrixRMaj(batch, gw);
            this.stateProj = new FMatrixRMaj(batch, owner.addsStateProductToGates() ? 1 : gw);
            this.h = new FMatrixRMaj(batch, hs);
            this.c = new FMatrixRMaj(batch, cs);
            this.aux = new FMatrixRMaj(batch, hs);
            this.dGatesX = new FMatrixRMaj(batch, gw);
            this.dGatesH = new FMatrixRMaj(batch, owner.separateStateGateGradient() ? gw : 1);
            this.dx = new FMatrixRMaj(batch, owner.inputSize);
            this.dhPrev = new FMatrixRMaj(batch, hs);
            this.dcPrev = new FMatrixRMaj(batch, cs);
            this.workspace = new GateWorkspace(hs, gw);
            this.batch = batch;
        }

        void reshape(int newBatch) {
            if (newBatch == batch) {
                return;
            }
            for (FMatrixRMaj m : new FMatrixRMaj[] {x, hPrev, cPrev, gates, stateProj, h, c, aux,
                    dGatesX, dGatesH, dx, dhPrev, dcPrev}) {
                m.reshape(newBatch, m.numCols);
            }
            batch = newBatch;
        }

        /**
         * Batch size {@code B} of the step.
         *
         * @return B
         */
        public int batchSize() {
            return batch;
        }

        /**
         * The new hidden state {@code h_t} (also the cell's output).
         *
         * @return (B, H); owned by the cache, overwritten by the next forward that reuses it
         */
        public FMatrixRMaj hidden() {
            return h;
        }

        /**
         * The new cell state {@code c_t} of an LSTM.
         *
         * @return (B, H); owned by the cache
         * @throws IllegalStateException if the cell is not an LSTM
         */
        public FMatrixRMaj cellState() {
            if (!owner.type.hasCellState()) {
                throw new IllegalStateException("a " + owner.type + " cell has no cell state");
            }
            return c;
        }

        /**
         * The gate activations of the step, for diagnostics such as gate saturation: the gate blocks
         * packed in the cell's order, each after its nonlinearity.
         * <pre>
         *   LSTM  [i | f | g | o] = [σ(a_i) | σ(a_f) | tanh(a_g) | σ(a_o)]           (B, 4H)
         *   GRU   [r | z | n]     = [σ(…) | σ(…) | tanh(x_n + r ⊙ h_n)]             (B, 3H)
         * </pre>
         *
         * @return (B, G·H); owned by the cache, overwritten by the next forward that reuses it; read only
         * @throws IllegalStateException if the cell is an Elman cell (it has no gates)
         */
        public FMatrixRMaj gates() {
            if (owner.type.gateCount() == 1) {
                throw new IllegalStateException("an Elman " + owner.type + " cell has no gates");
            }
            return gates;
        }

        /**
         * Gradient with respect to the step's input {@code x}.
         *
         * @return (B, I); owned by the cache
         * @throws IllegalStateException if backward has not run since the last forward
         */
        public FMatrixRMaj dx() {
            checkBackwardDone();
            return dx;
        }

        /**
         * Gradient with respect to the previous hidden state {@code h_{t−1}}.
         *
         * @return (B, H); owned by the cache
         * @throws IllegalStateException if backward has not run since the last forward
         */
        public FMatrixRMaj dhPrev() {
            checkBackwardDone();
            return dhPrev;
        }

        /**
         * Gradient with respect to the previous cell state {@code c_{t−1}} of an LSTM.
         *
         * @return (B, H); owned by the cache
         * @throws IllegalStateException if backward has not run since the last forward, or the cell is
         *                               not an LSTM
         */
        public FMatrixRMaj dcPrev() {
            checkBackwardDone();
            if (!owner.type.hasCellState()) {
                throw new IllegalStateException("a " + owner.type + " cell has no cell state");
            }
            return dcPrev;
        }

        private void checkBackwardDone() {
            if (!backwardDone) {
                throw new IllegalStateException("backward has not run on this cache since its forward");
            }
        }
    }
}
