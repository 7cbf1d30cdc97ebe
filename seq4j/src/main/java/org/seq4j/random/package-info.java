/**
 * Seeded random streams whose state can be read and restored, the one home of seq4j's generators.
 *
 * <ul>
 *   <li>{@link org.seq4j.random.SplitMix64}: the general-purpose stream (dropout masks, sampling, the
 *       seeds of per-thread streams); a checkpoint stores its state so that a resumed run continues it
 *       exactly.</li>
 *   <li>{@link org.seq4j.random.Word2VecRandom}: {@code word2vec.c}'s linear congruential generator, read
 *       the ways the C program reads it, for word2vec training that draws what {@code word2vec.c} draws.</li>
 * </ul>
 *
 * <p>Every random choice in seq4j takes an explicit seed or generator; there is no global stream. Both
 * generators implement the same algorithm as their reference bit for bit ({@link java.util.SplittableRandom}
 * and {@code word2vec.c}), which the tests check.
 */
package org.seq4j.random;
