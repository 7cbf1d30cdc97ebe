package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.check.GradientCheck;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameters;

/**
 * What the tests of composed models against {@code make_api_fixtures.py} share: loading the PyTorch model's
 * state_dict by name (its keys, tied ones included, must be the registry's), comparing the loss, the logits
 * and every gradient with PyTorch's, and the gradient check.
 */
final class PyTorchComparisons {

    /** A model composed from public modules, with its fixture's inputs and its buffers. */
    abstract static class Model {
        /** The registry, named as the PyTorch model's state_dict; the subclass fills it. */
        final Parameters parameters = new Parameters();
        /** The logits of the latest forward; the subclass allocates them. */
        FMatrixRMaj logits;

        /** Runs the forward pass and returns the loss. */
        abstract double forward();

        /** Backward of the latest forward: adds into every parameter's gradient (and input gradients). */
        abstract void backward();
    }

    private PyTorchComparisons() {
    }

    /**
     * Checks that the registry's names, aliases included, are the fixture's PyTorch state_dict keys in order
     * (metadata {@code state_dict_keys}), and loads the values.
     */
    static void load(TensorFile fixture, Parameters parameters) {
        assertEquals(Arrays.asList(fixture.metadata().get("state_dict_keys").split(",")),
                parameters.stateDictNames(), "state_dict keys");
        ApiFixtures.loadParameters(parameters, fixture);
    }

    /** From zero gradients: the loss, the logits and every parameter's gradient against the fixture's. */
    static void assertMatchesPyTorch(TensorFile fixture, Model model) {
        model.parameters.zeroGrad();
        ApiFixtures.assertLossMatches(fixture, model.forward());
        ApiFixtures.assertMatches("logits", fixture.get("logits").toMatrix(), model.logits);
        model.backward();
        ApiFixtures.assertGradientsMatch(model.parameters, fixture);
    }

    /** Compares every parameter, under each of its names, with the fixture's {@code prefix + name}. */
    static void assertValuesMatch(TensorFile fixture, String prefix, Parameters parameters) {
        for (String name : parameters.stateDictNames()) {
            ApiFixtures.assertMatches(prefix + name, fixture.get(prefix + name).toMatrix(),
                    parameters.get(name).value());
        }
    }

    /** Gradient-checks the model over its parameters and the inputs that {@code inputs} adds. */
    static void assertPassesGradientCheck(Model model, UnaryOperator<GradientCheck.Builder> inputs) {
        inputs.apply(GradientCheck.builder(model::forward).parameters(model.parameters)).build().run(() -> {
            model.parameters.zeroGrad();
            model.forward();
            model.backward();
        }).assertPassed();
    }
}
