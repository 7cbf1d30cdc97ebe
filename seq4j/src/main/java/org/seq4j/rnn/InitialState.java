package org.seq4j.rnn;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;

/**
 * Projects a conditioning vector per sequence into the initial states of every layer and direction of a
 * {@link RecurrentLayer}: the one-to-many building block (captioning-style generation from a feature vector,
 * a decoder started from an encoding). It has no loss; the layer's {@code dh0} (and {@code dc0}) flow back
 * through it.
 *
 * <pre>
 *   a   = v·W_hᵀ + b_h          v: (B, F)   W_h: (L·D·H, F)   b_h: (1, L·D·H)   a: (B, L·D·H)
 *   h0[(k·D + d)·B + b, :] = tanh(a[b, (k·D + d)·H : (k·D + d + 1)·H])            h0: (L·D·B, H)
 *   LSTM only, with its own W_c (L·D·H, F) and b_c (1, L·D·H):
 *   c0[(k·D + d)·B + b, :] = tanh(v·W_cᵀ + b_c)[b, (k·D + d)·H : …]               c0: (L·D·B, H)
 *
 *   backward:  dA = rearranged dh0 ⊙ (1 − tanh²);  dW_h += dAᵀ·v;  db_h += Σ_rows dA;  dV = dA·W_h (+ cell part)
 * </pre>
 * Parameters: {@code hidden.weight}, {@code hidden.bias} and, for an LSTM, {@code cell.weight},
 * {@code cell.bias}, initialised as {@code torch.nn.Linear}. In PyTorch the same module is
 * {@code torch.tanh(hidden(v)).view(B, L·D, H).transpose(0, 1)}.
 *
 * <p>Caches are the caller's: {@link #forward(FMatrixRMaj, Cache)} fills the cache it is given (or a new
 * one) and returns it; {@link #backward} consumes it and adds into the parameter gradients. Any number of
 * caches may be alive at once. A cache reallocates its buffers exactly when the batch size changes, so a
 * loop with a fixed batch size and one cache allocates nothing at steady state.
 */
public final class InitialState implements Module {

    private final RecurrentConfig config;
    private final Linear hidden;
    private final Linear cell;
    private final Parameters parameters = new Parameters();

