package org.seq4j.optim;

import java.util.Arrays;
import org.seq4j.nn.Parameters;

/**
 * Adagrad (Duchi, Hazan and Singer, 2011); the update rule, defaults and argument checks of
 * {@code torch.optim.Adagrad}.
 *
 * <p>With learning rate γ, learning-rate decay η, weight decay λ, initial accumulator value a₀, ε,
 * parameter θ, gradient g and accumulated squares s (initially a₀ everywhere), step t (from 1) does:
 * <pre>
 *   g ← g + λ·θ                          if λ ≠ 0
 *   γ' = γ / (1 + (t − 1)·η)
 *   s ← s + g²
 *   θ ← θ − γ'·g / (√s + ε)
 * </pre>
 * State: {@code sum} (s). PyTorch creates the state in the constructor; seq4j creates it on the first step,
 * with the same values.
 */
public final class Adagrad extends AbstractOptimizer {

    /**
     * Adagrad hyperparameters; immutable and validated on construction.
     *
     * @param learningRate            γ; ≥ 0, default 1e-2
     * @param learningRateDecay       η; ≥ 0, default 0
     * @param weightDecay             λ, L2 penalty added to the gradient; ≥ 0, default 0
     * @param initialAccumulatorValue a₀, the initial value of every accumulated square; ≥ 0, default 0
     * @param epsilon                 ε, added to the denominator; ≥ 0, default 1e-10
     */
    public record Config(double learningRate, double learningRateDecay, double weightDecay,
                         double initialAccumulatorValue, double epsilon) {

        /**
         * Validates the hyperparameters as {@code torch.optim.Adagrad} does.
         *
         * @param learningRate γ; ≥ 0, default 1e-2
         * @param learningRateDecay η; ≥ 0, default 0
         * @param weightDecay λ, L2 penalty added to the gradient; ≥ 0, default 0
         * @param initialAccumulatorValue a₀, the initial value of every accumulated square; ≥ 0, default 0
         * @param epsilon ε, added to the denominator; ≥ 0, default 1e-10
         * @throws IllegalArgumentException e.g. {@code "Invalid lr_decay value: -1.0"}
         */
        public Config {
            Optimizers.checkLearningRate(learningRate);
            Optimizers.checkNonNegative(learningRateDecay, "Invalid lr_decay value: ");
            Optimizers.checkNonNegative(weightDecay, "Invalid weight_decay value: ");
            Optimizers.checkNonNegative(initialAccumulatorValue, "Invalid initial_accumulator_value value: ");
            Optimizers.checkNonNegative(epsilon, "Invalid epsilon value: ");
        }

        /**
         * Starts a builder with PyTorch's defaults: γ = 1e-2, η = 0, λ = 0, a₀ = 0, ε = 1e-10.
         *
         * @return a builder
         */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds a {@link Config}; validation happens in {@link #build()}. */
        public static final class Builder {
            private double learningRate = 1e-2;
            private double learningRateDecay;
            private double weightDecay;
            private double initialAccumulatorValue;
            private double epsilon = 1e-10;

            private Builder() {
            }

            /**
             * Sets the learning rate γ.
             *
             * @param learningRate γ; ≥ 0
             * @return this builder
             */
            public Builder learningRate(double learningRate) {
                this.learningRate = learningRate;
                return this;
            }

            /**
             * Sets the learning-rate decay η.
             *
             * @param learningRateDecay η; ≥ 0
             * @return this builder
             */
            public Builder learningRateDecay(double learningRateDecay) {
                this.learningRateDecay = learningRateDecay;
                return this;
            }

            /**
             * Sets the weight decay λ (L2 penalty added to the gradient).
             *
             * @param weightDecay λ; ≥ 0
             * @return this builder
             */
            public Builder weightDecay(double weightDecay) {
                this.weightDecay = weightDecay;
                return this;
            }

            /**
             * Sets the initial accumulator value a₀.
             *
             * @param initialAccumulatorValue a₀; ≥ 0
             * @return this builder
             */
            public Builder initialAccumulatorValue(double initialAccumulatorValue) {
                this.initialAccumulatorValue = initialAccumulatorValue;
                return this;
            }

            /**
             * Sets ε.
             *
             * @param epsilon ε; ≥ 0
             * @return this builder
             */
            public Builder epsilon(double epsilon) {
                this.epsilon = epsilon;
                return this;
            }

            /**
             * Validates and builds the config.
             *
             * @return the config
             * @throws IllegalArgumentException as {@link Config#Config} does
             */
            public Config build() {
                return new Config(learningRate, learningRateDecay, weightDecay, initialAccumulatorValue, epsilon);
            }
        }
    }

    private final Config config;
    private final float weightDecay;
    private final float epsilon;
    private final float initialAccumulatorValue;

    /**
     * Creates the optimizer; no state is allocated until the first {@link #step()}.
     *
     * @param parameters the parameters to optimize; the registry's current entries are used, in order
     * @param config     the hyperparameters
     */
    public Adagrad(Parameters parameters, Config config) {
        super(parameters, config.learningRate(), "sum");
        this.config = config;
        this.weightDecay = (float) config.weightDecay();
        this.epsilon = (float) config.epsilon();
        this.initialAccumulatorValue = (float) config.initialAccumulatorValue();
    }

    /**
     * Creates the optimizer with PyTorch's defaults.
     *
     * @param parameters the parameters to optimize; the registry's current entries are used, in order
     */
    public Adagrad(Parameters parameters) {
        this(parameters, Config.builder().build());
    }

    /**
     * The hyperparameters given at construction (the current learning rate is {@link #learningRate()}).
     *
     * @return the config
     */
    public Config config() {
        return config;
    }

    @Override
    void initBuffers(float[][] buffers) {
        Arrays.fill(buffers[0], initialAccumulatorValue);
    }

    @Override
    void update(float[] value, float[] grad, int n, float[][] buffers, long step, double lr) {
        float[] sum = buffers[0];
        float negClr = (float) -(lr / (1 + (step - 1) * config.learningRateDecay()));
        // Each line computes the torch operation in its comment, rounding as PyTorch's CPU kernel does.
        for (int j = 0; j < n; j++) {
            float g = grad[j];
            if (weightDecay != 0f) {
                g = Math.fma(weightDecay, value[j], g);           // grad.add(param, alpha=weight_decay)
            }
            float s = Math.fma(g, g, sum[j]);                     // state_sum.addcmul_(grad, grad, value=1)
            sum[j] = s;
            float std = (float) Math.sqrt(s) + epsilon;           // state_sum.sqrt().add_(eps)
            value[j] = value[j] + negClr * g / std;               // param.addcdiv_(grad, std, value=-clr)
        }
    }

    /**
     * Describes the optimizer.
     *
     * @return e.g. {@code Adagrad(Config[learningRate=0.01, ...])}
     */
    @Override
    public String toString() {
        return "Adagrad(" + config + ")";
    }
}
