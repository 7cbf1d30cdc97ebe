package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.Optimizer;
import org.seq4j.optim.Sgd;
import org.seq4j.rnn.CellType;

/** Training stops at the first non-finite value or at divergence, and then refuses to step or save. */
class CharLmTrainerDivergenceTest {

    @TempDir
    Path dir;

    private static CharLmTrainer trainer(Function<Parameters, Optimizer> optimizer) {
        return CharLmTrainer.create(CharLmTrainerTest.newModel(CellType.LSTM, 0f), CharLmTrainerTest.TEXT,
                CharLmTrainerTest.smallConfig(), optimizer);
    }

    @Test
    void aNonFiniteLossStopsTheStepBeforeAnyParameterChanges() throws IOException {
        CharLmTrainer trainer = trainer(CharLmTrainerTest.ADAM);
        trainer.step();
        Parameter weight = trainer.model().parameters().get("decoder.weight");
        weight.value().data[3] = Float.NaN;
        float[] before = weight.value().data.clone();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::step);
        assertEquals(2, e.step());
        assertNull(e.parameterName());
        assertTrue(e.getMessage().contains("step 2") && e.getMessage().contains("loss is NaN"), e.getMessage());
        assertEquals(1, trainer.stepCount());
        assertArrayEquals(before, weight.value().data, "parameters untouched by the failed step");
        assertStopped(trainer);
    }

    @Test
    void anUpdateThatOverflowsNamesTheParameterAndTheStep() throws IOException {
        // SGD at 1e300 overflows the float32 update on the first step
        CharLmTrainer trainer = trainer(p -> new Sgd(p, Sgd.Config.builder(1e300).build()));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::step);
        assertEquals(1, e.step());
        assertNotNull(e.parameterName());
        assertTrue(e.getMessage().contains("'" + e.parameterName() + "'") && e.getMessage().contains("step 1"),
                e.getMessage());
        assertStopped(trainer);
    }

    @Test
    void aLossFarAboveTheUniformPredictionIsDivergence() throws IOException {
        CharLmTrainer trainer = trainer(p -> new Adam(p, AdamConfig.adam().learningRate(10).build()));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> {
            for (int s = 0; s < 500; s++) {
                trainer.step();
            }
        });
        double threshold = CharLmTrainer.DIVERGENCE_FACTOR
                * Math.max(Math.log(trainer.model().config().vocabSize()), 1);
        assertTrue(trainer.recentTrainingLoss() > threshold, trainer.recentTrainingLoss() + " vs " + threshold);
        assertTrue(e.getMessage().contains("diverged at step " + e.step()), e.getMessage());
        assertTrue(e.step() >= CharLmTrainer.RECENT_LOSS_WINDOW);
        assertStopped(trainer);
    }

    @Test
    void trainingWithAHealthyLearningRateIsNotReportedAsDivergence() {
        CharLmTrainer trainer = trainer(CharLmTrainerTest.ADAM);
        TrainingSummary summary = trainer.train(TrainingSchedule.until(60).withEvalEvery(20), null);
        assertEquals(60, summary.steps());
    }

    @Test
    void aTimeLimitOfCenturiesDoesNotOverflowTheClock() {
        CharLmTrainer trainer = trainer(CharLmTrainerTest.ADAM);
        TrainingSummary summary = trainer.train(TrainingSchedule.until(2)
                .withTimeLimit(Duration.ofSeconds(Long.MAX_VALUE / 4)), null);
        assertEquals(2, summary.steps());
    }

    @Test
    void anEvaluationIsNotReportedAfterAFailedStepAndTheLastGoodCheckpointStays() throws IOException {
        CharLmTrainer trainer = trainer(CharLmTrainerTest.ADAM);
        Path checkpoint = dir.resolve("run.safetensors");
        trainer.train(TrainingSchedule.until(2), null);
        trainer.save(checkpoint);
        byte[] good = Files.readAllBytes(checkpoint);
        trainer.model().parameters().get("rnn.weight_hh_l0").value().data[0] = Float.POSITIVE_INFINITY;
        long[] evaluations = {0};
        assertThrows(TrainingDivergedException.class, () -> trainer.train(TrainingSchedule.until(10).withEvalEvery(1),
                new TrainingListener() {
                    @Override
                    public void onEvaluation(long step, Evaluation evaluation) {
                        evaluations[0]++;
                    }
                }));
        assertEquals(0, evaluations[0]);
        assertThrows(IllegalStateException.class, () -> trainer.save(checkpoint));
        assertArrayEquals(good, Files.readAllBytes(checkpoint));
    }

    private void assertStopped(CharLmTrainer trainer) {
        Path file = dir.resolve("after-failure.safetensors");
        IllegalStateException save = assertThrows(IllegalStateException.class, () -> trainer.save(file));
        assertTrue(save.getMessage().startsWith("cannot save: training stopped")
                || save.getMessage().startsWith("cannot save: training diverged"), save.getMessage());
        assertFalse(Files.exists(file), "nothing is written after a failure");
        assertThrows(IllegalStateException.class, trainer::step);
    }
}
