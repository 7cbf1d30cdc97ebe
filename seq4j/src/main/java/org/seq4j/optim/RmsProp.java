package org.seq4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.seq4j.nn.Parameters;

/**
 * RMSprop (Hinton, Lecture 6e of "Neural Networks for Machine Learning"), optionally centered (Graves,
 * 2013) and with momentum; the update rule, defaults and argument checks of {@code torch.optim.RMSprop}.
 *
 * <p>With learning rate γ, smoothing constant α, ε, weight decay λ, momentum μ, parameter θ, gradient g,
 * mean square v, mean gradient m and momentum buffer b (all initially zero), each step does:
 * <pre>
 *   g ← g + λ·θ                          if λ ≠ 0
 *   v ← α·v + (1 − α)·g²
 *   if centered:
 *       m ← α·m + (1 − α)·g
 *       d = √(v − m²) + ε
 *   else:
 *       d = √v + ε
 *   if μ &gt; 0:
 *       b ← μ·b + g / d
 *       θ ← θ − γ·b
 *   else:
 *       θ ← θ − γ·g / d
 * </pre>
 * State: {@code square_avg} (v), {@code momentum_buffer} (b, if μ &gt; 0), {@code grad_avg} (m, if
 * centered).
 */
public final class RmsProp extends AbstractOptimizer {

