package org.seq4j.rnn;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.data.TokenBatch;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;

/**
 * A many-to-many tagger: one tag score vector per input token, from an embedding, a (usually
 * bidirectional) recurrent layer and a linear read-out at every step. The synchronised N→N scenario
 * (truecasing, part-of-speech tagging, per-frame labels).
 *
 * <pre>
 *   x      = E[tokens]                     tokens: (T·B)   E: (V, I)   x: (T·B, I)
 *   out    = RecurrentLayer(x, lengths)    out: (T·B, D·H), zero rows at padded steps
 *   logits = out·Wᵀ + b                    W: (K, D·H)    b: (K)      logits: (T·B, K)
 *
 *   backward, from dLogits (T·B, K):
 *     dW += dLogitsᵀ·out,  db += Σ_rows dLogits,  dOut = dLogits·W
 *     RecurrentLayer backward (BPTT) → dx;  dE[tokens[n]] += dx(n, :) except at the padding index
 * </pre>
 * In PyTorch: {@code fc(pad_packed_sequence(lstm(pack_padded_sequence(emb(tokens), lengths)))[0])}. The
 * loss is the caller's: a {@link org.seq4j.nn.CrossEntropyLoss} over the {@code T·B} rows of the logits,
 * with the targets of padded steps set to its ignore index, so that they add nothing (the recurrent layer
 * passes no gradient through padded steps anyway).
 *
 * <p>Parameters: {@code embedding.weight}, the layer's {@code rnn.weight_ih_l0}, … (PyTorch's names) and
 * {@code fc.weight}, {@code fc.bias}. The input size {@code I} of the recurrent configuration is the
 * embedding size.
 *
 * <p>Caches are the caller's: {@link #forward(int[], int, int[], RandomGenerator, Cache)} fills the cache
 * it is given (or a new one) and returns it; {@link #backward} consumes it and adds ({@code +=}) into the
 * parameter gradients. Any number of caches may be alive at once. A cache reallocates its buffers exactly
 * when the shape {@code (T, B)} changes, so a loop that keeps one cache per shape allocates nothing at
 * steady state (batches of varying lengths can be padded to a few fixed {@code T}: the padded steps cost
 * their arithmetic but change nothing).
 */
public final class SequenceTagger implements Module {

    private final Embedding embedding;
    private final RecurrentLayer rnn;
    private final Linear fc;
    private final Parameters parameters = new Parameters();

