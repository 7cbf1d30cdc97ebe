package org.seq4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a state dict file matched a parameter registry: the names loaded, and the three kinds of mismatch
 * that PyTorch's {@code load_state_dict} reports.
 *
 * <ul>
 *   <li><b>missing</b>: parameters for which the file holds no tensor (PyTorch's {@code missing_keys});</li>
 *   <li><b>unexpected</b>: tensors of the file that name no parameter ({@code unexpected_keys});</li>
 *   <li><b>mismatched</b>: names present in both whose tensor cannot be loaded into the parameter: another
 *       shape ({@code [C]} and {@code [1, C]} differ) or a dtype other than F32, a NaN or infinite value (a
 *       model saved while diverging), or a name that shares its matrix with another (tied weights) but holds
 *       other values than it in the file.</li>
 * </ul>
 *
 * Immutable. {@link StateDict#load(Parameters, java.nio.file.Path, boolean)} returns one after a
 * non-strict load; a strict load that finds any mismatch throws a {@link StateDictMismatchException}
 * carrying one.
 */
public final class StateDictReport {

    private final String source;
    private final List<String> loaded;
    private final List<String> missing;
    private final List<String> unexpected;
    private final Map<String, String> mismatched;

    StateDictReport(String source, List<String> loaded, List<String> missing, List<String> unexpected,
                    Map<String, String> mismatched) {
        this.source = source;
        this.loaded = Collections.unmodifiableList(new ArrayList<>(loaded));
        this.missing = Collections.unmodifiableList(new ArrayList<>(missing));
        this.unexpected = Collections.unmodifiableList(new ArrayList<>(unexpected));
        this.mismatched = Collections.unmodifiableMap(new LinkedHashMap<>(mismatched));
    }

    /**
     * The names whose tensors were loaded (or, in a strict load that failed, would have been).
     *
     * @return an unmodifiable list in registration order
     */
    public List<String> loaded() {
        return loaded;
    }

    /**
     * The parameters the file has no tensor for. A parameter registered under several names (tied weights)
     * is missing only if the file holds none of them.
     *
     * @return an unmodifiable list of names in registration order
     */
    public List<String> missing() {
        return missing;
    }

    /**
     * The tensors of the file that name no parameter.
     *
     * @return an unmodifiable list of names in file order
     */
    public List<String> unexpected() {
        return unexpected;
    }

    /**
     * The names present in both whose tensor does not fit the parameter (shape, dtype, or values differing
     * from a tied name's); {@link #toString()} says why for each.
     *
     * @return an unmodifiable list of names in registration order
     */
    public List<String> mismatched() {
        return List.copyOf(mismatched.keySet());
    }

    /**
     * Tells whether the file matched exactly: nothing missing, unexpected or mismatched.
     *
     * @return true if every parameter was loaded and every tensor used
     */
    public boolean isComplete() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /**
     * Describes the outcome, one line per kind of mismatch, each mismatched name with the reason.
     *
     * @return e.g. {@code model.safetensors: 7 loaded, 1 missing, 2 unexpected, 1 mismatched
     *         \n  missing: [extra.weight] ...}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source).append(": ").append(loaded.size()).append(" loaded, ")
                .append(missing.size()).append(" missing, ").append(unexpected.size()).append(" unexpected, ")
                .append(mismatched.size()).append(" mismatched");
        if (!missing.isEmpty()) {
            sb.append("\n  missing: ").append(missing);
        }
        if (!unexpected.isEmpty()) {
            sb.append("\n  unexpected: ").append(unexpected);
        }
        for (Map.Entry<String, String> e : mismatched.entrySet()) {
            sb.append("\n  mismatched: ").append(e.getKey()).append(": ").append(e.getValue());
        }
        return sb.toString();
    }
}
