package org.seq4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordered, named registry of a model's parameters, like PyTorch's {@code named_parameters()}.
 *
 * <p>Zeroing gradients, optimizers, clipping, gradient checks, checkpoints and parameter counts all walk
 * this one registry, in insertion order. Composite modules add their children's registries with a prefix
 * ({@code encoder.} + {@code weight_ih_l0}); the entries are renamed views sharing the children's values
 * and gradients. Names are unique.
 */
public final class Parameters implements Iterable<Parameter> {

    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final List<Parameter> ordered = new ArrayList<>();

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
     * Appends a parameter.
     *
     * @param parameter the parameter
     * @return this registry
     * @throws IllegalArgumentException if a parameter of the same name is already registered
     */
    public Parameters add(Parameter parameter) {
        if (byName.putIfAbsent(parameter.name(), parameter) != null) {
            throw new IllegalArgumentException("duplicate parameter name: " + parameter.name());
        }
        ordered.add(parameter);
        return this;
    }

    /**
     * Appends every parameter of a child registry under {@code prefix + name}.
     *
     * @param prefix prefix for the child's names, usually ending in {@code "."}
     * @param child  the child's registry; not modified
     * @return this registry
     * @throws IllegalArgumentException on a duplicate name
     */
    public Parameters addAll(String prefix, Parameters child) {
        for (Parameter p : child) {
            add(p.withName(prefix + p.name()));
        }
        return this;
    }

    /**
     * Looks up a parameter by name.
     *
     * @param name the full name
     * @return the parameter
     * @throws IllegalArgumentException if there is none of that name; the message lists the names
     */
    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'; have " + byName.keySet());
        }
        return p;
    }

    /**
     * The parameter at a position in registration order. Loops over {@code 0 .. size() − 1} with this
     * method allocate nothing, unlike an iterator, so hot paths (clipping, optimizer steps) use it.
     *
     * @param index position, in {@code [0, size())}
     * @return the parameter
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public Parameter get(int index) {
        return ordered.get(index);
    }

    /**
     * Tells whether a parameter of that name is registered.
     *
     * @param name the full name
     * @return true if present
     */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * Number of parameters (tensors).
     *
     * @return the count
     */
    public int size() {
        return byName.size();
    }

    /**
     * Total number of scalar elements over all parameters.
     *
     * @return the parameter count of the model
     */
    public long numElements() {
        long n = 0;
        for (Parameter p : byName.values()) {
            n += p.numElements();
        }
        return n;
    }

    /**
     * The names in registration order.
     *
     * @return an unmodifiable list
     */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }

    /**
     * The parameters in registration order.
     *
     * @return an unmodifiable list
     */
    public List<Parameter> list() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    /** Sets every gradient to zero. */
    public void zeroGrad() {
        for (int i = 0; i < ordered.size(); i++) {
            ordered.get(i).zeroGrad();
        }
    }

    /**
     * Iterates the parameters in registration order.
     *
     * @return an iterator that does not support removal
     */
    @Override
    public Iterator<Parameter> iterator() {
        return Collections.unmodifiableCollection(byName.values()).iterator();
    }

    /**
     * Lists the names and shapes.
     *
     * @return e.g. {@code [weight[4, 3], bias[4]]}
     */
    @Override
    public String toString() {
        return byName.values().toString();
    }
}
