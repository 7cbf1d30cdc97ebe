package org.seq4j.nn;

import java.io.IOException;
import java.util.List;

/**
 * Thrown by a strict state dict load when the file does not match the parameters: every missing,
 * unexpected and mismatched name is listed together, in the message and through the accessors, so that
 * one attempt shows everything to fix. No parameter is modified when it is thrown.
 *
 * <p>A file that is not a valid safetensors file fails earlier, with
 * {@link org.seq4j.io.SafetensorsFormatException}.
 */
public final class StateDictMismatchException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The outcome; not serialized with the exception (its lists are in the message). */
    private final transient StateDictReport report;

    StateDictMismatchException(StateDictReport report) {
        super("state dict does not match the parameters; " + report);
        this.report = report;
    }

    /**
     * The full outcome of the comparison.
     *
     * @return the report, including the names that matched
     */
    public StateDictReport report() {
        return report;
    }

    /**
     * The parameters the file has no tensor for.
     *
     * @return an unmodifiable list of names in registration order
     */
    public List<String> missing() {
        return report.missing();
    }

    /**
     * The tensors of the file that name no parameter.
     *
     * @return an unmodifiable list of names in file order
     */
    public List<String> unexpected() {
        return report.unexpected();
    }

    /**
     * The names present in both whose tensor does not fit the parameter (the message says why for each).
     *
     * @return an unmodifiable list of names in registration order
     */
    public List<String> mismatched() {
        return report.mismatched();
    }
}
