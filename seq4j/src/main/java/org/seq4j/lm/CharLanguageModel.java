package org.seq4j.lm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Dropout;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameters;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.rnn.RecurrentInit;
import org.seq4j.tensor.Tensors;
import org.seq4j.text.CharacterVocabulary;

/**
 * A character-level language model: it reads a text one code point at a time and predicts the next.
 *
 * <pre>
 *   x_t      = embedding.weight[c_t]            (E)     or the one-hot vector of c_t (V)
 *   h_t      = rnn(x_t, h_{t−1})                (H)     L stacked RNN/LSTM/GRU layers
 *   logits_t = decoder.weight · drop(h_t) + decoder.bias        (V)
 *   loss     = mean over t of −log softmax(logits_t)[c_{t+1}]   (nats per character)
 * </pre>
 *
 * <p>Parameters, named as the equivalent PyTorch module would name them
 * ({@code nn.Embedding → nn.LSTM → nn.Linear} as attributes {@code embedding}, {@code rnn},
 * {@code decoder}), so that a checkpoint's {@code state_dict} loads into such a module:
 * <pre>
 *   embedding.weight      [V, E]      (absent with one-hot input)
 *   rnn.weight_ih_l{k}    [G·H, I_k]  rnn.weight_hh_l{k} [G·H, H]  rnn.bias_ih_l{k} [G·H]  rnn.bias_hh_l{k} [G·H]
 *   decoder.weight        [V, H]      decoder.bias [V]
 * </pre>
 * Initialisation is PyTorch's default for each module: {@code N(0, 1)} embedding, recurrent weights and
 * biases uniform in {@code ±1/√H}, decoder uniform in {@code ±1/√H}; all drawn in that order from one
 * stream seeded by the constructor's seed.
 *
 * <p>Dropout with probability {@code p} acts, as in char-rnn, on the output of every layer: between
 * stacked layers (inside {@link RecurrentLayer}) and on the top layer's output before the decoder; it is
 * off in evaluation and generation.
 *
 * <p>Training goes through {@link CharLmTrainer}; {@link #evaluate} measures the loss on a text,
 * {@link #generator} samples text. A model is not thread-safe: backward adds into its gradients.
 */
public final class CharLanguageModel implements Module {

    private final CharLmConfig config;
    private final CharacterVocabulary vocabulary;
    /** The learned input table, or null for one-hot input. */
    private final Embedding embedding;
    /** oneHot: (V, V) identity, the input table for one-hot input (a row gather, not a product); or null. */
    private final FMatrixRMaj oneHot;
    private final RecurrentLayer rnn;
    /** Dropout on the top layer's output, before the decoder (training only). */
    private final Dropout dropout;
    private final Linear decoder;
    /** Mean softmax cross-entropy over the T·B predictions of a chunk. */
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private final Parameters parameters = new Parameters();

    /**
     * Creates a model with PyTorch's default initialisation.
     *
     * @param config     the shape; its vocabulary size must be the vocabulary's
     * @param vocabulary the characters the model reads and writes, without special tokens (e.g.
     *                   {@link CharacterVocabulary#of(CharSequence)})
     * @param seed       seed of the initialisation
     * @throws IllegalArgumentException if {@code config.vocabSize()} differs from {@code vocabulary.size()},
     *                                  or the vocabulary has special tokens
     */
    public CharLanguageModel(CharLmConfig config, CharacterVocabulary vocabulary, long seed) {
        if (config.vocabSize() != vocabulary.size()) {
            throw new IllegalArgumentException("config.vocabSize() must be the vocabulary's size "
                    + vocabulary.size() + " but was " + config.vocabSize());
        }
        if (!vocabulary.specials().isEmpty()) {
            throw new IllegalArgumentException("the vocabulary of a character language model must have no special "
                    + "tokens but has " + vocabulary.specials());
        }
        this.config = config;
        this.vocabulary = vocabulary;
        RandomGenerator init = new SplittableRandom(seed);
        int v = config.vocabSize();
        if (config.oneHotInput()) {
            this.embedding = null;
            this.oneHot = new FMatrixRMaj(v, v);
            for (int i = 0; i < v; i++) {
                oneHot.set(i, i, 1f);
            }
        } else {
            this.embedding = new Embedding(v, config.embeddingSize(), init);
            this.oneHot = null;
            parameters.addAll("embedding.", embedding.parameters());
        }
        RecurrentConfig rnnConfig = RecurrentConfig.of(config.cell(), config.inputSize(), config.hiddenSize())
                .withNumLayers(config.numLayers()).withDropout(config.dropout());
        this.rnn = new RecurrentLayer(rnnConfig, RecurrentInit.pytorchDefault(), init);
        parameters.addAll("rnn.", rnn.parameters());
        this.dropout = new Dropout(config.dropout());
        this.decoder = new Linear(config.hiddenSize(), v, init);
        parameters.addAll("decoder.", decoder.parameters());
    }

