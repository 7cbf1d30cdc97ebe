package org.seq4j.embed;

import java.io.IOException;

/**
 * A word-vector file is not in the word2vec text or binary format: a bad header, a line with the wrong
 * number of values, a value that is not a number, or a file that ends early. The message names the file
 * and the line (text) or byte offset (binary) and what was expected there.
 */
public final class WordVectorsFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and where
     */
    public WordVectorsFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong and where
     * @param cause   the underlying failure, such as a {@link NumberFormatException}
     */
    public WordVectorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
