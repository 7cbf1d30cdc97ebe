package org.seq4j.eval;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;
import org.seq4j.text.Vocabulary;

/**
 * Bag-of-words features: each token sequence becomes the vector of its unigram counts over a vocabulary,
 * one column per id, word order forgotten. With a {@link LogisticRegression} on top, the classic baseline
 * of text classification.
 *
 * <pre>
 *   x(n, j) = #{t : s_n[t] = j}                  counts          x: (N, V)
 *   x(n, j) = 1 if s_n holds j, else 0           binary (presence)
 * </pre>
 * Every id of the vocabulary is a column, the special tokens included ({@code <unk>} counts the words the
 * vocabulary does not hold, itself a useful feature; {@code <pad>} stays 0 for sequences that hold no
 * padding). The matrix is dense, {@code N·V} floats: keep {@code V} to a few thousand (a vocabulary's
 * {@code minCount} or {@code maxSize}) for tens of thousands of examples. Immutable.
 */
public final class BagOfWords {

    private final Vocabulary vocabulary;
    private final boolean binary;

    /**
     * Creates the count featurizer.
     *
     * @param vocabulary the vocabulary whose ids the sequences hold
     * @throws IllegalArgumentException if the vocabulary is null
     */
    public BagOfWords(Vocabulary vocabulary) {
        this(vocabulary, false);
    }

    /**
     * Creates a featurizer.
     *
     * @param vocabulary the vocabulary whose ids the sequences hold
     * @param binary     true for presence (0 or 1) instead of counts
     * @throws IllegalArgumentException if the vocabulary is null
     */
    public BagOfWords(Vocabulary vocabulary, boolean binary) {
        if (vocabulary == null) {
            throw new IllegalArgumentException("vocabulary must not be null");
        }
        this.vocabulary = vocabulary;
        this.binary = binary;
    }

    /**
     * The number of features.
     *
     * @return {@code V}, the vocabulary size
     */
    public int numFeatures() {
        return vocabulary.size();
    }

    /**
     * What a column counts.
     *
     * @param j a column in {@code [0, V)}
     * @return the token of id {@code j}
     * @throws IllegalArgumentException if {@code j} is out of range
     */
    public String featureName(int j) {
        return vocabulary.token(j);
    }

    /**
     * Tells whether the features are presence flags rather than counts.
     *
     * @return true for binary features
     */
    public boolean binary() {
        return binary;
    }

    /**
     * The features of sequences, in a new matrix.
     *
     * @param sequences N token-id sequences, each id in {@code [0, V)}; not modified
     * @return a new {@code (N, V)} matrix
     * @throws IllegalArgumentException if a sequence is null or an id is out of range
     */
    public FMatrixRMaj features(int[][] sequences) {
        if (sequences == null) {
            throw new IllegalArgumentException("sequences must not be null");
        }
        FMatrixRMaj x = new FMatrixRMaj(sequences.length, numFeatures());
        features(sequences, x);
        return x;
    }

    /**
     * The features of sequences, written into a caller-supplied matrix.
     *
     * @param sequences N token-id sequences, each id in {@code [0, V)}; not modified
     * @param out       (N, V); overwritten
     * @throws IllegalArgumentException if {@code out} is not {@code (N, V)}, a sequence is null or an id is out
     *                                  of range
     */
    public void features(int[][] sequences, FMatrixRMaj out) {
        if (sequences == null) {
            throw new IllegalArgumentException("sequences must not be null");
        }
        int v = numFeatures();
        Tensors.checkShape(out, sequences.length, v, "out");
        Arrays.fill(out.data, 0, out.getNumElements(), 0f);
        for (int n = 0; n < sequences.length; n++) {
            int[] s = sequences[n];
            if (s == null) {
                throw new IllegalArgumentException("sequence " + n + " is null");
            }
            int row = n * v;
            for (int t = 0; t < s.length; t++) {
                int id = s[t];
                if (id < 0 || id >= v) {
                    throw new IllegalArgumentException("sequence " + n + " holds id " + id + " at position " + t
                            + ", outside the vocabulary's [0, " + v + ")");
                }
                out.data[row + id] = binary ? 1f : out.data[row + id] + 1f;
            }
        }
    }

    /**
     * Describes the featurizer.
     *
     * @return e.g. {@code BagOfWords[V=3512, counts]}
     */
    @Override
    public String toString() {
        return "BagOfWords[V=" + numFeatures() + ", " + (binary ? "binary" : "counts") + "]";
    }
}
