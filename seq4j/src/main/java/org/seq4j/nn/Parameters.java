package org.seq4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;

/**
 * The ordered, named registry of a model's parameters, like PyTorch's {@code named_parameters()}.
 *
 * <p>Zeroing gradients, optimizers, clipping, gradient checks, checkpoints and parameter counts all walk
 * this one registry, in insertion order. Composite modules add their children's registries with a prefix
 * ({@code encoder.} + {@code weight_ih_l0}); the entries are renamed views sharing the children's values
 * and gradients. Names are unique.
 *
 * <p><b>Shared parameters.</b> A parameter registered a second time — the same value matrix under another
 * name, e.g. an embedding table that is also the weight of the output layer ({@code embedding.weight} and
 * {@code decoder.weight}), or one encoder added under two prefixes — is kept once: iteration,
 * {@link #size()}, {@link #get(int)}, {@link #list()}, {@link #names()}, {@link #numElements()} and
 * {@link #zeroGrad()} see it once, under the name it was first registered with, so that an optimizer or a
 * clipping step updates it once. Every use of the shared parameter adds into its one gradient. The later
 * names are kept as <em>aliases</em> of the first ({@link #aliases()}), and {@link #stateDictNames()} lists
 * every name in registration order, as PyTorch's {@code named_parameters()} de-duplicates while
 * {@code state_dict()} lists both names.
 */
public final class Parameters implements Iterable<Parameter> {

    /** The distinct parameters by their first name, in registration order. */
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final List<Parameter> ordered = new ArrayList<>();
    /** The distinct parameters by their value matrix (identity), to recognise a second registration. */
    private final Map<FMatrixRMaj, Parameter> byValue = new IdentityHashMap<>();
    /** Alias name → the parameter (under its first name), in registration order. */
    private final Map<String, Parameter> aliases = new LinkedHashMap<>();
    /** Every name, first names and aliases, in registration order. */
    private final List<String> stateDictNames = new ArrayList<>();

    /** Creates an empty registry. */
    public Parameters() {
    }

    /**
     * Creates a registry of the given parameters, in order.
     *
     * @param parameters the parameters; their names must be unique
     * @return the registry
     * @throws IllegalArgumentException on a duplicate name
     */
    public static Parameters of(Parameter... parameters) {
        Parameters registry = new Parameters();
        for (Parameter p : parameters) {
            registry.add(p);
        }
        return registry;
    }

    /**
     * Appends a parameter. If its value matrix is already registered (a shared parameter under another
     * name), its name becomes an alias of the registered one and nothing else changes.
     *
     * @param parameter the parameter
     * @return this registry
     * @throws IllegalArgumentException if the name is already registered, as a name or as an alias
     */
    public Parameters add(Parameter parameter) {
        String name = parameter.name();
        if (contains(name)) {
            throw new IllegalArgumentException("duplicate parameter name: " + name);
        }
        Parameter first = byValue.get(parameter.value());
        if (first != null) {
            aliases.put(name, first);
        } else {
            byValue.put(parameter.value(), parameter);
            byName.put(name, parameter);
            ordered.add(parameter);
        }
        stateDictNames.add(name);
        return this;
    }

    /**
     * Appends every name of a child registry, aliases included, under {@code prefix + name}, in the child's
     * {@link #stateDictNames()} order; a parameter that this registry already holds becomes an alias.
     *
     * @param prefix prefix for the child's names, usually ending in {@code "."}
     * @param child  the child's registry; not modified
     * @return this registry
     * @throws IllegalArgumentException on a duplicate name
     */
    public Parameters addAll(String prefix, Parameters child) {
        for (String name : child.stateDictNames) {
            add(child.get(name).withName(prefix + name));
        }
        return this;
    }

    /**
     * Looks up a parameter by name or alias.
     *
     * @param name the full name, or an alias
     * @return the parameter, under the name it was first registered with
     * @throws IllegalArgumentException if there is none of that name; the message lists the names
     */
    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            p = aliases.get(name);
        }
        if (p == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'; have " + stateDictNames);
        }
        return p;
    }

    /**
     * The parameter at a position in registration order (shared parameters counted once). Loops over
     * {@code 0 .. size() − 1} with this method allocate nothing, unlike an iterator, so hot paths (clipping,
     * optimizer steps) use it.
     *
     * @param index position, in {@code [0, size())}
     * @return the parameter
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public Parameter get(int index) {
        return ordered.get(index);
    }

    /**
     * Tells whether a parameter of that name, or an alias of that name, is registered.
     *
     * @param name the full name
     * @return true if present
     */
    public boolean contains(String name) {
        return byName.containsKey(name) || aliases.containsKey(name);
    }

    /**
     * Number of distinct parameters (tensors); a shared parameter counts once.
     *
     * @return the count
     */
    public int size() {
        return ordered.size();
    }

    /**
     * Total number of scalar elements over the distinct parameters; a shared parameter counts once.
     *
     * @return the parameter count of the model
     */
    public long numElements() {
        long n = 0;
        for (Parameter p : ordered) {
            n += p.numElements();
        }
        return n;
    }

    /**
     * The names of the distinct parameters in registration order (aliases left out).
     *
     * @return an unmodifiable list
     */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }

    /**
     * The aliases: every name under which an already registered parameter was registered again, mapped to
     * the name it was first registered with, in registration order.
     *
     * @return an unmodifiable map, e.g. {@code {decoder.weight=embedding.weight}}; empty without sharing
     */
    public Map<String, String> aliases() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : aliases.entrySet()) {
            out.put(e.getKey(), e.getValue().name());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Every registered name, first names and aliases, in registration order: the keys of PyTorch's
     * {@code state_dict()} for the same module tree. {@link #get(String)} resolves each of them.
     *
     * @return an unmodifiable list
     */
    public List<String> stateDictNames() {
        return Collections.unmodifiableList(new ArrayList<>(stateDictNames));
    }

    /**
     * The distinct parameters in registration order.
     *
     * @return an unmodifiable list
     */
    public List<Parameter> list() {
        return Collections.unmodifiableList(new ArrayList<>(ordered));
    }

    /** Sets every gradient to zero (a shared parameter's once). */
    public void zeroGrad() {
        for (int i = 0; i < ordered.size(); i++) {
            ordered.get(i).zeroGrad();
        }
    }

    /**
     * Iterates the distinct parameters in registration order.
     *
     * @return an iterator that does not support removal
     */
    @Override
    public Iterator<Parameter> iterator() {
        return Collections.unmodifiableList(ordered).iterator();
    }

    /**
     * Lists the names and shapes of the distinct parameters, then the aliases.
     *
     * @return e.g. {@code [weight[4, 3], bias[4]]} or {@code [embedding.weight[10, 4], decoder.bias[10]]
     *         aliases {decoder.weight=embedding.weight}}
     */
    @Override
    public String toString() {
        return aliases.isEmpty() ? ordered.toString() : ordered + " aliases " + aliases();
    }
}
