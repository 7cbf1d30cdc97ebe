package org.seq4j.embed;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Word-pair similarity: how well the cosine similarities of word pairs agree with human ratings, as
 * Spearman's rank correlation (average ranks for ties) and Pearson's correlation, on files in the format
 * of WordSim-353 and SimLex-999 as gensim ships them: {@code word1 TAB word2 TAB score} per line, lines
 * starting with {@code #} ignored.
 *
 * <p>Follows gensim's {@code KeyedVectors.evaluate_word_pairs}: only the first {@code restrictVocab}
 * vectors are used (gensim's default 300,000); case-insensitive matching upper-cases both sides, a word
 * standing for its most frequent casing; pairs with an unknown word are left out and counted; lines that
 * are not three tab-separated fields with a numeric score are ignored.
 */
public final class WordSimilarityEvaluation {

    /** gensim's default vocabulary restriction for word pairs. */
    public static final int DEFAULT_RESTRICT_VOCAB = 300_000;

    private WordSimilarityEvaluation() {
    }

    /**
     * The outcome on one file.
     *
     * @param spearman Spearman's rho over the known pairs (NaN if fewer than two)
     * @param pearson  Pearson's r over the known pairs (NaN if fewer than two)
     * @param pairs    pairs with both words known
     * @param oov      pairs left out because a word is unknown
     */
    public record Result(double spearman, double pearson, int pairs, int oov) {

        /**
         * Returns the share of pairs left out.
         *
         * @return {@code oov / (pairs + oov)}, in {@code [0, 1]}
         */
        public double oovRatio() {
            return pairs + oov == 0 ? 0 : oov / (double) (pairs + oov);
        }
    }

    /**
     * Evaluates vectors on a word-pair file.
     *
     * @param vectors         the vectors, most frequent word first
     * @param pairsFile       UTF-8 file of {@code word1 TAB word2 TAB score} lines
     * @param restrictVocab   use only the first this many vectors ({@code >= 1})
     * @param caseInsensitive match words ignoring case
     * @return the correlations and counts
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if {@code restrictVocab < 1}
     */
    public static Result evaluate(WordVectors vectors, Path pairsFile, int restrictVocab, boolean caseInsensitive)
            throws IOException {
        try (BufferedReader in = Files.newBufferedReader(pairsFile, StandardCharsets.UTF_8)) {
            return evaluate(vectors, in, restrictVocab, caseInsensitive);
        }
    }

    /**
     * Evaluates vectors on word pairs read from a reader.
     *
     * @param vectors         the vectors, most frequent word first
     * @param pairs           {@code word1 TAB word2 TAB score} lines; read to the end, not closed
     * @param restrictVocab   use only the first this many vectors ({@code >= 1})
     * @param caseInsensitive match words ignoring case
     * @return the correlations and counts
     * @throws IOException              if reading fails
     * @throws IllegalArgumentException if {@code restrictVocab < 1}
     */
    public static Result evaluate(WordVectors vectors, BufferedReader pairs, int restrictVocab,
                                  boolean caseInsensitive) throws IOException {
        Objects.requireNonNull(vectors, "vectors");
        if (restrictVocab < 1) {
            throw new IllegalArgumentException("restrictVocab must be >= 1 but was " + restrictVocab);
        }
        int limit = Math.min(restrictVocab, vectors.size());
        Map<String, Integer> okVocab = new HashMap<>(limit * 2);
        for (int i = limit - 1; i >= 0; i--) {
            okVocab.put(caseInsensitive ? vectors.word(i).toUpperCase(Locale.ROOT) : vectors.word(i), i);
        }
        List<double[]> scored = new ArrayList<>();
        int oov = 0;
        String line;
        while ((line = pairs.readLine()) != null) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 3) {
                continue;
            }
            double gold;
            try {
                gold = Double.parseDouble(f[2].strip());
            } catch (NumberFormatException e) {
                continue;
            }
            String a = caseInsensitive ? f[0].toUpperCase(Locale.ROOT) : f[0];
            String b = caseInsensitive ? f[1].toUpperCase(Locale.ROOT) : f[1];
            Integer ia = okVocab.get(a);
            Integer ib = okVocab.get(b);
            if (ia == null || ib == null) {
                oov++;
                continue;
            }
            scored.add(new double[] {gold, vectors.similarity(ia, ib)});
        }
        double[] gold = new double[scored.size()];
        double[] model = new double[scored.size()];
        for (int i = 0; i < gold.length; i++) {
            gold[i] = scored.get(i)[0];
            model[i] = scored.get(i)[1];
        }
        return new Result(spearman(gold, model), pearson(gold, model), gold.length, oov);
    }

    /**
     * Pearson's correlation coefficient.
     *
     * @param x values; not modified
     * @param y values, same length; not modified
     * @return {@code cov(x, y) / (sd(x)·sd(y))}, NaN if fewer than two values or a constant input
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double pearson(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y must have the same length but had " + x.length + " and " + y.length);
        }
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /**
     * Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing the average of
     * their ranks (as {@code scipy.stats.spearmanr}).
     *
     * @param x values; not modified
     * @param y values, same length; not modified
     * @return rho, NaN if fewer than two values or a constant input
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y must have the same length but had " + x.length + " and " + y.length);
        }
        return pearson(ranks(x), ranks(y));
    }

    /** Ranks 1..n, ties sharing their average rank. */
    static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = avg;
            }
            i = j + 1;
        }
        return r;
    }
}
