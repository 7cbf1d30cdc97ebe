package org.seq4j.io;

import java.io.IOException;

/**
 * A file that cannot be loaded as a seq4j checkpoint ({@link Checkpoint}): not a safetensors file,
 * truncated, a directory, corrupted (its checksum does not match its contents), written by something
 * else or for another kind of model, written in an earlier checkpoint format, or inconsistent with the
 * model it describes (a missing tensor, a wrong shape, a non-finite weight). The message names the file
 * and says what is wrong; nothing is built from such a file.
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
