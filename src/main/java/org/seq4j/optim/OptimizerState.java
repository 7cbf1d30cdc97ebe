package org.seq4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

/**
 * An immutable snapshot of an optimizer's state, for saving a training run and resuming it exactly.
 *
 * <p>The state holds the learning rate and, for every parameter that has been stepped at least once, its
 * step count and its named buffers, each a float32 tensor of the parameter's shape. The buffer names are
 * those of {@code torch.optim}'s {@code state_dict()}:
 * <pre>
 *   optimizer   buffers (in this order)
 *   Sgd         momentum_buffer                     (only if momentum ≠ 0)
 *   Adagrad     sum
 *   RmsProp     square_avg, momentum_buffer, grad_avg (the last two only with momentum &gt; 0 / centered)
 *   Adam        exp_avg, exp_avg_sq, max_exp_avg_sq  (the last only with amsgrad)
 *   AdamW       exp_avg, exp_avg_sq, max_exp_avg_sq  (the last only with amsgrad)
 * </pre>
 *
 * <p>A checkpoint writes the state as flat named tensors, {@code prefix + parameter + "." + buffer}
 * (e.g. {@code optim.encoder.weight_ih_l0.exp_avg}) from {@link #flatBuffers(String)}, and the step counts
 * as {@code prefix + parameter + ".step"} from {@link #flatSteps(String)}; {@link #fromFlat} reads them back.
 * Step counts are kept as {@code long}, so a checkpoint should store them as 64-bit integers.
 *
 * <p>Arrays passed in are copied and arrays handed out are copies, so a snapshot never changes.
 */
public final class OptimizerState {

    /** The name under which a parameter's step count is stored in the flat form. */
    public static final String STEP = "step";

    private final double learningRate;
    private final Map<String, ParameterState> byParameter;

    private OptimizerState(double learningRate, Map<String, ParameterState> byParameter) {
        this.learningRate = learningRate;
        this.byParameter = byParameter;
    }

    /**
     * Starts an empty state.
     *
     * @param learningRate the optimizer's current learning rate; finite and ≥ 0
     * @return a builder
     * @throws IllegalArgumentException if the learning rate is negative or not finite
     */
    public static Builder builder(double learningRate) {
        return new Builder(learningRate);
    }

    /**
     * The learning rate at the time of the snapshot.
     *
     * @return the learning rate
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * The names of the parameters that have state, in the optimizer's parameter order.
     *
     * @return an unmodifiable list
     */
    public List<String> parameterNames() {
        return Collections.unmodifiableList(new ArrayList<>(byParameter.keySet()));
    }

    /**
     * Tells whether a parameter has state.
     *
     * @param parameter the parameter's name
     * @return true if the parameter has been stepped at least once
     */
    public boolean contains(String parameter) {
        return byParameter.containsKey(parameter);
    }

    /**
     * The state of one parameter.
     *
     * @param parameter the parameter's name
     * @return its state
     * @throws IllegalArgumentException if there is none; the message lists the parameters that have state
     */
    public ParameterState get(String parameter) {
        ParameterState s = byParameter.get(parameter);
        if (s == null) {
            throw new IllegalArgumentException(
                    "no optimizer state for parameter '" + parameter + "'; have " + byParameter.keySet());
        }
        return s;
    }