    /**
     * Creates the projection with PyTorch's {@code nn.Linear} initialisation.
     *
     * @param conditionSize features {@code F} of the conditioning vector, at least 1
     * @param config        the configuration of the recurrent layer to start
     * @param random        random stream for the initialisation; advanced
     * @throws IllegalArgumentException if {@code conditionSize} is below 1 or an argument is null
     */
    public InitialState(int conditionSize, RecurrentConfig config, RandomGenerator random) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        int states = config.numLayers() * config.numDirections() * config.hiddenSize();
        this.hidden = new Linear(conditionSize, states, random);
        this.cell = config.cell().hasCellState() ? new Linear(conditionSize, states, random) : null;
        parameters.addAll("hidden.", hidden.parameters());
        if (cell != null) {
            parameters.addAll("cell.", cell.parameters());
        }
    }

    /**
     * The parameters {@code hidden.weight, hidden.bias} and, for an LSTM, {@code cell.weight, cell.bias}.
     *
     * @return the registry
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /**
     * Creates an empty cache of this module, to be filled by {@link #forward(FMatrixRMaj, Cache)}; backward
     * on it before a forward throws {@link IllegalStateException}.
     *
     * @return a new, unfilled cache
     */
    public Cache newCache() {
        return new Cache(this);
    }

    /**
     * Computes the initial states into a new cache; see {@link #forward(FMatrixRMaj, Cache)}.
     *
     * @param condition (B, F) one conditioning vector per sequence; not modified
     * @return a new cache holding {@link Cache#h0()} and {@link Cache#c0()}
     * @throws IllegalArgumentException if the shape is wrong
     */
    public Cache forward(FMatrixRMaj condition) {
        return forward(condition, null);
    }

    /**
     * Computes the initial states.
     *
     * @param condition (B, F) one conditioning vector per sequence; not modified (copied into the cache)
     * @param reuse     a cache of this module to fill, or null for a new one
     * @return {@code reuse} (or the new cache), holding {@link Cache#h0()} and {@link Cache#c0()}
     * @throws IllegalArgumentException if the shape is wrong or {@code reuse} belongs to another module
     */
    public Cache forward(FMatrixRMaj condition, Cache reuse) {
        int features = hidden.inFeatures();
        if (condition == null || condition.numCols != features || condition.numRows == 0) {
            throw new IllegalArgumentException("condition must be (B, " + features + ") but was "
                    + (condition == null ? "null" : Tensors.shape(condition)));
        }
        if (reuse != null && reuse.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another InitialState module");
        }
        Cache c = reuse != null ? reuse : new Cache(this);
        int batch = condition.numRows;
        c.prepare(batch, features);
        c.condition.setTo(condition);
        hidden.forward(c.condition, c.hiddenAct);
        Tensors.tanh(c.hiddenAct, c.hiddenAct);
        toStateLayout(c.hiddenAct, c.h0, batch);
        if (cell != null) {
            cell.forward(c.condition, c.cellAct);
            Tensors.tanh(c.cellAct, c.cellAct);
            toStateLayout(c.cellAct, c.c0, batch);
        }
        c.filled = true;
        return c;
    }

    /**
     * Backward: adds ({@code +=}) into the parameter gradients and writes {@link Cache#dCondition()}.
     * Consumes the cache.
     *
     * @param cache a cache filled by this module's forward
     * @param dh0   (L·D·B, H) gradient with respect to {@code h0}, e.g. the recurrent layer's {@code dh0};
     *              not modified
     * @param dc0   (L·D·B, H) gradient with respect to {@code c0} for an LSTM, else null; not modified
     * @throws IllegalArgumentException if a shape is wrong or the cache is another module's
     * @throws IllegalStateException    if the cache was never filled, or was already consumed by a backward
     */
    public void backward(Cache cache, FMatrixRMaj dh0, FMatrixRMaj dc0) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must be one filled by this InitialState's forward");
        }
        if (!cache.filled) {
            throw new IllegalStateException(cache.dConditionReady
                    ? "backward already ran on this cache; run forward again first"
                    : "backward needs a forward first");
        }
        Cache c = cache;
        int batch = c.condition.numRows;
        Tensors.checkShape(dh0, c.h0.numRows, c.h0.numCols, "dh0");
        if (cell == null && dc0 != null) {
            throw new IllegalArgumentException("dc0 must be null: a " + config.cell() + " has no cell state");
        }
        if (cell != null) {
            Tensors.checkShape(dc0, c.c0.numRows, c.c0.numCols, "dc0");
        }
        // dAct: (B, L·D·H) = dh0 rearranged, times tanh′ = 1 − act²
        fromStateLayout(dh0, c.dAct, batch);
        Tensors.tanhBackward(c.hiddenAct, c.dAct, c.dAct);
        hidden.backward(c.condition, c.dAct, c.dCondition);
        if (cell != null) {
            fromStateLayout(dc0, c.dAct, batch);
            Tensors.tanhBackward(c.cellAct, c.dAct, c.dAct);
            cell.backward(c.condition, c.dAct, c.dConditionCell);
            Tensors.addTo(c.dConditionCell, c.dCondition);
        }
        c.filled = false;
        c.dConditionReady = true;
    }

    /** (B, K·H) → (K·B, H): block k of row b becomes row k·B + b. */
    private void toStateLayout(FMatrixRMaj act, FMatrixRMaj state, int batch) {
        int hs = config.hiddenSize();
        int blocks = act.numCols / hs;
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < blocks; k++) {
                System.arraycopy(act.data, b * act.numCols + k * hs, state.data, (k * batch + b) * hs, hs);
            }
        }
    }

    /** (K·B, H) → (B, K·H), the inverse of toStateLayout. */
    private void fromStateLayout(FMatrixRMaj state, FMatrixRMaj act, int batch) {
        int hs = config.hiddenSize();
        int blocks = act.numCols / hs;
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < blocks; k++) {
                System.arraycopy(state.data, (k * batch + b) * hs, act.data, b * act.numCols + k * hs, hs);
            }
        }
    }

    /**
     * Describes the module.
     *
     * @return e.g. {@code InitialState(F=16, LSTM, L=2, D=1, H=64)}
     */
    @Override
    public String toString() {
        return "InitialState(F=" + hidden.inFeatures() + ", " + config.cell() + ", L=" + config.numLayers()
                + ", D=" + config.numDirections() + ", H=" + config.hiddenSize() + ")";
    }

    /**
     * The initial states computed by an {@link InitialState} forward and, after its backward, the gradient of
     * the conditioning vector. Filled by every forward, consumed by one backward; its matrices are
     * reallocated exactly when the batch size changes ({@code data.length} always equals the element count).
     */
    public static final class Cache {

        private final InitialState owner;
        private boolean filled;
        private boolean dConditionReady;
        // condition, dCondition, dConditionCell: (B, F); hiddenAct, cellAct, dAct: (B, L·D·H);
        // h0, c0: (L·D·B, H); the cell buffers have 0 rows unless the cell is an LSTM
        private FMatrixRMaj condition = new FMatrixRMaj(0, 0);
        private FMatrixRMaj hiddenAct;
        private FMatrixRMaj cellAct;
        private FMatrixRMaj dAct;
        private FMatrixRMaj h0;
        private FMatrixRMaj c0;
        private FMatrixRMaj dCondition;
        private FMatrixRMaj dConditionCell;

        private Cache(InitialState owner) {
            this.owner = owner;
        }

        private void prepare(int batch, int features) {
            filled = false;
            dConditionReady = false;
            if (h0 != null && condition.numRows == batch) {
                return;
            }
            RecurrentConfig config = owner.config;
            boolean lstm = owner.cell != null;
            int width = config.numLayers() * config.numDirections() * config.hiddenSize();
            int rows = config.stateRows(batch);
            int hs = config.hiddenSize();
            condition = new FMatrixRMaj(batch, features);
            hiddenAct = new FMatrixRMaj(batch, width);
            cellAct = new FMatrixRMaj(lstm ? batch : 0, width);
            dAct = new FMatrixRMaj(batch, width);
            h0 = new FMatrixRMaj(rows, hs);
            c0 = new FMatrixRMaj(lstm ? rows : 0, hs);
            dCondition = new FMatrixRMaj(batch, features);
            dConditionCell = new FMatrixRMaj(lstm ? batch : 0, features);
        }

        private void checkFilled() {
            if (h0 == null) {
                throw new IllegalStateException("the cache has not been filled by a forward");
            }
        }

        /**
         * The initial hidden states, to pass as {@code h0} to the recurrent layer's forward or to
         * {@link RecurrentState#setTo}.
         *
         * @return (L·D·B, H); the live buffer, overwritten by the next forward with this cache
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj h0() {
            checkFilled();
            return h0;
        }

        /**
         * The initial cell states of an LSTM.
         *
         * @return (L·D·B, H), or null for other cells; the live buffer
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj c0() {
            checkFilled();
            return c0.numRows == 0 ? null : c0;
        }

        /**
         * Gradient with respect to the conditioning vector.
         *
         * @return (B, F); the live buffer
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dCondition() {
            if (!dConditionReady) {
                throw new IllegalStateException("backward has not run since the latest forward");
            }
            return dCondition;
        }
    }
}
