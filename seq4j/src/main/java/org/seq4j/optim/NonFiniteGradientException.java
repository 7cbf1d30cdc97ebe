package org.seq4j.optim;

import java.util.Arrays;

/**
 * A gradient holds NaN or ±Infinity. Raised by {@link GradientClipping} instead of letting the value
 * spread into the parameters and the optimizer state, where it would silently ruin the run.
 */
public final class NonFiniteGradientException extends ArithmeticException {

    /** The parameter whose gradient is not finite. */
    private final String parameterName;
    /** The PyTorch index of the first non-finite element. */
    private final int[] index;
    /** The non-finite element. */
    private final float value;

    /**
     * Creates the exception.
     *
     * @param parameterName the parameter whose gradient is not finite
     * @param index         the PyTorch index of the first non-finite element, {@code [i]} or {@code [r, c]};
     *                      copied
     * @param value         that element: NaN, +Infinity or -Infinity
     */
    public NonFiniteGradientException(String parameterName, int[] index, float value) {
        super("gradient of '" + parameterName + "' is " + value + " at " + Arrays.toString(index)
                + " (first non-finite element)");
        this.parameterName = parameterName;
        this.index = index.clone();
        this.value = value;
    }

    /**
     * The parameter whose gradient is not finite (the first in registry order).
     *
     * @return its name
     */
    public String parameterName() {
        return parameterName;
    }

    /**
     * The PyTorch index of the first non-finite element in row-major order.
     *
     * @return a copy, {@code [i]} for a 1-D parameter or {@code [r, c]} for a 2-D one
     */
    public int[] index() {
        return index.clone();
    }

    /**
     * The offending value.
     *
     * @return NaN, +Infinity or -Infinity
     */
    public float value() {
        return value;
    }
}
