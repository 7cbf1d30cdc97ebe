package org.seq4j.examples.classify;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.data.TokenBatch;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Dropout;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameters;
import org.seq4j.rnn.LastStep;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;

/**
 * A many-to-one text classifier composed from seq4j's public modules: each message's words are embedded,
 * read by a (bidirectional) GRU or LSTM that stops at the message's own last word, and the final states go
 * through dropout and a linear layer to the class scores.
 *
 * <pre>
 *   x      = Embedding[tokens]                      (T·B, E)     time-major, padded with &lt;pad&gt;
 *   out    = RNN(x, lengths)                        (T·B, D·H)   padded steps skipped
 *   s      = LastStep(out, lengths)                 (B, D·H)     forward state after the last word,
 *                                                                reverse state after the first (PyTorch's h_n)
 *   z      = Linear(dropout(s))                     (B, C)
 *   loss   = CrossEntropy(z, y; class weights)
 * </pre>
 * Backward runs the same chain in reverse, each module adding into its parameters' gradients
 * ({@link #forwardBackward}).
 *
 * <h2>Buffers</h2>
 * Every buffer and module cache a batch needs lives in a {@link Workspace} kept per batch shape
 * {@code (T', B)}, with {@code T'} the batch's longest length rounded up to a multiple of
 * {@value #STEP_MULTIPLE} (the extra steps are padding, which the recurrent layer skips): a batch reuses
 * the caches of the last batch of its shape, so an epoch over length-bucketed batches allocates its
 * caches only the first time each shape appears, and the rounding bounds the number of shapes (and the
 * memory they hold) to {@code maxLength / STEP_MULTIPLE} per batch size.
 */
final class RnnClassifier {

    /** Batch lengths are rounded up to a multiple of this, to bound the number of cached shapes. */
    static final int STEP_MULTIPLE = 4;

    final Embedding embedding;
    final RecurrentLayer rnn;
    final LastStep last;
    final Dropout dropout;
    final Linear fc;
    final Parameters parameters;
    private final int padIndex;
    private final int numClasses;
    private final Map<Long, Workspace> workspaces = new HashMap<>();

    /**
     * @param config     the recurrent layer; its input size is the embedding size E
     * @param vocabulary V, the embedding's rows
     * @param padIndex   the &lt;pad&gt; id: padded positions, whose embedding row gets no gradient
     * @param numClasses C
     * @param dropout    the dropout probability on the final states
     * @param seed       the seed of the initial values
     */
    RnnClassifier(RecurrentConfig config, int vocabulary, int padIndex, int numClasses, float dropout, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        this.embedding = new Embedding(vocabulary, config.inputSize(), padIndex, random);
        this.rnn = new RecurrentLayer(config, random.nextLong());
        this.last = new LastStep(config);
        this.dropout = new Dropout(dropout);
        this.fc = new Linear(last.outputSize(), numClasses, random);
        this.parameters = new Parameters().addAll("embedding.", embedding.parameters())
                .addAll("rnn.", rnn.parameters()).addAll("fc.", fc.parameters());
        this.padIndex = padIndex;
        this.numClasses = numClasses;
    }

    int numClasses() {
        return numClasses;
    }

    /**
     * One training step's forward and backward: adds {@code ∂loss/∂θ} into every parameter's gradient (the
     * caller zeroes them first).
     *
     * @param batch         a padded batch of messages
     * @param allLabels     the class of every example of the data set the batch was drawn from
     * @param loss          the loss
     * @param dropoutRandom the stream of the dropout mask
     * @return the batch's loss
     */
    double forwardBackward(TokenBatch batch, int[] allLabels, CrossEntropyLoss loss, RandomGenerator dropoutRandom) {
        double value = loss(batch, allLabels, loss, dropoutRandom);
        Workspace w = workspace(batch);

        loss.backward(w.probabilities, w.labels, 1.0, w.dLogits);                    // dz: (B, C)
        fc.backward(w.dropped, w.dLogits, w.dDropped);                              // ds': (B, D·H)
        dropout.backward(w.dropoutCache, w.dDropped, w.dSummary);                   // ds: (B, D·H)
        last.backward(w.lastCache, w.dSummary);                                     // dOut: (T·B, D·H)
        rnn.backward(w.rnnCache, w.lastCache.dOutput(), null, null);
        embedding.backward(w.tokens, w.rnnCache.dx());                              // dx: (T·B, E)
        return value;
    }

