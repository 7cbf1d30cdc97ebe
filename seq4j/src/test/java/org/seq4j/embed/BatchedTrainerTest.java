package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.embed.Word2VecConfig.Architecture;
import org.seq4j.embed.Word2VecConfig.Update;
import org.seq4j.tensor.Kernels;

/** {@link Word2VecTrainer} with the batched update (HogBatch): same run as the exact one at batch size 1. */
class BatchedTrainerTest {

    @TempDir
    Path dir;

    static Word2VecConfig.Builder small(Architecture arch) {
        return Word2VecTrainerTest.small().architecture(arch).update(Update.BATCHED);
    }

    /**
     * With minibatches of one input every step is word2vec.c's step with noise words drawn in the same order
     * from the same stream, after the same subsampling and window shrinking: the vectors are identical bit
     * for bit to the exact update's.
     */
    @Test
    void batchSizeOneTrainsExactlyAsTheExactUpdate() throws IOException {
        Path corpus = Word2VecTrainerTest.topicCorpus(dir, 300, 6);
        for (Architecture arch : Architecture.values()) {
            Word2VecConfig batched = small(arch).sample(1e-2).batchSize(1).build();
            Word2VecConfig exact = batched.toBuilder().update(Update.EXACT).build();
            Word2VecModel b = new Word2VecTrainer(batched).train(List.of(corpus));
            Word2VecModel e = new Word2VecTrainer(exact).train(List.of(corpus));
            assertArrayEquals(e.syn0(), b.syn0(), arch + " syn0");
            assertArrayEquals(e.syn1neg(), b.syn1neg(), arch + " syn1neg");
        }
    }

    @Test
    void batchedUpdateLearnsTheTopicsAndDiffersFromTheExactOne() throws IOException {
        Path corpus = Word2VecTrainerTest.topicCorpus(dir, 600, 1);
        for (Architecture arch : Architecture.values()) {
            Word2VecConfig c = small(arch).build();
            Word2VecModel m = new Word2VecTrainer(c).train(List.of(corpus));
            double sep = Word2VecTrainerTest.separation(m.wordVectors());
            // as in Word2VecTrainerTest: untrained vectors give about 0 (± 0.05)
            assertTrue(sep > 0.3, arch + ": separation " + sep);
            Word2VecModel exact = new Word2VecTrainer(c.toBuilder().update(Update.EXACT).build()).train(List.of(corpus));
            assertFalse(Arrays.deepEquals(exact.syn0(), m.syn0()), arch + ": the batched update must differ");
        }
    }

    @Test
    void sameSeedAndOneThreadGiveIdenticalVectors() throws IOException {
        Path corpus = Word2VecTrainerTest.topicCorpus(dir, 300, 2);
        for (Architecture arch : Architecture.values()) {
            Word2VecConfig c = small(arch).sample(1e-2).batchSize(3).build();
            float[][] a = new Word2VecTrainer(c).train(List.of(corpus)).syn0();
            float[][] b = new Word2VecTrainer(c).train(List.of(corpus)).syn0();
            float[][] other = new Word2VecTrainer(c.toBuilder().seed(2).build()).train(List.of(corpus)).syn0();
            assertArrayEquals(a, b, arch.toString());
            assertFalse(Arrays.deepEquals(a, other), arch.toString());
        }
    }

    @Test
    void severalThreadsTrainAllWords() throws IOException {
        Path a = Word2VecTrainerTest.topicCorpus(dir, 300, 3);
        Path b = Word2VecTrainerTest.topicCorpus(dir, 300, 4);
        Word2VecModel m = new Word2VecTrainer(small(Architecture.SKIP_GRAM).threads(3).build()).train(List.of(a, b));
        assertEquals(m.vocabulary().totalCount() * 3, m.trainedWords());
        assertTrue(Word2VecTrainerTest.separation(m.wordVectors()) > 0.3);
    }

    @Test
    void trainingAllocatesNothingPerWord() throws IOException, InterruptedException {
        // the kernels that the rest of a run uses: warmed up now, not switched to during the measurement
        Kernels.awaitVectorKernels();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported()
                && threads.isThreadAllocatedMemoryEnabled());
        Path small = Word2VecTrainerTest.topicCorpus(dir, 200, 5);
        Path large = Word2VecTrainerTest.topicCorpus(dir, 2000, 5);
        Word2VecVocabulary vocab = Word2VecVocabulary.count(List.of(large), 1, 0);
        for (Architecture arch : Architecture.values()) {
            Word2VecTrainer trainer = new Word2VecTrainer(small(arch).sample(1e-2).build());   // one thread
            trainer.train(List.of(large), vocab);               // warm up (class loading, JIT)
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            trainer.train(List.of(small), vocab);
            long smallBytes = threads.getThreadAllocatedBytes(thread) - before;
            before = threads.getThreadAllocatedBytes(thread);
            trainer.train(List.of(large), vocab);
            long largeBytes = threads.getThreadAllocatedBytes(thread) - before;
            // as in Word2VecTrainerTest: one allocation per word or minibatch would add far more than 16 KB
            assertTrue(largeBytes - smallBytes < 16_384,
                    arch + ": small corpus " + smallBytes + " bytes, large " + largeBytes);
        }
    }

    @Test
    void configurationOfTheBatchedUpdate() {
        Word2VecConfig c = Word2VecConfig.builder().window(7).build();
        assertEquals(Update.EXACT, c.update());
        assertEquals(14, c.batchSize());
        assertEquals(14, c.toBuilder().update(Update.BATCHED).build().batchSize());
        assertEquals(3, c.toBuilder().batchSize(3).build().batchSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Word2VecConfig.builder().batchSize(0).build());
        assertEquals("batchSize must be >= 1 but was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Word2VecConfig.builder().update(Update.BATCHED).hierarchicalSoftmax(true).build());
        assertTrue(e.getMessage().contains("negative sampling only"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Word2VecConfig.builder().update(Update.BATCHED)
                .negative(0).hierarchicalSoftmax(true).build());
        assertThrows(IllegalArgumentException.class,
                () -> Word2VecConfig.builder().update(Update.BATCHED).fullSoftmax(true).build());
        assertThrows(IllegalArgumentException.class, () -> Word2VecConfig.builder().update(null).build());
    }
}
