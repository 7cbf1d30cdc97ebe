package org.seq4j.rnn;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameters;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.WorkerTeam;
import org.seq4j.tensor.Tensors;

/**
 * A multi-layer, optionally bidirectional recurrent layer over a batch of sequences, with
 * backpropagation through time: PyTorch's {@code nn.RNN}, {@code nn.LSTM} and {@code nn.GRU}
 * ({@code batch_first=False}), including packed variable-length batches.
 *
 * <h2>Shapes</h2>
 * With {@code L} layers, {@code D} directions (2 if bidirectional) and the letters of
 * {@link org.seq4j.rnn the package}:
 * <pre>
 *   x        (T·B, I)       input, time-major: row t·B + b is step t of sequence b
 *   output   (T·B, D·H)     top layer's h_t; columns [0, H) forward, [H, 2H) reverse direction
 *   h0, hN   (L·D·B, H)     initial and final hidden states: row (k·D + d)·B + b is layer k,
 *                           direction d, sequence b (PyTorch's (L·D, B, H) flattened)
 *   c0, cN   (L·D·B, H)     the same for the LSTM cell state
 * </pre>
 *
 * <h2>Computation</h2>
 * Layer {@code k}, direction {@code d} runs its {@link RecurrentCell} over the steps in order
 * {@code t = 0 … T−1} (forward) or {@code t = T−1 … 0} (reverse), starting from its rows of {@code h0}
 * (and {@code c0}). Layer 0 reads {@code x}; layer {@code k > 0} reads the {@code (T·B, D·H)} output of
 * layer {@code k − 1}, on which dropout acts during training. Per layer and direction the input product
 * of all {@code T} steps is one matrix product; only the state product runs per step. Backward walks the
 * steps in the opposite order carrying {@code dh} (and {@code dc}), then forms the weight gradients and
 * the input gradient each as one product over all steps.
 *
 * <h2>Variable lengths</h2>
 * With {@code lengths[b]} (each in {@code [1, T]}), steps {@code t ≥ lengths[b]} of sequence {@code b} are
 * padding, as in {@code pack_padded_sequence(..., enforce_sorted=False)}: they neither change the state
 * nor receive or pass on gradient, their output rows are zero (their gradient rows are ignored), and the
 * final state of sequence {@code b} is its state after step {@code lengths[b] − 1} (forward) or after
 * step 0 (reverse). The reverse direction starts at each sequence's own last real step. Values of
 * {@code x} in padded rows are never used, but must be finite.
 *
 * <h2>Cache and allocation</h2>
 * {@link #forward} returns this layer's single {@link Cache}: its output and final states, and what
 * {@link #backward} needs. A cache is valid until the next forward of the same layer, which overwrites
 * it. Its buffers are reused: once a batch shape {@code (T, B)} has been seen, a training step of that
 * shape or smaller allocates nothing. Because of this shared cache a layer is not thread-safe.
 *
 * <h2>Threads</h2>
 * With {@link Gemm#threads()} above 1, large products are split by {@link Gemm}, and the time loop of a
 * layer runs on shards of the batch, one thread each, when each shard's per-step products are small
 * enough for one thread (the sequences of a batch are independent within a layer, so the shards need no
 * synchronisation until the loop ends). Either way every value is computed by the same arithmetic: the
 * results do not depend on the number of threads, bit for bit.
 *
 * <h2>Truncated backpropagation through time</h2>
 * Feed a long sequence in chunks; pass the previous chunk's final state as the next chunk's initial
 * state and ignore {@code dh0}/{@code dc0}, so the state is carried on but the gradient stops at the
 * chunk boundary. The cache copies {@code h0}/{@code c0}, so the final-state matrices may be passed
 * directly:
 * <pre>{@code
 *   FMatrixRMaj h = new FMatrixRMaj(config.stateRows(B), H);            // zero state to start
 *   FMatrixRMaj c = new FMatrixRMaj(config.stateRows(B), H);            // (LSTM only; else null)
 *   for (FMatrixRMaj chunk : chunks) {                                  // each (T·B, I)
 *       RecurrentLayer.Cache cache = layer.forward(chunk, B, null, h, c, dropoutRandom);
 *       // ... head and loss on cache.output(), giving dOutput ...
 *       layer.backward(cache, dOutput, null, null);                     // nothing from the next chunk
 *       h.setTo(cache.finalHidden());                                   // carry the state on
 *       c.setTo(cache.finalCellState());
 *   }
 * }</pre>
 *
 * <h2>Generation</h2>
 * {@link #newState(int)} and {@link #step} run a unidirectional layer one step at a time, keeping the
 * state between calls and allocating nothing per step. {@link #freeze()} makes a copy of the weights
 * laid out for such steps, which computes the same values faster (the loop of text generation).
 */
