package org.seq4j.rnn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;

/**
 * A trainable multi-layer, unidirectional stack of recurrent cells advanced one time step at a time,
 * as OpenNMT's {@code StackedLSTM}/{@code StackedGRU}: the recurrence of a decoder whose next input
 * depends on its previous output (input feeding, attention, scheduled sampling).
 *
 * <h2>Computation</h2>
 * One step, with {@code L} layers and the letters of {@link org.seq4j.rnn the package}:
 * <pre>
 *   in_0 = x_t                                                   x_t: (B, I)
 *   h_k, c_k = cell_k(in_k, h_{k, t−1}, c_{k, t−1})              k = 0 … L−1, each (B, H)
 *   in_{k+1} = h_k ⊙ m_k                                         m_k: (B, H) dropout mask (training)
 *   output_t = h_{L−1}                                           (B, H)
 *
 *   hPrev, hidden   (L·B, H)   row k·B + b: layer k, sequence b (PyTorch's (L, B, H) flattened)
 *   cPrev, cellState (L·B, H)  the same for the LSTM cell state
 *   dropoutMasks    ((L−1)·B, H)   row k·B + b: the mask on layer k's output, sequence b
 * </pre>
 * Each cell is a {@link RecurrentCell} whose one-step forward and backward are those of the cells of a
 * {@link RecurrentLayer}; over a whole sequence, the steps of a stack equal the layer's forward and
 * backward (given the same dropout masks).
 *
 * <h2>Dropout</h2>
 * Between layers, inverted as in {@link RecurrentLayer}: a mask entry is 0 with probability {@code p}
 * (the configuration's {@link RecurrentConfig#dropout()}), else {@code 1/(1 − p)}, drawn as
 * {@code random.nextFloat() < p}; per step, layer by layer ({@code k = 0 … L−2}), row-major over
 * {@code (B, H)}. {@link #forwardWithMasks} takes the masks from the caller instead (any values), e.g.
 * to reproduce a sequence layer's masks or to share one mask over all steps (variational dropout).
 *
 * <h2>Parameters</h2>
 * Those of a unidirectional {@link RecurrentLayer} with the same configuration, with its names
 * ({@code weight_ih_l0}, {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0}, {@code …_l1}),
 * so that a PyTorch {@code nn.LSTM}/{@code nn.GRU} state dict loads into a stack by name. A stack built
 * over a layer ({@link #RecurrentStack(RecurrentLayer)}) shares that layer's parameters: a layer trained
 * on whole sequences can be stepped, and gradients of both add into the same matrices.
 *
 * <h2>Caches</h2>
 * The stack holds no mutable state. Each {@link #forward} fills a caller-owned {@link Cache} (from
 * {@link #newCache()} or an earlier forward; a new one when {@code reuse} is null): a decoder keeps one cache per time step, alive together until the
 * backward pass walks them in reverse, carrying {@code dh} and {@code dc}:
 * <pre>{@code
 *   RecurrentStack.Cache[] steps = new RecurrentStack.Cache[T];   // reused from one batch to the next
 *   FMatrixRMaj h = h0, c = c0;                                    // (L·B, H), e.g. an encoder's final state
 *   for (int t = 0; t < T; t++) {
 *       steps[t] = stack.forward(x[t], h, c, dropoutRandom, steps[t]);
 *       h = steps[t].hidden();
 *       c = steps[t].cellState();
 *       // ... output layer on steps[t].output() (B, H), giving dOutput[t] ...
 *   }
 *   FMatrixRMaj dh = null, dc = null;                              // nothing from after the last step
 *   for (int t = T - 1; t >= 0; t--) {
 *       stack.backward(steps[t], dOutput[t], dh, dc);
 *       // ... steps[t].dx() (B, I) flows into the input of step t ...
 *       dh = steps[t].dhPrev();
 *       dc = steps[t].dcPrev();
 *   }
 *   // dh, dc: (L·B, H), the gradient into h0 and c0
 * }</pre>
 * A cache is filled by a forward and consumed by one backward: a second backward without a new forward,
 * or a backward on a cache never filled, throws {@link IllegalStateException}; a cache of another stack
 * throws {@link IllegalArgumentException}. A cache reallocates its buffers exactly when the batch size
 * changes, so the matrices it hands out have {@code data.length == getNumElements()}, and a loop that
 * reuses its caches at a fixed batch size allocates nothing.
 */
