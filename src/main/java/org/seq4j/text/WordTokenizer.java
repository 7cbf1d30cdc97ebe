package org.seq4j.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lower-cases a text and splits it into words and punctuation marks with the Unicode-aware regular
 * expression {@code \w+|[^\w\s]} ({@link Pattern#UNICODE_CHARACTER_CLASS}): a token is a run of word
 * characters (letters, digits, combining marks, connector punctuation such as {@code _}) or any single
 * other character that is not white space, so that {@code "Don't stop!"} becomes
 * {@code [don, ', t, stop, !]}. This is Python's {@code re.findall(r"\w+|[^\w\s]", text.lower())}, the
 * tokenisation of common PyTorch translation tutorials and of the seq2seq example and BLEU scores of
 * seq4j (the two languages' {@code \w} and lower-casing agree on ordinary text; Java lower-cases with
 * {@link Locale#ROOT}). A character outside the Basic Multilingual Plane (an emoji) is one token.
 */
public final class WordTokenizer implements Tokenizer {

    private static final Pattern WORD_OR_MARK = Pattern.compile("\\w+|[^\\w\\s]", Pattern.UNICODE_CHARACTER_CLASS);

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
     * Splits a text into lower-cased words and single punctuation marks.
     *
     * @param text the text; not modified
     * @return the tokens in text order
     */
    @Override
    public List<String> tokenize(CharSequence text) {
        String s = lowerCase ? text.toString().toLowerCase(Locale.ROOT) : text.toString();
        List<String> tokens = new ArrayList<>();
        Matcher m = WORD_OR_MARK.matcher(s);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
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
