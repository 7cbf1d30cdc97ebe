package org.seq4j.examples.define;

/**
 * A problem with the command line or an input file of the define example: reported as one line, exit
 * status 2.
 */
final class DefineException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean usage;

    private DefineException(String message, boolean usage) {
        super(message);
        this.usage = usage;
    }

    /** A bad option or option value; the report points to {@code --help}. */
    static DefineException usage(String message) {
        return new DefineException(message, true);
    }

    /** A file that is missing or not in the expected format. */
    static DefineException input(String message) {
        return new DefineException(message, false);
    }

    /** Whether the report should point to {@code --help}. */
    boolean isUsage() {
        return usage;
    }
}
