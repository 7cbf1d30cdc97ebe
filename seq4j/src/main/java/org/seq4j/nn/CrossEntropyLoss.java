package org.seq4j.nn;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * Softmax cross-entropy of {@code N} rows of logits over {@code C} classes against class-index targets,
 * with the semantics of {@code torch.nn.CrossEntropyLoss(weight=w, ignore_index=ignoreIndex,
 * reduction=...)} (no label smoothing, no probability targets), plus optional per-example weights.
 *
 * <pre>
 *   log p(n, :) = logSoftmax(logits(n, :))                                   logits, p: (N, C)
 *   counted n:    targets[n] ≠ ignoreIndex
 *   ℓ(n)        = −s[n] · w[y] · log p(n, y)   with y = targets[n], for counted n
 *   MEAN:         L = Σ_counted ℓ(n) / Σ_counted s[n] · w[targets[n]]
 *   SUM:          L = Σ_counted ℓ(n)
 *
 *   backward:     dLogits(n, :) = dL · s[n] · w[y] / D · (p(n, :) − onehot(y))   for counted n
 *                 dLogits(n, :) = 0                                              for ignored n
 *                 D = Σ_counted s[n] · w[targets[n]] (MEAN) or 1 (SUM)
 * </pre>
 * Without class weights every {@code w[c] = 1}, and without example weights every {@code s[n] = 1}, so
 * MEAN then divides by the number of counted targets. Exactly as PyTorch, MEAN over a batch with no
 * counted target, or with zero total weight, is {@code 0/0 = NaN}; its gradient is zero on ignored rows
 * and NaN on counted rows.
 *
 * <p>Example weights {@code s} (PyTorch has none) weigh whole rows the way class weights weigh classes:
 * MEAN is the weighted mean, so a weight of 0 drops a row exactly like the ignore index, and rows of
 * weight 2 count as two copies. In PyTorch the same loss is
 * {@code (s * F.cross_entropy(x, y, weight=w, ignore_index=i, reduction='none')).sum() / (s * w[y] * (y != i)).sum()}.
 *
 * <p>{@code dL} is the upstream gradient {@code ∂(total)/∂L} ({@code loss.backward(dL)} in PyTorch): 1 when
 * {@code L} is the final loss, a weight when several losses are summed. Prediction needs no targets: the
 * logits come from the layer before the loss, and {@link #probabilities} and {@link #predictedClasses}
 * turn them into probabilities (the very values {@link #forward} computes) and classes.
 *
 * <p>The loss holds only its immutable configuration. {@link #forward} writes the softmax
 * probabilities into a caller-supplied {@code (N, C)} matrix and {@link #backward} reads them back
 * (with the targets); nothing is allocated and nothing is kept between the two calls.
 */
public final class CrossEntropyLoss {

    /** PyTorch's default {@code ignore_index}. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private final int ignoreIndex;
    private final float[] classWeights;  // (C), or null for all ones
    private final Reduction reduction;

    /** Creates the loss with PyTorch's defaults: mean reduction, ignore index −100, no class weights. */
    public CrossEntropyLoss() {
        this(builder());
    }

    private CrossEntropyLoss(Builder b) {
        this.ignoreIndex = b.ignoreIndex;
        this.classWeights = b.classWeights == null ? null : b.classWeights.clone();
        this.reduction = b.reduction;
    }

    /**
     * Starts a configuration with PyTorch's defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The target value that marks a row as not counted.
     *
     * @return the ignore index
     */
    public int ignoreIndex() {
        return ignoreIndex;
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
     * Tells whether class weights were given.
     *
     * @return true if the loss has class weights
     */
    public boolean hasClassWeights() {
        return classWeights != null;
    }

    /**
     * The weight of one class.
     *
     * @param c a class index
     * @return {@code w[c]}; 1 without class weights
     * @throws IllegalArgumentException if there are class weights and {@code c} is not in {@code [0, C)}
     */
    public float classWeight(int c) {
        if (classWeights == null) {
            return 1f;
        }
        if (c < 0 || c >= classWeights.length) {
            throw new IllegalArgumentException("class must be in [0, " + classWeights.length + ") but was " + c);
        }
        return classWeights[c];
    }

    /**
     * Computes the loss and the softmax probabilities that {@link #backward} needs.
     *
     * @param logits        (N, C); not modified, unless it is also {@code probabilities}
     * @param targets       N class indices, each in {@code [0, C)} or equal to the ignore index; not modified
     * @param probabilities (N, C); overwritten with {@code softmax(logits)} row by row (may be {@code logits})
     * @return the loss {@code L}, accumulated in double
     * @throws IllegalArgumentException if a shape is wrong, the number of class weights is not C, or a target
     *                                  is out of range
     */
    public double forward(FMatrixRMaj logits, int[] targets, FMatrixRMaj probabilities) {
        return forward(logits, targets, null, probabilities);
    }

    /**
     * Computes the loss with per-example weights and the softmax probabilities that {@link #backward} needs.
     *
     * @param logits         (N, C); not modified, unless it is also {@code probabilities}
     * @param targets        N class indices, each in {@code [0, C)} or equal to the ignore index; not modified
     * @param exampleWeights N finite, non-negative weights {@code s}, or null for all ones; not modified
     * @param probabilities  (N, C); overwritten with {@code softmax(logits)} row by row (may be {@code logits})
     * @return the loss {@code L}, accumulated in double
     * @throws IllegalArgumentException if a shape is wrong, the number of class weights is not C, a target is
     *                                  out of range, or an example weight is negative or not finite
     */
    public double forward(FMatrixRMaj logits, int[] targets, float[] exampleWeights, FMatrixRMaj probabilities) {
        checkArguments(logits, "logits", targets, exampleWeights);
        Tensors.checkSameShape(logits, "logits", probabilities, "probabilities");
        int classes = logits.numCols;
        Tensors.logSoftmaxRows(logits, probabilities);  // probabilities holds log p for now
        double sum = 0.0;
        double weightSum = 0.0;
        for (int n = 0; n < targets.length; n++) {
            int y = targets[n];
            if (y == ignoreIndex) {
                continue;
            }
            double w = weight(y) * exampleWeight(exampleWeights, n);
            sum -= w * probabilities.data[n * classes + y];
            weightSum += w;
        }
        int size = probabilities.getNumElements();
        for (int i = 0; i < size; i++) {
            probabilities.data[i] = (float) Math.exp(probabilities.data[i]);
        }
        return reduction == Reduction.MEAN ? sum / weightSum : sum;
    }

    /**
     * Backward pass: writes the gradient of {@code dLoss · L} with respect to the logits.
     * <pre>
     *   dLogits(n, :) = dLoss · w[y] / D · (p(n, :) − onehot(y))   (0 for ignored rows)
     * </pre>
     *
     * @param probabilities the softmax probabilities written by {@link #forward}, (N, C); not modified,
     *                      unless it is also {@code dLogits}
     * @param targets       the forward targets; not modified
     * @param dLoss         the upstream gradient {@code ∂(total)/∂L}, 1 when {@code L} is the final loss
     * @param dLogits       (N, C); overwritten (may be {@code probabilities})
     * @throws IllegalArgumentException if a shape is wrong or a target is out of range
     */
    public void backward(FMatrixRMaj probabilities, int[] targets, double dLoss, FMatrixRMaj dLogits) {
        backward(probabilities, targets, null, dLoss, dLogits);
    }

    /**
     * Backward pass with per-example weights: writes the gradient of {@code dLoss · L} with respect to the
     * logits.
     * <pre>
     *   dLogits(n, :) = dLoss · s[n] · w[y] / D · (p(n, :) − onehot(y))   (0 for ignored rows)
     * </pre>
     *
     * @param probabilities  the softmax probabilities written by {@link #forward}, (N, C); not modified,
     *                       unless it is also {@code dLogits}
     * @param targets        the forward targets; not modified
     * @param exampleWeights the forward example weights, or null for all ones; not modified
     * @param dLoss          the upstream gradient {@code ∂(total)/∂L}, 1 when {@code L} is the final loss
     * @param dLogits        (N, C); overwritten (may be {@code probabilities})
     * @throws IllegalArgumentException if a shape is wrong, a target is out of range, or an example weight is
     *                                  negative or not finite
     */
    public void backward(FMatrixRMaj probabilities, int[] targets, float[] exampleWeights, double dLoss,
                         FMatrixRMaj dLogits) {
        checkArguments(probabilities, "probabilities", targets, exampleWeights);
        Tensors.checkSameShape(probabilities, "probabilities", dLogits, "dLogits");
        int classes = probabilities.numCols;
        double denominator = 1.0;
        if (reduction == Reduction.MEAN) {
            denominator = 0.0;
            for (int n = 0; n < targets.length; n++) {
                int y = targets[n];
                if (y != ignoreIndex) {
                    denominator += weight(y) * exampleWeight(exampleWeights, n);
                }
            }
        }
        float[] p = probabilities.data;
        float[] d = dLogits.data;
        for (int n = 0; n < targets.length; n++) {
            int row = n * classes;
            int y = targets[n];
            if (y == ignoreIndex) {
                Arrays.fill(d, row, row + classes, 0f);
                continue;
            }
            double scale = dLoss * (weight(y) * exampleWeight(exampleWeights, n)) / denominator;
            double pTarget = p[row + y];  // read before the row is overwritten when dLogits is probabilities
            for (int c = 0; c < classes; c++) {
                d[row + c] = (float) (scale * p[row + c]);
            }
            d[row + y] = (float) (scale * (pTarget - 1.0));
        }
    }

    /**
     * Prediction without targets: the softmax probabilities of every row, computed exactly as
     * {@link #forward} computes them ({@code exp(logSoftmax(logits))}).
     *
     * @param logits        (N, C); not modified, unless it is also {@code probabilities}
     * @param probabilities (N, C); overwritten (may be {@code logits})
     * @throws IllegalArgumentException if the shapes differ
     */
    public static void probabilities(FMatrixRMaj logits, FMatrixRMaj probabilities) {
        Tensors.checkSameShape(logits, "logits", probabilities, "probabilities");
        Tensors.logSoftmaxRows(logits, probabilities);
        int size = probabilities.getNumElements();
        for (int i = 0; i < size; i++) {
            probabilities.data[i] = (float) Math.exp(probabilities.data[i]);
        }
    }

    /**
     * Prediction without targets: the most likely class of every row ({@code argmax} of the logits, which is
     * the argmax of the probabilities; the first of equal maxima).
     *
     * @param logits  (N, C) with C ≥ 1; not modified
     * @param classes N entries; overwritten with the predicted class indices in {@code [0, C)}
     * @throws IllegalArgumentException if {@code classes} does not have N entries or C is 0
     */
    public static void predictedClasses(FMatrixRMaj logits, int[] classes) {
        if (logits == null || classes == null || classes.length != logits.numRows || logits.numCols == 0) {
            throw new IllegalArgumentException("logits must be (N, C) with C ≥ 1 and classes N entries but were "
                    + (logits == null ? "null" : Tensors.shape(logits)) + " and "
                    + (classes == null ? "null" : classes.length + " entries"));
        }
        int cols = logits.numCols;
        for (int n = 0; n < classes.length; n++) {
            int row = n * cols;
            int best = 0;
            for (int c = 1; c < cols; c++) {
                if (logits.data[row + c] > logits.data[row + best]) {
                    best = c;
                }
            }
            classes[n] = best;
        }
    }

    private double weight(int y) {
        return classWeights == null ? 1.0 : classWeights[y];
    }

    private static double exampleWeight(float[] exampleWeights, int n) {
        return exampleWeights == null ? 1.0 : exampleWeights[n];
    }

    private void checkArguments(FMatrixRMaj m, String name, int[] targets, float[] exampleWeights) {
        if (m == null || targets == null) {
            throw new IllegalArgumentException(name + " and targets must not be null");
        }
        if (m.numRows != targets.length) {
            throw new IllegalArgumentException(name + " must be (N, C) with N = " + targets.length
                    + " targets but was " + Tensors.shape(m));
        }
        int classes = m.numCols;
        if (classWeights != null && classWeights.length != classes) {
            throw new IllegalArgumentException(name + " must be (" + targets.length + ", " + classWeights.length
                    + ") to match " + classWeights.length + " class weights but was " + Tensors.shape(m));
        }
        for (int n = 0; n < targets.length; n++) {
            int y = targets[n];
            if (y != ignoreIndex && (y < 0 || y >= classes)) {
                throw new IllegalArgumentException("targets[" + n + "] must be in [0, " + classes
                        + ") or the ignore index " + ignoreIndex + " but was " + y);
            }
        }
        ExampleWeights.check(exampleWeights, targets.length);
    }

    /**
     * Describes the configuration.
     *
     * @return e.g. {@code CrossEntropyLoss(reduction=MEAN, ignoreIndex=-100, classWeights=[0.5, 2.0])}
     */
    @Override
    public String toString() {
        return "CrossEntropyLoss(reduction=" + reduction + ", ignoreIndex=" + ignoreIndex
                + (classWeights == null ? "" : ", classWeights=" + Arrays.toString(classWeights)) + ")";
    }

    /** Validating builder of a {@link CrossEntropyLoss}; the defaults are PyTorch's. */
    public static final class Builder {

        private int ignoreIndex = DEFAULT_IGNORE_INDEX;
        private float[] classWeights;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {
        }

        /**
         * Sets the target value whose rows are not counted (PyTorch's {@code ignore_index}); it may also be
         * a valid class, which is then never counted.
         *
         * @param ignoreIndex any value; default {@link #DEFAULT_IGNORE_INDEX}
         * @return this builder
         */
        public Builder ignoreIndex(int ignoreIndex) {
            this.ignoreIndex = ignoreIndex;
            return this;
        }

        /**
         * Sets per-class weights (PyTorch's {@code weight=}); the number of classes C of the logits must then
         * equal their count.
         *
         * @param classWeights C finite, non-negative weights; copied; {@code null} for none (the default)
         * @return this builder
         */
        public Builder classWeights(float... classWeights) {
            this.classWeights = classWeights == null ? null : classWeights.clone();
            return this;
        }

        /**
         * Sets the reduction.
         *
         * @param reduction MEAN (default) or SUM
         * @return this builder
         */
        public Builder reduction(Reduction reduction) {
            this.reduction = reduction;
            return this;
        }

        /**
         * Validates the configuration.
         *
         * @return the loss
         * @throws IllegalArgumentException if the reduction is null, the class weights are empty, or a class
         *                                  weight is negative or not finite
         */
        public CrossEntropyLoss build() {
            if (reduction == null) {
                throw new IllegalArgumentException("reduction must not be null");
            }
            if (classWeights != null) {
                if (classWeights.length == 0) {
                    throw new IllegalArgumentException("classWeights must not be empty");
                }
                for (int c = 0; c < classWeights.length; c++) {
                    if (!(classWeights[c] >= 0f) || !Float.isFinite(classWeights[c])) {
                        throw new IllegalArgumentException("classWeights[" + c
                                + "] must be finite and non-negative but was " + classWeights[c]);
                    }
                }
            }
            return new CrossEntropyLoss(this);
        }
    }
}
