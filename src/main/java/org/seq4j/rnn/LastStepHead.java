package org.seq4j.rnn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Linear;
import org.seq4j.nn.MSELoss;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;

/**
 * Many-to-one head (sequence classification or regression): a {@link Linear} read-out of each sequence's
 * summary, with softmax cross-entropy against one class per sequence or mean squared error against one
 * vector per sequence.
 *
 * <pre>
 *   s_b = out[(len_b − 1)·B + b, 0:H]                          forward direction at the sequence's own last step
 *         ‖ out[b, H:2H]                                       reverse direction at step 0 (bidirectional only)
 *                                                              s: (B, D·H), the top layer's h_n
 *   y_b = s_b·Wᵀ + b                                           W: (O, D·H)   b: (1, O)   y: (B, O)
 *   cross-entropy:  L = mean_b −log softmax(y_b)[target_b]     targets: B classes
 *   MSE:            L = mean over the elements of (y_b − target_b)²   targets: (B, O)
 * </pre>
 * The summary is the state each direction reaches after reading the whole sequence — PyTorch's top-layer
 * {@code h_n} — so with variable lengths the forward half is taken at each sequence's own last step.
 * Backward scatters the gradient into those rows of {@code dOutput}, which is zero elsewhere.
 *
 * <p>The head owns one {@link Cache}, returned by every forward and valid until the next one; forward
 * and backward allocate nothing while the shapes stay the same.
 */
public final class LastStepHead implements Module {

    private final int hiddenSize;
    private final int directions;
    private final Linear linear;
    private final CrossEntropyLoss crossEntropy = new CrossEntropyLoss();
    private final MSELoss meanSquaredError = new MSELoss();
    private final Cache cache = new Cache();

    /**
     * Creates the head with PyTorch's {@code nn.Linear} initialisation.
     *
     * @param hiddenSize    the recurrent layer's hidden size {@code H}
     * @param bidirectional whether the layer is bidirectional ({@code D = 2})
     * @param outputSize    classes or output values {@code O}
     * @param random        random stream for the initialisation; advanced
     * @throws IllegalArgumentException if a size is below 1 or {@code random} is null
     */
    public LastStepHead(int hiddenSize, boolean bidirectional, int outputSize, RandomGenerator random) {
        this.directions = bidirectional ? 2 : 1;
        this.hiddenSize = hiddenSize;
        this.linear = new Linear(directions * hiddenSize, outputSize, random);
    }

    /**
     * The read-out layer, {@code weight (O, D·H)} and {@code bias (O)}.
     *
     * @return the layer (its parameters are this head's)
     */
    public Linear linear() {
        return linear;
    }

    /**
     * The parameters {@code weight} and {@code bias}.
     *
     * @return the registry
     */
    @Override
    public Parameters parameters() {
        return linear.parameters();
    }

    /**
     * Reads out each sequence's summary and computes the mean softmax cross-entropy.
     *
     * @param output    (T·B, D·H) the recurrent layer's output; not modified
     * @param batchSize the batch size {@code B}
     * @param lengths   sequence lengths, each in {@code [1, T]}, or null for all {@code T}; not modified
     * @param targets   B class indices in {@code [0, O)}; not modified
     * @return this head's cache, with the loss and the logits
     * @throws IllegalArgumentException if a shape, length or target is out of range
     */
    public Cache forward(FMatrixRMaj output, int batchSize, int[] lengths, int[] targets) {
        prepare(output, batchSize, lengths, true);
        if (targets == null || targets.length != batchSize) {
            throw new IllegalArgumentException("targets must have B = " + batchSize + " entries but had "
                    + (targets == null ? "null" : targets.length));
        }
        Cache c = cache;
        System.arraycopy(targets, 0, c.targets, 0, batchSize);
        linear.forward(c.summary, c.logits);
        c.loss = crossEntropy.forward(c.logits, c.targets, c.probabilities);
        c.ready = true;
        return c;
    }

    /**
     * Reads out each sequence's summary and computes the mean squared error.
     *
     * @param output    (T·B, D·H) the recurrent layer's output; not modified
     * @param batchSize the batch size {@code B}
     * @param lengths   sequence lengths, each in {@code [1, T]}, or null for all {@code T}; not modified
     * @param targets   (B, O) target values; not modified, and must not be modified before backward
     * @return this head's cache, with the loss and the outputs
     * @throws IllegalArgumentException if a shape or length is out of range
     */
    public Cache forward(FMatrixRMaj output, int batchSize, int[] lengths, FMatrixRMaj targets) {
        prepare(output, batchSize, lengths, false);
        Tensors.checkShape(targets, batchSize, linear.outFeatures(), "targets");
        Cache c = cache;
        c.valueTargets = targets;
        linear.forward(c.summary, c.logits);
        c.loss = meanSquaredError.forward(c.logits, targets);
        c.ready = true;
        return c;
    }

