package org.seq4j.optim;

/**
 * Hyperparameters of {@link Adam} and {@link AdamW}; immutable and validated on construction, with the
 * checks and messages of {@code torch.optim.Adam}. The two optimizers read the same fields and differ in
 * what the weight decay λ does (an L2 penalty added to the gradient, or a decoupled shrinking of the
 * weights) and in its default, so each has its own builder: {@link #adam()} (λ = 0) and {@link #adamW()}
 * (λ = 1e-2), as in PyTorch.
 *
 * @param learningRate γ; ≥ 0, default 1e-3
 * @param beta1        β₁, decay of the first moment; in [0, 1), default 0.9
 * @param beta2        β₂, decay of the second moment; in [0, 1), default 0.999
 * @param epsilon      ε, added to the denominator; ≥ 0, default 1e-8
 * @param weightDecay  λ; ≥ 0, default 0 for Adam and 1e-2 for AdamW
 * @param amsgrad      use the running maximum of the second moment; default false
 */
public record AdamConfig(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
                         boolean amsgrad) {

    /**
     * Validates the hyperparameters as {@code torch.optim.Adam} does.
     *
     * @param learningRate γ; ≥ 0
     * @param beta1        β₁; in [0, 1)
     * @param beta2        β₂; in [0, 1)
     * @param epsilon      ε; ≥ 0
     * @param weightDecay  λ; ≥ 0
     * @param amsgrad      use the running maximum of the second moment
     * @throws IllegalArgumentException e.g. {@code "Invalid beta parameter at index 1: 1.0"}
     */
    public AdamConfig {
        Optimizers.checkLearningRate(learningRate);
        Optimizers.checkNonNegative(epsilon, "Invalid epsilon value: ");
        Optimizers.checkBeta(beta1, 0);
        Optimizers.checkBeta(beta2, 1);
        Optimizers.checkNonNegative(weightDecay, "Invalid weight_decay value: ");
    }

    /**
     * Starts a builder with {@code torch.optim.Adam}'s defaults: γ = 1e-3, betas (0.9, 0.999), ε = 1e-8,
     * λ = 0, no amsgrad.
     *
     * @return a builder
     */
    public static Builder adam() {
        return new Builder(0);
    }

    /**
     * Starts a builder with {@code torch.optim.AdamW}'s defaults: γ = 1e-3, betas (0.9, 0.999), ε = 1e-8,
     * λ = 1e-2, no amsgrad.
     *
     * @return a builder
     */
    public static Builder adamW() {
        return new Builder(1e-2);
    }

    /** Builds an {@link AdamConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private double learningRate = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private double weightDecay;
        private boolean amsgrad;

        private Builder(double defaultWeightDecay) {
            this.weightDecay = defaultWeightDecay;
        }

        /**
         * Sets the learning rate γ.
         *
         * @param learningRate γ, ≥ 0
         * @return this builder
         */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the moment decays.
         *
         * @param beta1 β₁, in [0, 1)
         * @param beta2 β₂, in [0, 1)
         * @return this builder
         */
        public Builder betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets ε.
         *
         * @param epsilon ε, ≥ 0
         * @return this builder
         */
        public Builder epsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets the weight decay λ.
         *
         * @param weightDecay λ, ≥ 0
         * @return this builder
         */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Turns AMSGrad on or off.
         *
         * @param amsgrad use the running maximum of the second moment
         * @return this builder
         */
        public Builder amsgrad(boolean amsgrad) {
            this.amsgrad = amsgrad;
            return this;
        }

        /**
         * Validates and builds the config.
         *
         * @return the config
         * @throws IllegalArgumentException if a value is out of range (PyTorch's message)
         */
        public AdamConfig build() {
            return new AdamConfig(learningRate, beta1, beta2, epsilon, weightDecay, amsgrad);
        }
    }
}
