package org.seq4j.optim;

import org.seq4j.nn.Parameters;

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019); the update rule, defaults and
 * argument checks of {@code torch.optim.AdamW}. The only differences from {@link Adam} are that weight
 * decay shrinks the parameter directly instead of entering the gradient, and that it is on by default.
 *
 * <p>With learning rate γ, betas β₁ and β₂, ε, weight decay λ, parameter θ, gradient g, first moment m,
 * second moment v and its running maximum v̂ (all initially zero), step t (from 1) does:
 * <pre>
 *   θ ← θ·(1 − γ·λ)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   v̂ ← max(v̂, v)                        if amsgrad (and use v̂ for v below)
 *   d = √v / √(1 − β₂ᵗ) + ε
 *   θ ← θ − (γ / (1 − β₁ᵗ))·m / d
 * </pre>
 * State: {@code exp_avg} (m), {@code exp_avg_sq} (v), {@code max_exp_avg_sq} (v̂, if amsgrad).
 */
public final class AdamW extends AbstractOptimizer {

    private final AdamConfig config;

    /**
     * Creates the optimizer; no state is allocated until the first {@link #step()}.
     *
     * @param parameters the parameters to optimize; the registry's current entries are used, in order
     * @param config     the hyperparameters
     */
    public AdamW(Parameters parameters, AdamConfig config) {
        super(parameters, config.learningRate(), Adam.bufferNames(config.amsgrad()));
        this.config = config;
    }

    /**
     * Creates the optimizer with PyTorch's defaults.
     *
     * @param parameters the parameters to optimize; the registry's current entries are used, in order
     */
    public AdamW(Parameters parameters) {
        this(parameters, AdamConfig.adamW().build());
    }

    /**
     * The hyperparameters given at construction (the current learning rate is {@link #learningRate()}).
     *
     * @return the config
     */
    public AdamConfig config() {
        return config;
    }

    @Override
    void initBuffers(float[][] buffers) {
        Adam.zero(buffers);
    }

    @Override
    void update(float[] value, float[] grad, int n, float[][] buffers, long step, double lr) {
        Adam.update(value, grad, n, buffers, step, lr, config.beta1(), config.beta2(), config.epsilon(),
                    0, config.weightDecay(), config.amsgrad());
    }

    /**
     * Describes the optimizer.
     *
     * @return e.g. {@code AdamW(AdamConfig[learningRate=0.001, beta1=0.9, ...])}
     */
    @Override
    public String toString() {
        return "AdamW(" + config + ")";
    }
}
