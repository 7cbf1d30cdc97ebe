package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.random.SplitMix64;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.RecurrentState;
import org.seq4j.tensor.Kernels;
import org.seq4j.text.CharacterVocabulary;

class TextGeneratorTest {

    @Test
    void greedyGenerationContinuesALearnedCycle() {
        // a cycle of 7 code points, including an accent, a CJK character and an emoji outside the BMP
        String cycle = "abé東😀c\n";
        String text = cycle.repeat(200);
        CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
        CharLanguageModel model = new CharLanguageModel(
                CharLmConfig.of(CellType.GRU, vocabulary.size(), 16), vocabulary, 3);
        CharLmTrainer trainer = CharLmTrainer.create(model, text,
                TrainingConfig.builder().batchSize(4).seqLength(8).build(),
                p -> new Adam(p, AdamConfig.adam().learningRate(3e-2).build()));
        TrainingSummary summary = trainer.train(TrainingSchedule.until(150), null);
        assertTrue(summary.valLoss() < 0.1, "validation loss " + summary.valLoss());
        TextGenerator generator = model.generator(SamplingOptions.greedy(), new SplitMix64(1));
        generator.prime("abé");
        assertEquals("東😀c\nabé東😀c\nabé", generator.generate(14));
        // without a prime it starts after the vocabulary's first character, the newline
        generator.reset();
        assertEquals("abé東😀c\na", generator.generate(8));
    }

    @Test
    void sameSeedSameTextAndPrimeChangesIt() {
        String text = CharLmTrainerTest.TEXT;
        CharLanguageModel model = CharLmTrainerTest.newModel(CellType.LSTM, 0f);
        // trained a little, so that the state (and so the prime) matters
        CharLmTrainer.create(model, text, CharLmTrainerTest.smallConfig(), CharLmTrainerTest.ADAM).train(TrainingSchedule.until(40), null);
        SamplingOptions options = new SamplingOptions(1.0, 0);
        TextGenerator a = model.generator(options, new SplitMix64(5));
        TextGenerator b = model.generator(options, new SplitMix64(5));
        a.prime("to be");
        b.prime("to be");
        String first = a.generate(100);
        assertEquals(first, b.generate(100));
        TextGenerator c = model.generator(options, new SplitMix64(5));
        c.prime("not ");
        assertNotEquals(first, c.generate(100));
        assertEquals(100, first.codePointCount(0, first.length()));
        assertTrue(text.codePoints().boxed().toList().containsAll(first.codePoints().boxed().toList()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.prime("to Be"));
        assertTrue(e.getMessage().contains("'B'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.feedCodePoint('B'));
    }

    @Test
    void aGeneratorComputesWhatTheModelsLayersComputeWithTheWeightsItWasMadeWith() {
        String text = CharLmTrainerTest.TEXT;
        CharLanguageModel model = CharLmTrainerTest.newModel(CellType.LSTM, 0f);
        CharLmTrainer trainer = CharLmTrainer.create(model, text, CharLmTrainerTest.smallConfig(),
                CharLmTrainerTest.ADAM);
        trainer.train(TrainingSchedule.until(40), null);

        // greedy decoding through the model's own layers, one step at a time
        FMatrixRMaj table = model.inputTable();
        RecurrentState state = model.rnn().newState(1);
        FMatrixRMaj x = new FMatrixRMaj(1, table.numCols);
        FMatrixRMaj top = new FMatrixRMaj(1, model.config().hiddenSize());
        FMatrixRMaj logits = new FMatrixRMaj(1, model.config().vocabSize());
        Sampler argmax = new Sampler(model.config().vocabSize(), SamplingOptions.greedy());
        StringBuilder expected = new StringBuilder();
        int id = 0;   // a generator without a prime starts from the vocabulary's first character
        for (int i = 0; i < 60; i++) {
            System.arraycopy(table.data, id * table.numCols, x.data, 0, table.numCols);
            model.rnn().step(x, state, top);
            model.decoder().forward(top, logits);
            id = argmax.sample(logits.data, 0, null);
            expected.appendCodePoint(model.vocabulary().codePoint(id));
        }
        TextGenerator greedy = model.generator(SamplingOptions.greedy(), new SplitMix64(1));
        assertEquals(expected.toString(), greedy.generate(60));

        SamplingOptions options = new SamplingOptions(1.0, 0);
        TextGenerator before = model.generator(options, new SplitMix64(9));
        TextGenerator madeBeforeTraining = model.generator(options, new SplitMix64(9));
        String sampledBefore = before.generate(200);
        trainer.train(TrainingSchedule.until(80), null);
        assertEquals(sampledBefore, madeBeforeTraining.generate(200), "a generator keeps its weights");
        assertNotEquals(sampledBefore, model.generator(options, new SplitMix64(9)).generate(200),
                "a new generator sees the trained weights");
    }

    @Test
    void generatingACharacterAllocatesNothing() throws InterruptedException {
        // the kernels that the rest of a run uses: warmed up now, not switched to during the measurement
        Kernels.awaitVectorKernels();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TextGenerator generator = CharLmTrainerTest.newModel(CellType.LSTM, 0f)
                .generator(new SamplingOptions(0.9, 5), new SplitMix64(2));
        generator.prime("to be or not");
        int sink = 0;
        for (int i = 0; i < 2000; i++) {
            sink += generator.next();
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 500; i++) {
            sink += generator.next();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(0, allocated, "bytes allocated by 500 characters");
        assertTrue(sink > 0);
    }
}
