package org.seq4j.skipthoughts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.embed.WordVectors;
import org.seq4j.eval.SentenceEncoder;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameters;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentInit;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.Tokenizer;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

/**
 * Skip-Thoughts (Kiros et al., NeurIPS 2015): a GRU encoder reads a sentence {@code s_i}; its final state
 * is the thought vector {@code h_i}; two conditional GRU decoders, conditioned on {@code h_i} at every
 * step, predict the sentence before, {@code s_{i−1}}, and the sentence after, {@code s_{i+1}}, word by
 * word with teacher forcing. The vectors {@code h_i} of a trained model are sentence representations.
 *
 * <h2>The model</h2>
 * <pre>
 *   x_t      = embedding.weight[w_t]                                   (E)     one table for all three
 *   uni-skip: h_i = GRU(x_1 … x_n) final state                         (D)
 *   bi-skip:  h_i = [GRU→(x_1 … x_n) final ; GRU←(x_n … x_1) final]    (D/2 + D/2)
 *   decoder d ∈ {prev, next}, reading &lt;bos&gt; w_1 … w_m of its sentence (teacher forcing):
 *     h^d_t   = ConditionalGru_d(x_{t−1}, h^d_{t−1}, h_i)              (D)     h^d_{−1} = 0
 *     logits  = output.weight · h^d_t + output.bias                    (V)     one output layer for both
 *   L = CE_prev + CE_next,  CE_d = mean over the targets w_1 … w_m &lt;eos&gt; of the batch of −log p(target)
 * </pre>
 * The loss is the sum of the two decoders' cross-entropies, each the mean over its real (unpadded) target
 * tokens of the batch (PyTorch's {@code cross_entropy(..., ignore_index=−100)} per decoder, added); the
 * output layer and the softmax run on those real rows only, both decoders' rows in one product. The
 * equations of the decoder and their gradients are in {@link ConditionalGru}. Backward runs both decoders'
 * backward, adds their gradients with respect to {@code h_i}, and passes the sum into the encoder's final
 * state; the embedding receives the gradients of all three inputs.
 *
 * <h2>Parameters</h2>
 * <pre>
 *   embedding.weight                           (V, E)     row &lt;pad&gt; zero and never updated
 *   encoder.weight_ih_l0, weight_hh_l0,        (3·D_e, E), (3·D_e, D_e), (3·D_e), (3·D_e)     D_e = D or D/2
 *   encoder.bias_ih_l0, bias_hh_l0             and the same with the suffix _reverse for bi-skip
 *   decoder_prev.weight_ih (3D, E), weight_hh (3D, D), weight_ch (3D, D), bias_ih (3D)
 *   decoder_next.…                             the same
 *   output.weight (V, D), output.bias (V)
 * </pre>
 * Initialisation is PyTorch's default for each module ({@code N(0, 1)} embedding, GRU and linear weights
 * uniform in {@code ±1/√fan}), drawn in registration order from one stream seeded by the constructor.
 *
 * <h2>Sentences as vectors</h2>
 * As a {@link SentenceEncoder}, the model tokenizes a sentence with its {@link WordTokenizer}, reads unknown
 * words as {@code <unk>} and returns the thought vector divided by its Euclidean norm (as the authors'
 * {@code encode(..., use_norm=True)}); a sentence without a token gives the zero vector, the encoder's
 * state before reading anything. {@link #expandedEncoder} reads words beyond the vocabulary through a
 * vocabulary expansion instead. combine-skip, a uni-skip and a bi-skip model's vectors side by side, is
 * {@link org.seq4j.eval.ConcatenatedEncoder#of ConcatenatedEncoder.of(uniSkip, biSkip)}.
 *
 * <p>Training goes through {@link SkipThoughtsTrainer}; {@link #forward}/{@link #backward} are one step's
 * passes over a {@link TripleBatch}, with a caller-owned {@link Cache}. A model is not thread-safe: backward
 * adds into its gradients, and encoding uses buffers of its own.
 */
public final class SkipThoughtsModel implements Module, SentenceEncoder {

    /** Sentences encoded together, at most, by {@link #encode}. */
    static final int ENCODE_BATCH = 128;

