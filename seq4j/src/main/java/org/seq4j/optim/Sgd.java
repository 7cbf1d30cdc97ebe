package org.seq4j.optim;

import org.seq4j.nn.Parameters;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay;
 * the update rule, defaults and argument checks of {@code torch.optim.SGD}.
 *
 * <p>With learning rate γ, weight decay λ, momentum μ, dampening τ, parameter θ, gradient g and
 * momentum buffer b, step t (counting from 1) does:
 * <pre>
 *   g ← g + λ·θ                          if λ ≠ 0
 *   if μ ≠ 0:
 *       b ← g                            if t = 1
 *       b ← μ·b + (1 − τ)·g              if t &gt; 1
 *       g ← g + μ·b                      if nesterov
 *       g ← b                            otherwise
 *   θ ← θ − γ·g
 * </pre>
 * Note that, as in PyTorch (and unlike Sutskever et al.), the learning rate multiplies the momentum
 * buffer rather than entering it. State: {@code momentum_buffer} if μ ≠ 0, otherwise none.
 */
public final class Sgd extends AbstractOptimizer {

    /**
     * SGD hyperparameters; immutable and validated on construction.
     *
     * @param learningRate γ; ≥ 0 (PyTorch has no default)
     * @param momentum     μ; ≥ 0, default 0
     * @param dampening    τ, applied to the gradient in the momentum update from step 2; default 0
     * @param weightDecay  λ, L2 penalty added to the gradient; ≥ 0, default 0
     * @param nesterov     Nesterov momentum; requires μ &gt; 0 and τ = 0; default false
     */
    public record Config(double learningRate, double momentum, double dampening, double weightDecay,
                         boolean nesterov) {

        /**
         * Validates the hyperparameters as {@code torch.optim.SGD} does.
         *
         * @param learningRate γ; ≥ 0 (PyTorch has no default)
         * @param momentum μ; ≥ 0, default 0
         * @param dampening τ, applied to the gradient in the momentum update from step 2; default 0
         * @param weightDecay λ, L2 penalty added to the gradient; ≥ 0, default 0
         * @param nesterov Nesterov momentum; requires μ &gt; 0 and τ = 0; default false
         * @throws IllegalArgumentException e.g. {@code "Invalid momentum value: -0.1"}, or
         *                                  {@code "Nesterov momentum requires a momentum and zero dampening"}
         */
        public Config {
            Optimizers.checkLearningRate(learningRate);
            Optimizers.checkNonNegative(momentum, "Invalid momentum value: ");
            Optimizers.checkNonNegative(weightDecay, "Invalid weight_decay value: ");
            if (!Double.isFinite(dampening)) {
                throw new IllegalArgumentException("Invalid dampening value: " + dampening);
            }
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
            }
        }

        /**
         * Starts a builder with PyTorch's defaults (no momentum, no dampening, no weight decay).
         *
         * @param learningRate γ; ≥ 0
         * @return a builder
         */
        public static Builder builder(double learningRate) {
            return new Builder(learningRate);
        }

        /** Builds a {@link Config}; validation happens in {@link #build()}. */
        public static final class Builder {
            private final double learningRate;
            private double momentum;
            private double dampening;
            private double weightDecay;
            private boolean nesterov;

            private Builder(double learningRate) {
                this.learningRate = learningRate;
            }

            /**
             * Sets the momentum μ.
             *
             * @param momentum μ; ≥ 0
             * @return this builder
             */
            public Builder momentum(double momentum) {
                this.momentum = momentum;
                return this;
            }

            /**
             * Sets the dampening τ.
             *
             * @param dampening τ
             * @return this builder
             */
            public Builder dampening(double dampening) {
                this.dampening = dampening;
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
             * Enables or disables Nesterov momentum.
             *
             * @param nesterov true for Nesterov momentum
             * @return this builder
             */
            public Builder nesterov(boolean nesterov) {
                this.nesterov = nesterov;
                return this;
            }

            /**
             * Validates and builds the config.
             *
             * @return the config
             * @throws IllegalArgumentException as {@link Config#Config} does
             */
            public Config build() {
                return new Config(learningRate, momentum, dampening, weightDecay, nesterov);
            }
        }
    }

    private final Config config;
    // Coefficients rounded to float once, as PyTorch rounds a Python scalar for a float32 tensor.
    private final float weightDecay;
    private final float momentum;
    private final float oneMinusDampening;

    /**
     * Creates the optimizer; no state is allocated until the first {@link #step()}.
     *
     * @param parameters the parameters to optimize; the registry's current entries are used, in order
     * @param config     the hyperparameters
     */
    public Sgd(Parameters parameters, Config config) {
        super(parameters, config.learningRate(), config.momentum() != 0 ? new String[] {"momentum_buffer"}
                                                                          : new String[0]);
        this.config = config;
        this.weightDecay = (float) config.weightDecay();
        this.momentum = (float) config.momentum();
        this.oneMinusDampening = (float) (1 - config.dampening());
    }

    /**
     * Creates plain SGD (no momentum, no weight decay); no state is ever allocated.
     *
     * @param parameters   the parameters to optimize; the registry's current entries are used, in order
     * @param learningRate γ; finite and ≥ 0
     * @throws IllegalArgumentException if the learning rate is negative or not finite
     */
    public Sgd(Parameters parameters, double learningRate) {
        this(parameters, Config.builder(learningRate).build());
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
        // The momentum buffer is set to the first gradient in update(); nothing to do here.
    }

    @Override
    void update(float[] value, float[] grad, int n, float[][] buffers, long step, double lr) {
        float negLr = (float) -lr;
        boolean useMomentum = config.momentum() != 0;
        boolean nesterov = config.nesterov();
        float[] buf = useMomentum ? buffers[0] : null;
        // Each line computes the torch operation in its comment, rounding as PyTorch's CPU kernel does.
        for (int j = 0; j < n; j++) {
            float d = grad[j];
            if (weightDecay != 0f) {
                d = Math.fma(weightDecay, value[j], d);          // d_p.add(param, alpha=weight_decay)
            }
            if (useMomentum) {
                // step 1: buf = clone(d_p); later: buf.mul_(momentum).add_(d_p, alpha=1-dampening)
                float b = step == 1 ? d : Math.fma(oneMinusDampening, d, buf[j] * momentum);
                buf[j] = b;
                d = nesterov ? Math.fma(momentum, b, d) : b;     // d_p.add(buf, alpha=momentum)
            }
            value[j] = Math.fma(negLr, d, value[j]);             // param.add_(d_p, alpha=-lr)
        }
    }

    /**
     * Describes the optimizer.
     *
     * @return e.g. {@code Sgd(Config[learningRate=0.1, momentum=0.9, ...])}
     */
    @Override
    public String toString() {
        return "Sgd(" + config + ")";
    }
}