public final class RecurrentLayer implements Module {

    private final RecurrentConfig config;
    /** cells[k·D + d]: layer k, direction d. */
    private final RecurrentCell[] cells;
    private final Parameters parameters = new Parameters();
    private final Cache cache;
    // the time loops as tasks for the worker team (reused, so that dispatch allocates nothing)
    private final ForwardLoop forwardLoop = new ForwardLoop();
    private final BackwardLoop backwardLoop = new BackwardLoop();

    /**
     * Per-step work (multiply-adds of the state product of a whole batch) from which the time loop is
     * split into shards of the batch: below it, waking a thread costs more than it saves.
     */
    static final long SHARD_MIN_WORK = 1L << 16;

    /**
     * Creates a layer and initialises every cell with the same scheme, cell by cell in PyTorch's
     * registration order.
     *
     * @param config the configuration
     * @param init   the initialisation scheme
     * @param random random stream for the initialisation; advanced
     * @throws IllegalArgumentException if an argument is null or the scheme does not fit the cell type
     */
    public RecurrentLayer(RecurrentConfig config, RecurrentInit init, RandomGenerator random) {
        if (config == null || init == null || random == null) {
            throw new IllegalArgumentException("config, init and random must not be null");
        }
        this.config = config;
        int directions = config.numDirections();
        this.cells = new RecurrentCell[config.numLayers() * directions];
        for (int k = 0; k < config.numLayers(); k++) {
            for (int d = 0; d < directions; d++) {
                RecurrentCell cell = newCell(config.cell(), config.layerInputSize(k), config.hiddenSize(),
                        config.bias(), init, random);
                cells[k * directions + d] = cell;
                String suffix = "_l" + k + (d == 1 ? "_reverse" : "");
                cell.parameters().forEach(p -> parameters.add(p.withName(p.name() + suffix)));
            }
        }
        this.cache = new Cache(config);
    }

    /**
     * Creates a layer with PyTorch's default initialisation, uniform in {@code (−1/√H, 1/√H)}.
     *
     * @param config the configuration
     * @param seed   seed of the initialisation
     */
    public RecurrentLayer(RecurrentConfig config, long seed) {
        this(config, RecurrentInit.pytorchDefault(), new SplittableRandom(seed));
    }

