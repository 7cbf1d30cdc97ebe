package org.seq4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

/**
 * What every optimizer shares: the parameter snapshot, the learning rate, the lazily created per-parameter
 * state (a step count and named float buffers) and its export and import. A subclass names its buffers and
 * supplies the element-wise update.
 */
abstract class AbstractOptimizer implements Optimizer {

    private final Parameters parameters;
    /** The optimized parameters in registry order, fixed at construction. */
    private final Parameter[] params;
    /** Buffer names in export order; the same for every parameter. */
    private final String[] bufferNames;
    /** steps[i]: how many times params[i] has been stepped; 0 means no state yet. */
    private final long[] steps;
    /** buffers[i][k]: buffer bufferNames[k] of params[i], row-major like its value; null until first needed. */
    private final float[][][] buffers;
    private double learningRate;

    AbstractOptimizer(Parameters parameters, double learningRate, String... bufferNames) {
        this.parameters = parameters;
        this.params = parameters.list().toArray(new Parameter[0]);
        this.bufferNames = bufferNames.clone();
        this.steps = new long[params.length];
        this.buffers = new float[params.length][][];
        this.learningRate = Optimizers.checkLearningRate(learningRate);
    }

    /**
     * Fills freshly created (or reset) buffers with their initial values before the first step.
     *
     * @param buffers the parameter's buffers, in {@code bufferNames} order; modified
     */
    abstract void initBuffers(float[][] buffers);

    /**
     * Updates one parameter in place.
     *
     * @param value   the parameter's elements; modified
     * @param grad    the gradient's elements; not modified
     * @param n       number of elements
     * @param buffers the parameter's buffers, in {@code bufferNames} order; modified
     * @param step    the step count including this step, ≥ 1
     * @param lr      the learning rate
     */
    abstract void update(float[] value, float[] grad, int n, float[][] buffers, long step, double lr);

    @Override
    public final void step() {
        for (int i = 0; i < params.length; i++) {
            if (steps[i] == 0) {
                if (buffers[i] == null) {
                    buffers[i] = new float[bufferNames.length][params[i].numElements()];
                }
                initBuffers(buffers[i]);
            }
            steps[i]++;
            Parameter p = params[i];
            update(p.value().data, p.grad().data, p.numElements(), buffers[i], steps[i], learningRate);
        }
    }

    @Override
    public final void zeroGrad() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final void setLearningRate(double learningRate) {
        this.learningRate = Optimizers.checkLearningRate(learningRate);
    }

    @Override
    public final Parameters parameters() {
        return parameters;
    }

    @Override
    public final OptimizerState exportState() {
        OptimizerState.Builder builder = OptimizerState.builder(learningRate);
        for (int i = 0; i < params.length; i++) {
            if (steps[i] == 0) {
                continue;
            }
            Map<String, float[]> named = new LinkedHashMap<>();
            for (int k = 0; k < bufferNames.length; k++) {
                named.put(bufferNames[k], buffers[i][k]); // the builder copies
            }
            builder.add(params[i].name(), steps[i], params[i].shape(), named);
        }
        return builder.build();
    }

    @Override
    public final void importState(OptimizerState state) {
        // Validate everything first, so that a bad snapshot leaves this optimizer untouched.
        List<String> known = new ArrayList<>();
        for (Parameter p : params) {
            known.add(p.name());
        }
        List<String> expectedBuffers = List.of(bufferNames);
        for (String name : state.parameterNames()) {
            int i = known.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("optimizer state has parameter '" + name
                        + "' that is not among this optimizer's parameters " + known);
            }
            OptimizerState.ParameterState s = state.get(name);
            if (!Arrays.equals(s.shape(), params[i].shape())) {
                throw new IllegalArgumentException("optimizer state of '" + name + "' must have shape "
                        + Arrays.toString(params[i].shape()) + " but had " + Arrays.toString(s.shape()));
            }
            if (!new HashSet<>(s.bufferNames()).equals(new HashSet<>(expectedBuffers))) { // in any order
                throw new IllegalArgumentException("optimizer state of '" + name + "' must have buffers "
                        + expectedBuffers + " for " + this + " but had " + s.bufferNames());
            }
        }
        learningRate = state.learningRate();
        for (int i = 0; i < params.length; i++) {
            if (!state.contains(params[i].name())) {
                steps[i] = 0; // starts afresh on the next step; initBuffers resets the buffers then
                continue;
            }
            OptimizerState.ParameterState s = state.get(params[i].name());
            if (buffers[i] == null) {
                buffers[i] = new float[bufferNames.length][params[i].numElements()];
            }
            for (int k = 0; k < bufferNames.length; k++) {
                float[] source = s.bufferView(bufferNames[k]);
                System.arraycopy(source, 0, buffers[i][k], 0, source.length);
            }
            steps[i] = s.step();
        }
    }
}
