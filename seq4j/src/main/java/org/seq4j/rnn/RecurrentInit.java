package org.seq4j.rnn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Init;

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
 *                                       ({@link Init#orthogonal}, gain 1)
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
     * (Saxe et al., 2014), drawn uniformly by {@link Init#orthogonal} with gain 1.
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
        double bound = 1.0 / Math.sqrt(h);

        FMatrixRMaj weightIh = cell.weightIh().value();
        if (xavierInputWeights) {
            // Glorot's bound of one (H, I) gate block, applied to all G blocks
            Init.uniform(weightIh, Math.sqrt(6.0 / (cell.inputSize() + h)), random);
        } else {
            fillWeight(weightIh, bound, random);
        }

        FMatrixRMaj weightHh = cell.weightHh().value();
        if (orthogonalRecurrentWeights) {
            FMatrixRMaj block = new FMatrixRMaj(h, h);
            for (int g = 0; g < gates; g++) {
                Init.orthogonal(block, 1.0, random);
                System.arraycopy(block.data, 0, weightHh.data, g * h * h, h * h);
            }
        } else {
            fillWeight(weightHh, bound, random);
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

    private void fillWeight(FMatrixRMaj weight, double bound, RandomGenerator random) {
        if (base == Base.PYTORCH_DEFAULT) {
            Init.uniform(weight, bound, random);
        } else {
            Init.normal(weight, std, random);
        }
    }

    private void fillBias(FMatrixRMaj bias, double bound, RandomGenerator random) {
        if (base == Base.PYTORCH_DEFAULT) {
            Init.uniform(bias, bound, random);
        } else {
            Init.zeros(bias);
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
