package org.seq4j.seq2seq;

/**
 * How many tokens a decoder may write for a source sentence: {@code ⌊perSourceToken · |source|⌋ + extra},
 * {@code <eos>} included. A hypothesis that reaches the limit without {@code <eos>} ends there, unfinished.
 *
 * <p>{@link #DEFAULT} is {@code 2 · |source| + 5}, the limit of the PyTorch peer ({@code torch_seq2seq.py}),
 * whose beam search takes it per sentence (its batched greedy search takes it from the longest source
 * of each batch; seq4j's always per sentence, so that a translation does not depend on its batch).
 *
 * @param perSourceToken tokens allowed per source token, finite and at least 0
 * @param extra          tokens allowed on top, at least 1 when {@code perSourceToken} is 0
 */
public record MaxLength(double perSourceToken, int extra) {

    /** {@code 2 · |source| + 5}. */
    public static final MaxLength DEFAULT = new MaxLength(2, 5);

    /**
     * Validates the limit.
     *
     * @param perSourceToken tokens allowed per source token, finite and at least 0
     * @param extra          tokens allowed on top, at least 1 when {@code perSourceToken} is 0
     * @throws IllegalArgumentException if {@code perSourceToken} is negative or not finite, {@code extra}
     *                                  is negative, or both are 0
     */
    public MaxLength {
        if (!(perSourceToken >= 0) || Double.isInfinite(perSourceToken)) {
            throw new IllegalArgumentException("perSourceToken must be finite and at least 0 but was "
                    + perSourceToken);
        }
        if (extra < 0 || (extra == 0 && perSourceToken == 0)) {
            throw new IllegalArgumentException("extra must be at least " + (perSourceToken == 0 ? 1 : 0)
                    + " but was " + extra);
        }
    }

    /**
     * A limit independent of the source.
     *
     * @param tokens the most tokens, at least 1
     * @return {@code new MaxLength(0, tokens)}
     * @throws IllegalArgumentException if {@code tokens < 1}
     */
    public static MaxLength fixed(int tokens) {
        return new MaxLength(0, tokens);
    }

    /**
     * The limit for one source sentence.
     *
     * @param sourceLength the number of source tokens, at least 0
     * @return {@code ⌊perSourceToken · sourceLength⌋ + extra}, at least 1 (capped at
     *         {@link Integer#MAX_VALUE})
     * @throws IllegalArgumentException if {@code sourceLength < 0}
     */
    public int of(int sourceLength) {
        if (sourceLength < 0) {
            throw new IllegalArgumentException("sourceLength must be at least 0 but was " + sourceLength);
        }
        double limit = Math.floor(perSourceToken * sourceLength) + extra;
        return limit >= Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(1, (int) limit);
    }
}
