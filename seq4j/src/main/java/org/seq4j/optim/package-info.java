/**
 * Optimizers, learning-rate schedules and gradient clipping, with the update rules, defaults and
 * argument checks of {@code torch.optim} and {@code torch.nn.utils}.
 *
 * <p>Every {@link org.seq4j.optim.Optimizer} walks one {@link org.seq4j.nn.Parameters} registry: it reads
 * each parameter's gradient and updates its value. Its per-parameter state (momentum buffers, moment
 * estimates) is created on the first step, named as in PyTorch, and can be exported and imported as an
 * {@link org.seq4j.optim.OptimizerState} to resume a run exactly. After the first step, a step allocates
 * nothing.
 *
 * <p>A training step:
 * <pre>{@code
 * optimizer.zeroGrad();
 * // ... forward pass, loss, backward pass (which adds into the gradients) ...
 * double norm = GradientClipping.clipByGlobalNorm(optimizer.parameters(), 5.0); // for logging, too
 * schedule.apply(optimizer, step);                    // the learning rate for this step
 * optimizer.step();
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.seq4j.optim.Sgd}, {@link org.seq4j.optim.Adagrad}, {@link org.seq4j.optim.RmsProp},
 *       {@link org.seq4j.optim.Adam}, {@link org.seq4j.optim.AdamW}: each with an immutable, validated
 *       {@code Config} record and its builder.</li>
 *   <li>{@link org.seq4j.optim.LearningRateSchedule}: step, exponential, linear-to-a-floor and
 *       warm-up-then-cosine schedules as pure functions of the step.</li>
 *   <li>{@link org.seq4j.optim.GradientClipping}: by value and by global norm, failing with a
 *       {@link org.seq4j.optim.NonFiniteGradientException} on NaN or infinite gradients.</li>
 * </ul>
 */
package org.seq4j.optim;
