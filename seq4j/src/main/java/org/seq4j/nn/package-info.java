/**
 * Parameters, the parameter registry and the basic modules (linear layers, embeddings, dropout, losses,
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
 *       {@code backward}, as {@code loss.backward(dLoss)} does in PyTorch; they also take per-example
 *       weights, and cross-entropy takes class weights and an ignore index. Prediction needs no loss:
 *       {@link org.seq4j.nn.CrossEntropyLoss#probabilities} turns logits into probabilities.</li>
 *   <li>Modules can share parameters
 *       ({@link org.seq4j.nn.Linear#Linear(org.seq4j.nn.Parameter, org.seq4j.nn.Parameter)},
 *       {@link org.seq4j.nn.Embedding#Embedding(org.seq4j.nn.Parameter)}: weight tying, one table for several
 *       uses); a
 *       {@link org.seq4j.nn.Parameters} registry keeps a shared parameter once, so it is stepped once, and
 *       every use adds into its one gradient.</li>
 *   <li>Nothing is allocated per call: every output and gradient buffer is the caller's, so a training step
 *       allocates nothing once its buffers exist. {@link org.seq4j.nn.Dropout} keeps its mask in a cache that
 *       the caller owns and reuses. The only module-owned workspace is {@link org.seq4j.nn.Embedding}'s
 *       single padding row.</li>
 * </ul>
 * Names, shapes, defaults and semantics follow {@code torch.nn} wherever PyTorch has the same thing.
 */
package org.seq4j.nn;
