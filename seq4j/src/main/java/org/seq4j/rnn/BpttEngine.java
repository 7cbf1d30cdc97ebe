package org.seq4j.rnn;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.WorkerTeam;

/**
 * The fast execution of one {@link RecurrentLayer} pass: everything that makes the time loops of
 * {@link RecurrentLayer#forward} and {@link RecurrentLayer#backward} fast, behind the two calls that run
 * one layer and direction. Each {@link RecurrentLayer.Cache} owns one engine, so two caches never share a
 * mutable buffer; the engine holds no reference to a layer between calls.
 *
 * <p>What it does beyond the plain time loop of {@link ReferenceBptt} (which computes the same values):
 * <ul>
 *   <li>the input product of all {@code T} steps as one matrix product before the loop, and the weight
 *       gradients and the input gradient as products over all steps after it;</li>
 *   <li>copies of the weights in the layouts of the per-step products ({@link StepWeightCopies});</li>
 *   <li>the joint backward products of RNN and LSTM: {@code [dh_{t−1} | dx_t] (+)= dGates_t·[W_hh | W_ih]}
 *       per step and {@code [dW_ih | dW_hh] += dGatesᵀ·[x | h_prev]} over all steps;</li>
 *   <li>the time loop on shards of the batch, one thread each, on the {@link WorkerTeam}.</li>
 * </ul>
 * Every value is computed by the same arithmetic whatever the path: the results do not depend on the
 * number of threads or shards, bit for bit.
 */
final class BpttEngine {

    /**
     * Per-step work (multiply-adds of the state product of a whole batch) from which the time loop is
     * split into shards of the batch: below it, waking a thread costs more than it saves.
     */
    static final long SHARD_MIN_WORK = 1L << 16;

    private final RecurrentConfig config;
    /** traces[k·D + d]: what layer k, direction d records over the steps of a forward. */
    private final Trace[] traces;
    // shards[p]: the rows and buffers of part p of a time loop (shards[0] alone when it is not split)
    private Shard[] shards = new Shard[0];
    /** The number of shards of the latest time loop (for white-box tests). */
    private int lastShardCount;
    // jointInput: (T·B, I + H) and jointGradient: (G·H, I + H), the joint weight-gradient product's
    // operands (RNN, LSTM); grown on first use
    private float[] jointInput = new float[0];
    private float[] jointGradient = new float[0];
    // stepWeights[k·D + d]: copies of each cell's weights for the per-step products, made at first use
    private final StepWeightCopies[] stepWeights;
    private final GateWorkspace workspace;
    // dGatesX, dGatesH: (T·B, G·H) gradients of the input and state products at every step
    private final FMatrixRMaj dGatesX = new FMatrixRMaj(0, 0);
    private final FMatrixRMaj dGatesH = new FMatrixRMaj(0, 0);
    // the time loops as tasks for the worker team (reused, so that dispatch allocates nothing)
    private final ForwardLoop forwardLoop = new ForwardLoop();
    private final BackwardLoop backwardLoop = new BackwardLoop();

    BpttEngine(RecurrentConfig config) {
        this.config = config;
        int count = config.numLayers() * config.numDirections();
        this.stepWeights = new StepWeightCopies[count];
        this.workspace = new GateWorkspace(config.hiddenSize(), config.cell().gateCount() * config.hiddenSize());
        this.traces = new Trace[count];
        for (int i = 0; i < count; i++) {
            traces[i] = new Trace();
        }
    }

    /** Sizes the traces for a forward over {@code rows = T·B} rows (they only grow). */
    void prepareForward(int rows) {
        for (Trace trace : traces) {
            trace.reshape(rows, config);
        }
    }

    /** Sizes the gate gradients for a backward over {@code rows = T·B} rows (they only grow). */
    void prepareBackward(int rows) {
        int gw = config.cell().gateCount() * config.hiddenSize();
        dGatesX.reshape(rows, gw);
        dGatesH.reshape(config.cell() == CellType.GRU ? rows : 0, gw);
    }

    /** The trace of one layer and direction (for white-box tests). */
    Trace trace(int layer, int direction) {
        return traces[layer * config.numDirections() + direction];
    }

