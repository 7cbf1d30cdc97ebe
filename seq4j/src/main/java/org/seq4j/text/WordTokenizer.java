package org.seq4j.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lower-cases a text and splits it into words and punctuation marks exactly as Python's
 * {@code re.findall(r"\w+|[^\w\s]", text.lower())} does on a {@code str}: a token is a maximal run of word
 * characters, or any single other character that is not white space, so that {@code "Don't stop!"} becomes
 * {@code [don, ', t, stop, !]}. This is the tokenisation of common PyTorch translation tutorials, of the
 * PyTorch sequence-to-sequence peer and its {@code bleu.py}, and of seq4j's translation example and
 * {@link org.seq4j.eval.Bleu}.
 *
 * <p>The details follow Python 3, not {@link java.util.regex.Pattern}'s Unicode classes:
 * <ul>
 *   <li>a word character ({@link #isWordCharacter}) is what Python's {@code \w} matches: a letter (Unicode
 *       categories L*), a number (Nd, Nl, No) or {@code _}. Combining marks are not word characters, so a
 *       decomposed {@code é} ({@code e} + U+0301) gives two tokens, and {@code x²} or {@code ½} are words;</li>
 *   <li>white space ({@link #isWhiteSpace}) is Python's {@code str.isspace()}, which includes the no-break
 *       spaces and U+001C–U+001F;</li>
 *   <li>lower-casing is {@link String#toLowerCase(Locale)} with {@link Locale#ROOT}, which agrees with
 *       Python's {@code str.lower()} character for character;</li>
 *   <li>a character outside the Basic Multilingual Plane (an emoji) is one code point, never split.</li>
 * </ul>
 * (Both predicates and the lower-casing were compared with Python 3.11 on every code point Java 17
 * defines.)
 */
public final class WordTokenizer implements Tokenizer {

    private final boolean lowerCase;

    /** Creates the tokenizer that lower-cases first (the usual one). */
    public WordTokenizer() {
        this(true);
    }

    /**
     * Creates a tokenizer.
     *
     * @param lowerCase whether to lower-case the text before splitting it
     */
    public WordTokenizer(boolean lowerCase) {
        this.lowerCase = lowerCase;
    }

    /**
     * Splits a text into (lower-cased) words and single other characters that are not white space.
     *
     * @param text the text; not modified
     * @return the tokens in text order; empty for a blank text
     */
    @Override
    public List<String> tokenize(CharSequence text) {
        String s = lowerCase ? text.toString().toLowerCase(Locale.ROOT) : text.toString();
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isWordCharacter(cp)) {
                while (next < n) {
                    int c = s.codePointAt(next);
                    if (!isWordCharacter(c)) {
                        break;
                    }
                    next += Character.charCount(c);
                }
                tokens.add(s.substring(i, next));
            } else if (!isWhiteSpace(cp)) {
                tokens.add(s.substring(i, next));
            }
            i = next;
        }
        return tokens;
    }

    /**
     * Whether a code point is a word character, as Python's {@code \w} on a {@code str}
     * ({@code str.isalnum()} or {@code _}): a letter, a decimal digit, a letter number or another number.
     *
     * @param codePoint a Unicode code point
     * @return true for a word character
     */
    public static boolean isWordCharacter(int codePoint) {
        if (codePoint == '_' || Character.isLetter(codePoint)) {
            return true;
        }
        int type = Character.getType(codePoint);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /**
     * Whether a code point is white space, as Python's {@code \s} on a {@code str} and
     * {@code str.isspace()}: bidirectional class WS, B or S, or category Zs (this includes the no-break
     * spaces, U+001C–U+001F and U+0085).
     *
     * @param codePoint a Unicode code point
     * @return true for white space
     */
    public static boolean isWhiteSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == 0x85;
    }

    /**
     * Describes the tokenizer.
     *
     * @return e.g. {@code WordTokenizer[lower-case]}
     */
    @Override
    public String toString() {
        return "WordTokenizer[" + (lowerCase ? "lower-case" : "case-sensitive") + "]";
    }
}