public final class RecurrentStack implements Module {

    private final RecurrentConfig config;
    /** cells[k]: layer k. */
    private final RecurrentCell[] cells;
    private final Parameters parameters = new Parameters();

    /**
     * Creates a stack over the cells of a unidirectional layer, sharing its parameters (values and
     * gradients) and its dropout probability.
     *
     * @param layer a unidirectional layer; its parameters are shared, not copied
     * @throws IllegalArgumentException if the layer is null or bidirectional
     */
    public RecurrentStack(RecurrentLayer layer) {
        if (layer == null) {
            throw new IllegalArgumentException("layer must not be null");
        }
        if (layer.config().bidirectional()) {
            throw new IllegalArgumentException("a stack needs a unidirectional layer but the layer is bidirectional");
        }
        this.config = layer.config();
        this.cells = new RecurrentCell[config.numLayers()];
        for (int k = 0; k < cells.length; k++) {
            cells[k] = layer.cell(k, 0);
        }
        parameters.addAll("", layer.parameters());
    }

    /**
     * Creates a stack and initialises its cells layer by layer, as a {@link RecurrentLayer} of the same
     * configuration would be (the same random stream gives the same weights).
     *
     * @param config a unidirectional configuration
     * @param init   the initialisation scheme
     * @param random random stream for the initialisation; advanced
     * @throws IllegalArgumentException if an argument is null, the configuration is bidirectional, or the
     *                                  scheme does not fit the cell type
     */
    public RecurrentStack(RecurrentConfig config, RecurrentInit init, RandomGenerator random) {
        if (config == null || init == null || random == null) {
            throw new IllegalArgumentException("config, init and random must not be null");
        }
        if (config.bidirectional()) {
            throw new IllegalArgumentException("a stack needs a unidirectional configuration but it is bidirectional");
        }
        this.config = config;
        this.cells = new RecurrentCell[config.numLayers()];
        for (int k = 0; k < cells.length; k++) {
            int in = config.layerInputSize(k);
            int hs = config.hiddenSize();
            cells[k] = switch (config.cell()) {
                case RNN_TANH, RNN_RELU -> new ElmanCell(config.cell(), in, hs, config.bias(), init, random);
                case LSTM -> new LstmCell(in, hs, config.bias(), init, random);
                case GRU -> new GruCell(in, hs, config.bias(), init, random);
            };
            String suffix = "_l" + k;
            cells[k].parameters().forEach(p -> parameters.add(p.withName(p.name() + suffix)));
        }
    }

    /**
     * The configuration (unidirectional).
     *
     * @return the configuration
     */
    public RecurrentConfig config() {
        return config;
    }

    /**
     * The cell of one layer; its parameters are those of this stack (shared).
     *
     * @param layer layer index in {@code [0, L)}
     * @return the cell
     * @throws IllegalArgumentException if the index is out of range
     */
    public RecurrentCell cell(int layer) {
        if (layer < 0 || layer >= cells.length) {
            throw new IllegalArgumentException("layer must be in [0, " + cells.length + ") but was " + layer);
        }
        return cells[layer];
    }

    /**
     * The parameters in PyTorch's {@code state_dict} order and names: for each layer {@code k},
     * {@code weight_ih_l{k}}, {@code weight_hh_l{k}}, {@code bias_ih_l{k}}, {@code bias_hh_l{k}}.
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
     * Creates an empty cache for {@link #forward}'s {@code reuse} argument; its buffers are made by the
     * first forward into it.
     *
     * @return a new cache of this stack, not yet filled
     */
    public Cache newCache() {
        return new Cache(this);
    }

    /**
     * Runs one step of every layer without dropout (inference) into a new cache.
     *
     * @param x     (B, I) input of the step; not modified (copied)
     * @param hPrev (L·B, H) previous hidden states, or null for zeros; not modified (copied)
     * @param cPrev (L·B, H) previous cell states of an LSTM, or null for zeros; must be null for other
     *              cells; not modified (copied)
     * @return a new cache holding the output and the new states
     * @throws IllegalArgumentException if a shape is wrong
     */
    public Cache forward(FMatrixRMaj x, FMatrixRMaj hPrev, FMatrixRMaj cPrev) {
        return forward(x, hPrev, cPrev, (RandomGenerator) null, null);
    }

