package org.seq4j.skipthoughts;

import java.util.Arrays;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.WordVocabulary;

/**
 * A batch of {@code B} sentence triples {@code (s_{i−1}, s_i, s_{i+1})} laid out for a
 * {@link SkipThoughtsModel}: the middle sentences for the encoder, and for each decoder its teacher-forced
 * input and its targets, all padded and time-major (entry {@code t·B + b} is step {@code t} of triple
 * {@code b}).
 *
 * <pre>
 *   encoder   source (T_s·B)             w_1 … w_n of s_i, then &lt;pad&gt;            sourceLengths[b] = n
 *   decoder   input  (T_d·B)             &lt;bos&gt; w_1 … w_m of s_{i±1}, then &lt;pad&gt;   lengths[b] = m + 1
 *             target (T_d·B)             w_1 … w_m &lt;eos&gt;, then IGNORE_INDEX
 *   T_s = max_b sourceLengths[b],  T_d = max_b lengths[b]  (for each decoder)
 * </pre>
 *
 * <p>A batch is a reusable buffer: {@link SentenceTriples#batch} refills one, and keeps the arrays of every
 * length it has seen, so that a training loop that reuses one batch allocates nothing once every length has
 * occurred. {@link #of} builds one from token ids. The model reads the arrays directly; the public accessors
 * return copies.
 */
public final class TripleBatch {

    /** The target of padded decoder steps, ignored by the loss: PyTorch's default {@code ignore_index}. */
    public static final int IGNORE_INDEX = CrossEntropyLoss.DEFAULT_IGNORE_INDEX;

    int batch;
    // the sentence indices of the latest fill, B each (reallocated when B changes)
    int[] previousIndices = new int[0];
    int[] currentIndices = new int[0];
    int[] nextIndices = new int[0];
    final Padded source = new Padded();
    final Padded previous = new Padded();
    final Padded next = new Padded();

    /** Creates an empty batch, to be filled by {@link SentenceTriples#batch}. */
    public TripleBatch() {
    }

    /**
     * Builds a batch from token ids.
     *
     * @param previous   the sentences before, B arrays of word ids (without {@code <bos>}/{@code <eos>}),
     *                   each non-empty; not modified
     * @param current    the encoded sentences, B arrays of word ids, each non-empty; not modified
     * @param next       the sentences after, B arrays of word ids, each non-empty; not modified
     * @param vocabulary the vocabulary the ids come from (its {@code <pad>}, {@code <bos>}, {@code <eos>})
     * @return the batch
     * @throws IllegalArgumentException if the three counts differ or are 0, a sentence is empty, an id is out
     *                                  of range, or the vocabulary lacks one of the special tokens
     */
    public static TripleBatch of(int[][] previous, int[][] current, int[][] next, WordVocabulary vocabulary) {
        if (previous == null || current == null || next == null || vocabulary == null) {
            throw new IllegalArgumentException("the sentences and the vocabulary must not be null");
        }
        if (current.length == 0 || previous.length != current.length || next.length != current.length) {
            throw new IllegalArgumentException("previous, current and next must hold the same number B ≥ 1 of "
                    + "sentences but held " + previous.length + ", " + current.length + " and " + next.length);
        }
        Specials specials = Specials.of(vocabulary);
        int b = current.length;
        int[][] all = new int[3 * b][];
        int[] prevIndex = new int[b];
        int[] curIndex = new int[b];
        int[] nextIndex = new int[b];
        for (int i = 0; i < b; i++) {
            all[i] = check(previous[i], "previous", i, vocabulary.size());
            all[b + i] = check(current[i], "current", i, vocabulary.size());
            all[2 * b + i] = check(next[i], "next", i, vocabulary.size());
            prevIndex[i] = i;
            curIndex[i] = b + i;
            nextIndex[i] = 2 * b + i;
        }
        TripleBatch batch = new TripleBatch();
        batch.fill(all, prevIndex, curIndex, nextIndex, specials);
        return batch;
    }

    private static int[] check(int[] sentence, String name, int i, int vocabularySize) {
        if (sentence == null || sentence.length == 0) {
            throw new IllegalArgumentException(name + "[" + i + "] must be a non-empty sentence");
        }
        for (int t = 0; t < sentence.length; t++) {
            if (sentence[t] < 0 || sentence[t] >= vocabularySize) {
                throw new IllegalArgumentException(name + "[" + i + "][" + t + "] must be a word id in [0, "
                        + vocabularySize + ") but was " + sentence[t]);
            }
        }
        return sentence;
    }

    /** Sizes the index arrays for B triples. */
    void indices(int b) {
        if (currentIndices.length != b) {
            previousIndices = new int[b];
            currentIndices = new int[b];
            nextIndices = new int[b];
        }
    }

    /** Fills the batch with the triples (sentences[prev[b]], sentences[cur[b]], sentences[next[b]]). */
    void fill(int[][] sentences, int[] prev, int[] cur, int[] nextIndices, Specials specials) {
        batch = cur.length;
        source.fillEncoder(sentences, cur, specials.pad);
        previous.fillDecoder(sentences, prev, specials);
        next.fillDecoder(sentences, nextIndices, specials);
    }

    /**
     * The number of triples.
     *
     * @return B
     */
    public int batchSize() {
        return batch;
    }

