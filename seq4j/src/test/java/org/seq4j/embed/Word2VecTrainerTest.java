package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.tensor.Kernels;

class Word2VecTrainerTest {

    @TempDir
    Path dir;

    /**
     * A corpus with two topics: every line draws its words from one of two disjoint word groups, so
     * that words of the same group share contexts and should end up closer than words of different groups.
     */
    Path topicCorpus(int lines, long seed) throws IOException {
        return topicCorpus(dir, lines, seed);
    }

    /** {@link #topicCorpus(int, long)} in the given folder. */
    static Path topicCorpus(Path dir, int lines, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        for (int l = 0; l < lines; l++) {
            String prefix = r.nextBoolean() ? "a" : "b";
            int n = 5 + r.nextInt(10);
            for (int i = 0; i < n; i++) {
                text.append(prefix).append(r.nextInt(12)).append(i + 1 < n ? ' ' : '\n');
            }
        }
        Path p = dir.resolve("topics-" + seed + ".txt");
        Files.writeString(p, text);
        return p;
    }

    static Word2VecConfig.Builder small() {
        return Word2VecConfig.builder().vectorSize(16).window(3).minCount(1).epochs(3).threads(1).sample(0);
    }

    /** Mean within-group cosine minus mean across-group cosine. */
    static double separation(WordVectors v) {
        double within = 0;
        double across = 0;
        int nw = 0;
        int na = 0;
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 12; j++) {
                if (i != j) {
                    within += v.similarity("a" + i, "a" + j) + v.similarity("b" + i, "b" + j);
                    nw += 2;
                }
                across += v.similarity("a" + i, "b" + j);
                na++;
            }
        }
        return within / nw - across / na;
    }

    @Test
    void everyArchitectureAndOutputLayerLearnsTheTopics() throws IOException {
        Path corpus = topicCorpus(600, 1);
        for (Word2VecConfig.Architecture arch : Word2VecConfig.Architecture.values()) {
            for (int layer = 0; layer < 3; layer++) {
                Word2VecConfig c = small().architecture(arch).hierarchicalSoftmax(layer == 1)
                        .negative(layer == 0 ? 5 : 0).fullSoftmax(layer == 2).build();
                Word2VecModel m = new Word2VecTrainer(c).train(List.of(corpus));
                double sep = separation(m.wordVectors());
                // Untrained vectors give a separation around 0 (± 0.05); trained ones clearly more.
                assertTrue(sep > 0.3, arch + " layer " + layer + ": separation " + sep);
            }
        }
    }

    @Test
    void sameSeedAndOneThreadGiveIdenticalVectors() throws IOException {
        Path corpus = topicCorpus(300, 2);
        Word2VecConfig c = small().sample(1e-2).hierarchicalSoftmax(true).build();
        float[][] a = new Word2VecTrainer(c).train(List.of(corpus)).syn0();
        float[][] b = new Word2VecTrainer(c).train(List.of(corpus)).syn0();
        float[][] other = new Word2VecTrainer(c.toBuilder().seed(2).build()).train(List.of(corpus)).syn0();
        assertArrayEquals(a, b);
        assertFalse(Arrays.deepEquals(a, other));
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
        Path small = topicCorpus(200, 5);
        Path large = topicCorpus(2000, 5);   // the same 24 words, ten times as many lines
        Word2VecVocabulary vocab = Word2VecVocabulary.count(List.of(large), 1, 0);
        Word2VecConfig c = small().sample(1e-2).build();   // one thread: training runs on this thread
        Word2VecTrainer trainer = new Word2VecTrainer(c);
        trainer.train(List.of(large), vocab);               // warm up (class loading, JIT)
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        trainer.train(List.of(small), vocab);
        long smallBytes = threads.getThreadAllocatedBytes(thread) - before;
        before = threads.getThreadAllocatedBytes(thread);
        trainer.train(List.of(large), vocab);
        long largeBytes = threads.getThreadAllocatedBytes(thread) - before;
        // 1,800 more lines (about 17,000 more words, 3 epochs): one allocation per word or window would
        // add far more than 16 KB; the per-run allocations (tables, buffers) are the same for both.
        assertTrue(largeBytes - smallBytes < 16_384, "small corpus " + smallBytes + " bytes, large " + largeBytes);
    }

    @Test
    void initialVectorsFollowWord2VecC() {
        // word2vec.c with next_random = 1: syn0[i] = (((r & 0xFFFF) / 65536) - 0.5) / E after r = r·25214903917 + 11.
        Word2VecVocabulary vocab = Word2VecVocabulary.of(List.of("x", "y"), new long[] {2, 1});
        Word2VecModel m = Word2VecModel.initialise(Word2VecConfig.builder().vectorSize(3).build(), vocab);
        long r = 1;
        for (int i = 0; i < 6; i++) {
            r = r * 25214903917L + 11;
            assertEquals(((r & 0xFFFF) / 65536f - 0.5f) / 3, m.syn0()[i / 3][i % 3]);
        }
    }

    @Test
    void severalThreadsTrainAllWordsOfSeveralFiles() throws IOException {
        Path a = topicCorpus(300, 3);
        Path b = topicCorpus(300, 4);
        Word2VecConfig c = small().threads(3).build();
        Word2VecModel m = new Word2VecTrainer(c).train(List.of(a, b));
        assertEquals(m.vocabulary().totalCount() * 3, m.trainedWords());
        assertTrue(separation(m.wordVectors()) > 0.3);
    }

    @Test
    void rejectsEmptyVocabularyAndBadConfig() throws IOException {
        Path p = dir.resolve("tiny.txt");
        Files.writeString(p, "just one line\n");
        Word2VecTrainer t = new Word2VecTrainer(Word2VecConfig.builder().minCount(5).threads(1).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.train(List.of(p)));
        assertTrue(e.getMessage().contains("vocabulary is empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Word2VecConfig.builder().negative(0).build());
        assertTrue(e.getMessage().contains("at least one output layer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Word2VecConfig.builder().window(0).build());
        assertEquals("window must be >= 1 but was 0", e.getMessage());
        assertEquals(0.05, Word2VecConfig.builder().architecture(Word2VecConfig.Architecture.CBOW).build().alpha());
        assertEquals(0.025, Word2VecConfig.builder().build().alpha());
    }
}