    /** The number of shards the latest time loop ran on (for white-box tests). */
    int lastShardCount() {
        return lastShardCount;
    }

    // ----------------------------------------------------------------------------------------------
    // Forward

    /**
     * Runs layer k, direction d over all steps: writes its trace, its rows of the final states and its
     * columns {@code [d·H, d·H + H)} of {@code cc.layerOutputs[k]} (zero at padded steps).
     *
     * @param cell the cell of layer k, direction d
     * @param cc   the cache being filled, with its shape, lengths and initial states set
     * @param in   (T·B, I_k) the layer's input
     */
    void forwardDirection(RecurrentCell cell, RecurrentLayer.Cache cc, int k, int d, float[] in) {
        int index = k * config.numDirections() + d;
        Trace trace = traces[index];
        int steps = cc.steps;
        int batch = cc.batch;
        int hs = config.hiddenSize();
        int stateOff = index * batch * hs;

        // gates: (T·B, G·H) = bias + input·W_ihᵀ for all steps in one product
        cell.inputProduct(steps * batch, in, 0, trace.gates.data, 0, workspace);
        // copies of W_hh in the layouts of the per-step products, refreshed once per forward
        stepWeights(index, cell).refreshForward(batch);

        // the time loop, on shards of the batch in parallel when that pays (see Shard)
        int parts = prepareShards(cc, cell);
        if (parts == 1) {
            forwardSteps(cell, cc, index, d, shards[0]);
        } else {
            forwardLoop.set(cell, cc, index, d);
            WorkerTeam.shared().run(forwardLoop);
        }
        int t = d == 0 ? steps - 1 : 0;
        // padded steps carried the state, so the last processed step holds every sequence's final state
        System.arraycopy(trace.hidden.data, t * batch * hs, cc.hN.data, stateOff, batch * hs);
        if (config.cell().hasCellState()) {
            System.arraycopy(trace.cellState.data, t * batch * hs, cc.cN.data, stateOff, batch * hs);
        }
        // output: (T·B, D·H); this direction's columns [d·H, d·H + H), zero at padded steps
        float[] out = cc.layerOutputs[k].data;
        int width = config.outputSize();
        for (int step = 0; step < steps; step++) {
            for (int b = 0; b < batch; b++) {
                int o = (step * batch + b) * width + d * hs;
                if (cc.isActive(step, b)) {
                    System.arraycopy(trace.hidden.data, (step * batch + b) * hs, out, o, hs);
                } else {
                    Arrays.fill(out, o, o + hs, 0f);
                }
            }
        }
    }

    /** The forward time loop of layer k, direction d over the rows of one shard. */
    private void forwardSteps(RecurrentCell cell, RecurrentLayer.Cache cc, int index, int d, Shard shard) {
        Trace trace = traces[index];
        StepWeightCopies weights = stepWeights[index];
        int steps = cc.steps;
        int batch = cc.batch;
        int hs = config.hiddenSize();
        int gw = cell.gateWidth;
        int b0 = shard.b0;
        int rows = shard.b1 - b0;
        boolean intoGates = cell.addsStateProductToGates();
        float[] hPrev = cc.h0.data;
        float[] cPrev = cc.c0.data;
        int prevOff = (index * batch + b0) * hs;
        for (int s = 0; s < steps; s++) {
            int t = d == 0 ? s : steps - 1 - s;
            boolean[] active = cc.activeAt(t);   // null unless lengths were given (then one shard only)
            int gOff = (t * batch + b0) * gw;
            // the gates of step t (RNN, LSTM) += h_{t−1}·W_hhᵀ, or stateProj: (rows, G·H) = b_hh + h_{t−1}·W_hhᵀ
            weights.stateProduct(rows, hPrev, prevOff, intoGates ? trace.gates.data : shard.stateProj,
                    intoGates ? gOff : 0, shard.workspace.row);
            int rowOff = (t * batch + b0) * hs;
            cell.forwardGates(rows, active, trace.gates.data, gOff, shard.stateProj, hPrev, cPrev, prevOff,
                    trace.hidden.data, trace.cellState.data, trace.aux.data, rowOff, shard.workspace);
            hPrev = trace.hidden.data;
            cPrev = trace.cellState.data;
            prevOff = rowOff;
        }
    }

