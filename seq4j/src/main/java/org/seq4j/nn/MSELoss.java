package org.seq4j.nn;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * Mean squared error, as {@code torch.nn.MSELoss}: the regression loss for continuous outputs, plus
 * optional per-example (per-row) weights.
 *
 * <pre>
 *   MEAN:      L = Σ_r s[r] Σ_c (x(r, c) − t(r, c))² / (C · Σ_r s[r])     x, t: (R, C)
 *   SUM:       L = Σ_r s[r] Σ_c (x(r, c) − t(r, c))²
 *   backward:  dX(r, c) = dL · 2 s[r] (x(r, c) − t(r, c)) / D           D = C · Σ_r s[r] (MEAN) or 1 (SUM)
 * </pre>
 * Without example weights every {@code s[r] = 1}, and the mean runs over every element ({@code R·C}), not
 * over rows, as in PyTorch. With them MEAN is the weighted mean, as for {@link CrossEntropyLoss}: a row of
 * weight 0 drops out entirely (padded steps of a sequence batch), and a batch of total weight 0 has the
 * loss {@code 0/0 = NaN}. In PyTorch: {@code (s[:, None] * (x − t)**2).sum() / (C * s.sum())}.
 *
 * <p>{@code dL} is the upstream gradient {@code ∂(total)/∂L}, 1 when {@code L} is the final loss. The loss
 * holds only its reduction; nothing is allocated or kept between calls.
 */
public final class MSELoss {

    private final Reduction reduction;

    /** Creates the loss with PyTorch's default mean reduction. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    /**
     * Creates the loss with the given reduction.
     *
     * @param reduction MEAN or SUM
     * @throws IllegalArgumentException if {@code reduction} is null
     */
    public MSELoss(Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException("reduction must not be null");
        }
        this.reduction = reduction;
    }

    /**
     * The reduction.
     *
     * @return MEAN or SUM
     */
    public Reduction reduction() {
        return reduction;
    }

    /**
     * Computes the loss, accumulated in double.
     *
     * @param input  predictions (R, C); not modified
     * @param target targets, same shape; not modified
     * @return {@code L}
     * @throws IllegalArgumentException if the shapes differ
     */
    public double forward(FMatrixRMaj input, FMatrixRMaj target) {
        return forward(input, target, null);
    }

    /**
     * Computes the loss with per-row weights, accumulated in double.
     *
     * @param input          predictions (R, C); not modified
     * @param target         targets, same shape; not modified
     * @param exampleWeights R finite, non-negative row weights {@code s}, or null for all ones; not modified
     * @return {@code L}
     * @throws IllegalArgumentException if the shapes differ or a weight is negative, not finite or missing
     */
    public double forward(FMatrixRMaj input, FMatrixRMaj target, float[] exampleWeights) {
        Tensors.checkSameShape(input, "input", target, "target");
        ExampleWeights.check(exampleWeights, input.numRows);
        int cols = input.numCols;
        int n = input.getNumElements();
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double d = (double) input.data[i] - target.data[i];
            sum += exampleWeights == null ? d * d : exampleWeights[i / cols] * (d * d);
        }
        return reduction == Reduction.MEAN ? sum / meanDenominator(exampleWeights, input) : sum;
    }

    /**
     * Backward pass: writes the gradient of {@code dLoss · L} with respect to the input.
     *
     * @param input  the forward predictions (R, C); not modified
     * @param target the forward targets, same shape; not modified
     * @param dLoss  the upstream gradient {@code ∂(total)/∂L}, 1 when {@code L} is the final loss
     * @param dInput same shape; overwritten (may be {@code input})
     * @throws IllegalArgumentException if the shapes differ
     */
    public void backward(FMatrixRMaj input, FMatrixRMaj target, double dLoss, FMatrixRMaj dInput) {
        backward(input, target, null, dLoss, dInput);
    }

    /**
     * Backward pass with per-row weights: writes the gradient of {@code dLoss · L} with respect to the input.
     *
     * @param input          the forward predictions (R, C); not modified
     * @param target         the forward targets, same shape; not modified
     * @param exampleWeights the forward row weights, or null for all ones; not modified
     * @param dLoss          the upstream gradient {@code ∂(total)/∂L}, 1 when {@code L} is the final loss
     * @param dInput         same shape; overwritten (may be {@code input})
     * @throws IllegalArgumentException if the shapes differ or a weight is negative, not finite or missing
     */
    public void backward(FMatrixRMaj input, FMatrixRMaj target, float[] exampleWeights, double dLoss,
                         FMatrixRMaj dInput) {
        Tensors.checkSameShape(input, "input", target, "target");
        Tensors.checkSameShape(input, "input", dInput, "dInput");
        ExampleWeights.check(exampleWeights, input.numRows);
        int cols = input.numCols;
        int n = input.getNumElements();
        double scale = 2.0 * dLoss / (reduction == Reduction.MEAN ? meanDenominator(exampleWeights, input) : 1);
        for (int i = 0; i < n; i++) {
            double d = (double) input.data[i] - target.data[i];
            dInput.data[i] = (float) (exampleWeights == null ? scale * d : scale * exampleWeights[i / cols] * d);
        }
    }

    /** D of MEAN: R·C without weights, else C·Σ s[r]. */
    private static double meanDenominator(float[] exampleWeights, FMatrixRMaj input) {
        if (exampleWeights == null) {
            return input.getNumElements();
        }
        double total = 0.0;
        for (float w : exampleWeights) {
            total += w;
        }
        return total * input.numCols;
    }

    /**
     * Describes the configuration.
     *
     * @return e.g. {@code MSELoss(reduction=MEAN)}
     */
    @Override
    public String toString() {
        return "MSELoss(reduction=" + reduction + ")";
    }
}
