package org.seq4j.eval;

import java.util.Locale;

/**
 * A corpus BLEU-4 score with the counts it was computed from (see {@link Bleu}): the clipped n-gram
 * matches {@code m_n} and n-gram totals {@code t_n} of the orders 1 to 4, the summed hypothesis and
 * reference lengths {@code c} and {@code r}, and the number of sentences. Immutable.
 */
public final class BleuScore {

    private final double score;
    private final long[] matches;
    private final long[] totals;
    private final long hypothesisLength;
    private final long referenceLength;
    private final int sentences;

    BleuScore(double score, long[] matches, long[] totals, long hypothesisLength, long referenceLength,
              int sentences) {
        this.score = score;
        this.matches = matches.clone();
        this.totals = totals.clone();
        this.hypothesisLength = hypothesisLength;
        this.referenceLength = referenceLength;
        this.sentences = sentences;
    }

    /**
     * The corpus BLEU-4 on the 0–100 scale, as {@code bleu.py} prints it (before rounding).
     *
     * @return {@code 100 · BP · exp(¼ Σ_n log(m_n / t_n))}, or 0 if some {@code m_n} is 0
     */
    public double score() {
        return score;
    }

    /**
     * The clipped matches of one order, summed over the corpus.
     *
     * @param n the order, 1 to 4
     * @return {@code m_n}
     * @throws IllegalArgumentException if {@code n} is not in [1, 4]
     */
    public long matches(int n) {
        return matches[order(n)];
    }

    /**
     * The n-grams of one order in the hypotheses, summed over the corpus.
     *
     * @param n the order, 1 to 4
     * @return {@code t_n = Σ_i max(|h_i| − n + 1, 0)}
     * @throws IllegalArgumentException if {@code n} is not in [1, 4]
     */
    public long totals(int n) {
        return totals[order(n)];
    }

    /**
     * The modified n-gram precision of one order.
     *
     * @param n the order, 1 to 4
     * @return {@code m_n / t_n}, or 0 if {@code t_n} is 0
     * @throws IllegalArgumentException if {@code n} is not in [1, 4]
     */
    public double precision(int n) {
        int k = order(n);
        return totals[k] == 0 ? 0 : (double) matches[k] / totals[k];
    }

    /**
     * The brevity penalty.
     *
     * @return 1 if {@code c ≥ r}, else {@code exp(1 − r / c)}; 0 if {@code c = 0 < r}
     */
    public double brevityPenalty() {
        return Bleu.brevityPenalty(hypothesisLength, referenceLength);
    }

    /**
     * The number of hypothesis tokens, {@code c}.
     *
     * @return the summed hypothesis length
     */
    public long hypothesisLength() {
        return hypothesisLength;
    }

    /**
     * The number of reference tokens, {@code r}.
     *
     * @return the summed reference length
     */
    public long referenceLength() {
        return referenceLength;
    }

    /**
     * The number of hypothesis–reference pairs.
     *
     * @return the sentence count
     */
    public int sentences() {
        return sentences;
    }

    private static int order(int n) {
        if (n < 1 || n > Bleu.MAX_ORDER) {
            throw new IllegalArgumentException("the n-gram order must be in [1, " + Bleu.MAX_ORDER
                    + "] but was " + n);
        }
        return n - 1;
    }

    /**
     * The line {@code bleu.py} prints, then the precisions and lengths.
     *
     * @return e.g. {@code BLEU 44.01 (36 sentences) 85.4/62.8/46.9/36.8 (BP 0.799, hyp_len 323, ref_len 396)}
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "BLEU %.2f (%d sentences) %.1f/%.1f/%.1f/%.1f (BP %.3f, hyp_len %d, "
                        + "ref_len %d)", score, sentences, 100 * precision(1), 100 * precision(2),
                100 * precision(3), 100 * precision(4), brevityPenalty(), hypothesisLength, referenceLength);
    }
}
