package org.seq4j.lm;

import java.time.Duration;

/**
 * How long one {@link CharLmTrainer#train} call trains and how often it reports; unlike the
 * {@link TrainingConfig}, it does not change what a step computes, so a resumed run may use another.
 *
 * <pre>{@code
 *   trainer.train(TrainingSchedule.until(2000).withEvalEvery(200), listener);
 * }</pre>
 *
 * @param totalSteps the step count to reach (including the steps of earlier calls or of a resumed run),
 *                   ≥ 0
 * @param evalEvery  evaluate on the held-out text every this many steps, ≥ 0; 0 for only at the end
 * @param logEvery   log a progress line every this many steps, ≥ 1
 * @param timeLimit  stop after this much time (evaluations included) if the steps are not done yet; null
 *                   for no limit
 */
public record TrainingSchedule(long totalSteps, int evalEvery, int logEvery, Duration timeLimit) {

    /**
     * Validates the schedule.
     *
     * @param totalSteps ≥ 0
     * @param evalEvery  ≥ 0
     * @param logEvery   ≥ 1
     * @param timeLimit  positive, or null
     * @throws IllegalArgumentException if a value is out of range
     */
    public TrainingSchedule {
        if (totalSteps < 0) {
            throw new IllegalArgumentException("totalSteps must be ≥ 0 but was " + totalSteps);
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("evalEvery must be ≥ 0 but was " + evalEvery);
        }
        if (logEvery < 1) {
            throw new IllegalArgumentException("logEvery must be at least 1 but was " + logEvery);
        }
        if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
            throw new IllegalArgumentException("timeLimit must be positive but was " + timeLimit);
        }
    }

    /**
     * Trains until {@code totalSteps} steps are done, evaluates only at the end, logs every 10 steps.
     *
     * @param totalSteps the step count to reach, ≥ 0
     * @return the schedule
     * @throws IllegalArgumentException if totalSteps is negative
     */
    public static TrainingSchedule until(long totalSteps) {
        return new TrainingSchedule(totalSteps, 0, 10, null);
    }

    /**
     * A copy that evaluates every {@code steps} steps.
     *
     * @param steps ≥ 0; 0 for only at the end
     * @return the new schedule
     * @throws IllegalArgumentException if negative
     */
    public TrainingSchedule withEvalEvery(int steps) {
        return new TrainingSchedule(totalSteps, steps, logEvery, timeLimit);
    }

    /**
     * A copy that logs every {@code steps} steps.
     *
     * @param steps ≥ 1
     * @return the new schedule
     * @throws IllegalArgumentException if below 1
     */
    public TrainingSchedule withLogEvery(int steps) {
        return new TrainingSchedule(totalSteps, evalEvery, steps, timeLimit);
    }

    /**
     * A copy that stops after a time limit.
     *
     * @param limit positive, or null for none
     * @return the new schedule
     * @throws IllegalArgumentException if not positive
     */
    public TrainingSchedule withTimeLimit(Duration limit) {
        return new TrainingSchedule(totalSteps, evalEvery, logEvery, limit);
    }
}
