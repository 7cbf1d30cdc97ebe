package org.seq4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BucketBatcherTest {

    /** {@code n} sequences with random lengths in [1, maxLength]; token j of sequence i is 1000·i + j. */
    private static int[][] randomSequences(int n, int maxLength, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] sequences = new int[n][];
        for (int i = 0; i < n; i++) {
            sequences[i] = new int[1 + random.nextInt(maxLength)];
            for (int j = 0; j < sequences[i].length; j++) {
                sequences[i][j] = 1000 * i + j;
            }
        }
        return sequences;
    }

    /** {@code n} sequences of the distinct lengths 1 … n, in a shuffled order. */
    private static int[][] distinctLengths(int n) {
        int[][] sequences = new int[n][];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            sequences[i] = new int[i + 1];
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int[] swap = sequences[i];
            sequences[i] = sequences[j];
            sequences[j] = swap;
        }
        return sequences;
    }

    private static BucketBatcher.Builder builder(int[][] sequences, int batchSize) {
        return BucketBatcher.builder(sequences).batchSize(batchSize).padIndex(0).seed(17);
    }

    @Test
    void everyExampleIsInExactlyOneBatchOfAnEpoch() {
        int[][] sequences = randomSequences(103, 20, 1);
        BucketBatcher batcher = builder(sequences, 8).bucketBatches(3).build();
        assertEquals(13, batcher.numBatches());
        for (int epoch = 0; epoch < 4; epoch++) {
            int[][] plan = batcher.plan(epoch);
            assertEquals(13, plan.length);
            int[] seen = new int[103];
            int small = 0;
            for (int[] batch : plan) {
                assertTrue(batch.length == 8 || batch.length == 103 % 8, "batch size " + batch.length);
                small += batch.length == 8 ? 0 : 1;
                for (int example : batch) {
                    seen[example]++;
                }
            }
            assertEquals(1, small, "one smaller batch");
            int[] once = new int[103];
            Arrays.fill(once, 1);
            assertArrayEquals(once, seen, "epoch " + epoch);
        }
    }

    @Test
    void dropLastLeavesOutADifferentRandomRemainderEachEpoch() {
        int[][] sequences = randomSequences(103, 20, 2);
        BucketBatcher batcher = builder(sequences, 8).dropLast(true).build();
        assertEquals(12, batcher.numBatches());
        Set<Set<Integer>> dropped = new HashSet<>();
        for (int epoch = 0; epoch < 5; epoch++) {
            Set<Integer> missing = new HashSet<>();
            for (int i = 0; i < 103; i++) {
                missing.add(i);
            }
            for (int[] batch : batcher.plan(epoch)) {
                assertEquals(8, batch.length);
                for (int example : batch) {
                    assertTrue(missing.remove(example), "example " + example + " twice");
                }
            }
            assertEquals(7, missing.size());
            dropped.add(missing);
        }
        assertEquals(5, dropped.size(), "each epoch drops other examples");
    }

    @Test
    void plansDependOnlyOnSeedAndEpoch() {
        int[][] sequences = randomSequences(60, 12, 3);
        BucketBatcher batcher = builder(sequences, 4).bucketBatches(2).build();
        int[][] epoch3 = batcher.plan(3);
        batcher.plan(1);
        assertArrayEquals(epoch3, batcher.plan(3), "replayable");
        assertArrayEquals(epoch3, builder(sequences, 4).bucketBatches(2).build().plan(3), "same seed");
        assertFalse(Arrays.deepEquals(epoch3, batcher.plan(4)), "another epoch, another order");
        assertFalse(Arrays.deepEquals(epoch3, builder(sequences, 4).bucketBatches(2).seed(18).build().plan(3)),
                "another seed, another order");
    }

    @Test
    void oneBatchBucketsGroupNeighboursInLengthOrder() {
        // lengths 1..64, B = 8: each batch must be 8 consecutive lengths
        BucketBatcher batcher = builder(distinctLengths(64), 8).bucketBatches(1).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            List<Integer> minima = new ArrayList<>();
            for (TokenBatch batch : batcher.epoch(epoch)) {
                int min = Arrays.stream(batch.lengths()).min().getAsInt();
                int max = Arrays.stream(batch.lengths()).max().getAsInt();
                assertEquals(7, max - min, "lengths " + Arrays.toString(batch.lengths()));
                assertEquals(1, min % 8, "aligned to the sorted order");
                minima.add(min);
            }
            List<Integer> sorted = new ArrayList<>(minima);
            sorted.sort(null);
            assertFalse(minima.equals(sorted), "batches are shuffled across buckets: " + minima);
        }
    }

    @Test
    void largerBucketsMixLengthsOnlyWithinABucket() {
        // lengths 1..96, B = 4, K = 3: a bucket holds 12 consecutive lengths
        BucketBatcher batcher = builder(distinctLengths(96), 4).bucketBatches(3).build();
        boolean mixed = false;
        for (TokenBatch batch : batcher.epoch(0)) {
            int bucket = (batch.length(0) - 1) / 12;
            for (int b = 0; b < batch.batchSize(); b++) {
                assertEquals(bucket, (batch.length(b) - 1) / 12, "lengths " + Arrays.toString(batch.lengths()));
            }
            int[] lengths = batch.lengths();
            mixed |= Arrays.stream(lengths).max().getAsInt() - Arrays.stream(lengths).min().getAsInt() > 3;
        }
        assertTrue(mixed, "within a bucket, batches are not just neighbours");
    }

    @Test
    void bucketingPadsLessThanRandomBatches() {
        int[][] sequences = randomSequences(400, 50, 4);
        long bucketed = paddedPositions(builder(sequences, 16).bucketBatches(2).build());
        long random = paddedPositions(builder(sequences, 16).bucketBatches(1000).build());
        assertTrue(bucketed * 3 < random, "padded positions " + bucketed + " against " + random);
    }

    private static long paddedPositions(BucketBatcher batcher) {
        long padded = 0;
        for (TokenBatch batch : batcher.epoch(0)) {
            padded += (long) batch.maxLength() * batch.batchSize() - batch.numTokens();
        }
        return padded;
    }

    @Test
    void batchesAreSortedByDecreasingLengthUnlessAskedNotTo() {
        int[][] sequences = randomSequences(200, 30, 5);
        for (int[] batch : builder(sequences, 10).build().plan(0)) {
            for (int b = 1; b < batch.length; b++) {
                assertTrue(sequences[batch[b - 1]].length >= sequences[batch[b]].length);
            }
        }
        boolean unsorted = false;
        for (int[] batch : builder(sequences, 10).sortWithinBatch(false).build().plan(0)) {
            for (int b = 1; b < batch.length; b++) {
                unsorted |= sequences[batch[b - 1]].length < sequences[batch[b]].length;
            }
        }
        assertTrue(unsorted);
    }

    @Test
    void epochMakesThePlannedBatches() {
        int[][] sequences = randomSequences(30, 9, 6);
        BucketBatcher batcher = builder(sequences, 7).padIndex(-5).build();
        int[][] plan = batcher.plan(2);
        Iterable<TokenBatch> epoch = batcher.epoch(2);
        for (int pass = 0; pass < 2; pass++) {
            Iterator<TokenBatch> it = epoch.iterator();
            for (int[] exampleIndices : plan) {
                TokenBatch batch = it.next();
                assertEquals(TokenBatch.gather(sequences, exampleIndices, -5), batch);
                for (int b = 0; b < batch.batchSize(); b++) {
                    int[] sequence = sequences[batch.exampleIndex(b)];
                    for (int t = 0; t < batch.maxLength(); t++) {
                        assertEquals(t < sequence.length ? sequence[t] : -5, batch.token(t, b));
                    }
                }
            }
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        }
    }

    @Test
    void optionsAreValidated() {
        int[][] sequences = {{1}, {2, 3}};
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> BucketBatcher.builder(sequences).batchSize(2).build());
        assertEquals("batchSize, padIndex and seed must be set; missing: padIndex seed", missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder(sequences, 0).build());
        assertThrows(IllegalArgumentException.class, () -> builder(sequences, 2).bucketBatches(0).build());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> builder(new int[][] {{1}, {}}, 2).build());
        assertEquals("sequence 1 must hold at least one token but was empty", empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BucketBatcher.builder(null));
        BucketBatcher batcher = builder(sequences, 2).build();
        assertThrows(IllegalArgumentException.class, () -> batcher.plan(-1));
        assertEquals(2, batcher.numExamples());
        assertEquals(2, batcher.batchSize());
        assertEquals("BucketBatcher[N=2, B=2, bucketBatches=100, padIndex=0, seed=17, dropLast=false,"
                + " sortWithinBatch=true]", batcher.toString());
    }

    @Test
    void fewerExamplesThanABatch() {
        int[][] sequences = {{1}, {2, 3}, {4}};
        assertEquals(1, builder(sequences, 8).build().numBatches());
        assertEquals(3, builder(sequences, 8).build().plan(0)[0].length);
        assertEquals(0, builder(sequences, 8).dropLast(true).build().plan(0).length);
    }
}
