package org.seq4j.eval;

import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Linear;
import org.seq4j.tensor.Tensors;

/**
 * The training objective of {@link LogisticRegression} over one data set, with its gradient: a linear
 * layer, the (class-weighted) mean cross-entropy and an L2 penalty on the weight (not on the bias).
 *
 * <pre>
 *   z  = x·Wᵀ + b                                  x: (N, F)   W: (C, F)   b: (C)   z: (N, C)
 *   J  = CE(z, y; w) + (λ/2)·‖W‖²_F                CE: weighted mean, as CrossEntropyLoss
 *   dW += dzᵀ·x + λ·W,   db += Σ_n dz(n, :)        dz = ∂CE/∂z
 * </pre>
 * When at most a quarter of {@code x} is non-zero (bag-of-words counts: a message holds a few dozen of
 * thousands of words), {@code x} is kept in compressed sparse rows and the two products visit only its
 * non-zeros, {@code O(nnz·C)} instead of {@code O(N·F·C)}; otherwise {@link Linear}'s dense products run.
 * The buffers are allocated once, so evaluating the objective and its gradient allocates nothing.
 */
final class LogisticObjective {

    /** Sparse rows when nnz · SPARSE_FACTOR ≤ N·F. */
    private static final int SPARSE_FACTOR = 4;

    private final Linear linear;
    private final FMatrixRMaj x;              // (N, F)
    private final int[] labels;               // (N)
    private final CrossEntropyLoss loss;
    private final double l2;
    private final FMatrixRMaj logits;         // (N, C)
    private final FMatrixRMaj probabilities;  // (N, C), also dLogits
    // x in compressed sparse rows, or null: row n's non-zeros are values[k], columns[k], k in [rowStart[n], rowStart[n + 1])
    private final int[] rowStart;             // (N + 1)
    private final int[] columns;              // (nnz)
    private final float[] values;             // (nnz)

    /**
     * @param linear the model, {@code (F → C)}; its gradients are added into by {@link #valueAndGradient()}
     * @param x      (N, F) features; not modified, kept
     * @param labels N classes in {@code [0, C)}; not modified, kept
     * @param loss   the cross-entropy, with class weights or not
     * @param l2     λ ≥ 0
     */
    LogisticObjective(Linear linear, FMatrixRMaj x, int[] labels, CrossEntropyLoss loss, double l2) {
        this(linear, x, labels, loss, l2, isSparse(x));
    }

    /** Whether at most a quarter of {@code x} is non-zero, so that the products run over sparse rows. */
    static boolean isSparse(FMatrixRMaj x) {
        return (long) nonZeros(x) * SPARSE_FACTOR <= x.getNumElements();
    }

    /** The same, with the sparse or the dense products whatever the density of {@code x}. */
    LogisticObjective(Linear linear, FMatrixRMaj x, int[] labels, CrossEntropyLoss loss, double l2, boolean sparse) {
        this.linear = linear;
        this.x = x;
        this.labels = labels;
        this.loss = loss;
        this.l2 = l2;
        this.logits = new FMatrixRMaj(x.numRows, linear.outFeatures());
        this.probabilities = new FMatrixRMaj(x.numRows, linear.outFeatures());
        if (sparse) {
            int nonZeros = nonZeros(x);
            rowStart = new int[x.numRows + 1];
            columns = new int[nonZeros];
            values = new float[nonZeros];
            int k = 0;
            for (int n = 0; n < x.numRows; n++) {
                rowStart[n] = k;
                for (int j = 0; j < x.numCols; j++) {
                    float v = x.data[n * x.numCols + j];
                    if (v != 0f) {
                        columns[k] = j;
                        values[k++] = v;
                    }
                }
            }
            rowStart[x.numRows] = k;
        } else {
            rowStart = null;
            columns = null;
            values = null;
        }
    }

    private static int nonZeros(FMatrixRMaj x) {
        int size = x.getNumElements();
        int count = 0;
        for (int i = 0; i < size; i++) {
            count += x.data[i] != 0f ? 1 : 0;
        }
        return count;
    }

    /** Whether the products run over the sparse rows. */
    boolean sparse() {
        return rowStart != null;
    }

    /** J at the current parameters; the gradients are not touched. */
    double value() {
        if (sparse()) {
            sparseForward();
        } else {
            linear.forward(x, logits);
        }
        return loss.forward(logits, labels, probabilities) + penalty();
    }

    /** J at the current parameters; the gradients are zeroed, then set to ∂J/∂W and ∂J/∂b. */
    double valueAndGradient() {
        double value = value();
        linear.parameters().zeroGrad();
        loss.backward(probabilities, labels, 1.0, probabilities);   // probabilities now hold dz
        if (sparse()) {
            sparseBackward(probabilities);
        } else {
            linear.backward(x, probabilities, null);
        }
        // the penalty's gradient: dW += λ·W
        float[] w = linear.weight().value().data;
        float[] dw = linear.weight().grad().data;
        float lambda = (float) l2;
        for (int i = 0; i < w.length; i++) {
            dw[i] += lambda * w[i];
        }
        return value;
    }

    /** z(n, c) = b(c) + Σ_k values[k]·W(c, columns[k]) over row n's non-zeros. */
    private void sparseForward() {
        int classes = linear.outFeatures();
        int features = linear.inFeatures();
        float[] w = linear.weight().value().data;    // (C, F)
        float[] b = linear.bias().orElseThrow().value().data;
        for (int n = 0; n < x.numRows; n++) {
            for (int c = 0; c < classes; c++) {
                float sum = b[c];
                for (int k = rowStart[n]; k < rowStart[n + 1]; k++) {
                    sum += values[k] * w[c * features + columns[k]];
                }
                logits.data[n * classes + c] = sum;
            }
        }
    }

    /** dW(c, columns[k]) += dz(n, c)·values[k] over every row's non-zeros; db += Σ_n dz(n, :). */
    private void sparseBackward(FMatrixRMaj dz) {
        int classes = linear.outFeatures();
        int features = linear.inFeatures();
        float[] dw = linear.weight().grad().data;    // (C, F)
        for (int n = 0; n < x.numRows; n++) {
            for (int c = 0; c < classes; c++) {
                float g = dz.data[n * classes + c];
                for (int k = rowStart[n]; k < rowStart[n + 1]; k++) {
                    dw[c * features + columns[k]] += g * values[k];
                }
            }
        }
        Tensors.sumRowsAdd(dz, linear.bias().orElseThrow().grad());
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