    private final SkipThoughtsConfig config;
    private final WordVocabulary vocabulary;
    private final Tokenizer tokenizer = new WordTokenizer();
    private final int unk;
    private final TripleBatch.Specials specials;
    private final Embedding embedding;
    private final RecurrentLayer encoder;
    private final ConditionalGru decoderPrevious;
    private final ConditionalGru decoderNext;
    private final Linear output;
    private final Parameters parameters = new Parameters();
    /** The buffers of {@link #encode}, made at its first use. */
    private Encoding encoding;

    /**
     * Creates a model with PyTorch's default initialisation.
     *
     * @param config     the shape; its vocabulary size must be the vocabulary's
     * @param vocabulary the words, with the special tokens {@code <pad>}, {@code <bos>}, {@code <eos>} and
     *                   {@code <unk>}
     * @param seed       seed of the initialisation
     * @throws IllegalArgumentException if the sizes differ or a special token is missing
     */
    public SkipThoughtsModel(SkipThoughtsConfig config, WordVocabulary vocabulary, long seed) {
        if (config == null || vocabulary == null) {
            throw new IllegalArgumentException("config and vocabulary must not be null");
        }
        if (config.vocabularySize() != vocabulary.size()) {
            throw new IllegalArgumentException("config.vocabularySize() must be the vocabulary's size "
                    + vocabulary.size() + " but was " + config.vocabularySize());
        }
        if (!vocabulary.has(SpecialToken.UNK)) {
            throw new IllegalArgumentException("the vocabulary must have " + SpecialToken.UNK.text()
                    + " but has only " + vocabulary.specials());
        }
        this.specials = TripleBatch.Specials.of(vocabulary);
        this.config = config;
        this.vocabulary = vocabulary;
        this.unk = vocabulary.id(SpecialToken.UNK);
        SplittableRandom random = new SplittableRandom(seed);
        int v = config.vocabularySize();
        int e = config.embeddingSize();
        int d = config.dim();
        this.embedding = new Embedding(v, e, specials.pad(), random);
        RecurrentConfig encoderConfig = RecurrentConfig.of(CellType.GRU, e, config.encoderHiddenSize())
                .withBidirectional(config.mode() == SkipThoughtsConfig.Mode.BI);
        this.encoder = new RecurrentLayer(encoderConfig, RecurrentInit.pytorchDefault(), random);
        this.decoderPrevious = new ConditionalGru(e, d, d, random);
        this.decoderNext = new ConditionalGru(e, d, d, random);
        this.output = new Linear(d, v, random);
        parameters.addAll("embedding.", embedding.parameters())
                .addAll("encoder.", encoder.parameters())
                .addAll("decoder_prev.", decoderPrevious.parameters())
                .addAll("decoder_next.", decoderNext.parameters())
                .addAll("output.", output.parameters());
    }

    /**
     * Loads a model saved by {@link #save(Path)} or {@link SkipThoughtsTrainer#save(Path)} (whose training
     * state is then ignored).
     *
     * @param file the checkpoint
     * @return the model with the saved weights
     * @throws CheckpointFormatException if the file is not a consistent skip-thoughts checkpoint
     * @throws IOException               if it cannot be read
     */
    public static SkipThoughtsModel load(Path file) throws IOException {
        return Checkpoints.read(file).model();
    }