    /**
     * Sets the shards for a time loop of this cell and returns their number: the team's size when each
     * shard's per-step product is small enough that Gemm would compute it on one thread anyway (so the
     * shards run without contention and without a synchronisation per step) and the step is worth
     * splitting; else 1, and large per-step products are split by Gemm itself.
     */
    private int prepareShards(RecurrentLayer.Cache cc, RecurrentCell cell) {
        int batch = cc.batch;
        int parts = 1;
        int threads = Gemm.threads();
        if (threads > 1 && !cc.hasLengths && batch >= 2) {
            long stepWork = (long) batch * cell.gateWidth * cell.hiddenSize;
            long shardWork = (long) ((batch + threads - 1) / threads) * cell.gateWidth * cell.hiddenSize;
            if (stepWork >= SHARD_MIN_WORK && shardWork < Gemm.PARALLEL_MIN_WORK) {
                parts = WorkerTeam.shared().size();
            }
        }
        splitIntoShards(batch, parts);
        lastShardCount = parts;
        return parts;
    }

    /** Splits the batch into {@code parts} shards as even as possible, growing their buffers if needed. */
    private void splitIntoShards(int batch, int parts) {
        if (shards.length < parts) {
            Shard[] grown = Arrays.copyOf(shards, parts);
            for (int p = shards.length; p < parts; p++) {
                grown[p] = new Shard(config);
            }
            shards = grown;
        }
        int hs = config.hiddenSize();
        int gw = config.cell().gateCount() * hs;
        for (int p = 0; p < shards.length; p++) {
            Shard shard = shards[p];
            shard.b0 = p < parts ? (int) ((long) batch * p / parts) : 0;
            shard.b1 = p < parts ? (int) ((long) batch * (p + 1) / parts) : 0;
            int rows = shard.b1 - shard.b0;
            if (config.cell() == CellType.GRU && shard.stateProj.length < rows * gw) {
                shard.stateProj = new float[rows * gw];
            }
            if (shard.dh.length < rows * hs) {
                shard.dh = new float[rows * hs];
                shard.dc = new float[config.cell().hasCellState() ? rows * hs : 0];
            }
            // the widest layer input: I, or D·H above the first layer
            int jointWidth = hs + Math.max(config.inputSize(), config.numLayers() > 1 ? config.outputSize() : 0);
            if (config.cell() != CellType.GRU && shard.joint.length < Math.max(rows, 1) * jointWidth) {
                shard.joint = new float[Math.max(rows, 1) * jointWidth];
            }
        }
    }

    /** The weight copies of one cell, made at their first use. */
    private StepWeightCopies stepWeights(int index, RecurrentCell cell) {
        if (stepWeights[index] == null) {
            stepWeights[index] = new StepWeightCopies(cell);
        }
        return stepWeights[index];
    }

    // ----------------------------------------------------------------------------------------------
    // Backward

