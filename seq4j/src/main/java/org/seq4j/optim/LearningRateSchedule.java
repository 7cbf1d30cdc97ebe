package org.seq4j.optim;

/**
 * A learning rate as a pure function of the step: {@code learningRate(s)} is the rate for the optimizer
 * step that follows {@code s} completed steps ({@code s = 0} for the very first step). Schedules hold no
 * state, so a resumed run only needs its step count to get the same rates.
 *
 * <p>Use: before each {@link Optimizer#step()}, call {@link #apply(Optimizer, long)} with the number of
 * steps done so far. The step-based PyTorch schedulers give the same rates when their {@code step()} is
 * called once after every optimizer step, {@code s} being their {@code last_epoch}.
 *
 * <p>The schedules, with initial rate γ₀:
 * <pre>
 *   constant        γ(s) = γ₀
 *   stepDecay       γ(s) = γ₀·κ^⌊s / stepSize⌋                       (torch StepLR, gamma κ)
 *   exponential     γ(s) = γ₀·κ^s                                    (torch ExponentialLR, gamma κ)
 *   linearDecay     γ(s) = γ₀·max(f, 1 − s / S)                      (word2vec: total steps S, floor f)
 *   warmupCosine    γ(s) = γ₀·(s + 1) / W                                         for s &lt; W
 *                   γ(s) = γₘ + (γ₀ − γₘ)·(1 + cos(π·(s − W) / (S − W))) / 2      for W ≤ s &lt; S
 *                   γ(s) = γₘ                                                     for s ≥ S
 * </pre>
 * The warm-up is torch's {@code LinearLR(start_factor=1/W, total_iters=W−1)}; after it, the rate is torch's
 * {@code CosineAnnealingLR(T_max=S−W, eta_min=γₘ)} at {@code s − W}, held at γₘ once the cosine ends.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /**
     * The learning rate after a number of completed steps.
     *
     * @param step completed optimizer steps, ≥ 0
     * @return the learning rate, finite and ≥ 0
     * @throws IllegalArgumentException if the step is negative
     */
    double learningRate(long step);

    /**
     * Sets an optimizer's learning rate to {@code learningRate(step)}; allocates nothing.
     *
     * @param optimizer the optimizer; its learning rate is modified
     * @param step      completed optimizer steps, ≥ 0
     * @throws IllegalArgumentException if the step is negative
     */
    default void apply(Optimizer optimizer, long step) {
        optimizer.setLearningRate(learningRate(step));
    }

    /**
     * A constant rate: γ(s) = γ₀.
     *
     * @param initialRate γ₀; finite and ≥ 0
     * @return the schedule
     * @throws IllegalArgumentException if γ₀ is negative or not finite
     */
    static LearningRateSchedule constant(double initialRate) {
        return new Schedules.Constant(initialRate);
    }

    /**
     * Step decay, as torch's {@code StepLR}: γ(s) = γ₀·κ^⌊s / stepSize⌋.
     *
     * @param initialRate γ₀; finite and ≥ 0
     * @param stepSize    steps between decays; ≥ 1
     * @param gamma       κ, the factor applied every {@code stepSize} steps; finite and ≥ 0
     * @return the schedule
     * @throws IllegalArgumentException if an argument is out of range
     */
    static LearningRateSchedule stepDecay(double initialRate, long stepSize, double gamma) {
        return new Schedules.StepDecay(initialRate, stepSize, gamma);
    }

    /**
     * Exponential decay, as torch's {@code ExponentialLR}: γ(s) = γ₀·κ^s.
     *
     * @param initialRate γ₀; finite and ≥ 0
     * @param gamma       κ, the factor applied every step; finite and ≥ 0
     * @return the schedule
     * @throws IllegalArgumentException if an argument is out of range
     */
    static LearningRateSchedule exponential(double initialRate, double gamma) {
        return new Schedules.Exponential(initialRate, gamma);
    }

    /**
     * Linear decay to a floor, as word2vec decays its rate over the training words:
     * γ(s) = γ₀·max(f, 1 − s / S). word2vec's C tool uses f = 1e-4.
     *
     * @param initialRate   γ₀; finite and ≥ 0
     * @param totalSteps    S, the step at which the linear part reaches zero; ≥ 1
     * @param floorFraction f, the smallest fraction of γ₀ ever used; in [0, 1]
     * @return the schedule
     * @throws IllegalArgumentException if an argument is out of range
     */
    static LearningRateSchedule linearDecay(double initialRate, long totalSteps, double floorFraction) {
        return new Schedules.LinearDecay(initialRate, totalSteps, floorFraction);
    }

    /**
     * Linear warm-up over W steps from γ₀/W to γ₀, then cosine decay to γₘ at step S, then γₘ (see the
     * interface documentation for the formula).
     *
     * @param initialRate  γ₀, the peak rate; finite and ≥ 0
     * @param warmupSteps  W; ≥ 0 (0 for no warm-up)
     * @param totalSteps   S, where the cosine reaches γₘ; &gt; W
     * @param minimumRate  γₘ; in [0, γ₀]
     * @return the schedule
     * @throws IllegalArgumentException if an argument is out of range
     */
    static LearningRateSchedule warmupCosine(double initialRate, long warmupSteps, long totalSteps,
                                             double minimumRate) {
        return new Schedules.WarmupCosine(initialRate, warmupSteps, totalSteps, minimumRate);
    }
}
