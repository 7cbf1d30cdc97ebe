package org.seq4j.random;

import java.util.random.RandomGenerator;

/**
 * Steele, Lea and Flood's SplitMix64 generator with a state that can be read and restored, so that a
 * checkpoint can store where a random stream stands and a resumed run continues it exactly.
 *
 * <pre>
 *   state ← state + 0x9E3779B97F4A7C15            (the golden-ratio increment)
 *   z ← state
 *   z ← (z ⊕ (z ≫ 30)) · 0xBF58476D1CE4E5B9
 *   z ← (z ⊕ (z ≫ 27)) · 0x94D049BB133111EB
 *   return z ⊕ (z ≫ 31)
 * </pre>
 *
 * <p>This is the algorithm of {@link java.util.SplittableRandom#nextLong()}, whose state is not
 * accessible. The other draws ({@code nextInt(bound)}, {@code nextDouble()}, …) are the
 * {@link RandomGenerator} defaults built on {@link #nextLong()}. 64 bits of state and a period of
 * 2<sup>64</sup> are ample for dropout masks and sampling; this is not a cryptographic generator.
 * Not thread-safe.
 */
public final class SplitMix64 implements RandomGenerator {

    /** The increment of the state, 2<sup>64</sup>/φ rounded to odd (the golden-ratio "gamma"). */
    public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    /**
     * Creates a generator whose state is the seed.
     *
     * @param seed the seed (any value)
     */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /**
     * Derives a seed for an independent stream from a base seed and a stream number, e.g. one stream
     * per training step: {@code mix(seed + (stream + 1)·γ)}.
     *
     * @param seed   the base seed
     * @param stream the stream number
     * @return a well-mixed seed for that stream
     */
    public static long streamSeed(long seed, long stream) {
        return mix(seed + (stream + 1) * GOLDEN_GAMMA);
    }

    /**
     * The next 64 random bits.
     *
     * @return a uniformly distributed long
     */
    @Override
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /**
     * The current state; a generator given it through {@link #setState(long)} continues with the same draws.
     *
     * @return the state
     */
    public long state() {
        return state;
    }

    /**
     * Restores a state read by {@link #state()} (or sets a new seed).
     *
     * @param state the state
     */
    public void setState(long state) {
        this.state = state;
    }

    /**
     * The output function of {@link #nextLong()} (Stafford's "Mix13" finaliser): a bijection of 64-bit
     * values in which every input bit affects every output bit, also used to derive well-spread seeds
     * from structured ones (a seed and an epoch, say).
     *
     * @param z any value
     * @return the mixed value
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
