package org.seq4j.eval;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Linear;

/**
 * The training objective of {@link LogisticRegression} over one data set, with its gradient: a linear
 * layer, the (class-weighted) mean cross-entropy and an L2 penalty on the weight (not on the bias).
 *
 * <pre>
 *   z  = x·Wᵀ + b                                  x: (N, F)   W: (C, F)   b: (C)   z: (N, C)
 *   J  = CE(z, y; w) + (λ/2)·‖W‖²_F                CE: weighted mean, as CrossEntropyLoss
 *   dW += ∂CE/∂W + λ·W,   db += ∂CE/∂b
 * </pre>
 * The buffers are allocated once, so evaluating the objective and its gradient allocates nothing.
 */
final class LogisticObjective {

    private final Linear linear;
    private final FMatrixRMaj x;              // (N, F)
    private final int[] labels;               // (N)
    private final CrossEntropyLoss loss;
    private final double l2;
    private final FMatrixRMaj logits;         // (N, C)
    private final FMatrixRMaj probabilities;  // (N, C), also dLogits

    /**
     * @param linear the model, {@code (F → C)}; its gradients are added into by {@link #valueAndGradient()}
     * @param x      (N, F) features; not modified, kept
     * @param labels N classes in {@code [0, C)}; not modified, kept
     * @param loss   the cross-entropy, with class weights or not
     * @param l2     λ ≥ 0
     */
    LogisticObjective(Linear linear, FMatrixRMaj x, int[] labels, CrossEntropyLoss loss, double l2) {
        this.linear = linear;
        this.x = x;
        this.labels = labels;
        this.loss = loss;
        this.l2 = l2;
        this.logits = new FMatrixRMaj(x.numRows, linear.outFeatures());
        this.probabilities = new FMatrixRMaj(x.numRows, linear.outFeatures());
    }

    /** J at the current parameters; the gradients are not touched. */
    double value() {
        linear.forward(x, logits);
        return loss.forward(logits, labels, probabilities) + penalty();
    }

    /** J at the current parameters; the gradients are zeroed, then set to ∂J/∂W and ∂J/∂b. */
    double valueAndGradient() {
        double value = value();
        linear.parameters().zeroGrad();
        loss.backward(probabilities, labels, 1.0, probabilities);   // probabilities now hold dLogits
        linear.backward(x, probabilities, null);
        // the penalty's gradient: dW += λ·W
        float[] w = linear.weight().value().data;
        float[] dw = linear.weight().grad().data;
        float lambda = (float) l2;
        for (int i = 0; i < w.length; i++) {
            dw[i] += lambda * w[i];
        }
        return value;
    }

    /** (λ/2)·‖W‖²_F, accumulated in double. */
    private double penalty() {
        if (l2 == 0.0) {
            return 0.0;
        }
        double sum = 0.0;
        for (float v : linear.weight().value().data) {
            sum += (double) v * v;
        }
        return 0.5 * l2 * sum;
    }
}
