package org.seq4j.eval;

import java.util.Arrays;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.Tokenizer;
import org.seq4j.text.WordVocabulary;

/**
 * The bag-of-words baseline as a {@link SentenceEncoder}: a sentence becomes the vector of its unigram
 * counts over a vocabulary ({@link BagOfWords}), word order forgotten.
 *
 * <pre>
 *   x(n, j) = #{t : id(tokenize(s_n)[t]) = j}        x: (N, V)
 * </pre>
 * A word the vocabulary does not hold counts as {@code <unk>} when the vocabulary has that token (the
 * vocabularies of {@link #fit} and {@link #fitter} have it, as id 0), otherwise it is skipped; a sentence
 * without a token is the zero vector. The vectors are sparse counts: {@link LogisticRegression} trains on
 * them in compressed rows.
 *
 * <p>Cross-validate it through {@link #fitter}, so that every training part builds its own vocabulary and the
 * words of a test fold never get a column (they count as {@code <unk>}, as words unseen in training would).
 * Immutable and safe to share between threads.
 */
public final class BagOfWordsEncoder implements SentenceEncoder {

    private final Tokenizer tokenizer;
    private final WordVocabulary vocabulary;
    private final BagOfWords bagOfWords;
    private final int unk;   // id of <unk>, or -1

    /**
     * Creates the encoder of a given vocabulary.
     *
     * @param tokenizer  splits a sentence into the vocabulary's words
     * @param vocabulary the words, one column each (special tokens included)
     * @throws IllegalArgumentException if an argument is null
     */
    public BagOfWordsEncoder(Tokenizer tokenizer, WordVocabulary vocabulary) {
        if (tokenizer == null || vocabulary == null) {
            throw new IllegalArgumentException("tokenizer and vocabulary must not be null");
        }
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.bagOfWords = new BagOfWords(vocabulary);
        this.unk = vocabulary.has(SpecialToken.UNK) ? vocabulary.id(SpecialToken.UNK) : -1;
    }

    /**
     * Builds the vocabulary of training sentences and the encoder over it: {@code <unk>} (id 0), then every
     * word seen at least {@code minCount} times, most frequent first.
     *
     * @param tokenizer the tokenizer
     * @param sentences the training sentences; not modified
     * @param minCount  at least 1
     * @return the encoder
     * @throws IllegalArgumentException if an argument is null or {@code minCount < 1}
     */
    public static BagOfWordsEncoder fit(Tokenizer tokenizer, List<String> sentences, int minCount) {
        if (tokenizer == null || sentences == null) {
            throw new IllegalArgumentException("tokenizer and sentences must not be null");
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be at least 1 but was " + minCount);
        }
        WordVocabulary.Builder builder = WordVocabulary.builder().specials(SpecialToken.UNK).minCount(minCount);
        for (String sentence : sentences) {
            builder.addAll(tokenizer.tokenize(sentence));
        }
        return new BagOfWordsEncoder(tokenizer, builder.build());
    }

    /**
     * The fitter that builds the vocabulary of each training part ({@link #fit}), for
     * {@link CrossValidation#run(SentenceEncoderFitter, List, int[], int)}.
     *
     * @param tokenizer the tokenizer
     * @param minCount  at least 1
     * @return the fitter
     * @throws IllegalArgumentException if the tokenizer is null or {@code minCount < 1}
     */
    public static SentenceEncoderFitter fitter(Tokenizer tokenizer, int minCount) {
        if (tokenizer == null) {
            throw new IllegalArgumentException("tokenizer must not be null");
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be at least 1 but was " + minCount);
        }
        return sentences -> fit(tokenizer, sentences, minCount);
    }

    /**
     * The vocabulary whose ids are the columns.
     *
     * @return the vocabulary
     */
    public WordVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The number of columns.
     *
     * @return {@code V}, the vocabulary size
     */
    @Override
    public int dimension() {
        return vocabulary.size();
    }

    /**
     * Encodes sentences as unigram counts.
     *
     * @param sentences raw sentences; not modified
     * @param out       {@code (N, V)}, reshaped if needed; overwritten with the counts
     * @throws IllegalArgumentException if an argument is null
     */
    @Override
    public void encode(List<String> sentences, FMatrixRMaj out) {
        if (sentences == null || out == null) {
            throw new IllegalArgumentException("sentences and out must not be null");
        }
        int[][] ids = new int[sentences.size()][];
        for (int n = 0; n < ids.length; n++) {
            List<String> tokens = tokenizer.tokenize(sentences.get(n));
            int[] row = new int[tokens.size()];
            int length = 0;
            for (String token : tokens) {
                int id = vocabulary.indexOf(token);
                id = id >= 0 ? id : unk;
                if (id >= 0) {
                    row[length++] = id;
                }
            }
            ids[n] = length == row.length ? row : Arrays.copyOf(row, length);
        }
        out.reshape(ids.length, dimension());
        bagOfWords.features(ids, out);
    }

    /**
     * Describes the encoder.
     *
     * @return e.g. {@code BagOfWordsEncoder[V=3512, WordTokenizer[lower-case]]}
     */
    @Override
    public String toString() {
        return "BagOfWordsEncoder[V=" + dimension() + ", " + tokenizer + "]";
    }
}
