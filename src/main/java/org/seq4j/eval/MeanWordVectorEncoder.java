package org.seq4j.eval;

import java.util.Arrays;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.embed.WordVectors;
import org.seq4j.text.Tokenizer;

/**
 * The mean-of-word-vectors baseline: a sentence becomes the average of the word2vec vectors of its words.
 *
 * <pre>
 *   K(s)  = the tokens of tokenize(s) that the vectors know, repeats kept
 *   x(s)  = (1/|K(s)|) Σ_{w ∈ K(s)} v_w          x: (D)   v_w: row of the (V, D) word vectors
 *   x(s)  = 0                                     when K(s) is empty (no known word, or no token)
 * </pre>
 * Words the vectors lack are skipped, so a sentence is the mean of the words it has vectors for; a sentence
 * with none is the zero vector, which a linear classifier maps to its bias alone. Sums run in double.
 *
 * <p>The tokenizer must split sentences the way the vectors' training corpus was split and normalised
 * (the same lower-casing, the same treatment of punctuation), or the lookups miss: for vectors trained by
 * seq4j on text written as {@code String.join(" ", tokenizer.tokenize(line))}, pass that tokenizer.
 * Lookups are exact and case-sensitive ({@link WordVectors#indexOf}). Immutable and safe to share between
 * threads.
 */
public final class MeanWordVectorEncoder implements SentenceEncoder {

    private final WordVectors vectors;
    private final Tokenizer tokenizer;

    /**
     * Creates the encoder.
     *
     * @param vectors   the word vectors, {@code (V, D)}
     * @param tokenizer splits a sentence into the vectors' words
     * @throws IllegalArgumentException if an argument is null
     */
    public MeanWordVectorEncoder(WordVectors vectors, Tokenizer tokenizer) {
        if (vectors == null || tokenizer == null) {
            throw new IllegalArgumentException("vectors and tokenizer must not be null");
        }
        this.vectors = vectors;
        this.tokenizer = tokenizer;
    }

    /**
     * The length of the vectors.
     *
     * @return {@code D}, the word vectors' dimension
     */
    @Override
    public int dimension() {
        return vectors.dimension();
    }

    /**
     * Encodes sentences as the means of their known words' vectors (see the class documentation).
     *
     * @param sentences raw sentences; not modified
     * @param out       {@code (N, D)}, reshaped if needed; overwritten
     * @throws IllegalArgumentException if an argument is null
     */
    @Override
    public void encode(List<String> sentences, FMatrixRMaj out) {
        if (sentences == null || out == null) {
            throw new IllegalArgumentException("sentences and out must not be null");
        }
        int d = dimension();
        out.reshape(sentences.size(), d);
        double[] sum = new double[d];
        for (int n = 0; n < sentences.size(); n++) {
            Arrays.fill(sum, 0.0);
            int known = 0;
            for (String token : tokenizer.tokenize(sentences.get(n))) {
                if (vectors.contains(token)) {
                    float[] v = vectors.vector(token);
                    for (int j = 0; j < d; j++) {
                        sum[j] += v[j];
                    }
                    known++;
                }
            }
            for (int j = 0; j < d; j++) {
                out.data[n * d + j] = known == 0 ? 0f : (float) (sum[j] / known);
            }
        }
    }

    /**
     * The share of the sentences' tokens that have a vector: how much of the text the encoder sees.
     *
     * @param sentences raw sentences; not modified
     * @return known tokens / all tokens, in {@code [0, 1]}; NaN when there is no token
     * @throws IllegalArgumentException if the list is null
     */
    public double coverage(List<String> sentences) {
        if (sentences == null) {
            throw new IllegalArgumentException("sentences must not be null");
        }
        long known = 0;
        long all = 0;
        for (String sentence : sentences) {
            for (String token : tokenizer.tokenize(sentence)) {
                known += vectors.contains(token) ? 1 : 0;
                all++;
            }
        }
        return all == 0 ? Double.NaN : (double) known / all;
    }

    /**
     * Describes the encoder.
     *
     * @return e.g. {@code MeanWordVectorEncoder[V=8012, D=100, WordTokenizer[lower-case]]}
     */
    @Override
    public String toString() {
        return "MeanWordVectorEncoder[V=" + vectors.size() + ", D=" + dimension() + ", " + tokenizer + "]";
    }
}
