package org.seq4j.seq2seq;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.FloatActivations;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.RowArrayMatrix;
import org.seq4j.kernel.WorkerTeam;
import org.seq4j.nn.Init;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;

/**
 * Luong et al. (2015) global attention: a decoder state {@code h_t} attends over the encoder outputs
 * {@code h̄_s} of its own source sentence and becomes the attentional vector {@code h̃_t}.
 *
 * <h2>Equations</h2>
 * For one query {@code h_t} (H) of sentence {@code b}, over that sentence's {@code S_b} memory rows
 * {@code h̄_s} (H), {@code s < S_b}:
 * <pre>
 *   score(h_t, h̄_s) = h_tᵀ h̄_s                                    DOT
 *                   = h_tᵀ (W_a h̄_s)                              GENERAL    W_a: (H, H)
 *                   = v_a · tanh(W_a [h_t; h̄_s])                  CONCAT     W_a: (H, 2H), v_a: (1, H)
 *   a_ts = exp(score_ts) / Σ_{s' &lt; S_b} exp(score_ts')             s &lt; S_b;  a_ts = 0 exactly for s ≥ S_b
 *   c_t  = Σ_s a_ts h̄_s                                           (H)
 *   h̃_t  = tanh(W_c [c_t; h_t])                                   W_c: (H, 2H)
 * </pre>
 * No bias anywhere (PyTorch {@code nn.Linear(..., bias=False)}). Split by columns,
 * {@code W_a = [W_a1 | W_a2]} (CONCAT, the first half multiplies {@code h_t}) and
 * {@code W_c = [W_c1 | W_c2]} (the first half multiplies {@code c_t}).
 *
 * <h2>Shapes</h2>
 * <pre>
 *   memory     (S·B, H)   time-major: row s·B + b is h̄_s of sentence b; lengths[b] = S_b in [1, S]
 *   keys       (S·B, H)   what the queries are scored against, computed once per memory by {@link #prepare}:
 *                         memory itself (DOT), memory·W_aᵀ (GENERAL), memory·W_a2ᵀ (CONCAT)
 *   queries    (R, H)     R query rows: (T·B, H) time-major for {@link #forward} (row t·B + b attends sentence
 *                         b, and rows t ≥ queryLengths[b] are padding), or (R, H) for {@link #forwardStep}
 *                         (row r attends sentence rowSentences[r]; rows of one sentence may repeat, as the
 *                         beams of a beam search do, without copying the memory)
 *   weights    (R, S)     a_ts; row r sums to 1 over its sentence's S_b columns, is 0 beyond them
 *   attentional (R, H)    h̃_t; zero in padded query rows
 * </pre>
 * The scores of one sentence are one matrix product {@code (T_b, H)·(H, S_b)} read in place from the
 * time-major matrices (strided rows), and so is the context {@code (T_b, S_b)·(S_b, H)}; {@code W_c} is
 * applied to all rows at once. CONCAT adds {@code W_a1 h_t} (one product over all rows) to the keys
 * {@code W_a2 h̄_s} of every pair {@code (t, s)} of a sentence, which costs {@code Σ_b T_b·S_b·H} tanh
 * evaluations.
 *
 * <h2>Gradients</h2>
 * Given {@code dh̃} (R, H), backward computes:
 * <pre>
 *   dz      = dh̃ ⊙ (1 − h̃²)                          z = W_c [c; h], the pre-activation
 *   dW_c1  += dzᵀ·C          dW_c2 += dzᵀ·Q          C: (R, H) contexts, Q: (R, H) queries
 *   dC      = dz·W_c1        dQ     = dz·W_c2
 *   per sentence b, over its rows:
 *     da    = dC·M_bᵀ                                 M_b: (S_b, H) its memory rows, da: (T_b, S_b)
 *     dM_b += aᵀ·dC                                   (into dMemory)
 *     ds    = a ⊙ (da − rowsum(a ⊙ da))                softmax backward
 *     DOT      dQ += ds·M_b       dM_b += dsᵀ·Q_b
 *     GENERAL  dQ += ds·K_b       dK_b += dsᵀ·Q_b      K = keys
 *     CONCAT   u_ts = tanh(W_a1 h_t + K_s),  g_ts = ds_ts · v_a ⊙ (1 − u_ts²)
 *              dv_a += Σ ds_ts u_ts,  dP_t += Σ_s g_ts,  dK_s += Σ_t g_ts       P = Q·W_a1ᵀ
 *              then dQ += dP·W_a1,  dW_a1 += dPᵀ·Q
 *   keys ({@link #backwardMemory}, once for all queries of a memory):
 *     GENERAL  dMemory += dK·W_a,   dW_a  += dKᵀ·memory
 *     CONCAT   dMemory += dK·W_a2,  dW_a2 += dKᵀ·memory
 * </pre>
 * The tanh values {@code u_ts} of CONCAT are recomputed in backward rather than kept ({@code Σ T_b·S_b·H}
 * floats). Every backward ADDS ({@code +=}) into the parameter gradients and into {@code dMemory}; it
 * writes {@code dQ} ({@link Cache#dQuery()}).
 *
 * <h2>Life cycle</h2>
 * <pre>{@code
 *   GlobalAttention.Memory m = attention.prepare(encoderOutput, B, sourceLengths, m);   // keys, once
 *   GlobalAttention.Cache c = attention.forward(decoderOutput, targetLengths, m, c);     // all steps at once
 *   //   ... or per step:  steps[t] = attention.forwardStep(h_t, null, m, steps[t]);
 *   attention.backward(c, dAttentional, dEncoderOutput);          // dEncoderOutput: (S·B, H), added into
 *   attention.backwardMemory(m, dEncoderOutput);                  // once, after every query's backward
 * }</pre>
 * A {@link Memory} is filled by {@link #prepare}, used by any number of forwards, collects the key
 * gradients of their backwards and is consumed by {@link #backwardMemory} (which also closes it for DOT,
 * where there is nothing left to add). A {@link Cache} is filled by a forward and consumed by one
 * backward. Wrong order throws {@link IllegalStateException}; a cache or memory of another attention throws
 * {@link IllegalArgumentException}. The memory matrix is read, never copied: it must not change between
 * {@code prepare} and {@code backwardMemory}, nor the queries between a forward and its backward.
 * Buffers are reused while the shapes stay the same (the matrices the caches hand out are exactly their
 * shape and are replaced when it changes), so a loop of fixed shapes allocates nothing.
 *
 * <h2>Parameters</h2>
 * PyTorch names, as the attributes of the reference model: {@code w_a.weight} (GENERAL (H, H), CONCAT
 * (H, 2H)), {@code v_a.weight} (CONCAT, (1, H)), {@code w_c.weight} (H, 2H); each initialised as
 * {@code torch.nn.Linear}, {@code U(−1/√in, 1/√in)}.
 *
 * <h2>API</h2>
 * <pre>
 *   GlobalAttention(Score score, int hiddenSize, RandomGenerator random)
 *   Score score()   int hiddenSize()   Parameters parameters()
 *   Memory newMemory()                                       Cache newCache()
 *   Memory prepare(FMatrixRMaj memory, int batchSize, int[] lengths, Memory reuse)
 *   Cache  forward(FMatrixRMaj queries, int[] queryLengths, Memory memory, Cache reuse)
 *   Cache  forwardStep(FMatrixRMaj queries, int[] rowSentences, Memory memory, Cache reuse)
 *   void   backward(Cache cache, FMatrixRMaj dAttentional, FMatrixRMaj dMemory)
 *   void   backwardMemory(Memory memory, FMatrixRMaj dMemory)
 *   Cache: attentional(), weights(), dQuery();   Memory: batchSize(), steps(), length(b)
 * </pre>
 */
