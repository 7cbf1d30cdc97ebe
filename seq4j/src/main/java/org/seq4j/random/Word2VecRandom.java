package org.seq4j.random;

/**
 * The random stream of {@code word2vec.c}: a 64-bit linear congruential generator,
 *
 * <pre>
 *   r ← r · 25214903917 + 11      (mod 2^64; java.util.Random's constants without its 48-bit mask)
 * </pre>
 *
 * with the three ways {@code word2vec.c} reads it, so that word2vec training draws exactly what the C
 * program draws for the same seed: {@link #nextFraction()} (the initial vectors and subsampling),
 * {@link #nextIndex(int)} (the window shrink) and {@link #next()} for the noise table, which reads the bits
 * from 16 up. The low bits of such a generator are weak (bit {@code k} has period 2<sup>k+1</sup>); it is
 * kept for fidelity to {@code word2vec.c}, not recommended for anything else ({@link SplitMix64} is).
 * Not thread-safe: each training thread owns one.
 */
public final class Word2VecRandom {

    /** The multiplier of the generator. */
    public static final long MULTIPLIER = 25214903917L;
    /** The increment of the generator. */
    public static final long INCREMENT = 11L;

    private long state;

    /**
     * Creates a generator whose state is the seed ({@code word2vec.c}'s {@code next_random}).
     *
     * @param seed the seed (any value)
     */
    public Word2VecRandom(long seed) {
        this.state = seed;
    }

    /**
     * Advances the generator.
     *
     * @return the new state, all 64 bits
     */
    public long next() {
        state = state * MULTIPLIER + INCREMENT;
        return state;
    }

    /**
     * Advances and reads the low 16 bits as a fraction: {@code (r & 0xFFFF) / 65536f}.
     *
     * @return a value in {@code [0, 1)}, a multiple of 1/65536
     */
    public float nextFraction() {
        return (next() & 0xFFFF) / 65536f;
    }

    /**
     * Advances and reduces the state modulo {@code bound}, unsigned as in C ({@code r % bound}).
     *
     * @param bound the number of values, at least 1
     * @return a value in {@code [0, bound)}
     */
    public int nextIndex(int bound) {
        return (int) Long.remainderUnsigned(next(), bound);
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
}
