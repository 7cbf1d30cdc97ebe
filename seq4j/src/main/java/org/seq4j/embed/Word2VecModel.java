package org.seq4j.embed;

import java.util.Objects;
import org.seq4j.random.Word2VecRandom;

/**
 * A word2vec model: its vocabulary, its input vectors ({@code syn0}, the word vectors) and its output
 * tables, as produced by {@link Word2VecTrainer}.
 *
 * <p>The tables are arrays of rows, {@code float[V][E]} (see the package documentation). The model hands
 * out its word vectors through {@link #wordVectors()}; the output tables stay internal.
 */
public final class Word2VecModel {

    private final Word2VecConfig config;
    private final Word2VecVocabulary vocabulary;
    private final float[][] syn0;        // (V, E) input vectors
    private final float[][] syn1neg;     // (V, E) negative sampling output, or (0, 0)
    private final float[][] syn1;        // (V-1, E) hierarchical softmax inner nodes, or (0, 0)
    private final float[][] softmaxOut;  // (V, E) full softmax output, or (0, 0)
    private final HuffmanTree tree;      // or null
    private final long trainedWords;
    private final double trainingSeconds;

    private Word2VecModel(Word2VecConfig config, Word2VecVocabulary vocabulary, float[][] syn0, float[][] syn1neg,
                          float[][] syn1, float[][] softmaxOut, HuffmanTree tree, long trainedWords,
                          double trainingSeconds) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.syn0 = syn0;
        this.syn1neg = syn1neg;
        this.syn1 = syn1;
        this.softmaxOut = softmaxOut;
        this.tree = tree;
        this.trainedWords = trainedWords;
        this.trainingSeconds = trainingSeconds;
    }

    /**
     * Creates an untrained model: input vectors uniform in {@code [-0.5/E, 0.5/E)} drawn with
     * word2vec.c's generator started at the configuration's seed (so seed 1 gives word2vec.c's exact
     * initial vectors), output tables zero.
     */
    static Word2VecModel initialise(Word2VecConfig config, Word2VecVocabulary vocabulary) {
        Objects.requireNonNull(config, "config");
        int v = vocabulary.size();
        int e = config.vectorSize();
        long cells = (long) v * e;
        if (cells > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("V·E must fit a Java array but was " + v + "·" + e + " = " + cells);
        }
        float[][] syn0 = new float[v][e];
        Word2VecRandom random = new Word2VecRandom(config.seed());
        for (float[] row : syn0) {
            for (int i = 0; i < e; i++) {
                row[i] = (random.nextFraction() - 0.5f) / e;
            }
        }
        HuffmanTree tree = null;
        float[][] syn1 = new float[0][0];
        if (config.hierarchicalSoftmax()) {
            tree = new HuffmanTree(Word2VecTrainer.Run.counts(vocabulary));
            syn1 = new float[v - 1][e];
        }
        float[][] syn1neg = config.negative() > 0 ? new float[v][e] : new float[0][0];
        float[][] softmaxOut = config.fullSoftmax() ? new float[v][e] : new float[0][0];
        return new Word2VecModel(config, vocabulary, syn0, syn1neg, syn1, softmaxOut, tree, 0, 0);
    }

    /**
     * A model over tables given by the caller (trained in place), for {@link Word2VecPartitionTrainer}; the
     * shapes are checked there. No full softmax table.
     */
    static Word2VecModel over(Word2VecConfig config, Word2VecVocabulary vocabulary, float[][] syn0,
                              float[][] syn1neg, float[][] syn1) {
        HuffmanTree tree = config.hierarchicalSoftmax() ? new HuffmanTree(Word2VecTrainer.Run.counts(vocabulary)) : null;
        return new Word2VecModel(config, vocabulary, syn0, syn1neg, syn1, new float[0][0], tree, 0, 0);
    }

    Word2VecModel withTraining(long words, double seconds) {
        return new Word2VecModel(config, vocabulary, syn0, syn1neg, syn1, softmaxOut, tree, words, seconds);
    }

    /**
     * Returns the settings the model was trained with.
     *
     * @return the configuration
     */
    public Word2VecConfig config() {
        return config;
    }

    /**
     * Returns the vocabulary, in the order of the vector rows.
     *
     * @return the vocabulary
     */
    public Word2VecVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * Returns the word vectors (the input vectors {@code syn0}), in vocabulary order, most frequent first.
     *
     * @return new word vectors holding a copy of the input table
     */
    public WordVectors wordVectors() {
        int e = config.vectorSize();
        float[] table = new float[syn0.length * e];
        for (int w = 0; w < syn0.length; w++) {
            System.arraycopy(syn0[w], 0, table, w * e, e);
        }
        return new WordVectors(vocabulary.words(), table, e);
    }

    /**
     * Returns the number of corpus words trained on: the vocabulary's total count times the epochs
     * (before subsampling), as word2vec.c and gensim count them.
     *
     * @return the words processed, or 0 for an untrained model
     */
    public long trainedWords() {
        return trainedWords;
    }

    /**
     * Returns the wall time of training, from the start of training to the end of the last epoch.
     *
     * @return seconds, or 0 for an untrained model
     */
    public double trainingSeconds() {
        return trainingSeconds;
    }

    float[][] syn0() {
        return syn0;
    }

    float[][] syn1neg() {
        return syn1neg;
    }

    float[][] syn1() {
        return syn1;
    }

    float[][] softmaxOut() {
        return softmaxOut;
    }

    HuffmanTree tree() {
        return tree;
    }
}
