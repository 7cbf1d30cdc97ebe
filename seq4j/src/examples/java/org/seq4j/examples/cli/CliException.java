package org.seq4j.examples.cli;

/**
 * A failure reported to the user as one line: what went wrong and what to do, with an exit status.
 * Thrown by the example mains and by the checks of this package; {@link Cli#run} prints it.
 */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit status of bad usage or bad input: an option, a file, a size the heap cannot hold. */
    public static final int BAD_INPUT = 2;
    /** Exit status of a failure during the work. */
    public static final int FAILURE = 1;

    private final int exitStatus;
    private final boolean showHelpHint;

    private CliException(String message, int exitStatus, boolean showHelpHint, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
        this.showHelpHint = showHelpHint;
    }

    /**
     * A bad command line (unknown or repeated option, bad value); the handler adds a pointer to
     * {@code --help}. Exit status 2.
     *
     * @param message the problem, e.g. {@code "--hidden must be a whole number from 1 to 100000 but was '1e10'"}
     * @return the exception
     */
    public static CliException usage(String message) {
        return new CliException(message, BAD_INPUT, true, null);
    }

    /**
     * A bad input (a file that is missing, not text, not a checkpoint, or a size the heap cannot hold); the
     * message says what to do. Exit status 2.
     *
     * @param message the problem and what to do
     * @return the exception
     */
    public static CliException input(String message) {
        return new CliException(message, BAD_INPUT, false, null);
    }

    /**
     * A bad input found by a library check, kept as the cause for {@code --verbose}. Exit status 2.
     *
     * @param message the problem and what to do
     * @param cause   the library's exception
     * @return the exception
     */
    public static CliException input(String message, Throwable cause) {
        return new CliException(message, BAD_INPUT, false, cause);
    }

    /**
     * A failure during the work (training diverged, a write failed). Exit status 1.
     *
     * @param message the problem and what to do
     * @param cause   the underlying exception, or null
     * @return the exception
     */
    public static CliException failure(String message, Throwable cause) {
        return new CliException(message, FAILURE, false, cause);
    }

    /**
     * The process exit status.
     *
     * @return 2 for bad usage or input, 1 for a failure during the work
     */
    public int exitStatus() {
        return exitStatus;
    }

    /**
     * Whether the one-line message should end with a pointer to {@code --help}.
     *
     * @return true for a bad command line
     */
    boolean showHelpHint() {
        return showHelpHint;
    }
}
