package org.seq4j.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ejml.data.FMatrixRMaj;

/**
 * A deterministic model for testing the decoding strategies: the log-probabilities of the next token and
 * the attention over the source are pseudo-random functions of (seed, source sentence, all tokens fed so
 * far), so that they differ for every prefix and a row's state matters (a wrong {@link #select} shows).
 * {@link #logProbabilities(int[], int[])} and {@link #attention(int[], int[])} compute the same values
 * directly from a prefix, for exhaustive searches and reference implementations.
 */
final class TableStepDecoder implements StepDecoder {

    static final int BOS = 1;
    static final int EOS = 2;

    private final int vocabulary;
    private final int sourceVocabulary;
    private final long seed;
    private final boolean attends;
    private final float eosBias;
    int steps;       // step calls so far
    int mostRows;    // the most rows a step has seen

    /**
     * @param eosBias added to the logit of {@code <eos>} (positive: shorter outputs)
     */
    TableStepDecoder(int vocabulary, int sourceVocabulary, long seed, boolean attends, float eosBias) {
        this.vocabulary = vocabulary;
        this.sourceVocabulary = sourceVocabulary;
        this.seed = seed;
        this.attends = attends;
        this.eosBias = eosBias;
    }

    private final class Rows implements State {
        final List<int[]> sources;
        final int longest;
        int[] source;       // (R) sentence of each row
        long[] history;     // (R) hash of the source and the tokens fed so far
        FMatrixRMaj attention = new FMatrixRMaj(0, 0);
        boolean stepped;

        Rows(List<int[]> sources) {
            this.sources = sources;
            this.longest = sources.stream().mapToInt(s -> s.length).max().orElse(0);
            source = new int[sources.size()];
            history = new long[sources.size()];
            for (int i = 0; i < source.length; i++) {
                source[i] = i;
                history[i] = start(sources.get(i));
            }
        }

        TableStepDecoder owner() {
            return TableStepDecoder.this;
        }

        @Override
        public int rows() {
            return source.length;
        }

        @Override
        public int sourceIndex(int row) {
            return source[row];
        }
    }

    @Override
    public int targetVocabularySize() {
        return vocabulary;
    }

    @Override
    public int bosIndex() {
        return BOS;
    }

    @Override
    public int eosIndex() {
        return EOS;
    }

    @Override
    public State start(List<int[]> sources) {
        List<int[]> copies = new ArrayList<>();
        for (int[] s : sources) {
            if (s.length == 0) {
                throw new IllegalArgumentException("empty source");
            }
            for (int t : s) {
                if (t < 0 || t >= sourceVocabulary) {
                    throw new IllegalArgumentException("source token " + t + " outside [0, " + sourceVocabulary + ")");
                }
            }
            copies.add(s.clone());
        }
        return new Rows(copies);
    }

    @Override
    public void step(State state, int[] previous, FMatrixRMaj logProbabilities) {
        Rows rows = own(state);
        int r = rows.rows();
        if (previous.length != r) {
            throw new IllegalArgumentException("previous must hold " + r + " tokens but held " + previous.length);
        }
        steps++;
        mostRows = Math.max(mostRows, r);
        logProbabilities.reshape(r, vocabulary);
        rows.attention.reshape(r, rows.longest);
        Arrays.fill(rows.attention.data, 0, r * rows.longest, 0f);
        for (int i = 0; i < r; i++) {
            if (previous[i] < 0 || previous[i] >= vocabulary) {
                throw new IllegalArgumentException("token " + previous[i] + " outside the vocabulary");
            }
            rows.history[i] = feed(rows.history[i], previous[i]);
            float[] lp = logProbabilitiesOf(rows.history[i]);
            System.arraycopy(lp, 0, logProbabilities.data, i * vocabulary, vocabulary);
            float[] a = attentionOf(rows.history[i], rows.sources.get(rows.source[i]).length);
            System.arraycopy(a, 0, rows.attention.data, i * rows.longest, a.length);
        }
        rows.stepped = true;
    }

    @Override
    public void select(State state, int[] selected) {
        Rows rows = own(state);
        int[] source = new int[selected.length];
        long[] history = new long[selected.length];
        for (int i = 0; i < selected.length; i++) {
            if (selected[i] < 0 || selected[i] >= rows.rows()) {
                throw new IllegalArgumentException("row " + selected[i] + " outside [0, " + rows.rows() + ")");
            }
            source[i] = rows.source[selected[i]];
            history[i] = rows.history[selected[i]];
        }
        rows.source = source;
        rows.history = history;
        rows.stepped = false;   // the attention no longer matches the rows
    }

    @Override
    public Optional<FMatrixRMaj> lastAttention(State state) {
        Rows rows = own(state);
        return attends && rows.stepped ? Optional.of(rows.attention) : Optional.empty();
    }

    private Rows own(State state) {
        if (!(state instanceof Rows rows) || rows.owner() != this) {
            throw new IllegalArgumentException("the state belongs to another model");
        }
        return rows;
    }

    /** log p(· | source, fed), {@code fed} starting with {@code <bos>}. */
    float[] logProbabilities(int[] source, int[] fed) {
        return logProbabilitiesOf(history(source, fed));
    }

    /** The attention weights (|source|) after feeding {@code fed}. */
    float[] attention(int[] source, int[] fed) {
        return attentionOf(history(source, fed), source.length);
    }

    private long history(int[] source, int[] fed) {
        long h = start(source);
        for (int t : fed) {
            h = feed(h, t);
        }
        return h;
    }

    private long start(int[] source) {
        long h = mix(seed);
        for (int t : source) {
            h = mix(h ^ (t + 0x51ED27L));
        }
        return h;
    }

    private static long feed(long history, int token) {
        return mix(history * 31 + token + 0x9E3779B9L);
    }

    private float[] logProbabilitiesOf(long history) {
        double[] logits = new double[vocabulary];
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocabulary; v++) {
            logits[v] = 3 * uniform(history, v) + (v == EOS ? eosBias : 0);
            max = Math.max(max, logits[v]);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        float[] out = new float[vocabulary];
        for (int v = 0; v < vocabulary; v++) {
            out[v] = (float) (logits[v] - max - Math.log(sum));
        }
        return out;
    }

    private static float[] attentionOf(long history, int length) {
        double[] e = new double[length];
        double sum = 0;
        for (int j = 0; j < length; j++) {
            e[j] = Math.exp(4 * uniform(history, 1000 + j));
            sum += e[j];
        }
        float[] out = new float[length];
        for (int j = 0; j < length; j++) {
            out[j] = (float) (e[j] / sum);
        }
        return out;
    }

    /** A value in [−1, 1) from a history and a column. */
    private static double uniform(long history, int column) {
        return (mix(history + 0x632BE59BD9B4E019L * (column + 1)) >>> 11) * 0x1.0p-53 * 2 - 1;
    }

    private static long mix(long z) {   // SplitMix64's finaliser
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