    /**
     * Creates a tagger initialised as PyTorch initialises its parts: the embedding from {@code N(0, 1)} with
     * the padding row zero, the recurrent layer and the read-out uniformly in {@code ±1/√fan_in}.
     *
     * @param numEmbeddings the number of token ids {@code V}, at least 1
     * @param paddingIdx    the id of padding, in {@code [0, V)}: its embedding row stays zero and gets no
     *                      gradient
     * @param config        the recurrent layer; its input size is the embedding size {@code I}
     * @param numTags       the number of tags {@code K}, at least 1
     * @param random        random stream of the initialisation, drawn in the order embedding, layer, read-out;
     *                      advanced
     * @throws IllegalArgumentException if a size is not positive, the padding index is out of range, or an
     *                                  argument is null
     */
    public SequenceTagger(int numEmbeddings, int paddingIdx, RecurrentConfig config, int numTags,
                          RandomGenerator random) {
        if (config == null || random == null) {
            throw new IllegalArgumentException("config and random must not be null");
        }
        if (paddingIdx < 0 || paddingIdx >= numEmbeddings) {
            throw new IllegalArgumentException("paddingIdx must be in [0, " + numEmbeddings + ") but was "
                    + paddingIdx);
        }
        this.embedding = new Embedding(numEmbeddings, config.inputSize(), paddingIdx, random);
        this.rnn = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random);
        this.fc = new Linear(config.outputSize(), numTags, random);
        parameters.addAll("embedding.", embedding.parameters())
                .addAll("rnn.", rnn.parameters())
                .addAll("fc.", fc.parameters());
    }

    /**
     * The parameters: {@code embedding.weight}, {@code rnn.*}, {@code fc.weight}, {@code fc.bias}.
     *
     * @return the registry
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /**
     * The recurrent layer's configuration.
     *
     * @return the configuration
     */
    public RecurrentConfig config() {
        return rnn.config();
    }

    /**
     * The number of token ids.
     *
     * @return {@code V}
     */
    public int numEmbeddings() {
        return embedding.numEmbeddings();
    }

    /**
     * The number of tags.
     *
     * @return {@code K}
     */
    public int numTags() {
        return fc.outFeatures();
    }

    /**
     * Creates an empty cache for {@link #forward(int[], int, int[], RandomGenerator, Cache)} to fill;
     * backward on it before a forward throws {@link IllegalStateException}.
     *
     * @return a new, unfilled cache
     */
    public Cache newCache() {
        return new Cache(this);
    }

    /**
     * Scores the tags of a padded batch, without dropout, into a cache the caller owns.
     *
     * @param batch the batch; its padded time-major tokens and lengths are read
     * @param reuse a cache of this tagger to fill, or null for a new one
     * @return {@code reuse} (or the new cache), holding {@link Cache#logits()}
     * @throws IllegalArgumentException if a token is not in {@code [0, V)} or {@code reuse} is another
     *                                  tagger's
     */
    public Cache forward(TokenBatch batch, Cache reuse) {
        if (batch == null) {
            throw new IllegalArgumentException("batch must not be null");
        }
        return forward(batch.tokens(), batch.batchSize(), batch.lengths(), null, reuse);
    }

    /**
     * Scores the tags of every step of a batch of sequences.
     *
     * @param tokens        (T·B) token ids, time-major (entry {@code t·B + b} is step {@code t} of sequence
     *                      {@code b}), any valid id at padded steps; not modified (copied)
     * @param batchSize     {@code B}, at least 1
     * @param lengths       {@code B} lengths in {@code [1, T]}, or null for all {@code T}; not modified
     * @param dropoutRandom random stream of the dropout between stacked layers (training), advanced; null for
     *                      none (inference)
     * @param reuse         a cache of this tagger to fill, whatever it held (its buffers are reused while
     *                      {@code (T, B)} stays the same), or null for a new one
     * @return {@code reuse} (or the new cache), holding {@link Cache#logits()}
     * @throws IllegalArgumentException if {@code tokens} is not {@code T·B} ids for some {@code T ≥ 1}, an id
     *                                  is out of range, a length is wrong, or {@code reuse} is another tagger's
     */
    public Cache forward(int[] tokens, int batchSize, int[] lengths, RandomGenerator dropoutRandom, Cache reuse) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        if (tokens == null || tokens.length == 0 || tokens.length % batchSize != 0) {
            throw new IllegalArgumentException("tokens must hold T·B ids with B = " + batchSize + " and T ≥ 1 but had "
                    + (tokens == null ? "null" : tokens.length + " entries"));
        }
        if (reuse != null && reuse.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another SequenceTagger");
        }
        Cache c = reuse != null ? reuse : newCache();
        c.prepare(tokens.length, batchSize);
        System.arraycopy(tokens, 0, c.tokens, 0, tokens.length);
        embedding.forward(c.tokens, c.x);
        rnn.forward(c.x, batchSize, lengths, null, null, dropoutRandom, c.rnn);
        fc.forward(c.rnn.output(), c.logits);
        c.filled = true;
        return c;
    }

    /**
     * Backward: adds ({@code +=}) into the gradients of every parameter. Consumes the cache.
     *
     * @param cache   a cache filled by this tagger's forward and not yet consumed
     * @param dLogits (T·B, K) gradient of the loss with respect to the logits, e.g. from
     *                {@link org.seq4j.nn.CrossEntropyLoss#backward}; rows of padded steps are ignored; not
     *                modified
     * @throws IllegalArgumentException if the shape is wrong or the cache is another tagger's
     * @throws IllegalStateException    if no forward has filled the cache, or a backward has consumed it
     */
    public void backward(Cache cache, FMatrixRMaj dLogits) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must be one filled by this SequenceTagger's forward");
        }
        if (!cache.filled) {
            throw new IllegalStateException(cache.consumed
                    ? "a backward has already consumed this cache: run forward again before another backward"
                    : "backward needs a forward first: no forward has filled this cache");
        }
        Tensors.checkShape(dLogits, cache.logits.numRows, cache.logits.numCols, "dLogits");
        cache.filled = false;
        cache.consumed = true;
        FMatrixRMaj out = cache.rnn.output();
        fc.backward(out, dLogits, cache.dOutput);                    // dOutput: (T·B, D·H)
        rnn.backward(cache.rnn, cache.dOutput, null, null);
        embedding.backward(cache.tokens, cache.rnn.dx());           // dx: (T·B, I)
    }

    /**
     * Describes the tagger.
     *
     * @return e.g. {@code SequenceTagger(V=60, LSTM, I=16, H=64, L=1, D=2, K=2)}
     */
    @Override
    public String toString() {
        RecurrentConfig c = rnn.config();
        return "SequenceTagger(V=" + embedding.numEmbeddings() + ", " + c.cell() + ", I=" + c.inputSize() + ", H="
                + c.hiddenSize() + ", L=" + c.numLayers() + ", D=" + c.numDirections() + ", K=" + fc.outFeatures()
                + ")";
    }

    /**
     * What a {@link SequenceTagger} forward computed and its backward needs: the tokens, the embedded input,
     * the recurrent layer's cache and the logits. Filled by every forward, consumed by one backward; its
     * buffers are reallocated exactly when the shape {@code (T, B)} changes ({@code data.length} always
     * equals the element count of the matrices it hands out).
     */
    public static final class Cache {

        private final SequenceTagger owner;
        private final RecurrentLayer.Cache rnn;
        private boolean filled;
        private boolean consumed;
        private int batch;
        // tokens: (T·B); x: (T·B, I); logits: (T·B, K); dOutput: (T·B, D·H)
        private int[] tokens = new int[0];
        private FMatrixRMaj x = new FMatrixRMaj(0, 0);
        private FMatrixRMaj logits = new FMatrixRMaj(0, 0);
        private FMatrixRMaj dOutput = new FMatrixRMaj(0, 0);

        private Cache(SequenceTagger owner) {
            this.owner = owner;
            this.rnn = owner.rnn.newCache();
        }

        private void prepare(int rows, int newBatch) {
            filled = false;
            consumed = false;
            batch = newBatch;
            if (tokens.length == rows) {
                return;
            }
            RecurrentConfig config = owner.rnn.config();
            tokens = new int[rows];
            x = new FMatrixRMaj(rows, config.inputSize());
            logits = new FMatrixRMaj(rows, owner.fc.outFeatures());
            dOutput = new FMatrixRMaj(rows, config.outputSize());
        }

        /**
         * The tag scores of every step; padded steps hold the read-out's bias.
         *
         * @return (T·B, K), row {@code t·B + b} for step {@code t} of sequence {@code b}; the live buffer,
         *         overwritten by the next forward with this cache
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj logits() {
            if (!filled && !consumed) {
                throw new IllegalStateException("no forward has filled this cache");
            }
            return logits;
        }

        /**
         * The batch size of the latest forward.
         *
         * @return {@code B}
         */
        public int batchSize() {
            return batch;
        }

        /**
         * The number of steps of the latest forward.
         *
         * @return {@code T}
         */
        public int timeSteps() {
            return batch == 0 ? 0 : tokens.length / batch;
        }
    }
}
