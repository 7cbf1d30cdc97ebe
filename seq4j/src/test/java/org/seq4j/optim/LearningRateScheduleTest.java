package org.seq4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

/** Schedules against hand-computed values and against torch.optim.lr_scheduler. */
class LearningRateScheduleTest {

    private static final TensorFile FILE = Fixtures.load("schedules.safetensors");

    /**
     * torch's schedulers update the rate recursively (multiplying the previous rate), seq4j evaluates the
     * closed form; over 20 steps in double the two differ by a few ulps.
     */
    private static final double TORCH_TOLERANCE = 1e-13;
    /** Hand-computed values are written with enough digits to be exact up to double rounding. */
    private static final double EXACT = 1e-15;

    private static void assertMatchesTorch(String fixture, LearningRateSchedule schedule, int steps) {
        double[] torch = FILE.get(fixture).toDoubleArray();
        for (int s = 0; s < steps; s++) {
            assertEquals(torch[s], schedule.learningRate(s), TORCH_TOLERANCE, fixture + " at step " + s);
        }
    }

    @Test
    void stepDecayIsTorchStepLR() {
        LearningRateSchedule schedule = LearningRateSchedule.stepDecay(0.1, 3, 0.5);
        assertEquals(0.1, schedule.learningRate(0), EXACT);
        assertEquals(0.1, schedule.learningRate(2), EXACT);
        assertEquals(0.05, schedule.learningRate(3), EXACT);
        assertEquals(0.1 / 8, schedule.learningRate(9), EXACT);
        assertMatchesTorch("step_lr", schedule, 20);
    }

    @Test
    void exponentialIsTorchExponentialLR() {
        LearningRateSchedule schedule = LearningRateSchedule.exponential(0.1, 0.9);
        assertEquals(0.1, schedule.learningRate(0), EXACT);
        assertEquals(0.0729, schedule.learningRate(3), EXACT);
        assertMatchesTorch("exponential_lr", schedule, 20);
    }

    @Test
    void linearDecayFallsToTheFloorAndStays() {
        LearningRateSchedule schedule = LearningRateSchedule.linearDecay(0.025, 1000, 1e-4);
        assertEquals(0.025, schedule.learningRate(0), EXACT);
        assertEquals(0.025 * 0.75, schedule.learningRate(250), EXACT);
        assertEquals(0.025 * 0.001, schedule.learningRate(999), EXACT);
        assertEquals(0.025 * 1e-4, schedule.learningRate(1000), EXACT);
        assertEquals(0.025 * 1e-4, schedule.learningRate(5000), EXACT);
    }

    @Test
    void warmupCosineIsTorchLinearLRThenCosineAnnealingLR() {
        LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(0.1, 4, 16, 0.01);
        assertEquals(0.025, schedule.learningRate(0), EXACT);
        assertEquals(0.075, schedule.learningRate(2), EXACT);
        assertEquals(0.1, schedule.learningRate(4), EXACT);
        // Half-way through the cosine (s − W = 6 of 12): the mean of peak and minimum.
        assertEquals(0.055, schedule.learningRate(10), EXACT);
        assertEquals(0.01, schedule.learningRate(16), EXACT);
        assertEquals(0.01, schedule.learningRate(1000), EXACT, "held at the minimum after the cosine");
        // torch's SequentialLR of the two, up to the end of the cosine (torch's rises again after it).
        assertMatchesTorch("warmup_cosine_sequential_lr", schedule, 17);
        // Each half on its own.
        assertMatchesTorch("warmup_linear_lr", LearningRateSchedule.warmupCosine(0.1, 4, 1_000_000, 0), 4);
        assertMatchesTorch("cosine_annealing_lr", LearningRateSchedule.warmupCosine(0.1, 0, 16, 0.01), 17);
    }

    @Test
    void applySetsTheOptimizersRate() {
        Optimizer sgd = new Sgd(Parameters.of(new Parameter("w", 1)), 1.0);
        LearningRateSchedule.stepDecay(0.1, 3, 0.5).apply(sgd, 4);
        assertEquals(0.05, sgd.learningRate(), EXACT);
        LearningRateSchedule constant = step -> 0.5; // any function of the step is a schedule
        constant.apply(sgd, 0);
        assertEquals(0.5, sgd.learningRate());
        assertEquals(0.3, LearningRateSchedule.constant(0.3).learningRate(7));
    }

    @Test
    void argumentChecks() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1));
        assertEquals("stepSize must be ≥ 1 but was 0",
                     assertThrows(IllegalArgumentException.class,
                                  () -> LearningRateSchedule.stepDecay(0.1, 0, 0.5)).getMessage());
        assertEquals("Invalid gamma value: -0.5",
                     assertThrows(IllegalArgumentException.class,
                                  () -> LearningRateSchedule.exponential(0.1, -0.5)).getMessage());
        assertEquals("floorFraction must be in [0, 1] but was 1.5",
                     assertThrows(IllegalArgumentException.class,
                                  () -> LearningRateSchedule.linearDecay(0.1, 10, 1.5)).getMessage());
        assertEquals("totalSteps must be > warmupSteps (10) but was 10",
                     assertThrows(IllegalArgumentException.class,
                                  () -> LearningRateSchedule.warmupCosine(0.1, 10, 10, 0)).getMessage());
        assertEquals("minimumRate must be in [0, 0.1] but was 0.2",
                     assertThrows(IllegalArgumentException.class,
                                  () -> LearningRateSchedule.warmupCosine(0.1, 1, 10, 0.2)).getMessage());
        assertEquals("step must be ≥ 0 but was -1",
                     assertThrows(IllegalArgumentException.class,
                                  () -> LearningRateSchedule.exponential(0.1, 0.9).learningRate(-1)).getMessage());
    }
}
