package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HuffmanTreeTest {

    @Test
    void smallTreeMatchesWord2VecCByHand() {
        // Traced through CreateBinaryTree of word2vec.c for counts {5, 3, 2, 1}: inner nodes 4 = {3, 2},
        // 5 = {4, 1}, 6 = {0, 5} (root); the second-smallest child of each gets bit 1.
        HuffmanTree t = new HuffmanTree(new long[] {5, 3, 2, 1});
        assertPath(t, 0, new int[] {2}, new int[] {0});
        assertPath(t, 1, new int[] {2, 1}, new int[] {1, 1});
        assertPath(t, 2, new int[] {2, 1, 0}, new int[] {1, 0, 1});
        assertPath(t, 3, new int[] {2, 1, 0}, new int[] {1, 0, 0});
    }

    @Test
    void randomTreesArePrefixFreeAndOptimal() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 20; trial++) {
            int v = 2 + r.nextInt(60);
            long[] counts = new long[v];
            for (int i = 0; i < v; i++) {
                counts[i] = 1 + r.nextInt(1000);
            }
            Arrays.sort(counts);
            for (int i = 0; i < v / 2; i++) {
                long x = counts[i];
                counts[i] = counts[v - 1 - i];
                counts[v - 1 - i] = x;
            }
            HuffmanTree t = new HuffmanTree(counts);
            Set<String> codes = new HashSet<>();
            long cost = 0;
            for (int w = 0; w < v; w++) {
                StringBuilder s = new StringBuilder();
                assertEquals(v - 2, t.point(w, 0), "every path starts at the root");
                for (int d = 0; d < t.codeLength(w); d++) {
                    s.append(t.code(w, d));
                    assertTrue(t.point(w, d) >= 0 && t.point(w, d) <= v - 2);
                }
                codes.add(s.toString());
                cost += counts[w] * t.codeLength(w);
            }
            assertEquals(v, codes.size(), "codes are distinct");
            for (String a : codes) {
                for (String b : codes) {
                    assertTrue(a.equals(b) || !b.startsWith(a), "prefix-free: " + a + " / " + b);
                }
            }
            assertEquals(optimalCost(counts), cost, "Huffman codes have minimal expected length");
        }
    }

    @Test
    void rejectsTooFewOrUnsortedCounts() {
        assertThrows(IllegalArgumentException.class, () -> new HuffmanTree(new long[] {3}));
        assertThrows(IllegalArgumentException.class, () -> new HuffmanTree(new long[] {1, 3}));
    }

    private static long optimalCost(long[] counts) {
        PriorityQueue<Long> q = new PriorityQueue<>();
        for (long c : counts) {
            q.add(c);
        }
        long cost = 0;
        while (q.size() > 1) {
            long s = q.poll() + q.poll();
            cost += s;
            q.add(s);
        }
        return cost;
    }

    private static void assertPath(HuffmanTree t, int w, int[] points, int[] codes) {
        int[] p = new int[t.codeLength(w)];
        int[] c = new int[t.codeLength(w)];
        for (int d = 0; d < p.length; d++) {
            p[d] = t.point(w, d);
            c[d] = t.code(w, d);
        }
        assertArrayEquals(points, p, "points of word " + w);
        assertArrayEquals(codes, c, "codes of word " + w);
    }
}
