package org.seq4j.optim;

/**
 * The hyperparameters, PyTorch defaults and setters that the builders of {@link Adam.Config} and
 * {@link AdamW.Config} share; the two differ only in the default weight decay and in what they build.
 *
 * @param <B> the concrete builder, returned by every setter
 * @param <C> the config it builds
 */
abstract class AdamConfigBuilder<B extends AdamConfigBuilder<B, C>, C> {

    /** The canonical constructor of the config record that a builder builds. */
    interface Factory<C> {
        C create(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
                 boolean amsgrad);
    }

    private final Factory<C> factory;
    private double learningRate = 1e-3;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay;
    private boolean amsgrad;

    AdamConfigBuilder(double defaultWeightDecay, Factory<C> factory) {
        this.weightDecay = defaultWeightDecay;
        this.factory = factory;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;  // B is the concrete subclass, by the declaration of every subclass
    }

    /**
     * Sets the learning rate γ.
     *
     * @param learningRate γ; ≥ 0
     * @return this builder
     */
    public B learningRate(double learningRate) {
        this.learningRate = learningRate;
        return self();
    }

    /**
     * Sets the betas.
     *
     * @param beta1 β₁; in [0, 1)
     * @param beta2 β₂; in [0, 1)
     * @return this builder
     */
    public B betas(double beta1, double beta2) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        return self();
    }

    /**
     * Sets ε.
     *
     * @param epsilon ε; ≥ 0
     * @return this builder
     */
    public B epsilon(double epsilon) {
        this.epsilon = epsilon;
        return self();
    }

    /**
     * Sets the weight decay λ: for {@link Adam} an L2 penalty added to the gradient, for {@link AdamW} the
     * decoupled decay {@code θ ← θ·(1 − γ·λ)}.
     *
     * @param weightDecay λ; ≥ 0
     * @return this builder
     */
    public B weightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
        return self();
    }

    /**
     * Enables or disables AMSGrad.
     *
     * @param amsgrad true to use the running maximum of the second moment
     * @return this builder
     */
    public B amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return self();
    }

    /**
     * Validates and builds the config.
     *
     * @return the config
     * @throws IllegalArgumentException if a hyperparameter is out of range, with PyTorch's message
     */
    public C build() {
        return factory.create(learningRate, beta1, beta2, epsilon, weightDecay, amsgrad);
    }

    /** The validation of both configs, with {@code torch.optim.Adam}'s messages and order. */
    static void check(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        Optimizers.checkLearningRate(learningRate);
        Optimizers.checkNonNegative(epsilon, "Invalid epsilon value: ");
        Optimizers.checkBeta(beta1, 0);
        Optimizers.checkBeta(beta2, 1);
        Optimizers.checkNonNegative(weightDecay, "Invalid weight_decay value: ");
    }
}