    /**
     * Loads the model of a checkpoint written by {@link #save(Path)} or {@link CharLmTrainer#save(Path)};
     * the training state, if any, is ignored.
     *
     * @param file the safetensors file
     * @return the model with the saved weights
     * @throws CheckpointFormatException if the file is not a readable checkpoint of this kind: truncated,
     *                                   corrupted, foreign, or inconsistent; the message says which
     * @throws IOException               if the file cannot be read
     */
    public static CharLanguageModel load(Path file) throws IOException {
        return Checkpoints.read(file).model();
    }

    /**
     * Saves the weights, the configuration and the vocabulary as one safetensors file, atomically (a
     * temporary file renamed over the target).
     *
     * @param file the target; replaced if it exists
     * @throws IOException if writing fails; an existing file is then left as it was
     */
    public void save(Path file) throws IOException {
        Checkpoints.write(file, this, null);
    }

    /**
     * The shape of the model.
     *
     * @return the configuration
     */
    public CharLmConfig config() {
        return config;
    }

    /**
     * The characters the model reads and writes.
     *
     * @return the vocabulary
     */
    public CharacterVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The parameters, in the order and with the names of the class documentation.
     *
     * @return the registry
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /** The recurrent layer (for the state shapes). */
    RecurrentLayer rnn() {
        return rnn;
    }

    // ----------------------------------------------------------------------------------------------
    // Chunk forward and backward

    /**
     * Runs the model over one chunk, from the chunk's initial state {@code ws.h, ws.c}.
     *
     * @param ws            the workspace with {@code inputs} and {@code targets} filled; its buffers are
     *                      overwritten, its states not (see {@link #carryState})
     * @param dropoutRandom the dropout stream in training, advanced; null in evaluation (no dropout)
     * @return the mean cross-entropy over the T·B predictions, in nats
     */
    double forward(ChunkWorkspace ws, RandomGenerator dropoutRandom) {
        // x: (T·B, I)
        if (embedding != null) {
            embedding.forward(ws.inputs, ws.x);
        } else {
            Tensors.gatherRows(oneHot, ws.inputs, ws.x);
        }
        RecurrentLayer.Cache cache = rnn.forward(ws.x, ws.batchSize, null, ws.h,
                config.cell().hasCellState() ? ws.c : null, dropoutRandom, ws.cache);
        // top: (T·B, H), the top layer's output, after dropout in training
        FMatrixRMaj top = cache.output();
        ws.dropoutApplied = dropoutRandom != null && config.dropout() > 0f;
        if (ws.dropoutApplied) {
            ws.dropoutCache = dropout.forward(top, ws.dropped, dropoutRandom, ws.dropoutCache);
            top = ws.dropped;
        }
        ws.top = top;
        // logits: (T·B, V), one product for all steps; then overwritten by the probabilities
        decoder.forward(top, ws.logits);
        return loss.forward(ws.logits, ws.targets, ws.logits);
    }

