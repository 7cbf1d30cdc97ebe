package org.seq4j.embed;

/**
 * The noise distribution of negative sampling, {@code P(w) ∝ count(w)^0.75}, as a table of word indices
 * in which word {@code w} fills a share {@code P(w)} of the slots, built exactly as
 * {@code InitUnigramTable} of {@code word2vec.c}. A uniformly random slot is a sample.
 *
 * <p>The table has {@value #DEFAULT_SIZE} slots (fastText's size; {@code word2vec.c} uses 1e8, i.e.
 * 400 MB): even a word of probability 1e-6 gets its 10 slots, and the table takes 40 MB.
 */
final class UnigramTable {

    static final int DEFAULT_SIZE = 10_000_000;
    static final double POWER = 0.75;

    private final int[] table;

    /**
     * @param counts word counts, {@code V >= 1} of them, each {@code >= 1}; not modified
     * @param size   number of slots {@code >= 1}
     */
    UnigramTable(long[] counts, int size) {
        table = new int[size];
        int v = counts.length;
        double total = 0;
        for (long c : counts) {
            total += Math.pow(c, POWER);
        }
        int i = 0;
        double d1 = Math.pow(counts[0], POWER) / total;
        for (int a = 0; a < size; a++) {
            table[a] = i;
            if (a / (double) size > d1) {
                i++;
                d1 += i < v ? Math.pow(counts[i], POWER) / total : 0;
            }
            if (i >= v) {
                i = v - 1;
            }
        }
    }

    /** Number of slots. */
    int size() {
        return table.length;
    }

    /** The word in slot {@code slot}. */
    int word(int slot) {
        return table[slot];
    }

    /** The table itself, for the training loop; not to be modified. */
    int[] slots() {
        return table;
    }
}
