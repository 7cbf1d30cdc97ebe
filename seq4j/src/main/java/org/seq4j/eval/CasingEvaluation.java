package org.seq4j.eval;

import java.util.Locale;
import org.seq4j.text.CaseLabels;

/**
 * Scores a truecaser: the capitals it restores in lines whose correct casing is known, counted over any
 * number of lines.
 *
 * <pre>
 *   over the cased characters c of every line (letters with an upper and a lower case, CaseLabels.isCased):
 *     TP = #{predicted UPPER, reference UPPER}   FP = #{predicted UPPER, reference KEEP}
 *     FN = #{predicted KEEP, reference UPPER}
 *     precision = TP / (TP + FP)     recall = TP / (TP + FN)     F1 = 2·P·R / (P + R)
 *   over the words of every line (maximal runs of non-white-space characters holding a cased character):
 *     word accuracy = #{words whose every cased character has the right label} / #{words}
 * </pre>
 * The positive class is the capital: a text of lower case is mostly right at every character, so accuracy
 * over characters says little, while precision and recall of the capitals tell how many of the capitals
 * were found and how many of the capitals written were right. A word is right when the truecased word equals
 * the reference word. Labels of characters without case (digits, punctuation) are not scored: they do not
 * change the restored text. A ratio whose denominator is 0 is reported as 0 (no capital predicted, or none
 * to find).
 *
 * <p>An accumulator: {@link #add} one line at a time, read the figures at any moment. Not thread-safe;
 * {@link #merge} adds another evaluation's counts.
 */
public final class CasingEvaluation {

    private long truePositives;
    private long falsePositives;
    private long falseNegatives;
    private long casedCharacters;
    private long words;
    private long correctWords;
    private long lines;

    /** Creates an evaluation with no line counted. */
    public CasingEvaluation() {
    }

    /**
     * Counts one line.
     *
     * @param reference the line as it should be cased; not modified
     * @param predicted the predicted labels of the line's lower case, one per code point of
     *                  {@code reference}, each {@link CaseLabels#KEEP} or {@link CaseLabels#UPPER}; not
     *                  modified
     * @throws IllegalArgumentException if {@code reference} is null, or the labels do not fit it
     */
    public void add(CharSequence reference, int[] predicted) {
        if (reference == null) {
            throw new IllegalArgumentException("reference must not be null");
        }
        int[] codePoints = reference.codePoints().toArray();
        int n = codePoints.length;
        if (predicted == null || predicted.length != n) {
            throw new IllegalArgumentException("predicted must have one label per code point of the reference ("
                    + n + ") but had " + (predicted == null ? "null" : predicted.length + " entries"));
        }
        for (int i = 0; i < n; i++) {
            if (predicted[i] != CaseLabels.KEEP && predicted[i] != CaseLabels.UPPER) {
                throw new IllegalArgumentException("predicted[" + i + "] must be KEEP (0) or UPPER (1) but was "
                        + predicted[i]);
            }
        }
        lines++;
        boolean inWord = false;
        boolean wordCased = false;
        boolean wordRight = true;
        for (int i = 0; i <= n; i++) {
            if (i == n || Character.isWhitespace(codePoints[i])) {
                if (inWord && wordCased) {
                    words++;
                    correctWords += wordRight ? 1 : 0;
                }
                inWord = false;
                continue;
            }
            if (!inWord) {
                inWord = true;
                wordCased = false;
                wordRight = true;
            }
            int c = codePoints[i];
            if (!CaseLabels.isCased(c)) {
                continue;
            }
            wordCased = true;
            casedCharacters++;
            boolean upper = c != Character.toLowerCase(c);
            boolean predictedUpper = predicted[i] == CaseLabels.UPPER;
            if (predictedUpper && upper) {
                truePositives++;
            } else if (predictedUpper) {
                falsePositives++;
            } else if (upper) {
                falseNegatives++;
            }
            wordRight &= predictedUpper == upper;
        }
    }

    /**
     * Adds the counts of another evaluation to this one.
     *
     * @param other the evaluation to add; not modified
     * @return this evaluation
     * @throws IllegalArgumentException if {@code other} is null
     */
    public CasingEvaluation merge(CasingEvaluation other) {
        if (other == null) {
            throw new IllegalArgumentException("other must not be null");
        }
        truePositives += other.truePositives;
        falsePositives += other.falsePositives;
        falseNegatives += other.falseNegatives;
        casedCharacters += other.casedCharacters;
        words += other.words;
        correctWords += other.correctWords;
        lines += other.lines;
        return this;
    }

    /**
     * Precision of the capitals.
     *
     * @return {@code TP / (TP + FP)}, or 0 if no capital was predicted
     */
    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /**
     * Recall of the capitals.
     *
     * @return {@code TP / (TP + FN)}, or 0 if the references hold no capital
     */
    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /**
     * F1 of the capitals, the harmonic mean of precision and recall.
     *
     * @return {@code 2·TP / (2·TP + FP + FN)}, or 0 if there is no capital predicted or to find
     */
    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    /**
     * The fraction of words cased right.
     *
     * @return right words over words, or 0 if no word was counted
     */
    public double wordAccuracy() {
        return ratio(correctWords, words);
    }

    /**
     * Capitals predicted where the reference has them.
     *
     * @return {@code TP}
     */
    public long truePositives() {
        return truePositives;
    }

    /**
     * Capitals predicted where the reference has none.
     *
     * @return {@code FP}
     */
    public long falsePositives() {
        return falsePositives;
    }

    /**
     * Capitals of the reference that were not predicted.
     *
     * @return {@code FN}
     */
    public long falseNegatives() {
        return falseNegatives;
    }

    /**
     * The number of cased characters scored.
     *
     * @return the characters of the lines that have an upper and a lower case
     */
    public long casedCharacters() {
        return casedCharacters;
    }

    /**
     * The number of words scored.
     *
     * @return the words holding a cased character
     */
    public long words() {
        return words;
    }

    /**
     * The number of words cased right.
     *
     * @return the right words
     */
    public long correctWords() {
        return correctWords;
    }

    /**
     * The number of lines counted.
     *
     * @return the calls of {@link #add}
     */
    public long lines() {
        return lines;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }

    /**
     * The figures in one line.
     *
     * @return e.g. {@code precision=0.9012 recall=0.8534 f1=0.8767 word_accuracy=0.9712 (1000 lines,
     *         15234 words)}
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "precision=%.4f recall=%.4f f1=%.4f word_accuracy=%.4f (%d lines, %d words)",
                precision(), recall(), f1(), wordAccuracy(), lines, words);
    }
}
