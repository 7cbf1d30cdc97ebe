package org.seq4j.text;

/**
 * The letter case of a text as one label per character: the targets of a truecaser, which reads a text in
 * lower case and restores its capitals.
 *
 * <pre>
 *   lower(s)[i]  = toLowerCase(s[i])                          one code point per code point of s
 *   labels(s)[i] = UPPER if s[i] ≠ toLowerCase(s[i]), else KEEP
 *   apply(lower(s), labels(s)) = s                            for every s whose upper-case letters map back
 *                                                             (toUpperCase(toLowerCase(c)) = c: all of ASCII,
 *                                                             Latin-1 and nearly every cased script)
 * </pre>
 * Characters are Unicode code points, as in {@link CharacterVocabulary}, and the mappings are
 * {@link Character#toLowerCase(int)} and {@link Character#toUpperCase(int)}: one code point to one code
 * point, independent of the default locale (no Turkish dotless i), so that a text, its lower-case form and
 * its labels are aligned position by position. Title-case letters ({@code ǅ}) count as {@code UPPER} and
 * are restored as upper case ({@code Ǆ}).
 *
 * <p>Stateless; all methods are static and allocate only their results.
 */
public final class CaseLabels {

    /** The label of a character that stays as it is in the lower-case text. */
    public static final int KEEP = 0;
    /** The label of a character that is upper case in the original text. */
    public static final int UPPER = 1;
    /** The number of labels, the {@code C} of a classifier over them. */
    public static final int COUNT = 2;

    private CaseLabels() {
    }

    /**
     * The lower-case form of a text, code point by code point.
     *
     * @param text the text; not modified
     * @return the text with every code point {@code c} replaced by {@link Character#toLowerCase(int)}, with
     *         as many code points as {@code text}
     * @throws IllegalArgumentException if {@code text} is null
     */
    public static String lowerCase(CharSequence text) {
        checkText(text);
        StringBuilder lower = new StringBuilder(text.length());
        text.codePoints().forEach(c -> lower.appendCodePoint(Character.toLowerCase(c)));
        return lower.toString();
    }

    /**
     * The case labels of a text, one per code point.
     *
     * @param text the text; not modified
     * @return {@code labels[i]} = {@link #UPPER} if code point {@code i} changes under
     *         {@link Character#toLowerCase(int)}, else {@link #KEEP}
     * @throws IllegalArgumentException if {@code text} is null
     */
    public static int[] labels(CharSequence text) {
        checkText(text);
        return text.codePoints().map(c -> c != Character.toLowerCase(c) ? UPPER : KEEP).toArray();
    }

    /**
     * Restores the capitals of a text from its labels.
     *
     * @param text   the text, usually in lower case; not modified
     * @param labels one label per code point of {@code text}, each {@link #KEEP} or {@link #UPPER}; not
     *               modified
     * @return the text with code point {@code i} replaced by {@link Character#toUpperCase(int)} where
     *         {@code labels[i] = UPPER}
     * @throws IllegalArgumentException if the number of labels is not the number of code points, or a label
     *                                  is neither KEEP nor UPPER
     */
    public static String apply(CharSequence text, int[] labels) {
        checkText(text);
        int[] codePoints = text.codePoints().toArray();
        checkLabels(labels, codePoints.length);
        StringBuilder cased = new StringBuilder(text.length());
        for (int i = 0; i < codePoints.length; i++) {
            cased.appendCodePoint(labels[i] == UPPER ? Character.toUpperCase(codePoints[i]) : codePoints[i]);
        }
        return cased.toString();
    }

    /**
     * Tells whether a character has an upper and a lower case, so that its label can be wrong.
     *
     * @param codePoint a code point
     * @return true for cased letters ({@code a}, {@code É}, {@code ß} is not: it has no one-code-point upper
     *         case), false for digits, punctuation, white space and uncased scripts
     */
    public static boolean isCased(int codePoint) {
        return Character.toLowerCase(codePoint) != Character.toUpperCase(codePoint);
    }

    /**
     * Checks that labels fit a text of {@code n} code points.
     *
     * @param labels the labels; not modified
     * @param n      the number of code points
     * @throws IllegalArgumentException if there are not {@code n} labels or one is neither KEEP nor UPPER
     */
    static void checkLabels(int[] labels, int n) {
        if (labels == null || labels.length != n) {
            throw new IllegalArgumentException("labels must have one entry per code point (" + n + ") but had "
                    + (labels == null ? "null" : labels.length + " entries"));
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] != KEEP && labels[i] != UPPER) {
                throw new IllegalArgumentException("labels[" + i + "] must be KEEP (0) or UPPER (1) but was "
                        + labels[i]);
            }
        }
    }

    private static void checkText(CharSequence text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
    }
}
