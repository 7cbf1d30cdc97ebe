package org.seq4j.embed;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.seq4j.random.SplitMix64;

/**
 * Trains one share of a corpus on one copy of the model's tables: the part of word2vec that a distributed
 * trainer (such as {@code org.seq4j.spark.SparkWord2Vec}) runs inside each partition, between two
 * synchronisations of the tables.
 *
 * <p>It trains exactly as one thread of {@link Word2VecTrainer} does, with the same code: the sentences
 * are given as vocabulary ids (the corpus words outside the vocabulary already dropped, nothing subsampled
 * yet), and each is subsampled, cut into pieces of at most {@code maxSentenceLength} kept words and trained
 * with the exact or the batched update of the configuration. What a thread of the single-machine trainer
 * keeps from one sentence to the next is handed in and out as a {@link State}, so that a partition can stop
 * at a synchronisation and go on afterwards as if it had not stopped.
 *
 * <p>The learning rate follows the single-machine schedule, driven by the words of the whole run:
 * <pre>
 *   alpha = alpha0 · max(1e-4, 1 - wordsDone / (epochs·N + 1))      every 10,000 words
 *   wordsDone = wordsBefore + partitions · (words this partition has counted since the synchronisation)
 * </pre>
 * where {@code wordsBefore} is the count over all partitions at the last synchronisation and the other
 * partitions are assumed to progress at the same pace (each holds {@code 1/partitions} of the corpus).
 * With one partition this is the single-machine schedule exactly: started from the single-machine
 * trainer's initial tables ({@link #initialInputVectors}, zero output tables) and random state
 * ({@link #initialState}), one partition trained slice by slice over the corpus's sentences in order
 * gives the vectors of {@link Word2VecTrainer} with one thread, bit for bit.
 *
 * <p>The full softmax is not supported (it is a reference for small vocabularies, not for corpora that
 * need a cluster). Not thread-safe: one instance per partition; the tables are trained in place.
 */
public final class Word2VecPartitionTrainer {

    /**
     * What a training thread carries from one sentence to the next: its random stream, the words it has
     * counted but not yet added to the shared count, and its current learning rate.
     *
     * @param randomState  the state of the word2vec.c generator ({@link org.seq4j.random.Word2VecRandom})
     * @param pendingWords words counted since the learning rate was last updated ({@code >= 0})
     * @param alpha        the current learning rate ({@code > 0})
     * @param sentenceOpen whether a sentence is being read (its lines so far kept no word after subsampling;
     *                     the next line continues it, without the learning-rate update due between
     *                     sentences)
     */
    public record State(long randomState, long pendingWords, float alpha, boolean sentenceOpen) {

        /**
         * Validates the state.
         *
         * @param randomState  the state of the word2vec.c generator
         * @param pendingWords words counted since the learning rate was last updated ({@code >= 0})
         * @param alpha        the current learning rate ({@code > 0})
         * @param sentenceOpen whether a sentence is being read
         * @throws IllegalArgumentException if {@code pendingWords < 0} or {@code alpha} is not positive
         */
        public State {
            if (pendingWords < 0) {
                throw new IllegalArgumentException("pendingWords must be >= 0 but was " + pendingWords);
            }
            if (!(alpha > 0)) {
                throw new IllegalArgumentException("alpha must be > 0 but was " + alpha);
            }
        }
    }

    /**
     * The outcome of {@link #train}: the partition's state for its next slice and its word counts.
     *
     * @param state         the state to continue with
     * @param words         the corpus words of the slice (vocabulary words, before subsampling)
     * @param advancedWords words added to the run's count in this slice, before scaling by the partitions:
     *                      the partition's contribution to the next {@code wordsBefore}
     */
    public record Outcome(State state, long words, long advancedWords) {
    }

    private final Word2VecConfig config;
    private final Word2VecTrainer.Run run;

