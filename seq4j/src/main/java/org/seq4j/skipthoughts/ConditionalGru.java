package org.seq4j.skipthoughts;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.FloatActivations;
import org.seq4j.kernel.Gemm;
import org.seq4j.nn.Init;
import org.seq4j.nn.Module;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;

/**
 * The conditional GRU of Skip-Thoughts (Kiros et al., NeurIPS 2015, equations 4–7): a GRU decoder whose
 * every step also reads a context vector {@code c}, the thought vector {@code h_i} of the encoded sentence,
 * through its own matrices {@code C_r, C_z, C}. With teacher forcing, the input of step {@code t} is the
 * embedding of the word before the one the step predicts ({@code x_{t−1}} in the paper's numbering; the
 * caller shifts the words).
 *
 * <h2>Equations</h2>
 * With the reset gate applied before the recurrent product, as in the paper (and in Cho et al.'s GRU, not
 * PyTorch's), and the update gate weighting the new candidate:
 * <pre>
 *   r_t = σ(W_r x_t + U_r h_{t−1} + C_r c + b_r)                                   (B, H)
 *   z_t = σ(W_z x_t + U_z h_{t−1} + C_z c + b_z)                                   (B, H)
 *   n_t = tanh(W x_t + U (r_t ⊙ h_{t−1}) + C c + b_n)                              (B, H)
 *   h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ n_t                                          (B, H)
 * </pre>
 * The matrices are packed in the gate order {@code r, z, n} of PyTorch's GRU:
 * <pre>
 *   weight_ih (3H, I) = [W_r; W_z; W]     weight_hh (3H, H) = [U_r; U_z; U]
 *   weight_ch (3H, K) = [C_r; C_z; C]     bias_ih   (3H)    = [b_r; b_z; b_n]
 * </pre>
 * The products that do not change from step to step are computed once, each as one matrix product:
 * <pre>
 *   G = X·weight_ihᵀ + bias_ih + 1_T ⊗ (c·weight_chᵀ)        (T·B, 3H)   all steps; c·weight_chᵀ is (B, 3H)
 *   per step: [a_r | a_z] = G_t[:, 0:2H] + h_{t−1}·[U_r; U_z]ᵀ,   a_n = G_t[:, 2H:3H] + s_t·Uᵀ
 *             with s_t = r_t ⊙ h_{t−1}
 * </pre>
 *
 * <h2>Gradients</h2>
 * Backward walks the steps in reverse, with {@code dh} the whole gradient into {@code h_t} (the output's
 * row plus what step {@code t + 1} passed back):
 * <pre>
 *   dn   = dh ⊙ z_t ⊙ (1 − n_t²)                  ∂/∂a_n                                  (B, H)
 *   dz   = dh ⊙ (n_t − h_{t−1}) ⊙ z_t (1 − z_t)   ∂/∂a_z                                  (B, H)
 *   ds   = dn · U                                 ∂/∂s_t                                  (B, H)
 *   dr   = ds ⊙ h_{t−1} ⊙ r_t (1 − r_t)           ∂/∂a_r                                  (B, H)
 *   dh_{t−1} = dh ⊙ (1 − z_t) + ds ⊙ r_t + [dr | dz] · [U_r; U_z]                         (B, H)
 *   dA_t = [dr | dz | dn]                                                                 (B, 3H)
 * </pre>
 * and then, over all steps at once:
 * <pre>
 *   dweight_ih += dAᵀ·X                 dX  = dA·weight_ih                                (T·B, I)
 *   dbias_ih   += Σ_rows dA
 *   dweight_hh[0:2H]  += dA[:, 0:2H]ᵀ · [h_{t−1}]_t       dweight_hh[2H:3H] += dA[:, 2H:3H]ᵀ · [s_t]_t
 *   dQ = Σ_t dA_t                                                                         (B, 3H)
 *   dweight_ch += dQᵀ·c                 dc  = dQ·weight_ch                                (B, K)
 *   dh0 = dh_{−1}, the gradient carried past the first step                               (B, H)
 * </pre>
 *
 * <h2>Variable lengths</h2>
 * With {@code lengths[b]} in {@code [1, T]}, steps {@code t ≥ lengths[b]} of sequence {@code b} are padding,
 * as in {@link org.seq4j.rnn.RecurrentLayer}: they leave the state unchanged, their output rows are zero,
 * the gradient in their {@code dOutput} rows is ignored, and {@code dh} passes through them unchanged. The
 * final state of sequence {@code b} is its state after step {@code lengths[b] − 1}. Padded rows of
 * {@code x} are never used but must be finite (forward checks them: backward multiplies them by zero).
 *
 * <h2>Caches</h2>
 * {@link #forward} fills a {@link Cache} the caller owns (or a new one) and returns it; any number may be
 * alive at once (the two decoders of a model run before either backward). A cache is consumed by one
 * {@link #backward}; a second backward, or a backward before any forward, throws
 * {@link IllegalStateException}, and a cache of another module {@link IllegalArgumentException}. A cache's
 * buffers only grow: once a cache has seen the largest {@code T·B} of a training run, its forwards and
 * backwards allocate nothing.
 *
 * <p>Parameters are initialised as PyTorch initialises a GRU, uniform in {@code (−1/√H, 1/√H)}. Not
 * thread-safe: backward adds into the gradients. Large products are split over {@link Gemm#threads()}
 * threads by the kernels, with the same result bit for bit.
 */
