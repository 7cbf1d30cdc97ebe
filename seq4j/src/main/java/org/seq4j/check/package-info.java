/**
 * Checks of hand-written backward passes, and diagnostics of how gradients flow through them.
 *
 * <p>{@link org.seq4j.check.GradientCheck} compares the gradients that a module's backward pass adds into
 * its parameters (and into any input gradient) with central differences of the loss, and reports the worst
 * tensor, index and both values.
 *
 * <p>{@link org.seq4j.check.GradientFlow} measures how the gradient of a loss at the last step of a
 * recurrent layer shrinks or grows with the distance back in time, the spectral radius and largest singular
 * value of each recurrent weight, and the saturation of LSTM and GRU gates: the vanishing and exploding
 * gradient made measurable.
 */
package org.seq4j.check;