public final class GlobalAttention implements Module {

    /** Blocks of at most this much work ({@code R·S·H}) run on the calling thread. */
    private static final long PARALLEL_MIN_WORK = 1L << 16;

    /** The score function. */
    public enum Score {
        /** {@code h_tᵀ h̄_s}; no parameters. */
        DOT,
        /** {@code h_tᵀ W_a h̄_s}; {@code w_a} (H, H). */
        GENERAL,
        /** {@code v_a · tanh(W_a [h_t; h̄_s])}; {@code w_a} (H, 2H), {@code v_a} (1, H). */
        CONCAT
    }

    private final Score score;
    private final int hiddenSize;
    /** w_a: (H, H) GENERAL, (H, 2H) CONCAT; null for DOT. */
    private final Parameter wA;
    /** v_a: (1, H) CONCAT; null otherwise. */
    private final Parameter vA;
    /** w_c: (H, 2H). */
    private final Parameter wC;
    private final Parameters parameters = new Parameters();

    /**
     * Creates the attention and initialises its parameters in the reference's registration order
     * ({@code w_a}, {@code v_a}, {@code w_c}).
     *
     * @param score      the score function
     * @param hiddenSize H, the size of queries and memory rows, at least 1
     * @param random     random stream of the initialisation; advanced
     * @throws IllegalArgumentException if an argument is null or the size below 1
     */
    public GlobalAttention(Score score, int hiddenSize, RandomGenerator random) {
        if (score == null || random == null) {
            throw new IllegalArgumentException("score and random must not be null");
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1 but was " + hiddenSize);
        }
        this.score = score;
        this.hiddenSize = hiddenSize;
        int h = hiddenSize;
        if (score == Score.GENERAL) {
            wA = linearWeight("w_a.weight", h, h, random);
        } else if (score == Score.CONCAT) {
            wA = linearWeight("w_a.weight", h, 2 * h, random);
        } else {
            wA = null;
        }
        vA = score == Score.CONCAT ? linearWeight("v_a.weight", 1, h, random) : null;
        wC = linearWeight("w_c.weight", h, 2 * h, random);
    }

    private Parameter linearWeight(String name, int out, int in, RandomGenerator random) {
        Parameter p = new Parameter(name, out, in);
        Init.uniform(p.value(), 1.0 / Math.sqrt(in), random);
        parameters.add(p);
        return p;
    }

    /**
     * The score function.
     *
     * @return DOT, GENERAL or CONCAT
     */
    public Score score() {
        return score;
    }

    /**
     * The size of queries, memory rows and attentional vectors.
     *
     * @return H
     */
    public int hiddenSize() {
        return hiddenSize;
    }

    /**
     * The parameters: {@code w_a.weight} (GENERAL, CONCAT), {@code v_a.weight} (CONCAT), {@code w_c.weight}.
     *
     * @return the registry
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /**
     * Creates an empty memory for {@link #prepare}'s {@code reuse} argument.
     *
     * @return a new memory of this attention, not yet prepared
     */
    public Memory newMemory() {
        return new Memory(this);
    }

