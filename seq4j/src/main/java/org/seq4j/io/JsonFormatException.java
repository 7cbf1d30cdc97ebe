package org.seq4j.io;

import java.io.IOException;

/**
 * Thrown by {@link JsonReader} when its input is not JSON as RFC 8259 defines it (or breaks one of the
 * reader's documented limits, such as a duplicate key). The message says what is wrong and at which
 * byte offset, after the prefix the reader was given (typically the name of the file).
 */
public final class JsonFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and where
     */
    public JsonFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the lower-level failure that revealed the problem.
     *
     * @param message what is wrong and where
     * @param cause   the lower-level failure, such as a character coding error
     */
    public JsonFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
