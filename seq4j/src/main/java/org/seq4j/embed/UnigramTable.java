package org.seq4j.embed;

/**
 * The noise distribution of negative sampling, {@code P(w) ∝ count(w)^0.75} (word2vec.c's
 * {@code InitUnigramTable}), as a Walker alias table (Vose's construction) for O(1) sampling.
 *
 * <p>{@code word2vec.c} fills a table of 1e8 slots (400 MB) in which word {@code w} takes a share
 * {@code P(w)} and samples a random slot. That table does not fit any cache: every draw is a memory miss,
 * and a 1e7-slot table (fastText's size) still made training here 30 % slower. The alias table holds two
 * arrays of {@code V} entries (176 KB for 22,000 words, in the L2 cache) and samples the same
 * distribution, more exactly (no rounding of shares to whole slots): column {@code i} is chosen uniformly
 * and kept with probability {@code keep[i] / 2^16}, else replaced by {@code alias[i]}.
 */
final class UnigramTable {

    static final double POWER = 0.75;
    /** Resolution of the keep thresholds: 16 bits. */
    static final int ONE = 1 << 16;

    private final int[] keep;    // (V) threshold in [0, ONE]: column i yields i when the coin is below it
    private final int[] alias;   // (V) the word column i yields otherwise

    /**
     * @param counts word counts, {@code V >= 1} of them, each {@code >= 1}; not modified
     */
    UnigramTable(long[] counts) {
        int v = counts.length;
        double total = 0;
        for (long c : counts) {
            total += Math.pow(c, POWER);
        }
        double[] q = new double[v];          // P(w) · V: 1 means exactly one full column
        int[] small = new int[v];
        int[] large = new int[v];
        int ns = 0;
        int nl = 0;
        for (int w = v - 1; w >= 0; w--) {
            q[w] = Math.pow(counts[w], POWER) / total * v;
            if (q[w] < 1) {
                small[ns++] = w;
            } else {
                large[nl++] = w;
            }
        }
        keep = new int[v];
        alias = new int[v];
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            keep[s] = (int) Math.round(q[s] * ONE);
            alias[s] = l;
            q[l] = (q[l] + q[s]) - 1;
            if (q[l] < 1) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            int l = large[--nl];
            keep[l] = ONE;
            alias[l] = l;
        }
        while (ns > 0) {      // only through rounding: these columns are full
            int s = small[--ns];
            keep[s] = ONE;
            alias[s] = s;
        }
    }

    /**
     * Draws a word from 48 random bits {@code r}: bits 16..47 choose the column (by multiply-shift,
     * without a division), bits 0..15 are the coin.
     */
    int sample(long r) {
        int column = (int) (((r >>> 16) * keep.length) >>> 32);
        return (int) (r & 0xFFFF) < keep[column] ? column : alias[column];
    }

    /** The probability with which {@link #sample} returns each word (V), computed from the table. */
    double[] probabilities() {
        int v = keep.length;
        double[] p = new double[v];
        for (int i = 0; i < v; i++) {
            p[i] += keep[i] / (double) ONE / v;
            p[alias[i]] += (ONE - keep[i]) / (double) ONE / v;
        }
        return p;
    }
}
