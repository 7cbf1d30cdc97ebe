package org.seq4j.rnn;

import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;

/**
 * Turns the final state of a bidirectional encoder, {@code (L·2·B, H)}, into the initial state of a
 * unidirectional decoder with as many layers, {@code (L·B, H')}: per layer, the forward and the reverse
 * direction's states of each sequence become one state.
 *
 * <pre>
 *   s: (L·2·B, H)   row (2k + d)·B + b: layer k, direction d, sequence b  (a RecurrentLayer's hN or cN)
 *   f_k = s(2k·B + b),  r_k = s((2k + 1)·B + b)                           each (B, H) over b
 *
 *   SUM      out_k = f_k + r_k                                 H' = H
 *   CONCAT   out_k = [f_k | r_k]                               H' = 2H
 *   LINEAR   out_k = tanh([f_k | r_k]·Wᵀ + b_W)                W: (H', 2H), b_W: (1, H'); one W for all layers
 *
 *   out: (L·B, H')   row k·B + b: layer k, sequence b  (a decoder's h0 or c0)
 * </pre>
 * Backward, given {@code dOut} (L·B, H'):
 * <pre>
 *   SUM      df_k = dr_k = dOut_k
 *   CONCAT   [df_k | dr_k] = dOut_k
 *   LINEAR   dA = dOut ⊙ (1 − out²);  dW += dAᵀ·[f | r];  db_W += Σ_rows dA;  [df | dr] = dA·W
 * </pre>
 *
 * <p>Which to use. {@code SUM} adds nothing to train and keeps the decoder's size (PyTorch's chatbot
 * tutorial combines the two directions of its GRU encoder's outputs the same way). {@code CONCAT} is OpenNMT's
 * handling of a bidirectional encoder (its decoder is twice as wide). {@code LINEAR} learns the map: the
 * concatenation through a {@link Linear} {@code 2H → H'} and a tanh, as Bahdanau et al. (2015) initialise
 * their decoder ({@code s_0 = tanh(W_s h←_1)}, there from the reverse direction only). The tanh keeps the
 * decoder's initial hidden state within {@code (−1, 1)}, where its own steps put it (OpenNMT's
 * {@code bridge} option uses a ReLU instead, over all layers flattened into one vector). For an LSTM, bridge
 * {@code hN} and {@code cN} with two bridges of their own (as OpenNMT does), or with one bridge applied
 * twice (its weights then receive the gradients of both uses).
 *
 * <h2>Caches</h2>
 * The bridge holds no mutable state. {@link #forward} fills a caller-owned {@link Cache} (from
 * {@link #newCache()} or an earlier forward; a new one when {@code reuse} is null); {@link #backward}
 * consumes it once (a second backward without a new forward, or a backward on a cache never filled, throws
 * {@link IllegalStateException}; a cache of another bridge, {@link IllegalArgumentException}). A
 * cache reallocates its buffers exactly when the batch size changes, so its matrices have
 * {@code data.length == getNumElements()} and a loop at a fixed batch size allocates nothing.
 */
public final class DirectionBridge implements Module {

    /** How the two directions are combined. */
    public enum Mode {
        /** {@code out_k = f_k + r_k}; no parameters. */
        SUM,
        /** {@code out_k = [f_k | r_k]}; no parameters. */
        CONCAT,
        /** {@code out_k = tanh([f_k | r_k]·Wᵀ + b_W)} with one {@link Linear} {@code 2H → H'}. */
        LINEAR
    }

    private final Mode mode;
    private final int numLayers;
    private final int hiddenSize;
    private final int outputSize;
    private final Linear linear;
    private final Parameters parameters;

