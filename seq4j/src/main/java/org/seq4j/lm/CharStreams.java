package org.seq4j.lm;

/**
 * A text cut into batches the way char-rnn cuts it: {@code B} parallel contiguous streams, read in chunks
 * of {@code T} steps, each target the character that follows its input.
 *
 * <pre>
 *   n ids                    stream b = ids[b·S, (b+1)·S]   with S = ⌊(n − 1) / B⌋
 *   chunk k of stream b      inputs  ids[b·S + k·T + t],  targets ids[b·S + k·T + t + 1],  t in [0, T)
 *   chunks                   K = ⌊S / T⌋ (the tail that does not fill a chunk is not used)
 *   layout                   time-major: row t·B + b of a chunk is step t of stream b
 * </pre>
 *
 * <p>Because chunk {@code k + 1} of a stream continues chunk {@code k}, the recurrent state at the end
 * of one chunk is the right initial state for the next (truncated backpropagation through time).
 * Immutable; {@link #fill(int, int[], int[])} writes into caller-supplied arrays.
 */
final class CharStreams {

    private final int[] ids;
    private final int batchSize;
    private final int seqLength;
    private final int streamLength;
    private final int numChunks;

    /**
     * Cuts a text into streams.
     *
     * @param ids       the text as ids; not modified (kept, not copied)
     * @param batchSize B, the number of streams, ≥ 1
     * @param seqLength T, the steps per chunk, ≥ 1
     * @param what      the name of the text in messages, e.g. {@code "validation text"}
     * @throws IllegalArgumentException if the text cannot fill one chunk: it needs {@code B·T + 1} ids
     */
    CharStreams(int[] ids, int batchSize, int seqLength, String what) {
        if (batchSize < 1 || seqLength < 1) {
            throw new IllegalArgumentException("batch size and sequence length must be ≥ 1 but were "
                    + batchSize + " and " + seqLength);
        }
        long needed = (long) batchSize * seqLength + 1;
        if (ids.length < needed) {
            throw new IllegalArgumentException(what + " of " + ids.length + " characters is too short for "
                    + batchSize + " streams of " + seqLength + " steps: it needs at least " + needed);
        }
        this.ids = ids;
        this.batchSize = batchSize;
        this.seqLength = seqLength;
        this.streamLength = (ids.length - 1) / batchSize;
        this.numChunks = streamLength / seqLength;
    }

    /**
     * Number of chunks per pass over the text, K.
     *
     * @return K ≥ 1
     */
    int numChunks() {
        return numChunks;
    }

    /**
     * Batch size B.
     *
     * @return the number of streams
     */
    int batchSize() {
        return batchSize;
    }

    /**
     * Sequence length T.
     *
     * @return the steps per chunk
     */
    int seqLength() {
        return seqLength;
    }

    /**
     * Number of characters predicted per pass, {@code K·T·B}.
     *
     * @return the count of targets in all chunks
     */
    long targetsPerPass() {
        return (long) numChunks * seqLength * batchSize;
    }

    /**
     * Writes chunk {@code k}: inputs and targets, time-major.
     *
     * @param chunk   the chunk index in {@code [0, K)}
     * @param inputs  (T·B) ids; overwritten
     * @param targets (T·B) ids; overwritten
     * @throws IllegalArgumentException if the chunk is out of range or an array has the wrong length
     */
    void fill(int chunk, int[] inputs, int[] targets) {
        if (chunk < 0 || chunk >= numChunks) {
            throw new IllegalArgumentException("chunk must be in [0, " + numChunks + ") but was " + chunk);
        }
        int rows = seqLength * batchSize;
        if (inputs.length != rows || targets.length != rows) {
            throw new IllegalArgumentException("inputs and targets must have T·B = " + rows
                    + " entries but had " + inputs.length + " and " + targets.length);
        }
        for (int b = 0; b < batchSize; b++) {
            int start = b * streamLength + chunk * seqLength;
            for (int t = 0; t < seqLength; t++) {
                inputs[t * batchSize + b] = ids[start + t];
                targets[t * batchSize + b] = ids[start + t + 1];
            }
        }
    }
}
