package org.seq4j.rnn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/**
 * How the parameters of a {@link RecurrentCell} are initialised: an immutable choice made of a base
 * scheme and optional overrides, applied with an explicit random stream.
 *
 * <pre>
 *   base schemes
 *     pytorchDefault()   every weight and bias ~ U(−1/√H, 1/√H)            (torch.nn.RNN/LSTM/GRU)
 *     gaussian(σ)        every weight ~ N(0, σ²), every bias = 0          (min-char-rnn: σ = 0.01)
 *   overrides
 *     withXavierInputWeights()          weight_ih ~ U(−a, a), a = √(6 / (I + H)), per gate block (Glorot)
 *     withOrthogonalRecurrentWeights()  each (H, H) gate block of weight_hh is a random orthogonal matrix
 *     withForgetGateBias(v)             LSTM: bias_ih[f] = v and bias_hh[f] = 0, so the forget gate starts
 *                                       at σ(v + …); v = 1 is the usual choice (Jozefowicz et al., 2015)
 * </pre>
 *
 * <p>The parameters are drawn in registration order ({@code weight_ih}, {@code weight_hh},
 * {@code bias_ih}, {@code bias_hh}), row by row, so that a seed fixes every value.
 */
public final class RecurrentInit {

    private enum Base { PYTORCH_DEFAULT, GAUSSIAN }

    private final Base base;
    private final float std;
    private final boolean xavierInputWeights;
    private final boolean orthogonalRecurrentWeights;
    private final boolean hasForgetGateBias;
    private final float forgetGateBias;

    private RecurrentInit(Base base, float std, boolean xavierInputWeights, boolean orthogonalRecurrentWeights,
                          boolean hasForgetGateBias, float forgetGateBias) {
        this.base = base;
        this.std = std;
        this.xavierInputWeights = xavierInputWeights;
        this.orthogonalRecurrentWeights = orthogonalRecurrentWeights;
        this.hasForgetGateBias = hasForgetGateBias;
        this.forgetGateBias = forgetGateBias;
    }

    /**
     * PyTorch's default: every weight and bias uniform in {@code (−1/√H, 1/√H)}.
     *
     * @return the scheme
     */
    public static RecurrentInit pytorchDefault() {
        return new RecurrentInit(Base.PYTORCH_DEFAULT, 0f, false, false, false, 0f);
    }

    /**
     * The classic Gaussian scheme: weights {@code N(0, std²)}, biases zero.
     *
     * @param std standard deviation, positive and finite (0.01 in min-char-rnn)
     * @return the scheme
     * @throws IllegalArgumentException if {@code std} is not positive and finite
     */
    public static RecurrentInit gaussian(float std) {
        if (!(std > 0f && Float.isFinite(std))) {
            throw new IllegalArgumentException("std must be positive and finite but was " + std);
        }
        return new RecurrentInit(Base.GAUSSIAN, std, false, false, false, 0f);
    }

    /**
     * A copy that draws {@code weight_ih} from Xavier/Glorot's uniform {@code U(−a, a)},
     * {@code a = √(6 / (I + H))} (each gate block is an {@code (H, I)} map).
     *
     * @return the new scheme
     */
    public RecurrentInit withXavierInputWeights() {
        return new RecurrentInit(base, std, true, orthogonalRecurrentWeights, hasForgetGateBias, forgetGateBias);
    }

    /**
     * A copy that makes each {@code (H, H)} gate block of {@code weight_hh} a random orthogonal matrix
     * (Saxe et al., 2014), drawn uniformly (Gram–Schmidt of a Gaussian matrix).
     *
     * @return the new scheme
     */
    public RecurrentInit withOrthogonalRecurrentWeights() {
        return new RecurrentInit(base, std, xavierInputWeights, true, hasForgetGateBias, forgetGateBias);
    }

