package org.seq4j.examples.define;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.data.TokenBatch;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Dropout;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameters;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.FrozenRecurrentLayer;
import org.seq4j.rnn.InitialState;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentInit;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.rnn.RecurrentState;

/**
 * The one-to-many model of the define example: a word's vector starts an LSTM that writes the word's
 * definition, as an image vector starts the decoder of a captioning model (Vinyals et al. 2015, with the
 * vector in the initial state as in Karpathy and Fei-Fei 2015).
 *
 * <pre>
 *   v: (B, F) the words' unit-length vectors
 *   h0, c0 = tanh(v·W_hᵀ + b_h), tanh(v·W_cᵀ + b_c)        InitialState: (L·B, H) each
 *   x   = dropout(Embedding(&lt;bos&gt; y_1 … y_n))            (T·B, E), time-major, padded
 *   h   = LSTM(x; h0, c0), each sequence over its own length  (T·B, H)
 *   z   = dropout(h)·W_outᵀ + b_out                          (T·B, V)
 *   L   = mean over the real steps of −log softmax(z)[y_1 … y_n &lt;eos&gt;]   (padding: the ignore index)
 * </pre>
 * With {@code feedVector}, the vector is also part of every step's input, {@code x_t = [dropout(emb); v]}
 * of {@code E + F} columns ("seed and input" in Noraset et al. 2017), so that the LSTM need not carry it
 * in its state. The gradient flows back the same way: the loss into the output layer, through dropout into
 * the LSTM, whose {@code dx} (its first E columns) reaches the embedding and whose {@code dh0}, {@code dc0}
 * reach the initial-state projection. Greedy decoding steps a frozen copy of the LSTM
 * ({@link RecurrentLayer#freeze()}) from the same initial state, feeding back the most likely token until
 * {@code <eos>}.
 *
 * <p>Shapes: B words, F vector size, E embedding, H hidden, L layers, V vocabulary, T steps. The buffers
 * are kept at the size of the largest batch seen and reshaped for each batch.
 */
final class DefinitionDecoder {

    private final RecurrentConfig config;
    private final int embeddingSize;
    private final boolean feedVector;
    private final InitialState start;
    private final Embedding embedding;
    private final RecurrentLayer lstm;
    private final Dropout dropout;
    private final Linear out;
    private final CrossEntropyLoss loss;
    private final Parameters parameters = new Parameters();

    // caches of one training step
    private final InitialState.Cache startCache;
    private final RecurrentLayer.Cache lstmCache;
    private final Dropout.Cache inputDropout;
    private final Dropout.Cache outputDropout;
    // buffers, reshaped per batch
    private final FMatrixRMaj x = new FMatrixRMaj(1, 1);              // (T·B, E)
    private final FMatrixRMaj xDropped = new FMatrixRMaj(1, 1);       // (T·B, E)
    private final FMatrixRMaj lstmInput = new FMatrixRMaj(1, 1);      // (T·B, E + F) with feedVector
    private final FMatrixRMaj dXDropped = new FMatrixRMaj(1, 1);      // (T·B, E) with feedVector
    private final FMatrixRMaj hDropped = new FMatrixRMaj(1, 1);       // (T·B, H)
    private final FMatrixRMaj logits = new FMatrixRMaj(1, 1);         // (T·B, V)
    private final FMatrixRMaj probabilities = new FMatrixRMaj(1, 1);  // (T·B, V)
    private final FMatrixRMaj dLogits = new FMatrixRMaj(1, 1);        // (T·B, V)
    private final FMatrixRMaj dHDropped = new FMatrixRMaj(1, 1);      // (T·B, H)
    private final FMatrixRMaj dH = new FMatrixRMaj(1, 1);             // (T·B, H)
    private final FMatrixRMaj dX = new FMatrixRMaj(1, 1);             // (T·B, E)