    /**
     * Saves the weights, the configuration and the vocabulary as one safetensors checkpoint, atomically.
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
    public SkipThoughtsConfig config() {
        return config;
    }

    /**
     * The words the model reads and writes.
     *
     * @return the vocabulary
     */
    public WordVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The tokenizer that {@link #encode} applies to raw sentences, and that the training data must be
     * tokenized with ({@link SentenceTriples} does).
     *
     * @return a lower-casing {@link WordTokenizer}
     */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The parameters, named as listed in the class documentation.
     *
     * @return the registry (the same live object on every call)
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /** The shared word embedding. */
    Embedding embedding() {
        return embedding;
    }

    // ----------------------------------------------------------------------------------------------
    // Training passes

    /**
     * Creates an empty cache for {@link #forward}.
     *
     * @return a new cache of this model
     */
    public Cache newCache() {
        return new Cache(this);
    }

    /**
     * Computes the loss of a batch of triples: encoder, both decoders (teacher-forced) and the output layer.
     *
     * @param batch the triples; their word ids must be in {@code [0, V)}; not modified, and not to be refilled
     *              before backward
     * @param reuse a cache of this model to fill, or null for a new one
     * @return {@code reuse} or the new cache, holding {@link Cache#loss()} and what backward needs
     * @throws IllegalArgumentException if the batch is empty, an id is out of range, or the cache is another
     *                                  model's
     */
    public Cache forward(TripleBatch batch, Cache reuse) {
        if (batch == null || batch.batchSize() < 1) {
            throw new IllegalArgumentException("the batch must hold at least one triple");
        }
        if (reuse != null && reuse.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another model");
        }
        Cache c = reuse != null ? reuse : newCache();
        c.filled = false;
        c.batch = batch;
        int b = batch.batchSize();
        int e = config.embeddingSize();
        TripleBatch.Padded source = batch.source;

        // encoder: x (T_s·B, E) → final states (D_dirs·B, D_e) → thought (B, D)
        c.sourceEmbedded.reshape(source.input.length, e);
        embedding.forward(source.input, c.sourceEmbedded);
        c.encoderCache = c.encoderCache(source.steps, b);
        encoder.forward(c.sourceEmbedded, b, lengthsOrNull(source, b), null, null, null, c.encoderCache);
        c.thought.reshape(b, config.dim());
        thoughtFromFinalStates(c.encoderCache.finalHidden(), b, c.thought);

        // the two decoders, both before any backward, then the output layer and the loss over their real rows
        c.previous.forward(batch.previous, b, c.thought);
        c.next.forward(batch.next, b, c.thought);
        c.softmax.forward(c.previous.cache.output(), batch.previous.target, c.next.cache.output(),
                batch.next.target, c.losses);
        c.previousLoss = c.losses[0];
        c.nextLoss = c.losses[1];
        c.filled = true;
        return c;
    }

    /**
     * Backward of the loss of the latest {@link #forward} into {@code c}: adds ({@code +=}) into every
     * parameter's gradient (zero them first), through both decoders, the thought vector and the encoder.
     * Consumes the cache.
     *
     * @param c the cache of this model's forward
     * @throws IllegalArgumentException if the cache is another model's
     * @throws IllegalStateException    if no forward filled the cache, or backward already consumed it
     */
    public void backward(Cache c) {
        if (c == null || c.owner != this) {
            throw new IllegalArgumentException("the cache must come from this model's forward");
        }
        if (!c.filled) {
            throw new IllegalStateException("backward needs a forward first (and runs once per forward)");
        }
        int b = c.batch.batchSize();
        c.previous.dOutput.reshape(c.batch.previous.input.length, config.dim());
        c.next.dOutput.reshape(c.batch.next.input.length, config.dim());
        c.softmax.backward(c.previous.dOutput, c.next.dOutput);
        FMatrixRMaj dPrev = c.previous.backward(c.batch.previous);
        FMatrixRMaj dNext = c.next.backward(c.batch.next);
        // the thought vector feeds both decoders: its gradient is the sum of theirs
        c.dThought.reshape(b, config.dim());
        for (int i = 0; i < b * config.dim(); i++) {
            c.dThought.data[i] = dPrev.data[i] + dNext.data[i];
        }
        c.dFinalHidden.reshape(encoder.config().stateRows(b), config.encoderHiddenSize());
        finalStatesFromThought(c.dThought, b, c.dFinalHidden);
        encoder.backward(c.encoderCache, null, c.dFinalHidden, null);
        embedding.backward(c.batch.source.input, c.encoderCache.dx());
        c.filled = false;
    }

    /** The lengths of a padded batch, or null when every sequence has the full length (the faster path). */
    private static int[] lengthsOrNull(TripleBatch.Padded p, int b) {
        for (int r = 0; r < b; r++) {
            if (p.lengths[r] != p.steps) {
                return p.lengths;
            }
        }
        return null;
    }

    /** thought (B, D) = the final states (D_dirs·B, D_e), directions side by side. */
    private void thoughtFromFinalStates(FMatrixRMaj finalHidden, int b, FMatrixRMaj thought) {
        int he = config.encoderHiddenSize();
        int dirs = encoder.config().numDirections();
        for (int r = 0; r < b; r++) {
            for (int d = 0; d < dirs; d++) {
                System.arraycopy(finalHidden.data, (d * b + r) * he, thought.data, r * config.dim() + d * he, he);
            }
        }
    }

    /** The inverse of {@link #thoughtFromFinalStates}: (B, D) → (D_dirs·B, D_e). */
    private void finalStatesFromThought(FMatrixRMaj thought, int b, FMatrixRMaj finalHidden) {
        int he = config.encoderHiddenSize();
        int dirs = encoder.config().numDirections();
        for (int r = 0; r < b; r++) {
            for (int d = 0; d < dirs; d++) {
                System.arraycopy(thought.data, r * config.dim() + d * he, finalHidden.data, (d * b + r) * he, he);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Sentence vectors

    /**
     * The size of the sentence vectors.
     *
     * @return D
     */
    @Override
    public int dimension() {
        return config.dim();
    }

    /**
     * Encodes raw sentences: tokenized by {@link #tokenizer()}, unknown words read as {@code <unk>}, the
     * thought vector divided by its norm (a sentence without tokens gives zeros).
     *
     * @param sentences raw sentences; not modified
     * @param out       (N, D), reshaped if needed; row {@code n} encodes sentence {@code n}
     * @throws IllegalArgumentException if an argument is null
     */
    @Override
    public void encode(List<String> sentences, FMatrixRMaj out) {
        encode(sentences, null, out);
    }

    /**
     * The model's own word vectors: the embedding rows of its vocabulary's words (special tokens left out),
     * in vocabulary order. The target space of a vocabulary expansion
     * ({@link org.seq4j.embed.EmbeddingSpaceMap#fit(WordVectors, WordVectors, double, boolean)}).
     *
     * @return a copy of the rows, E wide
     */
    public WordVectors wordVectors() {
        int e = config.embeddingSize();
        int first = vocabulary.specials().size();
        List<String> words = vocabulary.tokens().subList(first, vocabulary.size());
        float[] table = embedding.weight().value().data;
        return WordVectors.of(words, Arrays.copyOfRange(table, first * e, vocabulary.size() * e), e);
    }

    /**
     * An encoder that reads words beyond the vocabulary through a vocabulary expansion (Kiros et al. 2015,
     * section 2.2): a word of the vocabulary reads its own embedding, another word its vector in
     * {@code expanded} (vectors in this model's embedding space, e.g. word2vec vectors mapped by
     * {@link org.seq4j.embed.EmbeddingSpaceMap}), and a word neither knows reads {@code <unk>}. It shares this
     * model's weights and buffers, so it is not thread-safe with it.
     *
     * @param expanded vectors of further words, E wide
     * @return the encoder, of dimension D
     * @throws IllegalArgumentException if the vectors are not E wide
     */
    public SentenceEncoder expandedEncoder(WordVectors expanded) {
        if (expanded == null || expanded.dimension() != config.embeddingSize()) {
            throw new IllegalArgumentException("the expanded vectors must be of the embedding size "
                    + config.embeddingSize() + " but were " + (expanded == null ? "null" : expanded.dimension()));
        }
        return new SentenceEncoder() {
            @Override
            public int dimension() {
                return config.dim();
            }

            @Override
            public void encode(List<String> sentences, FMatrixRMaj out) {
                SkipThoughtsModel.this.encode(sentences, expanded, out);
            }

            @Override
            public String toString() {
                return SkipThoughtsModel.this + " with " + expanded.size() + " expanded words";
            }
        };
    }

    /**
     * Encodes token lists: groups of equal length, at most {@link #ENCODE_BATCH} at a time, each read at its
     * full length (no padding), into unit thought vectors.
     */
    void encode(List<String> sentences, WordVectors expansion, FMatrixRMaj out) {
        if (sentences == null || out == null) {
            throw new IllegalArgumentException("sentences and out must not be null");
        }
        int n = sentences.size();
        int d = config.dim();
        out.reshape(n, d);
        Arrays.fill(out.data, 0, n * d, 0f);
        if (encoding == null) {
            encoding = new Encoding();
        }
        Encoding w = encoding;
        List<String>[] tokens = tokenizeAll(sentences);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, c) -> Integer.compare(tokens[a].size(), tokens[c].size()));
        int e = config.embeddingSize();
        float[] table = embedding.weight().value().data;
        int start = 0;
        while (start < n) {
            int len = tokens[order[start]].size();
            int end = start;
            while (end < n && end - start < ENCODE_BATCH && tokens[order[end]].size() == len) {
                end++;
            }
            if (len == 0) {
                start = end;   // the zero vector
                continue;
            }
            int b = end - start;
            w.x.reshape(len * b, e);
            for (int r = 0; r < b; r++) {
                List<String> words = tokens[order[start + r]];
                for (int t = 0; t < len; t++) {
                    String word = words.get(t);
                    int id = vocabulary.indexOf(word);
                    int to = (t * b + r) * e;
                    if (id < 0 && expansion != null && expansion.contains(word)) {
                        System.arraycopy(expansion.vector(word), 0, w.x.data, to, e);
                    } else {
                        System.arraycopy(table, (id < 0 ? unk : id) * e, w.x.data, to, e);
                    }
                }
            }
            w.rnn = encoder.forward(w.x, b, null, null, null, null, w.rnn);
            w.thought.reshape(b, d);
            thoughtFromFinalStates(w.rnn.finalHidden(), b, w.thought);
            for (int r = 0; r < b; r++) {
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    double v = w.thought.data[r * d + j];
                    norm += v * v;
                }
                float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
                int o = order[start + r] * d;
                for (int j = 0; j < d; j++) {
                    out.data[o + j] = w.thought.data[r * d + j] * scale;
                }
            }
            start = end;
        }
    }

    @SuppressWarnings("unchecked")
    private List<String>[] tokenizeAll(List<String> sentences) {
        List<String>[] tokens = new List[sentences.size()];
        for (int i = 0; i < tokens.length; i++) {
            String s = sentences.get(i);
            if (s == null) {
                throw new IllegalArgumentException("sentences[" + i + "] must not be null");
            }
            tokens[i] = tokenizer.tokenize(s);
        }
        return tokens;
    }

    /**
     * Describes the model.
     *
     * @return e.g. {@code SkipThoughtsModel(uni-skip, V=5004, E=64, D=256)}
     */
    @Override
    public String toString() {
        return "SkipThoughtsModel(" + (config.mode() == SkipThoughtsConfig.Mode.UNI ? "uni" : "bi") + "-skip, V="
                + config.vocabularySize() + ", E=" + config.embeddingSize() + ", D=" + config.dim() + ")";
    }

    /** The buffers of {@link #encode}: x (T·B, E), the encoder's cache, thought (B, D). */
    private static final class Encoding {
        final FMatrixRMaj x = new FMatrixRMaj(0, 0);
        RecurrentLayer.Cache rnn;
        final FMatrixRMaj thought = new FMatrixRMaj(0, 0);
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * What one {@link SkipThoughtsModel#forward} computed and its backward needs, with every buffer of a
     * training step. Owned by the caller; a forward fills it, one backward consumes it.
     *
     * <p>Buffers only grow; the encoder's caches are kept per sentence length {@code T_s} (for the batch
     * size they were made for), so a training loop that keeps one cache allocates nothing once it has seen
     * each length. The memory is about {@code T_s·B·(12·D_e + 2·E)} floats per encoder length seen, and
     * {@code N·V} floats of logits and probabilities for the {@code N} real decoder targets of a batch.
     */
    public static final class Cache {

        private final SkipThoughtsModel owner;
        boolean filled;
        TripleBatch batch;
        double previousLoss;
        double nextLoss;
        // sourceEmbedded (T_s·B, E); thought, dThought (B, D); dFinalHidden (D_dirs·B, D_e)
        final FMatrixRMaj sourceEmbedded = new FMatrixRMaj(0, 0);
        final FMatrixRMaj thought = new FMatrixRMaj(0, 0);
        final FMatrixRMaj dThought = new FMatrixRMaj(0, 0);
        final FMatrixRMaj dFinalHidden = new FMatrixRMaj(0, 0);
        /** encoderCaches[T_s]: the encoder's cache for sentences of T_s steps, batch size poolBatch. */
        private RecurrentLayer.Cache[] encoderCaches = new RecurrentLayer.Cache[0];
        private int poolBatch = -1;
        RecurrentLayer.Cache encoderCache;
        final DecoderPass previous;
        final DecoderPass next;
        final VocabularySoftmax softmax;
        final double[] losses = new double[2];

        Cache(SkipThoughtsModel owner) {
            this.owner = owner;
            this.softmax = new VocabularySoftmax(owner.output);
            this.previous = new DecoderPass(owner, owner.decoderPrevious);
            this.next = new DecoderPass(owner, owner.decoderNext);
        }

        RecurrentLayer.Cache encoderCache(int steps, int b) {
            if (b != poolBatch) {
                encoderCaches = new RecurrentLayer.Cache[0];
                poolBatch = b;
            }
            if (encoderCaches.length <= steps) {
                encoderCaches = Arrays.copyOf(encoderCaches, steps + 1);
            }
            if (encoderCaches[steps] == null) {
                encoderCaches[steps] = owner.encoder.newCache();
            }
            return encoderCaches[steps];
        }

        private void checkFilled() {
            if (batch == null) {
                throw new IllegalStateException("no forward has filled this cache");
            }
        }

        /**
         * The loss of the latest forward: {@code CE_prev + CE_next}, each the mean over its decoder's targets.
         *
         * @return the loss in nats
         * @throws IllegalStateException if no forward has filled the cache
         */
        public double loss() {
            checkFilled();
            return previousLoss + nextLoss;
        }

        /**
         * The previous-sentence decoder's mean cross-entropy.
         *
         * @return {@code CE_prev} in nats per target
         * @throws IllegalStateException if no forward has filled the cache
         */
        public double previousLoss() {
            checkFilled();
            return previousLoss;
        }

        /**
         * The next-sentence decoder's mean cross-entropy.
         *
         * @return {@code CE_next} in nats per target
         * @throws IllegalStateException if no forward has filled the cache
         */
        public double nextLoss() {
            checkFilled();
            return nextLoss;
        }

        /**
         * The summed cross-entropy of every target of both decoders (for perplexities over many batches).
         *
         * @return {@code CE_prev·N_prev + CE_next·N_next} in nats
         * @throws IllegalStateException if no forward has filled the cache
         */
        public double totalNats() {
            checkFilled();
            return previousLoss * batch.previous.count + nextLoss * batch.next.count;
        }

        /**
         * The thought vectors of the latest forward's middle sentences (not normalised).
         *
         * @return (B, D); the cache's own matrix
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj thought() {
            checkFilled();
            return thought;
        }
    }

    /** One decoder's forward and backward over its batch, with its buffers. */
    static final class DecoderPass {
        private final SkipThoughtsModel model;
        private final ConditionalGru decoder;
        // embedded (T·B, E); dOutput (T·B, D)
        final FMatrixRMaj embedded = new FMatrixRMaj(0, 0);
        final FMatrixRMaj dOutput = new FMatrixRMaj(0, 0);
        final ConditionalGru.Cache cache;

        DecoderPass(SkipThoughtsModel model, ConditionalGru decoder) {
            this.model = model;
            this.decoder = decoder;
            this.cache = decoder.newCache();
        }

        /** The teacher-forced decoder from the thought vectors. */
        void forward(TripleBatch.Padded p, int b, FMatrixRMaj thought) {
            embedded.reshape(p.input.length, model.config.embeddingSize());
            model.embedding.forward(p.input, embedded);
            decoder.forward(embedded, b, lengthsOrNull(p, b), thought, null, cache);
        }

        /** Given dOutput, adds into the decoder's and the embedding's gradients; returns dThought (B, D). */
        FMatrixRMaj backward(TripleBatch.Padded p) {
            decoder.backward(cache, dOutput, null);
            model.embedding.backward(p.input, cache.dx());
            return cache.dContext();
        }
    }
}