    private static RecurrentCell newCell(CellType type, int inputSize, int hiddenSize, boolean bias,
                                         RecurrentInit init, RandomGenerator random) {
        return switch (type) {
            case RNN_TANH, RNN_RELU -> new ElmanCell(type, inputSize, hiddenSize, bias, init, random);
            case LSTM -> new LstmCell(inputSize, hiddenSize, bias, init, random);
            case GRU -> new GruCell(inputSize, hiddenSize, bias, init, random);
        };
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public RecurrentConfig config() {
        return config;
    }

    /**
     * The cell of one layer and direction; its parameters are those of this layer (shared).
     *
     * @param layer     layer index in {@code [0, L)}
     * @param direction 0 (forward) or 1 (reverse, bidirectional layers only)
     * @return the cell
     * @throws IllegalArgumentException if an index is out of range
     */
    public RecurrentCell cell(int layer, int direction) {
        if (layer < 0 || layer >= config.numLayers() || direction < 0 || direction >= config.numDirections()) {
            throw new IllegalArgumentException("(layer, direction) must be in [0, " + config.numLayers()
                    + ") × [0, " + config.numDirections() + ") but was (" + layer + ", " + direction + ")");
        }
        return cells[layer * config.numDirections() + direction];
    }

    /**
     * The parameters in PyTorch's {@code state_dict} order and names: for each layer {@code k}, for each
     * direction, {@code weight_ih_l{k}}, {@code weight_hh_l{k}}, {@code bias_ih_l{k}}, {@code bias_hh_l{k}},
     * the reverse direction with the suffix {@code _reverse}.
     *
     * @return the registry
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    // ----------------------------------------------------------------------------------------------
    // Forward

    /**
     * Runs the layer over full-length sequences from zero initial states, without dropout (inference).
     *
     * @param x         (T·B, I) input; not modified, and must not be modified before backward
     * @param batchSize the batch size {@code B}
     * @return this layer's cache, holding the output and final states
     * @throws IllegalArgumentException if a shape is wrong
     */
    public Cache forward(FMatrixRMaj x, int batchSize) {
        return forward(x, batchSize, null, null, null, null);
    }

    /**
     * Runs the layer over a batch of sequences.
     *
     * @param x             (T·B, I) input; not modified, and must not be modified before backward
     * @param batchSize     the batch size {@code B}, at least 1
     * @param lengths       length of each sequence, each in {@code [1, T]}, or null for all {@code T};
     *                      not modified (copied)
     * @param h0            (L·D·B, H) initial hidden states, or null for zeros; not modified (copied)
     * @param c0            (L·D·B, H) initial cell states of an LSTM, or null for zeros; must be null for
     *                      other cells; not modified (copied)
     * @param dropoutRandom random stream for the inter-layer dropout masks in training, advanced; null
     *                      for inference (no dropout)
     * @return this layer's cache, holding the output and final states; valid until the next forward
     * @throws IllegalArgumentException if a shape or length is wrong
     */
    public Cache forward(FMatrixRMaj x, int batchSize, int[] lengths, FMatrixRMaj h0, FMatrixRMaj c0,
                         RandomGenerator dropoutRandom) {
        int steps = checkInput(x, batchSize);
        int stateRows = config.stateRows(batchSize);
        int hs = config.hiddenSize();
        SequenceLengths.check(lengths, batchSize, steps);
        if (h0 != null) {
            Tensors.checkShape(h0, stateRows, hs, "h0");
        }
        if (c0 != null) {
            if (!config.cell().hasCellState()) {
                throw new IllegalArgumentException("c0 must be null: a " + config.cell() + " has no cell state");
            }
            Tensors.checkShape(c0, stateRows, hs, "c0");
        }
        boolean dropout = dropoutRandom != null && config.dropout() > 0f && config.numLayers() > 1;

        Cache cc = cache;
        cc.prepareForward(x, steps, batchSize, lengths, dropout);
        copyOrZero(h0, cc.h0);
        if (config.cell().hasCellState()) {
            copyOrZero(c0, cc.c0);
        }
        float[] in = x.data;
        for (int k = 0; k < config.numLayers(); k++) {
            for (int d = 0; d < config.numDirections(); d++) {
                forwardDirection(cc, k, d, in);
            }
            if (k < config.numLayers() - 1 && dropout) {
                applyDropout(cc.layerOutputs[k], cc.masks[k], cc.dropped[k], config.dropout(), dropoutRandom);
                in = cc.dropped[k].data;
            } else {
                in = cc.layerOutputs[k].data;
            }
        }
        cc.forwardDone = true;
        return cc;
    }

    private int checkInput(FMatrixRMaj x, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        if (x == null || x.numCols != config.inputSize() || x.numRows == 0 || x.numRows % batchSize != 0) {
            throw new IllegalArgumentException("x must be (T·B, " + config.inputSize() + ") with B = "
                    + batchSize + " and T ≥ 1 but was " + (x == null ? "null" : Tensors.shape(x)));
        }
        return x.numRows / batchSize;
    }

    private static void copyOrZero(FMatrixRMaj source, FMatrixRMaj target) {
        if (source == null) {
            Arrays.fill(target.data, 0, target.getNumElements(), 0f);
        } else {
            System.arraycopy(source.data, 0, target.data, 0, target.getNumElements());
        }
    }

    /** Runs layer k, direction d over all steps; writes its trace, final state and half of the output. */
    private void forwardDirection(Cache cc, int k, int d, float[] in) {
        int index = k * config.numDirections() + d;
        RecurrentCell cell = cells[index];
        Trace trace = cc.traces[index];
        int steps = cc.steps;
        int batch = cc.batch;
        int hs = config.hiddenSize();
        int gw = cell.gateWidth;
        int stateOff = index * batch * hs;

        // gates: (T·B, G·H) = bias + input·W_ihᵀ for all steps in one product
        cell.inputProduct(steps * batch, in, 0, trace.gates.data, 0, cc.workspace);
        // copies of W_hh in the layouts of the per-step products, refreshed once per forward
        cc.stepWeights(index, cell).refreshForward(batch);

        // the time loop, on shards of the batch in parallel when that pays (see Shard)
        int parts = prepareShards(cc, cell);
        if (parts == 1) {
            forwardSteps(cc, index, d, cc.shards[0]);
        } else {
            forwardLoop.set(cc, index, d);
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
    private void forwardSteps(Cache cc, int index, int d, Shard shard) {
        RecurrentCell cell = cells[index];
        Trace trace = cc.traces[index];
        StepWeightCopies weights = cc.stepWeights[index];
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
     * Sets the cache's shards for a time loop of this cell and returns their number: the team's size
     * when each shard's per-step product is small enough that Gemm would compute it on one thread anyway
     * (so the shards run without contention and without a synchronisation per step) and the step is
     * worth splitting; else 1, and large per-step products are split by Gemm itself.
     */
    private int prepareShards(Cache cc, RecurrentCell cell) {
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
        cc.prepareShards(parts);
        return parts;
    }

    /** Inverted dropout: mask entries are 0 with probability p, else 1/(1 − p); dropped = out ⊙ mask. */
    private static void applyDropout(FMatrixRMaj out, FMatrixRMaj mask, FMatrixRMaj dropped, float p,
                                     RandomGenerator random) {
        float keep = 1f / (1f - p);
        int n = out.getNumElements();
        for (int i = 0; i < n; i++) {
            float m = random.nextFloat() < p ? 0f : keep;
            mask.data[i] = m;
            dropped.data[i] = out.data[i] * m;
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Backward

    /**
     * Backpropagates through time. Adds ({@code +=}) into the parameter gradients; overwrites the cache's
     * {@link Cache#dx()}, {@link Cache#dh0()} and {@link Cache#dc0()}.
     *
     * @param cache   the cache returned by this layer's latest forward
     * @param dOutput (T·B, D·H) gradient with respect to the output, or null for zero; rows of padded steps
     *                are ignored; not modified
     * @param dHN     (L·D·B, H) gradient with respect to the final hidden states, or null for zero;
     *                not modified
     * @param dCN     (L·D·B, H) gradient with respect to the final cell states (LSTM), or null for zero;
     *                must be null for other cells; not modified
     * @throws IllegalArgumentException if a shape is wrong or the cache is not this layer's
     * @throws IllegalStateException    if forward has not run
     */
    public void backward(Cache cache, FMatrixRMaj dOutput, FMatrixRMaj dHN, FMatrixRMaj dCN) {
        if (cache != this.cache) {
            throw new IllegalArgumentException("the cache must be the one returned by this layer's forward");
        }
        if (!cache.forwardDone) {
            throw new IllegalStateException("backward needs a forward first");
        }
        int steps = cache.steps;
        int batch = cache.batch;
        int hs = config.hiddenSize();
        if (dOutput != null) {
            Tensors.checkShape(dOutput, steps * batch, config.outputSize(), "dOutput");
        }
        if (dHN != null) {
            Tensors.checkShape(dHN, config.stateRows(batch), hs, "dHN");
        }
        if (dCN != null) {
            if (!config.cell().hasCellState()) {
                throw new IllegalArgumentException("dCN must be null: a " + config.cell() + " has no cell state");
            }
            Tensors.checkShape(dCN, config.stateRows(batch), hs, "dCN");
        }
        cache.prepareBackward();
        float[] dOut = dOutput == null ? null : dOutput.data;
        for (int k = config.numLayers() - 1; k >= 0; k--) {
            float[] in = k == 0 ? cache.x.data
                    : (cache.dropout ? cache.dropped[k - 1] : cache.layerOutputs[k - 1]).data;
            // dIn: (T·B, I_k), the gradient into this layer's input (ping-pong buffers between layers)
            FMatrixRMaj dIn = k == 0 ? cache.dx : cache.dHidden[k & 1];
            for (int d = 0; d < config.numDirections(); d++) {
                backwardDirection(cache, k, d, dOut, dHN, dCN, in, dIn.data, d > 0);
            }
            if (k > 0 && cache.dropout) {
                float[] mask = cache.masks[k - 1].data;
                int n = dIn.getNumElements();
                for (int i = 0; i < n; i++) {
                    dIn.data[i] *= mask[i];
                }
            }
            dOut = dIn.data;
        }
        cache.backwardDone = true;
    }

    private void backwardDirection(Cache cc, int k, int d, float[] dOut, FMatrixRMaj dHN, FMatrixRMaj dCN,
                                   float[] in, float[] dIn, boolean accumulate) {
        int index = k * config.numDirections() + d;
        RecurrentCell cell = cells[index];
        Trace trace = cc.traces[index];
        int steps = cc.steps;
        int batch = cc.batch;
        int hs = config.hiddenSize();
        int gw = cell.gateWidth;
        int stateOff = index * batch * hs;

        StepWeightCopies weights = cc.stepWeights(index, cell);
        weights.refreshBackward(batch);
        // the time loop, on shards of the batch in parallel when that pays (see Shard); for RNN and LSTM it
        // also forms dIn step by step
        int parts = prepareShards(cc, cell);
        if (parts == 1) {
            backwardSteps(cc, index, d, dOut, dHN, dCN, dIn, accumulate, cc.shards[0]);
        } else {
            backwardLoop.set(cc, index, d, dOut, dHN, dCN, dIn, accumulate);
            WorkerTeam.shared().run(backwardLoop);
        }
        // dGatesX, dGatesH: (T·B, G·H), gradients of the input and state products at every step
        float[] dGatesX = cc.dGatesX.data;
        float[] dGatesH = cell.separateStateGateGradient() ? cc.dGatesH.data : dGatesX;

        if (weights.jointBackward()) {
            // [dW_ih | dW_hh] += dGatesᵀ·[input | h_prev] over all steps in one product
            addJointWeightGradients(cc, index, d, in);
        } else {
            // dW_ih += dGatesXᵀ·input over all steps in one product
            cell.addInputWeightGradient(steps * batch, dGatesX, 0, in, 0);
            // dW_hh += dGatesHᵀ·h_prev: the previous states of steps 1…T−1 (in processing order) are rows of
            // the trace shifted by one step; the first processed step's previous state is h0
            int firstStep = d == 0 ? 0 : steps - 1;
            if (steps > 1) {
                int later = d == 0 ? batch * gw : 0;        // dGatesH rows of the steps that have a predecessor
                int previous = d == 0 ? 0 : batch * hs;     // the trace rows that are their predecessors
                cell.addStateWeightGradient((steps - 1) * batch, dGatesH, later, trace.hidden.data, previous);
            }
            cell.addStateWeightGradient(batch, dGatesH, firstStep * batch * gw, cc.h0.data, stateOff);
        }
        cell.addBiasGradients(steps * batch, dGatesX, dGatesH, 0, cc.workspace);
        if (!weights.jointBackward()) {
            // dIn (+)= dGatesX·W_ih over all steps; the second direction adds to the first
            cell.inputGradient(steps * batch, dGatesX, 0, accumulate, dIn, 0);
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
    private void addJointWeightGradients(Cache cc, int index, int d, float[] in) {
        RecurrentCell cell = cells[index];
        Trace trace = cc.traces[index];
        int steps = cc.steps;
        int batch = cc.batch;
        int hs = cell.hiddenSize;
        int is = cell.inputSize;
        int gw = cell.gateWidth;
        int w = is + hs;
        int rows = steps * batch;
        float[] xh = cc.jointInput(rows * w);
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
        float[] grads = cc.jointGradient(gw * w);
        float[] dWih = cell.weightIh.grad().data;
        float[] dWhh = cell.weightHh.grad().data;
        for (int j = 0; j < gw; j++) {
            System.arraycopy(dWih, j * is, grads, j * w, is);
            System.arraycopy(dWhh, j * hs, grads, j * w + is, hs);
        }
        Gemm.sgemm(true, false, gw, w, rows, cc.dGatesX.data, 0, gw, xh, 0, w, true, grads, 0, w);
        for (int j = 0; j < gw; j++) {
            System.arraycopy(grads, j * w, dWih, j * is, is);
            System.arraycopy(grads, j * w + is, dWhh, j * hs, hs);
        }
    }

    /**
     * The backward time loop of layer k, direction d over the rows of one shard; writes its rows of dh0,
     * dc0, and for RNN and LSTM of dIn (T·B, I_k), into which the second direction accumulates.
     */
    private void backwardSteps(Cache cc, int index, int d, float[] dOut, FMatrixRMaj dHN, FMatrixRMaj dCN,
                               float[] dIn, boolean accumulate, Shard shard) {
        RecurrentCell cell = cells[index];
        Trace trace = cc.traces[index];
        StepWeightCopies weights = cc.stepWeights[index];
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
        float[] dGatesX = cc.dGatesX.data;
        float[] dGatesH = cell.separateStateGateGradient() ? cc.dGatesH.data : dGatesX;

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
                    trace.aux.data, (t * batch + b0) * hs, dh, dc, dGatesX, gOff, dGatesH, gOff, shard.workspace);
            if (weights.jointBackward()) {
                // [dh_{t−1} | dIn_t] (+)= dGates_t·[W_hh | W_ih]
                weights.jointBackwardProduct(rows, dGatesX, gOff, dh, dIn, (t * batch + b0) * cell.inputSize,
                        accumulate, shard.joint, rows < batch);
            } else {
                // dh_{t−1} += dGatesH_t·W_hh
                weights.addStateGradient(rows, dGatesH, gOff, dh, shard.workspace.row);
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
    // Step-by-step inference

    /**
     * Creates a zero state for {@link #step}.
     *
     * @param batchSize the batch size {@code B}, at least 1
     * @return a new state with its own workspaces
     * @throws IllegalArgumentException if the batch size is below 1
     * @throws IllegalStateException    if the layer is bidirectional
     */
    public RecurrentState newState(int batchSize) {
        checkUnidirectional();
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        return new RecurrentState(this, batchSize);
    }

    /**
     * Runs one time step of every layer (no dropout), advancing the state in place; allocates nothing.
     *
     * @param x      (B, I) input of the step; not modified
     * @param state  state from {@link #newState(int)} of this layer; advanced
     * @param output (B, H) the top layer's new hidden state; overwritten
     * @throws IllegalArgumentException if a shape is wrong or the state is not from this layer
     * @throws IllegalStateException    if the layer is bidirectional
     */
    public void step(FMatrixRMaj x, RecurrentState state, FMatrixRMaj output) {
        checkUnidirectional();
        if (state == null || state.owner() != this) {
            throw new IllegalArgumentException("the state must come from this layer's newState");
        }
        int batch = state.batchSize();
        int hs = config.hiddenSize();
        Tensors.checkShape(x, batch, config.inputSize(), "x");
        Tensors.checkShape(output, batch, hs, "output");
        float[] h = state.hidden().data;
        float[] c = state.cellStateData();
        float[] in = x.data;
        int inOff = 0;
        for (int k = 0; k < config.numLayers(); k++) {
            RecurrentCell cell = cells[k];
            int off = k * batch * hs;
            boolean intoGates = cell.addsStateProductToGates();
            cell.inputProduct(batch, in, inOff, state.gates.data, 0, state.workspace);
            cell.stateProduct(batch, h, off, intoGates ? state.gates.data : state.stateProj.data, 0, null);
            // the state is updated in place: every cell reads element j of h_{t−1}, c_{t−1} before writing it
            cell.forwardGates(batch, null, state.gates.data, 0, state.stateProj.data, h, c, off, h, c,
                    state.aux.data, off, state.workspace);
            in = h;
            inOff = off;
        }
        System.arraycopy(h, (config.numLayers() - 1) * batch * hs, output.data, 0, batch * hs);
    }

    /**
     * Copies the weights into a {@link FrozenRecurrentLayer}, whose {@code step} computes the same values
     * as {@link #step} several times faster at batch 1, for as long as the weights do not change.
     *
     * @return the copy
     * @throws IllegalStateException if the layer is bidirectional
     */
    public FrozenRecurrentLayer freeze() {
        checkUnidirectional();
        return new FrozenRecurrentLayer(this, cells);
    }

    private void checkUnidirectional() {
        if (config.bidirectional()) {
            throw new IllegalStateException("step-by-step inference needs a unidirectional layer");
        }
    }

    // ----------------------------------------------------------------------------------------------

    /** The forward time loop of one layer and direction as a task: part p runs shard p. */
    private final class ForwardLoop implements WorkerTeam.Task {
        private Cache cc;
        private int index;
        private int d;

        void set(Cache cache, int layerDirection, int direction) {
            this.cc = cache;
            this.index = layerDirection;
            this.d = direction;
        }

        @Override
        public void run(int part) {
            Shard shard = cc.shards[part];
            if (shard.b1 > shard.b0) {
                forwardSteps(cc, index, d, shard);
            }
        }
    }

    /** The backward time loop of one layer and direction as a task: part p runs shard p. */
    private final class BackwardLoop implements WorkerTeam.Task {
        private Cache cc;
        private int index;
        private int d;
        private float[] dOut;
        private FMatrixRMaj dHN;
        private FMatrixRMaj dCN;
        private float[] dIn;
        private boolean accumulate;

        void set(Cache cache, int layerDirection, int direction, float[] dOutput, FMatrixRMaj dFinalH,
                 FMatrixRMaj dFinalC, float[] dInput, boolean accumulateInput) {
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
            Shard shard = cc.shards[part];
            if (shard.b1 > shard.b0) {
                backwardSteps(cc, index, d, dOut, dHN, dCN, dIn, accumulate, shard);
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

    /**
     * The result of a {@link RecurrentLayer#forward} and what its backward needs; after
     * {@link RecurrentLayer#backward}, also the input gradients.
     *
     * <p>Each layer owns one cache and returns it from every forward: the contents are valid until the next
     * forward of the same layer. The matrices returned by the accessors are the cache's own buffers (not
     * copies); read or copy them, do not keep them across forwards.
     */
    public static final class Cache {

        private final RecurrentConfig config;
        private int steps;
        private int batch;
        private FMatrixRMaj x;
        private int[] lengths = new int[0];
        private boolean hasLengths;
        private boolean[] active = new boolean[0];
        private boolean dropout;
        private boolean forwardDone;
        private boolean backwardDone;

        // h0, c0: (L·D·B, H) copies of the initial states; hN, cN: (L·D·B, H) final states
        private final FMatrixRMaj h0 = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj c0 = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj hN = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj cN = new FMatrixRMaj(0, 0);
        private final Trace[] traces;
        // layerOutputs[k]: (T·B, D·H); masks[k], dropped[k]: (T·B, D·H) for k < L − 1 (dropout only)
        private final FMatrixRMaj[] layerOutputs;
        private final FMatrixRMaj[] masks;
        private final FMatrixRMaj[] dropped;
        // shards[p]: the rows and buffers of part p of a time loop (shards[0] alone when it is not split)
        private Shard[] shards = new Shard[0];
        // jointInput: (T·B, I + H) and jointGradient: (G·H, I + H), the joint weight-gradient product's
        // operands (RNN, LSTM); grown on first use
        private float[] jointInput = new float[0];
        private float[] jointGradient = new float[0];
        // stepWeights[k·D + d]: copies of each cell's weights for the per-step products
        private final StepWeightCopies[] stepWeights;
        private final GateWorkspace workspace;

        // backward: dGatesX, dGatesH (T·B, G·H); dx (T·B, I); dh0, dc0 (L·D·B, H);
        // dHidden: two (T·B, D·H) buffers for the gradient between layers
        private final FMatrixRMaj dGatesX = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dGatesH = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dx = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dh0 = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dc0 = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj[] dHidden = {new FMatrixRMaj(0, 0), new FMatrixRMaj(0, 0)};

        Cache(RecurrentConfig config) {
            this.config = config;
            int count = config.numLayers() * config.numDirections();
            this.stepWeights = new StepWeightCopies[count];
            this.workspace = new GateWorkspace(config.hiddenSize(), config.cell().gateCount() * config.hiddenSize());
            this.traces = new Trace[count];
            for (int i = 0; i < count; i++) {
                traces[i] = new Trace();
            }
            int layers = config.numLayers();
            this.layerOutputs = new FMatrixRMaj[layers];
            this.masks = new FMatrixRMaj[layers];
            this.dropped = new FMatrixRMaj[layers];
            for (int k = 0; k < layers; k++) {
                layerOutputs[k] = new FMatrixRMaj(0, 0);
                masks[k] = new FMatrixRMaj(0, 0);
                dropped[k] = new FMatrixRMaj(0, 0);
            }
        }

        void prepareForward(FMatrixRMaj input, int newSteps, int newBatch, int[] newLengths, boolean withDropout) {
            this.x = input;
            this.steps = newSteps;
            this.batch = newBatch;
            this.dropout = withDropout;
            this.forwardDone = false;
            this.backwardDone = false;
            if (lengths.length < newBatch) {
                lengths = new int[newBatch];
                active = new boolean[newBatch];
            }
            hasLengths = newLengths != null;
            if (hasLengths) {
                System.arraycopy(newLengths, 0, lengths, 0, newBatch);
            }
            int rows = newSteps * newBatch;
            int hs = config.hiddenSize();
            int stateRows = config.stateRows(newBatch);
            boolean lstm = config.cell().hasCellState();
            h0.reshape(stateRows, hs);
            hN.reshape(stateRows, hs);
            c0.reshape(lstm ? stateRows : 0, hs);
            cN.reshape(lstm ? stateRows : 0, hs);
            for (Trace trace : traces) {
                trace.reshape(rows, config);
            }
            for (int k = 0; k < config.numLayers(); k++) {
                layerOutputs[k].reshape(rows, config.outputSize());
                if (withDropout && k < config.numLayers() - 1) {
                    masks[k].reshape(rows, config.outputSize());
                    dropped[k].reshape(rows, config.outputSize());
                }
            }
        }

        /** Splits the batch into {@code parts} shards as even as possible, growing their buffers if needed. */
        void prepareShards(int parts) {
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

        float[] jointInput(int length) {
            if (jointInput.length < length) {
                jointInput = new float[length];
            }
            return jointInput;
        }

        float[] jointGradient(int length) {
            if (jointGradient.length < length) {
                jointGradient = new float[length];
            }
            return jointGradient;
        }

        /** The weight copies of one cell, made at their first use. */
        StepWeightCopies stepWeights(int index, RecurrentCell cell) {
            if (stepWeights[index] == null) {
                stepWeights[index] = new StepWeightCopies(cell);
            }
            return stepWeights[index];
        }

        void prepareBackward() {
            int rows = steps * batch;
            int hs = config.hiddenSize();
            int gw = config.cell().gateCount() * hs;
            boolean lstm = config.cell().hasCellState();
            dGatesX.reshape(rows, gw);
            dGatesH.reshape(config.cell() == CellType.GRU ? rows : 0, gw);
            dx.reshape(rows, config.inputSize());
            dh0.reshape(config.stateRows(batch), hs);
            dc0.reshape(lstm ? config.stateRows(batch) : 0, hs);
            if (config.numLayers() > 1) {
                dHidden[0].reshape(rows, config.outputSize());
                dHidden[1].reshape(rows, config.outputSize());
            }
            backwardDone = false;
        }

        /** The activity of every row at step t, or null when all sequences have length T. */
        boolean[] activeAt(int t) {
            if (!hasLengths) {
                return null;
            }
            for (int b = 0; b < batch; b++) {
                active[b] = t < lengths[b];
            }
            return active;
        }

        boolean isActive(int t, int b) {
            return !hasLengths || t < lengths[b];
        }

        /** The trace of one layer and direction (for white-box tests). */
        Trace trace(int layer, int direction) {
            return traces[layer * config.numDirections() + direction];
        }

        /**
         * Number of time steps {@code T} of the latest forward.
         *
         * @return T
         */
        public int timeSteps() {
            return steps;
        }

        /**
         * Batch size {@code B} of the latest forward.
         *
         * @return B
         */
        public int batchSize() {
            return batch;
        }

        /**
         * Length of one sequence of the latest forward.
         *
         * @param b sequence index in {@code [0, B)}
         * @return its length, {@code T} if no lengths were given
         * @throws IllegalArgumentException if {@code b} is out of range
         */
        public int length(int b) {
            if (b < 0 || b >= batch) {
                throw new IllegalArgumentException("b must be in [0, " + batch + ") but was " + b);
            }
            return hasLengths ? lengths[b] : steps;
        }

        /**
         * The top layer's output.
         *
         * @return (T·B, D·H); rows of padded steps are zero
         * @throws IllegalStateException if forward has not run
         */
        public FMatrixRMaj output() {
            checkForward();
            return layerOutputs[config.numLayers() - 1];
        }

        /**
         * The final hidden states, each sequence's state after its own last step.
         *
         * @return (L·D·B, H)
         * @throws IllegalStateException if forward has not run
         */
        public FMatrixRMaj finalHidden() {
            checkForward();
            return hN;
        }

        /**
         * The final cell states of an LSTM.
         *
         * @return (L·D·B, H)
         * @throws IllegalStateException if forward has not run or the cell is not an LSTM
         */
        public FMatrixRMaj finalCellState() {
            checkForward();
            checkLstm();
            return cN;
        }

        /**
         * Gradient with respect to the input {@code x}.
         *
         * @return (T·B, I); rows of padded steps are zero
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dx() {
            checkBackward();
            return dx;
        }

        /**
         * Gradient with respect to the initial hidden states.
         *
         * @return (L·D·B, H)
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dh0() {
            checkBackward();
            return dh0;
        }

        /**
         * Gradient with respect to the initial cell states of an LSTM.
         *
         * @return (L·D·B, H)
         * @throws IllegalStateException if backward has not run since the latest forward, or the cell is
         *                               not an LSTM
         */
        public FMatrixRMaj dc0() {
            checkBackward();
            checkLstm();
            return dc0;
        }

        private void checkForward() {
            if (!forwardDone) {
                throw new IllegalStateException("forward has not run");
            }
        }

        private void checkBackward() {
            if (!backwardDone) {
                throw new IllegalStateException("backward has not run since the latest forward");
            }
        }

        private void checkLstm() {
            if (!config.cell().hasCellState()) {
                throw new IllegalStateException("a " + config.cell() + " has no cell state");
            }
        }
    }
}
