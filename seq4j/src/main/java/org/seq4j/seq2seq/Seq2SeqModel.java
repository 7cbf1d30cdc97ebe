package org.seq4j.seq2seq;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.data.TokenBatch;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.RowArrayMatrix;
import org.seq4j.kernel.WorkerTeam;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.rnn.DirectionBridge;
import org.seq4j.rnn.FrozenRecurrentLayer;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentInit;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.rnn.RecurrentStack;
import org.seq4j.rnn.RecurrentState;
import org.seq4j.tensor.Tensors;

/**
 * An encoder-decoder translator: a recurrent encoder reads the source sentence, a recurrent decoder of the
 * same cell starts from the encoder's final state and writes the target sentence token by token until
 * {@code <eos>}, optionally attending over the encoder's outputs (Luong et al. 2015) with input feeding;
 * without attention, the plain encoder-decoder of Sutskever et al. (2014). Trained with teacher forcing
 * (optionally scheduled sampling); decoded through {@link StepDecoder}.
 *
 * <h2>The model</h2>
 * With the letters of {@link org.seq4j.seq2seq the package} (B sentences, S source and T decoder steps,
 * E embedding, H hidden, L layers, Vs and Vt vocabularies, N real target tokens) and dropout {@code δ}:
 * <pre>
 *   x_s      = δ(src_emb(x))                                   (S·B, E), index 0 = &lt;pad&gt;
 *   h̄, h_N   = encoder(x_s), each sentence over its own length  h̄: (S·B, H), h_N: (L·D·B, H/D)
 *   s_0      = h_N, or for a bidirectional encoder the two directions' final states side by side per
 *              layer (DirectionBridge CONCAT; each direction has H/2 units)     (L·B, H); LSTM: c_0 alike
 *   y_in     = &lt;bos&gt; y_1 … y_n,   y_out = y_1 … y_n &lt;eos&gt;       per sentence, T = max n + 1
 *   d_t      = decoder(δ(tgt_emb(y_in,t)) [; h̃_{t−1}], s_{t−1})  (B, H) per step, δ between layers
 *   h̃_t      = tanh(W_c [c_t; d_t]) with c_t = Σ_s a_ts h̄_s (GlobalAttention), or d_t without attention
 *   z        = out(δ(h̃)) = δ(h̃)·W_outᵀ + b_out                 (N, Vt), the real target positions only
 *   loss     = mean over the N real target tokens of −log softmax(z)[y_out]
 *              (PyTorch's cross_entropy with ignore_index = &lt;pad&gt;: the padded positions are not even computed)
 * </pre>
 * With input feeding ({@code [; h̃_{t−1}]}, {@code h̃_{−1} = 0}; the undropped {@code h̃}) the decoder input
 * is {@code E + H} wide.
 *
 * <h2>Training, backward</h2>
 * {@link #forward} fills a caller-owned {@link TrainingCache}; {@link #backward} walks it back and ADDS
 * ({@code +=}) into every parameter gradient: the loss into {@code out}, through the dropout into
 * {@code h̃}, through the attention into the decoder output and into the memory {@code h̄}, through the
 * decoder into the target embedding and into the initial state {@code s_0} ({@code dh0}, {@code dc0}),
 * through the bridge into the encoder's final state, and with the memory gradient through the encoder into
 * the source embedding. Two execution paths compute the same function:
 * <ul>
 *   <li><b>whole sequences</b> (teacher forcing, no input feeding): the decoder is one
 *       {@link RecurrentLayer} pass over the {@code T·B} inputs, the attention one pass over all
 *       {@code T·B} queries ({@link GlobalAttention#forward});</li>
 *   <li><b>step by step</b> (input feeding, or a teacher-forcing ratio below 1): a {@link RecurrentStack}
 *       over the same weights, one step and one {@link GlobalAttention#forwardStep} at a time. With ratio
 *       {@code r < 1} (scheduled sampling, Bengio et al. 2015) the input token of row b at step t ≥ 1 is
 *       the reference {@code y_t} with probability r, else the model's own argmax at step t − 1 (drawn
 *       from the random stream, one draw per row and step); no gradient flows through that choice.</li>
 * </ul>
 * The output layer, the largest product ({@code N·H·Vt}), runs only on the N real target positions.
 *
 * <h2>Decoding</h2>
 * As a {@link StepDecoder}: {@link #start} encodes a batch of sources once (and the attention keys);
 * {@link #step} advances all R rows with one product per layer, one attention product per run of rows of
 * the same sentence, and one output product; {@link #select} gathers the recurrent state's rows in place
 * ({@link RecurrentState#reorder}, or {@link RecurrentState#select} when R changes) with the per-row
 * sentence index, so that beams share their sentence's memory instead of copying it. No dropout.
 *
 * <h2>Parameters</h2>
 * PyTorch's names, as the reference model ({@code torch_seq2seq.py}) registers them, so that
 * {@link org.seq4j.nn.StateDict} loads a PyTorch-saved model: {@code src_emb.weight}, {@code tgt_emb.weight},
 * {@code encoder.weight_ih_l0}, … ({@code _reverse} for the second direction), {@code decoder.…},
 * {@code w_a.weight}, {@code v_a.weight}, {@code w_c.weight} (as {@link GlobalAttention} has them),
 * {@code out.weight}, {@code out.bias}. Initialised as PyTorch initialises them (embeddings {@code N(0, 1)}
 * with the padding row 0, recurrent and linear weights {@code U(±1/√fan_in)}).
 *
 * <h2>Special tokens</h2>
 * Both vocabularies number {@code <pad>} 0; the target vocabulary numbers {@code <bos>} 1 and {@code <eos>}
 * 2 ({@link #PAD_INDEX}, {@link #BOS_INDEX}, {@link #EOS_INDEX}): the order of
 * {@link org.seq4j.text.SpecialToken}, so a {@link org.seq4j.text.WordVocabulary} built with the specials
 * {@code PAD, BOS, EOS, UNK} fits.
 *
 * <h2>API</h2>
 * <pre>
 *   Seq2SeqModel(Seq2SeqConfig config, long seed)
 *   Seq2SeqConfig config()     Parameters parameters()
 *   TrainingCache newTrainingCache()
 *   TrainingCache forward(TokenBatch sources, TokenBatch targets, double teacherForcing,
 *                         RandomGenerator random, TrainingCache reuse)        // random null: no dropout
 *   void backward(TrainingCache cache)
 *   TrainingCache: loss(), targetTokens(), sourceTokens(), batchSize()
 *   StepDecoder: start(List&lt;int[]&gt;), step(State, int[], FMatrixRMaj), select(State, int[]),
 *                lastAttention(State), targetVocabularySize(), bosIndex(), eosIndex()
 * </pre>
 * Not thread-safe (backward adds into shared gradients); decoding states of one model may be stepped one
 * after another, not concurrently.
 */