    /**
     * Backward of the latest forward: adds ({@code +=}) into the gradients of {@code weight} and {@code bias}
     * and writes {@link Cache#dOutput()}, the gradient for {@link RecurrentLayer#backward}.
     *
     * @param cache the cache returned by this head's latest forward
     * @throws IllegalArgumentException if the cache is not this head's
     * @throws IllegalStateException    if forward has not run
     */
    public void backward(Cache cache) {
        if (cache != this.cache) {
            throw new IllegalArgumentException("the cache must be the one returned by this head's forward");
        }
        if (!cache.ready) {
            throw new IllegalStateException("backward needs a forward first");
        }
        Cache c = cache;
        if (c.crossEntropy) {
            crossEntropy.backward(c.probabilities, c.targets, 1.0, c.dLogits);
        } else {
            meanSquaredError.backward(c.logits, c.valueTargets, 1.0, c.dLogits);
        }
        // dSummary: (B, D·H), scattered back into the rows it was read from
        linear.backward(c.summary, c.dLogits, c.dSummary);
        float[] dOut = c.dOutput.data;
        Arrays.fill(dOut, 0, c.dOutput.getNumElements(), 0f);
        int width = directions * hiddenSize;
        for (int b = 0; b < c.batch; b++) {
            for (int d = 0; d < directions; d++) {
                System.arraycopy(c.dSummary.data, b * width + d * hiddenSize, dOut,
                        c.sourceRow(b, d) * width + d * hiddenSize, hiddenSize);
            }
        }
        c.backwardDone = true;
    }

    private void prepare(FMatrixRMaj output, int batchSize, int[] lengths, boolean withCrossEntropy) {
        int width = directions * hiddenSize;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        if (output == null || output.numCols != width || output.numRows == 0 || output.numRows % batchSize != 0) {
            throw new IllegalArgumentException("output must be (T·B, " + width + ") with B = " + batchSize
                    + " but was " + (output == null ? "null" : Tensors.shape(output)));
        }
        int steps = output.numRows / batchSize;
        SequenceLengths.check(lengths, batchSize, steps);
        Cache c = cache;
        c.ready = false;
        c.backwardDone = false;
        c.crossEntropy = withCrossEntropy;
        c.batch = batchSize;
        c.steps = steps;
        c.hasLengths = lengths != null;
        c.lengths = SequenceLengths.copy(lengths, c.lengths, batchSize);
        int outputs = linear.outFeatures();
        c.summary.reshape(batchSize, width);
        c.logits.reshape(batchSize, outputs);
        c.probabilities.reshape(withCrossEntropy ? batchSize : 0, outputs);
        c.dLogits.reshape(batchSize, outputs);
        c.dSummary.reshape(batchSize, width);
        c.dOutput.reshape(output.numRows, width);
        if (withCrossEntropy && c.targets.length != batchSize) {
            c.targets = new int[batchSize];   // the loss takes exactly B targets
        }
        for (int b = 0; b < batchSize; b++) {
            for (int d = 0; d < directions; d++) {
                System.arraycopy(output.data, c.sourceRow(b, d) * width + d * hiddenSize,
                        c.summary.data, b * width + d * hiddenSize, hiddenSize);
            }
        }
    }

    /**
     * The summaries, loss and outputs of a {@link LastStepHead} forward, and after backward the gradient to
     * pass to {@link RecurrentLayer#backward}. Owned by the head and overwritten by its next forward.
     */
    public static final class Cache {

        private boolean ready;
        private boolean backwardDone;
        private boolean crossEntropy;
        private int batch;
        private int steps;
        private boolean hasLengths;
        private int[] lengths = new int[0];
        private int[] targets = new int[0];
        private FMatrixRMaj valueTargets;
        private double loss;
        // summary, dSummary: (B, D·H); logits, probabilities, dLogits: (B, O); dOutput: (T·B, D·H)
        private final FMatrixRMaj summary = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj logits = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj probabilities = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dLogits = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dSummary = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dOutput = new FMatrixRMaj(0, 0);

        Cache() {
        }

        /** The output row that direction d of sequence b is read from. */
        int sourceRow(int b, int d) {
            int last = hasLengths ? lengths[b] - 1 : steps - 1;
            return (d == 0 ? last : 0) * batch + b;
        }

        /**
         * The loss of the latest forward.
         *
         * @return the mean cross-entropy or mean squared error over the batch
         */
        public double loss() {
            return loss;
        }

        /**
         * Each sequence's summary: forward state at its last step, then (bidirectional) reverse state at step 0.
         *
         * @return (B, D·H)
         */
        public FMatrixRMaj summary() {
            return summary;
        }

        /**
         * The head's outputs {@code y}: logits (cross-entropy) or predicted values (MSE).
         *
         * @return (B, O)
         */
        public FMatrixRMaj predictions() {
            return logits;
        }

        /**
         * The softmax probabilities of a cross-entropy forward.
         *
         * @return (B, O)
         * @throws IllegalStateException if the latest forward used MSE
         */
        public FMatrixRMaj probabilities() {
            if (!crossEntropy) {
                throw new IllegalStateException("probabilities exist only for a cross-entropy forward");
            }
            return probabilities;
        }

        /**
         * Gradient of the loss with respect to the recurrent output; non-zero only in the summary rows.
         *
         * @return (T·B, D·H)
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dOutput() {
            if (!backwardDone) {
                throw new IllegalStateException("backward has not run since the latest forward");
            }
            return dOutput;
        }
    }
}
