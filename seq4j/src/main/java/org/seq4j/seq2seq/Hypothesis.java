package org.seq4j.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.Vocabulary;

/**
 * One output of a decoding strategy for one source sentence: the target tokens it wrote, its scores and,
 * when the model attends, where it looked. Immutable.
 *
 * <pre>
 *   tokens        y_1 … y_n           written tokens, without {@code <bos>} and without {@code <eos>}
 *   steps         n + 1 if finished (the step that wrote {@code <eos>}), else n
 *   logProbability  Σ_{t ≤ steps} log p(y_t | y_&lt;t, x)         {@code <eos>} included when finished
 *   score         logProbability / steps^α   (beam search; α = 0 for greedy search and sampling)
 *   alignment     (steps)       argmax_j a_t(j): the source position attended most at each step
 *   attention     (steps, S)    the weights a_t(j) over the S positions of this hypothesis' source
 * </pre>
 */
public final class Hypothesis {

    private final int sourceIndex;
    private final int sourceLength;
    private final int[] tokens;
    private final boolean finished;
    private final double logProbability;
    private final double score;
    private final int[] alignment;          // (steps), or empty without attention
    private final FMatrixRMaj attention;    // (steps, S), or null when not kept

    private Hypothesis(int sourceIndex, int sourceLength, int[] tokens, boolean finished, double logProbability,
                       double score, int[] alignment, FMatrixRMaj attention) {
        this.sourceIndex = sourceIndex;
        this.sourceLength = sourceLength;
        this.tokens = tokens;
        this.finished = finished;
        this.logProbability = logProbability;
        this.score = score;
        this.alignment = alignment;
        this.attention = attention;
    }

    /**
     * Collects a trail of written tokens: the last is {@code <eos>} exactly when {@code finished}.
     *
     * @param trail the last written token (never null: every hypothesis writes at least one)
     */
    static Hypothesis of(int sourceIndex, int sourceLength, Trail trail, boolean finished, double logProbability,
                         double score) {
        int steps = trail.length;
        int[] written = new int[steps];
        int[] aligned = new int[steps];
        boolean attends = true;
        boolean kept = true;
        for (Trail t = trail; t != null; t = t.parent) {
            written[t.length - 1] = t.token;
            aligned[t.length - 1] = t.alignment;
            attends &= t.alignment >= 0;
            kept &= t.attention != null;
        }
        FMatrixRMaj weights = null;
        if (kept) {
            weights = new FMatrixRMaj(steps, sourceLength);
            for (Trail t = trail; t != null; t = t.parent) {
                System.arraycopy(t.attention, 0, weights.data, (t.length - 1) * sourceLength, sourceLength);
            }
        }
        int[] tokens = Arrays.copyOf(written, finished ? steps - 1 : steps);
        return new Hypothesis(sourceIndex, sourceLength, tokens, finished, logProbability, score,
                attends ? aligned : new int[0], weights);
    }

    /**
     * Which source sentence this translates: its index in the list given to the decoder.
     *
     * @return the index
     */
    public int sourceIndex() {
        return sourceIndex;
    }

    /**
     * The written target tokens, without {@code <bos>} and {@code <eos>}.
     *
     * @return a new array of target vocabulary indices (may be empty: {@code <eos>} first)
     */
    public int[] tokens() {
        return tokens.clone();
    }

    /**
     * The number of written tokens without {@code <eos>}.
     *
     * @return {@code n}
     */
    public int length() {
        return tokens.length;
    }

    /**
     * Whether the hypothesis ended with {@code <eos>}, rather than at the maximum length (or, in beam
     * search, as one of the live hypotheses when the search stopped).
     *
     * @return true if {@code <eos>} was written
     */
    public boolean finished() {
        return finished;
    }

    /**
     * The number of decoding steps: the written tokens, and {@code <eos>} when finished. The length of
     * beam search's normalisation.
     *
     * @return {@code n + 1} if finished, else {@code n}
     */
    public int steps() {
        return finished ? tokens.length + 1 : tokens.length;
    }

    /**
     * The model's log-probability of the written tokens ({@code <eos>} included when finished), at
     * temperature 1 whatever the temperature of sampling.
     *
     * @return {@code Σ_t log p(y_t | y_<t, x)}, at most 0
     */
    public double logProbability() {
        return logProbability;
    }

    /**
     * The score the strategy ranked this hypothesis by: beam search's length-normalised
     * {@code logProbability / steps^α}; the log-probability itself for greedy search and sampling.
     *
     * @return the score
     */
    public double score() {
        return score;
    }

    /**
     * The source position attended most at each step: {@code argmax_j a_t(j)} (the first on ties).
     *
     * @return a new array of {@link #steps()} positions in {@code [0, S)}, or an empty array when the model
     *         has no attention
     */
    public int[] alignment() {
        return alignment.clone();
    }

    /**
     * The attention weights of every step, when the decoder was asked to keep them.
     *
     * @return a new {@code (steps, S)} matrix, {@code S} the length of this hypothesis' source, row {@code t}
     *         the weights of step {@code t} (the last row is the step of {@code <eos>} when finished); empty
     *         when not kept or the model has no attention
     */
    public Optional<FMatrixRMaj> attention() {
        return attention == null ? Optional.empty() : Optional.of(attention.copy());
    }

    /**
     * The written tokens as text.
     *
     * @param target the target vocabulary the model writes
     * @return the tokens' texts, in order
     * @throws IllegalArgumentException if a token is outside the vocabulary
     */
    public List<String> words(Vocabulary target) {
        List<String> words = new ArrayList<>(tokens.length);
        for (int token : tokens) {
            words.add(target.token(token));
        }
        return words;
    }

    /**
     * The written tokens as text, each {@code <unk>} replaced by the source word attended most at its step
     * (Luong et al. 2015, "Addressing the rare word problem", with the attention as the alignment). Without
     * attention (an empty {@link #alignment()}) or without {@code <unk>} in the vocabulary, the same as
     * {@link #words(Vocabulary)}.
     *
     * @param target      the target vocabulary the model writes
     * @param sourceWords the words of the source sentence, one per source token (the model's input
     *                    positions); not modified
     * @return the tokens' texts with {@code <unk>} replaced
     * @throws IllegalArgumentException if {@code sourceWords} does not have one word per source position
     */
    public List<String> words(Vocabulary target, List<String> sourceWords) {
        if (sourceWords.size() != sourceLength) {
            throw new IllegalArgumentException("sourceWords must hold one word per source position, "
                    + sourceLength + ", but held " + sourceWords.size());
        }
        List<String> words = words(target);
        if (alignment.length == 0 || !target.has(SpecialToken.UNK)) {
            return words;
        }
        int unknown = target.id(SpecialToken.UNK);
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] == unknown) {
                words.set(t, sourceWords.get(alignment[t]));
            }
        }
        return words;
    }

    /**
     * Describes the hypothesis.
     *
     * @return e.g. {@code Hypothesis[source 3, tokens [5, 9, 4], finished, logP -2.3100, score -0.5775]}
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Hypothesis[source %d, tokens %s, %s, logP %.4f, score %.4f]",
                sourceIndex, Arrays.toString(tokens), finished ? "finished" : "unfinished", logProbability, score);
    }
}