public final class Seq2SeqModel implements StepDecoder, Module {

    /** Below this many floats ({@code H·V}) {@code W_outᵀ} is copied on the calling thread. */
    private static final long TRANSPOSE_PARALLEL_MIN = 1L << 18;

    /** The index of {@code <pad>} in both vocabularies. */
    public static final int PAD_INDEX = 0;
    /** The index of {@code <bos>} in the target vocabulary. */
    public static final int BOS_INDEX = 1;
    /** The index of {@code <eos>} in the target vocabulary. */
    public static final int EOS_INDEX = 2;

    private final Seq2SeqConfig config;
    private final Embedding sourceEmbedding;
    private final Embedding targetEmbedding;
    private final RecurrentLayer encoder;
    /** Both directions' final states side by side (bidirectional encoders only). */
    private final DirectionBridge bridge;
    private final RecurrentLayer decoder;
    /** The decoder's cells stepped one at a time (shares the decoder's parameters). */
    private final RecurrentStack decoderSteps;
    private final GlobalAttention attention;
    private final Linear output;
    private final Parameter outputBias;
    private final Parameters parameters = new Parameters();

    /**
     * Creates a model initialised as PyTorch initialises the reference, from one seeded stream, module by
     * module in registration order.
     *
     * @param config the configuration
     * @param seed   seed of the initialisation
     * @throws IllegalArgumentException if the configuration is null
     */
    public Seq2SeqModel(Seq2SeqConfig config, long seed) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.config = config;
        SplittableRandom random = new SplittableRandom(seed);
        int e = config.embeddingSize();
        int h = config.hiddenSize();
        int layers = config.numLayers();
        sourceEmbedding = new Embedding(config.sourceVocabularySize(), e, PAD_INDEX, random);
        targetEmbedding = new Embedding(config.targetVocabularySize(), e, PAD_INDEX, random);
        encoder = new RecurrentLayer(RecurrentConfig.of(config.cell(), e, config.encoderHiddenSize())
                .withNumLayers(layers).withBidirectional(config.bidirectional()).withDropout(config.dropout()),
                RecurrentInit.pytorchDefault(), random);
        bridge = config.bidirectional() ? DirectionBridge.concat(layers, config.encoderHiddenSize()) : null;
        decoder = new RecurrentLayer(RecurrentConfig.of(config.cell(), config.decoderInputSize(), h)
                .withNumLayers(layers).withDropout(config.dropout()), RecurrentInit.pytorchDefault(), random);
        decoderSteps = new RecurrentStack(decoder);
        attention = config.attention().score().map(s -> new GlobalAttention(s, h, random)).orElse(null);
        output = new Linear(h, config.targetVocabularySize(), random);
        outputBias = output.bias().orElseThrow();
        parameters.addAll("src_emb.", sourceEmbedding.parameters())
                .addAll("tgt_emb.", targetEmbedding.parameters())
                .addAll("encoder.", encoder.parameters())
                .addAll("decoder.", decoder.parameters());
        if (attention != null) {
            parameters.addAll("", attention.parameters());
        }
        parameters.addAll("out.", output.parameters());
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public Seq2SeqConfig config() {
        return config;
    }

    /**
     * The parameters, in the reference's {@code state_dict} order (see the class documentation).
     *
     * @return the registry
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /**
     * Describes the model.
     *
     * @return e.g. {@code Seq2SeqModel(GRU, L=1, E=256, H=256, GENERAL, Vs=5000, Vt=6000, 5.3M parameters)}
     */
    @Override
    public String toString() {
        return "Seq2SeqModel(" + config.cell() + ", L=" + config.numLayers()
                + (config.bidirectional() ? ", bidirectional" : "") + ", E=" + config.embeddingSize()
                + ", H=" + config.hiddenSize() + ", " + config.attention()
                + (config.inputFeeding() ? ", input feeding" : "") + ", dropout=" + config.dropout()
                + ", Vs=" + config.sourceVocabularySize() + ", Vt=" + config.targetVocabularySize()
                + String.format(java.util.Locale.ROOT, ", %.1fM parameters)", parameters.numElements() / 1e6);
    }

    // ----------------------------------------------------------------------------------------------
    // Training

    /**
     * Creates an empty cache for {@link #forward}'s {@code reuse} argument.
     *
     * @return a new cache of this model
     */
    public TrainingCache newTrainingCache() {
        return new TrainingCache(this);
    }

    /**
     * Runs the model on a batch of sentence pairs with teacher forcing and computes the loss.
     *
     * @param sources        the source sentences (source vocabulary), time-major; not modified
     * @param targets        the target sentences, as many, in the same order, without {@code <bos>} and
     *                       {@code <eos>} (the model adds them); not modified
     * @param teacherForcing the probability in {@code [0, 1]} of feeding the reference token at a step
     *                       (1: teacher forcing; below 1: scheduled sampling, step by step)
     * @param random         the stream of the dropout masks and of the sampling draws, advanced; null for
     *                       evaluation (no dropout; {@code teacherForcing} must then be 1)
     * @param reuse          a cache of this model to fill, or null for a new one
     * @return the cache filled: {@link TrainingCache#loss()} and what {@link #backward} needs
     * @throws IllegalArgumentException if the batches differ in size, a token is outside its vocabulary,
     *                                  the ratio is out of range (or below 1 without a random stream), or
     *                                  the cache belongs to another model
     */
    public TrainingCache forward(TokenBatch sources, TokenBatch targets, double teacherForcing,
                                 RandomGenerator random, TrainingCache reuse) {
        if (sources == null || targets == null) {
            throw new IllegalArgumentException("sources and targets must not be null");
        }
        if (sources.batchSize() != targets.batchSize()) {
            throw new IllegalArgumentException("sources and targets must hold as many sentences but held "
                    + sources.batchSize() + " and " + targets.batchSize());
        }
        TrainingCache c = checkCache(reuse);
        checkRatio(teacherForcing, random);
        c.fill(sources, targets);
        return run(c, teacherForcing, random, false);
    }

    /**
     * The same for the sentence pairs {@code examples[i]} of a data set, without building token batches
     * (the trainer's allocation-free path).
     */
    TrainingCache forward(int[][] sources, int[][] targets, int[] examples, double teacherForcing,
                          RandomGenerator random, TrainingCache reuse) {
        TrainingCache c = checkCache(reuse);
        checkRatio(teacherForcing, random);
        c.fill(sources, targets, examples);
        return run(c, teacherForcing, random, false);
    }

