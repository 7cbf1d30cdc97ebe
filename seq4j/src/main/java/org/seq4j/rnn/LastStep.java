package org.seq4j.rnn;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * Selects each sequence's summary from a recurrent layer's output: the state each direction reaches after
 * reading the whole sequence, PyTorch's top-layer {@code h_n} laid out as one row per sequence. The
 * many-to-one building block (sequence classification, regression, a sentence encoding); it has no
 * parameters and no loss.
 *
 * <pre>
 *   s[b, 0:H]  = out[(len_b − 1)·B + b, 0:H]     forward direction at the sequence's own last step
 *   s[b, H:2H] = out[b, H:2H]                    reverse direction at step 0 (bidirectional only)
 *                                                out: (T·B, D·H)   s: (B, D·H)
 *   backward:  dOut[row, cols] = dS[b, cols] for the rows and columns read, 0 elsewhere
 * </pre>
 * With variable lengths the forward half is taken at each sequence's own last step, as PyTorch's
 * {@code h_n} of a packed sequence. A classifier composes it with a {@link org.seq4j.nn.Linear} and a loss:
 * <pre>{@code
 *   RecurrentLayer.Cache rnn = gru.forward(x, B, lengths, null, null, null);
 *   LastStep.Cache last = lastStep.forward(rnn.output(), B, lengths, lastCache);  // summary (B, D·H)
 *   linear.forward(last.summary(), logits);                                      // logits (B, O)
 *   double loss = crossEntropy.forward(logits, labels, probabilities);
 *   crossEntropy.backward(probabilities, labels, 1.0, dLogits);
 *   linear.backward(last.summary(), dLogits, dSummary);
 *   lastStep.backward(last, dSummary);
 *   gru.backward(rnn, last.dOutput(), null, null);
 * }</pre>
 *
 * <p>Caches are the caller's: {@link #forward(FMatrixRMaj, int, int[], Cache)} fills the cache it is given
 * (or a new one) and returns it, and {@link #backward} consumes it; any number of caches may be alive at
 * once. A cache reallocates its buffers exactly when the shape changes, so a loop with a fixed shape and
 * one cache allocates nothing at steady state.
 */
public final class LastStep {

    private final int hiddenSize;
    private final int directions;

    /**
     * Creates the selection for the output of a layer of that configuration.
     *
     * @param config the recurrent layer's configuration (its hidden size and directions are used)
     * @throws IllegalArgumentException if {@code config} is null
     */
    public LastStep(RecurrentConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.hiddenSize = config.hiddenSize();
        this.directions = config.numDirections();
    }

    /**
     * Creates the selection.
     *
     * @param hiddenSize    the recurrent layer's hidden size {@code H}, at least 1
     * @param bidirectional whether the layer is bidirectional ({@code D = 2})
     * @throws IllegalArgumentException if {@code hiddenSize} is below 1
     */
    public LastStep(int hiddenSize, boolean bidirectional) {
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1 but was " + hiddenSize);
        }
        this.hiddenSize = hiddenSize;
        this.directions = bidirectional ? 2 : 1;
    }

    /**
     * The width of a summary row.
     *
     * @return {@code D·H}
     */
    public int outputSize() {
        return directions * hiddenSize;
    }

    /**
     * Creates an empty cache of this selection, to be filled by
     * {@link #forward(FMatrixRMaj, int, int[], Cache)}; backward on it before a forward throws
     * {@link IllegalStateException}.
     *
     * @return a new, unfilled cache
     */
    public Cache newCache() {
        return new Cache(this);
    }

    /**
     * Selects the summaries into a new cache; see {@link #forward(FMatrixRMaj, int, int[], Cache)}.
     *
     * @param output    (T·B, D·H) the recurrent layer's output; not modified
     * @param batchSize the batch size {@code B}
     * @param lengths   B sequence lengths, each in {@code [1, T]}, or null for all {@code T}; not modified
     * @return a new cache holding the summaries
     * @throws IllegalArgumentException if a shape or length is out of range
     */
    public Cache forward(FMatrixRMaj output, int batchSize, int[] lengths) {
        return forward(output, batchSize, lengths, null);
    }

    /**
     * Selects each sequence's summary.
     *
     * @param output    (T·B, D·H) the recurrent layer's output; not modified (the summaries are copied)
     * @param batchSize the batch size {@code B}
     * @param lengths   B sequence lengths, each in {@code [1, T]}, or null for all {@code T}; not modified
     *                  (copied)
     * @param reuse     a cache of this selection to fill, or null for a new one
     * @return {@code reuse} (or the new cache), holding {@link Cache#summary()}
     * @throws IllegalArgumentException if a shape or length is out of range, or {@code reuse} belongs to
     *                                  another selection
     */
    public Cache forward(FMatrixRMaj output, int batchSize, int[] lengths, Cache reuse) {
        int width = outputSize();
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        if (output == null || output.numCols != width || output.numRows == 0 || output.numRows % batchSize != 0) {
            throw new IllegalArgumentException("output must be (T·B, " + width + ") with B = " + batchSize
                    + " but was " + (output == null ? "null" : Tensors.shape(output)));
        }
        int steps = output.numRows / batchSize;
        SequenceLengths.check(lengths, batchSize, steps);
        if (reuse != null && reuse.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another LastStep");
        }
        Cache c = reuse != null ? reuse : new Cache(this);
        c.prepare(batchSize, steps, lengths, width);
        for (int b = 0; b < batchSize; b++) {
            for (int d = 0; d < directions; d++) {
                System.arraycopy(output.data, c.sourceRow(b, d) * width + d * hiddenSize,
                        c.summary.data, b * width + d * hiddenSize, hiddenSize);
            }
        }
        c.filled = true;
        return c;
    }

    /**
     * Backward: scatters the summaries' gradient into {@link Cache#dOutput()}, the gradient for
     * {@link RecurrentLayer#backward}; zero in every row and column that was not read. The selection has no
     * parameters, so nothing is added to any gradient. Consumes the cache.
     *
     * @param cache    a cache filled by this selection's forward
     * @param dSummary (B, D·H) gradient with respect to {@link Cache#summary()}; not modified
     * @throws IllegalArgumentException if the shape is wrong or the cache is another selection's
     * @throws IllegalStateException    if the cache was never filled, or was already consumed by a backward
     */
    public void backward(Cache cache, FMatrixRMaj dSummary) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must be one filled by this LastStep's forward");
        }
        if (!cache.filled) {
            throw new IllegalStateException(cache.dOutputReady
                    ? "backward already ran on this cache; run forward again first"
                    : "backward needs a forward first");
        }
        Cache c = cache;
        int width = outputSize();
        Tensors.checkShape(dSummary, c.batch, width, "dSummary");
        float[] dOut = c.dOutput.data;
        Arrays.fill(dOut, 0f);
        for (int b = 0; b < c.batch; b++) {
            for (int d = 0; d < directions; d++) {
                System.arraycopy(dSummary.data, b * width + d * hiddenSize, dOut,
                        c.sourceRow(b, d) * width + d * hiddenSize, hiddenSize);
            }
        }
        c.filled = false;
        c.dOutputReady = true;
    }

    /**
     * Describes the selection.
     *
     * @return e.g. {@code LastStep(H=64, D=2)}
     */
    @Override
    public String toString() {
        return "LastStep(H=" + hiddenSize + ", D=" + directions + ")";
    }

    /**
     * The summaries selected by a {@link LastStep} forward and, after its backward, the gradient to pass to
     * {@link RecurrentLayer#backward}. Filled by every forward, consumed by one backward; its matrices are
     * reallocated exactly when the shape changes ({@code data.length} always equals the element count).
     */
    public static final class Cache {

        private final LastStep owner;
        private boolean filled;
        private boolean dOutputReady;
        private int batch;
        private int steps;
        private boolean hasLengths;
        private int[] lengths = new int[0];
        // summary: (B, D·H); dOutput: (T·B, D·H)
        private FMatrixRMaj summary = new FMatrixRMaj(0, 0);
        private FMatrixRMaj dOutput = new FMatrixRMaj(0, 0);

        private Cache(LastStep owner) {
            this.owner = owner;
        }

        private void prepare(int newBatch, int newSteps, int[] newLengths, int width) {
            filled = false;
            dOutputReady = false;
            batch = newBatch;
            steps = newSteps;
            hasLengths = newLengths != null;
            if (lengths.length != newBatch) {
                lengths = new int[newBatch];
            }
            if (hasLengths) {
                System.arraycopy(newLengths, 0, lengths, 0, newBatch);
            }
            if (summary.numRows != newBatch || summary.numCols != width) {
                summary = new FMatrixRMaj(newBatch, width);
            }
            if (dOutput.numRows != newSteps * newBatch || dOutput.numCols != width) {
                dOutput = new FMatrixRMaj(newSteps * newBatch, width);
            }
        }

        /** The output row that direction d of sequence b is read from. */
        private int sourceRow(int b, int d) {
            int last = hasLengths ? lengths[b] - 1 : steps - 1;
            return (d == 0 ? last : 0) * batch + b;
        }

        /**
         * Each sequence's summary: forward state at its last step, then (bidirectional) reverse state at step 0.
         *
         * @return (B, D·H); the live buffer, overwritten by the next forward with this cache
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj summary() {
            if (!filled && !dOutputReady) {
                throw new IllegalStateException("the cache has not been filled by a forward");
            }
            return summary;
        }

        /**
         * Gradient with respect to the recurrent output; non-zero only where the summaries were read.
         *
         * @return (T·B, D·H); the live buffer
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dOutput() {
            if (!dOutputReady) {
                throw new IllegalStateException("backward has not run since the latest forward");
            }
            return dOutput;
        }
    }
}
