package org.seq4j.nn;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * Mean squared error, as {@code torch.nn.MSELoss}: the regression loss for continuous outputs.
 *
 * <pre>
 *   MEAN:      L = Σ_i (x_i − t_i)² / n          x, t: any shape (R, C), n = R·C elements
 *   SUM:       L = Σ_i (x_i − t_i)²
 *   backward:  dX_i = dL · 2 (x_i − t_i) / D     D = n (MEAN) or 1 (SUM)
 * </pre>
 * As in PyTorch the mean runs over every element, not over rows. The loss holds only its reduction;
 * nothing is allocated or kept between calls.
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
        Tensors.checkSameShape(input, "input", target, "target");
        int n = input.getNumElements();
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double d = (double) input.data[i] - target.data[i];
            sum += d * d;
        }
        return reduction == Reduction.MEAN ? sum / n : sum;
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
        Tensors.checkSameShape(input, "input", target, "target");
        Tensors.checkSameShape(input, "input", dInput, "dInput");
        int n = input.getNumElements();
        double scale = 2.0 * dLoss / (reduction == Reduction.MEAN ? n : 1);
        for (int i = 0; i < n; i++) {
            dInput.data[i] = (float) (scale * ((double) input.data[i] - target.data[i]));
        }
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
