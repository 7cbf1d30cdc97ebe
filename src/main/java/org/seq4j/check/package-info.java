/**
 * Finite-difference gradient checking of hand-written backward passes.
 *
 * <p>{@link org.seq4j.check.GradientCheck} compares the gradients that a module's backward pass adds into
 * its parameters (and into any input gradient) with central differences of the loss, and reports the worst
 * tensor, index and both values.
 */
package org.seq4j.check;
