package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.Optimizer;
import org.seq4j.optim.Sgd;
import org.seq4j.random.SplitMix64;
import org.seq4j.rnn.CellType;
import org.seq4j.tensor.Kernels;
import org.seq4j.text.CharacterVocabulary;

class CharLmTrainerTest {

    /** A text with structure to learn: 1,000 characters of a few repeated words. */
    static final String TEXT = buildText();

    private static String buildText() {
        String[] words = {"to ", "be ", "or ", "not ", "that ", "is ", "the ", "question.\n"};
        SplitMix64 rng = new SplitMix64(9);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 1000) {
            sb.append(words[rng.nextInt(words.length)]);
        }
        return sb.substring(0, 1000);
    }

    static final Function<Parameters, Optimizer> ADAM =
            p -> new Adam(p, AdamConfig.adam().learningRate(1e-2).build());

    static CharLanguageModel newModel(CellType cell, float dropout) {
        CharacterVocabulary vocabulary = CharacterVocabulary.of(TEXT);
        return new CharLanguageModel(new CharLmConfig(cell, vocabulary.size(), 8, 16, 2, dropout), vocabulary, 7);
    }

    /** B = 4, T = 10: 900 training characters give K = 22 chunks, 100 validation characters 2. */
    static TrainingConfig smallConfig() {
        return TrainingConfig.builder().batchSize(4).seqLength(10).build();
    }

    @Test
    void trainingLowersTheValidationLoss() {
        CharLmTrainer trainer = CharLmTrainer.create(newModel(CellType.LSTM, 0f), TEXT, smallConfig(), ADAM);
        double before = trainer.evaluate().loss();
        List<Double> evaluations = new ArrayList<>();
        TrainingSummary summary = trainer.train(TrainingSchedule.until(60), new TrainingListener() {
            @Override
            public void onEvaluation(long step, Evaluation evaluation) {
                evaluations.add(evaluation.loss());
            }
        });
        assertEquals(60, summary.steps());
        assertEquals(1, evaluations.size());
        assertEquals(evaluations.get(0), summary.valLoss());
        // about ln 17 = 2.8 nats untrained; the word list is learned well below that in 60 steps
        assertTrue(summary.valLoss() < before - 0.8, before + " -> " + summary.valLoss());
        assertTrue(summary.charactersPerSecond() > 0);
        assertTrue(summary.toLine().matches("summary steps=60 train_loss=\\d+\\.\\d{4} val_loss=\\d+\\.\\d{4} "
                + "val_bpc=\\d+\\.\\d{4} chars_per_sec=\\d+"), summary.toLine());
    }

    @Test
    void resumingFromACheckpointIsBitIdenticalToTrainingStraight(@TempDir Path dir) throws IOException {
        // 30 steps pass the wrap-around at step 22 (K = 22), with inter-layer and top dropout
        int total = 30;
        int split = 13;
        CharLmTrainer straight = CharLmTrainer.create(newModel(CellType.LSTM, 0.2f), TEXT, smallConfig(), ADAM);
        float[] straightLosses = new float[total];
        for (int s = 0; s < total; s++) {
            straightLosses[s] = straight.step();
        }

        CharLmTrainer first = CharLmTrainer.create(newModel(CellType.LSTM, 0.2f), TEXT, smallConfig(), ADAM);
        for (int s = 0; s < split; s++) {
            first.step();
        }
        Path file = dir.resolve("run.safetensors");
        first.save(file);
        // a new process would have only the file and the text: fresh objects, nothing shared
        CharLmTrainer resumed = CharLmTrainer.resume(file, new String(TEXT.toCharArray()), ADAM);
        assertEquals(split, resumed.stepCount());
        for (int s = split; s < total; s++) {
            assertEquals(straightLosses[s], resumed.step(), 0f, "loss of step " + s);
        }
        assertBitIdentical(straight.model().parameters(), resumed.model().parameters());
        assertEquals(straight.evaluate(), resumed.evaluate());
    }

    @Test
    void resumeIsExactForGruWithSgdAndGlobalNormClipping(@TempDir Path dir) throws IOException {
        Function<Parameters, Optimizer> sgd = p -> new Sgd(p, Sgd.Config.builder(0.5)
                .momentum(0.9).build());
        TrainingConfig config = smallConfig().toBuilder().clipGlobalNorm(1.0).seed(77).build();
        CharLmTrainer straight = CharLmTrainer.create(newModel(CellType.GRU, 0.1f), TEXT, config, sgd);
        straight.train(TrainingSchedule.until(9), null);
        CharLmTrainer first = CharLmTrainer.create(newModel(CellType.GRU, 0.1f), TEXT, config, sgd);
        first.train(TrainingSchedule.until(4), null);
        Path file = dir.resolve("gru.safetensors");
        first.save(file);
        CharLmTrainer resumed = CharLmTrainer.resume(file, TEXT, sgd);
        resumed.train(TrainingSchedule.until(9), null);
        assertBitIdentical(straight.model().parameters(), resumed.model().parameters());
    }

    @Test
    void aSavedModelLoadsForSamplingAndGeneratesTheSameText(@TempDir Path dir) throws IOException {
        CharLmTrainer trainer = CharLmTrainer.create(newModel(CellType.LSTM, 0f), TEXT, smallConfig(), ADAM);
        trainer.train(TrainingSchedule.until(40), null);
        Path file = dir.resolve("model.safetensors");
        trainer.save(file);
        CharLanguageModel loaded = CharLanguageModel.load(file);
        assertEquals(trainer.model().config(), loaded.config());
        assertEquals(trainer.model().vocabulary(), loaded.vocabulary());
        assertBitIdentical(trainer.model().parameters(), loaded.parameters());
        SamplingOptions options = new SamplingOptions(0.8, 5);
        String a = trainer.model().generator(options, new SplitMix64(1)).generate(0);
        TextGenerator original = trainer.model().generator(options, new SplitMix64(1));
        TextGenerator copy = loaded.generator(options, new SplitMix64(1));
        original.prime("to be ");
        copy.prime("to be ");
        assertEquals(original.generate(200), copy.generate(200));
        assertEquals("", a);
        // weights-only files load too, but cannot resume training
        Path weights = dir.resolve("weights.safetensors");
        loaded.save(weights);
        assertBitIdentical(loaded.parameters(), CharLanguageModel.load(weights).parameters());
        assertThrows(CheckpointFormatException.class, () -> CharLmTrainer.resume(weights, TEXT, ADAM));
    }

    @Test
    void resumingOnAnotherTextIsRefused(@TempDir Path dir) throws IOException {
        CharLmTrainer trainer = CharLmTrainer.create(newModel(CellType.LSTM, 0f), TEXT, smallConfig(), ADAM);
        trainer.step();
        Path file = dir.resolve("run.safetensors");
        trainer.save(file);
        String other = TEXT.substring(1) + "t";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CharLmTrainer.resume(file, other, ADAM));
        assertTrue(e.getMessage().contains("not the one the checkpoint was trained on"), e.getMessage());
    }

    @Test
    void aSteadyStateStepAllocatesNothing() throws InterruptedException {
        // the kernels that the rest of a run uses: warmed up now, not switched to during the measurement
        Kernels.awaitVectorKernels();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CharLmTrainer trainer = CharLmTrainer.create(newModel(CellType.LSTM, 0.1f), TEXT, smallConfig(), ADAM);
        for (int s = 0; s < 30; s++) {   // the first steps create the optimizer state and the caches
            trainer.step();
        }
        // Until HotSpot has compiled the counter's own call path, reading it allocates a few hundred
        // bytes; so the 20 steps are measured again (after more steps) until a window reads 0. A step
        // that allocated anything would make every window non-zero.
        long thread = Thread.currentThread().getId();
        long allocated = -1;
        for (int window = 0; window < 10 && allocated != 0; window++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int s = 0; s < 20; s++) {
                trainer.step();
            }
            allocated = threads.getThreadAllocatedBytes(thread) - before;
        }
        assertEquals(0, allocated, "bytes allocated by 20 steady-state steps");
    }

    @Test
    void rejectsTextsTooShortOrOutsideTheVocabulary() {
        CharLanguageModel model = newModel(CellType.LSTM, 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CharLmTrainer.create(model, TEXT.substring(0, 300), smallConfig(), ADAM));
        assertTrue(e.getMessage().startsWith("the validation text"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CharLmTrainer.create(model, TEXT + "§", smallConfig(), ADAM));
        assertThrows(IllegalArgumentException.class,
                () -> CharLmTrainer.create(model, TEXT, smallConfig(), p -> new Adam(new Parameters())));
    }

    static void assertBitIdentical(Parameters expected, Parameters actual) {
        assertEquals(expected.names(), actual.names());
        for (Parameter p : expected) {
            float[] a = p.value().data;
            float[] b = actual.get(p.name()).value().data;
            assertEquals(a.length, b.length, p.name());
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    assertArrayEquals(a, b, p.name() + " differs first at index " + i);
                }
            }
        }
        assertNotEquals(0, expected.size());
    }
}
