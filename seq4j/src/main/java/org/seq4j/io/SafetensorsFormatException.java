package org.seq4j.io;

import java.io.IOException;

/**
 * Thrown when bytes that should hold a safetensors file do not: a header length out of bounds, a header
 * that is not a valid UTF-8 JSON object, an entry with a missing or ill-typed field, an unsupported dtype,
 * a shape that does not match its byte range, a byte range outside the data or overlapping another one.
 *
 * <p>The message says what is wrong and where: the tensor name, the header field, or the byte offset in
 * the header. Reading never fails on malformed input with any other exception type.
 */
public final class SafetensorsFormatException extends IOException {

    /**
     * Creates the exception.
     *
     * @param message what is wrong and where
     */
    public SafetensorsFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the lower-level failure that revealed the problem.
     *
     * @param message what is wrong and where
     * @param cause   the lower-level failure
     */
    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