    /**
     * The loss of a batch, forward only (the gradients are not touched).
     *
     * @param batch         a padded batch of messages
     * @param allLabels     the class of every example of the data set the batch was drawn from
     * @param loss          the loss
     * @param dropoutRandom the stream of the dropout mask, or null for none
     * @return the batch's loss
     */
    double loss(TokenBatch batch, int[] allLabels, CrossEntropyLoss loss, RandomGenerator dropoutRandom) {
        Workspace w = forward(batch, dropoutRandom);
        for (int b = 0; b < w.batch; b++) {
            w.labels[b] = allLabels[batch.exampleIndex(b)];
        }
        return loss.forward(w.logits, w.labels, w.probabilities);
    }

    /**
     * Predicts the class of every message of a batch, without dropout.
     *
     * @param batch     a padded batch of messages
     * @param predicted written at the batch's example indices
     */
    void predict(TokenBatch batch, int[] predicted) {
        Workspace w = forward(batch, null);
        CrossEntropyLoss.predictedClasses(w.logits, w.labels);
        for (int b = 0; b < w.batch; b++) {
            predicted[batch.exampleIndex(b)] = w.labels[b];
        }
    }

    /** The forward pass into the workspace of the batch's shape; a null stream means no dropout. */
    private Workspace forward(TokenBatch batch, RandomGenerator dropoutRandom) {
        Workspace w = workspace(batch);
        w.load(batch, padIndex);
        embedding.forward(w.tokens, w.x);                                           // x: (T·B, E)
        rnn.forward(w.x, w.batch, w.lengths, null, null, null, w.rnnCache);         // out: (T·B, D·H)
        last.forward(w.rnnCache.output(), w.batch, w.lengths, w.lastCache);         // s: (B, D·H)
        dropout.forward(w.lastCache.summary(), w.dropped, dropoutRandom, w.dropoutCache);
        fc.forward(w.dropped, w.logits);                                            // z: (B, C)
        return w;
    }

    private Workspace workspace(TokenBatch batch) {
        int steps = (batch.maxLength() + STEP_MULTIPLE - 1) / STEP_MULTIPLE * STEP_MULTIPLE;
        long key = ((long) steps << 32) | batch.batchSize();
        return workspaces.computeIfAbsent(key, k -> new Workspace(steps, batch.batchSize()));
    }

    /** Number of batch shapes seen so far (each holding one workspace). */
    int numWorkspaces() {
        return workspaces.size();
    }

    /** The buffers and caches of one batch shape {@code (T', B)}. */
    private final class Workspace {
        final int steps;                   // T'
        final int batch;                   // B
        final int[] tokens;                // (T'·B)
        final int[] lengths;               // (B)
        final int[] labels;                // (B)
        final FMatrixRMaj x;               // (T'·B, E)
        final FMatrixRMaj dropped;         // (B, D·H)
        final FMatrixRMaj logits;          // (B, C)
        final FMatrixRMaj probabilities;   // (B, C)
        final FMatrixRMaj dLogits;         // (B, C)
        final FMatrixRMaj dDropped;        // (B, D·H)
        final FMatrixRMaj dSummary;        // (B, D·H)
        final RecurrentLayer.Cache rnnCache = rnn.newCache();
        final LastStep.Cache lastCache = last.newCache();
        final Dropout.Cache dropoutCache = dropout.newCache();

        Workspace(int steps, int batch) {
            this.steps = steps;
            this.batch = batch;
            int width = last.outputSize();
            tokens = new int[steps * batch];
            lengths = new int[batch];
            labels = new int[batch];
            x = new FMatrixRMaj(steps * batch, embedding.embeddingDim());
            dropped = new FMatrixRMaj(batch, width);
            logits = new FMatrixRMaj(batch, numClasses);
            probabilities = new FMatrixRMaj(batch, numClasses);
            dLogits = new FMatrixRMaj(batch, numClasses);
            dDropped = new FMatrixRMaj(batch, width);
            dSummary = new FMatrixRMaj(batch, width);
        }

        /** Copies the batch's tokens and lengths, padding the extra steps up to T'. */
        void load(TokenBatch b, int pad) {
            int t = b.maxLength();
            for (int step = 0; step < t; step++) {
                for (int i = 0; i < batch; i++) {
                    tokens[step * batch + i] = b.token(step, i);
                }
            }
            Arrays.fill(tokens, t * batch, tokens.length, pad);
            for (int i = 0; i < batch; i++) {
                lengths[i] = b.length(i);
            }
        }
    }
}
