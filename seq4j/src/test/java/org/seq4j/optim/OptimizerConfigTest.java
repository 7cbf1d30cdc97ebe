package org.seq4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

/** Defaults and argument checks, with torch.optim's messages. */
class OptimizerConfigTest {

    private static void assertInvalid(String message, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertEquals(message, e.getMessage());
    }

    @Test
    void defaultsAreTorchDefaults() {
        assertEquals(new Sgd.Config(0.1, 0, 0, 0, false), Sgd.Config.builder(0.1).build());
        assertEquals(new Adagrad.Config(1e-2, 0, 0, 0, 1e-10), Adagrad.Config.builder().build());
        assertEquals(new RmsProp.Config(1e-2, 0.99, 1e-8, 0, 0, false), RmsProp.Config.builder().build());
        assertEquals(new AdamConfig(1e-3, 0.9, 0.999, 1e-8, 0, false), AdamConfig.adam().build());
        assertEquals(new AdamConfig(1e-3, 0.9, 0.999, 1e-8, 1e-2, false), AdamConfig.adamW().build());
        Parameters parameters = Parameters.of(new Parameter("w", 2));
        assertEquals(AdamConfig.adam().build(), new Adam(parameters).config());
        assertEquals(1e-2, new AdamW(parameters).config().weightDecay());
        assertEquals(1e-3, new Adam(parameters).learningRate());
    }

    @Test
    void sgdChecks() {
        assertInvalid("Invalid learning rate: -1.0", () -> Sgd.Config.builder(-1).build());
        assertInvalid("Invalid learning rate: NaN", () -> Sgd.Config.builder(Double.NaN).build());
        assertInvalid("Invalid learning rate: Infinity", () -> Sgd.Config.builder(Double.POSITIVE_INFINITY).build());
        assertInvalid("Invalid momentum value: -0.1", () -> Sgd.Config.builder(0.1).momentum(-0.1).build());
        assertInvalid("Invalid weight_decay value: -1.0", () -> Sgd.Config.builder(0.1).weightDecay(-1).build());
        assertInvalid("Nesterov momentum requires a momentum and zero dampening",
                      () -> Sgd.Config.builder(0.1).nesterov(true).build());
        assertInvalid("Nesterov momentum requires a momentum and zero dampening",
                      () -> Sgd.Config.builder(0.1).momentum(0.9).dampening(0.1).nesterov(true).build());
        // Accepted as torch accepts them: zero learning rate, dampening without nesterov.
        assertEquals(0.5, Sgd.Config.builder(0).momentum(0.9).dampening(0.5).build().dampening());
    }

    @Test
    void adagradChecks() {
        assertInvalid("Invalid learning rate: -0.01", () -> Adagrad.Config.builder().learningRate(-0.01).build());
        assertInvalid("Invalid lr_decay value: -1.0", () -> Adagrad.Config.builder().learningRateDecay(-1).build());
        assertInvalid("Invalid weight_decay value: -1.0", () -> Adagrad.Config.builder().weightDecay(-1).build());
        assertInvalid("Invalid initial_accumulator_value value: -1.0",
                      () -> Adagrad.Config.builder().initialAccumulatorValue(-1).build());
        assertInvalid("Invalid epsilon value: -1.0E-10", () -> Adagrad.Config.builder().epsilon(-1e-10).build());
    }

    @Test
    void rmsPropChecks() {
        assertInvalid("Invalid learning rate: -1.0", () -> RmsProp.Config.builder().learningRate(-1).build());
        assertInvalid("Invalid epsilon value: -1.0", () -> RmsProp.Config.builder().epsilon(-1).build());
        assertInvalid("Invalid momentum value: -1.0", () -> RmsProp.Config.builder().momentum(-1).build());
        assertInvalid("Invalid weight_decay value: -1.0", () -> RmsProp.Config.builder().weightDecay(-1).build());
        assertInvalid("Invalid alpha value: -0.5", () -> RmsProp.Config.builder().alpha(-0.5).build());
    }

    @Test
    void adamAndAdamWChecks() {
        assertInvalid("Invalid learning rate: -1.0", () -> AdamConfig.adam().learningRate(-1).build());
        assertInvalid("Invalid epsilon value: -1.0", () -> AdamConfig.adam().epsilon(-1).build());
        assertInvalid("Invalid beta parameter at index 0: 1.0", () -> AdamConfig.adam().betas(1.0, 0.999).build());
        assertInvalid("Invalid beta parameter at index 1: -0.1", () -> AdamConfig.adam().betas(0.9, -0.1).build());
        assertInvalid("Invalid weight_decay value: -1.0", () -> AdamConfig.adam().weightDecay(-1).build());
        assertInvalid("Invalid learning rate: -1.0", () -> AdamConfig.adamW().learningRate(-1).build());
        assertInvalid("Invalid epsilon value: -1.0", () -> AdamConfig.adamW().epsilon(-1).build());
        assertInvalid("Invalid beta parameter at index 0: -0.5", () -> AdamConfig.adamW().betas(-0.5, 0.9).build());
        assertInvalid("Invalid beta parameter at index 1: 1.5", () -> AdamConfig.adamW().betas(0.9, 1.5).build());
        assertInvalid("Invalid weight_decay value: -0.01", () -> AdamConfig.adamW().weightDecay(-0.01).build());
    }

    @Test
    void learningRateIsSettableAndChecked() {
        Parameters parameters = Parameters.of(new Parameter("w", 2));
        Optimizer adam = new Adam(parameters);
        adam.setLearningRate(0.25);
        assertEquals(0.25, adam.learningRate());
        assertInvalid("Invalid learning rate: -1.0", () -> adam.setLearningRate(-1));
        assertEquals(0.25, adam.learningRate(), "a rejected learning rate must not be set");
        assertEquals(1e-3, ((Adam) adam).config().learningRate(), "the config stays as constructed");
    }

    @Test
    void zeroGradClearsEveryGradient() {
        Parameter w = new Parameter("w", 2, 3);
        Parameter b = new Parameter("b", 3);
        Optimizer sgd = new Sgd(Parameters.of(w, b), 0.1);
        w.grad().data[4] = 1f;
        b.grad().data[2] = -2f;
        sgd.zeroGrad();
        assertEquals(0f, w.grad().data[4]);
        assertEquals(0f, b.grad().data[2]);
    }

    @Test
    void zeroLearningRateLeavesParametersButAdvancesState() {
        Parameter w = new Parameter("w", 3);
        w.value().data[0] = 1f;
        w.grad().data[0] = 2f;
        Optimizer adam = new Adam(Parameters.of(w), AdamConfig.adam().learningRate(0).build());
        adam.step();
        assertEquals(1f, w.value().data[0]);
        assertEquals(1, adam.exportState().get("w").step());
    }
}