    /**
     * Runs one step of every layer, with dropout between layers drawn from a random stream in training.
     *
     * @param x             (B, I) input of the step; not modified (copied)
     * @param hPrev         (L·B, H) previous hidden states, or null for zeros; not modified (copied); may be
     *                      {@code reuse.hidden()} (inference loops that keep one cache)
     * @param cPrev         (L·B, H) previous cell states of an LSTM, or null for zeros; must be null for
     *                      other cells; not modified (copied); may be {@code reuse.cellState()}
     * @param dropoutRandom random stream for the dropout masks, advanced ({@code (L−1)·B·H} draws per step);
     *                      null for no dropout (inference); no effect with one layer or {@code p = 0}
     * @param reuse         a cache of this stack to fill, or null for a new one; overwritten
     * @return the cache filled, holding the output and the new states
     * @throws IllegalArgumentException if a shape is wrong or {@code reuse} belongs to another stack
     */
    public Cache forward(FMatrixRMaj x, FMatrixRMaj hPrev, FMatrixRMaj cPrev, RandomGenerator dropoutRandom,
                         Cache reuse) {
        int batch = checkForward(x, hPrev, cPrev);
        Cache cache = prepare(reuse, batch);
        boolean dropout = dropoutRandom != null && config.dropout() > 0f && config.numLayers() > 1;
        if (dropout) {
            // masks: ((L−1)·B, H); the draws do not depend on the values, so drawing every layer's mask
            // before the step is the same as drawing each after its layer
            float p = config.dropout();
            float keep = 1f / (1f - p);
            float[] masks = cache.masks.data;
            int n = cache.masks.getNumElements();
            for (int i = 0; i < n; i++) {
                masks[i] = dropoutRandom.nextFloat() < p ? 0f : keep;
            }
        }
        run(x, hPrev, cPrev, dropout, cache);
        return cache;
    }

    /**
     * Runs one step of every layer, multiplying each layer's output but the top one by a given dropout
     * mask before the next layer reads it.
     *
     * @param x            (B, I) input of the step; not modified (copied)
     * @param hPrev        (L·B, H) previous hidden states, or null for zeros; not modified (copied)
     * @param cPrev        (L·B, H) previous cell states of an LSTM, or null for zeros; must be null for
     *                     other cells; not modified (copied)
     * @param dropoutMasks ((L−1)·B, H) masks, row {@code k·B + b} multiplying layer {@code k}'s output of
     *                     sequence {@code b} (inverted dropout: entries 0 or {@code 1/(1 − p)}), or null
     *                     for no dropout; not modified (copied)
     * @param reuse        a cache of this stack to fill, or null for a new one; overwritten
     * @return the cache filled
     * @throws IllegalArgumentException if a shape is wrong or {@code reuse} belongs to another stack
     */
    public Cache forwardWithMasks(FMatrixRMaj x, FMatrixRMaj hPrev, FMatrixRMaj cPrev, FMatrixRMaj dropoutMasks,
                                  Cache reuse) {
        int batch = checkForward(x, hPrev, cPrev);
        if (dropoutMasks != null) {
            Tensors.checkShape(dropoutMasks, (config.numLayers() - 1) * batch, config.hiddenSize(), "dropoutMasks");
        }
        Cache cache = prepare(reuse, batch);
        boolean dropout = dropoutMasks != null && config.numLayers() > 1;
        if (dropout) {
            System.arraycopy(dropoutMasks.data, 0, cache.masks.data, 0, cache.masks.getNumElements());
        }
        run(x, hPrev, cPrev, dropout, cache);
        return cache;
    }

