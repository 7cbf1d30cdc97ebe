package org.seq4j.embed;

import java.util.Locale;

/**
 * Immutable settings of word2vec training. Defaults are those of the original {@code word2vec.c}
 * (its flag in parentheses):
 * <pre>
 *   architecture        SKIP_GRAM    (-cbow 0)
 *   vectorSize          100          (-size)
 *   window              5            (-window)   each centre word uses a random window 1..window
 *   sample              1e-3         (-sample)   frequent-word subsampling threshold; 0 = off
 *   hierarchicalSoftmax false        (-hs 0)
 *   negative            5            (-negative) noise words per target; 0 = off
 *   fullSoftmax         false        (no flag)   exact softmax over V; for small vocabularies
 *   threads             available processors (-threads)
 *   epochs              5            (-iter)
 *   minCount            5            (-min-count)
 *   maxVocabSize        0 = no limit
 *   alpha               0.025 for skip-gram, 0.05 for CBOW (-alpha), decayed linearly to alpha·1e-4
 *   seed                1
 *   exactSigmoid        false        use word2vec.c's 1000-entry sigmoid table
 *   maxSentenceLength   1000         longer lines are cut into pieces (word2vec.c's MAX_SENTENCE_LENGTH)
 *   update              EXACT        EXACT: one (input, centre word) pair per step, as word2vec.c;
 *                                    BATCHED: minibatches with shared negatives (HogBatch), see below
 *   batchSize           2·window     input rows per minibatch of the BATCHED update
 * </pre>
 * At least one output layer (hierarchical softmax, negative sampling or full softmax) must be on; as in
 * {@code word2vec.c}, several may be on at once and then all are trained on the same input vectors.
 *
 * <p>The {@link Update#BATCHED} update (Ji et al., "Parallelizing Word2Vec in Shared and Distributed
 * Memory", 2019) trains negative sampling only: it needs {@code negative > 0} and neither hierarchical
 * softmax nor full softmax. Its minibatch holds at most {@code batchSize} input rows that share one draw
 * of {@code K} noise words: for skip-gram the context words of one centre word (a window has at most
 * {@code 2·window}, so by default a whole window is one minibatch), for CBOW the hidden vectors of
 * consecutive centre words. {@code batchSize = 1} is the exact update. See {@link Word2VecTrainer}.
 *
 * <p>Build with {@link #builder()}; {@link Builder#build()} validates every value.
 */
public final class Word2VecConfig {

    /** The model: which words predict which. */
    public enum Architecture {
        /** Each context word's vector predicts the centre word (word2vec.c's {@code -cbow 0}). */
        SKIP_GRAM,
        /** The mean of the context words' vectors predicts the centre word ({@code -cbow 1}). */
        CBOW
    }

    /** How the SGD steps are formed. */
    public enum Update {
        /** One (input vector, centre word) pair per step with its own noise words, as word2vec.c. */
        EXACT,
        /**
         * Minibatches of up to {@code batchSize} input vectors that share one draw of noise words, each
         * step computed as small matrix products (HogBatch); negative sampling only.
         */
        BATCHED
    }

    private final Architecture architecture;
    private final int vectorSize;
    private final int window;
    private final double sample;
    private final boolean hierarchicalSoftmax;
    private final int negative;
    private final boolean fullSoftmax;
    private final int threads;
    private final int epochs;
    private final int minCount;
    private final int maxVocabSize;
    private final double alpha;
    private final long seed;
    private final boolean exactSigmoid;
    private final int maxSentenceLength;
    private final Update update;
    private final Integer batchSize;     // null: 2·window

    private Word2VecConfig(Builder b) {
        architecture = b.architecture;
        vectorSize = b.vectorSize;
        window = b.window;
        sample = b.sample;
        hierarchicalSoftmax = b.hierarchicalSoftmax;
        negative = b.negative;
        fullSoftmax = b.fullSoftmax;
        threads = b.threads;
        epochs = b.epochs;
        minCount = b.minCount;
        maxVocabSize = b.maxVocabSize;
        alpha = Double.isNaN(b.alpha) ? (b.architecture == Architecture.CBOW ? 0.05 : 0.025) : b.alpha;
        seed = b.seed;
        exactSigmoid = b.exactSigmoid;
        maxSentenceLength = b.maxSentenceLength;
        update = b.update;
        batchSize = b.batchSize;
    }