    /**
     * Creates the model with PyTorch's initialisations.
     *
     * @param vectorSize    F, the size of the word vectors
     * @param vocabulary    V, the decoder's vocabulary size
     * @param padId         the padding id: the embedding's padding row and the loss's ignore index
     * @param embeddingSize E
     * @param hiddenSize    H
     * @param layers        L
     * @param dropoutP      dropout on the embeddings, between layers and before the output layer
     * @param feedVector    whether every step's input holds the vector too
     * @param random        the stream of the initial weights; advanced
     */
    DefinitionDecoder(int vectorSize, int vocabulary, int padId, int embeddingSize, int hiddenSize, int layers,
                      float dropoutP, boolean feedVector, RandomGenerator random) {
        this.embeddingSize = embeddingSize;
        this.feedVector = feedVector;
        int inputSize = embeddingSize + (feedVector ? vectorSize : 0);
        this.config = RecurrentConfig.of(CellType.LSTM, inputSize, hiddenSize).withNumLayers(layers)
                .withDropout(layers > 1 ? dropoutP : 0f);
        this.start = new InitialState(vectorSize, config, random);
        this.embedding = new Embedding(vocabulary, embeddingSize, padId, random);
        this.lstm = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random);
        this.dropout = new Dropout(dropoutP);
        this.out = new Linear(hiddenSize, vocabulary, random);
        this.loss = CrossEntropyLoss.builder().ignoreIndex(padId).build();
        parameters.addAll("start.", start.parameters()).addAll("embedding.", embedding.parameters())
                .addAll("rnn.", lstm.parameters()).addAll("out.", out.parameters());
        this.startCache = start.newCache();
        this.lstmCache = lstm.newCache();
        this.inputDropout = dropout.newCache();
        this.outputDropout = dropout.newCache();
    }

    /** The registry of every parameter: {@code start.}, {@code embedding.}, {@code rnn.}, {@code out.}. */
    Parameters parameters() {
        return parameters;
    }

    /**
     * One forward and backward pass over a batch; adds ({@code +=}) into the parameter gradients (the caller
     * zeroes them first).
     *
     * @param inputs        the decoder inputs {@code <bos> y_1 … y_n}, padded
     * @param targets       (T·B) time-major targets {@code y_1 … y_n <eos>}, the pad id at padded steps; not
     *                      modified
     * @param vectors       (B, F) the words' vectors, row b for sequence b; not modified
     * @param dropoutRandom the stream of the dropout masks; advanced. Null: no dropout
     * @return the mean negative log-likelihood per target token
     */
    double forwardBackward(TokenBatch inputs, int[] targets, FMatrixRMaj vectors, RandomGenerator dropoutRandom) {
        double value = forward(inputs, targets, vectors, dropoutRandom);
        int rows = targets.length;
        int hs = config.hiddenSize();
        reshape(rows, hs, dHDropped, dH);
        reshape(rows, embeddingSize, dX, dXDropped);
        loss.backward(probabilities, targets, 1.0, dLogits);
        out.backward(hDropped, dLogits, dHDropped);
        dropout.backward(outputDropout, dHDropped, dH);
        lstm.backward(lstmCache, dH, null, null);
        // through the input dropout to the embedding, and through dh0, dc0 to the initial-state projection
        FMatrixRMaj dEmbedded = lstmCache.dx();                      // (T·B, E), or (T·B, E + F)
        if (feedVector) {
            copyColumns(dEmbedded, dXDropped, embeddingSize);
            dEmbedded = dXDropped;
        }
        dropout.backward(inputDropout, dEmbedded, dX);
        embedding.backward(inputs.tokens(), dX);
        start.backward(startCache, lstmCache.dh0(), lstmCache.dc0());
        return value;
    }

    /**
     * The mean negative log-likelihood per target token of a batch: the forward pass alone.
     *
     * @param inputs        the decoder inputs, padded
     * @param targets       (T·B) the targets, the pad id at padded steps; not modified
     * @param vectors       (B, F) the words' vectors; not modified
     * @param dropoutRandom the stream of the dropout masks; advanced. Null: no dropout (evaluation)
     * @return the mean negative log-likelihood
     */
    double forward(TokenBatch inputs, int[] targets, FMatrixRMaj vectors, RandomGenerator dropoutRandom) {
        int batch = inputs.batchSize();
        int rows = targets.length;
        if (rows != inputs.maxLength() * batch || vectors.numRows != batch) {
            throw new IllegalArgumentException("targets must be (T·B) = (" + inputs.maxLength() * batch
                    + ") and vectors (B, F) with B = " + batch + " but were (" + rows + ") and ("
                    + vectors.numRows + ", " + vectors.numCols + ")");
        }
        int hs = config.hiddenSize();
        int vocabulary = out.outFeatures();
        reshape(rows, embeddingSize, x, xDropped);
        hDropped.reshape(rows, hs);
        reshape(rows, vocabulary, logits, probabilities, dLogits);

        start.forward(vectors, startCache);
        embedding.forward(inputs.tokens(), x);
        dropout.forward(x, xDropped, dropoutRandom, inputDropout);
        FMatrixRMaj input = xDropped;
        if (feedVector) {
            lstmInput.reshape(rows, config.inputSize());
            appendVectors(xDropped, vectors, lstmInput);
            input = lstmInput;
        }
        lstm.forward(input, batch, inputs.lengths(), startCache.h0(), startCache.c0(), dropoutRandom,
                lstmCache);
        dropout.forward(lstmCache.output(), hDropped, dropoutRandom, outputDropout);
        out.forward(hDropped, logits);
        return loss.forward(logits, targets, probabilities);
    }

    /**
     * Greedy decoding: from each vector's initial state, feeds {@code <bos>}, then each step's most likely
     * token, until {@code <eos>} or {@code maxLength} tokens.
     *
     * @param vectors   (B, F) the words' vectors; not modified
     * @param bosId     the id of {@code <bos>}
     * @param eosId     the id of {@code <eos>}
     * @param excluded  ids never emitted (padding, {@code <bos>}); not modified
     * @param maxLength the most tokens generated per word, {@code <eos>} not counted
     * @return per word the generated ids, without {@code <eos>}
     */
    int[][] greedy(FMatrixRMaj vectors, int bosId, int eosId, int[] excluded, int maxLength) {
        int batch = vectors.numRows;
        int hs = config.hiddenSize();
        int vocabulary = out.outFeatures();
        FrozenRecurrentLayer frozen = lstm.freeze();
        InitialState.Cache initial = start.forward(vectors);
        RecurrentState state = frozen.newState(batch);
        state.setTo(initial.h0(), initial.c0());
        FMatrixRMaj embedded = new FMatrixRMaj(batch, embeddingSize);         // (B, E)
        FMatrixRMaj stepInput = new FMatrixRMaj(batch, config.inputSize());   // (B, E) or (B, E + F)
        FMatrixRMaj h = new FMatrixRMaj(batch, hs);                           // (B, H)
        FMatrixRMaj stepLogits = new FMatrixRMaj(batch, vocabulary);          // (B, V)
        int[] current = new int[batch];
        Arrays.fill(current, bosId);
        int[][] generated = new int[batch][maxLength];
        int[] lengths = new int[batch];
        boolean[] done = new boolean[batch];
        int running = batch;
        for (int t = 0; t < maxLength && running > 0; t++) {
            embedding.forward(current, feedVector ? embedded : stepInput);
            if (feedVector) {
                appendVectors(embedded, vectors, stepInput);
            }
            frozen.step(stepInput, state, h);
            out.forward(h, stepLogits);
            for (int b = 0; b < batch; b++) {
                for (int id : excluded) {
                    stepLogits.data[b * vocabulary + id] = Float.NEGATIVE_INFINITY;
                }
                current[b] = argmax(stepLogits.data, b * vocabulary, vocabulary);
                if (done[b]) {
                    continue;
                }
                if (current[b] == eosId) {
                    done[b] = true;
                    running--;
                } else {
                    generated[b][lengths[b]++] = current[b];
                }
            }
        }
        int[][] result = new int[batch][];
        for (int b = 0; b < batch; b++) {
            result[b] = Arrays.copyOf(generated[b], lengths[b]);
        }
        return result;
    }

    private static int argmax(float[] row, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (row[offset + i] > row[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    /** into (T·B, E + F): row t·B + b is [x(t·B + b, :), v(b, :)]. */
    private static void appendVectors(FMatrixRMaj x, FMatrixRMaj vectors, FMatrixRMaj into) {
        int batch = vectors.numRows;
        int es = x.numCols;
        int fs = vectors.numCols;
        for (int r = 0; r < x.numRows; r++) {
            System.arraycopy(x.data, r * es, into.data, r * (es + fs), es);
            System.arraycopy(vectors.data, (r % batch) * fs, into.data, r * (es + fs) + es, fs);
        }
    }

    /** into (N, C) = the first C columns of from (N, ≥ C). */
    private static void copyColumns(FMatrixRMaj from, FMatrixRMaj into, int columns) {
        for (int r = 0; r < from.numRows; r++) {
            System.arraycopy(from.data, r * from.numCols, into.data, r * columns, columns);
        }
    }

    private static void reshape(int rows, int cols, FMatrixRMaj... matrices) {
        for (FMatrixRMaj m : matrices) {
            m.reshape(rows, cols);
        }
    }
}
