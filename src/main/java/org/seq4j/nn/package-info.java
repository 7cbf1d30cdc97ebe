/**
 * Parameters, the parameter registry and the basic modules (linear layers, embeddings, losses,
 * initializers) that the sequence models are built from.
 *
 * <p>Shapes use the letters and the layout of {@link org.seq4j.tensor}; {@code N} is any row count
 * ({@code B} for a batch, {@code T·B} for a time-major sequence batch).
 *
 * <h2>Forward and backward</h2>
 * <ul>
 *   <li>A module's {@code forward} writes its output into a caller-supplied matrix; its {@code backward},
 *       right below it, takes the forward inputs again together with the output gradient.</li>
 *   <li>{@code backward} adds ({@code +=}) into parameter gradients; zeroing is an explicit, separate call
 *       ({@link org.seq4j.nn.Parameters#zeroGrad()}). Input gradients ({@code dX}) and loss gradients
 *       ({@code dLogits}) are overwritten.</li>
 *   <li>Losses return the loss as a {@code double} and take the upstream gradient {@code dLoss} in their
 *       {@code backward}, as {@code loss.backward(dLoss)} does in PyTorch.</li>
 *   <li>Nothing is allocated per call: every output and gradient buffer is the caller's, so a training step
 *       allocates nothing once its buffers exist. The only module-owned workspace is
 *       {@link org.seq4j.nn.Embedding}'s single padding row.</li>
 * </ul>
 * Names, shapes, defaults and semantics follow {@code torch.nn} wherever PyTorch has the same thing.
 */
package org.seq4j.nn;