    /**
     * Returns a builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder initialised with this configuration's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.architecture = architecture;
        b.vectorSize = vectorSize;
        b.window = window;
        b.sample = sample;
        b.hierarchicalSoftmax = hierarchicalSoftmax;
        b.negative = negative;
        b.fullSoftmax = fullSoftmax;
        b.threads = threads;
        b.epochs = epochs;
        b.minCount = minCount;
        b.maxVocabSize = maxVocabSize;
        b.alpha = alpha;
        b.seed = seed;
        b.exactSigmoid = exactSigmoid;
        b.maxSentenceLength = maxSentenceLength;
        b.update = update;
        b.batchSize = batchSize;
        return b;
    }

    /** @return skip-gram or CBOW */
    public Architecture architecture() {
        return architecture;
    }

    /** @return {@code E}, the embedding size */
    public int vectorSize() {
        return vectorSize;
    }

    /** @return the maximal window radius */
    public int window() {
        return window;
    }

    /** @return the subsampling threshold, 0 for none */
    public double sample() {
        return sample;
    }

    /** @return whether hierarchical softmax is trained */
    public boolean hierarchicalSoftmax() {
        return hierarchicalSoftmax;
    }

    /** @return {@code K}, the negative samples per target, 0 for no negative sampling */
    public int negative() {
        return negative;
    }

    /** @return whether a full softmax output layer is trained */
    public boolean fullSoftmax() {
        return fullSoftmax;
    }

    /** @return the number of training threads */
    public int threads() {
        return threads;
    }

    /** @return the number of passes over the corpus */
    public int epochs() {
        return epochs;
    }

    /** @return the minimal count of a kept word */
    public int minCount() {
        return minCount;
    }

    /** @return the maximal vocabulary size, 0 for no limit */
    public int maxVocabSize() {
        return maxVocabSize;
    }

    /** @return the starting learning rate */
    public double alpha() {
        return alpha;
    }

    /** @return the seed of all random choices */
    public long seed() {
        return seed;
    }

    /** @return whether the sigmoid is computed exactly instead of from word2vec.c's table */
    public boolean exactSigmoid() {
        return exactSigmoid;
    }

    /** @return the maximal number of (subsampled) words in one training sentence */
    public int maxSentenceLength() {
        return maxSentenceLength;
    }

    /** @return how the SGD steps are formed: exact pairs or minibatches with shared noise words */
    public Update update() {
        return update;
    }

    /**
     * @return the maximal number of input rows of one minibatch of the {@link Update#BATCHED} update (skip-gram:
     *         context words of one centre word; CBOW: consecutive centre words); unused by the exact update
     */
    public int batchSize() {
        return batchSize != null ? batchSize : 2 * window;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Word2VecConfig[%s size=%d window=%d sample=%g hs=%b negative=%d"
                        + " fullSoftmax=%b threads=%d epochs=%d minCount=%d maxVocabSize=%d alpha=%g seed=%d"
                        + " exactSigmoid=%b maxSentenceLength=%d update=%s batchSize=%d]",
                architecture, vectorSize, window, sample, hierarchicalSoftmax, negative, fullSoftmax, threads,
                epochs, minCount, maxVocabSize, alpha, seed, exactSigmoid, maxSentenceLength, update, batchSize());
    }

    /** Validating builder of {@link Word2VecConfig}; starts from the defaults. */
    public static final class Builder {
        private Architecture architecture = Architecture.SKIP_GRAM;
        private int vectorSize = 100;
        private int window = 5;
        private double sample = 1e-3;
        private boolean hierarchicalSoftmax = false;
        private int negative = 5;
        private boolean fullSoftmax = false;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int epochs = 5;
        private int minCount = 5;
        private int maxVocabSize = 0;
        private double alpha = Double.NaN;
        private boolean alphaGiven;
        private long seed = 1;
        private boolean exactSigmoid = false;
        private int maxSentenceLength = 1000;
        private Update update = Update.EXACT;
        private Integer batchSize = null;

        private Builder() {
        }

        /**
         * @param value skip-gram or CBOW
         * @return this builder
         */
        public Builder architecture(Architecture value) {
            architecture = value;
            return this;
        }

        /**
         * @param value embedding size {@code E >= 1}
         * @return this builder
         */
        public Builder vectorSize(int value) {
            vectorSize = value;
            return this;
        }

        /**
         * @param value maximal window radius {@code >= 1}
         * @return this builder
         */
        public Builder window(int value) {
            window = value;
            return this;
        }

        /**
         * @param value subsampling threshold {@code >= 0}; 0 turns subsampling off
         * @return this builder
         */
        public Builder sample(double value) {
            sample = value;
            return this;
        }

        /**
         * @param value whether to train hierarchical softmax
         * @return this builder
         */
        public Builder hierarchicalSoftmax(boolean value) {
            hierarchicalSoftmax = value;
            return this;
        }