    private int checkForward(FMatrixRMaj x, FMatrixRMaj hPrev, FMatrixRMaj cPrev) {
        if (x == null || x.numRows < 1 || x.numCols != config.inputSize()) {
            throw new IllegalArgumentException("x must be (B, " + config.inputSize() + ") with B ≥ 1 but was "
                    + (x == null ? "null" : Tensors.shape(x)));
        }
        int batch = x.numRows;
        if (hPrev != null) {
            Tensors.checkShape(hPrev, config.stateRows(batch), config.hiddenSize(), "hPrev");
        }
        if (cPrev != null) {
            if (!config.cell().hasCellState()) {
                throw new IllegalArgumentException("cPrev must be null: a " + config.cell() + " has no cell state");
            }
            Tensors.checkShape(cPrev, config.stateRows(batch), config.hiddenSize(), "cPrev");
        }
        return batch;
    }

    private Cache prepare(Cache reuse, int batch) {
        Cache cache = reuse == null ? new Cache(this) : reuse;
        if (cache.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another stack");
        }
        cache.prepareForward(batch);
        return cache;
    }

    /** The step of every layer; layer k reads layer k−1's new hidden state (times its mask). */
    private void run(FMatrixRMaj x, FMatrixRMaj hPrev, FMatrixRMaj cPrev, boolean dropout, Cache cache) {
        int batch = cache.batch;
        int hs = config.hiddenSize();
        int slice = batch * hs;
        boolean lstm = config.cell().hasCellState();
        FMatrixRMaj in = x;
        for (int k = 0; k < cells.length; k++) {
            // hSlice, cSlice: (B, H) layer k's rows of hPrev, cPrev, read before hidden (maybe hPrev) is written
            copyRows(hPrev, k * slice, cache.hSlice);
            if (lstm) {
                copyRows(cPrev, k * slice, cache.cSlice);
            }
            RecurrentCell.StepCache step = cells[k].stepForward(in, cache.hSlice, lstm ? cache.cSlice : null,
                    cache.steps[k]);
            cache.steps[k] = step;
            // hidden, cellState: (L·B, H) rows of layer k
            System.arraycopy(step.hidden().data, 0, cache.hidden.data, k * slice, slice);
            if (lstm) {
                System.arraycopy(step.cellState().data, 0, cache.cellState.data, k * slice, slice);
            }
            if (k < cells.length - 1) {
                if (dropout) {
                    // layerInput: (B, H) = h_k ⊙ m_k
                    float[] h = step.hidden().data;
                    float[] m = cache.masks.data;
                    float[] dropped = cache.layerInput.data;
                    for (int i = 0; i < slice; i++) {
                        dropped[i] = h[i] * m[k * slice + i];
                    }
                    in = cache.layerInput;
                } else {
                    in = step.hidden();
                }
            }
        }
        System.arraycopy(cache.hidden.data, (cells.length - 1) * slice, cache.output.data, 0, slice);
        cache.dropout = dropout;
        cache.filled = true;
    }