    /**
     * Creates an empty cache for the {@code reuse} argument of {@link #forward} and {@link #forwardStep}.
     *
     * @return a new cache of this attention, not yet filled
     */
    public Cache newCache() {
        return new Cache(this);
    }

    // ----------------------------------------------------------------------------------------------
    // Memory

    /**
     * Takes the encoder outputs as the memory of the next forwards and computes their keys
     * ({@code memory·W_aᵀ} for GENERAL, {@code memory·W_a2ᵀ} for CONCAT). Starts the memory's life cycle
     * again: its key gradients are set to zero. Also copies {@code W_cᵀ} for the forwards: the kernels read
     * a plain operand in place, where {@code C·W_c1ᵀ} would gather {@code W_c} into packed strips at every
     * forward (once per decoding step). So the forwards from a memory use the parameters as they were at its
     * prepare, as the keys do: prepare again after changing them.
     *
     * @param memory    (S·B, H) time-major encoder outputs; read, not copied: must not change until
     *                  {@link #backwardMemory}
     * @param batchSize B, at least 1
     * @param lengths   B sentence lengths, each in {@code [1, S]}, or null for all S; copied
     * @param reuse     a memory of this attention to fill, or null for a new one
     * @return the memory filled
     * @throws IllegalArgumentException if a shape or length is wrong, or {@code reuse} belongs to another
     *                                  attention
     */
    public Memory prepare(FMatrixRMaj memory, int batchSize, int[] lengths, Memory reuse) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        if (memory == null || memory.numCols != hiddenSize || memory.numRows == 0
                || memory.numRows % batchSize != 0) {
            throw new IllegalArgumentException("memory must be (S·B, " + hiddenSize + ") with B = " + batchSize
                    + " and S ≥ 1 but was " + (memory == null ? "null" : Tensors.shape(memory)));
        }
        int steps = memory.numRows / batchSize;
        if (lengths != null) {
            if (lengths.length != batchSize) {
                throw new IllegalArgumentException("lengths must have B = " + batchSize + " entries but had "
                        + lengths.length);
            }
            for (int b = 0; b < batchSize; b++) {
                if (lengths[b] < 1 || lengths[b] > steps) {
                    throw new IllegalArgumentException("lengths[" + b + "] must be in [1, " + steps + "] but was "
                            + lengths[b]);
                }
            }
        }
        Memory m = reuse != null ? reuse : new Memory(this);
        if (m.owner != this) {
            throw new IllegalArgumentException("the memory belongs to another GlobalAttention");
        }
        m.fill(memory, batchSize, steps, lengths);
        int rows = steps * batchSize;
        int h = hiddenSize;
        // W_cᵀ (2H, H): rows [0, H) are W_c1ᵀ (context), rows [H, 2H) W_c2ᵀ (query)
        RowArrayMatrix.transposeRowsInto(wC.value().data, 0, 2 * h, 0, h, m.wcT, 0, h);
        if (score == Score.GENERAL) {
            // keys (S·B, H) = memory·W_aᵀ
            Gemm.sgemm(false, true, rows, h, h, memory.data, 0, h, wA.value().data, 0, h, false, m.keys, 0, h);
        } else if (score == Score.CONCAT) {
            // keys (S·B, H) = memory·W_a2ᵀ, W_a2 = columns [H, 2H) of W_a
            Gemm.sgemm(false, true, rows, h, h, memory.data, 0, h, wA.value().data, h, 2 * h, false, m.keys, 0, h);
        }
        return m;
    }

    /**
     * Adds the gradient that flows through the keys into the memory and into {@code w_a}; call it once,
     * after the backward of every forward that used this memory. Consumes the memory.
     * <pre>
     *   GENERAL  dMemory += dK·W_a,   dW_a  += dKᵀ·memory
     *   CONCAT   dMemory += dK·W_a2,  dW_a2 += dKᵀ·memory
     *   DOT      nothing (the keys are the memory, whose gradient the backwards added directly)
     * </pre>
     *
     * @param memory  a memory of this attention, prepared and not yet consumed; consumed
     * @param dMemory (S·B, H) gradient of the memory; accumulated into (may be null for DOT)
     * @throws IllegalArgumentException if a shape is wrong or the memory belongs to another attention
     * @throws IllegalStateException    if the memory was not prepared or was already consumed
     */
    public void backwardMemory(Memory memory, FMatrixRMaj dMemory) {
        checkMemory(memory);
        int rows = memory.steps * memory.batch;
        int h = hiddenSize;
        if (score != Score.DOT || dMemory != null) {
            Tensors.checkShape(dMemory, rows, h, "dMemory");
        }
        memory.stage = Memory.Stage.CONSUMED;
        if (score == Score.DOT) {
            return;
        }
        float[] mem = memory.memory.data;
        float[] w = wA.value().data;
        float[] dw = wA.grad().data;
        int ld = score == Score.GENERAL ? h : 2 * h;
        int off = score == Score.GENERAL ? 0 : h;
        Gemm.sgemm(false, false, rows, h, h, memory.dKeys, 0, h, w, off, ld, true, dMemory.data, 0, h);
        Gemm.sgemm(true, false, h, h, rows, memory.dKeys, 0, h, mem, 0, h, true, dw, off, ld);
    }

    private void checkMemory(Memory memory) {
        if (memory == null || memory.owner != this) {
            throw new IllegalArgumentException("the memory must come from this attention's prepare");
        }
        if (memory.stage == Memory.Stage.EMPTY) {
            throw new IllegalStateException("the memory has not been prepared");
        }
        if (memory.stage == Memory.Stage.CONSUMED) {
            throw new IllegalStateException("backwardMemory has already consumed this memory: prepare it again");
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Forward

    /**
     * Attends over all decoder steps at once (teacher forcing without input feeding): query row
     * {@code t·B + b} attends sentence {@code b}.
     *
     * @param queries      (T·B, H) time-major decoder outputs; not modified, and must not change before
     *                     backward
     * @param queryLengths B lengths in {@code [0, T]}: rows {@code t ≥ queryLengths[b]} are padding (zero
     *                     output, no gradient); or null for all T; copied
     * @param memory       a prepared memory of this attention with the same B
     * @param reuse        a cache of this attention to fill, or null for a new one
     * @return the cache filled, holding {@link Cache#attentional()} (T·B, H) and {@link Cache#weights()}
     *         (T·B, S)
     * @throws IllegalArgumentException if a shape or length is wrong, or a cache or the memory belongs to
     *                                  another attention
     * @throws IllegalStateException    if the memory is not prepared or already consumed
     */
    public Cache forward(FMatrixRMaj queries, int[] queryLengths, Memory memory, Cache reuse) {
        checkMemory(memory);
        int batch = memory.batch;
        if (queries == null || queries.numCols != hiddenSize || queries.numRows == 0
                || queries.numRows % batch != 0) {
            throw new IllegalArgumentException("queries must be (T·B, " + hiddenSize + ") with B = " + batch
                    + " and T ≥ 1 but was " + (queries == null ? "null" : Tensors.shape(queries)));
        }
        int steps = queries.numRows / batch;
        if (queryLengths != null) {
            if (queryLengths.length != batch) {
                throw new IllegalArgumentException("queryLengths must have B = " + batch + " entries but had "
                        + queryLengths.length);
            }
            for (int b = 0; b < batch; b++) {
                if (queryLengths[b] < 0 || queryLengths[b] > steps) {
                    throw new IllegalArgumentException("queryLengths[" + b + "] must be in [0, " + steps
                            + "] but was " + queryLengths[b]);
                }
            }
        }
        Cache c = prepareCache(reuse, queries, memory);
        c.stride = batch;
        c.blocks = batch;
        c.growBlocks(batch);
        for (int b = 0; b < batch; b++) {
            c.blockSentence[b] = b;
            c.blockStart[b] = b;
            c.blockCount[b] = queryLengths == null ? steps : queryLengths[b];
        }
        c.padded = queryLengths != null;
        c.distinctSentences = true;
        run(c);
        return c;
    }

    /**
     * Attends one decoder step (input feeding, scheduled sampling, decoding): row {@code r} of the queries
     * attends sentence {@code rowSentences[r]}. Rows of one sentence that are next to each other are
     * scored in one product.
     *
     * @param queries      (R, H) decoder states, R ≥ 1; not modified, and must not change before backward
     * @param rowSentences R sentence indices in {@code [0, B)} (repeats allowed), or null for row r
     *                     attending sentence r (then R must be B); copied
     * @param memory       a prepared memory of this attention
     * @param reuse        a cache of this attention to fill, or null for a new one
     * @return the cache filled, holding {@link Cache#attentional()} (R, H) and {@link Cache#weights()} (R, S)
     * @throws IllegalArgumentException if a shape or index is wrong, or a cache or the memory belongs to
     *                                  another attention
     * @throws IllegalStateException    if the memory is not prepared or already consumed
     */
    public Cache forwardStep(FMatrixRMaj queries, int[] rowSentences, Memory memory, Cache reuse) {
        checkMemory(memory);
        int batch = memory.batch;
        if (queries == null || queries.numCols != hiddenSize || queries.numRows == 0) {
            throw new IllegalArgumentException("queries must be (R, " + hiddenSize + ") with R ≥ 1 but was "
                    + (queries == null ? "null" : Tensors.shape(queries)));
        }
        int rows = queries.numRows;
        if (rowSentences == null) {
            if (rows != batch) {
                throw new IllegalArgumentException("queries must be (B, " + hiddenSize + ") with B = " + batch
                        + " when rowSentences is null but was " + Tensors.shape(queries));
            }
        } else {
            if (rowSentences.length != rows) {
                throw new IllegalArgumentException("rowSentences must have R = " + rows + " entries but had "
                        + rowSentences.length);
            }
            for (int r = 0; r < rows; r++) {
                if (rowSentences[r] < 0 || rowSentences[r] >= batch) {
                    throw new IllegalArgumentException("rowSentences[" + r + "] must be in [0, " + batch
                            + ") but was " + rowSentences[r]);
                }
            }
        }
        Cache c = prepareCache(reuse, queries, memory);
        c.stride = 1;
        c.growBlocks(rows);
        int blocks = 0;
        for (int r = 0; r < rows; ) {
            int sentence = rowSentences == null ? r : rowSentences[r];
            int end = r + 1;
            while (rowSentences != null && end < rows && rowSentences[end] == sentence) {
                end++;
            }
            c.blockSentence[blocks] = sentence;
            c.blockStart[blocks] = r;
            c.blockCount[blocks] = end - r;
            blocks++;
            r = end;
        }
        c.blocks = blocks;
        c.padded = false;
        c.distinctSentences = false;
        run(c);
        return c;
    }

    private Cache prepareCache(Cache reuse, FMatrixRMaj queries, Memory memory) {
        Cache c = reuse != null ? reuse : new Cache(this);
        if (c.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another GlobalAttention");
        }
        c.prepare(queries, memory);
        return c;
    }

    /** The forward of the cache's blocks; see the class documentation. */
    private void run(Cache c) {
        Memory m = c.memory;
        int rows = c.rows;
        int h = hiddenSize;
        int s = m.steps;
        float[] q = c.queries.data;
        float[] weights = c.weights.data;
        float[] context = c.context;
        Arrays.fill(weights, 0, rows * s, 0f);
        Arrays.fill(context, 0, rows * h, 0f);
        if (score == Score.CONCAT) {
            // projected (R, H) = Q·W_a1ᵀ, W_a1 = columns [0, H) of W_a
            Gemm.sgemm(false, true, rows, h, h, q, 0, h, wA.value().data, 0, 2 * h, false, c.projected, 0, h);
        }
        forEachBlock(c, false);
        // attentional (R, H) = tanh(C·W_c1ᵀ + Q·W_c2ᵀ), from the memory's copy of W_cᵀ
        float[] out = c.attentional.data;
        float[] wcT = m.wcT;
        Gemm.sgemm(false, false, rows, h, h, context, 0, h, wcT, 0, h, false, out, 0, h);
        Gemm.sgemm(false, false, rows, h, h, q, 0, h, wcT, h * h, h, true, out, 0, h);
        FloatActivations.tanh(out, 0, rows * h);
        if (c.padded) {
            zeroPaddedRows(c, out, h);
        }
        c.stage = Cache.Stage.FILLED;
    }

    /** The forward of block k: its scores, softmax and contexts. */
    private void forwardBlock(Cache c, int k) {
        int count = c.blockCount[k];
        if (count == 0) {
            return;
        }
        Memory m = c.memory;
        int h = hiddenSize;
        int s = m.steps;
        int batch = m.batch;
        int stride = c.stride;
        float[] q = c.queries.data;
        float[] mem = m.memory.data;
        float[] keys = score == Score.DOT ? mem : m.keys;
        float[] weights = c.weights.data;
        int b = c.blockSentence[k];
        int start = c.blockStart[k];
        int length = m.length(b);
        // scores: (count, S_b) rows start + i·stride of weights; keys of sentence b: rows s·B + b
        if (score == Score.CONCAT) {
            concatScores(c, k, length);
        } else {
            Gemm.sgemm(false, true, count, length, h, q, start * h, stride * h, keys, b * h, batch * h,
                    false, weights, start * s, stride * s);
        }
        for (int i = 0; i < count; i++) {
            RowSoftmax.softmax(weights, weights, (start + i * stride) * s, length);
        }
        // context (count, H) = a (count, S_b) · M_b (S_b, H)
        Gemm.sgemm(false, false, count, h, length, weights, start * s, stride * s, mem, b * h, batch * h,
                false, c.context, start * h, stride * h);
    }

    /**
     * Runs the forward or backward of every block of a cache. A block's forward writes only its own rows
     * (scores, weights, contexts), so the forwards of large caches run on the {@link WorkerTeam}. A
     * block's backward also adds into its sentence's rows of dMemory and of the key gradients: the
     * backwards run there only when every block has a sentence of its own (the whole-sequence entry); the
     * blocks of the step entry may share a sentence and run in order. Each block is computed as alone, so
     * results do not depend on the thread count.
     */
    private void forEachBlock(Cache c, boolean backward) {
        Memory m = c.memory;
        BlockTask task = c.blockTask;
        task.backward = backward;
        if ((c.distinctSentences || !backward) && c.blocks > 1 && Gemm.threads() > 1
                && (long) c.rows * m.steps * hiddenSize >= PARALLEL_MIN_WORK) {
            WorkerTeam team = WorkerTeam.shared();
            task.parts = team.size();
            team.run(task);
        } else {
            task.parts = 1;
            task.run(0);
        }
    }

    /** The blocks of one cache as a task of the worker team: part p runs blocks [p·K/parts, (p+1)·K/parts). */
    private static final class BlockTask implements WorkerTeam.Task {
        private final GlobalAttention owner;
        private final Cache cache;
        boolean backward;
        int parts;

        BlockTask(GlobalAttention owner, Cache cache) {
            this.owner = owner;
            this.cache = cache;
        }

        @Override
        public void run(int part) {
            int blocks = cache.blocks;
            int from = (int) ((long) blocks * part / parts);
            int to = (int) ((long) blocks * (part + 1) / parts);
            for (int k = from; k < to; k++) {
                if (backward) {
                    owner.backwardBlock(cache, k);
                } else {
                    owner.forwardBlock(cache, k);
                }
            }
        }
    }

    /** weights rows of block k: score_ts = v_a · tanh(P_t + K_s) over the sentence's first {@code length} keys. */
    private void concatScores(Cache c, int k, int length) {
        Memory m = c.memory;
        int h = hiddenSize;
        int s = m.steps;
        int b = c.blockSentence[k];
        float[] v = vA.value().data;
        float[] p = c.projected;
        float[] keys = m.keys;
        float[] weights = c.weights.data;
        for (int i = 0; i < c.blockCount[k]; i++) {
            int row = c.blockStart[k] + i * c.stride;
            for (int j = 0; j < length; j++) {
                int keyRow = (j * m.batch + b) * h;
                float sum = 0f;
                for (int e = 0; e < h; e++) {
                    sum = Math.fma(v[e], FloatActivations.tanh(p[row * h + e] + keys[keyRow + e]), sum);
                }
                weights[row * s + j] = sum;
            }
        }
    }

    /** Zeroes the rows t ≥ queryLengths[b] of a (T·B, cols) time-major matrix. */
    private static void zeroPaddedRows(Cache c, float[] m, int cols) {
        int batch = c.stride;
        int steps = c.rows / batch;
        for (int b = 0; b < batch; b++) {
            for (int t = c.blockCount[b]; t < steps; t++) {
                int row = t * batch + b;
                Arrays.fill(m, row * cols, (row + 1) * cols, 0f);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Backward

    /**
     * Backward of a {@link #forward} or {@link #forwardStep}: writes {@link Cache#dQuery()}, adds
     * ({@code +=}) into {@code dMemory} and into the gradients of {@code w_c} and {@code v_a}, and into the
     * memory's key gradients (for {@link #backwardMemory}). Consumes the cache. See the class documentation
     * for the equations.
     *
     * @param cache        a cache filled by a forward of this attention and not yet consumed; consumed
     * @param dAttentional (R, H) gradient of {@link Cache#attentional()}; rows of padded queries are
     *                     ignored; not modified
     * @param dMemory      (S·B, H) gradient of the memory; accumulated into
     * @throws IllegalArgumentException if a shape is wrong or the cache belongs to another attention
     * @throws IllegalStateException    if the cache was not filled or already consumed, or its memory was
     *                                  consumed or prepared again since the forward
     */
    public void backward(Cache cache, FMatrixRMaj dAttentional, FMatrixRMaj dMemory) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must come from this attention's forward");
        }
        if (cache.stage != Cache.Stage.FILLED) {
            throw new IllegalStateException(cache.stage == Cache.Stage.CONSUMED
                    ? "a backward has already consumed this cache: run forward again"
                    : "backward needs a forward first");
        }
        Memory m = cache.memory;
        if (m.stage != Memory.Stage.PREPARED || m.generation != cache.memoryGeneration) {
            throw new IllegalStateException("the memory of this cache was consumed by backwardMemory or prepared "
                    + "again since the forward");
        }
        int rows = cache.rows;
        int h = hiddenSize;
        int s = m.steps;
        int batch = m.batch;
        Tensors.checkShape(dAttentional, rows, h, "dAttentional");
        Tensors.checkShape(dMemory, s * batch, h, "dMemory");
        cache.stage = Cache.Stage.CONSUMED;
        float[] q = cache.queries.data;
        float[] out = cache.attentional.data;
        float[] dA = dAttentional.data;
        float[] dz = cache.dPre;
        float[] dC = cache.dContext;
        float[] dQ = cache.dQuery.data;
        // dz (R, H) = dh̃ ⊙ (1 − h̃²)
        for (int i = 0, n = rows * h; i < n; i++) {
            dz[i] = dA[i] * (1f - out[i] * out[i]);
        }
        if (cache.padded) {
            zeroPaddedRows(cache, dz, h);
        }
        float[] wc = wC.value().data;
        float[] dwc = wC.grad().data;
        Gemm.sgemm(true, false, h, h, rows, dz, 0, h, cache.context, 0, h, true, dwc, 0, 2 * h);
        Gemm.sgemm(true, false, h, h, rows, dz, 0, h, q, 0, h, true, dwc, h, 2 * h);
        Gemm.sgemm(false, false, rows, h, h, dz, 0, h, wc, 0, 2 * h, false, dC, 0, h);
        Gemm.sgemm(false, false, rows, h, h, dz, 0, h, wc, h, 2 * h, false, dQ, 0, h);
        if (score == Score.CONCAT) {
            Arrays.fill(cache.dProjected, 0, rows * h, 0f);
        }
        cache.dMemory = dMemory.data;
        forEachBlock(cache, true);
        cache.dMemory = null;
        if (score == Score.CONCAT) {
            // dv_a += the blocks' sums, in block order
            float[] dv = vA.grad().data;
            for (int k = 0; k < cache.blocks; k++) {
                for (int e = 0; e < h; e++) {
                    dv[e] += cache.dvBlocks[k * h + e];
                }
            }
        }
        if (score == Score.CONCAT) {
            // dQ += dP·W_a1;  dW_a1 += dPᵀ·Q
            Gemm.sgemm(false, false, rows, h, h, cache.dProjected, 0, h, wA.value().data, 0, 2 * h, true, dQ, 0, h);
            Gemm.sgemm(true, false, h, h, rows, cache.dProjected, 0, h, q, 0, h, true, wA.grad().data, 0, 2 * h);
        }
        cache.gradientsReady = true;
    }

    /** The backward of block k (see {@link #backward}); CONCAT's dv_a into the block's own row. */
    private void backwardBlock(Cache cache, int k) {
        int count = cache.blockCount[k];
        int h = hiddenSize;
        if (score == Score.CONCAT) {
            Arrays.fill(cache.dvBlocks, k * h, (k + 1) * h, 0f);
        }
        if (count == 0) {
            return;
        }
        Memory m = cache.memory;
        int s = m.steps;
        int batch = m.batch;
        int stride = cache.stride;
        float[] q = cache.queries.data;
        float[] mem = m.memory.data;
        float[] a = cache.weights.data;
        float[] dC = cache.dContext;
        float[] dQ = cache.dQuery.data;
        float[] dMem = cache.dMemory;
        float[] keys = score == Score.DOT ? mem : m.keys;
        float[] dKeys = score == Score.DOT ? dMem : m.dKeys;
        float[] ds = cache.dScores;
        int b = cache.blockSentence[k];
        int start = cache.blockStart[k];
        int length = m.length(b);
        // da (count, S_b) = dC·M_bᵀ;  dM_b += aᵀ·dC
        Gemm.sgemm(false, true, count, length, h, dC, start * h, stride * h, mem, b * h, batch * h, false,
                ds, start * s, stride * s);
        Gemm.sgemm(true, false, length, h, count, a, start * s, stride * s, dC, start * h, stride * h, true,
                dMem, b * h, batch * h);
        // ds = a ⊙ (da − Σ a·da), in place
        for (int i = 0; i < count; i++) {
            int off = (start + i * stride) * s;
            double dot = 0;
            for (int j = 0; j < length; j++) {
                dot += (double) a[off + j] * ds[off + j];
            }
            float d = (float) dot;
            for (int j = 0; j < length; j++) {
                ds[off + j] = a[off + j] * (ds[off + j] - d);
            }
        }
        if (score == Score.CONCAT) {
            concatBackward(cache, k, length);
        } else {
            // dQ += ds·K_b;  dK_b += dsᵀ·Q_b  (DOT: K = M, dK = dMemory)
            Gemm.sgemm(false, false, count, h, length, ds, start * s, stride * s, keys, b * h, batch * h, true,
                    dQ, start * h, stride * h);
            Gemm.sgemm(true, false, length, h, count, ds, start * s, stride * s, q, start * h, stride * h, true,
                    dKeys, b * h, batch * h);
        }
    }

    /** CONCAT: from ds of block k, adds into dP (the cache's), dK (the memory's) and the block's dv_a row. */
    private void concatBackward(Cache c, int k, int length) {
        Memory m = c.memory;
        int h = hiddenSize;
        int s = m.steps;
        int b = c.blockSentence[k];
        float[] v = vA.value().data;
        float[] dv = c.dvBlocks;
        int dvOff = k * h;
        float[] p = c.projected;
        float[] dp = c.dProjected;
        float[] keys = m.keys;
        float[] dKeys = m.dKeys;
        float[] ds = c.dScores;
        for (int i = 0; i < c.blockCount[k]; i++) {
            int row = c.blockStart[k] + i * c.stride;
            for (int j = 0; j < length; j++) {
                float d = ds[row * s + j];
                int keyRow = (j * m.batch + b) * h;
                for (int e = 0; e < h; e++) {
                    float u = FloatActivations.tanh(p[row * h + e] + keys[keyRow + e]);
                    float g = d * v[e] * (1f - u * u);
                    dp[row * h + e] += g;
                    dKeys[keyRow + e] += g;
                    dv[dvOff + e] = Math.fma(d, u, dv[dvOff + e]);
                }
            }
        }
    }

    /**
     * Describes the attention.
     *
     * @return e.g. {@code GlobalAttention(GENERAL, H=256)}
     */
    @Override
    public String toString() {
        return "GlobalAttention(" + score + ", H=" + hiddenSize + ")";
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * The encoder outputs that queries attend over, with their keys and the key gradients collected from
     * the backwards of the queries. Made by {@link #newMemory()} or {@link #prepare}; filled by
     * {@code prepare}, consumed by {@link #backwardMemory}.
     */
    public static final class Memory {

        enum Stage { EMPTY, PREPARED, CONSUMED }

        private final GlobalAttention owner;
        Stage stage = Stage.EMPTY;
        /** Counts the prepares, so that a cache can tell whether its memory was prepared again. */
        long generation;
        FMatrixRMaj memory;
        int batch;
        int steps;
        private int[] lengths = new int[0];
        // keys, dKeys: (S·B, H) (GENERAL, CONCAT); grow-only
        float[] keys = new float[0];
        float[] dKeys = new float[0];
        /** W_cᵀ (2H, H) as at the latest prepare. */
        final float[] wcT;

        private Memory(GlobalAttention owner) {
            this.owner = owner;
            this.wcT = new float[2 * owner.hiddenSize * owner.hiddenSize];
        }

        void fill(FMatrixRMaj newMemory, int newBatch, int newSteps, int[] newLengths) {
            memory = newMemory;
            batch = newBatch;
            steps = newSteps;
            if (lengths.length < newBatch) {
                lengths = new int[newBatch];
            }
            for (int b = 0; b < newBatch; b++) {
                lengths[b] = newLengths == null ? newSteps : newLengths[b];
            }
            if (owner.score != Score.DOT) {
                int n = newSteps * newBatch * owner.hiddenSize;
                if (keys.length < n) {
                    keys = new float[n];
                    dKeys = new float[n];
                }
                Arrays.fill(dKeys, 0, n, 0f);
            }
            generation++;
            stage = Stage.PREPARED;
        }

        /**
         * The number of sentences.
         *
         * @return B
         * @throws IllegalStateException if the memory was never prepared
         */
        public int batchSize() {
            checkPrepared();
            return batch;
        }

        /**
         * The padded source length.
         *
         * @return S
         * @throws IllegalStateException if the memory was never prepared
         */
        public int steps() {
            checkPrepared();
            return steps;
        }

        /**
         * The length of one sentence.
         *
         * @param b a sentence in {@code [0, B)}
         * @return {@code S_b}
         * @throws IllegalStateException    if the memory was never prepared
         * @throws IllegalArgumentException if {@code b} is out of range
         */
        public int length(int b) {
            checkPrepared();
            if (b < 0 || b >= batch) {
                throw new IllegalArgumentException("b must be in [0, " + batch + ") but was " + b);
            }
            return lengths[b];
        }

        private void checkPrepared() {
            if (stage == Stage.EMPTY) {
                throw new IllegalStateException("the memory has not been prepared");
            }
        }
    }

    /**
     * One forward of a {@link GlobalAttention} (all steps, or one step): its outputs and what its backward
     * needs; after the backward, the query gradient. Filled by a forward, consumed by one backward. The
     * matrices handed out are the cache's own, exactly their shape, overwritten by the next forward into
     * the cache (replaced by new ones when the shape changes).
     */
    public static final class Cache {

        enum Stage { EMPTY, FILLED, CONSUMED }

        private final GlobalAttention owner;
        Stage stage = Stage.EMPTY;
        boolean gradientsReady;
        Memory memory;
        long memoryGeneration;
        FMatrixRMaj queries;
        int rows;
        /** Row distance between the queries of one block: B (all steps) or 1 (one step). */
        int stride;
        /** Whether rows beyond a block's count are padding (all steps with query lengths). */
        boolean padded;
        /**
         * Whether every block has a sentence of its own (all steps), so that the blocks' backwards may run in
         * parallel.
         */
        boolean distinctSentences;
        final BlockTask blockTask;
        /** The dMemory of the backward running (its blocks add into it). */
        float[] dMemory;
        /** dvBlocks (blocks, H): each block's part of dv_a (CONCAT), summed in block order. */
        float[] dvBlocks = new float[0];
        // the blocks: the queries start + i·stride, i < count, attend sentence blockSentence
        int blocks;
        int[] blockSentence = new int[0];
        int[] blockStart = new int[0];
        int[] blockCount = new int[0];
        // exact-shaped outputs: weights (R, S), attentional (R, H), dQuery (R, H)
        FMatrixRMaj weights = new FMatrixRMaj(0, 0);
        FMatrixRMaj attentional = new FMatrixRMaj(0, 0);
        FMatrixRMaj dQuery = new FMatrixRMaj(0, 0);
        // grow-only scratch: context, projected (CONCAT), dPre, dContext, dProjected (CONCAT): (R, H);
        // dScores: (R, S)
        float[] context = new float[0];
        float[] projected = new float[0];
        float[] dPre = new float[0];
        float[] dContext = new float[0];
        float[] dProjected = new float[0];
        float[] dScores = new float[0];

        private Cache(GlobalAttention owner) {
            this.owner = owner;
            this.blockTask = new BlockTask(owner, this);
        }

        void prepare(FMatrixRMaj newQueries, Memory newMemory) {
            stage = Stage.EMPTY;
            gradientsReady = false;
            queries = newQueries;
            memory = newMemory;
            memoryGeneration = newMemory.generation;
            rows = newQueries.numRows;
            int h = owner.hiddenSize;
            int s = newMemory.steps;
            weights = exactly(weights, rows, s);
            attentional = exactly(attentional, rows, h);
            dQuery = exactly(dQuery, rows, h);
            int n = rows * h;
            if (context.length < n) {
                context = new float[n];
                dPre = new float[n];
                dContext = new float[n];
                if (owner.score == Score.CONCAT) {
                    projected = new float[n];
                    dProjected = new float[n];
                }
            }
            if (dScores.length < rows * s) {
                dScores = new float[rows * s];
            }
        }

        void growBlocks(int n) {
            if (blockSentence.length < n) {
                blockSentence = new int[n];
                blockStart = new int[n];
                blockCount = new int[n];
            }
            if (owner.score == Score.CONCAT && dvBlocks.length < n * owner.hiddenSize) {
                dvBlocks = new float[n * owner.hiddenSize];
            }
        }

        private static FMatrixRMaj exactly(FMatrixRMaj m, int rows, int cols) {
            return m.numRows == rows && m.numCols == cols ? m : new FMatrixRMaj(rows, cols);
        }

        /**
         * The attentional vectors {@code h̃}.
         *
         * @return (R, H); rows of padded queries are zero
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj attentional() {
            checkForward();
            return attentional;
        }

        /**
         * The attention weights {@code a_ts}.
         *
         * @return (R, S); each row sums to 1 over its sentence's positions and is 0 beyond them (rows of
         *         padded queries are 0)
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj weights() {
            checkForward();
            return weights;
        }

        /**
         * The gradient with respect to the queries.
         *
         * @return (R, H); rows of padded queries are zero
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dQuery() {
            if (!gradientsReady) {
                throw new IllegalStateException("backward has not run since the latest forward");
            }
            return dQuery;
        }

        private void checkForward() {
            if (stage == Stage.EMPTY) {
                throw new IllegalStateException("no forward has filled this cache");
            }
        }
    }
}
