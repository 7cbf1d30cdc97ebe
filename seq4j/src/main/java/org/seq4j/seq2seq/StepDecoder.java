package org.seq4j.seq2seq;

import java.util.List;
import java.util.Optional;
import org.ejml.data.FMatrixRMaj;

/**
 * What a decoding strategy (greedy search, beam search, sampling) needs from a model that writes a target
 * sequence one token at a time, conditioned on source sentences — and nothing else.
 *
 * <h2>Rows</h2>
 * A {@link State} holds {@code R} rows; each row is one partial target sequence of one source sentence.
 * {@link #start} gives one row per source sentence. {@link #step} advances every row by one token and
 * writes the log-probabilities of the next token. {@link #select} rearranges the rows: beam search keeps
 * the {@code k} best continuations of each sentence, so a row may be repeated, and finished rows dropped.
 *
 * <pre>
 *   State s = model.start(sources);                       // R = sources.size()
 *   int[] previous = {bos, bos, …};                       // R tokens
 *   model.step(s, previous, logProbs);                    // logProbs: (R, V), log p(y_t | y_&lt;t, source)
 *   model.select(s, rows);                                // new row i = old row rows[i]; R = rows.length
 * </pre>
 *
 * <p>A state belongs to the model that started it; passing it to another model throws
 * {@link IllegalArgumentException}. Decoding does not train: implementations run without dropout and keep
 * nothing for a backward pass.
 */
public interface StepDecoder {

    /** The rows being decoded; opaque to the decoding strategies. */
    interface State {

        /**
         * The number of rows.
         *
         * @return {@code R}, at least 0
         */
        int rows();

        /**
         * Which source sentence a row decodes: the index into the list given to {@link #start}.
         *
         * @param row a row in {@code [0, R)}
         * @return the index of its source sentence
         */
        int sourceIndex(int row);
    }

    /**
     * The size of the target vocabulary: the number of columns of the log-probabilities.
     *
     * @return {@code V}
     */
    int targetVocabularySize();

    /**
     * The token that starts every target sequence ({@code <bos>}), fed at the first step.
     *
     * @return its index in the target vocabulary
     */
    int bosIndex();

    /**
     * The token that ends a target sequence ({@code <eos>}).
     *
     * @return its index in the target vocabulary
     */
    int eosIndex();

    /**
     * Encodes source sentences and returns a state with one row per sentence, before any target token.
     *
     * @param sources token indices of each source sentence (source vocabulary, no {@code <bos>} or
     *                {@code <eos>}), each at least one token long; not modified
     * @return a new state with {@code sources.size()} rows; row {@code i} decodes sentence {@code i}
     * @throws IllegalArgumentException if a sentence is empty or holds an index outside the vocabulary
     */
    State start(List<int[]> sources);

    /**
     * Feeds one token to every row, advances the rows by one step, and writes the log-probabilities of
     * each row's next token.
     *
     * @param state            the rows; modified (advanced by one step)
     * @param previous         {@code R} tokens, {@code previous[r]} fed to row {@code r}; not modified
     * @param logProbabilities {@code (R, V)} output, reshaped if needed; row {@code r} holds
     *                         {@code log p(y | row r so far)}, each row's exponentials summing to 1
     * @throws IllegalArgumentException if the state belongs to another model, or {@code previous.length}
     *                                  is not {@code R}, or a token is outside the target vocabulary
     */
    void step(State state, int[] previous, FMatrixRMaj logProbabilities);

    /**
     * Rearranges the rows: new row {@code i} becomes a copy of old row {@code rows[i]} (its recurrent state,
     * its source sentence and anything the model keeps per row). Rows may repeat; rows not listed are
     * dropped.
     *
     * @param state the rows; modified
     * @param rows  indices of old rows, each in {@code [0, R)}; its length is the new {@code R} (may be 0);
     *              not modified
     * @throws IllegalArgumentException if the state belongs to another model or an index is out of range
     */
    void select(State state, int[] rows);

    /**
     * The attention weights of the last {@link #step}, for {@code <unk>} replacement and attention plots.
     *
     * @param state the rows; not modified
     * @return {@code (R, S)} weights over source positions, {@code S} the longest source of the batch; row
     *         {@code r} sums to 1 over its own sentence's positions and is 0 beyond them. Empty when
     *         the model has no attention or no step has run yet. A view owned by the state: valid until
     *         the next {@code step} or {@code select}.
     */
    Optional<FMatrixRMaj> lastAttention(State state);
}
