package org.seq4j.nn;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;

/**
 * A trainable tensor: a name, a PyTorch-style shape, a value and a gradient of the same shape.
 *
 * <p>A 1-D shape {@code [C]} (a bias) is held as a {@code (1, C)} matrix and a 2-D shape {@code [R, C]}
 * as an {@code (R, C)} matrix. The shape is kept so that files written by seq4j and by PyTorch name and
 * shape tensors the same way ({@code bias_ih_l0} is {@code [4H]}, not {@code [1, 4H]}).
 *
 * <p>Modules create their parameters once and keep them; the matrices are never replaced, so optimizers,
 * clipping and checkpoints may hold on to them. {@link #withName(String)} gives a view under another
 * name (a composite module's prefixed name) that shares value and gradient.
 */
public final class Parameter {

    private final String name;
    private final int[] shape;
    private final FMatrixRMaj value;
    private final FMatrixRMaj grad;

    /**
     * Creates a parameter with zero value and zero gradient.
     *
     * @param name  its name, e.g. {@code weight_ih_l0}; not empty
     * @param shape its PyTorch shape: {@code [C]} or {@code [R, C]}, every dimension ≥ 1
     * @throws IllegalArgumentException if the name is empty or the shape is not 1-D or 2-D and positive
     */
    public Parameter(String name, int... shape) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (shape.length < 1 || shape.length > 2) {
            throw new IllegalArgumentException(
                    name + ": shape must be 1-D or 2-D but was " + Arrays.toString(shape));
        }
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException(
                        name + ": dimensions must be positive but shape was " + Arrays.toString(shape));
            }
        }
        this.name = name;
        this.shape = shape.clone();
        int rows = shape.length == 1 ? 1 : shape[0];
        int cols = shape[shape.length - 1];
        this.value = new FMatrixRMaj(rows, cols);
        this.grad = new FMatrixRMaj(rows, cols);
    }

    private Parameter(String name, Parameter shared) {
        this.name = name;
        this.shape = shared.shape;
        this.value = shared.value;
        this.grad = shared.grad;
    }

    /**
     * Returns a view of this parameter under another name; value and gradient are shared.
     *
     * @param newName the name of the view
     * @return the renamed view
     */
    public Parameter withName(String newName) {
        if (newName == null || newName.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        return new Parameter(newName, this);
    }

    /**
     * The parameter's name.
     *
     * @return the name, e.g. {@code encoder.weight_ih_l0}
     */
    public String name() {
        return name;
    }

    /**
     * The PyTorch shape.
     *
     * @return a copy of the shape, {@code [C]} or {@code [R, C]}
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The value, {@code (1, C)} for a 1-D shape or {@code (R, C)}; modified by optimizers and initializers.
     *
     * @return the value matrix (the live object, not a copy)
     */
    public FMatrixRMaj value() {
        return value;
    }

    /**
     * The gradient, same shape as the value; backward passes add into it.
     *
     * @return the gradient matrix (the live object, not a copy)
     */
    public FMatrixRMaj grad() {
        return grad;
    }

    /**
     * Number of scalar elements.
     *
     * @return the product of the shape
     */
    public int numElements() {
        return value.getNumElements();
    }

    /** Sets the gradient to zero. */
    public void zeroGrad() {
        Arrays.fill(grad.data, 0, grad.getNumElements(), 0f);
    }

    /**
     * Formats the parameter as {@code name[shape]}.
     *
     * @return e.g. {@code weight_ih_l0[512, 65]}
     */
    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
