package org.seq4j.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.seq4j.random.SplitMix64;

/**
 * Splits a data set of variable-length token sequences into padded batches of similar lengths, in a
 * seeded random order that changes every epoch, as torchtext's {@code BucketIterator} and OpenNMT's
 * pooled batching do: batches of similar lengths waste little work on padding, and the shuffling keeps
 * the order of the examples from biasing training.
 *
 * <h2>The plan of an epoch</h2>
 * With {@code N} examples, batch size {@code B} and buckets of {@code K} batches, epoch {@code e} is
 * planned with a random stream seeded by {@code (seed, e)}:
 * <pre>
 *   1. shuffle the N example indices
 *   2. set the first N mod B of them aside: they form one smaller batch (none with dropLast)
 *   3. stable-sort the others by length          (similar lengths become neighbours; ties stay shuffled)
 *   4. cut the sorted order into buckets of K·B  (the last bucket may hold fewer batches)
 *   5. shuffle within each bucket, and cut it into batches of B
 *   6. shuffle the batches                       (across buckets)
 *   7. within each batch, order the sequences by decreasing length (stable), if sortWithinBatch
 * </pre>
 * Every example is in exactly one batch of an epoch (with {@code dropLast}, the {@code N mod B} set aside
 * in step 2, a different random choice every epoch, are left out). {@code K} trades padding for
 * randomness: with {@code K = 1} each batch holds neighbours in length order (least padding, the same
 * groups up to ties every epoch); a larger {@code K} mixes each batch from a wider range of lengths.
 * Step 7 gives the order {@code pack_padded_sequence(..., enforce_sorted=True)} needs in PyTorch; seq4j's
 * recurrent layers take any order.
 *
 * <p>The plan depends only on the sequence lengths, the options, the seed and the epoch number: not on
 * earlier calls, so an epoch can be replayed (after resuming from a checkpoint, for instance), and
 * different seeds give independent orders.
 *
 * <pre>{@code
 * BucketBatcher batcher = BucketBatcher.builder(sequences)      // int[][] token indices
 *         .batchSize(32).padIndex(vocabulary.padIndex()).seed(42)
 *         .build();
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     for (TokenBatch batch : batcher.epoch(epoch)) {
 *         // batch.tokens(): (T·B) time-major, padded; batch.lengths(): (B)
 *     }
 * }
 * }</pre>
 *
 * <p>The batcher keeps the outer array of sequences (copied) but reads the sequences themselves when it
 * makes each batch: they must not be changed while it is in use. It is immutable otherwise, and
 * thread-safe.
 */
public final class BucketBatcher {

    /** Default number of batches per bucket: torchtext's {@code BucketIterator} sorts pools of 100 batches. */
    public static final int DEFAULT_BUCKET_BATCHES = 100;

    private final int[][] sequences;
    private final int[] lengths;
    private final int batchSize;
    private final int bucketBatches;
    private final int padIndex;
    private final long seed;
    private final boolean dropLast;
    private final boolean sortWithinBatch;

    private BucketBatcher(Builder b) {
        this.sequences = b.sequences.clone();
        this.lengths = new int[sequences.length];
        for (int i = 0; i < sequences.length; i++) {
            if (sequences[i] == null || sequences[i].length == 0) {
                throw new IllegalArgumentException("sequence " + i + " must hold at least one token but "
                        + (sequences[i] == null ? "was null" : "was empty"));
            }
            lengths[i] = sequences[i].length;
        }
        this.batchSize = b.batchSize;
        this.bucketBatches = b.bucketBatches;
        this.padIndex = b.padIndex;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.sortWithinBatch = b.sortWithinBatch;
    }

    /**
     * Starts a builder over a data set.
     *
     * @param sequences the token sequences of the data set, each of length ≥ 1; the outer array is copied
     *                  by {@link Builder#build()}, the sequences are read when batches are made and must not
     *                  be modified while the batcher is in use
     * @return a builder; {@link Builder#batchSize}, {@link Builder#padIndex} and {@link Builder#seed} must
     *         be set
     * @throws IllegalArgumentException if {@code sequences} is null
     */
    public static Builder builder(int[][] sequences) {
        if (sequences == null) {
            throw new IllegalArgumentException("sequences must not be null");
        }
        return new Builder(sequences);
    }

