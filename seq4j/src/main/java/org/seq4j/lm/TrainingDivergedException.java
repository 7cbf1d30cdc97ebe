package org.seq4j.lm;

/**
 * Training of a {@link CharLanguageModel} stopped because it went numerically wrong: the loss or a
 * gradient became NaN or infinite, a parameter became non-finite after the optimizer step, or the loss
 * rose far above its start ({@link CharLmTrainer#DIVERGENCE_FACTOR}). Thrown by {@link CharLmTrainer#step()}
 * and {@link CharLmTrainer#train}; the message names the step and, where there is one, the parameter.
 *
 * <p>After it the trainer refuses to step or to save ({@link IllegalStateException}), so that no
 * checkpoint holds a non-finite value: the last checkpoint saved before is the last good state.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The step that failed (1 for the first step of a run from scratch). */
    private final long step;
    /** The parameter whose gradient or value was not finite, or null for the loss. */
    private final String parameterName;

    /**
     * Creates the exception.
     *
     * @param step          the step that failed, counted as {@link CharLmTrainer#stepCount()} counts them
     * @param parameterName the parameter whose gradient or value was not finite, or null when the loss is
     *                      the problem
     * @param message       what happened, naming the step and the parameter
     * @param cause         the underlying exception (e.g. a {@link org.seq4j.optim.NonFiniteGradientException}),
     *                      or null
     */
    public TrainingDivergedException(long step, String parameterName, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.parameterName = parameterName;
    }

    /**
     * The step that failed: the value {@link CharLmTrainer#stepCount()} would have had after it.
     *
     * @return the step number, ≥ 1
     */
    public long step() {
        return step;
    }

    /**
     * The parameter whose gradient or value was not finite.
     *
     * @return its name, e.g. {@code rnn.weight_hh_l0}, or null when the loss was the problem
     */
    public String parameterName() {
        return parameterName;
    }
}
