package org.seq4j.lm;

import java.io.IOException;

/**
 * A file that cannot be loaded as a seq4j character language model checkpoint: not a safetensors file,
 * truncated or corrupted, written by something else, or inconsistent with itself. The message names the
 * file and says what is wrong; no model is built from such a file.
 */
public final class CheckpointFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the file
     */
    public CheckpointFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is wrong, naming the file
     * @param cause   the underlying error
     */
    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