    /**
     * The encoder's input, time-major and padded with {@code <pad>}.
     *
     * @return a copy, {@code T_s·B} ids
     */
    public int[] sourceTokens() {
        return source.input.clone();
    }

    /**
     * The lengths of the encoded sentences.
     *
     * @return a copy, B lengths
     */
    public int[] sourceLengths() {
        return Arrays.copyOf(source.lengths, batch);
    }

    /**
     * The decoder input for the sentences before: {@code <bos>} and the words, time-major, padded with
     * {@code <pad>}.
     *
     * @return a copy, {@code T_prev·B} ids
     */
    public int[] previousInput() {
        return previous.input.clone();
    }

    /**
     * The decoder targets for the sentences before: the words and {@code <eos>}, time-major, padded with
     * {@link #IGNORE_INDEX}.
     *
     * @return a copy, {@code T_prev·B} ids
     */
    public int[] previousTarget() {
        return previous.target.clone();
    }

    /**
     * The decoder input for the sentences after, as {@link #previousInput()}.
     *
     * @return a copy, {@code T_next·B} ids
     */
    public int[] nextInput() {
        return next.input.clone();
    }

    /**
     * The decoder targets for the sentences after, as {@link #previousTarget()}.
     *
     * @return a copy, {@code T_next·B} ids
     */
    public int[] nextTarget() {
        return next.target.clone();
    }

    /**
     * The number of decoder targets that the loss counts: words and {@code <eos>} of both neighbours.
     *
     * @return {@code Σ_b (lengths of both decoders)}
     */
    public int targetCount() {
        return previous.count + next.count;
    }

    /**
     * Describes the batch.
     *
     * @return e.g. {@code TripleBatch(B=64, T_prev=21, T=17, T_next=30)}
     */
    @Override
    public String toString() {
        return "TripleBatch(B=" + batch + ", T_prev=" + previous.steps + ", T=" + source.steps + ", T_next="
                + next.steps + ")";
    }

    /** The special token ids a batch needs. */
    record Specials(int pad, int bos, int eos) {
        static Specials of(WordVocabulary vocabulary) {
            for (SpecialToken t : new SpecialToken[] {SpecialToken.PAD, SpecialToken.BOS, SpecialToken.EOS}) {
                if (!vocabulary.has(t)) {
                    throw new IllegalArgumentException("the vocabulary must have " + t.text() + " but has only "
                            + vocabulary.specials());
                }
            }
            return new Specials(vocabulary.id(SpecialToken.PAD), vocabulary.id(SpecialToken.BOS),
                    vocabulary.id(SpecialToken.EOS));
        }
    }

    /**
     * One padded, time-major sequence batch, with its arrays kept per step count T (for the batch size they
     * were made for), so that refilling allocates nothing once each T has been seen.
     */
    static final class Padded {
        int steps;
        int count;
        int[] input = new int[0];
        int[] target = new int[0];
        int[] lengths = new int[0];
        /** inputs[T], targets[T]: the arrays of T·B entries, for the batch size poolBatch. */
        private int[][] inputs = new int[0][];
        private int[][] targets = new int[0][];
        private int poolBatch = -1;

        private void prepare(int b, int newSteps, boolean withTargets) {
            if (b != poolBatch) {
                inputs = new int[0][];
                targets = new int[0][];
                poolBatch = b;
                lengths = new int[b];
            }
            if (inputs.length <= newSteps) {
                inputs = Arrays.copyOf(inputs, newSteps + 1);
                targets = Arrays.copyOf(targets, newSteps + 1);
            }
            if (inputs[newSteps] == null) {
                inputs[newSteps] = new int[newSteps * b];
            }
            if (withTargets && targets[newSteps] == null) {
                targets[newSteps] = new int[newSteps * b];
            }
            steps = newSteps;
            input = inputs[newSteps];
            target = withTargets ? targets[newSteps] : null;
        }

        void fillEncoder(int[][] sentences, int[] indices, int pad) {
            int b = indices.length;
            int t = 0;
            for (int i : indices) {
                t = Math.max(t, sentences[i].length);
            }
            prepare(b, t, false);
            Arrays.fill(input, pad);
            count = 0;
            for (int r = 0; r < b; r++) {
                int[] s = sentences[indices[r]];
                lengths[r] = s.length;
                count += s.length;
                for (int k = 0; k < s.length; k++) {
                    input[k * b + r] = s[k];
                }
            }
        }

        void fillDecoder(int[][] sentences, int[] indices, Specials specials) {
            int b = indices.length;
            int t = 0;
            for (int i : indices) {
                t = Math.max(t, sentences[i].length + 1);
            }
            prepare(b, t, true);
            Arrays.fill(input, specials.pad);
            Arrays.fill(target, IGNORE_INDEX);
            count = 0;
            for (int r = 0; r < b; r++) {
                int[] s = sentences[indices[r]];
                int n = s.length + 1;
                lengths[r] = n;
                count += n;
                input[r] = specials.bos;
                for (int k = 0; k < s.length; k++) {
                    input[(k + 1) * b + r] = s[k];
                    target[k * b + r] = s[k];
                }
                target[s.length * b + r] = specials.eos;
            }
        }
    }
}
