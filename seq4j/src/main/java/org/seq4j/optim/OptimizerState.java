package org.seq4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seq4j.io.DType;
import org.seq4j.io.NamedTensor;
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
 * <p>A checkpoint writes the state as named tensors ({@link #toTensors(String)}) into the same
 * safetensors file as the model, under a prefix: {@code optim.encoder.weight_ih_l0.exp_avg} (F32),
 * {@code optim.encoder.weight_ih_l0.step} (I64) and {@code optim.learning_rate} (F64);
 * {@link #fromTensors(String, List, Parameters)} reads them back.
 *
 * <p>Arrays passed in are copied and arrays handed out are copies, so a snapshot never changes.
 */
public final class OptimizerState {

    /** The suffix of a parameter's step count in {@link #toTensors(String)}: {@code prefix + parameter + ".step"}. */
    public static final String STEP = "step";

    /** The name of the learning rate in {@link #toTensors(String)}, after the prefix. */
    public static final String LEARNING_RATE = "learning_rate";

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
     * The state as named tensors for a checkpoint, in parameter order: for each parameter {@code p} with
     * state, {@code prefix + p + ".step"} (I64, shape {@code []}) followed by {@code prefix + p + "." + buffer}
     * (F32, the parameter's shape) for each buffer; last, {@code prefix + "learning_rate"} (F64, shape
     * {@code []}).
     *
     * @param prefix prefix of every name, e.g. {@code "optim."}; may be empty
     * @return the tensors, e.g. {@code optim.encoder.weight_ih_l0.step}, {@code optim.encoder.weight_ih_l0.exp_avg},
     *         ..., {@code optim.learning_rate}
     */
    public List<NamedTensor> toTensors(String prefix) {
        List<NamedTensor> tensors = new ArrayList<>();
        for (Map.Entry<String, ParameterState> e : byParameter.entrySet()) {
            ParameterState s = e.getValue();
            tensors.add(NamedTensor.of(prefix + e.getKey() + "." + STEP, new long[] {s.step()}));
            for (Map.Entry<String, float[]> b : s.buffers.entrySet()) {
                tensors.add(NamedTensor.of(prefix + e.getKey() + "." + b.getKey(), b.getValue(), s.shape));
            }
        }
        tensors.add(NamedTensor.of(prefix + LEARNING_RATE, new double[] {learningRate}));
        return tensors;
    }

    /**
     * Rebuilds a state from the tensors {@link #toTensors(String)} wrote, resolving names and shapes against
     * a parameter registry. Tensors whose names do not start with the prefix are ignored, so a whole
     * checkpoint (model weights and optimizer state) may be passed; with an empty prefix, every tensor must
     * belong to the state.
     *
     * <p>Every other name must be {@code prefix + p + "." + suffix} for a parameter {@code p} of the
     * registry (names may themselves contain dots): a step count (I64, shape {@code []}, ≥ 1) or a buffer
     * (F32, the parameter's shape), and every parameter with a buffer needs a step count. Which buffer
     * names are right for a given optimizer is checked by {@link Optimizer#importState(OptimizerState)}.
     *
     * @param prefix     prefix of the state's names, as given to {@link #toTensors(String)}
     * @param tensors    the tensors; not modified
     * @param parameters the registry that gives the parameter names, order and shapes; not modified
     * @return the state, its parameters in registry order
     * @throws IllegalArgumentException on a missing {@code learning_rate}, a name that does not resolve, a
     *                                  wrong dtype or shape, a duplicate, or a buffer without a step count;
     *                                  the message names the tensor
     */
    public static OptimizerState fromTensors(String prefix, List<NamedTensor> tensors, Parameters parameters) {
        Double learningRate = null;
        Map<String, Long> stepOf = new LinkedHashMap<>();
        Map<String, Map<String, float[]>> buffersOf = new LinkedHashMap<>();
        for (NamedTensor t : tensors) {
            String name = t.name();
            if (!name.startsWith(prefix)) {
                continue;
            }
            if (name.equals(prefix + LEARNING_RATE)) {
                checkType(t, DType.F64, new int[0]);
                learningRate = t.toDoubleArray()[0];
                continue;
            }
            String rest = name.substring(prefix.length());
            // Parameter names may contain dots; the suffix (buffer name or "step") never does.
            int dot = rest.lastIndexOf('.');
            String parameter = dot > 0 ? rest.substring(0, dot) : "";
            String suffix = rest.substring(dot + 1);
            if (suffix.isEmpty() || !parameters.contains(parameter)) {
                throw new IllegalArgumentException("optimizer state tensor '" + name + "' is not '" + prefix
                        + "<parameter>.<buffer or step>' for a parameter of " + parameters.names());
            }
            if (suffix.equals(STEP)) {
                checkType(t, DType.I64, new int[0]);
                if (stepOf.put(parameter, t.toLongArray()[0]) != null) {
                    throw new IllegalArgumentException("duplicate optimizer state tensor '" + name + "'");
                }
            } else {
                checkType(t, DType.F32, parameters.get(parameter).shape());
                Map<String, float[]> buffers = buffersOf.computeIfAbsent(parameter, k -> new LinkedHashMap<>());
                if (buffers.put(suffix, t.toFloatArray()) != null) {
                    throw new IllegalArgumentException("duplicate optimizer state tensor '" + name + "'");
                }
            }
        }
        if (learningRate == null) {
            throw new IllegalArgumentException("optimizer state has no '" + prefix + LEARNING_RATE + "' tensor");
        }
        for (String parameter : buffersOf.keySet()) {
            if (!stepOf.containsKey(parameter)) {
                throw new IllegalArgumentException("optimizer state of '" + parameter + "' has buffers "
                        + buffersOf.get(parameter).keySet() + " but no '" + prefix + parameter + "." + STEP + "'");
            }
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

    private static void checkType(NamedTensor t, DType dtype, int[] shape) {
        if (t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("optimizer state tensor '" + t.name() + "' must be " + dtype + " "
                    + Arrays.toString(shape) + " but was " + t.dtype() + " " + Arrays.toString(t.shape()));
        }
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
         * The buffer names, in the order they were added (an optimizer exports them in the order of the
         * table in {@link OptimizerState}).
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
