package org.seq4j.nn;

import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * Lookup table of {@code V = numEmbeddings} vectors of size {@code E = embeddingDim}, as
 * {@code torch.nn.Embedding}, applied to {@code N} indices (for a sequence batch, {@code N = T·B}).
 *
 * <pre>
 *   forward:   out(n, :)        = W(idx[n], :)          W: (V, E)   out: (N, E)
 *   backward:  dW(idx[n], :)   += dOut(n, :)            for every n with idx[n] ≠ paddingIdx
 * </pre>
 *
 * <p>Parameter, named as in PyTorch: {@code weight [V, E]}, initialised from {@code N(0, 1)} as PyTorch
 * does, with the padding row (if any) set to zero.
 *
 * <p>Padding as {@code padding_idx} in PyTorch: the padding row receives no gradient, so it keeps its
 * value (zero unless changed) during training; a negative padding index counts from the end
 * ({@code −1} is {@code V − 1}). The forward pass looks the padding row up like any other.
 *
 * <p>A table can also be built over an existing {@code [V, E]} parameter ({@link #Embedding(Parameter)}),
 * shared with another module (weight tying with a {@link Linear} output layer, one table for an encoder and
 * a decoder); every module using it adds into its one gradient.
 *
 * <p>The module allocates nothing per call; it keeps one preallocated {@code (1, E)} row to preserve the
 * padding row's gradient, so one instance must not run two backward passes concurrently.
 */
public final class Embedding implements Module {

    private static final int NO_PADDING = -1;

    private final int numEmbeddings;
    private final int embeddingDim;
    private final int paddingIdx;
    private final Parameter weight;
    private final Parameters parameters;
    private final float[] paddingGradRow;  // (E): the padding row's gradient, saved across scatter-add

    /**
     * Creates a table without padding, initialised from {@code N(0, 1)}.
     *
     * @param numEmbeddings {@code V}, at least 1
     * @param embeddingDim  {@code E}, at least 1
     * @param random        source of the initial values
     * @throws IllegalArgumentException if a size is not positive or {@code random} is null
     */
    public Embedding(int numEmbeddings, int embeddingDim, RandomGenerator random) {
        this(numEmbeddings, embeddingDim, false, 0, random);
    }

    /**
     * Creates a table with a padding index, initialised from {@code N(0, 1)} with the padding row zero.
     *
     * @param numEmbeddings {@code V}, at least 1
     * @param embeddingDim  {@code E}, at least 1
     * @param paddingIdx    the padding index in {@code [−V, V)}; negative values count from the end
     * @param random        source of the initial values
     * @throws IllegalArgumentException if a size is not positive, the padding index is out of range, or
     *                                  {@code random} is null
     */
    public Embedding(int numEmbeddings, int embeddingDim, int paddingIdx, RandomGenerator random) {
        this(numEmbeddings, embeddingDim, true, paddingIdx, random);
    }

    /**
     * Creates a table over an existing parameter, which it shares (nothing is copied or initialised); its
     * registry names it {@code weight}, a view with the same value and gradient, so that a composite
     * registering both owners keeps it once and remembers the second name as an alias ({@link Parameters}).
     *
     * @param weight the table, 2-D {@code [V, E]}; shared, not modified
     * @throws IllegalArgumentException if the weight is null or not 2-D
     */
    public Embedding(Parameter weight) {
        this(weight, false, 0);
    }

    /**
     * Creates a table with a padding index over an existing parameter, which it shares. As PyTorch's
     * {@code Embedding.from_pretrained(..., padding_idx=...)}, the padding row keeps the value it has (it is
     * not set to zero) and receives no gradient from this module.
     *
     * @param weight     the table, 2-D {@code [V, E]}; shared, not modified
     * @param paddingIdx the padding index in {@code [−V, V)}; negative values count from the end
     * @throws IllegalArgumentException if the weight is null or not 2-D, or the padding index is out of range
     */
    public Embedding(Parameter weight, int paddingIdx) {
        this(weight, true, paddingIdx);
    }

    private Embedding(Parameter weight, boolean padded, int paddingIdx) {
        if (weight == null || weight.shape().length != 2) {
            throw new IllegalArgumentException("weight must be a 2-D parameter [V, E] but was "
                    + (weight == null ? "null" : weight.toString()));
        }
        this.numEmbeddings = weight.shape()[0];
        this.embeddingDim = weight.shape()[1];
        this.paddingIdx = checkPaddingIdx(numEmbeddings, padded, paddingIdx);
        this.weight = weight.withName("weight");
        this.parameters = Parameters.of(this.weight);
        this.paddingGradRow = new float[embeddingDim];
    }

    private Embedding(int numEmbeddings, int embeddingDim, boolean padded, int paddingIdx,
                      RandomGenerator random) {
        if (numEmbeddings < 1 || embeddingDim < 1) {
            throw new IllegalArgumentException("numEmbeddings and embeddingDim must be positive but were "
                    + numEmbeddings + " and " + embeddingDim);
        }
        int checkedPaddingIdx = checkPaddingIdx(numEmbeddings, padded, paddingIdx);
        if (random == null) {
            throw new IllegalArgumentException("random must not be null");
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = checkedPaddingIdx;
        this.weight = new Parameter("weight", numEmbeddings, embeddingDim);
        this.parameters = Parameters.of(weight);
        this.paddingGradRow = new float[embeddingDim];
        Init.normal(weight.value(), 1.0, random);
        if (padded) {
            int row = this.paddingIdx * embeddingDim;
            java.util.Arrays.fill(weight.value().data, row, row + embeddingDim, 0f);
        }
    }

    /** Checks a padding index against V and normalises it to [0, V), or returns NO_PADDING. */
    private static int checkPaddingIdx(int numEmbeddings, boolean padded, int paddingIdx) {
        if (!padded) {
            return NO_PADDING;
        }
        if (paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings) {
            throw new IllegalArgumentException("paddingIdx must be in [" + -numEmbeddings + ", " + numEmbeddings
                    + ") but was " + paddingIdx);
        }
        return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    }

    /**
     * The table size.
     *
     * @return {@code V}
     */
    public int numEmbeddings() {
        return numEmbeddings;
    }

    /**
     * The vector size.
     *
     * @return {@code E}
     */
    public int embeddingDim() {
        return embeddingDim;
    }

    /**
     * The padding index, normalised to {@code [0, V)}.
     *
     * @return the padding row, or empty if the table has none
     */
    public OptionalInt paddingIdx() {
        return paddingIdx == NO_PADDING ? OptionalInt.empty() : OptionalInt.of(paddingIdx);
    }

    /**
     * The table.
     *
     * @return {@code weight [V, E]}
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * The parameters: {@code weight}.
     *
     * @return the registry (the same live object on every call)
     */
    @Override
    public Parameters parameters() {
        return parameters;
    }

    /**
     * Looks the indices up: {@code out(n, :) = W(indices[n], :)}.
     *
     * @param indices N indices, each in {@code [0, V)}; not modified
     * @param out     (N, E); overwritten
     * @throws IllegalArgumentException if {@code out} has the wrong shape or an index is out of range
     */
    public void forward(int[] indices, FMatrixRMaj out) {
        checkIndices(indices);
        Tensors.checkShape(out, indices.length, embeddingDim, "out");
        Tensors.gatherRows(weight.value(), indices, out);
    }

    /**
     * Backward pass: adds {@code dOut(n, :)} into row {@code indices[n]} of the weight gradient, for every
     * {@code n} whose index is not the padding index; repeated indices accumulate.
     *
     * @param indices the forward indices, N of them; not modified
     * @param dOut    gradient of the loss with respect to {@code out}, (N, E); not modified
     * @throws IllegalArgumentException if {@code dOut} has the wrong shape or an index is out of range
     */
    public void backward(int[] indices, FMatrixRMaj dOut) {
        checkIndices(indices);
        Tensors.checkShape(dOut, indices.length, embeddingDim, "dOut");
        if (paddingIdx == NO_PADDING) {
            Tensors.scatterAddRows(dOut, indices, weight.grad());
            return;
        }
        float[] grad = weight.grad().data;
        // Scatter every row, then put the padding row's gradient back as it was: exact, and no allocation.
        int row = paddingIdx * embeddingDim;
        System.arraycopy(grad, row, paddingGradRow, 0, embeddingDim);
        Tensors.scatterAddRows(dOut, indices, weight.grad());
        System.arraycopy(paddingGradRow, 0, grad, row, embeddingDim);
    }

    // Checks every index before anything is written, so that a bad index leaves the gradient untouched.
    private void checkIndices(int[] indices) {
        if (indices == null) {
            throw new IllegalArgumentException("indices must not be null");
        }
        for (int n = 0; n < indices.length; n++) {
            if (indices[n] < 0 || indices[n] >= numEmbeddings) {
                throw new IllegalArgumentException(
                        "indices[" + n + "] must be in [0, " + numEmbeddings + ") but was " + indices[n]);
            }
        }
    }

    /**
     * Describes the table.
     *
     * @return e.g. {@code Embedding(100, 16, paddingIdx=0)}
     */
    @Override
    public String toString() {
        return "Embedding(" + numEmbeddings + ", " + embeddingDim
                + (paddingIdx == NO_PADDING ? "" : ", paddingIdx=" + paddingIdx) + ")";
    }
}
