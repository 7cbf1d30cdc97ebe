package org.seq4j.embed;

/**
 * The Huffman tree of hierarchical softmax, built exactly as {@code CreateBinaryTree} in
 * {@code word2vec.c} builds it from counts sorted in descending order.
 *
 * <p>The {@code V-1} inner nodes are numbered {@code 0 .. V-2}; the root is {@code V-2}. Word {@code w}
 * has a path of {@code L = codeLength(w)} inner nodes from the root down,
 * {@code point(w, 0) = V-2, point(w, 1), ..., point(w, L-1)}, and a code bit per step,
 * {@code code(w, d)}, the branch taken below {@code point(w, d)}. Its probability is
 * <pre>
 *   p(w | h) = Π_d σ((1 - 2·code(w, d)) · syn1[point(w, d)] · h)
 * </pre>
 * so code bit 0 means "σ(f)" and bit 1 means "σ(-f)", matching {@code g = (1 - code - σ(f))·alpha}
 * of {@code word2vec.c}.
 */
final class HuffmanTree {

    private final int[] offset;   // (V + 1) start of each word's path in points/codes
    private final int[] points;   // (Σ L) inner node index at each step
    private final byte[] codes;   // (Σ L) code bit at each step
    private final int maxCodeLength;

    /**
     * @param counts counts sorted in descending order, {@code V >= 2} of them; not modified
     * @throws IllegalArgumentException if fewer than two counts are given or they are not descending
     */
    HuffmanTree(long[] counts) {
        int v = counts.length;
        if (v < 2) {
            throw new IllegalArgumentException("hierarchical softmax needs at least 2 words but the vocabulary has " + v);
        }
        for (int i = 1; i < v; i++) {
            if (counts[i] > counts[i - 1]) {
                throw new IllegalArgumentException("counts must be sorted in descending order but count[" + i
                        + "] = " + counts[i] + " > count[" + (i - 1) + "] = " + counts[i - 1]);
            }
        }
        long[] count = new long[2 * v + 1];
        int[] binary = new int[2 * v + 1];
        int[] parent = new int[2 * v + 1];
        System.arraycopy(counts, 0, count, 0, v);
        for (int a = v; a < 2 * v; a++) {
            count[a] = (long) 1e15;
        }
        int pos1 = v - 1;   // next smallest leaf (leaves are sorted descending)
        int pos2 = v;       // next smallest inner node (created in ascending order of count)
        for (int a = 0; a < v - 1; a++) {
            int min1;
            int min2;
            if (pos1 >= 0 && count[pos1] < count[pos2]) {
                min1 = pos1--;
            } else {
                min1 = pos2++;
            }
            if (pos1 >= 0 && count[pos1] < count[pos2]) {
                min2 = pos1--;
            } else {
                min2 = pos2++;
            }
            count[v + a] = count[min1] + count[min2];
            parent[min1] = v + a;
            parent[min2] = v + a;
            binary[min2] = 1;
        }
        int root = 2 * v - 2;
        offset = new int[v + 1];
        int total = 0;
        int longest = 0;
        for (int a = 0; a < v; a++) {
            int len = 0;
            for (int b = a; b != root; b = parent[b]) {
                len++;
            }
            offset[a] = total;
            total += len;
            longest = Math.max(longest, len);
        }
        offset[v] = total;
        maxCodeLength = longest;
        points = new int[total];
        codes = new byte[total];
        for (int a = 0; a < v; a++) {
            int len = offset[a + 1] - offset[a];
            int i = len - 1;
            // Walk leaf -> root; step i (counted from the root) goes below node parent(b).
            for (int b = a; b != root; b = parent[b]) {
                codes[offset[a] + i] = (byte) binary[b];
                points[offset[a] + i] = parent[b] - v;
                i--;
            }
        }
    }

    /** Number of steps on the path of word {@code w}. */
    int codeLength(int w) {
        return offset[w + 1] - offset[w];
    }

    /** Start of word {@code w}'s path in {@link #points()} and {@link #codes()}. */
    int pathStart(int w) {
        return offset[w];
    }

    /** Inner node index of each path step, all words concatenated; not to be modified. */
    int[] points() {
        return points;
    }

    /** Code bit of each path step, all words concatenated; not to be modified. */
    byte[] codes() {
        return codes;
    }

    /** Inner node {@code d} steps below the root on word {@code w}'s path. */
    int point(int w, int d) {
        return points[offset[w] + d];
    }

    /** Code bit taken at step {@code d} of word {@code w}'s path. */
    int code(int w, int d) {
        return codes[offset[w] + d];
    }

    /** The longest code. */
    int maxCodeLength() {
        return maxCodeLength;
    }
}
