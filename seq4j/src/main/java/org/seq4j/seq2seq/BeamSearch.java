package org.seq4j.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * Beam search with length normalisation, batched over sentences: the live hypotheses of all sentences are
 * the rows of one {@link StepDecoder.State} and advance together with one {@link StepDecoder#step} per
 * step; {@link StepDecoder#select} then keeps, repeats or drops rows.
 *
 * <p>Per sentence the search follows the PyTorch peer's {@code beam} ({@code torch_seq2seq.py}, one
 * sentence at a time there), so that the two give the same translations of the same model:
 * <pre>
 *   live = [(0, &lt;bos&gt;)], finished = []
 *   repeat at most maxLength times:
 *     each live hypothesis h proposes its k best next tokens v: (score(h) + log p(v | h, x), h v)
 *     walk the k·|live| candidates by descending score (ties: earlier live hypothesis, then lower v):
 *       ends with &lt;eos&gt; → finished gets it with the normalised score  score / steps^α
 *       else            → next live
 *       stop the walk when next live holds k
 *     live = next live
 *     stop if |finished| ≥ k or live is empty
 *   finished gets every live hypothesis, normalised by its own length
 *   n-best = finished by descending normalised score (ties: in the order they finished)
 * </pre>
 * {@code steps} counts the written tokens with {@code <eos>} ({@link Hypothesis#steps()}), as the peer's
 * {@code len(toks) − 1}. Candidates that end with {@code <eos>} do not use up the beam, so more than
 * {@code k} hypotheses may finish, and an {@code <eos>} candidate ranked after the {@code k}-th live
 * one is dropped. With {@code k = 1} the search is {@link GreedySearch}. Scores are summed in double
 * precision from the model's float log-probabilities.
 *
 * <p>Immutable and safe to share; each call starts its own state.
 */
public final class BeamSearch {

    private final int beamSize;
    private final double alpha;
    private final int nBest;
    private final MaxLength maxLength;
    private final boolean keepAttention;

    private BeamSearch(Builder b) {
        this.beamSize = b.beamSize;
        this.alpha = b.alpha;
        this.nBest = b.nBest;
        this.maxLength = b.maxLength;
        this.keepAttention = b.keepAttention;
    }

    /**
     * Starts a configuration.
     *
     * @return a builder with beam size 5, α = 1, one best hypothesis per sentence, {@link MaxLength#DEFAULT},
     *         attention not kept
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The beam size {@code k}.
     *
     * @return k
     */
    public int beamSize() {
        return beamSize;
    }

    /**
     * The exponent of the length normalisation.
     *
     * @return α
     */
    public double alpha() {
        return alpha;
    }

    /**
     * How many hypotheses {@link #decode} returns per sentence, at most.
     *
     * @return the n of the n-best lists
     */
    public int nBest() {
        return nBest;
    }

    /** A live hypothesis: its summed log-probability, its tokens, and its row in the state. */
    private record Live(double logProbability, Trail trail, int row) {
    }

    /** A continuation proposed by a live hypothesis. */
    private record Candidate(double logProbability, int token, int live) {
    }

    /**
     * The candidates of one sentence at one step, kept in descending order of log-probability as they are
     * added (insertion: a candidate goes after every one with an equal value, so ties stay in the order
     * they came, as a stable sort would leave them). At most k·k of them: a small array beats a sort.
     */
    private static final class Candidates {
        private final Candidate[] sorted;
        int size;

        Candidates(int capacity) {
            sorted = new Candidate[capacity];
        }

        void clear() {
            size = 0;
        }

        void add(double logProbability, int token, int live) {
            int at = size++;
            while (at > 0 && logProbability > sorted[at - 1].logProbability()) {
                sorted[at] = sorted[at - 1];
                at--;
            }
            sorted[at] = new Candidate(logProbability, token, live);
        }

        Candidate get(int i) {
            return sorted[i];
        }
    }

    /** A finished (or, at the end, left-over live) hypothesis with its normalised score. */
    private record Done(double score, double logProbability, Trail trail, boolean finished) {
    }

    /** The search of one sentence. */
    private static final class Sentence {
        final int index;
        final int sourceLength;
        final int maxLength;
        List<Live> live = new ArrayList<>();
        final List<Done> finished = new ArrayList<>();
        int steps;
        boolean done;

        Sentence(int index, int sourceLength, int maxLength) {
            this.index = index;
            this.sourceLength = sourceLength;
            this.maxLength = maxLength;
        }
    }

    /**
     * Decodes source sentences.
     *
     * @param model   the model
     * @param sources token indices of each source sentence (source vocabulary), each at least one token long;
     *                not modified
     * @return per sentence, in order, its n-best list: up to {@link #nBest()} hypotheses, best first, each
     *         with its normalised score as {@link Hypothesis#score()}; never empty
     * @throws IllegalArgumentException if a source is null, empty or holds an index outside the vocabulary
     */
    public List<List<Hypothesis>> decode(StepDecoder model, List<int[]> sources) {
        Decoding.checkSources(sources);
        int n = sources.size();
        if (n == 0) {
            return List.of();
        }
        int vocabulary = model.targetVocabularySize();
        int eos = model.eosIndex();
        int longestSource = Decoding.longest(sources);
        int proposals = Math.min(beamSize, vocabulary);
        StepDecoder.State state = model.start(sources);
        Decoding.checkStart(state, n);
        List<Sentence> sentences = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            Sentence sentence = new Sentence(s, sources.get(s).length, maxLength.of(sources.get(s).length));
            sentence.live.add(new Live(0, null, s));
            sentences.add(sentence);
        }
        List<Sentence> active = new ArrayList<>(sentences);
        int rows = n;
        int[] previous = new int[n];                          // (R) the last token of each row
        Arrays.fill(previous, model.bosIndex());
        int[] topTokens = new int[proposals];
        FMatrixRMaj logProbabilities = new FMatrixRMaj(1, 1);
        Candidates candidates = new Candidates(beamSize * proposals);
        while (rows > 0) {
            model.step(state, previous, logProbabilities);
            Decoding.checkStep(logProbabilities, rows, vocabulary);
            FMatrixRMaj attention = Decoding.attention(model, state, rows, longestSource);
            int[] selected = new int[rows * beamSize];        // (R') the old row of each new row
            int newRows = 0;
            List<Sentence> stillActive = new ArrayList<>(active.size());
            for (Sentence sentence : active) {
                candidates.clear();
                for (int i = 0; i < sentence.live.size(); i++) {
                    Live h = sentence.live.get(i);
                    topK(logProbabilities, h.row(), topTokens);
                    for (int token : topTokens) {
                        candidates.add(h.logProbability() + logProbabilities.get(h.row(), token), token, i);
                    }
                }
                List<Live> next = new ArrayList<>(beamSize);
                for (int ci = 0; ci < candidates.size; ci++) {
                    Candidate c = candidates.get(ci);
                    Live h = sentence.live.get(c.live());
                    Trail trail = Decoding.extend(h.trail(), c.token(), attention, h.row(), sentence.sourceLength,
                            keepAttention);
                    if (c.token() == eos) {
                        sentence.finished.add(new Done(normalise(c.logProbability(), trail.length),
                                c.logProbability(), trail, true));
                    } else {
                        next.add(new Live(c.logProbability(), trail, h.row()));
                    }
                    if (next.size() == beamSize) {
                        break;
                    }
                }
                sentence.live = next;
                sentence.steps++;
                if (sentence.finished.size() >= beamSize || next.isEmpty() || sentence.steps >= sentence.maxLength) {
                    for (Live h : next) {
                        sentence.finished.add(new Done(normalise(h.logProbability(), h.trail().length),
                                h.logProbability(), h.trail(), false));
                    }
                    sentence.live = List.of();
                    sentence.done = true;
                    continue;
                }
                stillActive.add(sentence);
                List<Live> renumbered = new ArrayList<>(next.size());
                for (Live h : next) {
                    selected[newRows] = h.row();
                    renumbered.add(new Live(h.logProbability(), h.trail(), newRows));
                    newRows++;
                }
                sentence.live = renumbered;
            }
            active = stillActive;
            if (newRows > 0) {
                model.select(state, Arrays.copyOf(selected, newRows));
                previous = new int[newRows];
                for (Sentence sentence : active) {
                    for (Live h : sentence.live) {
                        previous[h.row()] = h.trail().token;
                    }
                }
            }
            rows = newRows;
        }
        List<List<Hypothesis>> out = new ArrayList<>(n);
        for (Sentence sentence : sentences) {
            List<Done> ranked = new ArrayList<>(sentence.finished);
            ranked.sort(Comparator.comparingDouble(Done::score).reversed());   // stable: ties in finishing order
            List<Hypothesis> best = new ArrayList<>(Math.min(nBest, ranked.size()));
            for (Done d : ranked.subList(0, Math.min(nBest, ranked.size()))) {
                best.add(Hypothesis.of(sentence.index, sentence.sourceLength, d.trail(), d.finished(),
                        d.logProbability(), d.score()));
            }
            out.add(List.copyOf(best));
        }
        return List.copyOf(out);
    }

    /** {@code logProbability / steps^α}. */
    private double normalise(double logProbability, int steps) {
        return logProbability / Math.pow(steps, alpha);
    }

    /**
     * The {@code tokens.length} columns of one row with the largest values, largest first (on ties the
     * lower column first).
     */
    static void topK(FMatrixRMaj m, int row, int[] tokens) {
        int k = tokens.length;
        int base = row * m.numCols;
        float[] values = new float[k];
        int filled = 0;
        for (int j = 0; j < m.numCols; j++) {
            float v = m.data[base + j];
            if (filled == k && !(v > values[k - 1])) {
                continue;
            }
            int at = filled < k ? filled++ : k - 1;
            while (at > 0 && v > values[at - 1]) {     // strictly greater: equal values keep the lower column first
                values[at] = values[at - 1];
                tokens[at] = tokens[at - 1];
                at--;
            }
            values[at] = v;
            tokens[at] = j;
        }
    }

    /**
     * Describes the configuration.
     *
     * @return e.g. {@code BeamSearch[k=5, alpha=1.0, nBest=1, MaxLength[perSourceToken=2.0, extra=5]]}
     */
    @Override
    public String toString() {
        return "BeamSearch[k=" + beamSize + ", alpha=" + alpha + ", nBest=" + nBest + ", " + maxLength
                + (keepAttention ? ", keeps attention" : "") + "]";
    }

    /** Validating builder of a {@link BeamSearch}. */
    public static final class Builder {
        private int beamSize = 5;
        private double alpha = 1;
        private int nBest = 1;
        private MaxLength maxLength = MaxLength.DEFAULT;
        private boolean keepAttention;

        private Builder() {
        }

        /**
         * The beam size: live hypotheses kept per sentence, and continuations proposed by each.
         *
         * @param k at least 1 (default 5)
         * @return this builder
         */
        public Builder beamSize(int k) {
            this.beamSize = k;
            return this;
        }

        /**
         * The exponent of the length normalisation {@code score / steps^α}: 0 ranks by log-probability,
         * which favours short outputs; 1 (the default) by the mean log-probability per token.
         *
         * @param value finite, at least 0
         * @return this builder
         */
        public Builder alpha(double value) {
            this.alpha = value;
            return this;
        }

        /**
         * How many hypotheses to return per sentence (fewer when fewer finished).
         *
         * @param n at least 1 (default 1)
         * @return this builder
         */
        public Builder nBest(int n) {
            this.nBest = n;
            return this;
        }

        /**
         * The most decoding steps per sentence ({@code <eos>} included).
         *
         * @param value the limit (default {@link MaxLength#DEFAULT}, {@code 2 · |source| + 5})
         * @return this builder
         */
        public Builder maxLength(MaxLength value) {
            this.maxLength = value;
            return this;
        }

        /**
         * Whether each hypothesis keeps its attention weights ({@link Hypothesis#attention()}, for plots);
         * the alignment for {@code <unk>} replacement is kept either way.
         *
         * @param keep true to keep them (default false)
         * @return this builder
         */
        public Builder keepAttention(boolean keep) {
            this.keepAttention = keep;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the beam search
         * @throws IllegalArgumentException if a setting is out of range
         */
        public BeamSearch build() {
            if (beamSize < 1) {
                throw new IllegalArgumentException("beamSize must be at least 1 but was " + beamSize);
            }
            if (!(alpha >= 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("alpha must be finite and at least 0 but was " + alpha);
            }
            if (nBest < 1) {
                throw new IllegalArgumentException("nBest must be at least 1 but was " + nBest);
            }
            if (maxLength == null) {
                throw new IllegalArgumentException("maxLength must not be null");
            }
            return new BeamSearch(this);
        }
    }
}