    private DirectionBridge(Mode mode, int numLayers, int hiddenSize, int outputSize, Linear linear) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("numLayers must be at least 1 but was " + numLayers);
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1 but was " + hiddenSize);
        }
        this.mode = mode;
        this.numLayers = numLayers;
        this.hiddenSize = hiddenSize;
        this.outputSize = outputSize;
        this.linear = linear;
        this.parameters = linear == null ? new Parameters() : linear.parameters();
    }

    /**
     * A bridge that adds the two directions.
     *
     * @param numLayers  L, the layers of encoder and decoder, at least 1
     * @param hiddenSize H of the encoder (and of the decoder), at least 1
     * @return the bridge
     * @throws IllegalArgumentException if a size is below 1
     */
    public static DirectionBridge sum(int numLayers, int hiddenSize) {
        return new DirectionBridge(Mode.SUM, numLayers, hiddenSize, hiddenSize, null);
    }

    /**
     * A bridge that concatenates the two directions, for a decoder of hidden size {@code 2H}.
     *
     * @param numLayers  L, the layers of encoder and decoder, at least 1
     * @param hiddenSize H of the encoder, at least 1
     * @return the bridge
     * @throws IllegalArgumentException if a size is below 1
     */
    public static DirectionBridge concat(int numLayers, int hiddenSize) {
        return new DirectionBridge(Mode.CONCAT, numLayers, hiddenSize, 2 * hiddenSize, null);
    }

    /**
     * A bridge through a new {@link Linear} {@code 2H → H'} with a bias, initialised as
     * {@code torch.nn.Linear}, followed by a tanh.
     *
     * @param numLayers  L, the layers of encoder and decoder, at least 1
     * @param hiddenSize H of the encoder, at least 1
     * @param outputSize H' of the decoder, at least 1
     * @param random     random stream for the initialisation; advanced
     * @return the bridge; its parameters are the linear layer's {@code weight} and {@code bias}
     * @throws IllegalArgumentException if a size is below 1 or {@code random} is null
     */
    public static DirectionBridge linear(int numLayers, int hiddenSize, int outputSize, RandomGenerator random) {
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1 but was " + hiddenSize);
        }
        return new DirectionBridge(Mode.LINEAR, numLayers, hiddenSize, outputSize,
                new Linear(2 * hiddenSize, outputSize, random));
    }

    /**
     * A bridge through an existing {@link Linear} {@code 2H → H'} (its parameters are shared, not copied),
     * followed by a tanh.
     *
     * @param numLayers L, the layers of encoder and decoder, at least 1
     * @param linear    a layer with an even number {@code 2H} of input features
     * @return the bridge; its parameters are the linear layer's
     * @throws IllegalArgumentException if {@code numLayers} is below 1, or {@code linear} is null or has an
     *                                  odd number of input features
     */
    public static DirectionBridge linear(int numLayers, Linear linear) {
        if (linear == null || linear.inFeatures() % 2 != 0) {
            throw new IllegalArgumentException("linear must have 2H input features but was "
                    + (linear == null ? "null" : linear));
        }
        return new DirectionBridge(Mode.LINEAR, numLayers, linear.inFeatures() / 2, linear.outFeatures(), linear);
    }

    /**
     * The combination.
     *
     * @return the mode
     */
    public Mode mode() {
        return mode;
    }

    /**
     * Number of layers {@code L} of the encoder and the decoder.
     *
     * @return L
     */
    public int numLayers() {
        return numLayers;
    }

    /**
     * Hidden size {@code H} of the encoder.
     *
     * @return H
     */
    public int hiddenSize() {
        return hiddenSize;
    }

    /**
     * Hidden size {@code H'} of the decoder state produced.
     *
     * @return H (SUM), 2H (CONCAT) or the linear layer's output features (LINEAR)
     */
    public int outputSize() {
        return outputSize;
    }

    /**
     * The linear layer of a {@link Mode#LINEAR} bridge.
     *
     * @return the layer, or empty for the other modes
     */
    public Optional<Linear> linear() {
        return Optional.ofNullable(linear);
    }

    /**
     * The parameters: the linear layer's {@code weight} and {@code bias} (PyTorch's {@code nn.Linear} names)
     * for a {@link Mode#LINEAR} bridge, none otherwise.
     *
     * @return the registry
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /**
     * Creates an empty cache for {@link #forward}'s {@code reuse} argument.
     *
     * @return a new cache of this bridge, not yet filled
     */
    public Cache newCache() {
        return new Cache(this);
    }

    /**
     * Combines the directions into a new cache.
     *
     * @param encoderState (L·2·B, H) a bidirectional encoder's final states; not modified
     * @return a new cache holding {@link Cache#output()}
     * @throws IllegalArgumentException if the shape is wrong
     */
    public Cache forward(FMatrixRMaj encoderState) {
        return forward(encoderState, null);
    }

    /**
     * Combines the directions.
     *
     * @param encoderState (L·2·B, H) a bidirectional encoder's final states, row {@code (2k + d)·B + b};
     *                     not modified, and not needed by backward
     * @param reuse        a cache of this bridge to fill, or null for a new one; overwritten
     * @return the cache filled, holding {@link Cache#output()} (L·B, H')
     * @throws IllegalArgumentException if the shape is wrong or {@code reuse} belongs to another bridge
     */
    public Cache forward(FMatrixRMaj encoderState, Cache reuse) {
        int groups = 2 * numLayers;
        if (encoderState == null || encoderState.numCols != hiddenSize || encoderState.numRows == 0
                || encoderState.numRows % groups != 0) {
            throw new IllegalArgumentException("encoderState must be (L·2·B, " + hiddenSize + ") with L = " + numLayers
                    + " and B ≥ 1 but was " + (encoderState == null ? "null" : Tensors.shape(encoderState)));
        }
        int batch = encoderState.numRows / groups;
        Cache cache = reuse == null ? new Cache(this) : reuse;
        if (cache.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another bridge");
        }
        cache.prepare(batch);
        float[] s = encoderState.data;
        int hs = hiddenSize;
        int slice = batch * hs;
        if (mode == Mode.SUM) {
            float[] out = cache.output.data;
            for (int k = 0; k < numLayers; k++) {
                int f = 2 * k * slice;
                int r = f + slice;
                for (int i = 0; i < slice; i++) {
                    out[k * slice + i] = s[f + i] + s[r + i];
                }
            }
        } else {
            // joined: (L·B, 2H), row k·B + b = [f_k(b) | r_k(b)]; the output itself for CONCAT
            float[] joined = (mode == Mode.CONCAT ? cache.output : cache.joined).data;
            for (int k = 0; k < numLayers; k++) {
                for (int b = 0; b < batch; b++) {
                    int row = (k * batch + b) * 2 * hs;
                    System.arraycopy(s, (2 * k * batch + b) * hs, joined, row, hs);
                    System.arraycopy(s, ((2 * k + 1) * batch + b) * hs, joined, row + hs, hs);
                }
            }
            if (mode == Mode.LINEAR) {
                linear.forward(cache.joined, cache.output);
                Tensors.tanh(cache.output, cache.output);
            }
        }
        cache.filled = true;
        return cache;
    }

    /**
     * Backward: writes the cache's {@link Cache#dEncoderState()}; for {@link Mode#LINEAR} adds ({@code +=})
     * into the linear layer's parameter gradients.
     *
     * @param cache   a cache filled by this bridge's forward and not yet consumed; consumed
     * @param dOutput (L·B, H') gradient with respect to {@link Cache#output()}; not modified
     * @throws IllegalArgumentException if the shape is wrong or the cache belongs to another bridge
     * @throws IllegalStateException    if the cache was never filled, or its forward was already consumed by
     *                                  a backward
     */
    public void backward(Cache cache, FMatrixRMaj dOutput) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must come from this bridge's forward");
        }
        if (!cache.filled) {
            throw new IllegalStateException(cache.consumed
                    ? "the cache's forward was already consumed by a backward; run forward again"
                    : "backward needs a forward first");
        }
        int batch = cache.batch;
        Tensors.checkShape(dOutput, numLayers * batch, outputSize, "dOutput");
        float[] ds = cache.dEncoderState.data;
        int hs = hiddenSize;
        int slice = batch * hs;
        if (mode == Mode.SUM) {
            for (int k = 0; k < numLayers; k++) {
                System.arraycopy(dOutput.data, k * slice, ds, 2 * k * slice, slice);
                System.arraycopy(dOutput.data, k * slice, ds, (2 * k + 1) * slice, slice);
            }
        } else {
            FMatrixRMaj dJoined = dOutput;
            if (mode == Mode.LINEAR) {
                // dPre: (L·B, H') = dOut ⊙ (1 − out²); dJoined: (L·B, 2H) = dPre·W, and dW, db (+=)
                Tensors.tanhBackward(cache.output, dOutput, cache.dPre);
                linear.backward(cache.joined, cache.dPre, cache.dJoined);
                dJoined = cache.dJoined;
            }
            for (int k = 0; k < numLayers; k++) {
                for (int b = 0; b < batch; b++) {
                    int row = (k * batch + b) * 2 * hs;
                    System.arraycopy(dJoined.data, row, ds, (2 * k * batch + b) * hs, hs);
                    System.arraycopy(dJoined.data, row + hs, ds, ((2 * k + 1) * batch + b) * hs, hs);
                }
            }
        }
        cache.filled = false;
        cache.consumed = true;
    }

    /**
     * Describes the bridge.
     *
     * @return e.g. {@code DirectionBridge(LINEAR, layers=2, 2·64 → 128)}
     */
    @Override
    public String toString() {
        return "DirectionBridge(" + mode + ", layers=" + numLayers + ", 2·" + hiddenSize + " → " + outputSize + ")";
    }

    /**
     * One forward of a {@link DirectionBridge}: the decoder state it produced and what its backward needs;
     * after the backward, the gradient into the encoder state.
     *
     * <p>Owned by the caller; filled by a forward, consumed by one backward. The matrices returned are the
     * cache's own buffers, overwritten by the next forward into it and reallocated exactly when the batch
     * size changes.
     */
    public static final class Cache {

        private final DirectionBridge owner;
        private int batch = -1;
        private boolean filled;
        private boolean consumed;
        // output: (L·B, H'); joined: (L·B, 2H) the concatenated directions (LINEAR);
        // dPre: (L·B, H') and dJoined: (L·B, 2H) (LINEAR); dEncoderState: (L·2·B, H)
        private FMatrixRMaj output;
        private FMatrixRMaj joined;
        private FMatrixRMaj dPre;
        private FMatrixRMaj dJoined;
        private FMatrixRMaj dEncoderState;

        private Cache(DirectionBridge owner) {
            this.owner = owner;
        }

        void prepare(int newBatch) {
            filled = false;
            consumed = false;
            if (newBatch == batch) {
                return;
            }
            int rows = owner.numLayers * newBatch;
            boolean linear = owner.mode == Mode.LINEAR;
            output = new FMatrixRMaj(rows, owner.outputSize);
            joined = linear ? new FMatrixRMaj(rows, 2 * owner.hiddenSize) : null;
            dPre = linear ? new FMatrixRMaj(rows, owner.outputSize) : null;
            dJoined = linear ? new FMatrixRMaj(rows, 2 * owner.hiddenSize) : null;
            dEncoderState = new FMatrixRMaj(2 * rows, owner.hiddenSize);
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
         * The decoder state.
         *
         * @return (L·B, H'), row {@code k·B + b}: layer k, sequence b
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj output() {
            checkForward();
            return output;
        }

        /**
         * Gradient with respect to the encoder state.
         *
         * @return (L·2·B, H)
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dEncoderState() {
            if (!consumed) {
                throw new IllegalStateException("backward has not run since the latest forward");
            }
            return dEncoderState;
        }

        private void checkForward() {
            if (!filled && !consumed) {
                throw new IllegalStateException("no forward has filled this cache");
            }
        }
    }
}
