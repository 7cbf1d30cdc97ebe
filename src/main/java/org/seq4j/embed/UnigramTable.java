package org.seq4j.embed;

/**
 * The noise distribution of negative sampling, {@code P(w) ∝ count(w)^0.75}, as a table of word indices
 * in which word {@code w} fills a share {@code P(w)} of the slots, built exactly as
 * {@code InitUnigramTable} of {@code word2vec.c}. A uniformly random slot is a sample.
 *
 * <p>{@code word2vec.c} uses 1e8 slots (400 MB). Here the table has {@code 1000·V} slots, at most
 * {@value #MAX_SIZE} (fastText's size, 40 MB): a word of average probability gets at least a thousand
 * slots, and even a word of probability 1e-6 gets its ten.
 */
final class UnigramTable {

    static final int MAX_SIZE = 10_000_000;
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

    /** The table size for a vocabulary of {@code v} words: {@code min(1000·v, MAX_SIZE)}. */
    static int sizeFor(int v) {
        return (int) Math.min(1000L * v, MAX_SIZE);
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