    /**
     * Creates a trainer over the given tables, which {@link #train} updates in place.
     *
     * @param config     the training settings (threads is ignored: a partition is one thread)
     * @param vocabulary the vocabulary, the same in every partition
     * @param syn0       (V, E) input vectors
     * @param syn1neg    (V, E) negative-sampling output vectors, or (0, E') without negative sampling
     * @param syn1       (V-1, E) hierarchical-softmax inner nodes, or (0, E') without hierarchical softmax
     * @throws IllegalArgumentException if the configuration uses the full softmax or a table's shape does
     *                                  not fit the vocabulary and the configuration
     */
    public Word2VecPartitionTrainer(Word2VecConfig config, Word2VecVocabulary vocabulary, float[][] syn0,
                                    float[][] syn1neg, float[][] syn1) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(vocabulary, "vocabulary");
        if (config.fullSoftmax()) {
            throw new IllegalArgumentException("the full softmax is not supported by partitions");
        }
        int v = vocabulary.size();
        checkShape("syn0", syn0, v, config.vectorSize());
        checkShape("syn1neg", syn1neg, config.negative() > 0 ? v : 0, config.vectorSize());
        checkShape("syn1", syn1, config.hierarchicalSoftmax() ? v - 1 : 0, config.vectorSize());
        Word2VecModel model = Word2VecModel.over(config, vocabulary, syn0, syn1neg, syn1);
        try {
            this.run = new Word2VecTrainer.Run(config, model, List.of());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no file is read", e);     // List.of(): nothing to open
        }
        run.logProgress = false;
    }

    private static void checkShape(String name, float[][] table, int rows, int columns) {
        Objects.requireNonNull(table, name);
        boolean ok = table.length == rows;
        for (int i = 0; ok && i < rows; i++) {
            ok = table[i].length == columns;
        }
        if (!ok) {
            throw new IllegalArgumentException(name + " must be (" + rows + ", " + columns + ") but was ("
                    + table.length + ", " + (table.length > 0 ? table[0].length : 0) + ")");
        }
    }

    /**
     * Returns the single-machine trainer's initial input vectors: uniform in {@code [-0.5/E, 0.5/E)} from
     * word2vec.c's generator started at the configuration's seed.
     *
     * @param config     the training settings
     * @param vocabulary the vocabulary
     * @return a new (V, E) table
     */
    public static float[][] initialInputVectors(Word2VecConfig config, Word2VecVocabulary vocabulary) {
        return Word2VecModel.initialise(config, vocabulary).syn0();
    }

    /**
     * Returns the state partition {@code p} starts with: the random seed of thread {@code p} of the
     * single-machine trainer (so partition 0 starts as its only thread does), the learning rate alpha0.
     *
     * @param config    the training settings (seed, alpha)
     * @param partition the partition index ({@code >= 0})
     * @return the starting state
     * @throws IllegalArgumentException if {@code partition < 0}
     */
    public static State initialState(Word2VecConfig config, int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0 but was " + partition);
        }
        SplitMix64 seeds = new SplitMix64(config.seed());
        long seed = seeds.nextLong();
        for (int p = 0; p < partition; p++) {
            seed = seeds.nextLong();
        }
        return new State(seed, 0, (float) config.alpha(), false);
    }

    /**
     * Trains on a slice of the partition's sentences, as one thread of {@link Word2VecTrainer} trains on
     * the lines of its byte range, and updates the tables in place.
     *
     * @param sentences   the slice's sentences, each the vocabulary ids of one corpus line in order; not
     *                    modified
     * @param start       the state the previous slice ended with, or {@link #initialState}
     * @param wordsBefore the words counted by all partitions up to the slice (the sum of their
     *                    {@link Outcome#advancedWords()}), for the learning rate
     * @param partitions  how many partitions train at the same time ({@code >= 1})
     * @param endOfEpoch  whether the slice ends the partition's epoch (the pending words are then counted,
     *                    as a thread counts them at the end of its range)
     * @return the state to continue with and the word counts
     * @throws IllegalArgumentException  if {@code partitions < 1}, {@code wordsBefore < 0} or an id is
     *                                   outside the vocabulary
     * @throws Word2VecDivergedException if a trained vector becomes NaN or infinite
     */
    public Outcome train(Iterator<int[]> sentences, State start, long wordsBefore, int partitions,
                         boolean endOfEpoch) {
        Objects.requireNonNull(sentences, "sentences");
        Objects.requireNonNull(start, "start");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 but was " + partitions);
        }
        if (wordsBefore < 0) {
            throw new IllegalArgumentException("wordsBefore must be >= 0 but was " + wordsBefore);
        }
        run.wordCountActual.set(wordsBefore);
        Word2VecTrainer.Worker worker = new Word2VecTrainer.Worker(run, 0, 0, start.randomState());
        int[] sentence = worker.sentence();
        float[] keep = run.keep;
        boolean subsample = config.sample() > 0;
        int maxLength = sentence.length;
        int v = keep.length;
        long pending = start.pendingWords();
        float alpha = start.alpha();
        long words = 0;
        long advanced = 0;
        int length = 0;           // kept words of the sentence being read
        int lastLength = 0;       // of the sentence trained last
        boolean reading = start.sentenceOpen();  // lines without kept words join the next sentence
        while (sentences.hasNext()) {
            int[] line = sentences.next();
            int pos = 0;
            while (true) {
                if (!reading) {
                    // Word2VecTrainer.Worker.runEpochs: the check before each sentence
                    if (pending > Word2VecTrainer.WORDS_PER_UPDATE) {
                        checkFinite(sentence, lastLength);
                        alpha = run.advance(partitions * pending);
                        advanced += pending;
                        pending = 0;
                    }
                    reading = true;
                }
                while (pos < line.length && length < maxLength) {
                    int w = line[pos++];
                    if (w < 0 || w >= v) {
                        throw new IllegalArgumentException("word id must be in [0, " + v + ") but was " + w);
                    }
                    pending++;
                    words++;
                    if (subsample && keep[w] < worker.random().nextFraction()) {
                        continue;
                    }
                    sentence[length++] = w;
                }
                if (length == 0) {
                    break;      // the line's end, nothing kept yet: the sentence goes on with the next line
                }
                worker.trainSentence(length, alpha);
                lastLength = length;
                length = 0;
                reading = false;
                if (pos == line.length) {
                    break;
                }
            }
        }
        checkFinite(sentence, lastLength);
        if (endOfEpoch) {
            alpha = run.advance(partitions * pending);
            advanced += pending;
            pending = 0;
        }
        boolean open = reading && !endOfEpoch;
        return new Outcome(new State(worker.random().state(), pending, alpha, open), words, advanced);
    }

    private void checkFinite(int[] sentence, int length) {
        for (int i = 0; i < length; i++) {
            run.checkFinite(sentence[i]);
        }
    }
}
