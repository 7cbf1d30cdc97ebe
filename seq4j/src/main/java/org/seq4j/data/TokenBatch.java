package org.seq4j.data;

import java.util.Arrays;

/**
 * A batch of {@code B} variable-length token sequences as a padded, time-major index matrix plus the
 * sequence lengths: the input of an {@code Embedding} followed by a recurrent layer.
 *
 * <pre>
 *   tokens          (T·B)   entry t·B + b is token t of sequence b, or padIndex for t ≥ lengths[b]
 *   lengths         (B)     lengths[b] in [1, T]; T = max_b lengths[b]
 *   exampleIndices  (B)     where sequence b came from (its index in the data set)
 * </pre>
 *
 * <p>The layout is seq4j's time-major one ({@link org.seq4j.tensor}): the {@code B} tokens of step
 * {@code t} are contiguous, so an embedding lookup of {@link #tokens()} gives the {@code (T·B, E)} input
 * a recurrent layer takes.
 *
 * <h2>Padding is masked</h2>
 * The positions {@code t ≥ lengths[b]} hold {@link #padIndex()} only to fill the matrix; their values must
 * not matter, and with seq4j's modules they do not, provided the lengths travel with the tokens:
 * <ul>
 *   <li>a recurrent layer given {@link #lengths()} skips the padded steps of each sequence (the state is
 *       carried unchanged, the output rows are zero, no gradient passes), as PyTorch's
 *       {@code pack_padded_sequence}, and its final state is each sequence's state after its own last
 *       token;</li>
 *   <li>a loss over per-step targets ignores them when the padded targets hold its {@code ignore_index}
 *       (build targets with the pad index and set {@code ignore_index} to it, as PyTorch users do);</li>
 *   <li>an {@code Embedding} with {@code paddingIdx = padIndex} looks the padding row up like any other
 *       and never gives it a gradient.</li>
 * </ul>
 * Which positions are padding is decided by the lengths, never by comparing tokens with the pad index, so
 * a pad index that is also a real token is not misread; still, pick one no real token uses (a vocabulary's
 * {@code <pad>}), so that losses with {@code ignore_index} cannot drop real tokens.
 *
 * <p>Immutable: the factories copy their input and the array accessors return copies. The element
 * accessors ({@link #token}, {@link #length}, {@link #exampleIndex}) allocate nothing.
 */
public final class TokenBatch {

    private final int[] tokens;          // (T·B) time-major, padded
    private final int[] lengths;         // (B)
    private final int[] exampleIndices;  // (B)
    private final int padIndex;
    private final int maxLength;         // T

    private TokenBatch(int[] tokens, int[] lengths, int[] exampleIndices, int padIndex, int maxLength) {
        this.tokens = tokens;
        this.lengths = lengths;
        this.exampleIndices = exampleIndices;
        this.padIndex = padIndex;
        this.maxLength = maxLength;
    }

    /**
     * Pads sequences into a batch, in the given order; example {@code b} gets example index {@code b}.
     *
     * @param sequences the {@code B ≥ 1} token sequences, each of length ≥ 1; copied, not modified
     * @param padIndex  the index written at padded positions
     * @return the batch, {@code T} being the longest sequence's length
     * @throws IllegalArgumentException if there is no sequence, or a sequence is null or empty
     */
    public static TokenBatch of(int[][] sequences, int padIndex) {
        if (sequences == null) {
            throw new IllegalArgumentException("sequences must not be null");
        }
        int[] identity = new int[sequences.length];
        for (int b = 0; b < identity.length; b++) {
            identity[b] = b;
        }
        return gather(sequences, identity, padIndex);
    }

