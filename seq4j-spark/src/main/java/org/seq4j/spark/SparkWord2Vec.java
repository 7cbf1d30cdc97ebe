package org.seq4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.storage.StorageLevel;
import org.seq4j.embed.Word2VecConfig;
import org.seq4j.embed.Word2VecDivergedException;
import org.seq4j.embed.Word2VecPartitionTrainer;
import org.seq4j.embed.Word2VecVocabulary;
import org.seq4j.embed.WordVectors;
import org.seq4j.text.WhitespaceTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Trains word2vec on Apache Spark: the vocabulary counted by Spark, the sentences trained by partition with
 * seq4j's own kernels ({@link Word2VecPartitionTrainer}: skip-gram or CBOW, negative sampling and/or
 * hierarchical softmax, the exact or the batched update), and the weight tables synchronised between the
 * partitions {@code syncsPerEpoch} times per epoch.
 *
 * <h2>Corpus</h2>
 * An RDD (or {@code Dataset<String>}) of lines: each line is a sentence whose words are separated by ASCII
 * white space, as {@link org.seq4j.embed.Word2VecTrainer} reads a file. The vocabulary
 * ({@link #countVocabulary}) is the single-machine one: words seen at least {@code minCount} times, sorted by
 * descending count with ties in order of first appearance in the corpus (the order of the RDD), at most
 * {@code maxVocabSize} of them. Each line becomes an array of vocabulary ids, cached in the executors'
 * memory (spilling to disk) for all epochs.
 *
 * <h2>One round (a slice of an epoch)</h2>
 * <pre>
 *   driver:     broadcast the tables syn0 (V, E), syn1neg (V, E), syn1 (V-1, E) and each partition's state
 *   partition p: copy the tables; train on its next 1/syncsPerEpoch of its sentences (subsampling, window
 *               shrinking, learning rate as the single-machine trainer; the rate from the words of all
 *               partitions, see Word2VecPartitionTrainer); return the rows it changed, weighted by n_p,
 *               the words it processed
 *   driver:     combine the changed rows ({@link Sync}); rows no partition changed stay as they were
 * </pre>
 * Three ways to combine the rows that {@code k} partitions changed from the round's base row {@code b}
 * (docs/spark.md measures them):
 * <ul>
 *   <li>{@link Sync#AVERAGE} (the default): {@code row := Σ_p n_p·row_p / Σ_p n_p} over the partitions p
 *       that changed the row, weighted by the words {@code n_p} each processed: the parameter averaging of
 *       distributed SGD (and of Spark MLlib's {@code Word2Vec}). A row that k partitions update by small
 *       steps moves about 1/k as far as on one machine, so quality falls as partitions grow; the rows of
 *       very frequent words, which each partition drives close to where it would drive them alone, stay
 *       stable.</li>
 *   <li>{@link Sync#SUM}: {@code row := b + Σ_p (row_p − b)}, every partition's update added, as the
 *       threads of the single-machine trainer add theirs into shared tables (Hogwild), only later. Every
 *       row moves as far as on one machine; the frequent rows overshoot by up to k times, which two
 *       partitions tolerate and four or more do not (training collapses).</li>
 *   <li>{@link Sync#SQRT}: {@code row := b + Σ_p (row_p − b) / √k}, between the two (the square-root
 *       scaling rule of large-batch SGD).</li>
 * </ul>
 * A row changed by one partition only keeps that partition's values in both modes, so with one partition
 * the rounds reproduce the single-machine trainer with one thread bit for bit.
 *
 * <p>The partial results are combined with {@code treeReduce} on the executors, so that the driver receives
 * one merged copy of the changed rows per round. Progress (round, words/s, learning rate, time left) is
 * logged through SLF4J on the driver.
 */
public final class SparkWord2Vec {

    private static final Logger LOG = LoggerFactory.getLogger(SparkWord2Vec.class);

    private final Word2VecConfig config;
    private final int partitions;
    private final int syncsPerEpoch;
    private final Sync sync;

    /** How the rows that several partitions changed in a round are combined (see the class comment). */
    public enum Sync {
        /** Every partition's change of the row is added to the round's base row. */
        SUM,
        /** The partitions' changes of the row are added and divided by the square root of their number. */
        SQRT,
        /** The partitions' rows are averaged, weighted by the words each processed. */
        AVERAGE
    }

    /**
     * Creates a trainer that averages the partitions' rows ({@link Sync#AVERAGE}).
     *
     * @param config        the training settings ({@code threads} is ignored: each partition is one task)
     * @param partitions    how many partitions train at the same time ({@code >= 1}); the corpus is
     *                      coalesced or repartitioned to this many
     * @param syncsPerEpoch how often per epoch the tables are synchronised ({@code >= 1})
     * @throws IllegalArgumentException if a count is below 1 or the configuration uses the full softmax
     */
    public SparkWord2Vec(Word2VecConfig config, int partitions, int syncsPerEpoch) {
        this(config, partitions, syncsPerEpoch, Sync.AVERAGE);
    }

    /**
     * Creates a trainer.
     *
     * @param config        the training settings ({@code threads} is ignored: each partition is one task)
     * @param partitions    how many partitions train at the same time ({@code >= 1}); the corpus is
     *                      coalesced or repartitioned to this many
     * @param syncsPerEpoch how often per epoch the tables are synchronised ({@code >= 1})
     * @param sync          how the rows several partitions changed are combined
     * @throws IllegalArgumentException if a count is below 1 or the configuration uses the full softmax
     */
    public SparkWord2Vec(Word2VecConfig config, int partitions, int syncsPerEpoch, Sync sync) {
        this.config = Objects.requireNonNull(config, "config");
        this.sync = Objects.requireNonNull(sync, "sync");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 but was " + partitions);
        }
        if (syncsPerEpoch < 1) {
            throw new IllegalArgumentException("syncsPerEpoch must be >= 1 but was " + syncsPerEpoch);
        }
        if (config.fullSoftmax()) {
            throw new IllegalArgumentException("the full softmax is not supported on Spark");
        }
        this.partitions = partitions;
        this.syncsPerEpoch = syncsPerEpoch;
    }

    /**
     * Counts the vocabulary of a corpus with Spark, as {@link Word2VecVocabulary#count} counts files.
     *
     * @param lines    the corpus, one sentence per element
     * @param minCount words seen fewer times are dropped ({@code >= 1})
     * @param maxSize  keep at most this many most frequent words; {@code 0} for no limit
     * @return the vocabulary, sorted by descending count, ties by first appearance
     * @throws IllegalArgumentException if {@code minCount < 1} or {@code maxSize < 0}
     */
    public static Word2VecVocabulary countVocabulary(JavaRDD<String> lines, int minCount, int maxSize) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1 but was " + minCount);
        }
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must be >= 0 but was " + maxSize);
        }
        // (word, (count, first position)); the position is (line index, token index) packed in a long
        JavaPairRDD<String, long[]> counted = lines.zipWithIndex().flatMapToPair(lineAndIndex -> {
            List<String> tokens = new WhitespaceTokenizer().tokenize(lineAndIndex._1());
            List<Tuple2<String, long[]>> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                out.add(new Tuple2<>(tokens.get(i), new long[] {1, lineAndIndex._2() * (1L << 20) + Math.min(i, (1 << 20) - 1)}));
            }
            return out.iterator();
        }).reduceByKey((a, b) -> new long[] {a[0] + b[0], Math.min(a[1], b[1])});
        List<Tuple2<String, long[]>> kept = new ArrayList<>(counted.filter(e -> e._2()[0] >= minCount).collect());
        kept.sort((a, b) -> a._2()[0] != b._2()[0] ? Long.compare(b._2()[0], a._2()[0])
                : Long.compare(a._2()[1], b._2()[1]));
        int n = maxSize > 0 ? Math.min(maxSize, kept.size()) : kept.size();
        List<String> words = new ArrayList<>(n);
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            words.add(kept.get(i)._1());
            counts[i] = kept.get(i)._2()[0];
        }
        return Word2VecVocabulary.of(words, counts);
    }

    /**
     * Counts the vocabulary of a corpus and trains on it.
     *
     * @param lines the corpus, one sentence per row
     * @return the word vectors, in vocabulary order
     * @throws IllegalArgumentException  if no word occurs {@code minCount} times (or only one, with
     *                                   hierarchical softmax)
     * @throws Word2VecDivergedException if a word vector becomes NaN or infinite
     */
    public WordVectors train(Dataset<String> lines) {
        return train(lines.javaRDD());
    }

    /**
     * Counts the vocabulary of a corpus and trains on it.
     *
     * @param lines the corpus, one sentence per element
     * @return the word vectors, in vocabulary order
     * @throws IllegalArgumentException  if no word occurs {@code minCount} times (or only one, with
     *                                   hierarchical softmax)
     * @throws Word2VecDivergedException if a word vector becomes NaN or infinite
     */
    public WordVectors train(JavaRDD<String> lines) {
        return train(lines, countVocabulary(lines, config.minCount(), config.maxVocabSize()));
    }

    /**
     * Trains on a corpus with a vocabulary counted before.
     *
     * @param lines      the corpus, one sentence per element; words outside the vocabulary are skipped
     * @param vocabulary the words to learn vectors for
     * @return the word vectors, in vocabulary order
     * @throws IllegalArgumentException  if the vocabulary is empty (or has one word, with hierarchical
     *                                   softmax)
     * @throws Word2VecDivergedException if a word vector becomes NaN or infinite
     */
    public WordVectors train(JavaRDD<String> lines, Word2VecVocabulary vocabulary) {
        Objects.requireNonNull(lines, "lines");
        Objects.requireNonNull(vocabulary, "vocabulary");
        int v = vocabulary.size();
        if (v == 0 || (config.hierarchicalSoftmax() && v < 2)) {
            throw new IllegalArgumentException("the vocabulary has " + v + " words: no word occurs at least minCount = "
                    + config.minCount() + " times" + (config.hierarchicalSoftmax() ? " (or only one)" : ""));
        }
        long startNanos = System.nanoTime();
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(lines.context());
        VocabularyData vocabularyData = new VocabularyData(vocabulary);
        Broadcast<VocabularyData> vocabularyBroadcast = spark.broadcast(vocabularyData);
        JavaRDD<String> placed = lines.getNumPartitions() == partitions ? lines
                : lines.getNumPartitions() > partitions ? lines.coalesce(partitions) : lines.repartition(partitions);
        JavaRDD<int[]> sentences = placed.mapPartitions(it -> {
            Word2VecVocabulary vocab = vocabularyBroadcast.value().vocabulary();
            WhitespaceTokenizer tokenizer = new WhitespaceTokenizer();
            List<int[]> out = new ArrayList<>();
            while (it.hasNext()) {
                int[] ids = ids(tokenizer.tokenize(it.next()), vocab);
                if (ids.length > 0) {
                    out.add(ids);
                }
            }
            return out.iterator();
        }).persist(StorageLevel.MEMORY_AND_DISK());
        long[] sentencesPerPartition = new long[partitions];
        for (Tuple2<Integer, Long> c : sentences.mapPartitionsWithIndex((p, it) -> {
            long n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return Collections.singletonList(new Tuple2<>(p, n)).iterator();
        }, true).collect()) {
            sentencesPerPartition[c._1()] = c._2();
        }

        Tables tables = Tables.initial(config, vocabulary);
        Word2VecPartitionTrainer.State[] states = new Word2VecPartitionTrainer.State[partitions];
        for (int p = 0; p < partitions; p++) {
            states[p] = Word2VecPartitionTrainer.initialState(config, p);
        }
        long wordsDone = 0;
        long totalWords = (long) config.epochs() * vocabulary.totalCount();
        int rounds = config.epochs() * syncsPerEpoch;
        LOG.info("training {} on {} words ({} distinct) for {} epochs in {} partitions, {} syncs per epoch ({})",
                config.architecture(), vocabulary.totalCount(), v, config.epochs(), partitions, syncsPerEpoch,
                sync.name().toLowerCase(Locale.ROOT));
        ConfigData cfg = new ConfigData(config);
        int parts = partitions;
        int slices = syncsPerEpoch;
        Sync mode = sync;
        for (int round = 0; round < rounds; round++) {
            int slice = round % slices;
            boolean endOfEpoch = slice == slices - 1;
            Broadcast<Tables> tablesBroadcast = spark.broadcast(tables);
            Broadcast<StateData[]> statesBroadcast = spark.broadcast(StateData.of(states));
            long before = wordsDone;
            Contribution merged = sentences.mapPartitionsWithIndex((p, it) -> {
                Tables base = tablesBroadcast.value();
                Tables own = base.copy();
                Word2VecPartitionTrainer trainer = new Word2VecPartitionTrainer(cfg.config(),
                        vocabularyBroadcast.value().vocabulary(), own.syn0, own.syn1neg, own.syn1);
                long n = sentencesPerPartition[p];
                Iterator<int[]> sliceOf = new SliceIterator(it, n * slice / slices, n * (slice + 1) / slices);
                Word2VecPartitionTrainer.Outcome outcome = trainer.train(sliceOf,
                        statesBroadcast.value()[p].state(), before, parts, endOfEpoch);
                return Collections.singletonList(Contribution.of(p, parts, base, own, outcome)).iterator();
            }, true).treeReduce((a, b) -> Contribution.merge(a, b, mode, tablesBroadcast.value()), 2);
            merged.applyTo(tables, sync);
            for (int p = 0; p < partitions; p++) {
                states[p] = merged.states[p].state();
            }
            wordsDone += merged.advancedWords;
            tablesBroadcast.destroy();
            statesBroadcast.destroy();
            logProgress(round + 1, rounds, merged, wordsDone, totalWords, startNanos);
        }
        sentences.unpersist(false);
        vocabularyBroadcast.destroy();
        checkFinite(tables.syn0, vocabulary);
        float[] flat = new float[v * config.vectorSize()];
        for (int w = 0; w < v; w++) {
            System.arraycopy(tables.syn0[w], 0, flat, w * config.vectorSize(), config.vectorSize());
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        LOG.info(String.format(Locale.ROOT, "training done: %d words in %.1f s, %.0f words/sec",
                totalWords, seconds, totalWords / seconds));
        return WordVectors.of(vocabulary.words(), flat, config.vectorSize());
    }

    private void logProgress(int round, int rounds, Contribution merged, long wordsDone, long totalWords,
                             long startNanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double done = (double) round / rounds;
        double alpha = 0;
        for (StateData s : merged.states) {
            alpha = Math.max(alpha, s.alpha);
        }
        LOG.info(String.format(Locale.ROOT,
                "round %d/%d  progress %5.1f%%  words %,d of %,d  words/sec %,.0f  alpha %.6f  elapsed %.0f s  eta %.0f s",
                round, rounds, 100 * done, wordsDone, totalWords, wordsDone / elapsed, alpha, elapsed,
                elapsed * (1 - done) / done));
    }

    /** The vocabulary ids of the tokens in the vocabulary, in order. */
    static int[] ids(List<String> tokens, Word2VecVocabulary vocabulary) {
        int[] ids = new int[tokens.size()];
        int n = 0;
        for (String token : tokens) {
            int id = vocabulary.indexOf(token);
            if (id >= 0) {
                ids[n++] = id;
            }
        }
        return n == ids.length ? ids : Arrays.copyOf(ids, n);
    }

    private static void checkFinite(float[][] syn0, Word2VecVocabulary vocabulary) {
        for (int w = 0; w < syn0.length; w++) {
            for (int i = 0; i < syn0[w].length; i++) {
                if (!Float.isFinite(syn0[w][i])) {
                    String word = vocabulary.word(w);
                    throw new Word2VecDivergedException(word, "training diverged: the vector of '" + word + "' is "
                            + syn0[w][i] + " at [" + i + "] after combining the partitions' updates");
                }
            }
        }
    }

    /** The vocabulary as shipped to the executors: words and counts, rebuilt there in the same order. */
    static final class VocabularyData implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String[] words;
        private final long[] counts;
        private transient Word2VecVocabulary vocabulary;

        VocabularyData(Word2VecVocabulary vocabulary) {
            this.words = vocabulary.words().toArray(new String[0]);
            this.counts = new long[words.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = vocabulary.count(i);
            }
            this.vocabulary = vocabulary;
        }

        /** The vocabulary, rebuilt once per executor (the broadcast value is shared by its tasks). */
        synchronized Word2VecVocabulary vocabulary() {
            if (vocabulary == null) {
                vocabulary = Word2VecVocabulary.of(List.of(words), counts);
            }
            return vocabulary;
        }
    }

    /** The tables of a model: syn0 (V, E), syn1neg (V, E) or (0, 0), syn1 (V-1, E) or (0, 0). */
    static final class Tables implements Serializable {
        private static final long serialVersionUID = 1L;
        final float[][] syn0;
        final float[][] syn1neg;
        final float[][] syn1;

        Tables(float[][] syn0, float[][] syn1neg, float[][] syn1) {
            this.syn0 = syn0;
            this.syn1neg = syn1neg;
            this.syn1 = syn1;
        }

        /** The single-machine trainer's initial tables. */
        static Tables initial(Word2VecConfig config, Word2VecVocabulary vocabulary) {
            int v = vocabulary.size();
            int e = config.vectorSize();
            return new Tables(Word2VecPartitionTrainer.initialInputVectors(config, vocabulary),
                    config.negative() > 0 ? new float[v][e] : new float[0][0],
                    config.hierarchicalSoftmax() ? new float[v - 1][e] : new float[0][0]);
        }

        Tables copy() {
            return new Tables(copy(syn0), copy(syn1neg), copy(syn1));
        }

        private static float[][] copy(float[][] table) {
            float[][] out = new float[table.length][];
            for (int i = 0; i < table.length; i++) {
                out[i] = table[i].clone();
            }
            return out;
        }

        float[][] table(int t) {
            return t == 0 ? syn0 : t == 1 ? syn1neg : syn1;
        }
    }

    /** The configuration as shipped to the executors (Word2VecConfig is not serializable). */
    static final class ConfigData implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Word2VecConfig.Architecture architecture;
        private final int vectorSize;
        private final int window;
        private final double sample;
        private final boolean hierarchicalSoftmax;
        private final int negative;
        private final int epochs;
        private final int minCount;
        private final int maxVocabSize;
        private final double alpha;
        private final long seed;
        private final boolean exactSigmoid;
        private final int maxSentenceLength;
        private final Word2VecConfig.Update update;
        private final int batchSize;

        ConfigData(Word2VecConfig c) {
            this.architecture = c.architecture();
            this.vectorSize = c.vectorSize();
            this.window = c.window();
            this.sample = c.sample();
            this.hierarchicalSoftmax = c.hierarchicalSoftmax();
            this.negative = c.negative();
            this.epochs = c.epochs();
            this.minCount = c.minCount();
            this.maxVocabSize = c.maxVocabSize();
            this.alpha = c.alpha();
            this.seed = c.seed();
            this.exactSigmoid = c.exactSigmoid();
            this.maxSentenceLength = c.maxSentenceLength();
            this.update = c.update();
            this.batchSize = c.batchSize();
        }

        /** The configuration again, with one thread (a partition is one task). */
        Word2VecConfig config() {
            return Word2VecConfig.builder().architecture(architecture).vectorSize(vectorSize).window(window)
                    .sample(sample).hierarchicalSoftmax(hierarchicalSoftmax).negative(negative).threads(1)
                    .epochs(epochs).minCount(minCount).maxVocabSize(maxVocabSize).alpha(alpha).seed(seed)
                    .exactSigmoid(exactSigmoid).maxSentenceLength(maxSentenceLength).update(update)
                    .batchSize(batchSize).build();
        }
    }

    /** A partition's {@link Word2VecPartitionTrainer.State}, serializable. */
    static final class StateData implements Serializable {
        private static final long serialVersionUID = 1L;
        final long randomState;
        final long pendingWords;
        final float alpha;
        final boolean sentenceOpen;

        StateData(Word2VecPartitionTrainer.State s) {
            this.randomState = s.randomState();
            this.pendingWords = s.pendingWords();
            this.alpha = s.alpha();
            this.sentenceOpen = s.sentenceOpen();
        }

        Word2VecPartitionTrainer.State state() {
            return new Word2VecPartitionTrainer.State(randomState, pendingWords, alpha, sentenceOpen);
        }

        static StateData[] of(Word2VecPartitionTrainer.State[] states) {
            StateData[] out = new StateData[states.length];
            for (int i = 0; i < states.length; i++) {
                out[i] = new StateData(states[i]);
            }
            return out;
        }
    }

    /** The sentences {@code [from, to)} of a partition's iterator; those before are skipped. */
    static final class SliceIterator implements Iterator<int[]> {
        private final Iterator<int[]> source;
        private final long to;
        private long index;

        SliceIterator(Iterator<int[]> source, long from, long to) {
            this.source = source;
            this.to = to;
            while (index < from && source.hasNext()) {
                source.next();
                index++;
            }
        }

        @Override
        public boolean hasNext() {
            return index < to && source.hasNext();
        }

        @Override
        public int[] next() {
            index++;
            return source.next();
        }
    }

    /**
     * The rows that one or more partitions changed in a round, combined over those partitions (summed
     * updates or weighted mean, {@link Sync}), and the partitions' states.
     */
    static final class Contribution implements Serializable {
        private static final long serialVersionUID = 1L;
        /** Per table (syn0, syn1neg, syn1): each changed row as combined so far, null for unchanged rows. */
        final float[][][] rows;
        /** Per table: the sum of the weights of the partitions that changed each row. */
        final double[][] weights;
        /** Per table: how many partitions changed each row. */
        final int[][] counts;
        final StateData[] states;
        long words;
        long advancedWords;

        private Contribution(float[][][] rows, double[][] weights, int[][] counts, StateData[] states) {
            this.rows = rows;
            this.weights = weights;
            this.counts = counts;
            this.states = states;
        }

        /** Partition {@code p}'s changed rows (those that differ from the base), with weight its words. */
        static Contribution of(int p, int partitions, Tables base, Tables trained,
                               Word2VecPartitionTrainer.Outcome outcome) {
            float[][][] rows = new float[3][][];
            double[][] weights = new double[3][];
            int[][] counts = new int[3][];
            double weight = Math.max(1, outcome.words());
            for (int t = 0; t < 3; t++) {
                float[][] before = base.table(t);
                float[][] after = trained.table(t);
                rows[t] = new float[after.length][];
                weights[t] = new double[after.length];
                counts[t] = new int[after.length];
                for (int r = 0; r < after.length; r++) {
                    if (!Arrays.equals(before[r], after[r])) {
                        rows[t][r] = after[r];
                        weights[t][r] = weight;
                        counts[t][r] = 1;
                    }
                }
            }
            StateData[] states = new StateData[partitions];
            states[p] = new StateData(outcome.state());
            Contribution c = new Contribution(rows, weights, counts, states);
            c.words = outcome.words();
            c.advancedWords = outcome.advancedWords();
            return c;
        }

        /**
         * Merges two contributions into {@code a}. A row changed by one side only keeps that side's values
         * exactly; a row both changed becomes {@code rowA + rowB − base} ({@link Sync#SUM}: the two sides'
         * updates added) or {@code rowA + (rowB − rowA) · wB / (wA + wB)} ({@link Sync#AVERAGE}: a running
         * weighted mean).
         *
         * @param base the round's tables, before any partition trained on them
         */
        static Contribution merge(Contribution a, Contribution b, Sync sync, Tables base) {
            for (int t = 0; t < 3; t++) {
                for (int r = 0; r < a.rows[t].length; r++) {
                    float[] rb = b.rows[t][r];
                    if (rb == null) {
                        continue;
                    }
                    float[] ra = a.rows[t][r];
                    if (ra == null) {
                        a.rows[t][r] = rb;
                        a.weights[t][r] = b.weights[t][r];
                        a.counts[t][r] = b.counts[t][r];
                        continue;
                    }
                    double wa = a.weights[t][r];
                    double wb = b.weights[t][r];
                    if (sync != Sync.AVERAGE) {     // SUM and SQRT: rowA + rowB - base, scaled in applyTo
                        float[] rbase = base.table(t)[r];
                        for (int i = 0; i < ra.length; i++) {
                            ra[i] += rb[i] - rbase[i];
                        }
                    } else {
                        float share = (float) (wb / (wa + wb));
                        for (int i = 0; i < ra.length; i++) {
                            ra[i] += (rb[i] - ra[i]) * share;
                        }
                    }
                    a.weights[t][r] = wa + wb;
                    a.counts[t][r] += b.counts[t][r];
                }
            }
            for (int p = 0; p < a.states.length; p++) {
                if (b.states[p] != null) {
                    a.states[p] = b.states[p];
                }
            }
            a.words += b.words;
            a.advancedWords += b.advancedWords;
            return a;
        }

        /** Writes the combined rows into the driver's tables; unchanged rows stay. */
        void applyTo(Tables tables, Sync sync) {
            for (int t = 0; t < 3; t++) {
                float[][] table = tables.table(t);
                for (int r = 0; r < table.length; r++) {
                    float[] row = rows[t][r];
                    if (row == null) {
                        continue;
                    }
                    if (sync == Sync.SQRT && counts[t][r] > 1) {
                        float scale = (float) (1 / Math.sqrt(counts[t][r]));
                        float[] base = table[r];
                        for (int i = 0; i < row.length; i++) {
                            row[i] = base[i] + (row[i] - base[i]) * scale;
                        }
                    }
                    table[r] = row;
                }
            }
        }
    }
}
