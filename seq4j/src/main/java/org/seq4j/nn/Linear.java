package org.seq4j.nn;

import java.util.Optional;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * Affine layer, as {@code torch.nn.Linear}: {@code I = inFeatures} inputs to {@code O = outFeatures}
 * outputs, over a batch of {@code N} rows (for a sequence batch, {@code N = T·B}).
 *
 * <pre>
 *   forward:   y  = x · Wᵀ + b               x: (N, I)   W: (O, I)   b: (1, O)   y: (N, O)
 *   backward:  dW += dYᵀ · x                 dW: (O, I)
 *              db += Σ_rows dY               db: (1, O)
 *              dX  = dY · W                  dX: (N, I)   (overwritten)
 * </pre>
 *
 * <p>Parameters, named as PyTorch names them: {@code weight [O, I]} and, unless disabled, {@code bias [O]}.
 * They are initialised as PyTorch does: every entry from {@code U(−k, k)} with {@code k = 1/√I}. A layer
 * can also be built over existing parameters ({@link #Linear(Parameter, Parameter)}), e.g. an output layer
 * whose weight is an {@link Embedding}'s table (weight tying, Press and Wolf 2017): both modules then read
 * and update the one value, and both backward passes add into its one gradient.
 *
 * <p>The layer keeps no state between calls: backward takes the forward input {@code x} again. It
 * allocates nothing; the caller supplies {@code y} and {@code dX}. Any {@code N ≥ 0} works.
 */
public final class Linear implements Module {

    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameters parameters;

    /**
     * Creates a layer with a bias, initialised as {@code torch.nn.Linear}.
     *
     * @param inFeatures  {@code I}, at least 1
     * @param outFeatures {@code O}, at least 1
     * @param random      source of the initial values
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int inFeatures, int outFeatures, RandomGenerator random) {
        this(inFeatures, outFeatures, true, random);
    }

    /**
     * Creates a layer, initialised as {@code torch.nn.Linear}: weight and bias from {@code U(−k, k)},
     * {@code k = 1/√inFeatures}.
     *
     * @param inFeatures  {@code I}, at least 1
     * @param outFeatures {@code O}, at least 1
     * @param bias        whether the layer has a bias
     * @param random      source of the initial values
     * @throws IllegalArgumentException if a size is not positive or {@code random} is null
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, RandomGenerator random) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("inFeatures and outFeatures must be positive but were "
                    + inFeatures + " and " + outFeatures);
        }
        if (random == null) {
            throw new IllegalArgumentException("random must not be null");
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = new Parameter("weight", outFeatures, inFeatures);
        this.bias = bias ? new Parameter("bias", outFeatures) : null;
        this.parameters = bias ? Parameters.of(weight, this.bias) : Parameters.of(weight);
        double bound = 1.0 / Math.sqrt(inFeatures);
        Init.uniform(weight.value(), bound, random);
        if (bias) {
            Init.uniform(this.bias.value(), bound, random);
        }
    }

    /**
     * Creates a layer over existing parameters, which it shares (nothing is copied or initialised): its
     * registry names them {@code weight} and {@code bias} as views of the given ones (same value, same
     * gradient), so that a composite registering both the owner and this layer keeps each parameter once
     * and remembers the second name as an alias ({@link Parameters}).
     *
     * <pre>
     *   Embedding embedding = new Embedding(V, E, random);
     *   Linear decoder = new Linear(embedding.weight(), new Parameter("bias", V));   // tied: W = table (V, E)
     * </pre>
     *
     * @param weight the weight, 2-D {@code [O, I]}; shared, not modified
     * @param bias   the bias, 1-D {@code [O]}; shared, not modified; or {@code null} for a layer without bias
     * @throws IllegalArgumentException if the weight is null or not 2-D, or the bias is not 1-D of size O
     */
    public Linear(Parameter weight, Parameter bias) {
        if (weight == null || weight.shape().length != 2) {
            throw new IllegalArgumentException("weight must be a 2-D parameter [O, I] but was "
                    + (weight == null ? "null" : weight.toString()));
        }
        this.outFeatures = weight.shape()[0];
        this.inFeatures = weight.shape()[1];
        if (bias != null && (bias.shape().length != 1 || bias.shape()[0] != outFeatures)) {
            throw new IllegalArgumentException("bias must be a 1-D parameter [" + outFeatures
                    + "] to match weight " + weight + " but was " + bias);
        }
        this.weight = weight.withName("weight");
        this.bias = bias == null ? null : bias.withName("bias");
        this.parameters = bias == null ? Parameters.of(this.weight) : Parameters.of(this.weight, this.bias);
    }

    /**
     * The number of input features.
     *
     * @return {@code I}
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * The number of output features.
     *
     * @return {@code O}
     */
    public int outFeatures() {
        return outFeatures;
    }

    /**
     * The weight.
     *
     * @return {@code weight [O, I]}
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * The bias, if the layer has one.
     *
     * @return {@code bias [O]}, or empty
     */
    public Optional<Parameter> bias() {
        return Optional.ofNullable(bias);
    }

    /**
     * The parameters: {@code weight}, then {@code bias} if present.
     *
     * @return the registry (the same live object on every call)
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /**
     * Computes {@code y = x·Wᵀ + b}.
     *
     * @param x (N, I); not modified
     * @param y (N, O); overwritten
     * @throws IllegalArgumentException if a shape is wrong, or {@code y} is {@code x}
     */
    public void forward(FMatrixRMaj x, FMatrixRMaj y) {
        checkInput(x, "x");
        Tensors.checkShape(y, x.numRows, outFeatures, "y");
        Tensors.multTransB(x, weight.value(), y);
        if (bias != null) {
            Tensors.addRowVector(y, bias.value());
        }
    }

    /**
     * Backward pass: adds the parameter gradients and writes the input gradient.
     * <pre>
     *   dW += dYᵀ·x,   db += Σ_rows dY,   dX = dY·W
     * </pre>
     *
     * @param x  the forward input (N, I); not modified
     * @param dY gradient of the loss with respect to {@code y}, (N, O); not modified
     * @param dX gradient with respect to {@code x}, (N, I); overwritten; may be {@code null} when the input
     *           needs no gradient (data, not an upstream layer's output)
     * @throws IllegalArgumentException if a shape is wrong
     */
    public void backward(FMatrixRMaj x, FMatrixRMaj dY, FMatrixRMaj dX) {
        checkInput(x, "x");
        Tensors.checkShape(dY, x.numRows, outFeatures, "dY");
        Tensors.multAddTransA(dY, x, weight.grad());
        if (bias != null) {
            Tensors.sumRowsAdd(dY, bias.grad());
        }
        if (dX != null) {
            Tensors.checkShape(dX, x.numRows, inFeatures, "dX");
            Tensors.mult(dY, weight.value(), dX);
        }
    }

    private void checkInput(FMatrixRMaj x, String name) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must be (N, " + inFeatures + ") but was null");
        }
        if (x.numCols != inFeatures) {
            throw new IllegalArgumentException(
                    name + " must be (N, " + inFeatures + ") but was " + Tensors.shape(x));
        }
    }

    /**
     * Describes the layer.
     *
     * @return e.g. {@code Linear(in=16, out=4, bias=true)}
     */
    @Override
    public String toString() {
        return "Linear(in=" + inFeatures + ", out=" + outFeatures + ", bias=" + (bias != null) + ")";
    }
}
