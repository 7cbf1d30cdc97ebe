package org.seq4j.seq2seq;

import java.io.IOException;

/**
 * A parallel corpus file cannot be read as one: a line that is not valid UTF-8, a compressed file that is
 * not gzip or is cut short, or a file without a single {@code source<TAB>target} pair. The message names
 * the file and, for a bad line, its number.
 */
public final class ParallelCorpusFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The number of the bad line (from 1), or 0 when the problem is not one line's. */
    private final long lineNumber;

    /**
     * Creates the exception.
     *
     * @param lineNumber the number of the bad line, from 1, or 0 when the problem concerns the whole file
     * @param message    what is wrong, naming the file and the line
     * @param cause      the underlying exception, or null
     */
    public ParallelCorpusFormatException(long lineNumber, String message, Throwable cause) {
        super(message, cause);
        this.lineNumber = lineNumber;
    }

    /**
     * Where the problem is.
     *
     * @return the number of the bad line, from 1, or 0 when the problem concerns the whole file
     */
    public long lineNumber() {
        return lineNumber;
    }
}