    /** For tests: the forward of a token batch through the step-by-step path even where it is not needed. */
    TrainingCache forwardStepByStep(TokenBatch sources, TokenBatch targets, RandomGenerator random,
                                    TrainingCache reuse) {
        TrainingCache c = checkCache(reuse);
        c.fill(sources, targets);
        return run(c, 1.0, random, true);
    }

    private TrainingCache checkCache(TrainingCache reuse) {
        TrainingCache c = reuse != null ? reuse : new TrainingCache(this);
        if (c.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another Seq2SeqModel");
        }
        return c;
    }

    private static void checkRatio(double teacherForcing, RandomGenerator random) {
        if (!(teacherForcing >= 0 && teacherForcing <= 1)) {
            throw new IllegalArgumentException("teacherForcing must be in [0, 1] but was " + teacherForcing);
        }
        if (teacherForcing < 1 && random == null) {
            throw new IllegalArgumentException("a teacher-forcing ratio below 1 draws from a random stream, "
                    + "but random is null");
        }
    }

    /** The forward of a filled batch. */
    private TrainingCache run(TrainingCache c, double teacherForcing, RandomGenerator random, boolean forceSteps) {
        c.stage = TrainingCache.Stage.EMPTY;
        int batch = c.batch;
        int e = config.embeddingSize();
        boolean drop = random != null && config.dropout() > 0f;
        c.dropping = drop;
        c.stepByStep = forceSteps || config.inputFeeding() || teacherForcing < 1;
        checkTokens(c);

        // encoder: x_s = δ(src_emb(x)), h̄ and the final states
        c.sourceEmbedded.reshape(c.sourceSteps * batch, e);
        sourceEmbedding.forward(c.sourceTokens, c.sourceEmbedded);
        FMatrixRMaj encoderInput = c.sourceEmbedded;
        if (drop) {
            c.sourceDropped.reshape(c.sourceSteps * batch, e);
            c.sourceMask = grow(c.sourceMask, c.sourceSteps * batch * e);
            dropout(random, c.sourceEmbedded.data, c.sourceMask, 0, c.sourceDropped.data, 0,
                    c.sourceSteps * batch * e);
            encoderInput = c.sourceDropped;
        }
        c.encoder = encoder.forward(encoderInput, batch, c.sourceLengths, null, null, random, c.encoder);
        boolean lstm = config.cell().hasCellState();
        FMatrixRMaj h0 = c.encoder.finalHidden();
        FMatrixRMaj c0 = lstm ? c.encoder.finalCellState() : null;
        if (bridge != null) {
            c.bridgeHidden = bridge.forward(h0, c.bridgeHidden);
            h0 = c.bridgeHidden.output();
            if (lstm) {
                c.bridgeCell = bridge.forward(c0, c.bridgeCell);
                c0 = c.bridgeCell.output();
            }
        }
        if (attention != null) {
            c.memory = attention.prepare(c.encoder.output(), batch, c.sourceLengths, c.memory);
        }

        // decoder, then the output layer on the N real target positions
        c.hidden.reshape(c.tokens, config.hiddenSize());
        c.logits.reshape(c.tokens, config.targetVocabularySize());
        c.outputInput = c.hidden;
        if (drop) {
            c.hiddenDropped.reshape(c.tokens, config.hiddenSize());
            c.hiddenMask = grow(c.hiddenMask, c.tokens * config.hiddenSize());
            c.outputInput = c.hiddenDropped;
        }
        boolean outputDone;
        if (c.stepByStep) {
            outputDone = decodeStepByStep(c, h0, c0, teacherForcing, random);
        } else {
            decodeWholeSequences(c, h0, c0, random);
            outputDone = false;
        }
        if (!outputDone) {
            outputRows(c, 0, c.tokens, random);
        }
        c.probabilities.reshape(c.tokens, config.targetVocabularySize());
        c.lossValue = c.crossEntropy.forward(c.logits, c.targets, c.tokens, c.probabilities);
        c.stage = TrainingCache.Stage.FILLED;
        return c;
    }

    private void checkTokens(TrainingCache c) {
        checkRange(c.sourceTokens, config.sourceVocabularySize(), "source");
        checkRange(c.inputTokens, config.targetVocabularySize(), "target");
    }

