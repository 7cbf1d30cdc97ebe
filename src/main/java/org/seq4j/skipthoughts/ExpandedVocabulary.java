package org.seq4j.skipthoughts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.text.WordVocabulary;

/**
 * Word vectors in a model's embedding space for words beyond its vocabulary: the vocabulary expansion of
 * Skip-Thoughts (Kiros et al., 2015, section 2.2). A linear map fitted from a word2vec space to the
 * encoder's embedding space on the words both know sends every word2vec word into the embedding space;
 * this class holds the results, one row per word, for {@link SkipThoughtsModel#expandedEncoder}.
 *
 * <pre>
 *   words    N distinct words
 *   vectors  (N, E)   row n: the embedding-space vector of words[n]
 * </pre>
 * Immutable (the words and the vectors are copied); safe to share between threads.
 */
public final class ExpandedVocabulary {

    private final Map<String, Integer> rows;
    private final FMatrixRMaj vectors;

    /**
     * Creates the table.
     *
     * @param words   N distinct, non-empty words; not modified (copied)
     * @param vectors (N, E) their vectors, finite; not modified (copied)
     * @throws IllegalArgumentException if the counts differ, a word is empty or repeated, or a value is not
     *                                  finite
     */
    public ExpandedVocabulary(List<String> words, FMatrixRMaj vectors) {
        if (words == null || vectors == null) {
            throw new IllegalArgumentException("words and vectors must not be null");
        }
        if (vectors.numRows != words.size() || vectors.numCols < 1) {
            throw new IllegalArgumentException("vectors must be (N, E) with N = " + words.size()
                    + " words and E ≥ 1 but was (" + vectors.numRows + ", " + vectors.numCols + ")");
        }
        this.rows = new HashMap<>(words.size() * 2);
        for (int n = 0; n < words.size(); n++) {
            String w = words.get(n);
            if (w == null || w.isEmpty()) {
                throw new IllegalArgumentException("words[" + n + "] must be a non-empty word");
            }
            if (rows.put(w, n) != null) {
                throw new IllegalArgumentException("words[" + n + "] '" + w + "' appears twice");
            }
        }
        for (int i = 0; i < vectors.getNumElements(); i++) {
            if (!Float.isFinite(vectors.data[i])) {
                throw new IllegalArgumentException("vectors must be finite but entry (" + i / vectors.numCols + ", "
                        + i % vectors.numCols + ") was " + vectors.data[i]);
            }
        }
        this.vectors = vectors.copy();
    }

    /**
     * The number of words.
     *
     * @return N
     */
    public int size() {
        return rows.size();
    }

    /**
     * The vector size.
     *
     * @return E
     */
    public int dimension() {
        return vectors.numCols;
    }

    /**
     * Tells whether the table has a word.
     *
     * @param word a word
     * @return true if it has a vector here
     */
    public boolean contains(String word) {
        return rows.containsKey(word);
    }

    /**
     * The row of a word.
     *
     * @param word a word
     * @return its row in {@code [0, N)}, or −1 if the table lacks it
     */
    int row(String word) {
        Integer r = rows.get(word);
        return r == null ? -1 : r;
    }

    /** The vectors, (N, E); not to be modified. */
    FMatrixRMaj vectors() {
        return vectors;
    }

    /**
     * The number of distinct words an encoder with this table reads as themselves rather than as
     * {@code <unk>}: the vocabulary's words (special tokens left out) and this table's other words.
     *
     * @param vocabulary the model's vocabulary
     * @return the count
     */
    public int encodableWords(WordVocabulary vocabulary) {
        int count = vocabulary.size() - vocabulary.specials().size();
        for (String w : rows.keySet()) {
            if (!vocabulary.contains(w)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Describes the table.
     *
     * @return e.g. {@code ExpandedVocabulary(N=71290, E=64)}
     */
    @Override
    public String toString() {
        return "ExpandedVocabulary(N=" + size() + ", E=" + dimension() + ")";
    }
}
