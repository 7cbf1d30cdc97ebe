package org.seq4j.lm;

import java.util.Arrays;

/**
 * The alphabet of a character language model: the distinct Unicode code points of a text, numbered in
 * ascending code-point order.
 *
 * <p>Characters are code points, not UTF-16 {@code char}s, so that a letter outside the Basic
 * Multilingual Plane (an emoji, a rare CJK ideograph) is one symbol and any text round-trips through
 * {@link #encode(CharSequence)} and {@link #decode(int[])}. Sorting makes the numbering a function of the
 * set of characters alone; for an ASCII text it equals Python's {@code sorted(set(text))}, the numbering
 * char-rnn and most PyTorch scripts use. Instances are immutable.
 */
public final class Vocabulary {

    /** The code point of each id, ascending: (V). */
    private final int[] codePoints;

    private Vocabulary(int[] sortedDistinctCodePoints) {
        this.codePoints = sortedDistinctCodePoints;
    }

    /**
     * Builds the vocabulary of a text: its distinct code points in ascending order.
     *
     * @param text the text; not empty
     * @return the vocabulary
     * @throws IllegalArgumentException if the text is empty
     */
    public static Vocabulary of(CharSequence text) {
        if (text == null || text.length() == 0) {
            throw new IllegalArgumentException("text must not be empty");
        }
        return new Vocabulary(text.codePoints().sorted().distinct().toArray());
    }

    /**
     * Builds a vocabulary from its code points, as stored by {@link #codePoints()}.
     *
     * @param codePoints the code points, strictly ascending, each a valid Unicode code point; not
     *                   modified (copied)
     * @return the vocabulary
     * @throws IllegalArgumentException if the array is empty, not strictly ascending, or holds an invalid
     *                                  code point
     */
    public static Vocabulary ofCodePoints(int[] codePoints) {
        if (codePoints == null || codePoints.length == 0) {
            throw new IllegalArgumentException("a vocabulary needs at least one code point");
        }
        for (int i = 0; i < codePoints.length; i++) {
            if (!Character.isValidCodePoint(codePoints[i])) {
                throw new IllegalArgumentException(
                        "codePoints[" + i + "] is not a valid code point: " + codePoints[i]);
            }
            if (i > 0 && codePoints[i] <= codePoints[i - 1]) {
                throw new IllegalArgumentException("code points must be strictly ascending but codePoints["
                        + i + "] = " + codePoints[i] + " follows " + codePoints[i - 1]);
            }
        }
        return new Vocabulary(codePoints.clone());
    }

    /**
     * Number of symbols, V.
     *
     * @return the vocabulary size
     */
    public int size() {
        return codePoints.length;
    }

    /**
     * The code point of an id.
     *
     * @param id an id in {@code [0, V)}
     * @return its code point
     * @throws IllegalArgumentException if the id is out of range
     */
    public int codePoint(int id) {
        if (id < 0 || id >= codePoints.length) {
            throw new IllegalArgumentException("id must be in [0, " + codePoints.length + ") but was " + id);
        }
        return codePoints[id];
    }

    /**
     * The id of a code point.
     *
     * @param codePoint a code point
     * @return its id in {@code [0, V)}, or -1 if the vocabulary does not hold it
     */
    public int id(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        return i >= 0 ? i : -1;
    }

    /**
     * Tells whether the vocabulary holds a code point.
     *
     * @param codePoint a code point
     * @return true if it has an id
     */
    public boolean contains(int codePoint) {
        return id(codePoint) >= 0;
    }

    /**
     * Maps a text to ids, one per code point.
     *
     * @param text the text; every code point must be in the vocabulary
     * @return the ids, one per code point of the text
     * @throws IllegalArgumentException naming the first character that is not in the vocabulary and its
     *                                  position
     */
    public int[] encode(CharSequence text) {
        int[] ids = text.codePoints().toArray();
        for (int i = 0; i < ids.length; i++) {
            int id = id(ids[i]);
            if (id < 0) {
                throw new IllegalArgumentException("character " + describe(ids[i]) + " at code point "
                        + i + " is not in the vocabulary of " + codePoints.length + " characters");
            }
            ids[i] = id;
        }
        return ids;
    }

    /**
     * Maps ids back to text.
     *
     * @param ids ids in {@code [0, V)}; not modified
     * @return the text
     * @throws IllegalArgumentException if an id is out of range
     */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder(ids.length);
        for (int id : ids) {
            text.appendCodePoint(codePoint(id));
        }
        return text.toString();
    }

    /**
     * The code points in id order (the form checkpoints store).
     *
     * @return a copy, strictly ascending
     */
    public int[] codePoints() {
        return codePoints.clone();
    }

    /**
     * Formats a code point for messages: the character and its {@code U+} number.
     *
     * @param codePoint a code point
     * @return e.g. {@code 'é' (U+00E9)}
     */
    static String describe(int codePoint) {
        String shown = Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)
                ? "" : "'" + new String(Character.toChars(codePoint)) + "' ";
        return shown + String.format("(U+%04X)", codePoint);
    }

    /**
     * Two vocabularies are equal when they hold the same code points.
     *
     * @param other another object
     * @return true if it is a vocabulary of the same code points
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof Vocabulary v && Arrays.equals(codePoints, v.codePoints);
    }

    /**
     * A hash of the code points.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    /**
     * Describes the vocabulary.
     *
     * @return e.g. {@code Vocabulary[65 code points]}
     */
    @Override
    public String toString() {
        return "Vocabulary[" + codePoints.length + " code points]";
    }
}
