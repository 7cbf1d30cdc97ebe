/**
 * Parameters, the parameter registry and the basic modules (linear layers, embeddings, losses,
 * initializers) that the sequence models are built from.
 *
 * <p>Shapes use the letters and the layout of {@link org.seq4j.tensor}. Every module's {@code backward}
 * adds ({@code +=}) into parameter gradients; zeroing is an explicit, separate call
 * ({@link org.seq4j.nn.Parameters#zeroGrad()}).
 */
package org.seq4j.nn;