    /**
     * The number of examples in the data set.
     *
     * @return {@code N}
     */
    public int numExamples() {
        return lengths.length;
    }

    /**
     * The batch size.
     *
     * @return {@code B}; every batch has this size except at most one smaller batch per epoch (none with
     *         {@code dropLast})
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The number of batches of every epoch.
     *
     * @return {@code ⌈N / B⌉}, or {@code ⌊N / B⌋} with {@code dropLast}
     */
    public int numBatches() {
        int full = lengths.length / batchSize;
        return full + (!dropLast && lengths.length % batchSize != 0 ? 1 : 0);
    }

    /**
     * The plan of an epoch: which examples form each batch, in batch order (see the class documentation).
     *
     * @param epoch the epoch number, ≥ 0
     * @return {@link #numBatches()} new arrays of example indices, in the order the batch will hold them
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public int[][] plan(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative but was " + epoch);
        }
        SplittableRandom random = new SplittableRandom(epochSeed(seed, epoch));
        int n = lengths.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order, 0, n, random);                                   // 1
        int setAside = n % batchSize;                                   // 2
        int[] sorted = sortByLength(order, setAside, n);                // 3
        int[][] batches = new int[numBatches()][];
        int count = 0;
        if (setAside > 0 && !dropLast) {
            batches[count++] = Arrays.copyOfRange(order, 0, setAside);
        }
        int bucket = (int) Math.min((long) bucketBatches * batchSize, Integer.MAX_VALUE);
        for (int start = 0; start < sorted.length; start += bucket) {   // 4
            int end = (int) Math.min((long) start + bucket, sorted.length);
            shuffle(sorted, start, end, random);                        // 5
            for (int s = start; s < end; s += batchSize) {
                batches[count++] = Arrays.copyOfRange(sorted, s, s + batchSize);
            }
        }
        for (int i = batches.length - 1; i > 0; i--) {                 // 6
            int j = random.nextInt(i + 1);
            int[] swap = batches[i];
            batches[i] = batches[j];
            batches[j] = swap;
        }
        if (sortWithinBatch) {                                          // 7
            for (int[] batch : batches) {
                sortByDecreasingLength(batch);
            }
        }
        return batches;
    }

    /**
     * The batches of an epoch, made one at a time as they are iterated; iterating again gives the same
     * batches.
     *
     * @param epoch the epoch number, ≥ 0
     * @return the {@link #numBatches()} padded batches of {@link #plan(int)}, in order
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public Iterable<TokenBatch> epoch(int epoch) {
        int[][] plan = plan(epoch);
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < plan.length;
            }

            @Override
            public TokenBatch next() {
                if (next >= plan.length) {
                    throw new NoSuchElementException("epoch " + epoch + " has " + plan.length + " batches");
                }
                return TokenBatch.gather(sequences, plan[next++], padIndex);
            }
        };
    }

    /**
     * The configuration.
     *
     * @return e.g. {@code BucketBatcher[N=1000, B=32, bucketBatches=100, padIndex=0, seed=42, dropLast=false,
     *         sortWithinBatch=true]}
     */
    @Override
    public String toString() {
        return "BucketBatcher[N=" + lengths.length + ", B=" + batchSize + ", bucketBatches=" + bucketBatches
                + ", padIndex=" + padIndex + ", seed=" + seed + ", dropLast=" + dropLast + ", sortWithinBatch="
                + sortWithinBatch + "]";
    }

    // ---------------------------------------------------------------------------------------- helpers

    /** The seed of epoch {@code e}'s stream: SplitMix64's finaliser of the seed and the epoch, mixed twice. */
    static long epochSeed(long seed, int epoch) {
        return SplitMix64.mix(seed ^ SplitMix64.mix(SplitMix64.GOLDEN_GAMMA * (epoch + 1L)));
    }