    /** target (B, H) = source rows [off, off + B·H), or zeros when source is null. */
    private static void copyRows(FMatrixRMaj source, int off, FMatrixRMaj target) {
        int n = target.getNumElements();
        if (source == null) {
            Arrays.fill(target.data, 0, n, 0f);
        } else {
            System.arraycopy(source.data, off, target.data, 0, n);
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Backward

    /**
     * Backward of one step through every layer, top to bottom. Adds ({@code +=}) into the parameter
     * gradients; writes the cache's {@link Cache#dx()}, {@link Cache#dhPrev()} and {@link Cache#dcPrev()}.
     * <pre>
     *   dh_{L−1} = dOutput + dhNext(L−1)          dh_k = (dIn_{k+1} ⊙ m_k) + dhNext(k)
     *   cell_k backward: dIn_k, dh_{k, t−1}, dc_{k, t−1}, and dW, db of layer k (+=)
     *   dx_t = dIn_0
     * </pre>
     *
     * @param cache   a cache filled by this stack's forward and not yet consumed; consumed
     * @param dOutput (B, H) gradient with respect to {@link Cache#output()}, or null for zero; not modified
     * @param dhNext  (L·B, H) gradient with respect to {@link Cache#hidden()} (from the next step), or null
     *                for zero; not modified
     * @param dcNext  (L·B, H) gradient with respect to {@link Cache#cellState()} of an LSTM, or null for
     *                zero; must be null for other cells; not modified
     * @throws IllegalArgumentException if a shape is wrong or the cache belongs to another stack
     * @throws IllegalStateException    if the cache was never filled, or its forward was already consumed
     *                                  by a backward
     */
    public void backward(Cache cache, FMatrixRMaj dOutput, FMatrixRMaj dhNext, FMatrixRMaj dcNext) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must come from this stack's forward");
        }
        if (!cache.filled) {
            throw new IllegalStateException(cache.consumed
                    ? "the cache's forward was already consumed by a backward; run forward again"
                    : "backward needs a forward first");
        }
        int batch = cache.batch;
        int hs = config.hiddenSize();
        int slice = batch * hs;
        boolean lstm = config.cell().hasCellState();
        if (dOutput != null) {
            Tensors.checkShape(dOutput, batch, hs, "dOutput");
        }
        if (dhNext != null) {
            Tensors.checkShape(dhNext, config.stateRows(batch), hs, "dhNext");
        }
        if (dcNext != null) {
            if (!lstm) {
                throw new IllegalArgumentException("dcNext must be null: a " + config.cell() + " has no cell state");
            }
            Tensors.checkShape(dcNext, config.stateRows(batch), hs, "dcNext");
        }
        FMatrixRMaj dAbove = dOutput;
        for (int k = cells.length - 1; k >= 0; k--) {
            if (dhNext != null) {
                System.arraycopy(dhNext.data, k * slice, cache.dhSlice.data, 0, slice);
            }
            if (dcNext != null) {
                System.arraycopy(dcNext.data, k * slice, cache.dcSlice.data, 0, slice);
            }
            RecurrentCell.StepCache step = cache.steps[k];
            cells[k].stepBackward(step, dAbove, dhNext == null ? null : cache.dhSlice,
                    dcNext == null ? null : cache.dcSlice);
            System.arraycopy(step.dhPrev().data, 0, cache.dhPrev.data, k * slice, slice);
            if (lstm) {
                System.arraycopy(step.dcPrev().data, 0, cache.dcPrev.data, k * slice, slice);
            }
            if (k > 0) {
                if (cache.dropout) {
                    // dAbove: (B, H), the gradient into layer k−1's output = dIn_k ⊙ m_{k−1}
                    float[] dIn = step.dx().data;
                    float[] m = cache.masks.data;
                    float[] d = cache.dAbove.data;
                    for (int i = 0; i < slice; i++) {
                        d[i] = dIn[i] * m[(k - 1) * slice + i];
                    }
                    dAbove = cache.dAbove;
                } else {
                    dAbove = step.dx();
                }
            }
        }
        cache.dx.setTo(cache.steps[0].dx());
        cache.filled = false;
        cache.consumed = true;
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * One step of a {@link RecurrentStack}: its output and new states, what its backward needs, and after
     * the backward the input gradients.
     *
     * <p>Owned by the caller: made by a forward with {@code reuse == null} and passed back to later
     * forwards to be refilled. Filled by a forward, consumed by one backward. The matrices returned by the
     * accessors are the cache's own buffers (not copies), overwritten by the next forward into this cache;
     * they are reallocated exactly when the batch size changes, so their {@code data} arrays have exactly
     * their number of elements.
     */
    public static final class Cache {

        private final RecurrentStack owner;
        private int batch;
        private boolean filled;
        private boolean consumed;
        private boolean dropout;
        /** steps[k]: layer k's cell step. */
        private final RecurrentCell.StepCache[] steps;
        // hidden, cellState: (L·B, H) the new states; output: (B, H) the top layer's h_t;
        // masks: ((L−1)·B, H) the dropout masks
        private FMatrixRMaj hidden;
        private FMatrixRMaj cellState;
        private FMatrixRMaj output;
        private FMatrixRMaj masks;
        // scratch, each (B, H): one layer's rows of the previous states, the input of a layer above the
        // first after dropout, one layer's rows of dhNext and dcNext, the gradient into a layer's output
        private FMatrixRMaj hSlice;
        private FMatrixRMaj cSlice;
        private FMatrixRMaj layerInput;
        private FMatrixRMaj dhSlice;
        private FMatrixRMaj dcSlice;
        private FMatrixRMaj dAbove;
        // backward: dx (B, I); dhPrev, dcPrev (L·B, H)
        private FMatrixRMaj dx;
        private FMatrixRMaj dhPrev;
        private FMatrixRMaj dcPrev;

        private Cache(RecurrentStack owner) {
            this.owner = owner;
            this.steps = new RecurrentCell.StepCache[owner.cells.length];
            this.batch = -1;
        }

        /** Starts a forward of batch size B: reallocates every buffer if B changed. */
        void prepareForward(int newBatch) {
            filled = false;
            consumed = false;
            if (newBatch == batch) {
                return;
            }
            RecurrentConfig config = owner.config;
            int hs = config.hiddenSize();
            int stateRows = config.stateRows(newBatch);
            boolean lstm = config.cell().hasCellState();
            Arrays.fill(steps, null);   // the cells' step caches are made anew at this size
            hidden = new FMatrixRMaj(stateRows, hs);
            cellState = lstm ? new FMatrixRMaj(stateRows, hs) : null;
            output = new FMatrixRMaj(newBatch, hs);
            masks = new FMatrixRMaj((config.numLayers() - 1) * newBatch, hs);
            hSlice = new FMatrixRMaj(newBatch, hs);
            cSlice = new FMatrixRMaj(newBatch, hs);
            layerInput = new FMatrixRMaj(newBatch, hs);
            dhSlice = new FMatrixRMaj(newBatch, hs);
            dcSlice = new FMatrixRMaj(newBatch, hs);
            dAbove = new FMatrixRMaj(newBatch, hs);
            dx = new FMatrixRMaj(newBatch, config.inputSize());
            dhPrev = new FMatrixRMaj(stateRows, hs);
            dcPrev = lstm ? new FMatrixRMaj(stateRows, hs) : null;
            batch = newBatch;
        }

        /**
         * Batch size {@code B} of the latest forward.
         *
         * @return B
         * @throws IllegalStateException if no forward has filled the cache
         */
        public int batchSize() {
            checkForward();
            return batch;
        }

        /**
         * The top layer's new hidden state {@code h_t}, the step's output.
         *
         * @return (B, H)
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj output() {
            checkForward();
            return output;
        }

        /**
         * The new hidden states of every layer, the next step's {@code hPrev}.
         *
         * @return (L·B, H)
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj hidden() {
            checkForward();
            return hidden;
        }

        /**
         * The new cell states of every layer of an LSTM, the next step's {@code cPrev}; null for other
         * cells, so that {@code forward(x, cache.hidden(), cache.cellState(), …)} carries any cell's state.
         *
         * @return (L·B, H), or null if the cell is not an LSTM
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj cellState() {
            checkForward();
            return cellState;
        }

        /**
         * Tells whether the latest forward applied dropout masks.
         *
         * @return true if it did
         * @throws IllegalStateException if no forward has filled the cache
         */
        public boolean hasDropout() {
            checkForward();
            return dropout;
        }

        /**
         * The dropout masks of the latest forward.
         *
         * @return ((L−1)·B, H), row {@code k·B + b}: the mask on layer {@code k}'s output
         * @throws IllegalStateException if no forward has filled the cache, or it applied no dropout
         */
        public FMatrixRMaj dropoutMasks() {
            checkForward();
            if (!dropout) {
                throw new IllegalStateException("the latest forward applied no dropout");
            }
            return masks;
        }

        /**
         * Gradient with respect to the step's input {@code x}.
         *
         * @return (B, I)
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dx() {
            checkBackward();
            return dx;
        }

        /**
         * Gradient with respect to the previous hidden states {@code hPrev}: the {@code dhNext} of the
         * previous step's backward.
         *
         * @return (L·B, H)
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dhPrev() {
            checkBackward();
            return dhPrev;
        }

        /**
         * Gradient with respect to the previous cell states {@code cPrev} of an LSTM; null for other cells.
         *
         * @return (L·B, H), or null if the cell is not an LSTM
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dcPrev() {
            checkBackward();
            return dcPrev;
        }

        private void checkForward() {
            if (!filled && !consumed) {
                throw new IllegalStateException("no forward has filled this cache");
            }
        }

        private void checkBackward() {
            if (!consumed) {
                throw new IllegalStateException("backward has not run since the latest forward");
            }
        }
    }
}
