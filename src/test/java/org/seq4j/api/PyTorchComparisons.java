package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.check.GradientCheck;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameters;
import org.seq4j.testing.Fixtures;

/**
 * What the tests of composed models share: moving a PyTorch fixture's state_dict into a seq4j registry by
 * name (what a user does with the public {@link Parameters} and {@link TensorFile} to run a model trained
 * elsewhere), comparing the loss, the logits and every gradient with PyTorch's, and the gradient check.
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

    /** From zero gradients: the loss, the logits and every parameter's gradient against the fixture's. */
    static void assertMatchesPyTorch(TensorFile fixture, Model model) {
        model.parameters.zeroGrad();
        Fixtures.assertMatches("loss", Fixtures.scalar(fixture, "loss"), model.forward());
        Fixtures.assertMatches("logits", Fixtures.matrix(fixture, "logits"), model.logits);
        model.backward();
        assertGradientsMatch(fixture, model.parameters);
    }

    /** Gradient-checks the model over its parameters and the inputs that {@code inputs} adds. */
    static void assertPassesGradientCheck(Model model, UnaryOperator<GradientCheck.Builder> inputs) {
        inputs.apply(GradientCheck.builder(model::forward).parameters(model.parameters)).build().run(() -> {
            model.parameters.zeroGrad();
            model.forward();
            model.backward();
        }).assertPassed();
    }

    /**
     * Checks that the registry's names, aliases included, are the fixture's PyTorch state_dict keys in order,
     * and copies every value in.
     */
    static void load(TensorFile fixture, Parameters parameters) {
        assertEquals(Arrays.asList(fixture.metadata().get("state_dict_keys").split(",")),
                parameters.stateDictNames(), "state_dict keys");
        for (String name : parameters.stateDictNames()) {
            parameters.get(name).value().setTo(Fixtures.matrix(fixture, name));
        }
    }

    /** Compares the gradient of every state_dict key (a shared parameter under each of its keys). */
    static void assertGradientsMatch(TensorFile fixture, Parameters parameters) {
        for (String name : parameters.stateDictNames()) {
            Fixtures.assertMatches("grad." + name, Fixtures.matrix(fixture, "grad." + name),
                    parameters.get(name).grad());
        }
    }

    /** Compares every parameter with the fixture's values under {@code prefix + key}. */
    static void assertValuesMatch(TensorFile fixture, String prefix, Parameters parameters) {
        for (String name : parameters.stateDictNames()) {
            Fixtures.assertMatches(prefix + name, Fixtures.matrix(fixture, prefix + name),
                    parameters.get(name).value());
        }
    }
}
