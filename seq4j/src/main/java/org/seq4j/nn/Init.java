package org.seq4j.nn;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Seeded initializers, as in {@code torch.nn.init}; each fills a matrix in place from an explicit random
 * stream, so that the same stream gives the same values.
 *
 * <p>Fan-in and fan-out of a weight {@code W: (rows, cols)} are as PyTorch computes them for a 2-D weight
 * {@code [out, in]}: {@code fanIn = cols}, {@code fanOut = rows}.
 *
 * <pre>
 *   normal(σ):           W_ij ~ N(0, σ²)
 *   uniform(k):          W_ij ~ U(−k, k)
 *   xavierUniform(gain): W_ij ~ U(−a, a),    a = gain · √(6 / (fanIn + fanOut))
 *   xavierNormal(gain):  W_ij ~ N(0, s²),    s = gain · √(2 / (fanIn + fanOut))
 *   orthogonal(gain):    W = gain · Q,       Q with orthonormal rows or columns (see orthogonal)
 *   rnnUniform(H):       every parameter ~ U(−k, k),  k = 1/√H   (PyTorch's RNN, LSTM and GRU default)
 *   normalWeightsZeroBiases(σ): 2-D parameters ~ N(0, σ²), 1-D parameters = 0  (min-char-rnn, σ = 0.01)
 * </pre>
 * Gains follow {@code torch.nn.init.calculate_gain}: {@link #GAIN_LINEAR}, {@link #GAIN_TANH},
 * {@link #GAIN_RELU}.
 */
public final class Init {

    /** Gain for linear and sigmoid layers: 1. */
    public static final double GAIN_LINEAR = 1.0;
    /** Gain for tanh layers: 5/3. */
    public static final double GAIN_TANH = 5.0 / 3.0;
    /** Gain for relu layers: √2. */
    public static final double GAIN_RELU = Math.sqrt(2.0);

    private Init() {
    }

    /**
     * Sets every entry to zero.
     *
     * @param m any shape; overwritten
     */
    public static void zeros(FMatrixRMaj m) {
        java.util.Arrays.fill(m.data, 0, m.getNumElements(), 0f);
    }

    /**
     * Fills with {@code N(0, std²)} samples.
     *
     * @param m      any shape; overwritten
     * @param std    standard deviation σ ≥ 0
     * @param random the random stream; advanced
     * @throws IllegalArgumentException if {@code std} is negative or not finite, or {@code random} is null
     */
    public static void normal(FMatrixRMaj m, double std, RandomGenerator random) {
        checkNonNegative(std, "std");
        checkRandom(random);
        int n = m.getNumElements();
        for (int i = 0; i < n; i++) {
            m.data[i] = (float) (std * random.nextGaussian());
        }
    }

    /**
     * Fills with {@code U(−bound, bound)} samples.
     *
     * @param m      any shape; overwritten
     * @param bound  {@code k ≥ 0}
     * @param random the random stream; advanced
     * @throws IllegalArgumentException if {@code bound} is negative or not finite, or {@code random} is null
     */
    public static void uniform(FMatrixRMaj m, double bound, RandomGenerator random) {
        checkNonNegative(bound, "bound");
        checkRandom(random);
        int n = m.getNumElements();
        for (int i = 0; i < n; i++) {
            m.data[i] = (float) (bound * (2.0 * random.nextDouble() - 1.0));
        }
    }

    /**
     * Xavier/Glorot uniform initialisation, as {@code torch.nn.init.xavier_uniform_}:
     * {@code U(−a, a)} with {@code a = gain · √(6 / (fanIn + fanOut))}.
     *
     * @param w      a weight (fanOut, fanIn); overwritten
     * @param gain   the gain, e.g. {@link #GAIN_TANH}; non-negative
     * @param random the random stream; advanced
     * @throws IllegalArgumentException if {@code gain} is negative or not finite, or {@code random} is null
     */
    public static void xavierUniform(FMatrixRMaj w, double gain, RandomGenerator random) {
        checkNonNegative(gain, "gain");
        uniform(w, gain * Math.sqrt(6.0 / (w.numRows + w.numCols)), random);
    }

    /**
     * Xavier/Glorot normal initialisation, as {@code torch.nn.init.xavier_normal_}:
     * {@code N(0, s²)} with {@code s = gain · √(2 / (fanIn + fanOut))}.
     *
     * @param w      a weight (fanOut, fanIn); overwritten
     * @param gain   the gain, e.g. {@link #GAIN_TANH}; non-negative
     * @param random the random stream; advanced
     * @throws IllegalArgumentException if {@code gain} is negative or not finite, or {@code random} is null
     */
    public static void xavierNormal(FMatrixRMaj w, double gain, RandomGenerator random) {
        checkNonNegative(gain, "gain");
        normal(w, gain * Math.sqrt(2.0 / (w.numRows + w.numCols)), random);
    }

    /**
     * Orthogonal initialisation, as {@code torch.nn.init.orthogonal_} (Saxe et al. 2014, "Exact solutions
     * to the nonlinear dynamics of learning in deep linear neural networks"):
     * <pre>
     *   A ~ N(0, 1), (rows, cols); transposed if rows &lt; cols, so that A is tall: (m, n), m ≥ n
     *   A = Q·R                           QR decomposition (EJML Householder), Q: (m, n), R: (n, n)
     *   Q(:, j) ·= sign(R(j, j))          makes the decomposition unique, hence Q Haar-distributed
     *   W = gain · Q, transposed back if rows &lt; cols
     * </pre>
     * The result has orthonormal columns ({@code WᵀW = gain²·I}) if {@code rows ≥ cols}, else orthonormal
     * rows ({@code WWᵀ = gain²·I}). A zero {@code R(j, j)} (probability zero) keeps its column's sign, where
     * PyTorch's {@code sign(0) = 0} would zero the column.
     *
     * @param w      a weight (rows, cols), at least one element; overwritten
     * @param gain   the gain; non-negative
     * @param random the random stream; advanced
     * @throws IllegalArgumentException if {@code w} is empty, {@code gain} is negative or not finite, or
     *                                  {@code random} is null
     * @throws IllegalStateException    if EJML's QR decomposition fails (not expected for Gaussian input)
     */
    public static void orthogonal(FMatrixRMaj w, double gain, RandomGenerator random) {
        checkNonNegative(gain, "gain");
        if (w.getNumElements() == 0) {
            throw new IllegalArgumentException("w must have at least one element but was (" + w.numRows + ", "
                    + w.numCols + ")");
        }
        boolean wide = w.numRows < w.numCols;
        int m = wide ? w.numCols : w.numRows;
        int n = wide ? w.numRows : w.numCols;
        FMatrixRMaj a = new FMatrixRMaj(m, n);  // (m, n), m ≥ n
        normal(a, 1.0, random);
        QRDecomposition<FMatrixRMaj> qr = DecompositionFactory_FDRM.qr(m, n);
        if (!qr.decompose(a)) {
            throw new IllegalStateException("QR decomposition failed for a (" + m + ", " + n + ") Gaussian matrix");
        }
        FMatrixRMaj q = qr.getQ(null, true);   // (m, n)
        FMatrixRMaj r = qr.getR(null, true);   // (n, n)
        for (int j = 0; j < n; j++) {
            float sign = r.get(j, j) < 0f ? -1f : 1f;
            for (int i = 0; i < m; i++) {
                float v = (float) (gain * sign * q.get(i, j));
                if (wide) {
                    w.set(j, i, v);
                } else {
                    w.set(i, j, v);
                }
            }
        }
    }

    /**
     * PyTorch's default for recurrent layers ({@code RNN}, {@code LSTM}, {@code GRU}): every parameter,
     * weights and biases alike, from {@code U(−k, k)} with {@code k = 1/√hiddenSize}, in registration order.
     *
     * @param parameters  the parameters; every value overwritten
     * @param hiddenSize  {@code H}, at least 1
     * @param random      the random stream; advanced
     * @throws IllegalArgumentException if {@code hiddenSize} is not positive or {@code random} is null
     */
    public static void rnnUniform(Parameters parameters, int hiddenSize, RandomGenerator random) {
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be positive but was " + hiddenSize);
        }
        double bound = 1.0 / Math.sqrt(hiddenSize);
        for (Parameter p : parameters) {
            uniform(p.value(), bound, random);
        }
    }

    /**
     * The classic char-RNN initialisation (Karpathy's min-char-rnn uses {@code σ = 0.01}): every 2-D
     * parameter (a weight) from {@code N(0, σ²)}, every 1-D parameter (a bias) zero, in registration order.
     *
     * @param parameters the parameters; every value overwritten
     * @param std        σ ≥ 0
     * @param random     the random stream; advanced
     * @throws IllegalArgumentException if {@code std} is negative or not finite, or {@code random} is null
     */
    public static void normalWeightsZeroBiases(Parameters parameters, double std, RandomGenerator random) {
        checkNonNegative(std, "std");
        checkRandom(random);
        for (Parameter p : parameters) {
            if (p.shape().length == 1) {
                zeros(p.value());
            } else {
                normal(p.value(), std, random);
            }
        }
    }

    private static void checkNonNegative(double x, String name) {
        if (!(x >= 0) || !Double.isFinite(x)) {
            throw new IllegalArgumentException(name + " must be finite and non-negative but was " + x);
        }
    }

    private static void checkRandom(RandomGenerator random) {
        if (random == null) {
            throw new IllegalArgumentException("random must not be null");
        }
    }
}
