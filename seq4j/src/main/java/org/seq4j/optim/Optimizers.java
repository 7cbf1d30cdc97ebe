package org.seq4j.optim;

/** Argument checks shared by the optimizer configs, worded as {@code torch.optim} words them. */
final class Optimizers {

    private Optimizers() {
    }

    /** Checks {@code 0 ≤ learningRate < ∞}; returns it. */
    static double checkLearningRate(double learningRate) {
        return checkNonNegative(learningRate, "Invalid learning rate: ");
    }

    /** Checks {@code 0 ≤ value < ∞} (which also rejects NaN); returns it. */
    static double checkNonNegative(double value, String message) {
        if (!(value >= 0.0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(message + value);
        }
        return value;
    }

    /** Checks {@code 0 ≤ beta < 1}, as Adam's betas; returns it. */
    static double checkBeta(double beta, int index) {
        if (!(beta >= 0.0 && beta < 1.0)) {
            throw new IllegalArgumentException("Invalid beta parameter at index " + index + ": " + beta);
        }
        return beta;
    }
}
