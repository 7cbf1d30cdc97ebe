package org.seq4j.rnn;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;

/**
 * One-to-many conditioning (captioning-style generation from a feature vector): maps a conditioning vector
 * per sequence into the initial states of every layer and direction of a {@link RecurrentLayer}.
 *
 * <pre>
 *   a   = v·W_hᵀ + b_h          v: (B, F)   W_h: (L·D·H, F)   b_h: (1, L·D·H)   a: (B, L·D·H)
 *   h0[(k·D + d)·B + b, :] = tanh(a[b, (k·D + d)·H : (k·D + d + 1)·H])            h0: (L·D·B, H)
 *   LSTM only, with its own W_c (L·D·H, F) and b_c (1, L·D·H):
 *   c0[(k·D + d)·B + b, :] = tanh(v·W_cᵀ + b_c)[b, (k·D + d)·H : …]               c0: (L·D·B, H)
 * </pre>
 * The layer's {@code dh0} (and {@code dc0}) from {@link RecurrentLayer.Cache} flow back through
 * {@link #backward} into the parameters and into {@link Cache#dCondition()}. Parameters:
 * {@code hidden.weight}, {@code hidden.bias} and, for an LSTM, {@code cell.weight}, {@code cell.bias}.
 *
 * <p>The head owns one {@link Cache}, returned by every forward and valid until the next one; forward
 * and backward allocate nothing while the batch size stays the same.
 */
public final class InitialStateHead implements Module {

    private final RecurrentConfig config;
    private final Linear hidden;
    private final Linear cell;
    private final Parameters parameters = new Parameters();
    private final Cache cache = new Cache();

    /**
     * Creates the head with PyTorch's {@code nn.Linear} initialisation.
     *
     * @param conditionSize features {@code F} of the conditioning vector
     * @param config        the configuration of the recurrent layer to start
     * @param random        random stream for the initialisation; advanced
     * @throws IllegalArgumentException if {@code conditionSize} is below 1 or an argument is null
     */
    public InitialStateHead(int conditionSize, RecurrentConfig config, RandomGenerator random) {
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
     * Computes the initial states.
     *
     * @param condition (B, F) one conditioning vector per sequence; not modified, and must not be modified
     *                  before backward
     * @return this head's cache, holding {@link Cache#h0()} and {@link Cache#c0()}
     * @throws IllegalArgumentException if the shape is wrong
     */
    public Cache forward(FMatrixRMaj condition) {
        if (condition == null || condition.numCols != hidden.inFeatures() || condition.numRows == 0) {
            throw new IllegalArgumentException("condition must be (B, " + hidden.inFeatures() + ") but was "
                    + (condition == null ? "null" : Tensors.shape(condition)));
        }
        Cache c = cache;
        int batch = condition.numRows;
        c.prepare(batch, config, hidden.inFeatures(), cell != null);
        c.condition = condition;
        hidden.forward(condition, c.hiddenAct);
        Tensors.tanh(c.hiddenAct, c.hiddenAct);
        toStateLayout(c.hiddenAct, c.h0, batch);
        if (cell != null) {
            cell.forward(condition, c.cellAct);
            Tensors.tanh(c.cellAct, c.cellAct);
            toStateLayout(c.cellAct, c.c0, batch);
        }
        return c;
    }

    /**
     * Backward: adds ({@code +=}) into the parameter gradients and writes {@link Cache#dCondition()}.
     *
     * @param cache the cache returned by this head's latest forward
     * @param dh0   (L·D·B, H) gradient with respect to {@code h0}, e.g. {@link RecurrentLayer.Cache#dh0()};
     *              not modified
     * @param dc0   (L·D·B, H) gradient with respect to {@code c0} for an LSTM, else null; not modified
     * @throws IllegalArgumentException if a shape is wrong or the cache is not this head's
     * @throws IllegalStateException    if forward has not run
     */
    public void backward(Cache cache, FMatrixRMaj dh0, FMatrixRMaj dc0) {
        if (cache != this.cache) {
            throw new IllegalArgumentException("the cache must be the one returned by this head's forward");
        }
        if (cache.condition == null) {
            throw new IllegalStateException("backward needs a forward first");
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
        c.backwardDone = true;
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
     * The initial states computed by an {@link InitialStateHead} forward, and after backward the gradient of
     * the conditioning vector. Owned by the head and overwritten by its next forward.
     */
    public static final class Cache {

        private FMatrixRMaj condition;
        private boolean backwardDone;
        // hiddenAct, cellAct, dAct: (B, L·D·H); h0, c0: (L·D·B, H); dCondition, dConditionCell: (B, F)
        private final FMatrixRMaj hiddenAct = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj cellAct = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dAct = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj h0 = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj c0 = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dCondition = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dConditionCell = new FMatrixRMaj(0, 0);

        Cache() {
        }

        void prepare(int batch, RecurrentConfig config, int conditionSize, boolean lstm) {
            condition = null;
            backwardDone = false;
            int width = config.numLayers() * config.numDirections() * config.hiddenSize();
            int rows = config.stateRows(batch);
            hiddenAct.reshape(batch, width);
            cellAct.reshape(lstm ? batch : 0, width);
            dAct.reshape(batch, width);
            h0.reshape(rows, config.hiddenSize());
            c0.reshape(lstm ? rows : 0, config.hiddenSize());
            dCondition.reshape(batch, conditionSize);
            dConditionCell.reshape(lstm ? batch : 0, conditionSize);
        }

        /**
         * The initial hidden states, to pass as {@code h0} to {@link RecurrentLayer#forward} or to
         * {@link RecurrentState#setTo}.
         *
         * @return (L·D·B, H)
         */
        public FMatrixRMaj h0() {
            return h0;
        }

        /**
         * The initial cell states of an LSTM.
         *
         * @return (L·D·B, H), or null for other cells
         */
        public FMatrixRMaj c0() {
            return c0.numRows == 0 ? null : c0;
        }

        /**
         * Gradient with respect to the conditioning vector.
         *
         * @return (B, F)
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dCondition() {
            if (!backwardDone) {
                throw new IllegalStateException("backward has not run since the latest forward");
            }
            return dCondition;
        }
    }
}