public final class ConditionalGru implements Module {

    private final int inputSize;
    private final int hiddenSize;
    private final int contextSize;
    private final Parameter weightIh;
    private final Parameter weightHh;
    private final Parameter weightCh;
    private final Parameter biasIh;
    private final Parameters parameters;

    /**
     * Creates the decoder with PyTorch's GRU initialisation, every entry from {@code U(−1/√H, 1/√H)}, drawn
     * in the order {@code weight_ih, weight_hh, weight_ch, bias_ih}.
     *
     * @param inputSize   {@code I}, the size of the step inputs (the word embedding), at least 1
     * @param hiddenSize  {@code H}, at least 1
     * @param contextSize {@code K}, the size of the context (thought) vector, at least 1
     * @param random      random stream of the initialisation; advanced
     * @throws IllegalArgumentException if a size is below 1 or {@code random} is null
     */
    public ConditionalGru(int inputSize, int hiddenSize, int contextSize, RandomGenerator random) {
        if (inputSize < 1 || hiddenSize < 1 || contextSize < 1) {
            throw new IllegalArgumentException("inputSize, hiddenSize and contextSize must be at least 1 but were "
                    + inputSize + ", " + hiddenSize + " and " + contextSize);
        }
        if (random == null) {
            throw new IllegalArgumentException("random must not be null");
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.contextSize = contextSize;
        int gw = 3 * hiddenSize;
        this.weightIh = new Parameter("weight_ih", gw, inputSize);
        this.weightHh = new Parameter("weight_hh", gw, hiddenSize);
        this.weightCh = new Parameter("weight_ch", gw, contextSize);
        this.biasIh = new Parameter("bias_ih", gw);
        this.parameters = Parameters.of(weightIh, weightHh, weightCh, biasIh);
        double bound = 1.0 / Math.sqrt(hiddenSize);
        for (Parameter p : parameters) {
            Init.uniform(p.value(), bound, random);
        }
    }

    /**
     * The step input size.
     *
     * @return {@code I}
     */
    public int inputSize() {
        return inputSize;
    }

    /**
     * The hidden size.
     *
     * @return {@code H}
     */
    public int hiddenSize() {
        return hiddenSize;
    }

    /**
     * The context size.
     *
     * @return {@code K}
     */
    public int contextSize() {
        return contextSize;
    }

    /**
     * The parameters {@code weight_ih (3H, I), weight_hh (3H, H), weight_ch (3H, K), bias_ih (3H)}.
     *
     * @return the registry (the same live object on every call)
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /**
     * Creates an empty cache for {@link #forward} to fill.
     *
     * @return a new cache of this module
     */
    public Cache newCache() {
        return new Cache(this);
    }

    // ----------------------------------------------------------------------------------------------
    // Forward

    /**
     * Runs the decoder over a teacher-forced batch.
     *
     * @param x         (T·B, I) step inputs, time-major; not modified, and must not be modified before backward
     * @param batchSize {@code B}, at least 1
     * @param lengths   the length of each sequence, each in {@code [1, T]}, or null for all {@code T}; not
     *                  modified (copied)
     * @param context   (B, K) the context vector of each sequence; not modified (copied)
     * @param h0        (B, H) initial state, or null for zeros; not modified (copied)
     * @param reuse     a cache of this module to fill (whatever it held), or null for a new one
     * @return {@code reuse} or the new cache, holding the output and the final state
     * @throws IllegalArgumentException if a shape or length is wrong, a padded row of {@code x} is not
     *                                  finite, or {@code reuse} belongs to another module
     */
    public Cache forward(FMatrixRMaj x, int batchSize, int[] lengths, FMatrixRMaj context, FMatrixRMaj h0,
                         Cache reuse) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        if (x == null || x.numCols != inputSize || x.numRows == 0 || x.numRows % batchSize != 0) {
            throw new IllegalArgumentException("x must be (T·B, " + inputSize + ") with B = " + batchSize
                    + " and T ≥ 1 but was " + (x == null ? "null" : Tensors.shape(x)));
        }
        int steps = x.numRows / batchSize;
        checkLengths(lengths, batchSize, steps);
        Tensors.checkShape(context, batchSize, contextSize, "context");
        if (h0 != null) {
            Tensors.checkShape(h0, batchSize, hiddenSize, "h0");
        }
        checkPaddedRows(x, batchSize, steps, lengths);
        if (reuse != null && reuse.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another module");
        }
        Cache cc = reuse != null ? reuse : newCache();
        cc.prepare(x, steps, batchSize, lengths);
        int b = batchSize;
        int hs = hiddenSize;
        int gw = 3 * hs;
        int rows = steps * b;
        cc.context.setTo(context);
        float[] states = cc.states.data;   // ((T+1)·B, H): block 0 is h0, block t+1 is h_t
        if (h0 != null) {
            System.arraycopy(h0.data, 0, states, 0, b * hs);
        } else {
            Arrays.fill(states, 0, b * hs, 0f);
        }

        // Q: (B, 3H) = c·weight_chᵀ, once; G: (T·B, 3H) = X·weight_ihᵀ + bias_ih + Q, all steps
        float[] q = cc.contextProduct.data;
        Gemm.sgemm(false, true, b, gw, contextSize, cc.context.data, 0, contextSize,
                weightCh.value().data, 0, contextSize, false, q, 0, gw);
        float[] gates = cc.gates.data;
        float[] bias = biasIh.value().data;
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < b; r++) {
                int g = (t * b + r) * gw;
                int qr = r * gw;
                for (int j = 0; j < gw; j++) {
                    gates[g + j] = bias[j] + q[qr + j];
                }
            }
        }
        Gemm.sgemm(false, true, rows, gw, inputSize, x.data, 0, inputSize, weightIh.value().data, 0, inputSize,
                true, gates, 0, gw);

        // Uᵀ: (H, 3H), the layout of the per-step products
        float[] ut = cc.weightHhT;
        float[] u = weightHh.value().data;
        for (int i = 0; i < gw; i++) {
            for (int p = 0; p < hs; p++) {
                ut[p * gw + i] = u[i * hs + p];
            }
        }
        float[] s = cc.resetState.data;    // (T·B, H): s_t = r_t ⊙ h_{t−1}
        for (int t = 0; t < steps; t++) {
            int prev = t * b * hs;        // h_{t−1}: block t of states
            int g = t * b * gw;
            // [a_r | a_z] += h_{t−1}·[U_r; U_z]ᵀ
            Gemm.sgemm(false, false, b, 2 * hs, hs, states, prev, hs, ut, 0, gw, true, gates, g, gw);
            for (int r = 0; r < b; r++) {
                int gr = g + r * gw;
                FloatActivations.sigmoid(gates, gr, gr + 2 * hs);
                int sr = (t * b + r) * hs;
                int hr = prev + r * hs;
                if (cc.isActive(t, r)) {
                    for (int j = 0; j < hs; j++) {
                        s[sr + j] = gates[gr + j] * states[hr + j];
                    }
                } else {
                    Arrays.fill(s, sr, sr + hs, 0f);
                }
            }
            // a_n += s_t·Uᵀ
            Gemm.sgemm(false, false, b, hs, hs, s, t * b * hs, hs, ut, 2 * hs, gw, true, gates, g + 2 * hs, gw);
            int next = (t + 1) * b * hs;
            for (int r = 0; r < b; r++) {
                int hr = prev + r * hs;
                int ho = next + r * hs;
                if (!cc.isActive(t, r)) {
                    System.arraycopy(states, hr, states, ho, hs);
                    continue;
                }
                int gr = g + r * gw;
                int n = gr + 2 * hs;
                FloatActivations.tanh(gates, n, n + hs);
                int z = gr + hs;
                for (int j = 0; j < hs; j++) {
                    float hp = states[hr + j];
                    states[ho + j] = hp + gates[z + j] * (gates[n + j] - hp);   // (1 − z)·h + z·n
                }
            }
        }
        // output: (T·B, H), zero at padded steps; hN: (B, H), each sequence's state after its last step
        float[] out = cc.output.data;
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < b; r++) {
                int o = (t * b + r) * hs;
                if (cc.isActive(t, r)) {
                    System.arraycopy(states, o + b * hs, out, o, hs);
                } else {
                    Arrays.fill(out, o, o + hs, 0f);
                }
            }
        }
        System.arraycopy(states, rows * hs, cc.finalHidden.data, 0, b * hs);
        cc.stage = Cache.Stage.FILLED;
        return cc;
    }

    // ----------------------------------------------------------------------------------------------
    // Backward

    /**
     * Backpropagates through all steps: adds ({@code +=}) into the gradients of every parameter and writes
     * {@link Cache#dx()}, {@link Cache#dContext()} and {@link Cache#dh0()}. Consumes the cache.
     *
     * @param cache   the cache of this module's forward
     * @param dOutput (T·B, H) gradient with respect to the output, or null for none; rows of padded steps
     *                are ignored; not modified
     * @param dhN     (B, H) gradient with respect to the final state, or null for none; not modified
     * @throws IllegalArgumentException if the cache belongs to another module or a shape is wrong
     * @throws IllegalStateException    if no forward filled the cache, or backward already consumed it
     */
    public void backward(Cache cache, FMatrixRMaj dOutput, FMatrixRMaj dhN) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must come from this module's forward");
        }
        if (cache.stage == Cache.Stage.EMPTY) {
            throw new IllegalStateException("no forward has filled this cache");
        }
        if (cache.stage == Cache.Stage.CONSUMED) {
            throw new IllegalStateException("backward already consumed this cache; run forward again");
        }
        int steps = cache.steps;
        int b = cache.batch;
        int hs = hiddenSize;
        int gw = 3 * hs;
        int rows = steps * b;
        if (dOutput != null) {
            Tensors.checkShape(dOutput, rows, hs, "dOutput");
        }
        if (dhN != null) {
            Tensors.checkShape(dhN, b, hs, "dhN");
        }
        cache.prepareBackward();
        float[] dh = cache.dh0.data;   // (B, H): the gradient carried from step t + 1 to step t
        if (dhN != null) {
            System.arraycopy(dhN.data, 0, dh, 0, b * hs);
        } else {
            Arrays.fill(dh, 0, b * hs, 0f);
        }
        float[] gates = cache.gates.data;
        float[] states = cache.states.data;
        float[] dA = cache.dGates.data;   // (T·B, 3H)
        float[] ds = cache.dResetState;   // (B, H)
        float[] dOut = dOutput == null ? null : dOutput.data;
        float[] u = weightHh.value().data;
        for (int t = steps - 1; t >= 0; t--) {
            int prev = t * b * hs;
            int g = t * b * gw;
            for (int r = 0; r < b; r++) {
                int row = r * hs;
                int gr = g + r * gw;
                if (!cache.isActive(t, r)) {
                    Arrays.fill(dA, gr, gr + gw, 0f);   // dh passes through unchanged
                    continue;
                }
                if (dOut != null) {
                    int o = (t * b + r) * hs;
                    for (int j = 0; j < hs; j++) {
                        dh[row + j] += dOut[o + j];
                    }
                }
                int z = gr + hs;
                int n = gr + 2 * hs;
                int hr = prev + row;
                for (int j = 0; j < hs; j++) {   // dn: the gradient of a_n
                    float nj = gates[n + j];
                    dA[n + j] = dh[row + j] * gates[z + j] * (1f - nj * nj);
                }
                for (int j = 0; j < hs; j++) {   // dz: the gradient of a_z
                    float zj = gates[z + j];
                    dA[z + j] = dh[row + j] * (gates[n + j] - states[hr + j]) * zj * (1f - zj);
                }
                for (int j = 0; j < hs; j++) {   // the direct path h_{t−1} → h_t
                    dh[row + j] *= 1f - gates[z + j];
                }
            }
            // ds: (B, H) = dn·U
            Gemm.sgemm(false, false, b, hs, hs, dA, g + 2 * hs, gw, u, 2 * hs * hs, hs, false, ds, 0, hs);
            for (int r = 0; r < b; r++) {
                if (!cache.isActive(t, r)) {
                    continue;
                }
                int row = r * hs;
                int gr = g + r * gw;
                int hr = prev + row;
                for (int j = 0; j < hs; j++) {   // dr: the gradient of a_r; then the path through s_t = r ⊙ h
                    float rj = gates[gr + j];
                    dA[gr + j] = ds[row + j] * states[hr + j] * rj * (1f - rj);
                    dh[row + j] += ds[row + j] * rj;
                }
            }
            // dh_{t−1} += [dr | dz]·[U_r; U_z] (zero rows for padded steps: dh passes through)
            Gemm.sgemm(false, false, b, hs, 2 * hs, dA, g, gw, u, 0, hs, true, dh, 0, hs);
        }
        // over all steps: the weight gradients and the input and context gradients
        float[] x = cache.x.data;
        Gemm.sgemm(true, false, gw, inputSize, rows, dA, 0, gw, x, 0, inputSize, true,
                weightIh.grad().data, 0, inputSize);
        Gemm.sgemm(true, false, 2 * hs, hs, rows, dA, 0, gw, states, 0, hs, true, weightHh.grad().data, 0, hs);
        Gemm.sgemm(true, false, hs, hs, rows, dA, 2 * hs, gw, cache.resetState.data, 0, hs, true,
                weightHh.grad().data, 2 * hs * hs, hs);
        Gemm.sgemm(false, false, rows, inputSize, gw, dA, 0, gw, weightIh.value().data, 0, inputSize, false,
                cache.dx.data, 0, inputSize);
        float[] dq = cache.dContextProduct.data;   // (B, 3H) = Σ_t dA_t
        Arrays.fill(dq, 0, b * gw, 0f);
        for (int t = 0; t < steps; t++) {
            int g = t * b * gw;
            for (int i = 0; i < b * gw; i++) {
                dq[i] += dA[g + i];
            }
        }
        float[] db = biasIh.grad().data;
        for (int r = 0; r < b; r++) {
            int qr = r * gw;
            for (int j = 0; j < gw; j++) {
                db[j] += dq[qr + j];
            }
        }
        Gemm.sgemm(true, false, gw, contextSize, b, dq, 0, gw, cache.context.data, 0, contextSize, true,
                weightCh.grad().data, 0, contextSize);
        Gemm.sgemm(false, false, b, contextSize, gw, dq, 0, gw, weightCh.value().data, 0, contextSize, false,
                cache.dContext.data, 0, contextSize);
        cache.stage = Cache.Stage.CONSUMED;
    }

    private static void checkLengths(int[] lengths, int batch, int steps) {
        if (lengths == null) {
            return;
        }
        if (lengths.length != batch) {
            throw new IllegalArgumentException("lengths must have B = " + batch + " entries but had "
                    + lengths.length);
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException("lengths[" + b + "] must be in [1, " + steps + "] but was "
                        + lengths[b]);
            }
        }
    }

    /** Padded rows of x must be finite: backward multiplies them by a zero gradient (0·NaN = NaN). */
    private void checkPaddedRows(FMatrixRMaj x, int batch, int steps, int[] lengths) {
        if (lengths == null) {
            return;
        }
        for (int b = 0; b < batch; b++) {
            for (int t = lengths[b]; t < steps; t++) {
                int row = t * batch + b;
                for (int i = 0; i < inputSize; i++) {
                    float v = x.data[row * inputSize + i];
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("x row " + row + " (step " + t + " of sequence " + b
                                + ", padding since lengths[" + b + "] = " + lengths[b]
                                + ") must be finite but column " + i + " was " + v);
                    }
                }
            }
        }
    }

    /**
     * Describes the module.
     *
     * @return e.g. {@code ConditionalGru(input=64, hidden=128, context=128)}
     */
    @Override
    public String toString() {
        return "ConditionalGru(input=" + inputSize + ", hidden=" + hiddenSize + ", context=" + contextSize + ")";
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * What a {@link ConditionalGru#forward} computed and its backward needs; after the backward, also the
     * gradients of the inputs. Owned by the caller; see the class documentation for its life cycle.
     *
     * <p>The accessors return the cache's own matrices, of exactly the shapes documented; their arrays may be
     * longer than the shape (a cache's buffers only grow), so read them through the shape, as every seq4j
     * operation does. The next forward into the cache overwrites them.
     */
    public static final class Cache {

        /** Where the cache is in its life cycle. */
        enum Stage {
            /** No forward has filled the cache. */
            EMPTY,
            /** A forward has filled the cache; backward may consume it. */
            FILLED,
            /** A backward has consumed the cache. */
            CONSUMED
        }

        private final ConditionalGru owner;
        Stage stage = Stage.EMPTY;
        int steps;
        int batch;
        FMatrixRMaj x;
        private int[] lengths = new int[0];
        private boolean hasLengths;
        // context (B, K) copy; contextProduct (B, 3H) = c·weight_chᵀ
        final FMatrixRMaj context = new FMatrixRMaj(0, 0);
        final FMatrixRMaj contextProduct = new FMatrixRMaj(0, 0);
        // gates (T·B, 3H): pre-activations, then r, z, n; states ((T+1)·B, H): h0, h_0 … h_{T−1}
        final FMatrixRMaj gates = new FMatrixRMaj(0, 0);
        final FMatrixRMaj states = new FMatrixRMaj(0, 0);
        // resetState (T·B, H): s_t = r_t ⊙ h_{t−1}
        final FMatrixRMaj resetState = new FMatrixRMaj(0, 0);
        // output (T·B, H); finalHidden (B, H)
        final FMatrixRMaj output = new FMatrixRMaj(0, 0);
        final FMatrixRMaj finalHidden = new FMatrixRMaj(0, 0);
        // Uᵀ (H, 3H), refreshed by every forward
        float[] weightHhT;
        // backward: dGates (T·B, 3H); dContextProduct (B, 3H); dResetState (B, H); dx (T·B, I); dContext (B, K);
        // dh0 (B, H)
        final FMatrixRMaj dGates = new FMatrixRMaj(0, 0);
        final FMatrixRMaj dContextProduct = new FMatrixRMaj(0, 0);
        float[] dResetState = new float[0];
        final FMatrixRMaj dx = new FMatrixRMaj(0, 0);
        final FMatrixRMaj dContext = new FMatrixRMaj(0, 0);
        final FMatrixRMaj dh0 = new FMatrixRMaj(0, 0);

        Cache(ConditionalGru owner) {
            this.owner = owner;
            this.weightHhT = new float[3 * owner.hiddenSize * owner.hiddenSize];
        }

        void prepare(FMatrixRMaj input, int newSteps, int newBatch, int[] newLengths) {
            stage = Stage.EMPTY;
            x = input;
            steps = newSteps;
            batch = newBatch;
            hasLengths = newLengths != null;
            if (lengths.length < newBatch) {
                lengths = new int[newBatch];
            }
            if (hasLengths) {
                System.arraycopy(newLengths, 0, lengths, 0, newBatch);
            }
            int hs = owner.hiddenSize;
            int rows = newSteps * newBatch;
            context.reshape(newBatch, owner.contextSize);
            contextProduct.reshape(newBatch, 3 * hs);
            gates.reshape(rows, 3 * hs);
            states.reshape(rows + newBatch, hs);
            resetState.reshape(rows, hs);
            output.reshape(rows, hs);
            finalHidden.reshape(newBatch, hs);
        }

        void prepareBackward() {
            int hs = owner.hiddenSize;
            int rows = steps * batch;
            dGates.reshape(rows, 3 * hs);
            dContextProduct.reshape(batch, 3 * hs);
            if (dResetState.length < batch * hs) {
                dResetState = new float[batch * hs];
            }
            dx.reshape(rows, owner.inputSize);
            dContext.reshape(batch, owner.contextSize);
            dh0.reshape(batch, hs);
        }

        boolean isActive(int t, int b) {
            return !hasLengths || t < lengths[b];
        }

        /**
         * Number of steps {@code T} of the latest forward.
         *
         * @return T
         */
        public int timeSteps() {
            return steps;
        }

        /**
         * Batch size {@code B} of the latest forward.
         *
         * @return B
         */
        public int batchSize() {
            return batch;
        }

        /**
         * The hidden state of every step.
         *
         * @return (T·B, H); rows of padded steps are zero
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj output() {
            checkForward();
            return output;
        }

        /**
         * Each sequence's state after its own last step.
         *
         * @return (B, H)
         * @throws IllegalStateException if no forward has filled the cache
         */
        public FMatrixRMaj finalHidden() {
            checkForward();
            return finalHidden;
        }

        /**
         * Gradient with respect to the step inputs.
         *
         * @return (T·B, I); rows of padded steps are zero
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dx() {
            checkBackward();
            return dx;
        }

        /**
         * Gradient with respect to the context vectors.
         *
         * @return (B, K)
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dContext() {
            checkBackward();
            return dContext;
        }

        /**
         * Gradient with respect to the initial state.
         *
         * @return (B, H)
         * @throws IllegalStateException if backward has not run since the latest forward
         */
        public FMatrixRMaj dh0() {
            checkBackward();
            return dh0;
        }

        private void checkForward() {
            if (stage == Stage.EMPTY) {
                throw new IllegalStateException("no forward has filled this cache");
            }
        }

        private void checkBackward() {
            if (stage != Stage.CONSUMED) {
                throw new IllegalStateException("backward has not run since the latest forward");
            }
        }
    }
}
