package org.seq4j.text;

import java.util.List;

/**
 * Splits a text into tokens: the first step from raw text to the ids of a {@link WordVocabulary}.
 * Implementations are immutable and safe to share between threads.
 */
@FunctionalInterface
public interface Tokenizer {

    /**
     * Splits a text into tokens.
     *
     * @param text the text; not modified
     * @return the tokens in text order, each non-empty; a new list
     */
    List<String> tokenize(CharSequence text);
}
