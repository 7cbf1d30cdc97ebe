package org.seq4j.nn;

/**
 * How a loss combines its per-element (or per-example) terms into one number, as PyTorch's
 * {@code reduction=} argument ({@code 'none'} is not offered: every seq4j loss returns a scalar).
 */
public enum Reduction {
    /** The (weighted) mean of the terms: PyTorch's {@code reduction='mean'}, the default. */
    MEAN,
    /** The sum of the terms: PyTorch's {@code reduction='sum'}. */
    SUM
}
