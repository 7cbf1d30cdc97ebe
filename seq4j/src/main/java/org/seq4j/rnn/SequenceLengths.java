package org.seq4j.rnn;

/** Checks and copies of the per-sequence lengths that the layer and the heads take. */
final class SequenceLengths {

    private SequenceLengths() {
    }

    /** Checks null or B lengths, each in [1, T]. */
    static void check(int[] lengths, int batchSize, int steps) {
        if (lengths == null) {
            return;
        }
        if (lengths.length != batchSize) {
            throw new IllegalArgumentException(
                    "lengths must have B = " + batchSize + " entries but had " + lengths.length);
        }
        for (int b = 0; b < batchSize; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException(
                        "lengths[" + b + "] must be in [1, T = " + steps + "] but was " + lengths[b]);
            }
        }
    }

    /** Copies lengths (if any) into buffer, growing it only when too small; returns the buffer. */
    static int[] copy(int[] lengths, int[] buffer, int batchSize) {
        int[] out = buffer.length < batchSize ? new int[batchSize] : buffer;
        if (lengths != null) {
            System.arraycopy(lengths, 0, out, 0, batchSize);
        }
        return out;
    }
}
