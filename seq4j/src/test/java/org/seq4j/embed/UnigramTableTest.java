package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.seq4j.random.Word2VecRandom;

/** The unigram table of negative sampling. */
class UnigramTableTest {

    @Test
    void unigramTableFollowsCountsToThePower075() {
        long[] counts = {1000, 300, 300, 50, 7, 1, 1};
        UnigramTable t = new UnigramTable(counts);
        double total = 0;
        for (long c : counts) {
            total += Math.pow(c, 0.75);
        }
        double[] p = t.probabilities();
        for (int w = 0; w < counts.length; w++) {
            // each column's threshold is rounded to 1/65536, changing a word's share by at most that
            assertEquals(Math.pow(counts[w], 0.75) / total, p[w], 2.0 / UnigramTable.ONE, "word " + w);
        }
        // Drawing with word2vec.c's generator reproduces the distribution.
        int[] seen = new int[counts.length];
        Word2VecRandom r = new Word2VecRandom(1);
        int n = 700_000;
        for (int i = 0; i < n; i++) {
            seen[t.sample(r.next() >>> 16)]++;
        }
        for (int w = 0; w < counts.length; w++) {
            // 5 binomial standard deviations
            double sd = Math.sqrt(n * p[w] * (1 - p[w]));
            assertEquals(n * p[w], seen[w], 5 * sd + 1, "word " + w);
        }
    }
}