    /**
     * RMSprop hyperparameters; immutable and validated on construction.
     *
     * @param learningRate γ; ≥ 0, default 1e-2
     * @param alpha        α, the smoothing constant; ≥ 0, default 0.99
     * @param epsilon      ε, added to the denominator; ≥ 0, default 1e-8
     * @param weightDecay  λ, L2 penalty added to the gradient; ≥ 0, default 0
     * @param momentum     μ; ≥ 0, default 0
     * @param centered     normalise by the estimated variance of the gradient instead of its mean square;
     *                     default false
     */
    public record Config(double learningRate, double alpha, double epsilon, double weightDecay, double momentum,
                         boolean centered) {

        /**
         * Validates the hyperparameters as {@code torch.optim.RMSprop} does.
         *
         * @param learningRate γ; ≥ 0, default 1e-2
         * @param alpha α, the smoothing constant; ≥ 0, default 0.99
         * @param epsilon ε, added to the denominator; ≥ 0, default 1e-8
         * @param weightDecay λ, L2 penalty added to the gradient; ≥ 0, default 0
         * @param momentum μ; ≥ 0, default 0
         * @param centered normalise by the estimated variance of the gradient instead of its mean square;
         *                 default false
         * @throws IllegalArgumentException e.g. {@code "Invalid alpha value: -0.5"}
         */
        public Config {
            Optimizers.checkLearningRate(learningRate);
            Optimizers.checkNonNegative(epsilon, "Invalid epsilon value: ");
            Optimizers.checkNonNegative(momentum, "Invalid momentum value: ");
            Optimizers.checkNonNegative(weightDecay, "Invalid weight_decay value: ");
            Optimizers.checkNonNegative(alpha, "Invalid alpha value: ");
        }

        /**
         * Starts a builder with PyTorch's defaults: γ = 1e-2, α = 0.99, ε = 1e-8, λ = 0, μ = 0, not
         * centered.
         *
         * @return a builder
         */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds a {@link Config}; validation happens in {@link #build()}. */
        public static final class Builder {
            private double learningRate = 1e-2;
            private double alpha = 0.99;
            private double epsilon = 1e-8;
            private double weightDecay;
            private double momentum;
            private boolean centered;

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
             * Sets the smoothing constant α.
             *
             * @param alpha α; ≥ 0
             * @return this builder
             */
            public Builder alpha(double alpha) {
                this.alpha = alpha;
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
             * Enables or disables the centered variant.
             *
             * @param centered true to normalise by the estimated variance
             * @return this builder
             */
            public Builder centered(boolean centered) {
                this.centered = centered;
                return this;
            }

            /**
             * Validates and builds the config.
             *
             * @return the config
             * @throws IllegalArgumentException as {@link Config#Config} does
             */
            public Config build() {
                return new Config(learningRate, alpha, epsilon, weightDecay, momentum, centered);
            }
        }
    }

    private final Config config;
    private final float alpha;
    private final float oneMinusAlpha;
    private final float epsilon;
    private final float weightDecay;
    private final float momentum;
    /** Index of momentum_buffer and grad_avg among the buffers, or -1 if the config keeps none. */
    private final int momentumIndex;
    private final int gradAvgIndex;

    /**
     * Creates the optimizer; no state is allocated until the first {@link #step()}.
     *
     * @param parameters the parameters to optimize; the registry's current entries are used, in order
     * @param config     the hyperparameters
     */
    public RmsProp(Parameters parameters, Config config) {
        super(parameters, config.learningRate(), bufferNames(config));
        this.config = config;
        this.alpha = (float) config.alpha();
        this.oneMinusAlpha = (float) (1 - config.alpha());
        this.epsilon = (float) config.epsilon();
        this.weightDecay = (float) config.weightDecay();
        this.momentum = (float) config.momentum();
        List<String> names = List.of(bufferNames(config));
        this.momentumIndex = names.indexOf("momentum_buffer");
        this.gradAvgIndex = names.indexOf("grad_avg");
    }

    /**
     * Creates the optimizer with PyTorch's defaults.
     *
     * @param parameters the parameters to optimize; the registry's current entries are used, in order
     */
    public RmsProp(Parameters parameters) {
        this(parameters, Config.builder().build());
    }

    private static String[] bufferNames(Config config) {
        List<String> names = new ArrayList<>(List.of("square_avg"));
        if (config.momentum() > 0) {
            names.add("momentum_buffer");
        }
        if (config.centered()) {
            names.add("grad_avg");
        }
        return names.toArray(new String[0]);
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
        for (float[] b : buffers) {
            Arrays.fill(b, 0f);
        }
    }

    @Override
    void update(float[] value, float[] grad, int n, float[][] buffers, long step, double lr) {
        float negLr = (float) -lr;
        float[] squareAvg = buffers[0];
        float[] buf = momentumIndex >= 0 ? buffers[momentumIndex] : null;
        float[] gradAvg = gradAvgIndex >= 0 ? buffers[gradAvgIndex] : null;
        // Each line computes the torch operation in its comment, rounding as PyTorch's CPU kernel does.
        for (int j = 0; j < n; j++) {
            float g = grad[j];
            if (weightDecay != 0f) {
                g = Math.fma(weightDecay, value[j], g);         // grad.add(param, alpha=weight_decay)
            }
            // square_avg.mul_(alpha).addcmul_(grad, grad, value=1-alpha)
            float v = Math.fma(oneMinusAlpha * g, g, squareAvg[j] * alpha);
            squareAvg[j] = v;
            float avg;
            if (gradAvg != null) {
                // grad_avg.mul_(alpha).add_(grad, alpha=1-alpha)
                float m = Math.fma(oneMinusAlpha, g, gradAvg[j] * alpha);
                gradAvg[j] = m;
                // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
                avg = (float) Math.sqrt(Math.fma(-m, m, v));
            } else {
                avg = (float) Math.sqrt(v);
            }
            avg = avg + epsilon;
            if (buf != null) {
                float b = buf[j] * momentum + g / avg;          // buf.mul_(momentum).addcdiv_(grad, avg)
                buf[j] = b;
                value[j] = Math.fma(negLr, b, value[j]);        // param.add_(buf, alpha=-lr)
            } else {
                value[j] = value[j] + negLr * g / avg;          // param.addcdiv_(grad, avg, value=-lr)
            }
        }
    }

    /**
     * Describes the optimizer.
     *
     * @return e.g. {@code RmsProp(Config[learningRate=0.01, alpha=0.99, ...])}
     */
    @Override
    public String toString() {
        return "RmsProp(" + config + ")";
    }
}
