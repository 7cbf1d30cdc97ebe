package org.seq4j.eval;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.embed.Word2VecConfig;
import org.seq4j.embed.Word2VecTrainer;
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
 * seq4j on text written as {@code String.join(" ", tokenizer.tokenize(line))}, pass that tokenizer;
 * {@link #train} does exactly that.
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
     * Trains word2vec on sentences and returns the encoder over the vectors: each sentence is tokenized,
     * written as one line of its tokens joined by single spaces to a temporary corpus file (deleted
     * afterwards), and {@link Word2VecTrainer} learns from that file, so the encoder's tokenisation is the
     * corpus's by construction. With {@code config.threads() == 1} the vectors, and so the encoder, depend
     * only on the sentences and the config (several threads train lock-free and are not reproducible).
     *
     * @param sentences the training sentences, raw; not modified
     * @param tokenizer splits them into words, for training and for encoding
     * @param config    word2vec's settings (its {@code minCount} decides which words get a vector)
     * @return the encoder
     * @throws IOException              if the temporary corpus cannot be written or read
     * @throws IllegalArgumentException if an argument is null or no word reaches the config's minimum count
     */
    public static MeanWordVectorEncoder train(List<String> sentences, Tokenizer tokenizer, Word2VecConfig config)
            throws IOException {
        if (sentences == null || tokenizer == null || config == null) {
            throw new IllegalArgumentException("sentences, tokenizer and config must not be null");
        }
        Path corpus = Files.createTempFile("seq4j-sentences", ".txt");
        try {
            try (BufferedWriter out = Files.newBufferedWriter(corpus, StandardCharsets.UTF_8)) {
                for (String sentence : sentences) {
                    out.write(String.join(" ", tokenizer.tokenize(sentence)));
                    out.write('\n');
                }
            }
            WordVectors vectors = new Word2VecTrainer(config).train(List.of(corpus)).wordVectors();
            return new MeanWordVectorEncoder(vectors, tokenizer);
        } finally {
            Files.deleteIfExists(corpus);
        }
    }

    /**
     * The fitter that trains word2vec on each training part ({@link #train}), for a cross-validation in
     * which not even the unlabelled text of a test fold shapes the vectors.
     *
     * @param tokenizer splits sentences into words
     * @param config    word2vec's settings; {@code threads(1)} for reproducible results
     * @return the fitter; an {@link IOException} of a fit is rethrown as {@link UncheckedIOException}
     * @throws IllegalArgumentException if an argument is null
     */
    public static SentenceEncoderFitter fitter(Tokenizer tokenizer, Word2VecConfig config) {
        if (tokenizer == null || config == null) {
            throw new IllegalArgumentException("tokenizer and config must not be null");
        }
        return sentences -> {
            try {
                return train(sentences, tokenizer, config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /**
     * The word vectors averaged.
     *
     * @return the vectors
     */
    public WordVectors vectors() {
        return vectors;
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