    /**
     * Backpropagates through layer k, direction d: adds into the cell's parameter gradients, writes its
     * rows of {@code cc.dh0} (and {@code cc.dc0}), and writes (or, with {@code accumulate}, adds into)
     * {@code dIn}.
     *
     * @param cell       the cell of layer k, direction d
     * @param cc         the cache of the forward
     * @param dOut       (T·B, D·H) gradient with respect to the layer's output, or null for zero; this
     *                   direction reads its columns at real steps
     * @param dHN        (L·D·B, H) gradient with respect to the final hidden states, or null
     * @param dCN        (L·D·B, H) gradient with respect to the final cell states (LSTM), or null
     * @param in         (T·B, I_k) the layer's input in the forward
     * @param dIn        (T·B, I_k) gradient with respect to the layer's input; written or accumulated
     * @param accumulate whether to add into dIn (the second direction) instead of overwriting it
     */
    void backwardDirection(RecurrentCell cell, RecurrentLayer.Cache cc, int k, int d, float[] dOut,
                           FMatrixRMaj dHN, FMatrixRMaj dCN, float[] in, float[] dIn, boolean accumulate) {
        int index = k * config.numDirections() + d;
        Trace trace = traces[index];
        int steps = cc.steps;
        int batch = cc.batch;
        int hs = config.hiddenSize();
        int gw = cell.gateWidth;
        int stateOff = index * batch * hs;

        StepWeightCopies weights = stepWeights(index, cell);
        weights.refreshBackward(batch);
        // the time loop, on shards of the batch in parallel when that pays (see Shard); for RNN and LSTM it
        // also forms dIn step by step
        int parts = prepareShards(cc, cell);
        if (parts == 1) {
            backwardSteps(cell, cc, index, d, dOut, dHN, dCN, dIn, accumulate, shards[0]);
        } else {
            backwardLoop.set(cell, cc, index, d, dOut, dHN, dCN, dIn, accumulate);
            WorkerTeam.shared().run(backwardLoop);
        }
        // dGatesX, dGatesH: (T·B, G·H), gradients of the input and state products at every step
        float[] dGx = dGatesX.data;
        float[] dGh = cell.separateStateGateGradient() ? dGatesH.data : dGx;

        if (weights.jointBackward()) {
            // [dW_ih | dW_hh] += dGatesᵀ·[input | h_prev] over all steps in one product
            addJointWeightGradients(cell, cc, index, d, in);
        } else {
            // dW_ih += dGatesXᵀ·input over all steps in one product
            cell.addInputWeightGradient(steps * batch, dGx, 0, in, 0);
            // dW_hh += dGatesHᵀ·h_prev: the previous states of steps 1…T−1 (in processing order) are rows of
            // the trace shifted by one step; the first processed step's previous state is h0
            int firstStep = d == 0 ? 0 : steps - 1;
            if (steps > 1) {
                int later = d == 0 ? batch * gw : 0;        // dGatesH rows of the steps that have a predecessor
                int previous = d == 0 ? 0 : batch * hs;     // the trace rows that are their predecessors
                cell.addStateWeightGradient((steps - 1) * batch, dGh, later, trace.hidden.data, previous);
            }
            cell.addStateWeightGradient(batch, dGh, firstStep * batch * gw, cc.h0.data, stateOff);
        }
        cell.addBiasGradients(steps * batch, dGx, dGh, 0, workspace);
        if (!weights.jointBackward()) {
            // dIn (+)= dGatesX·W_ih over all steps; the second direction adds to the first
            cell.inputGradient(steps * batch, dGx, 0, accumulate, dIn, 0);
        }
    }

    /**
     * The weight gradients of an RNN or LSTM cell as one product, {@code (G·H, T·B)·(T·B, I + H)}:
     * <pre>
     *   xh: (T·B, I + H)      row t·B + b = [input_t(b) | h_{t−1}(b)]   (h_{t−1} of the first step: h0)
     *   [dW_ih | dW_hh] += dGatesᵀ·xh
     * </pre>
     * One product {@code I + H} wide runs faster than two narrower ones (a 128-wide product wastes half
     * of Gemm's 256-column blocks); the chains start from the gradients as they are, as in two products.
     */
    private void addJointWeightGradients(RecurrentCell cell, RecurrentLayer.Cache cc, int index, int d,
                                         float[] in) {
        Trace trace = traces[index];
        int steps = cc.steps;
        int batch = cc.batch;
        int hs = cell.hiddenSize;
        int is = cell.inputSize;
        int gw = cell.gateWidth;
        int w = is + hs;
        int rows = steps * batch;
        float[] xh = jointInput(rows * w);
        for (int t = 0; t < steps; t++) {
            boolean first = d == 0 ? t == 0 : t == steps - 1;
            float[] hPrev = first ? cc.h0.data : trace.hidden.data;
            int prevRow = first ? index * batch : (d == 0 ? t - 1 : t + 1) * batch;
            for (int b = 0; b < batch; b++) {
                int r = t * batch + b;
                System.arraycopy(in, r * is, xh, r * w, is);
                System.arraycopy(hPrev, (prevRow + b) * hs, xh, r * w + is, hs);
            }
        }
        float[] grads = jointGradient(gw * w);
        float[] dWih = cell.weightIh.grad().data;
        float[] dWhh = cell.weightHh.grad().data;
        for (int j = 0; j < gw; j++) {
            System.arraycopy(dWih, j * is, grads, j * w, is);
            System.arraycopy(dWhh, j * hs, grads, j * w + is, hs);
        }
        Gemm.sgemm(true, false, gw, w, rows, dGatesX.data, 0, gw, xh, 0, w, true, grads, 0, w);
        for (int j = 0; j < gw; j++) {
            System.arraycopy(grads, j * w, dWih, j * is, is);
            System.arraycopy(grads, j * w + is, dWhh, j * hs, hs);
        }
    }

