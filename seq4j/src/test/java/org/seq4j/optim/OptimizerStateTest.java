package org.seq4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.seq4j.io.NamedTensor;
import org.seq4j.io.SafetensorsFormatException;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

/** Export, checkpoint round trip through safetensors, import and its validation. */
class OptimizerStateTest {

    private static final int STEPS_BEFORE_SAVE = 2;
    private static final int STEPS_AFTER_SAVE = 3;

    /** Two parameters; the second has a dotted name, as a composite module's would. */
    private static Parameters parameters(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Parameters parameters = Parameters.of(new Parameter("weight", 3, 5), new Parameter("encoder.bias", 4));
        for (Parameter p : parameters) {
            fill(random, p.value().data);
        }
        return parameters;
    }

    private static void fill(SplittableRandom random, float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
    }

    /** The gradients of step k: a fixed function of k, so two runs can be given the same ones. */
    private static void setGradients(Parameters parameters, int k) {
        SplittableRandom random = new SplittableRandom(1000 + k);
        for (Parameter p : parameters) {
            fill(random, p.grad().data);
        }
    }

    private static Parameters copyOf(Parameters source) {
        Parameters copy = new Parameters();
        for (Parameter p : source) {
            Parameter q = new Parameter(p.name(), p.shape());
            Fixtures.copy(p.value().data, q.value().data);
            copy.add(q);
        }
        return copy;
    }