    /**
     * The buffers as flat named tensors, {@code prefix + parameter + "." + buffer}, in parameter order.
     *
     * @param prefix prefix of every name, e.g. {@code "optim."}; may be empty
     * @return an ordered map from name to a copy of the buffer (row-major, the parameter's shape)
     */
    public Map<String, float[]> flatBuffers(String prefix) {
        Map<String, float[]> flat = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterState> e : byParameter.entrySet()) {
            for (String buffer : e.getValue().bufferNames()) {
                flat.put(prefix + e.getKey() + "." + buffer, e.getValue().buffer(buffer));
            }
        }
        return flat;
    }

    /**
     * The step counts as flat named scalars, {@code prefix + parameter + ".step"}, in parameter order.
     *
     * @param prefix prefix of every name, e.g. {@code "optim."}; may be empty
     * @return an ordered map from name to step count
     */
    public Map<String, Long> flatSteps(String prefix) {
        Map<String, Long> flat = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterState> e : byParameter.entrySet()) {
            flat.put(prefix + e.getKey() + "." + STEP, e.getValue().step());
        }
        return flat;
    }

    /**
     * Rebuilds a state from its flat form, resolving names and shapes against a parameter registry.
     *
     * <p>Every name must be {@code prefix + p + "." + suffix} for a parameter {@code p} of the registry
     * (names may themselves contain dots); every parameter with a buffer must have a step count and the
     * other way round; buffer lengths must match the parameters' element counts. Which buffer names are
     * right for a given optimizer is checked by {@link Optimizer#importState(OptimizerState)}.
     *
     * @param prefix       prefix of every name, as given to {@link #flatBuffers(String)}
     * @param learningRate the learning rate to restore
     * @param buffers      flat buffers; not modified
     * @param steps        flat step counts; not modified
     * @param parameters   the registry that gives the parameter names, order and shapes; not modified
     * @return the state, its parameters in registry order
     * @throws IllegalArgumentException on a name that does not resolve, a missing step count or buffer,
     *                                  or a wrong length; the message names the tensor
     */
    public static OptimizerState fromFlat(String prefix, double learningRate, Map<String, float[]> buffers,
                                          Map<String, Long> steps, Parameters parameters) {
        Map<String, Long> stepOf = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : steps.entrySet()) {
            String[] split = split(prefix, e.getKey(), parameters);
            if (!split[1].equals(STEP)) {
                throw new IllegalArgumentException(
                        "step count '" + e.getKey() + "' must end in '." + STEP + "'");
            }
            stepOf.put(split[0], e.getValue());
        }
        Map<String, Map<String, float[]>> buffersOf = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            String[] split = split(prefix, e.getKey(), parameters);
            if (split[1].equals(STEP)) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is a step count, not a buffer");
            }
            if (!stepOf.containsKey(split[0])) {
                throw new IllegalArgumentException("buffer '" + e.getKey() + "' has no step count '"
                        + prefix + split[0] + "." + STEP + "'");
            }
            buffersOf.computeIfAbsent(split[0], k -> new LinkedHashMap<>()).put(split[1], e.getValue());
        }
        Builder builder = builder(learningRate);
        for (Parameter p : parameters) {
            Long step = stepOf.get(p.name());
            if (step != null) {
                builder.add(p.name(), step, p.shape(), buffersOf.getOrDefault(p.name(), Map.of()));
            }
        }
        return builder.build();
    }

    /** Splits {@code prefix + parameter + "." + suffix} into parameter and suffix. */
    private static String[] split(String prefix, String name, Parameters parameters) {
        if (!name.startsWith(prefix)) {
            throw new IllegalArgumentException("optimizer state name '" + name + "' must start with '" + prefix + "'");
        }
        String rest = name.substring(prefix.length());
        // Parameter names may contain dots; the suffix (buffer or step) never does.
        int dot = rest.lastIndexOf('.');
        if (dot <= 0 || dot == rest.length() - 1 || !parameters.contains(rest.substring(0, dot))) {
            throw new IllegalArgumentException("optimizer state name '" + name
                    + "' is not '" + prefix + "<parameter>.<buffer>' for a parameter of " + parameters.names());
        }
        return new String[] {rest.substring(0, dot), rest.substring(dot + 1)};
    }

    /**
     * Lists parameters, step counts and buffer names.
     *
     * @return e.g. {@code OptimizerState[lr=0.001, weight: step 3 [exp_avg, exp_avg_sq]]}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("OptimizerState[lr=").append(learningRate);
        for (Map.Entry<String, ParameterState> e : byParameter.entrySet()) {
            sb.append(", ").append(e.getKey()).append(": step ").append(e.getValue().step())
                    .append(' ').append(e.getValue().bufferNames());
        }
        return sb.append(']').toString();
    }

    /** The state of one parameter: its step count and its named buffers. Immutable. */
    public static final class ParameterState {

        private final long step;
        private final int[] shape;
        private final Map<String, float[]> buffers;

        private ParameterState(long step, int[] shape, Map<String, float[]> buffers) {
            this.step = step;
            this.shape = shape;
            this.buffers = buffers;
        }

        /**
         * How many times the parameter has been stepped.
         *
         * @return the step count, ≥ 1
         */
        public long step() {
            return step;
        }

        /**
         * The parameter's PyTorch shape, which every buffer has.
         *
         * @return a copy of the shape, {@code [C]} or {@code [R, C]}
         */
        public int[] shape() {
            return shape.clone();
        }

        /**
         * The buffer names, in the optimizer's order (see {@link OptimizerState}).
         *
         * @return an unmodifiable list; empty for plain SGD
         */
        public List<String> bufferNames() {
            return Collections.unmodifiableList(new ArrayList<>(buffers.keySet()));
        }

        /**
         * One buffer.
         *
         * @param name the buffer's name, e.g. {@code exp_avg}
         * @return a copy of its elements, row-major
         * @throws IllegalArgumentException if there is no buffer of that name
         */
        public float[] buffer(String name) {
            float[] b = buffers.get(name);
            if (b == null) {
                throw new IllegalArgumentException("no buffer '" + name + "'; have " + buffers.keySet());
            }
            return b.clone();
        }

        /** Reads a buffer without copying; for the optimizers' import. */
        float[] bufferView(String name) {
            return buffers.get(name);
        }
    }

    /** Collects parameter states in order; validates each as it is added. */
    public static final class Builder {

        private final double learningRate;
        private final Map<String, ParameterState> byParameter = new LinkedHashMap<>();

        private Builder(double learningRate) {
            this.learningRate = Optimizers.checkLearningRate(learningRate);
        }

        /**
         * Adds the state of one parameter.
         *
         * @param parameter the parameter's name
         * @param step      how many times it has been stepped; ≥ 1
         * @param shape     its PyTorch shape, {@code [C]} or {@code [R, C]}; copied
         * @param buffers   its buffers by name, in order, each with as many elements as the shape; copied
         * @return this builder
         * @throws IllegalArgumentException on a duplicate parameter, a step count below 1, a bad shape or a
         *                                  buffer of the wrong length
         */
        public Builder add(String parameter, long step, int[] shape, Map<String, float[]> buffers) {
            if (byParameter.containsKey(parameter)) {
                throw new IllegalArgumentException("duplicate optimizer state for parameter '" + parameter + "'");
            }
            if (step < 1) {
                throw new IllegalArgumentException(
                        "step count of '" + parameter + "' must be ≥ 1 but was " + step);
            }
            long elements = 1;
            for (int d : shape) {
                elements *= d;
            }
            if (shape.length < 1 || shape.length > 2 || elements < 1) {
                throw new IllegalArgumentException("shape of '" + parameter
                        + "' must be 1-D or 2-D and positive but was " + Arrays.toString(shape));
            }
            Map<String, float[]> copies = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : buffers.entrySet()) {
                if (e.getValue().length != elements) {
                    throw new IllegalArgumentException("buffer '" + e.getKey() + "' of '" + parameter
                            + "' must have " + elements + " elements (shape " + Arrays.toString(shape)
                            + ") but had " + e.getValue().length);
                }
                copies.put(e.getKey(), e.getValue().clone());
            }
            byParameter.put(parameter, new ParameterState(step, shape.clone(), copies));
            return this;
        }

        /**
         * Builds the immutable state.
         *
         * @return the state
         */
        public OptimizerState build() {
            return new OptimizerState(learningRate, new LinkedHashMap<>(byParameter));
        }
    }
}