    private float[] jointInput(int length) {
        if (jointInput.length < length) {
            jointInput = new float[length];
        }
        return jointInput;
    }

    private float[] jointGradient(int length) {
        if (jointGradient.length < length) {
            jointGradient = new float[length];
        }
        return jointGradient;
    }

    /**
     * The backward time loop of layer k, direction d over the rows of one shard; writes its rows of dh0,
     * dc0, and for RNN and LSTM of dIn (T·B, I_k), into which the second direction accumulates.
     */
    private void backwardSteps(RecurrentCell cell, RecurrentLayer.Cache cc, int index, int d, float[] dOut,
                               FMatrixRMaj dHN, FMatrixRMaj dCN, float[] dIn, boolean accumulate, Shard shard) {
        Trace trace = traces[index];
        StepWeightCopies weights = stepWeights[index];
        int steps = cc.steps;
        int batch = cc.batch;
        int hs = config.hiddenSize();
        int gw = cell.gateWidth;
        int width = config.outputSize();
        int b0 = shard.b0;
        int rows = shard.b1 - b0;
        int stateOff = (index * batch + b0) * hs;
        boolean lstm = config.cell().hasCellState();

        // dh, dc: (rows, H), the gradient flowing back into h_t and c_t, starting from the final states
        float[] dh = shard.dh;
        float[] dc = shard.dc;
        fillSlice(dHN, stateOff, dh, rows * hs);
        if (lstm) {
            fillSlice(dCN, stateOff, dc, rows * hs);
        }
        // dGatesX, dGatesH: (T·B, G·H), gradients of the input and state products at every step
        float[] dGx = dGatesX.data;
        float[] dGh = cell.separateStateGateGradient() ? dGatesH.data : dGx;

        for (int s = steps - 1; s >= 0; s--) {
            int t = d == 0 ? s : steps - 1 - s;
            boolean[] active = cc.activeAt(t);   // null unless lengths were given (then one shard only)
            if (dOut != null) {
                for (int r = 0; r < rows; r++) {
                    if (active == null || active[r]) {
                        int o = (t * batch + b0 + r) * width + d * hs;
                        for (int j = 0; j < hs; j++) {
                            dh[r * hs + j] += dOut[o + j];
                        }
                    }
                }
            }
            float[] hPrev;
            float[] cPrev;
            int prevOff;
            if (s == 0) {
                hPrev = cc.h0.data;
                cPrev = cc.c0.data;
                prevOff = stateOff;
            } else {
                hPrev = trace.hidden.data;
                cPrev = trace.cellState.data;
                prevOff = ((d == 0 ? t - 1 : t + 1) * batch + b0) * hs;
            }
            int gOff = (t * batch + b0) * gw;
            cell.backwardGates(rows, active, trace.gates.data, gOff, hPrev, cPrev, prevOff,
                    trace.aux.data, (t * batch + b0) * hs, dh, dc, dGx, gOff, dGh, gOff, shard.workspace);
            if (weights.jointBackward()) {
                // [dh_{t−1} | dIn_t] (+)= dGates_t·[W_hh | W_ih]
                weights.jointBackwardProduct(rows, dGx, gOff, dh, dIn, (t * batch + b0) * cell.inputSize,
                        accumulate, shard.joint, rows < batch);
            } else {
                // dh_{t−1} += dGatesH_t·W_hh
                weights.addStateGradient(rows, dGh, gOff, dh, shard.workspace.row);
            }
        }
        System.arraycopy(dh, 0, cc.dh0.data, stateOff, rows * hs);
        if (lstm) {
            System.arraycopy(dc, 0, cc.dc0.data, stateOff, rows * hs);
        }
    }

