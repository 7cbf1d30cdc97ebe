package org.seq4j.seq2seq;

import java.util.List;

/**
 * Greedy decoding: at every step each sentence takes its most probable next token,
 * {@code y_t = argmax_v log p(v | y_<t, x)} (the lowest index on ties), until it writes {@code <eos>} or
 * reaches its {@link MaxLength}. All sentences are rows of one {@link StepDecoder.State} and advance with
 * one {@link StepDecoder#step} per step; a sentence that is done leaves the state. The translation of a
 * sentence does not depend on the other sentences of the batch. Immutable and safe to share; each call
 * starts its own state.
 *
 * <pre>
 *   List&lt;Hypothesis&gt; out = new GreedySearch(MaxLength.DEFAULT, false).decode(model, sources);
 * </pre>
 */
public final class GreedySearch {

    private final MaxLength maxLength;
    private final boolean keepAttention;

    /**
     * Creates the strategy.
     *
     * @param maxLength     the most tokens per sentence ({@code <eos>} included)
     * @param keepAttention whether each hypothesis keeps its attention weights ({@link Hypothesis#attention()},
     *                      for plots); the alignment for {@code <unk>} replacement is kept either way
     * @throws IllegalArgumentException if {@code maxLength} is null
     */
    public GreedySearch(MaxLength maxLength, boolean keepAttention) {
        if (maxLength == null) {
            throw new IllegalArgumentException("maxLength must not be null");
        }
        this.maxLength = maxLength;
        this.keepAttention = keepAttention;
    }

    /**
     * Decodes source sentences.
     *
     * @param model   the model
     * @param sources token indices of each source sentence (source vocabulary), each at least one token long;
     *                not modified
     * @return one hypothesis per sentence, in order; its score is its log-probability
     * @throws IllegalArgumentException if a source is null, empty or holds an index outside the vocabulary
     */
    public List<Hypothesis> decode(StepDecoder model, List<int[]> sources) {
        return Decoding.oneRowPerSentence(model, sources, maxLength, keepAttention, Decoding::argmax);
    }

    /**
     * Describes the strategy.
     *
     * @return e.g. {@code GreedySearch[MaxLength[perSourceToken=2.0, extra=5]]}
     */
    @Override
    public String toString() {
        return "GreedySearch[" + maxLength + (keepAttention ? ", keeps attention" : "") + "]";
    }
}