    private static void checkRange(int[] tokens, int size, String side) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= size) {
                throw new IllegalArgumentException("a " + side + " token must be in [0, " + size + ") but was "
                        + tokens[i]);
            }
        }
    }

    /** Teacher forcing without input feeding: one decoder pass and one attention pass over all steps. */
    private void decodeWholeSequences(TrainingCache c, FMatrixRMaj h0, FMatrixRMaj c0, RandomGenerator random) {
        int batch = c.batch;
        int e = config.embeddingSize();
        int h = config.hiddenSize();
        int rows = c.steps * batch;
        c.targetEmbedded.reshape(rows, e);
        targetEmbedding.forward(c.inputTokens, c.targetEmbedded);
        FMatrixRMaj decoderInput = c.targetEmbedded;
        if (c.dropping) {
            c.targetDropped.reshape(rows, e);
            c.targetMask = grow(c.targetMask, rows * e);
            dropout(random, c.targetEmbedded.data, c.targetMask, 0, c.targetDropped.data, 0, rows * e);
            decoderInput = c.targetDropped;
        }
        c.decoder = decoder.forward(decoderInput, batch, c.inputLengths, h0, c0, random, c.decoder);
        FMatrixRMaj top = c.decoder.output();
        if (attention != null) {
            c.attended = attention.forward(top, c.inputLengths, c.memory, c.attended);
            top = c.attended.attentional();
        }
        // hidden (N, H): the rows of the real positions, time-major order
        for (int n = 0; n < c.tokens; n++) {
            System.arraycopy(top.data, c.compactRow[n] * h, c.hidden.data, n * h, h);
        }
    }

    /**
     * Input feeding or scheduled sampling: one decoder step and one attention step at a time. Returns
     * whether the output layer has run (it runs per step when sampling needs the argmax).
     */
    private boolean decodeStepByStep(TrainingCache c, FMatrixRMaj h0, FMatrixRMaj c0, double teacherForcing,
                                     RandomGenerator random) {
        int batch = c.batch;
        int e = config.embeddingSize();
        int h = config.hiddenSize();
        int in = config.decoderInputSize();
        int steps = c.steps;
        boolean sampling = teacherForcing < 1;
        c.growSteps(steps);
        c.stepEmbedded.reshape(batch, e);
        c.stepInput.reshape(batch, in);
        if (c.dropping) {
            c.targetMask = grow(c.targetMask, steps * batch * e);
        }
        c.predicted = grow(c.predicted, batch);
        FMatrixRMaj hPrev = h0;
        FMatrixRMaj cPrev = c0;
        float[] x = c.stepInput.data;
        for (int t = 0; t < steps; t++) {
            int[] tokens = c.stepTokens[t];
            for (int b = 0; b < batch; b++) {
                int reference = c.inputTokens[t * batch + b];
                boolean teacher = t == 0 || !sampling || random.nextDouble() < teacherForcing;
                tokens[b] = teacher || t >= c.inputLengths[b] ? reference : c.predicted[b];
            }
            // x_t = [δ(tgt_emb(y_t)) | h̃_{t−1}]
            targetEmbedding.forward(tokens, c.stepEmbedded);
            if (c.dropping) {
                dropout(random, c.stepEmbedded.data, c.targetMask, t * batch * e, c.stepEmbedded.data, 0,
                        batch * e);
            }
            for (int b = 0; b < batch; b++) {
                System.arraycopy(c.stepEmbedded.data, b * e, x, b * in, e);
            }
            if (config.inputFeeding()) {
                float[] feed = t == 0 ? null : c.attendedSteps[t - 1].attentional().data;
                for (int b = 0; b < batch; b++) {
                    if (feed == null) {
                        Arrays.fill(x, b * in + e, (b + 1) * in, 0f);
                    } else {
                        System.arraycopy(feed, b * h, x, b * in + e, h);
                    }
                }
            }
            c.stackSteps[t] = decoderSteps.forward(c.stepInput, hPrev, cPrev, random, c.stackSteps[t]);
            hPrev = c.stackSteps[t].hidden();
            cPrev = c.stackSteps[t].cellState();
            FMatrixRMaj top = c.stackSteps[t].output();
            if (attention != null) {
                c.attendedSteps[t] = attention.forwardStep(top, null, c.memory, c.attendedSteps[t]);
                top = c.attendedSteps[t].attentional();
            }
            int from = c.stepStart[t];
            int to = c.stepStart[t + 1];
            for (int n = from; n < to; n++) {
                int b = c.compactRow[n] - t * batch;
                System.arraycopy(top.data, b * h, c.hidden.data, n * h, h);
            }
            if (sampling) {
                outputRows(c, from, to, random);
                int v = config.targetVocabularySize();
                for (int n = from; n < to; n++) {
                    c.predicted[c.compactRow[n] - t * batch] = argmax(c.logits.data, n * v, v);
                }
            }
        }
        return sampling;
    }

    /** logits rows [from, to) = δ(hidden rows)·W_outᵀ + b_out, drawing the dropout masks of those rows. */
    private void outputRows(TrainingCache c, int from, int to, RandomGenerator random) {
        int h = config.hiddenSize();
        int v = config.targetVocabularySize();
        if (c.dropping) {
            dropout(random, c.hidden.data, c.hiddenMask, from * h, c.hiddenDropped.data, from * h, (to - from) * h);
        }
        float[] logits = c.logits.data;
        Gemm.sgemm(false, true, to - from, v, h, c.outputInput.data, from * h, h, output.weight().value().data, 0,
                h, false, logits, from * v, v);
        float[] bias = outputBias.value().data;
        for (int n = from; n < to; n++) {
            int row = n * v;
            for (int j = 0; j < v; j++) {
                logits[row + j] += bias[j];
            }
        }
    }

    private static int argmax(float[] a, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (a[off + j] > a[off + best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * Inverted dropout over n elements, as {@link org.seq4j.nn.Dropout#apply} draws it (one
     * {@code nextFloat} per element in order, 0 below p, else {@code 1/(1 − p)}), with offsets:
     * {@code mask[maskOff + i]}, {@code y[off + i] = x[off + i]·mask[maskOff + i]}; y may be x.
     */
    private void dropout(RandomGenerator random, float[] x, float[] mask, int maskOff, float[] y, int off, int n) {
        float p = config.dropout();
        float keep = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            float m = random.nextFloat() < p ? 0f : keep;
            mask[maskOff + i] = m;
            y[off + i] = x[off + i] * m;
        }
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    private static int[] grow(int[] a, int n) {
        return a.length >= n ? a : new int[n];
    }

    /**
     * Backpropagates the loss of {@link #forward} ({@code ∂loss/∂loss = 1}) through the whole model, ADDING
     * ({@code +=}) into every parameter's gradient (see the class documentation). Consumes the cache.
     *
     * @param cache a cache filled by this model's forward and not yet consumed
     * @throws IllegalArgumentException if the cache belongs to another model
     * @throws IllegalStateException    if the cache was not filled or was already consumed
     */
    public void backward(TrainingCache cache) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must come from this model's forward");
        }
        if (cache.stage != TrainingCache.Stage.FILLED) {
            throw new IllegalStateException(cache.stage == TrainingCache.Stage.CONSUMED
                    ? "a backward has already consumed this cache: run forward again"
                    : "backward needs a forward first");
        }
        TrainingCache c = cache;
        c.stage = TrainingCache.Stage.CONSUMED;
        int batch = c.batch;
        int h = config.hiddenSize();
        int e = config.embeddingSize();
        // dz (N, Vt) in place of the probabilities; dδ(h̃) (N, H) = dz·W_out, and dW_out, db_out (+=)
        c.crossEntropy.backward(c.probabilities, c.targets, c.tokens);
        c.dHidden.reshape(c.tokens, h);
        output.backward(c.outputInput, c.probabilities, c.dHidden);
        if (c.dropping) {
            float[] d = c.dHidden.data;
            for (int i = 0, n = c.tokens * h; i < n; i++) {
                d[i] *= c.hiddenMask[i];
            }
        }
        if (attention != null) {
            c.dMemory.reshape(c.sourceSteps * batch, h);
            Arrays.fill(c.dMemory.data, 0, c.sourceSteps * batch * h, 0f);
        }
        FMatrixRMaj dh0;
        FMatrixRMaj dc0;
        if (c.stepByStep) {
            backwardStepByStep(c);
            dh0 = c.stackSteps[0].dhPrev();
            dc0 = c.stackSteps[0].dcPrev();
        } else {
            backwardWholeSequences(c);
            dh0 = c.decoder.dh0();
            dc0 = config.cell().hasCellState() ? c.decoder.dc0() : null;
        }
        if (attention != null) {
            attention.backwardMemory(c.memory, c.dMemory);
        }
        // into the encoder: its final state through the bridge, its outputs through the attention
        FMatrixRMaj dhN = dh0;
        FMatrixRMaj dcN = dc0;
        if (bridge != null) {
            bridge.backward(c.bridgeHidden, dh0);
            dhN = c.bridgeHidden.dEncoderState();
            if (dc0 != null) {
                bridge.backward(c.bridgeCell, dc0);
                dcN = c.bridgeCell.dEncoderState();
            }
        }
        encoder.backward(c.encoder, attention != null ? c.dMemory : null, dhN, dcN);
        FMatrixRMaj dSource = c.encoder.dx();
        if (c.dropping) {
            float[] d = dSource.data;
            for (int i = 0, n = c.sourceSteps * batch * e; i < n; i++) {
                d[i] *= c.sourceMask[i];
            }
        }
        sourceEmbedding.backward(c.sourceTokens, dSource);
    }

    private void backwardWholeSequences(TrainingCache c) {
        int batch = c.batch;
        int h = config.hiddenSize();
        int e = config.embeddingSize();
        int rows = c.steps * batch;
        // dTop (T·B, H): the real positions' rows of dh̃, zero elsewhere
        c.dTop.reshape(rows, h);
        Arrays.fill(c.dTop.data, 0, rows * h, 0f);
        for (int n = 0; n < c.tokens; n++) {
            System.arraycopy(c.dHidden.data, n * h, c.dTop.data, c.compactRow[n] * h, h);
        }
        FMatrixRMaj dDecoderOutput = c.dTop;
        if (attention != null) {
            attention.backward(c.attended, c.dTop, c.dMemory);
            dDecoderOutput = c.attended.dQuery();
        }
        decoder.backward(c.decoder, dDecoderOutput, null, null);
        FMatrixRMaj dx = c.decoder.dx();
        if (c.dropping) {
            float[] d = dx.data;
            for (int i = 0, n = rows * e; i < n; i++) {
                d[i] *= c.targetMask[i];
            }
        }
        targetEmbedding.backward(c.inputTokens, dx);
    }

    private void backwardStepByStep(TrainingCache c) {
        int batch = c.batch;
        int h = config.hiddenSize();
        int e = config.embeddingSize();
        int in = config.decoderInputSize();
        c.dTop.reshape(batch, h);
        c.dFeed.reshape(batch, h);
        c.dStepEmbedded.reshape(batch, e);
        Arrays.fill(c.dFeed.data, 0, batch * h, 0f);
        FMatrixRMaj dhNext = null;
        FMatrixRMaj dcNext = null;
        float[] dTop = c.dTop.data;
        for (int t = c.steps - 1; t >= 0; t--) {
            // dh̃_t (B, H): from the output layer at the real positions, and from step t+1's input
            if (config.inputFeeding()) {
                System.arraycopy(c.dFeed.data, 0, dTop, 0, batch * h);
            } else {
                Arrays.fill(dTop, 0, batch * h, 0f);
            }
            for (int n = c.stepStart[t]; n < c.stepStart[t + 1]; n++) {
                int b = c.compactRow[n] - t * batch;
                for (int j = 0; j < h; j++) {
                    dTop[b * h + j] += c.dHidden.data[n * h + j];
                }
            }
            FMatrixRMaj dOut = c.dTop;
            if (attention != null) {
                attention.backward(c.attendedSteps[t], c.dTop, c.dMemory);
                dOut = c.attendedSteps[t].dQuery();
            }
            decoderSteps.backward(c.stackSteps[t], dOut, dhNext, dcNext);
            float[] dx = c.stackSteps[t].dx().data;
            float[] dEmb = c.dStepEmbedded.data;
            for (int b = 0; b < batch; b++) {
                System.arraycopy(dx, b * in, dEmb, b * e, e);
                if (config.inputFeeding()) {
                    System.arraycopy(dx, b * in + e, c.dFeed.data, b * h, h);
                }
            }
            if (c.dropping) {
                int off = t * batch * e;
                for (int i = 0, n = batch * e; i < n; i++) {
                    dEmb[i] *= c.targetMask[off + i];
                }
            }
            targetEmbedding.backward(c.stepTokens[t], c.dStepEmbedded);
            dhNext = c.stackSteps[t].dhPrev();
            dcNext = c.stackSteps[t].dcPrev();
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Decoding (StepDecoder)

    /**
     * {@inheritDoc}
     *
     * @return Vt
     */
    @Override
    public int targetVocabularySize() {
        return config.targetVocabularySize();
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link #BOS_INDEX}
     */
    @Override
    public int bosIndex() {
        return BOS_INDEX;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link #EOS_INDEX}
     */
    @Override
    public int eosIndex() {
        return EOS_INDEX;
    }

    /**
     * {@inheritDoc} Runs the encoder once over the batch (no dropout), computes the attention keys, and
     * starts the decoder from the encoder's (bridged) final state. The state keeps copies of the decoder's
     * weights and of {@code W_out}, transposed, for its steps: the kernels read a plain operand in place,
     * whereas products with {@code Wᵀ} gather the weight into packed strips at every step (for the output
     * weight, a third of the time of a greedy step). So a state decodes with the parameters as they were at
     * its start, and every step costs the same arithmetic as before, with the same results bit for bit.
     */
    @Override
    public State start(List<int[]> sources) {
        if (sources == null || sources.isEmpty()) {
            throw new IllegalArgumentException("sources must hold at least one sentence");
        }
        int batch = sources.size();
        int[] lengths = new int[batch];
        int steps = 0;
        for (int b = 0; b < batch; b++) {
            int[] s = sources.get(b);
            if (s == null || s.length == 0) {
                throw new IllegalArgumentException("source sentence " + b + " must hold at least one token but "
                        + (s == null ? "was null" : "was empty"));
            }
            for (int i = 0; i < s.length; i++) {
                if (s[i] < 0 || s[i] >= config.sourceVocabularySize()) {
                    throw new IllegalArgumentException("source sentence " + b + " token " + i + " must be in [0, "
                            + config.sourceVocabularySize() + ") but was " + s[i]);
                }
            }
            lengths[b] = s.length;
            steps = Math.max(steps, s.length);
        }
        int[] tokens = new int[steps * batch];
        for (int b = 0; b < batch; b++) {
            int[] s = sources.get(b);
            for (int t = 0; t < s.length; t++) {
                tokens[t * batch + b] = s[t];
            }
        }
        FMatrixRMaj x = new FMatrixRMaj(steps * batch, config.embeddingSize());
        sourceEmbedding.forward(tokens, x);
        RecurrentLayer.Cache encoded = encoder.forward(x, batch, lengths, null, null, null, null);
        boolean lstm = config.cell().hasCellState();
        FMatrixRMaj h0 = encoded.finalHidden();
        FMatrixRMaj c0 = lstm ? encoded.finalCellState() : null;
        if (bridge != null) {
            h0 = bridge.forward(h0).output();
            c0 = lstm ? bridge.forward(c0).output() : null;
        }
        DecodingState state = new DecodingState(this, batch, steps);
        state.frozenDecoder = decoder.freeze();
        transposeOutputWeight(state.outputWeightT);
        state.recurrent = decoder.newState(batch);
        state.recurrent.setTo(h0, c0);
        if (attention != null) {
            state.memory = attention.prepare(encoded.output(), batch, lengths, null);
        }
        return state;
    }

    /**
     * {@code W_outᵀ} (H, V) into {@code target}, the vocabulary's rows split over the worker team when
     * there is more than one thread (the copy is a strided walk over {@code H·V} floats, at every start).
     */
    private void transposeOutputWeight(float[] target) {
        float[] w = output.weight().value().data;
        int h = config.hiddenSize();
        int v = config.targetVocabularySize();
        if (Gemm.threads() > 1 && (long) h * v >= TRANSPOSE_PARALLEL_MIN) {
            WorkerTeam team = WorkerTeam.shared();
            int parts = team.size();
            team.run(part -> {
                // 8-row groups, so that the parts write disjoint runs of 8 floats per destination row
                int groups = (v + 7) / 8;
                int from = Math.min(v, (int) ((long) groups * part / parts) * 8);
                int to = Math.min(v, (int) ((long) groups * (part + 1) / parts) * 8);
                RowArrayMatrix.transposeRowsInto(w, 0, h, from, to - from, target, from, v);
            });
        } else {
            RowArrayMatrix.transposeRowsInto(w, 0, h, 0, v, target, 0, v);
        }
    }

    /**
     * {@inheritDoc} Per decoder layer two products over all rows, then the attention and one output product,
     * from the weights copied by {@link #start}.
     */
    @Override
    public void step(State state, int[] previous, FMatrixRMaj logProbabilities) {
        DecodingState s = checkState(state);
        if (previous == null || previous.length != s.rows) {
            throw new IllegalArgumentException("previous must hold R = " + s.rows + " tokens but held "
                    + (previous == null ? "null" : previous.length));
        }
        if (logProbabilities == null) {
            throw new IllegalArgumentException("logProbabilities must not be null");
        }
        int v = config.targetVocabularySize();
        for (int r = 0; r < previous.length; r++) {
            if (previous[r] < 0 || previous[r] >= v) {
                throw new IllegalArgumentException("previous[" + r + "] must be in [0, " + v + ") but was "
                        + previous[r]);
            }
        }
        int rows = s.rows;
        logProbabilities.reshape(rows, v);
        s.stepped = true;
        if (rows == 0) {
            s.weights.reshape(0, s.sourceSteps);
            return;
        }
        int e = config.embeddingSize();
        int h = config.hiddenSize();
        s.embedded.reshape(rows, e);
        targetEmbedding.forward(previous, s.embedded);
        FMatrixRMaj x = s.embedded;
        if (config.inputFeeding()) {
            int in = config.decoderInputSize();
            s.input.reshape(rows, in);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(s.embedded.data, r * e, s.input.data, r * in, e);
                System.arraycopy(s.feed.data, r * h, s.input.data, r * in + e, h);
            }
            x = s.input;
        }
        s.top.reshape(rows, h);
        s.frozenDecoder.step(x, s.recurrent, s.top);
        FMatrixRMaj top = s.top;
        if (attention != null) {
            s.attended = attention.forwardStep(s.top, s.rowSentence, s.memory, s.attended);
            top = s.attended.attentional();
            s.weights.setTo(s.attended.weights());
            if (config.inputFeeding()) {
                s.feed.setTo(top);
            }
        }
        // logits = top·W_outᵀ + b_out, from the state's copy of W_outᵀ; the bias is added row by row by
        // the log-softmax, while the row is in the cache
        float[] logits = logProbabilities.data;
        Gemm.sgemm(false, false, rows, v, h, top.data, 0, h, s.outputWeightT, 0, v, false, logits, 0, v);
        s.logSoftmax.apply(logProbabilities, outputBias.value().data);
    }

    /** {@inheritDoc} The recurrent state is gathered in place while R stays the same. */
    @Override
    public void select(State state, int[] rows) {
        DecodingState s = checkState(state);
        if (rows == null) {
            throw new IllegalArgumentException("rows must not be null");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= s.rows) {
                throw new IllegalArgumentException("rows[" + i + "] must be in [0, " + s.rows + ") but was "
                        + rows[i]);
            }
        }
        int selected = rows.length;
        if (selected == 0) {
            s.recurrent = null;
        } else if (selected == s.rows) {
            s.recurrent.reorder(rows);
        } else {
            s.recurrent = s.recurrent.select(rows);
        }
        int[] sentences = selected == s.rows ? s.rowScratch : new int[selected];
        for (int i = 0; i < selected; i++) {
            sentences[i] = s.rowSentence[rows[i]];
        }
        s.rowScratch = s.rowSentence;
        s.rowSentence = sentences;
        if (s.rowScratch.length != selected) {
            s.rowScratch = new int[selected];
        }
        if (config.inputFeeding()) {
            gatherRows(s.feed, rows, s);
        }
        if (attention != null && s.stepped) {
            gatherRows(s.weights, rows, s);
        }
        s.rows = selected;
    }

    /** m (R, C) ← its rows {@code rows}, (R', C), through the state's scratch. */
    private static void gatherRows(FMatrixRMaj m, int[] rows, DecodingState s) {
        int cols = m.numCols;
        s.scratch.reshape(rows.length, cols);
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(m.data, rows[i] * cols, s.scratch.data, i * cols, cols);
        }
        m.reshape(rows.length, cols);
        System.arraycopy(s.scratch.data, 0, m.data, 0, rows.length * cols);
    }

    /** {@inheritDoc} */
    @Override
    public Optional<FMatrixRMaj> lastAttention(State state) {
        DecodingState s = checkState(state);
        return attention != null && s.stepped ? Optional.of(s.weights) : Optional.empty();
    }

    private DecodingState checkState(State state) {
        if (!(state instanceof DecodingState s) || s.owner != this) {
            throw new IllegalArgumentException("the state must come from this model's start");
        }
        return s;
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * The log-softmax of a step's (R, V) logits plus a (V) bias, in place, row by row, the rows shared out
     * over the worker team when there are enough of them: each row is computed alone, so the result does not
     * depend on the threads.
     */
    static final class LogSoftmaxRows implements WorkerTeam.Task {

        /** Below this many logits the rows run on the calling thread. */
        private static final long PARALLEL_MIN_LOGITS = 1L << 16;

        private FMatrixRMaj logits;
        private float[] bias;
        private int parts;
        /** scratch[part]: the exponentials of one row, at least V floats; grown, never shrunk. */
        private float[][] scratch = new float[0][];

        /**
         * Adds the bias to every row and takes the row's log-softmax, in place.
         *
         * @param m    (R, V) the logits without bias; overwritten with the log-softmax of {@code m + bias}
         * @param bias (V) added to every row; not modified
         */
        void apply(FMatrixRMaj m, float[] bias) {
            logits = m;
            this.bias = bias;
            if (Gemm.threads() > 1 && (long) m.numRows * m.numCols >= PARALLEL_MIN_LOGITS) {
                WorkerTeam team = WorkerTeam.shared();
                parts = team.size();
                ensureScratch(parts, m.numCols);
                team.run(this);
            } else {
                ensureScratch(1, m.numCols);
                parts = 1;
                run(0);
            }
            logits = null;
            bias = null;
        }

        /** Rows [part·R/parts, (part + 1)·R/parts). */
        @Override
        public void run(int part) {
            int rows = logits.numRows;
            int v = logits.numCols;
            int from = (int) ((long) rows * part / parts);
            int to = (int) ((long) rows * (part + 1) / parts);
            float[] z = logits.data;
            for (int r = from; r < to; r++) {
                int row = r * v;
                for (int j = 0; j < v; j++) {
                    z[row + j] += bias[j];
                }
                RowSoftmax.logSoftmaxInPlace(z, row, v, scratch[part]);
            }
        }

        private void ensureScratch(int count, int v) {
            if (scratch.length < count) {
                scratch = Arrays.copyOf(scratch, count);
            }
            for (int p = 0; p < count; p++) {
                if (scratch[p] == null || scratch[p].length < v) {
                    scratch[p] = new float[v];
                }
            }
        }
    }

    /** The rows being decoded by a {@link Seq2SeqModel}. */
    static final class DecodingState implements State {

        final Seq2SeqModel owner;
        final int sentences;
        final int sourceSteps;
        int rows;
        /** rowSentence[r]: the source sentence of row r (exactly R entries). */
        int[] rowSentence;
        int[] rowScratch;
        RecurrentState recurrent;
        GlobalAttention.Memory memory;
        GlobalAttention.Cache attended;
        boolean stepped;
        // feed (R, H): h̃ of the latest step (input feeding); weights (R, S): its attention
        final FMatrixRMaj feed;
        final FMatrixRMaj weights;
        // scratch: embedded (R, E), input (R, E + H), top (R, H), scratch (gathers)
        final FMatrixRMaj embedded = new FMatrixRMaj(1, 1);
        final FMatrixRMaj input = new FMatrixRMaj(1, 1);
        final FMatrixRMaj top = new FMatrixRMaj(1, 1);
        final FMatrixRMaj scratch = new FMatrixRMaj(1, 1);
        /** The decoder's weights as at start, laid out for stepping. */
        FrozenRecurrentLayer frozenDecoder;
        /** W_outᵀ (H, V) as at start. */
        final float[] outputWeightT;
        final LogSoftmaxRows logSoftmax = new LogSoftmaxRows();

        DecodingState(Seq2SeqModel owner, int sentences, int sourceSteps) {
            this.owner = owner;
            this.sentences = sentences;
            this.sourceSteps = sourceSteps;
            this.rows = sentences;
            this.rowSentence = new int[sentences];
            this.rowScratch = new int[sentences];
            for (int b = 0; b < sentences; b++) {
                rowSentence[b] = b;
            }
            this.feed = new FMatrixRMaj(sentences, owner.config.hiddenSize());
            this.weights = new FMatrixRMaj(sentences, sourceSteps);
            this.outputWeightT = new float[owner.config.hiddenSize() * owner.config.targetVocabularySize()];
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int sourceIndex(int row) {
            if (row < 0 || row >= rows) {
                throw new IllegalArgumentException("row must be in [0, " + rows + ") but was " + row);
            }
            return rowSentence[row];
        }
    }

    /**
     * One training forward of a {@link Seq2SeqModel} on a batch of sentence pairs: the loss, and what the
     * backward needs. Owned by the caller ({@link Seq2SeqModel#newTrainingCache()}, or the one a forward
     * returns); filled by a forward, consumed by one backward. Buffers are reused from batch to batch and
     * grow to the largest batch seen, so a loop over batches of one shape allocates nothing.
     */
    public static final class TrainingCache {

        enum Stage { EMPTY, FILLED, CONSUMED }

        private final Seq2SeqModel owner;
        Stage stage = Stage.EMPTY;
        boolean stepByStep;
        boolean dropping;
        double lossValue;
        // the batch: B sentences, S source steps, T = longest target + 1 decoder steps, N real target tokens
        int batch;
        int sourceSteps;
        int steps;
        int tokens;
        long sourceTokenCount;
        // exact-length arrays: sourceTokens (S·B), sourceLengths (B), inputTokens (T·B) = <bos> y padded,
        // inputLengths (B) = n + 1; grow-only: targets (N) = y <eos> at the real positions, time-major order
        int[] sourceTokens = new int[0];
        int[] sourceLengths = new int[0];
        int[] inputTokens = new int[0];
        int[] inputLengths = new int[0];
        int[] targets = new int[0];
        // grow-only: compactRow (N): row t·B + b of real position n; stepStart (T + 1): the first n of step t
        int[] compactRow = new int[0];
        int[] stepStart = new int[0];
        int[] predicted = new int[0];
        // encoder
        final FMatrixRMaj sourceEmbedded = new FMatrixRMaj(1, 1);
        final FMatrixRMaj sourceDropped = new FMatrixRMaj(1, 1);
        float[] sourceMask = new float[0];
        RecurrentLayer.Cache encoder;
        DirectionBridge.Cache bridgeHidden;
        DirectionBridge.Cache bridgeCell;
        GlobalAttention.Memory memory;
        // decoder over whole sequences
        final FMatrixRMaj targetEmbedded = new FMatrixRMaj(1, 1);
        final FMatrixRMaj targetDropped = new FMatrixRMaj(1, 1);
        float[] targetMask = new float[0];
        RecurrentLayer.Cache decoder;
        GlobalAttention.Cache attended;
        // decoder step by step: per step t < T
        RecurrentStack.Cache[] stackSteps = new RecurrentStack.Cache[0];
        GlobalAttention.Cache[] attendedSteps = new GlobalAttention.Cache[0];
        int[][] stepTokens = new int[0][];
        final FMatrixRMaj stepEmbedded = new FMatrixRMaj(1, 1);
        final FMatrixRMaj stepInput = new FMatrixRMaj(1, 1);
        // output: hidden, hiddenDropped (N, H); logits, probabilities (N, Vt)
        final FMatrixRMaj hidden = new FMatrixRMaj(1, 1);
        final FMatrixRMaj hiddenDropped = new FMatrixRMaj(1, 1);
        float[] hiddenMask = new float[0];
        FMatrixRMaj outputInput;
        final FMatrixRMaj logits = new FMatrixRMaj(1, 1);
        final FMatrixRMaj probabilities = new FMatrixRMaj(1, 1);
        final TokenCrossEntropy crossEntropy = new TokenCrossEntropy();
        // backward: dHidden (N, H), dTop (T·B, H) or (B, H), dMemory (S·B, H), dFeed (B, H), dStepEmbedded (B, E)
        final FMatrixRMaj dHidden = new FMatrixRMaj(1, 1);
        final FMatrixRMaj dTop = new FMatrixRMaj(1, 1);
        final FMatrixRMaj dMemory = new FMatrixRMaj(1, 1);
        final FMatrixRMaj dFeed = new FMatrixRMaj(1, 1);
        final FMatrixRMaj dStepEmbedded = new FMatrixRMaj(1, 1);

        private TrainingCache(Seq2SeqModel owner) {
            this.owner = owner;
        }

        /** Lays out a batch of token batches. */
        void fill(TokenBatch sources, TokenBatch targets) {
            int b = sources.batchSize();
            startLayout(b, sources.maxLength(), targets.maxLength());
            for (int i = 0; i < b; i++) {
                sourceLengths[i] = sources.length(i);
                inputLengths[i] = targets.length(i) + 1;
            }
            layout();
            for (int t = 0; t < sourceSteps; t++) {
                for (int i = 0; i < b; i++) {
                    sourceTokens[t * b + i] = t < sourceLengths[i] ? sources.token(t, i) : PAD_INDEX;
                }
            }
            for (int t = 1; t < steps; t++) {
                for (int i = 0; i < b; i++) {
                    inputTokens[t * b + i] = t < inputLengths[i] ? targets.token(t - 1, i) : PAD_INDEX;
                }
            }
            fillTargets();
        }

        /** Lays out the pairs {@code examples[i]} of a data set. */
        void fill(int[][] sources, int[][] targetSentences, int[] examples) {
            int b = examples.length;
            if (b == 0) {
                throw new IllegalArgumentException("a batch needs at least one sentence pair");
            }
            int maxSource = 0;
            int maxTarget = 0;
            for (int example : examples) {
                if (sources[example].length == 0) {
                    throw new IllegalArgumentException("source sentence " + example + " is empty");
                }
                maxSource = Math.max(maxSource, sources[example].length);
                maxTarget = Math.max(maxTarget, targetSentences[example].length);
            }
            startLayout(b, maxSource, maxTarget);
            for (int i = 0; i < b; i++) {
                sourceLengths[i] = sources[examples[i]].length;
                inputLengths[i] = targetSentences[examples[i]].length + 1;
            }
            layout();
            for (int i = 0; i < b; i++) {
                int[] s = sources[examples[i]];
                int[] y = targetSentences[examples[i]];
                for (int t = 0; t < sourceSteps; t++) {
                    sourceTokens[t * b + i] = t < s.length ? s[t] : PAD_INDEX;
                }
                for (int t = 1; t < steps; t++) {
                    inputTokens[t * b + i] = t <= y.length ? y[t - 1] : PAD_INDEX;
                }
            }
            fillTargets();
        }

        private void startLayout(int b, int maxSource, int maxTarget) {
            stage = Stage.EMPTY;
            batch = b;
            sourceSteps = maxSource;
            steps = maxTarget + 1;
            sourceTokens = exactly(sourceTokens, sourceSteps * b);
            sourceLengths = exactly(sourceLengths, b);
            inputTokens = exactly(inputTokens, steps * b);
            inputLengths = exactly(inputLengths, b);
        }

        /** From the lengths: N, the real positions in time-major order, <bos> in the first row. */
        private void layout() {
            int b = batch;
            int n = 0;
            long source = 0;
            for (int i = 0; i < b; i++) {
                n += inputLengths[i];
                source += sourceLengths[i];
            }
            tokens = n;
            sourceTokenCount = source;
            targets = grow(targets, n);
            compactRow = grow(compactRow, n);
            stepStart = grow(stepStart, steps + 1);
            int k = 0;
            for (int t = 0; t < steps; t++) {
                stepStart[t] = k;
                for (int i = 0; i < b; i++) {
                    if (t < inputLengths[i]) {
                        compactRow[k++] = t * b + i;
                    }
                }
            }
            stepStart[steps] = k;
            for (int i = 0; i < b; i++) {
                inputTokens[i] = BOS_INDEX;
            }
        }

        /** targets[n] = y_out at real position n: the next input token, or <eos> at each sentence's end. */
        private void fillTargets() {
            int b = batch;
            for (int n = 0; n < tokens; n++) {
                int row = compactRow[n];
                int t = row / b;
                int i = row - t * b;
                targets[n] = t + 1 < inputLengths[i] ? inputTokens[row + b] : EOS_INDEX;
            }
        }

        void growSteps(int n) {
            if (stackSteps.length < n) {
                stackSteps = Arrays.copyOf(stackSteps, n);
                attendedSteps = Arrays.copyOf(attendedSteps, n);
                stepTokens = Arrays.copyOf(stepTokens, n);
            }
            for (int t = 0; t < n; t++) {
                if (stepTokens[t] == null || stepTokens[t].length != batch) {
                    stepTokens[t] = new int[batch];
                }
            }
        }

        private static int[] exactly(int[] a, int n) {
            return a.length == n ? a : new int[n];
        }

        /**
         * The mean cross-entropy over the real target tokens ({@code y_1 … y_n <eos>} of every pair).
         *
         * @return the loss of the latest forward, in nats per token
         * @throws IllegalStateException if no forward has filled the cache
         */
        public double loss() {
            checkFilled();
            return lossValue;
        }

        /**
         * The number of real target tokens the loss averages over: {@code Σ (n_b + 1)}.
         *
         * @return N
         * @throws IllegalStateException if no forward has filled the cache
         */
        public int targetTokens() {
            checkFilled();
            return tokens;
        }

        /**
         * The number of real source tokens: {@code Σ S_b}.
         *
         * @return the count
         * @throws IllegalStateException if no forward has filled the cache
         */
        public long sourceTokens() {
            checkFilled();
            return sourceTokenCount;
        }

        /**
         * The number of sentence pairs.
         *
         * @return B
         * @throws IllegalStateException if no forward has filled the cache
         */
        public int batchSize() {
            checkFilled();
            return batch;
        }

        /** The logits (N, Vt) of the real positions, time-major (tests); data may be longer. */
        FMatrixRMaj logits() {
            checkFilled();
            return logits;
        }

        private void checkFilled() {
            if (stage == Stage.EMPTY) {
                throw new IllegalStateException("no forward has filled this cache");
            }
        }
    }
}
