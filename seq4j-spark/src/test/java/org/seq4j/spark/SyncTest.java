package org.seq4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.seq4j.embed.Word2VecPartitionTrainer;

/**
 * How the rows that partitions changed in a round are combined ({@link SparkWord2Vec.Sync}), on hand-made
 * tables: one row changed by both partitions, one by the first only, one by neither.
 */
class SyncTest {

    private static SparkWord2Vec.Tables tables(float[]... syn0) {
        return new SparkWord2Vec.Tables(syn0, new float[0][0], new float[0][0]);
    }

    private static SparkWord2Vec.Contribution contribution(int p, SparkWord2Vec.Tables base,
                                                           SparkWord2Vec.Tables trained, long words) {
        Word2VecPartitionTrainer.State state = new Word2VecPartitionTrainer.State(p, 0, 0.01f, false);
        return SparkWord2Vec.Contribution.of(p, 2, base, trained,
                new Word2VecPartitionTrainer.Outcome(state, words, words));
    }

    private static SparkWord2Vec.Tables combine(SparkWord2Vec.Sync sync) {
        SparkWord2Vec.Tables base = tables(new float[] {1, 2}, new float[] {3, 4}, new float[] {5, 6});
        SparkWord2Vec.Tables first = tables(new float[] {1.5f, 1}, new float[] {3.25f, 4}, new float[] {5, 6});
        SparkWord2Vec.Tables second = tables(new float[] {2, 2.5f}, new float[] {3, 4}, new float[] {5, 6});
        SparkWord2Vec.Contribution merged = SparkWord2Vec.Contribution.merge(contribution(0, base, first, 300),
                contribution(1, base, second, 100), sync, base);
        assertEquals(400, merged.words);
        assertEquals(0, merged.states[0].randomState);
        assertEquals(1, merged.states[1].randomState);
        SparkWord2Vec.Tables out = tables(base.syn0[0].clone(), base.syn0[1].clone(), base.syn0[2]);
        float[] untouched = out.syn0[2];
        merged.applyTo(out, sync);
        assertArrayEquals(new float[] {3.25f, 4}, out.syn0[1], "a row one partition changed keeps its values");
        assertSame(untouched, out.syn0[2], "a row no partition changed stays");
        return out;
    }

    @Test
    void sumAddsEveryPartitionsUpdateToTheBase() {
        // (1, 2) + (0.5, -1) + (1, 0.5)
        assertArrayEquals(new float[] {2.5f, 1.5f}, combine(SparkWord2Vec.Sync.SUM).syn0[0]);
    }

    @Test
    void sqrtDividesTheSumOfTheUpdatesByTheRootOfTheirNumber() {
        float r = (float) Math.sqrt(2);
        assertArrayEquals(new float[] {1 + 1.5f / r, 2 - 0.5f / r}, combine(SparkWord2Vec.Sync.SQRT).syn0[0], 1e-6f);
    }

    @Test
    void averageWeighsThePartitionsRowsByTheirWords() {
        // (300 (1.5, 1) + 100 (2, 2.5)) / 400
        assertArrayEquals(new float[] {1.625f, 1.375f}, combine(SparkWord2Vec.Sync.AVERAGE).syn0[0], 1e-6f);
    }
}
