package org.seq4j.optim;

import org.seq4j.nn.Parameters;

/**
 * Updates a model's parameters from their gradients.
 *
 * <h2>Life cycle</h2>
 * <ol>
 *   <li>Create the optimizer over a parameter registry and an immutable config. The registry's parameters
 *       at that moment are the ones optimized, in registry order; no state exists yet.</li>
 *   <li>Each training step: {@link #zeroGrad()}, forward and backward passes (which add into the
 *       gradients), optionally {@link GradientClipping}, optionally a {@link LearningRateSchedule} setting
 *       {@link #setLearningRate(double)}, then {@link #step()}.</li>
 *   <li>The first {@code step()} creates each parameter's state (its buffers, named as in
 *       {@code torch.optim}); later steps allocate nothing.</li>
 *   <li>To resume exactly: save {@link #exportState()} with the parameter values; later, build the same
 *       optimizer over the restored parameters and call {@link #importState(OptimizerState)}.</li>
 * </ol>
 *
 * <p>Every parameter is stepped on every {@code step()}: seq4j gradients always exist (a parameter the
 * loss does not touch has a zero gradient), which matches {@code torch.optim} after
 * {@code zero_grad(set_to_none=False)}.
 *
 * <h2>Arithmetic</h2>
 * Element-wise float32, with scalar coefficients computed in double and rounded to float once, in the
 * operation order of {@code torch.optim}'s single-tensor code paths; where PyTorch's CPU kernels fuse a
 * multiply and an add ({@code add(x, alpha=a)} is {@code fma(a, x, self)}, {@code addcmul(t1, t2, value=v)}
 * is {@code fma(v·t1, t2, self)}), seq4j uses {@link Math#fma(float, float, float)} too. The result: on
 * the committed PyTorch fixtures every parameter and state element after every step is bit-identical to
 * torch 1.13's. {@code Math.fma} is one instruction on x86-64 with FMA and on AArch64.
 *
 * <p>Optimizers are not thread-safe.
 */
public interface Optimizer {

    /**
     * Performs one update of every parameter from its current gradient. Reads the gradients (not
     * modified) and modifies the parameter values and the optimizer state.
     */
    void step();

    /** Sets the gradient of every optimized parameter to zero. */
    void zeroGrad();

    /**
     * The learning rate the next {@link #step()} uses.
     *
     * @return the learning rate
     */
    double learningRate();

    /**
     * Sets the learning rate for the following steps, e.g. from a {@link LearningRateSchedule}.
     *
     * @param learningRate the new learning rate; finite and ≥ 0
     * @throws IllegalArgumentException if it is negative or not finite ({@code "Invalid learning rate: -1.0"})
     */
    void setLearningRate(double learningRate);

    /**
     * The registry given at construction. The optimized parameters are its entries at that moment;
     * parameters added to it later are not optimized.
     *
     * @return the registry (the live object)
     */
    Parameters parameters();

    /**
     * A snapshot of the learning rate and of every parameter's state (step count and buffers). Parameters
     * that have not been stepped yet have no state and do not appear.
     *
     * @return an immutable copy; later steps do not change it
     */
    OptimizerState exportState();

    /**
     * Replaces the learning rate and the whole per-parameter state by a snapshot, so that the following
     * steps continue bit-identically to the optimizer that exported it. Parameters absent from the snapshot
     * start afresh, as if never stepped. The snapshot is validated completely before anything changes.
     *
     * @param state the snapshot; not modified
     * @throws IllegalArgumentException if it names a parameter this optimizer does not have, a shape differs
     *                                  from the parameter's, or a parameter's buffer names are not exactly
     *                                  (in any order) those this optimizer's config keeps, e.g.
     *                                  {@code exp_avg, exp_avg_sq} for Adam without amsgrad; the message
     *                                  names the parameter and the buffers
     */
    void importState(OptimizerState state);
}
