package org.seq4j.text;

import java.io.IOException;

/**
 * A vocabulary file (or JSON text) that cannot be loaded: not JSON, not a seq4j vocabulary of the
 * expected kind, or inconsistent (a token listed twice, an unknown special token, counts that do not
 * match the tokens). The message names the source and says what is wrong; no vocabulary is built from
 * such a file.
 */
public final class VocabularyFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the source
     */
    public VocabularyFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong, naming the source
     * @param cause   the underlying error, such as a {@link org.seq4j.io.JsonFormatException}
     */
    public VocabularyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
