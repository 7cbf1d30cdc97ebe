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
 * Many-to-many (synced) head: a {@link Linear} read-out of every real step of a recurrent layer's output,
 * with softmax cross-entropy against a class per step (per-token or per-frame labels; a character language
 * model) or mean squared error against a vector per step.
 *
 * <pre>
 *   y_t   = out_t·Wᵀ + b                      out: (T·B, F)   W: (O, F)   b: (1, O)   y: (T·B, O)
 *   cross-entropy:  L = mean over real steps of −log softmax(y_t)[target_t]      targets: T·B classes
 *   MSE:            L = mean over the elements of the real steps of (y_t − target_t)²   targets: (T·B, O)
 * </pre>
 * {@code F} is the layer's {@code D·H}. A step {@code t ≥ lengths[b]} of sequence {@code b} is padding:
 * it adds nothing to the loss and gets a zero row in {@code dOutput}. For generation, apply
 * {@link #linear()} to the {@code (B, F)} output of {@link RecurrentLayer#step}.
 *
 * <p>The head owns one {@link Cache}, returned by every forward and valid until the next one; forward
 * and backward allocate nothing while the shape {@code (T·B, O)} stays the same.
 */
public final class PerStepHead implements Module {

    private final Linear linear;
    private final CrossEntropyLoss crossEntropy = new CrossEntropyLoss();
    private final MSELoss meanSquaredError = new MSELoss();
    private final Cache cache = new Cache();

    /**
     * Creates the head with PyTorch's {@code nn.Linear} initialisation.
     *
     * @param inputSize  features {@code F} of the recurrent output ({@code D·H})
     * @param outputSize classes or output values {@code O}
     * @param random     random stream for the initialisation; advanced
     * @throws IllegalArgumentException if a size is below 1 or {@code random} is null
     */
    public PerStepHead(int inputSize, int outputSize, RandomGenerator random) {
        this.linear = new Linear(inputSize, outputSize, random);
    }

    /**
     * The read-out layer, {@code weight (O, F)} and {@code bias (O)}.
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
     * Computes the logits of every step and the mean softmax cross-entropy over the real steps.
     *
     * @param output    (T·B, F) the recurrent layer's output; not modified, and must not be modified before
     *                  backward
     * @param batchSize the batch size {@code B}
     * @param lengths   sequence lengths, each in {@code [1, T]}, or null for all {@code T}; not modified
     * @param targets   T·B class indices in {@code [0, O)} (row {@code t·B + b}); entries at padded steps are
     *                  ignored, and {@link CrossEntropyLoss#DEFAULT_IGNORE_INDEX} ignores a real step too;
     *                  not modified
     * @return this head's cache, with the loss and the logits
     * @throws IllegalArgumentException if a shape, length or target is out of range
     */
    public Cache forward(FMatrixRMaj output, int batchSize, int[] lengths, int[] targets) {
        int rows = checkOutput(output, batchSize, lengths);
        if (targets == null || targets.length != rows) {
            throw new IllegalArgumentException("targets must have T·B = " + rows + " entries but had "
                    + (targets == null ? "null" : targets.length));
        }
        Cache c = prepare(output, batchSize, lengths, true);
        for (int r = 0; r < rows; r++) {
            c.targets[r] = c.isReal(r) ? targets[r] : CrossEntropyLoss.DEFAULT_IGNORE_INDEX;
        }
        linear.forward(output, c.logits);
        c.loss = crossEntropy.forward(c.logits, c.targets, c.probabilities);
        return c;
    }

    /**
     * Computes the outputs of every step and the mean squared error over the real steps.
     *
     * @param output    (T·B, F) the recurrent layer's output; not modified, and must not be modified before
     *                  backward
     * @param batchSize the batch size {@code B}
     * @param lengths   sequence lengths, each in {@code [1, T]}, or null for all {@code T}; not modified
     * @param targets   (T·B, O) target values; rows at padded steps are ignored; not modified, and must not
     *                  be modified before backward
     * @return this head's cache, with the loss and the outputs
     * @throws IllegalArgumentException if a shape or length is out of range
     */
    public Cache forward(FMatrixRMaj output, int batchSize, int[] lengths, FMatrixRMaj targets) {
        int rows = checkOutput(output, batchSize, lengths);
        Tensors.checkShape(targets, rows, linear.outFeatures(), "targets");
        Cache c = prepare(output, batchSize, lengths, false);
        c.valueTargets = targets;
        linear.forward(output, c.logits);
        c.gatherRealRows(c.logits, c.realPredictions);
        c.gatherRealRows(targets, c.realTargets);
        c.loss = meanSquaredError.forward(c.realPredictions, c.realTargets);
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
        if (cache.output == null) {
            throw new IllegalStateException("backward needs a forward first");
        }
        Cache c = cache;
        if (c.crossEntropy) {
            crossEntropy.backward(c.probabilities, c.targets, 1.0, c.dLogits);
        } else {
            meanSquaredError.backward(c.realPredictions, c.realTargets, 1.0, c.dRealPredictions);
            c.scatterRealRows(c.dRealPredictions, c.dLogits);
        }
        linear.backward(c.output, c.dLogits, c.dOutput);
        c.backwardDone = true;
    }

    private int checkOutput(FMatrixRMaj output, int batchSize, int[] lengths) {
        int width = linear.inFeatures();
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        if (output == null || output.numCols != width || output.numRows == 0 || output.numRows % batchSize != 0) {
            throw new IllegalArgumentException("output must be (T·B, " + width + ") with B = " + batchSize
                    + " but was " + (output == null ? "null" : Tensors.shape(output)));
        }
        SequenceLengths.check(lengths, batchSize, output.numRows / batchSize);
        return output.numRows;
    }

    private Cache prepare(FMatrixRMaj output, int batchSize, int[] lengths, boolean withCrossEntropy) {
        Cache c = cache;
        c.output = null;
        c.backwardDone = false;
        c.crossEntropy = withCrossEntropy;
        c.rows = output.numRows;
        c.batch = batchSize;
        c.lengths = SequenceLengths.copy(lengths, c.lengths, batchSize);
        c.hasLengths = lengths != null;
        int outputs = linear.outFeatures();
        c.logits.reshape(c.rows, outputs);
        c.probabilities.reshape(withCrossEntropy ? c.rows : 0, outputs);
        c.dLogits.reshape(c.rows, outputs);
        c.dOutput.reshape(c.rows, linear.inFeatures());
        if (withCrossEntropy && c.targets.length != c.rows) {
            c.targets = new int[c.rows];   // the loss takes exactly T·B targets
        }
        int real = 0;
        for (int r = 0; r < c.rows; r++) {
            real += c.isReal(r) ? 1 : 0;
        }
        c.realRows = real;
        c.realPredictions.reshape(withCrossEntropy ? 0 : real, outputs);
        c.realTargets.reshape(withCrossEntropy ? 0 : real, outputs);
        c.dRealPredictions.reshape(withCrossEntropy ? 0 : real, outputs);
        c.output = output;
        return c;
    }

    /**
     * The loss and outputs of a {@link PerStepHead} forward, and after backward the gradient to pass to
     * {@link RecurrentLayer#backward}. Owned by the head and overwritten by its next forward.
     */
    public static final class Cache {

        private FMatrixRMaj output;
        private FMatrixRMaj valueTargets;
        private boolean crossEntropy;
        private boolean backwardDone;
        private int rows;
        private int batch;
        private int[] lengths = new int[0];
        private boolean hasLengths;
        private int realRows;
        private int[] targets = new int[0];
        private double loss;
        // logits, probabilities, dLogits: (T·B, O); dOutput: (T·B, F)
        private final FMatrixRMaj logits = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj probabilities = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dLogits = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dOutput = new FMatrixRMaj(0, 0);
        // MSE over the real rows only: (R, O) with R real rows
        private final FMatrixRMaj realPredictions = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj realTargets = new FMatrixRMaj(0, 0);
        private final FMatrixRMaj dRealPredictions = new FMatrixRMaj(0, 0);

        Cache() {
        }

        boolean isReal(int row) {
            return !hasLengths || row / batch < lengths[row % batch];
        }

        void gatherRealRows(FMatrixRMaj all, FMatrixRMaj real) {
            int cols = all.numCols;
            int k = 0;
            for (int r = 0; r < rows; r++) {
                if (isReal(r)) {
                    System.arraycopy(all.data, r * cols, real.data, k * cols, cols);
                    k++;
                }
            }
        }

        void scatterRealRows(FMatrixRMaj real, FMatrixRMaj all) {
            int cols = all.numCols;
            int k = 0;
            for (int r = 0; r < rows; r++) {
                if (isReal(r)) {
                    System.arraycopy(real.data, k * cols, all.data, r * cols, cols);
                    k++;
                } else {
                    Arrays.fill(all.data, r * cols, r * cols + cols, 0f);
                }
            }
        }

        /**
         * The loss of the latest forward.
         *
         * @return the mean cross-entropy or mean squared error over the real steps
         */
        public double loss() {
            return loss;
        }

        /**
         * Number of real (not padded) steps over the batch.
         *
         * @return {@code Σ_b lengths[b]}
         */
        public int realSteps() {
            return realRows;
        }

        /**
         * The head's outputs {@code y}: logits (cross-entropy) or predicted values (MSE).
         *
         * @return (T·B, O)
         */
        public FMatrixRMaj predictions() {
            return logits;
        }

        /**
         * The softmax probabilities of a cross-entropy forward.
         *
         * @return (T·B, O)
         * @throws IllegalStateException if the latest forward used MSE
         */
        public FMatrixRMaj probabilities() {
            if (!crossEntropy) {
                throw new IllegalStateException("probabilities exist only for a cross-entropy forward");
            }
            return probabilities;
        }

        /**
         * Gradient of the loss with respect to the recurrent output; zero at padded steps.
         *
         * @return (T·B, F)
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