    /**
     * Backpropagates the loss of the last {@link #forward} through the chunk. Adds ({@code +=}) into the
     * parameter gradients; the gradient is cut at the chunk's initial state (truncated BPTT).
     *
     * @param ws the workspace of the forward
     */
    void backward(ChunkWorkspace ws) {
        // dLogits: (T·B, V), from the probabilities the forward left in ws.logits
        loss.backward(ws.logits, ws.targets, 1.0, ws.dLogits);
        // dTop: (T·B, H)
        decoder.backward(ws.top, ws.dLogits, ws.dTop);
        if (ws.dropoutApplied) {
            dropout.backward(ws.dropoutCache, ws.dTop, ws.dTop);
        }
        rnn.backward(ws.cache, ws.dTop, null, null);
        if (embedding != null) {
            // dx: (T·B, E) into the rows of embedding.weight that were read
            embedding.backward(ws.inputs, ws.cache.dx());
        }
    }

    /**
     * Makes the final state of the last forward the initial state of the next chunk.
     *
     * @param ws the workspace of the forward
     */
    void carryState(ChunkWorkspace ws) {
        ws.h.setTo(ws.cache.finalHidden());
        if (config.cell().hasCellState()) {
            ws.c.setTo(ws.cache.finalCellState());
        }
    }

    /**
     * Creates the buffers for chunks of {@code T} steps of {@code B} streams.
     *
     * @param batchSize B
     * @param seqLength T
     * @return a workspace with zero initial state
     */
    ChunkWorkspace newWorkspace(int batchSize, int seqLength) {
        return new ChunkWorkspace(config, rnn, batchSize, seqLength);
    }

    // ----------------------------------------------------------------------------------------------
    // Evaluation and generation

    /**
     * The model's loss on a text, read as training reads it: {@code B} contiguous streams in chunks of
     * {@code T} steps, the state carried from chunk to chunk (starting at zero), no dropout; the mean
     * cross-entropy over every prediction.
     *
     * @param text      the text; every character must be in the vocabulary, and it must have at least
     *                  {@code B·T + 1} code points
     * @param batchSize B ≥ 1
     * @param seqLength T ≥ 1
     * @return the loss, in nats and bits per character
     * @throws IllegalArgumentException if a character is not in the vocabulary or the text is too short
     */
    public Evaluation evaluate(CharSequence text, int batchSize, int seqLength) {
        return evaluate(new CharStreams(vocabulary.encode(text), batchSize, seqLength, "text"),
                newWorkspace(batchSize, seqLength));
    }

    /** Evaluates on streams with a workspace of their shape; resets the workspace's state first. */
    Evaluation evaluate(CharStreams streams, ChunkWorkspace ws) {
        ws.resetState();
        double total = 0;
        for (int k = 0; k < streams.numChunks(); k++) {
            streams.fill(k, ws.inputs, ws.targets);
            total += forward(ws, null) * ws.rows;
            carryState(ws);
        }
        return Evaluation.ofMeanLoss(total / streams.targetsPerPass(), streams.targetsPerPass());
    }

    /**
     * A streaming text generator over this model (which it reads, never changes).
     *
     * @param options how the next character is chosen
     * @param random  the random stream of the draws; advanced by the generator
     * @return a new generator with zero state
     */
    public TextGenerator generator(SamplingOptions options, RandomGenerator random) {
        return new TextGenerator(this, options, random);
    }

    /** The input table (V, I): the embedding weight, or the one-hot identity; the live matrix, not a copy. */
    FMatrixRMaj inputTable() {
        return embedding != null ? embedding.weight().value() : oneHot;
    }

    /** The decoder (the live layer). */
    Linear decoder() {
        return decoder;
    }

    /**
     * Describes the model.
     *
     * @return e.g. {@code CharLanguageModel(LSTM, V=65, E=128, H=128, L=2, dropout=0.0, 217,025 parameters)}
     */
    @Override
    public String toString() {
        return String.format("CharLanguageModel(%s, V=%d, %s, H=%d, L=%d, dropout=%s, %,d parameters)",
                config.cell(), config.vocabSize(), config.oneHotInput() ? "one-hot" : "E=" + config.embeddingSize(),
                config.hiddenSize(), config.numLayers(), config.dropout(), parameters.numElements());
    }
}
