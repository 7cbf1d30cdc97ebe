package org.seq4j.skipthoughts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Kernels;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

/** {@link SkipThoughtsTrainer}: it learns, resumes bit-identically, and allocates nothing per step. */
class SkipThoughtsTrainerTest {

    private static final WordTokenizer TOKENIZER = new WordTokenizer();

    /**
     * Documents that walk a cycle of eight sentences from a random starting point: each sentence's
     * neighbours are determined by it, so a model that encodes the sentence can predict them, while a
     * unigram model cannot.
     */
    static List<List<String>> cycleDocuments(int documents, int sentencesEach, long seed) {
        String[] cycle = {"the cat sat", "a dog ran far away", "birds sing", "the sun is warm today",
            "rain falls", "we walk home slowly now", "it is late", "stars shine bright"};
        SplittableRandom random = new SplittableRandom(seed);
        List<List<String>> out = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            int start = random.nextInt(cycle.length);
            List<String> doc = new ArrayList<>();
            for (int i = 0; i < sentencesEach; i++) {
                doc.add(cycle[(start + i) % cycle.length]);
            }
            out.add(doc);
        }
        return out;
    }

    private static SentenceTriples[] data() {
        List<List<String>> documents = cycleDocuments(12, 20, 7);
        WordVocabulary vocabulary = SentenceTriples.vocabulary(documents, TOKENIZER, 100, 8);
        return SentenceTriples.of(documents, TOKENIZER, vocabulary, 8).split(0.25);
    }

    private static SkipThoughtsTrainer trainer(SentenceTriples[] data, SkipThoughtsConfig.Mode mode, int epochs) {
        WordVocabulary v = data[0].vocabulary();
        SkipThoughtsModel model = new SkipThoughtsModel(new SkipThoughtsConfig(mode, v.size(), 8, 16), v, 3);
        return SkipThoughtsTrainer.create(model, data[0], data[1],
                SkipThoughtsTrainingConfig.defaults().withBatchSize(8).withEpochs(epochs).withLearningRate(1e-2)
                        .withSeed(5));
    }

    @Test
    void learnsToPredictTheNeighbouringSentences() throws IOException {
        SentenceTriples[] data = data();
        SkipThoughtsTrainer trainer = trainer(data, SkipThoughtsConfig.Mode.BI, 12);
        SkipThoughtsTrainer.Perplexity before = trainer.evaluate();
        SkipThoughtsTrainer.Summary summary = trainer.train(null, null);
        SkipThoughtsTrainer.Perplexity after = summary.validation();
        assertEquals(12.0, summary.epochs());
        assertEquals(12L * trainer.batchesPerEpoch(), summary.steps());
        assertEquals(before.unigramPerplexity(), after.unigramPerplexity());
        assertTrue(before.perplexity() > after.unigramPerplexity(), "untrained " + before);
        // the neighbours follow from the sentence: far below the unigram model
        assertTrue(after.perplexity() < 0.25 * after.unigramPerplexity(), "trained " + after);
        assertTrue(summary.sentencesPerSecond() > 0);
    }

    @Test
    void resumesBitIdentically(@TempDir Path dir) throws IOException {
        SentenceTriples[] data = data();
        SkipThoughtsTrainer straight = trainer(data, SkipThoughtsConfig.Mode.UNI, 2);
        int steps = straight.batchesPerEpoch() + 5;   // into the second epoch
        for (int s = 0; s < steps; s++) {
            straight.step();
        }
        SkipThoughtsTrainer first = trainer(data, SkipThoughtsConfig.Mode.UNI, 2);
        for (int s = 0; s < 7; s++) {
            first.step();
        }
        Path file = dir.resolve("run.safetensors");
        first.save(file);
        SkipThoughtsTrainer resumed = SkipThoughtsTrainer.resume(file, data[0], data[1], 0);
        assertEquals(7, resumed.stepCount());
        while (resumed.stepCount() < steps) {
            resumed.step();
        }
        assertBitIdentical(straight.model().parameters(), resumed.model().parameters());

        // the wrong data, and a weights-only file, are refused
        assertThrows(IllegalArgumentException.class, () -> SkipThoughtsTrainer.resume(file, data[1], data[1], 0));
        Path weights = dir.resolve("weights.safetensors");
        first.model().save(weights);
        assertThrows(CheckpointFormatException.class, () -> SkipThoughtsTrainer.resume(weights, data[0], data[1], 0));
        // the checkpoint of a run loads as a model too
        SkipThoughtsModel loaded = SkipThoughtsModel.load(file);
        assertBitIdentical(first.model().parameters(), loaded.parameters());
    }

    @Test
    void steadyStateStepsAllocateNothing() throws InterruptedException {
        // the kernels that the rest of a run uses: warmed up now, not switched to during the measurement
        Kernels.awaitVectorKernels();
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        SentenceTriples[] data = data();
        SkipThoughtsTrainer trainer = trainer(data, SkipThoughtsConfig.Mode.BI, 1000);
        // warm-up: every sentence length and batch shape seen, the optimizer state created, the JIT settled
        for (int s = 0; s < 300; s++) {
            trainer.step();
        }
        // An epoch is 16 steps; the plan of each epoch is made when it begins (an allocation), so a window of
        // 10 steps that holds no epoch start must read 0 bytes; one that allocated per step never would.
        long thread = Thread.currentThread().getId();
        long allocated = -1;
        for (int window = 0; window < 20 && allocated != 0; window++) {
            while ((trainer.stepCount() + 1) % trainer.batchesPerEpoch() == 0) {
                trainer.step();
            }
            long before = threads.getThreadAllocatedBytes(thread);
            for (int s = 0; s < 10 && (trainer.stepCount() + 1) % trainer.batchesPerEpoch() != 0; s++) {
                trainer.step();
            }
            allocated = threads.getThreadAllocatedBytes(thread) - before;
        }
        assertEquals(0, allocated, "bytes allocated by steady-state steps");
    }

    @Test
    void rejectsDataSmallerThanABatchOrInAnotherVocabulary() {
        SentenceTriples[] data = data();
        WordVocabulary v = data[0].vocabulary();
        SkipThoughtsModel model = new SkipThoughtsModel(SkipThoughtsConfig.uni(v.size(), 4, 4), v, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SkipThoughtsTrainer.create(
                model, data[0], data[1], SkipThoughtsTrainingConfig.defaults().withBatchSize(100_000)));
        assertTrue(e.getMessage().contains("at least one batch of 100000 triples"), e.getMessage());
        WordVocabulary other = SkipThoughtsModelTest.tinyVocabulary();
        SkipThoughtsModel foreign = new SkipThoughtsModel(SkipThoughtsConfig.uni(other.size(), 4, 4), other, 1);
        assertThrows(IllegalArgumentException.class, () -> SkipThoughtsTrainer.create(foreign, data[0], data[1],
                SkipThoughtsTrainingConfig.defaults()));
    }

    static void assertBitIdentical(Parameters expected, Parameters actual) {
        assertEquals(expected.names(), actual.names());
        for (Parameter p : expected) {
            float[] a = p.value().data;
            float[] b = actual.get(p.name()).value().data;
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    throw new AssertionError(p.name() + " differs first at element " + i + ": " + a[i] + " vs " + b[i]);
                }
            }
        }
    }
}