    /** Fisher–Yates shuffle of {@code a[from, to)}. */
    private static void shuffle(int[] a, int from, int to, SplittableRandom random) {
        for (int i = to - 1; i > from; i--) {
            int j = from + random.nextInt(i - from + 1);
            int swap = a[i];
            a[i] = a[j];
            a[j] = swap;
        }
    }

    /** The examples {@code order[from, to)} sorted by increasing length, ties in their order in the input. */
    private int[] sortByLength(int[] order, int from, int to) {
        long[] keys = new long[to - from];
        for (int i = from; i < to; i++) {
            keys[i - from] = ((long) lengths[order[i]] << 32) | (i - from);   // length, then position
        }
        Arrays.sort(keys);
        int[] sorted = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            sorted[i] = order[from + (int) keys[i]];
        }
        return sorted;
    }

    /** Stable insertion sort of one batch's examples by decreasing length (batches are small). */
    private void sortByDecreasingLength(int[] batch) {
        for (int i = 1; i < batch.length; i++) {
            int example = batch[i];
            int j = i - 1;
            while (j >= 0 && lengths[batch[j]] < lengths[example]) {
                batch[j + 1] = batch[j];
                j--;
            }
            batch[j + 1] = example;
        }
    }

    /** Builds a {@link BucketBatcher}; {@link #batchSize}, {@link #padIndex} and {@link #seed} are required. */
    public static final class Builder {

        private final int[][] sequences;
        private Integer batchSize;
        private int bucketBatches = DEFAULT_BUCKET_BATCHES;
        private Integer padIndex;
        private Long seed;
        private boolean dropLast;
        private boolean sortWithinBatch = true;

        private Builder(int[][] sequences) {
            this.sequences = sequences;
        }

        /**
         * Sets the batch size (required).
         *
         * @param size {@code B}, at least 1
         * @return this builder
         */
        public Builder batchSize(int size) {
            this.batchSize = size;
            return this;
        }

        /**
         * Sets the number of batches per bucket (default {@value BucketBatcher#DEFAULT_BUCKET_BATCHES}).
         *
         * @param batches {@code K}, at least 1: 1 for the least padding, larger for more randomness
         * @return this builder
         */
        public Builder bucketBatches(int batches) {
            this.bucketBatches = batches;
            return this;
        }

        /**
         * Sets the index written at padded positions (required).
         *
         * @param index the pad index, usually the vocabulary's {@code <pad>}
         * @return this builder
         */
        public Builder padIndex(int index) {
            this.padIndex = index;
            return this;
        }

        /**
         * Sets the seed of the shuffling (required): the same seed gives the same plans.
         *
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Whether to leave out the {@code N mod B} examples that would form a smaller batch, a different
         * random choice every epoch (default false).
         *
         * @param drop true to drop them
         * @return this builder
         */
        public Builder dropLast(boolean drop) {
            this.dropLast = drop;
            return this;
        }

        /**
         * Whether to order each batch's sequences by decreasing length (default true).
         *
         * @param sort true to sort
         * @return this builder
         */
        public Builder sortWithinBatch(boolean sort) {
            this.sortWithinBatch = sort;
            return this;
        }

        /**
         * Validates the options and creates the batcher.
         *
         * @return the batcher
         * @throws IllegalStateException    if the batch size, the pad index or the seed was not set
         * @throws IllegalArgumentException if the batch size or the bucket size is not positive, or a
         *                                  sequence is null or empty
         */
        public BucketBatcher build() {
            if (batchSize == null || padIndex == null || seed == null) {
                throw new IllegalStateException("batchSize, padIndex and seed must be set; missing:"
                        + (batchSize == null ? " batchSize" : "") + (padIndex == null ? " padIndex" : "")
                        + (seed == null ? " seed" : ""));
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
            }
            if (bucketBatches < 1) {
                throw new IllegalArgumentException("bucketBatches must be at least 1 but was " + bucketBatches);
            }
            return new BucketBatcher(this);
        }
    }
}
