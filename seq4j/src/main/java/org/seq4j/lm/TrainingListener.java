package org.seq4j.lm;

/**
 * Receives the progress of {@link CharLmTrainer#train}: to collect loss curves, print samples or stop
 * early from outside. Both methods do nothing by default.
 */
public interface TrainingListener {

    /**
     * Called after every training step.
     *
     * @param step the number of steps done, including this one
     * @param loss the step's mean training loss, in nats per character
     */
    default void onStep(long step, float loss) {
    }

    /**
     * Called after every evaluation on the held-out text.
     *
     * @param step       the number of steps done
     * @param evaluation the validation loss
     */
    default void onEvaluation(long step, Evaluation evaluation) {
    }
}