    /**
     * A copy that sets the LSTM forget-gate bias: {@code bias_ih[H:2H] = value}, {@code bias_hh[H:2H] = 0}.
     *
     * @param value the forget-gate bias, finite (1.0 is the common choice)
     * @return the new scheme
     * @throws IllegalArgumentException if the value is not finite
     */
    public RecurrentInit withForgetGateBias(float value) {
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("forget-gate bias must be finite but was " + value);
        }
        return new RecurrentInit(base, std, xavierInputWeights, orthogonalRecurrentWeights, true, value);
    }

    /**
     * Overwrites the parameter values of a cell.
     *
     * @param cell   the cell; its parameter values are overwritten, gradients untouched
     * @param random the random stream; advanced
     * @throws IllegalArgumentException if a forget-gate bias is set for a cell that is not an LSTM or has
     *                                  no biases
     */
    public void initialize(RecurrentCell cell, RandomGenerator random) {
        if (hasForgetGateBias && (cell.type() != CellType.LSTM || !cell.hasBias())) {
            throw new IllegalArgumentException(
                    "a forget-gate bias needs an LSTM cell with biases but the cell is " + cell.type()
                            + (cell.hasBias() ? "" : " without biases"));
        }
        int h = cell.hiddenSize();
        int gates = cell.type().gateCount();
        float bound = (float) (1.0 / Math.sqrt(h));

        FMatrixRMaj weightIh = cell.weightIh().value();
        if (xavierInputWeights) {
            fillUniform(weightIh, (float) Math.sqrt(6.0 / (cell.inputSize() + h)), random);
        } else {
            fillBase(weightIh, bound, random);
        }

        FMatrixRMaj weightHh = cell.weightHh().value();
        if (orthogonalRecurrentWeights) {
            for (int g = 0; g < gates; g++) {
                fillOrthogonal(weightHh.data, g * h * h, h, random);
            }
        } else {
            fillBase(weightHh, bound, random);
        }

        if (cell.hasBias()) {
            FMatrixRMaj biasIh = cell.biasIh().value();
            FMatrixRMaj biasHh = cell.biasHh().value();
            fillBias(biasIh, bound, random);
            fillBias(biasHh, bound, random);
            if (hasForgetGateBias) {
                Arrays.fill(biasIh.data, h, 2 * h, forgetGateBias);
                Arrays.fill(biasHh.data, h, 2 * h, 0f);
            }
        }
    }

    private void fillBase(FMatrixRMaj weight, float bound, RandomGenerator random) {
        if (base == Base.PYTORCH_DEFAULT) {
            fillUniform(weight, bound, random);
        } else {
            int n = weight.getNumElements();
            for (int i = 0; i < n; i++) {
                weight.data[i] = (float) (std * random.nextGaussian());
            }
        }
    }

    private void fillBias(FMatrixRMaj bias, float bound, RandomGenerator random) {
        if (base == Base.PYTORCH_DEFAULT) {
            fillUniform(bias, bound, random);
        } else {
            Arrays.fill(bias.data, 0, bias.getNumElements(), 0f);
        }
    }

    private static void fillUniform(FMatrixRMaj m, float bound, RandomGenerator random) {
        int n = m.getNumElements();
        for (int i = 0; i < n; i++) {
            m.data[i] = (float) ((2.0 * random.nextDouble() - 1.0) * bound);
        }
    }

    /**
     * Writes a random orthogonal {@code (n, n)} matrix at {@code off}: modified Gram–Schmidt, in double,
     * on the rows of a standard Gaussian matrix. The implied {@code R} has a positive diagonal, which
     * makes the result uniformly (Haar) distributed.
     */
    static void fillOrthogonal(float[] out, int off, int n, RandomGenerator random) {
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = random.nextGaussian();
            }
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < i; k++) {
                double dot = 0.0;
                for (int j = 0; j < n; j++) {
                    dot += q[i][j] * q[k][j];
                }
                for (int j = 0; j < n; j++) {
                    q[i][j] -= dot * q[k][j];
                }
            }
            double norm = 0.0;
            for (int j = 0; j < n; j++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < n; j++) {
                out[off + i * n + j] = (float) (q[i][j] / norm);
            }
            for (int j = 0; j < n; j++) {
                q[i][j] /= norm;
            }
        }
    }

    /**
     * Describes the scheme.
     *
     * @return e.g. {@code RecurrentInit[gaussian(0.01), orthogonal weight_hh, forget bias 1.0]}
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("RecurrentInit[");
        s.append(base == Base.PYTORCH_DEFAULT ? "uniform(±1/√H)" : "gaussian(" + std + ")");
        if (xavierInputWeights) {
            s.append(", xavier weight_ih");
        }
        if (orthogonalRecurrentWeights) {
            s.append(", orthogonal weight_hh");
        }
        if (hasForgetGateBias) {
            s.append(", forget bias ").append(forgetGateBias);
        }
        return s.append(']').toString();
    }
}