    /**
     * Pads selected sequences of a data set into a batch: sequence {@code b} of the batch is
     * {@code dataset[exampleIndices[b]]}, and remembers {@code exampleIndices[b]}.
     *
     * @param dataset        the sequences of the data set; read, not modified
     * @param exampleIndices the {@code B ≥ 1} examples to take, each in {@code [0, dataset.length)}; copied,
     *                       not modified; may repeat an example
     * @param padIndex       the index written at padded positions
     * @return the batch, {@code T} being the longest selected sequence's length
     * @throws IllegalArgumentException if there is no example index, one is out of range, or a selected
     *                                  sequence is null or empty
     */
    public static TokenBatch gather(int[][] dataset, int[] exampleIndices, int padIndex) {
        if (dataset == null || exampleIndices == null) {
            throw new IllegalArgumentException("dataset and exampleIndices must not be null");
        }
        int batch = exampleIndices.length;
        if (batch == 0) {
            throw new IllegalArgumentException("a batch needs at least one sequence but got none");
        }
        int[] lengths = new int[batch];
        int maxLength = 0;
        for (int b = 0; b < batch; b++) {
            int example = exampleIndices[b];
            if (example < 0 || example >= dataset.length) {
                throw new IllegalArgumentException("exampleIndices[" + b + "] must be in [0, " + dataset.length
                        + ") but was " + example);
            }
            int[] sequence = dataset[example];
            if (sequence == null || sequence.length == 0) {
                throw new IllegalArgumentException("sequence " + example + " must hold at least one token but "
                        + (sequence == null ? "was null" : "was empty"));
            }
            lengths[b] = sequence.length;
            maxLength = Math.max(maxLength, sequence.length);
        }
        long size = (long) maxLength * batch;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch of B = " + batch + " sequences of up to T = " + maxLength
                    + " tokens has more than " + Integer.MAX_VALUE + " positions");
        }
        int[] tokens = new int[(int) size];
        Arrays.fill(tokens, padIndex);
        for (int b = 0; b < batch; b++) {
            int[] sequence = dataset[exampleIndices[b]];
            for (int t = 0; t < lengths[b]; t++) {
                tokens[t * batch + b] = sequence[t];
            }
        }
        return new TokenBatch(tokens, lengths, exampleIndices.clone(), padIndex, maxLength);
    }

    /**
     * The number of sequences.
     *
     * @return {@code B}
     */
    public int batchSize() {
        return lengths.length;
    }

    /**
     * The padded length: the longest sequence's length.
     *
     * @return {@code T}
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * The index at padded positions.
     *
     * @return the pad index
     */
    public int padIndex() {
        return padIndex;
    }

    /**
     * The padded, time-major token matrix.
     *
     * @return a new {@code (T·B)} array: entry {@code t·B + b} is token {@code t} of sequence {@code b},
     *         {@link #padIndex()} where {@code t ≥ lengths[b]}
     */
    public int[] tokens() {
        return tokens.clone();
    }

    /**
     * One entry of the token matrix.
     *
     * @param t the step, in {@code [0, T)}
     * @param b the sequence, in {@code [0, B)}
     * @return token {@code t} of sequence {@code b}, or {@link #padIndex()} if {@code t ≥ length(b)}
     * @throws IndexOutOfBoundsException if {@code t} or {@code b} is out of range
     */
    public int token(int t, int b) {
        checkPosition(t, b);
        return tokens[t * lengths.length + b];
    }

    /**
     * Tells whether a position is padding.
     *
     * @param t the step, in {@code [0, T)}
     * @param b the sequence, in {@code [0, B)}
     * @return true if {@code t ≥ length(b)}
     * @throws IndexOutOfBoundsException if {@code t} or {@code b} is out of range
     */
    public boolean isPadding(int t, int b) {
        checkPosition(t, b);
        return t >= lengths[b];
    }

    /**
     * The sequence lengths, as a recurrent layer takes them.
     *
     * @return a new {@code (B)} array, each entry in {@code [1, T]}
     */
    public int[] lengths() {
        return lengths.clone();
    }

    /**
     * The length of one sequence.
     *
     * @param b the sequence, in {@code [0, B)}
     * @return its number of tokens, in {@code [1, T]}
     * @throws IndexOutOfBoundsException if {@code b} is out of range
     */
    public int length(int b) {
        return lengths[b];
    }

    /**
     * The number of real (not padded) tokens, {@code Σ_b lengths[b]}: the count a per-token mean loss
     * divides by.
     *
     * @return the token count
     */
    public int numTokens() {
        int n = 0;
        for (int length : lengths) {
            n += length;
        }
        return n;
    }

    /**
     * Where the sequences came from: entry {@code b} is the index in the data set of sequence {@code b}
     * (for {@link #of(int[][], int)}, simply {@code b}). Use it to put per-example results back in the
     * data set's order.
     *
     * @return a new {@code (B)} array
     */
    public int[] exampleIndices() {
        return exampleIndices.clone();
    }

    /**
     * Where one sequence came from.
     *
     * @param b the sequence, in {@code [0, B)}
     * @return its index in the data set
     * @throws IndexOutOfBoundsException if {@code b} is out of range
     */
    public int exampleIndex(int b) {
        return exampleIndices[b];
    }

    /**
     * Batches are equal when tokens, lengths, example indices and pad index are equal.
     *
     * @param o the object to compare with
     * @return whether {@code o} is an equal batch
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TokenBatch)) {
            return false;
        }
        TokenBatch other = (TokenBatch) o;
        return padIndex == other.padIndex && Arrays.equals(lengths, other.lengths)
                && Arrays.equals(exampleIndices, other.exampleIndices) && Arrays.equals(tokens, other.tokens);
    }

    /**
     * A hash consistent with {@link #equals(Object)}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return 31 * (31 * (31 * padIndex + Arrays.hashCode(lengths)) + Arrays.hashCode(exampleIndices))
                + Arrays.hashCode(tokens);
    }

    /**
     * The shape and the lengths.
     *
     * @return e.g. {@code TokenBatch[T=7, B=3, lengths=[7, 4, 2], examples=[12, 5, 40]]}
     */
    @Override
    public String toString() {
        return "TokenBatch[T=" + maxLength + ", B=" + lengths.length + ", lengths=" + Arrays.toString(lengths)
                + ", examples=" + Arrays.toString(exampleIndices) + "]";
    }

    private void checkPosition(int t, int b) {
        if (t < 0 || t >= maxLength || b < 0 || b >= lengths.length) {
            throw new IndexOutOfBoundsException("position (t=" + t + ", b=" + b + ") is outside (T=" + maxLength
                    + ", B=" + lengths.length + ")");
        }
    }
}