    private static void fillSlice(FMatrixRMaj source, int off, float[] target, int length) {
        if (source == null) {
            Arrays.fill(target, 0, length, 0f);
        } else {
            System.arraycopy(source.data, off, target, 0, length);
        }
    }

    // ----------------------------------------------------------------------------------------------

    /** The forward time loop of one layer and direction as a task: part p runs shard p. */
    private final class ForwardLoop implements WorkerTeam.Task {
        private RecurrentCell cell;
        private RecurrentLayer.Cache cc;
        private int index;
        private int d;

        void set(RecurrentCell layerCell, RecurrentLayer.Cache cache, int layerDirection, int direction) {
            this.cell = layerCell;
            this.cc = cache;
            this.index = layerDirection;
            this.d = direction;
        }

        @Override
        public void run(int part) {
            Shard shard = shards[part];
            if (shard.b1 > shard.b0) {
                forwardSteps(cell, cc, index, d, shard);
            }
        }
    }

    /** The backward time loop of one layer and direction as a task: part p runs shard p. */
    private final class BackwardLoop implements WorkerTeam.Task {
        private RecurrentCell cell;
        private RecurrentLayer.Cache cc;
        private int index;
        private int d;
        private float[] dOut;
        private FMatrixRMaj dHN;
        private FMatrixRMaj dCN;
        private float[] dIn;
        private boolean accumulate;

        void set(RecurrentCell layerCell, RecurrentLayer.Cache cache, int layerDirection, int direction,
                 float[] dOutput, FMatrixRMaj dFinalH, FMatrixRMaj dFinalC, float[] dInput, boolean accumulateInput) {
            this.cell = layerCell;
            this.cc = cache;
            this.index = layerDirection;
            this.d = direction;
            this.dOut = dOutput;
            this.dHN = dFinalH;
            this.dCN = dFinalC;
            this.dIn = dInput;
            this.accumulate = accumulateInput;
        }

        @Override
        public void run(int part) {
            Shard shard = shards[part];
            if (shard.b1 > shard.b0) {
                backwardSteps(cell, cc, index, d, dOut, dHN, dCN, dIn, accumulate, shard);
            }
        }
    }

    /**
     * Rows {@code [b0, b1)} of the batch that one thread carries through a time loop, with that thread's
     * buffers. Within a layer the sequences of a batch are independent, so the shards of a loop need no
     * synchronisation until it ends, and every row is computed exactly as without shards: the results do
     * not depend on the number of threads.
     */
    static final class Shard {
        int b0;
        int b1;
        final GateWorkspace workspace;
        // stateProj: (rows, G·H) the GRU's state product; dh, dc: (rows, H) the gradients carried back in time;
        // joint: (rows, H + I_k) the joint backward product of RNN and LSTM
        float[] stateProj = new float[0];
        float[] dh = new float[0];
        float[] dc = new float[0];
        float[] joint = new float[0];

        Shard(RecurrentConfig config) {
            this.workspace = new GateWorkspace(config.hiddenSize(), config.cell().gateCount() * config.hiddenSize());
        }
    }

    /** Everything one layer and direction records over the steps of a forward pass. */
    static final class Trace {
        /** (T·B, G·H): the activated gates of every step (relu RNN: the pre-activation). */
        final FMatrixRMaj gates = new FMatrixRMaj(0, 0);
        /** (T·B, H): h_t of every step; padded steps carry the previous state. */
        final FMatrixRMaj hidden = new FMatrixRMaj(0, 0);
        /** (T·B, H): c_t of every step (LSTM only). */
        final FMatrixRMaj cellState = new FMatrixRMaj(0, 0);
        /** (T·B, H): tanh(c_t) (LSTM) or W_hn·h_{t−1} + b_hn (GRU). */
        final FMatrixRMaj aux = new FMatrixRMaj(0, 0);

        void reshape(int rows, RecurrentConfig config) {
            int hs = config.hiddenSize();
            CellType type = config.cell();
            gates.reshape(rows, type.gateCount() * hs);
            hidden.reshape(rows, hs);
            cellState.reshape(type.hasCellState() ? rows : 0, hs);
            aux.reshape(type == CellType.LSTM || type == CellType.GRU ? rows : 0, hs);
        }
    }
}