        /**
         * @param value negative samples per target {@code >= 0}; 0 turns negative sampling off
         * @return this builder
         */
        public Builder negative(int value) {
            negative = value;
            return this;
        }

        /**
         * @param value whether to train a full softmax output layer (cost O(V) per prediction)
         * @return this builder
         */
        public Builder fullSoftmax(boolean value) {
            fullSoftmax = value;
            return this;
        }

        /**
         * @param value training threads {@code >= 1}
         * @return this builder
         */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        /**
         * @param value passes over the corpus {@code >= 1}
         * @return this builder
         */
        public Builder epochs(int value) {
            epochs = value;
            return this;
        }

        /**
         * @param value minimal word count {@code >= 1}
         * @return this builder
         */
        public Builder minCount(int value) {
            minCount = value;
            return this;
        }

        /**
         * @param value maximal vocabulary size {@code >= 0}; 0 for no limit
         * @return this builder
         */
        public Builder maxVocabSize(int value) {
            maxVocabSize = value;
            return this;
        }

        /**
         * @param value starting learning rate {@code > 0}; by default 0.025 (skip-gram) or 0.05 (CBOW)
         * @return this builder
         */
        public Builder alpha(double value) {
            alpha = value;
            alphaGiven = true;
            return this;
        }

        /**
         * @param value seed of the initialisation and of every thread's random stream
         * @return this builder
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * @param value compute the sigmoid exactly instead of reading word2vec.c's table
         * @return this builder
         */
        public Builder exactSigmoid(boolean value) {
            exactSigmoid = value;
            return this;
        }

        /**
         * @param value maximal subsampled words per training sentence {@code >= 1}
         * @return this builder
         */
        public Builder maxSentenceLength(int value) {
            maxSentenceLength = value;
            return this;
        }

        /**
         * @param value {@link Update#EXACT} (word2vec.c's pair-by-pair steps) or {@link Update#BATCHED}
         *              (minibatches with shared noise words; negative sampling only)
         * @return this builder
         */
        public Builder update(Update value) {
            update = value;
            return this;
        }

        /**
         * @param value input rows per minibatch of the batched update {@code >= 1}; by default
         *              {@code 2·window}, which makes each skip-gram window one minibatch
         * @return this builder
         */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /**
         * Validates the values and creates the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a value is out of range or no output layer is on
         */
        public Word2VecConfig build() {
            if (architecture == null) {
                throw new IllegalArgumentException("architecture must not be null");
            }
            if (update == null) {
                throw new IllegalArgumentException("update must not be null");
            }
            check(vectorSize >= 1, "vectorSize must be >= 1 but was %s", vectorSize);
            check(window >= 1, "window must be >= 1 but was %s", window);
            check(sample >= 0 && Double.isFinite(sample), "sample must be finite and >= 0 but was %s", sample);
            check(negative >= 0, "negative must be >= 0 but was %s", negative);
            check(threads >= 1, "threads must be >= 1 but was %s", threads);
            check(epochs >= 1, "epochs must be >= 1 but was %s", epochs);
            check(minCount >= 1, "minCount must be >= 1 but was %s", minCount);
            check(maxVocabSize >= 0, "maxVocabSize must be >= 0 but was %s", maxVocabSize);
            check(!alphaGiven || (alpha > 0 && Double.isFinite(alpha)),
                    "alpha must be finite and > 0 but was %s", alpha);
            check(maxSentenceLength >= 1, "maxSentenceLength must be >= 1 but was %s", maxSentenceLength);
            check(batchSize == null || batchSize >= 1, "batchSize must be >= 1 but was %s", batchSize);
            check(hierarchicalSoftmax || negative > 0 || fullSoftmax,
                    "at least one output layer must be on (hierarchicalSoftmax, negative > 0 or fullSoftmax)"
                            + " but negative was %s and both others false", negative);
            check((long) vectorSize * 4L <= Integer.MAX_VALUE, "vectorSize too large: %s", vectorSize);
            if (update == Update.BATCHED && (negative == 0 || hierarchicalSoftmax || fullSoftmax)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "the BATCHED update trains"
                                + " negative sampling only: it needs negative > 0, hierarchicalSoftmax false and"
                                + " fullSoftmax false but negative was %d, hierarchicalSoftmax %b, fullSoftmax %b",
                        negative, hierarchicalSoftmax, fullSoftmax));
            }
            return new Word2VecConfig(this);
        }

        private static void check(boolean ok, String format, Object value) {
            if (!ok) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, format, value));
            }
        }
    }
}
