package org.seq4j.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text on ASCII white space, the corpus format of {@code word2vec.c} and of
 * {@link org.seq4j.embed.Word2VecTrainer}: a token is a maximal run of characters other than space, tab,
 * line feed, carriage return, form feed and vertical tab. Nothing else is changed: case and punctuation
 * are kept, and non-ASCII white space (a no-break space, say) belongs to a token, exactly as word2vec
 * reads its files (which it splits byte by byte; UTF-8 never uses those six byte values inside a
 * character). Word2vec also treats a line end as the end of a sentence; split the lines first to keep
 * that.
 */
public final class WhitespaceTokenizer implements Tokenizer {

    /** Creates the tokenizer. */
    public WhitespaceTokenizer() {
    }

    /**
     * Whether a character (or a byte of UTF-8, sign-extended or not) separates tokens: one of the six
     * ASCII white-space characters.
     *
     * @param c a character, code point or byte value
     * @return true for space, tab, line feed, carriage return, form feed and vertical tab
     */
    public static boolean isSeparator(int c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /**
     * Splits a text on ASCII white space.
     *
     * @param text the text; not modified
     * @return the tokens in text order
     */
    @Override
    public List<String> tokenize(CharSequence text) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            if (isSeparator(text.charAt(i))) {
                if (start >= 0) {
                    tokens.add(text.subSequence(start, i).toString());
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            tokens.add(text.subSequence(start, text.length()).toString());
        }
        return tokens;
    }

    /**
     * Describes the tokenizer.
     *
     * @return {@code WhitespaceTokenizer}
     */
    @Override
    public String toString() {
        return "WhitespaceTokenizer";
    }
}