    static Stream<Arguments> configs() {
        return OptimizerFixtureTest.configs().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    /**
     * Run A steps 5 times; run B is saved after 2 steps (parameters and optimizer state written to and read
     * back from safetensors bytes), restored into a new optimizer over new parameters, and steps 3 more
     * times. Both runs must end bit-identical.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void checkpointRoundTripContinuesBitIdentically(String config, Function<Parameters, Optimizer> make)
            throws SafetensorsFormatException {
        Parameters a = parameters(11);
        Optimizer optimizerA = make.apply(a);
        optimizerA.setLearningRate(optimizerA.learningRate() * 0.5); // the learning rate is part of the state
        for (int k = 0; k < STEPS_BEFORE_SAVE; k++) {
            setGradients(a, k);
            optimizerA.step();
        }

        // Save: model weights and optimizer state in one safetensors file.
        TensorFile.Builder checkpoint = TensorFile.builder();
        for (Parameter p : a) {
            checkpoint.add(NamedTensor.of(p.name(), p.value(), p.shape()));
        }
        optimizerA.exportState().toTensors("optim.").forEach(checkpoint::add);
        byte[] bytes = checkpoint.build().toBytes();

        // Restore into fresh objects.
        TensorFile file = TensorFile.read(bytes);
        Parameters b = parameters(99);
        for (Parameter p : b) {
            Fixtures.copy(file.get(p.name()).toFloatArray(), p.value().data);
        }
        Optimizer optimizerB = make.apply(b);
        optimizerB.importState(OptimizerState.fromTensors("optim.", file.tensors(), b));
        assertEquals(optimizerA.learningRate(), optimizerB.learningRate());

        for (int k = STEPS_BEFORE_SAVE; k < STEPS_BEFORE_SAVE + STEPS_AFTER_SAVE; k++) {
            setGradients(a, k);
            setGradients(b, k);
            optimizerA.step();
            optimizerB.step();
        }
        for (Parameter p : a) {
            assertArrayEquals(p.value().data, b.get(p.name()).value().data, config + " " + p.name());
        }
        assertEquals(optimizerA.exportState().toTensors(""), optimizerB.exportState().toTensors(""), config);
    }

    @Test
    void exportIsASnapshotAndNamesFollowTorch() {
        Parameters parameters = parameters(1);
        Adam adam = new Adam(parameters, AdamConfig.adam().amsgrad(true).build());
        assertTrue(adam.exportState().parameterNames().isEmpty(), "no state before the first step");
        setGradients(parameters, 0);
        adam.step();
        OptimizerState state = adam.exportState();
        float[] before = state.get("weight").buffer("exp_avg");
        adam.step();
        assertArrayEquals(before, state.get("weight").buffer("exp_avg"), "a snapshot must not change");
        assertEquals(1, state.get("weight").step());
        assertEquals(List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"), state.get("encoder.bias").bufferNames());
        assertArrayEquals(new int[] {4}, state.get("encoder.bias").shape());

        List<String> names = new ArrayList<>();
        for (NamedTensor t : state.toTensors("optim.")) {
            names.add(t.name());
        }
        assertEquals(List.of("optim.weight.step", "optim.weight.exp_avg", "optim.weight.exp_avg_sq",
                             "optim.weight.max_exp_avg_sq", "optim.encoder.bias.step", "optim.encoder.bias.exp_avg",
                             "optim.encoder.bias.exp_avg_sq", "optim.encoder.bias.max_exp_avg_sq",
                             "optim.learning_rate"), names);
    }

    @Test
    void plainSgdExportsStepCountsWithoutBuffers() {
        Parameters parameters = parameters(2);
        Sgd sgd = new Sgd(parameters, 0.1);
        setGradients(parameters, 0);
        sgd.step();
        sgd.step();
        OptimizerState state = sgd.exportState();
        assertEquals(2, state.get("weight").step());
        assertTrue(state.get("weight").bufferNames().isEmpty());
        OptimizerState restored = OptimizerState.fromTensors("", state.toTensors(""), parameters);
        assertEquals(2, restored.get("encoder.bias").step());
    }

    @Test
    void importRejectsStateOfAnotherConfigurationAndLeavesTheOptimizerUntouched() {
        Parameters parameters = parameters(3);
        Adam adam = new Adam(parameters);
        setGradients(parameters, 0);
        adam.step();
        OptimizerState adamState = adam.exportState();

        Adam amsgrad = new Adam(parameters, AdamConfig.adam().amsgrad(true).learningRate(0.5).build());
        amsgrad.step();
        List<NamedTensor> before = amsgrad.exportState().toTensors("");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> amsgrad.importState(adamState));
        assertTrue(e.getMessage().contains("must have buffers [exp_avg, exp_avg_sq, max_exp_avg_sq]"), e.getMessage());
        assertTrue(e.getMessage().contains("but had [exp_avg, exp_avg_sq]"), e.getMessage());
        assertEquals(before, amsgrad.exportState().toTensors(""), "a rejected import must change nothing");
        assertEquals(0.5, amsgrad.learningRate());

        Sgd sgd = new Sgd(parameters, Sgd.Config.builder(0.1).momentum(0.9).build());
        e = assertThrows(IllegalArgumentException.class, () -> sgd.importState(adamState));
        assertTrue(e.getMessage().contains("[momentum_buffer]"), e.getMessage());
    }

    @Test
    void importRejectsUnknownParametersAndWrongShapes() {
        Parameters parameters = parameters(4);
        Adagrad adagrad = new Adagrad(parameters);
        OptimizerState unknown = OptimizerState.builder(0.01)
                .add("decoder.weight", 1, new int[] {3, 5}, Map.of("sum", new float[15])).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adagrad.importState(unknown));
        assertEquals("optimizer state has parameter 'decoder.weight' that is not among this optimizer's "
                     + "parameters [weight, encoder.bias]", e.getMessage());

        OptimizerState transposed = OptimizerState.builder(0.01)
                .add("weight", 1, new int[] {5, 3}, Map.of("sum", new float[15])).build();
        e = assertThrows(IllegalArgumentException.class, () -> adagrad.importState(transposed));
        assertEquals("optimizer state of 'weight' must have shape [3, 5] but had [5, 3]", e.getMessage());
    }

    @Test
    void parametersAbsentFromTheStateStartAfresh() {
        Parameters trained = parameters(5);
        Adam adam = new Adam(trained);
        setGradients(trained, 0);
        adam.step();
        adam.step();
        OptimizerState onlyWeight = OptimizerState.builder(adam.learningRate())
                .add("weight", 2, new int[] {3, 5}, Map.of(
                        "exp_avg", adam.exportState().get("weight").buffer("exp_avg"),
                        "exp_avg_sq", adam.exportState().get("weight").buffer("exp_avg_sq")))
                .build();
        adam.importState(onlyWeight);
        assertFalse(adam.exportState().contains("encoder.bias"));

        // The bias now steps exactly like a fresh optimizer's first step.
        Parameters fresh = copyOf(trained);
        Adam reference = new Adam(fresh);
        setGradients(trained, 1);
        setGradients(fresh, 1);
        adam.step();
        reference.step();
        assertArrayEquals(fresh.get("encoder.bias").value().data, trained.get("encoder.bias").value().data);
        assertEquals(3, adam.exportState().get("weight").step());
        assertEquals(1, adam.exportState().get("encoder.bias").step());
    }

    @Test
    void builderValidates() {
        OptimizerState.Builder builder = OptimizerState.builder(0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.add("w", 1, new int[] {2, 2}, Map.of("sum", new float[3])));
        assertEquals("buffer 'sum' of 'w' must have 4 elements (shape [2, 2]) but had 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder.add("w", 0, new int[] {2}, Map.of()));
        assertEquals("step count of 'w' must be ≥ 1 but was 0", e.getMessage());
        builder.add("w", 1, new int[] {2}, Map.of());
        e = assertThrows(IllegalArgumentException.class, () -> builder.add("w", 1, new int[] {2}, Map.of()));
        assertEquals("duplicate optimizer state for parameter 'w'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OptimizerState.builder(-1));
        e = assertThrows(IllegalArgumentException.class, () -> builder.build().get("v"));
        assertEquals("no optimizer state for parameter 'v'; have [w]", e.getMessage());
    }

    @Test
    void fromTensorsValidatesNamesTypesAndShapes() {
        Parameters parameters = parameters(6);
        NamedTensor lr = NamedTensor.of("optim.learning_rate", new double[] {0.1});
        NamedTensor step = NamedTensor.of("optim.weight.step", new long[] {3});
        NamedTensor sum = NamedTensor.of("optim.weight.sum", new float[15], 3, 5);
        NamedTensor modelWeight = NamedTensor.of("weight", new float[15], 3, 5); // ignored: outside the prefix

        OptimizerState ok = OptimizerState.fromTensors("optim.", List.of(modelWeight, step, sum, lr), parameters);
        assertEquals(List.of("weight"), ok.parameterNames());
        assertEquals(3, ok.get("weight").step());
        assertEquals(0.1, ok.learningRate());

        assertMessage("optimizer state has no 'optim.learning_rate' tensor", List.of(step, sum), parameters);
        assertMessage("optimizer state tensor 'optim.decoder.weight.sum' is not 'optim.<parameter>.<buffer or step>'"
                      + " for a parameter of [weight, encoder.bias]",
                      List.of(lr, NamedTensor.of("optim.decoder.weight.sum", new float[15], 3, 5)), parameters);
        assertMessage("optimizer state tensor 'optim.weight.sum' must be F32 [3, 5] but was F32 [15]",
                      List.of(lr, step, NamedTensor.of("optim.weight.sum", new float[15], 15)), parameters);
        assertMessage("optimizer state tensor 'optim.weight.step' must be I64 [] but was F32 []",
                      List.of(lr, NamedTensor.of("optim.weight.step", new float[] {3})), parameters);
        assertMessage("optimizer state of 'weight' has buffers [sum] but no 'optim.weight.step'",
                      List.of(lr, sum), parameters);
        assertMessage("duplicate optimizer state tensor 'optim.weight.step'", List.of(lr, step, step), parameters);
    }

    private static void assertMessage(String expected, List<NamedTensor> tensors, Parameters parameters) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerState.fromTensors("optim.", tensors, parameters));
        assertEquals(expected, e.getMessage());
    }
}
