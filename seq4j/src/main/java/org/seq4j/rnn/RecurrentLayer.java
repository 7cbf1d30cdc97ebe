package org.seq4j.rnn;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.kernel.Gemm;
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
 * <p>This class holds the loops over layers and directions; the time loop of one layer and direction,
 * with everything that makes it fast (products over all steps, weight copies, shards on threads), is
 * package-private execution code ({@code BpttEngine}), and a plain time loop over the cells' one-step
 * API ({@code ReferenceBptt}) computes the same values for the tests.
 *
 * <h2>Variable lengths</h2>
 * With {@code lengths[b]} (each in {@code [1, T]}), steps {@code t ≥ lengths[b]} of sequence {@code b} are
 * padding, as in {@code pack_padded_sequence(..., enforce_sorted=False)}: they neither change the state
 * nor receive or pass on gradient, their output rows are zero (their gradient rows are ignored), and the
 * final state of sequence {@code b} is its state after step {@code lengths[b] − 1} (forward) or after
 * step 0 (reverse). The reverse direction starts at each sequence's own last real step. Values of
 * {@code x} in padded rows are never used, but must be finite (forward checks them): backward
 * multiplies them by a zero gradient, and {@code 0·NaN} would poison {@code dW_ih}.
 *
 * <h2>Caches</h2>
 * {@link #forward} fills a {@link Cache} with its output and final states and what {@link #backward}
 * needs, and returns it. The caller owns the cache: pass one from {@link #newCache()} (or an earlier
 * forward) as the {@code reuse} argument to have it refilled, or none to get a new one. Any number of
 * caches of one layer may be alive at once (one encoder applied to several inputs before any backward).
 * A cache's life cycle: forward fills it; {@code backward(cache, …)} consumes it; a second backward needs
 * a new forward first. A cache reuses its buffers: a loop of a fixed shape {@code (T, B)} that keeps one
 * cache per shape allocates nothing at steady state; a forward of another shape replaces the matrices the
 * accessors return by new ones of exactly that shape.
 *
 * <h2>Threads</h2>
 * With {@link Gemm#threads()} above 1, large products are split by {@link Gemm}, and the time loop of a
 * layer runs on shards of the batch, one thread each, when each shard's per-step products are small
 * enough for one thread (the sequences of a batch are independent within a layer, so the shards need no
 * synchronisation until the loop ends). Either way every value is computed by the same arithmetic: the
 * results do not depend on the number of threads, bit for bit. A layer is not thread-safe: backward adds
 * into its gradients.
 *
 * <h2>Truncated backpropagation through time</h2>
 * Feed a long sequence in chunks; pass the previous chunk's final state as the next chunk's initial
 * state and ignore {@code dh0}/{@code dc0}, so the state is carried on but the gradient stops at the
 * chunk boundary. The cache copies {@code h0}/{@code c0}, so the final-state matrices may be passed
 * directly:
 * <pre>{@code
 *   FMatrixRMaj h = new FMatrixRMaj(config.stateRows(B), H);            // zero state to start
 *   FMatrixRMaj c = new FMatrixRMaj(config.stateRows(B), H);            // (LSTM only; else null)
 *   RecurrentLayer.Cache cache = layer.newCache();                      // reused by every chunk
 *   for (FMatrixRMaj chunk : chunks) {                                  // each (T·B, I)
 *       layer.forward(chunk, B, null, h, c, dropoutRandom, cache);
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
     * Creates an empty cache for {@link #forward(FMatrixRMaj, int, int[], FMatrixRMaj, FMatrixRMaj,
     * RandomGenerator, Cache)} to fill; its buffers are allocated by the first forward that uses it.
     *
     * @return a new, unfilled cache of this layer
     */
    public Cache newCache() {
        return new Cache(this);
    }

    /**
     * Runs the layer over full-length sequences from zero initial states, without dropout (inference).
     *
     * @param x         (T·B, I) input; not modified, and must not be modified before backward
     * @param batchSize the batch size {@code B}
     * @return a new cache, holding the output and final states
     * @throws IllegalArgumentException if a shape is wrong
     */
    public Cache forward(FMatrixRMaj x, int batchSize) {
        return forward(x, batchSize, null, null, null, null, null);
    }

    /**
     * Runs the layer over a batch of sequences into a new cache.
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
     * @return a new cache, holding the output and final states
     * @throws IllegalArgumentException if a shape or length is wrong, or a padded row of {@code x} holds
     *                                  a value that is not finite
     * @throws IllegalStateException    if a parameter's matrices no longer have its shape
     */
    public Cache forward(FMatrixRMaj x, int batchSize, int[] lengths, FMatrixRMaj h0, FMatrixRMaj c0,
                         RandomGenerator dropoutRandom) {
        return forward(x, batchSize, lengths, h0, c0, dropoutRandom, null);
    }

    /**
     * Runs the layer over a batch of sequences, filling a cache the caller owns.
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
     * @param reuse         a cache of this layer to fill, whatever it held before (its earlier contents
     *                      are overwritten; its buffers are reused while the shape {@code (T, B)} stays
     *                      the same), or null for a new cache
     * @return {@code reuse}, or the new cache, holding the output and final states
     * @throws IllegalArgumentException if a shape or length is wrong, a padded row of {@code x} holds a
     *                                  value that is not finite, or {@code reuse} belongs to another layer
     * @throws IllegalStateException    if a parameter's matrices no longer have its shape
     */
    public Cache forward(FMatrixRMaj x, int batchSize, int[] lengths, FMatrixRMaj h0, FMatrixRMaj c0,
                         RandomGenerator dropoutRandom, Cache reuse) {
        int steps = checkInput(x, batchSize);
        int stateRows = config.stateRows(batchSize);
        int hs = config.hiddenSize();
        SequenceLengths.check(lengths, batchSize, steps);
        checkPaddedRows(x, batchSize, steps, lengths);
        if (h0 != null) {
            Tensors.checkShape(h0, stateRows, hs, "h0");
        }
        if (c0 != null) {
            if (!config.cell().hasCellState()) {
                throw new IllegalArgumentException("c0 must be null: a " + config.cell() + " has no cell state");
            }
            Tensors.checkShape(c0, stateRows, hs, "c0");
        }
        checkOwner(reuse);
        checkParameterShapes();
        boolean dropout = dropoutRandom != null && config.dropout() > 0f && config.numLayers() > 1;

        Cache cc = reuse != null ? reuse : newCache();
        cc.prepareForward(x, steps, batchSize, lengths, dropout);
        copyOrZero(h0, cc.h0);
        if (config.cell().hasCellState()) {
            copyOrZero(c0, cc.c0);
        }
        // in: (T·B, I_k), what layer k reads: x, then the output of the layer below (after dropout)
        float[] in = x.data;
        for (int k = 0; k < config.numLayers(); k++) {
            for (int d = 0; d < config.numDirections(); d++) {
                // h_t = cell(in_t, h_{t−1}) over the steps of direction d, from the (k, d) rows of h0: writes
                // the columns [d·H, d·H + H) of layerOutputs[k] and the (k, d) rows of hN (and cN)
                cc.engine.forwardDirection(cells[k * config.numDirections() + d], cc, k, d, in);
            }
            if (k < config.numLayers() - 1 && dropout) {
                applyDropout(cc.layerOutputs[k], cc.masks[k], cc.dropped[k], config.dropout(), dropoutRandom);
                in = cc.dropped[k].data;
            } else {
                in = cc.layerOutputs[k].data;
            }
        }
        cc.stage = Cache.Stage.FILLED;
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

    /**
     * Checks that the padded rows of x (steps {@code t ≥ lengths[b]}) hold finite values: backward
     * multiplies them by a zero gradient, and {@code 0·NaN = NaN} would reach {@code dW_ih}. One pass over
     * the padded rows, nothing beside the products of a forward.
     */
    private void checkPaddedRows(FMatrixRMaj x, int batchSize, int steps, int[] lengths) {
        if (lengths == null) {
            return;
        }
        int is = config.inputSize();
        float[] data = x.data;
        for (int b = 0; b < batchSize; b++) {
            for (int t = lengths[b]; t < steps; t++) {
                int row = t * batchSize + b;
                for (int i = 0; i < is; i++) {
                    float v = data[row * is + i];
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("x row " + row + " (step " + t + " of sequence " + b
                                + ", padding since lengths[" + b + "] = " + lengths[b]
                                + ") must be finite but column " + i + " was " + v);
                    }
                }
            }
        }
    }

    private void checkOwner(Cache cache) {
        if (cache != null && cache.owner != this) {
            throw new IllegalArgumentException("the cache must be one of this layer's (from its newCache or "
                    + "forward) but belongs to another RecurrentLayer");
        }
    }

    /**
     * Checks that every parameter's value and gradient still have the parameter's shape. They are
     * matrices a caller can reach and reshape, and the products read them by offset, so a reshaped one
     * would give wrong values or fail out of bounds; a few comparisons per cell.
     */
    private void checkParameterShapes() {
        for (int i = 0; i < cells.length; i++) {
            RecurrentCell cell = cells[i];
            checkShape(cell.weightIh, cell.gateWidth, cell.inputSize, i);
            checkShape(cell.weightHh, cell.gateWidth, cell.hiddenSize, i);
            checkShape(cell.biasIh, 1, cell.gateWidth, i);
            checkShape(cell.biasHh, 1, cell.gateWidth, i);
        }
    }

    private void checkShape(Parameter p, int rows, int cols, int cellIndex) {
        if (p == null || (fits(p.value(), rows, cols) && fits(p.grad(), rows, cols))) {
            return;
        }
        int k = cellIndex / config.numDirections();
        String name = p.name() + "_l" + k + (cellIndex % config.numDirections() == 1 ? "_reverse" : "");
        throw new IllegalStateException(name + " must be (" + rows + ", " + cols + ") but its value was "
                + Tensors.shape(p.value()) + " and its gradient " + Tensors.shape(p.grad())
                + ": a parameter's matrices must keep their shape");
    }

    private static boolean fits(FMatrixRMaj m, int rows, int cols) {
        return m.numRows == rows && m.numCols == cols && m.data.length >= rows * cols;
    }

    private static void copyOrZero(FMatrixRMaj source, FMatrixRMaj target) {
        if (source == null) {
            Arrays.fill(target.data, 0, target.getNumElements(), 0f);
        } else {
            System.arraycopy(source.data, 0, target.data, 0, target.getNumElements());
        }
    }

    /** Inverted dropout: mask entries are 0 with probability p, else 1/(1 − p); dropped = out ⊙ mask. */
    private static void applyDropout(FMatrixRMaj out, FMatrixRMaj mask, FMatrixRMaj dropped, float p,
                                     RandomGenerator random) {
        org.seq4j.nn.Dropout.apply(p, random, out.data, mask.data, dropped.data, out.getNumElements());
    }

    // ----------------------------------------------------------------------------------------------
    // Backward

    /**
     * Backpropagates through time. Adds ({@code +=}) into the parameter gradients; writes the cache's
     * {@link Cache#dx()}, {@link Cache#dh0()} and {@link Cache#dc0()}. Consumes the cache: another
     * backward on it needs a new forward first.
     *
     * @param cache   a cache of this layer, filled by a forward and not yet consumed by a backward
     * @param dOutput (T·B, D·H) gradient with respect to the output, or null for zero; rows of padded steps
     *                are ignored; not modified
     * @param dHN     (L·D·B, H) gradient with respect to the final hidden states, or null for zero;
     *                not modified
     * @param dCN     (L·D·B, H) gradient with respect to the final cell states (LSTM), or null for zero;
     *                must be null for other cells; not modified
     * @throws IllegalArgumentException if a shape is wrong or the cache belongs to another layer
     * @throws IllegalStateException    if no forward has filled the cache, a backward has already consumed
     *                                  it, or a parameter's matrices no longer have its shape
     */
    public void backward(Cache cache, FMatrixRMaj dOutput, FMatrixRMaj dHN, FMatrixRMaj dCN) {
        if (cache == null) {
            throw new IllegalArgumentException("cache must not be null");
        }
        checkOwner(cache);
        if (cache.stage == Cache.Stage.EMPTY) {
            throw new IllegalStateException("backward needs a forward first: no forward has filled this cache");
        }
        if (cache.stage == Cache.Stage.CONSUMED) {
            throw new IllegalStateException("a backward has already consumed this cache: run forward again "
                    + "before another backward");
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
        checkParameterShapes();
        // consumed from here on, so that a backward that failed half-way is not added in a second time
        cache.stage = Cache.Stage.CONSUMED;
        cache.prepareBackward();
        // dOut: (T·B, D·H), the gradient into layer k's output: dOutput, then dIn of the layer above
        float[] dOut = dOutput == null ? null : dOutput.data;
        for (int k = config.numLayers() - 1; k >= 0; k--) {
            float[] in = k == 0 ? cache.x.data
                    : (cache.dropout ? cache.dropped[k - 1] : cache.layerOutputs[k - 1]).data;
            // dIn: (T·B, I_k), the gradient into this layer's input (ping-pong buffers between layers)
            FMatrixRMaj dIn = k == 0 ? cache.dx : cache.dHidden[k & 1];
            for (int d = 0; d < config.numDirections(); d++) {
                // dh, dc carried back over the steps of direction d from the (k, d) rows of dHN, dCN: adds into
                // the cell's gradients, writes the (k, d) rows of dh0 (and dc0); the second direction adds
                // into dIn
                cache.engine.backwardDirection(cells[k * config.numDirections() + d], cache, k, d, dOut, dHN,
                        dCN, in, dIn.data, d > 0);
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
        cache.gradientsReady = true;
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

    // ----------------------------------------------------------------------------------------------

    /**
     * The result of a {@link RecurrentLayer#forward} and what its backward needs; after
     * {@link RecurrentLayer#backward}, also the input gradients.
     *
     * <p>The caller owns a cache: {@link RecurrentLayer#newCache()} makes an empty one, every forward fills
     * one (the one passed as {@code reuse}, or a new one), and any number of them may be alive at once.
     * Life cycle: a forward fills the cache (overwriting whatever it held); {@link RecurrentLayer#backward}
     * consumes it, once; a second backward without a new forward, or a backward on a cache no forward has
     * filled, throws {@link IllegalStateException}.
     *
     * <p>The matrices returned by the accessors are the cache's own buffers (not copies), each exactly its
     * shape ({@code data.length == getNumElements()}). A forward of the same shape {@code (T, B)} overwrites
     * them in place (so a training loop that keeps its caches allocates nothing); a forward of another
     * shape replaces them by new matrices, leaving the old ones to whoever still holds them.
     */
    public static final class Cache {

        /** Where the cache is in its life cycle. */
        enum Stage {
            /** No forward has filled the cache (or the latest one failed). */
            EMPTY,
            /** A forward has filled the cache; backward may consume it. */
            FILLED,
            /** A backward has consumed the cache. */
            CONSUMED
        }

        private final RecurrentLayer owner;
        private final RecurrentConfig config;
        /** The fast execution of this cache's passes, with its traces, weight copies and shards. */
        final BpttEngine engine;
        Stage stage = Stage.EMPTY;
        /** Whether the latest backward has finished (the input gradients are valid). */
        boolean gradientsReady;
        int steps;
        int batch;
        FMatrixRMaj x;
        private int[] lengths = new int[0];
        boolean hasLengths;
        private boolean[] active = new boolean[0];
        boolean dropout;

        // h0, c0: (L·D·B, H) copies of the initial states; hN, cN: (L·D·B, H) final states
        final FMatrixRMaj h0 = new FMatrixRMaj(0, 0);
        final FMatrixRMaj c0 = new FMatrixRMaj(0, 0);
        FMatrixRMaj hN = new FMatrixRMaj(0, 0);
        FMatrixRMaj cN = new FMatrixRMaj(0, 0);
        // layerOutputs[k]: (T·B, D·H); masks[k], dropped[k]: (T·B, D·H) for k < L − 1 (dropout only)
        final FMatrixRMaj[] layerOutputs;
        final FMatrixRMaj[] masks;
        final FMatrixRMaj[] dropped;
        // backward: dx (T·B, I); dh0, dc0 (L·D·B, H); dHidden: two (T·B, D·H) buffers for the gradient
        // between layers
        FMatrixRMaj dx = new FMatrixRMaj(0, 0);
        FMatrixRMaj dh0 = new FMatrixRMaj(0, 0);
        FMatrixRMaj dc0 = new FMatrixRMaj(0, 0);
        final FMatrixRMaj[] dHidden = {new FMatrixRMaj(0, 0), new FMatrixRMaj(0, 0)};

        Cache(RecurrentLayer owner) {
            this.owner = owner;
            this.config = owner.config;
            this.engine = new BpttEngine(config);
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

        /**
         * The matrix m if it is (rows, cols), else a new one: the matrices the accessors hand out are
         * always exactly their shape. (Internal buffers only grow, with {@code reshape}.)
         */
        private static FMatrixRMaj exactly(FMatrixRMaj m, int rows, int cols) {
            return m.numRows == rows && m.numCols == cols ? m : new FMatrixRMaj(rows, cols);
        }

        void prepareForward(FMatrixRMaj input, int newSteps, int newBatch, int[] newLengths, boolean withDropout) {
            this.stage = Stage.EMPTY;
            this.gradientsReady = false;
            this.x = input;
            this.steps = newSteps;
            this.batch = newBatch;
            this.dropout = withDropout;
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
            c0.reshape(lstm ? stateRows : 0, hs);
            hN = exactly(hN, stateRows, hs);
            cN = exactly(cN, lstm ? stateRows : 0, hs);
            engine.prepareForward(rows);
            int top = config.numLayers() - 1;
            for (int k = 0; k < top; k++) {
                layerOutputs[k].reshape(rows, config.outputSize());
                if (withDropout) {
                    masks[k].reshape(rows, config.outputSize());
                    dropped[k].reshape(rows, config.outputSize());
                }
            }
            layerOutputs[top] = exactly(layerOutputs[top], rows, config.outputSize());
        }

        void prepareBackward() {
            int rows = steps * batch;
            int hs = config.hiddenSize();
            boolean lstm = config.cell().hasCellState();
            engine.prepareBackward(rows);
            dx = exactly(dx, rows, config.inputSize());
            dh0 = exactly(dh0, config.stateRows(batch), hs);
            dc0 = exactly(dc0, lstm ? config.stateRows(batch) : 0, hs);
            if (config.numLayers() > 1) {
                dHidden[0].reshape(rows, config.outputSize());
                dHidden[1].reshape(rows, config.outputSize());
            }
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
        BpttEngine.Trace trace(int layer, int direction) {
            return engine.trace(layer, direction);
        }

        /** The dropout mask between layers k and k + 1 of the latest forward, (T·B, D·H), or null without dropout. */
        FMatrixRMaj dropoutMask(int k) {
            return dropout ? masks[k] : null;
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
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj output() {
            checkForward();
            return layerOutputs[config.numLayers() - 1];
        }

        /**
         * The final hidden states, each sequence's state after its own last step.
         *
         * @return (L·D·B, H)
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj finalHidden() {
            checkForward();
            return hN;
        }

        /**
         * The final cell states of an LSTM.
         *
         * @return (L·D·B, H)
         * @throws IllegalStateException if no forward has filled the cache or the cell is not an LSTM
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
            if (stage == Stage.EMPTY) {
                throw new IllegalStateException("no forward has filled this cache");
            }
        }

        private void checkBackward() {
            if (!gradientsReady) {
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
