package org.seq4j.seq2seq;

import java.util.Arrays;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.FloatActivations;

/**
 * What the decoding strategies share: checks of their inputs and of what a model returns, and the row
 * loop of the strategies that keep one hypothesis per sentence (greedy search, sampling).
 */
final class Decoding {

    private Decoding() {
    }

    /** Picks the next token of one row from its log-probabilities. */
    @FunctionalInterface
    interface TokenChoice {
        /**
         * @param logProbabilities (R, V) this step's log-probabilities; not modified
         * @param row              the row in [0, R)
         * @return a token in [0, V)
         */
        int choose(FMatrixRMaj logProbabilities, int row);
    }

    static void checkSources(List<int[]> sources) {
        if (sources == null) {
            throw new IllegalArgumentException("sources must not be null");
        }
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i) == null) {
                throw new IllegalArgumentException("source " + i + " is null");
            }
        }
    }

    static void checkStart(StepDecoder.State state, int sentences) {
        if (state.rows() != sentences) {
            throw new IllegalStateException("the model started " + state.rows() + " rows for " + sentences
                    + " source sentences");
        }
    }

    /** Checks the model's output of one step: (R, V). */
    static void checkStep(FMatrixRMaj logProbabilities, int rows, int vocabulary) {
        if (logProbabilities.numRows != rows || logProbabilities.numCols != vocabulary) {
            throw new IllegalStateException("the model's log-probabilities must be (" + rows + ", " + vocabulary
                    + ") but were (" + logProbabilities.numRows + ", " + logProbabilities.numCols + ")");
        }
    }

    /** The attention of the last step, checked to be (R, S ≥ longest source), or null without attention. */
    static FMatrixRMaj attention(StepDecoder model, StepDecoder.State state, int rows, int longestSource) {
        FMatrixRMaj a = model.lastAttention(state).orElse(null);
        if (a != null && (a.numRows != rows || a.numCols < longestSource)) {
            throw new IllegalStateException("the model's attention must be (" + rows + ", S ≥ " + longestSource
                    + ") but was (" + a.numRows + ", " + a.numCols + ")");
        }
        return a;
    }

    static int longest(List<int[]> sources) {
        int longest = 0;
        for (int[] s : sources) {
            longest = Math.max(longest, s.length);
        }
        return longest;
    }

    /** The column of the largest value of one row (the first on ties). */
    static int argmax(FMatrixRMaj m, int row) {
        return FloatActivations.argmax(m.data, row * m.numCols, m.numCols);
    }

    /**
     * The trail extended by one token, with the step's alignment (and weights when kept) read from row
     * {@code row} of the attention.
     *
     * @param attention (R, S) or null
     */
    static Trail extend(Trail parent, int token, FMatrixRMaj attention, int row, int sourceLength,
                        boolean keepAttention) {
        if (attention == null) {
            return new Trail(parent, token, -1, null);
        }
        int base = row * attention.numCols;
        int best = 0;
        for (int j = 1; j < sourceLength; j++) {
            if (attention.data[base + j] > attention.data[base + best]) {
                best = j;
            }
        }
        float[] weights = keepAttention ? Arrays.copyOfRange(attention.data, base, base + sourceLength) : null;
        return new Trail(parent, token, best, weights);
    }

    /**
     * Decodes every sentence with one row, choosing each row's next token with {@code choice}, until
     * every row has written {@code <eos>} or reached its maximum length. Rows that are done are dropped
     * from the state ({@link StepDecoder#select}) so that later steps cost only what is left.
     */
    static List<Hypothesis> oneRowPerSentence(StepDecoder model, List<int[]> sources, MaxLength maxLength,
                                              boolean keepAttention, TokenChoice choice) {
        checkSources(sources);
        int n = sources.size();
        if (n == 0) {
            return List.of();
        }
        int vocabulary = model.targetVocabularySize();
        int eos = model.eosIndex();
        int longestSource = longest(sources);
        StepDecoder.State state = model.start(sources);
        checkStart(state, n);
        Trail[] trails = new Trail[n];
        double[] logProbability = new double[n];
        Hypothesis[] done = new Hypothesis[n];
        int[] rowSentence = new int[n];       // (R) the sentence of each row
        int[] previous = new int[n];          // (R) the token fed to each row
        for (int s = 0; s < n; s++) {
            rowSentence[s] = s;
            previous[s] = model.bosIndex();
        }
        int rows = n;
        FMatrixRMaj logProbabilities = new FMatrixRMaj(1, 1);
        while (rows > 0) {
            model.step(state, rows == previous.length ? previous : Arrays.copyOf(previous, rows), logProbabilities);
            checkStep(logProbabilities, rows, vocabulary);
            FMatrixRMaj attention = attention(model, state, rows, longestSource);
            int[] keep = new int[rows];
            int kept = 0;
            for (int r = 0; r < rows; r++) {
                int s = rowSentence[r];
                int token = choice.choose(logProbabilities, r);
                int sourceLength = sources.get(s).length;
                logProbability[s] += logProbabilities.get(r, token);
                trails[s] = extend(trails[s], token, attention, r, sourceLength, keepAttention);
                if (token == eos || trails[s].length >= maxLength.of(sourceLength)) {
                    done[s] = Hypothesis.of(s, sourceLength, trails[s], token == eos, logProbability[s],
                            logProbability[s]);
                } else {
                    keep[kept++] = r;
                }
            }
            if (kept > 0 && kept < rows) {
                model.select(state, Arrays.copyOf(keep, kept));
            }
            for (int i = 0; i < kept; i++) {
                rowSentence[i] = rowSentence[keep[i]];
                previous[i] = trails[rowSentence[i]].token;
            }
            rows = kept;
        }
        return List.of(done);
    }
}
