/**
 * seq4j: pure-Java neural sequence models with explicit forward and backward passes.
 *
 * <p>Start with {@link org.seq4j.tensor} for the layout convention and the matrix operations, and
 * {@link org.seq4j.nn} for parameters and the basic modules.
 */
package org.seq4j;
