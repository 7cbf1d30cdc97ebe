package org.seq4j.optim;

import java.util.Arrays;
import org.seq4j.nn.Parameters;

/**
 * Adam (Kingma and Ba, 2015), optionally AMSGrad (Reddi, Kale and Kumar, 2018), with weight decay as an
 * L2 penalty added to the gradient; the update rule, defaults and argument checks of
 * {@code torch.optim.Adam}. For decoupled weight decay use {@link AdamW}.
 *
 * <p>With learning rate γ, betas β₁ and β₂, ε, weight decay λ, parameter θ, gradient g, first moment m,
 * second moment v and its running maximum v̂ (all initially zero), step t (from 1) does:
 * <pre>
 *   g ← g + λ·θ                          if λ ≠ 0
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   v̂ ← max(v̂, v)                        if amsgrad (and use v̂ for v below)
 *   d = √v / √(1 − β₂ᵗ) + ε
 *   θ ← θ − (γ / (1 − β₁ᵗ))·m / d
 * </pre>
 * State: {@code exp_avg} (m), {@code exp_avg_sq} (v), {@code max_exp_avg_sq} (v̂, if amsgrad).
 */
public final class Adam extends AbstractOptimizer {

    private final AdamConfig config;

    /**
     * Creates the optimizer; no state is allocated until the first {@link #step()}.
     *
     * @param parameters the parameters to optimize; the registry's current entries are used, in order
     * @param config     the hyperparameters
     */
    public Adam(Parameters parameters, AdamConfig config) {
        super(parameters, config.learningRate(), bufferNames(config.amsgrad()));
        this.config = config;
    }

    /**
     * Creates the optimizer with PyTorch's defaults.
     *
     * @param parameters the parameters to optimize; the registry's current entries are used, in order
     */
    public Adam(Parameters parameters) {
        this(parameters, AdamConfig.adam().build());
    }

    static String[] bufferNames(boolean amsgrad) {
        return amsgrad ? new String[] {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
                       : new String[] {"exp_avg", "exp_avg_sq"};
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
        zero(buffers);
    }

    @Override
    void update(float[] value, float[] grad, int n, float[][] buffers, long step, double lr) {
        update(value, grad, n, buffers, step, lr, config.beta1(), config.beta2(), config.epsilon(),
               config.weightDecay(), 0, config.amsgrad());
    }

    static void zero(float[][] buffers) {
        for (float[] b : buffers) {
            Arrays.fill(b, 0f);
        }
    }

    /**
     * The Adam and AdamW update of one parameter, in the operation order of PyTorch's single-tensor code.
     *
     * @param value          θ; modified
     * @param grad           g; not modified
     * @param n              number of elements
     * @param buffers        m, v and (if amsgrad) v̂; modified
     * @param step           t, including this step
     * @param lr             γ
     * @param beta1          β₁
     * @param beta2          β₂
     * @param epsilon        ε
     * @param l2WeightDecay  λ added to the gradient (Adam), or 0
     * @param decoupledDecay λ for θ ← θ·(1 − γλ) before the update (AdamW), or 0
     * @param amsgrad        whether v̂ is kept and used
     */
    static void update(float[] value, float[] grad, int n, float[][] buffers, long step, double lr,
                       double beta1, double beta2, double epsilon, double l2WeightDecay, double decoupledDecay,
                       boolean amsgrad) {
        float[] expAvg = buffers[0];
        float[] expAvgSq = buffers[1];
        float[] maxExpAvgSq = amsgrad ? buffers[2] : null;
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        float negStepSize = (float) -(lr / biasCorrection1);
        float biasCorrection2Sqrt = (float) Math.sqrt(biasCorrection2);
        float decay = (float) (1 - lr * decoupledDecay);
        float l2 = (float) l2WeightDecay;
        float b1 = (float) beta1;
        float oneMinusB1 = (float) (1 - beta1);
        float b2 = (float) beta2;
        float oneMinusB2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        // Each line computes the torch operation in its comment, rounding as PyTorch's CPU kernel does.
        for (int j = 0; j < n; j++) {
            float theta = value[j];
            if (decoupledDecay != 0) {
                theta = theta * decay;                                  // param.mul_(1 - lr*weight_decay)
            }
            float g = grad[j];
            if (l2WeightDecay != 0) {
                g = Math.fma(l2, theta, g);                             // grad.add(param, alpha=weight_decay)
            }
            float m = Math.fma(oneMinusB1, g, expAvg[j] * b1);          // exp_avg.mul_(beta1).add_(grad, alpha=1-beta1)
            expAvg[j] = m;
            // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1-beta2)
            float v = Math.fma(oneMinusB2 * g, g, expAvgSq[j] * b2);
            expAvgSq[j] = v;
            if (maxExpAvgSq != null) {
                v = Math.max(maxExpAvgSq[j], v);                        // torch.maximum(max_exp_avg_sq, exp_avg_sq)
                maxExpAvgSq[j] = v;
            }
            float denom = (float) Math.sqrt(v) / biasCorrection2Sqrt + eps; // (v.sqrt() / bc2_sqrt).add_(eps)
            value[j] = theta + negStepSize * m / denom;          // param.addcdiv_(exp_avg, denom, value=-step_size)
        }
    }

    /**
     * Describes the optimizer.
     *
     * @return e.g. {@code Adam(AdamConfig[learningRate=0.001, beta1=0.9, ...])}
     */
    @Override
    public String toString() {
        return "Adam(" + config + ")";
    }
}
