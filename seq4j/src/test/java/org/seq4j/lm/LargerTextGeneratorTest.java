package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.seq4j.random.SplitMix64;
import org.seq4j.rnn.CellType;
import org.seq4j.tensor.Kernels;
import org.seq4j.text.CharacterVocabulary;

/**
 * Generation with a model large enough for the vectorised row products (matrices of at least 4,096
 * elements: {@code RowArrayMatrix}), which the small models of {@link TextGeneratorTest} do not reach.
 */
class LargerTextGeneratorTest {

    /**
     * Warm-up rounds of {@link #WARM_UP} characters before a measurement of {@link #MEASURED}. Vector API
     * code is allocation-free only once C2 has compiled it; in a JVM busy with a whole test suite the
     * compiler may take several rounds to get to it. A generator that allocated per character would
     * fail every round.
     */
    private static final int ROUNDS = 20;
    private static final int WARM_UP = 5_000;
    private static final int MEASURED = 500;

    @Test
    void generatingACharacterAllocatesNothingOnceCompiled() throws InterruptedException {
        // the kernels that the rest of a run uses: warmed up now, not switched to during the measurement
        Kernels.awaitVectorKernels();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CharacterVocabulary vocabulary = CharacterVocabulary.of(CharLmTrainerTest.TEXT);
        // H = 64: W_hhᵀ (64, 256) and the second layer's W_ihᵀ are packed for the vectorised kernels
        CharLanguageModel model = new CharLanguageModel(
                new CharLmConfig(CellType.LSTM, vocabulary.size(), 32, 64, 2, 0f), vocabulary, 11);
        TextGenerator generator = model.generator(new SamplingOptions(0.9, 5), new SplitMix64(12));
        generator.prime("to be or not");
        long thread = Thread.currentThread().getId();
        long allocated = -1;
        int sink = 0;
        for (int round = 0; round < ROUNDS && allocated != 0; round++) {
            for (int i = 0; i < WARM_UP; i++) {
                sink += generator.next();
            }
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < MEASURED; i++) {
                sink += generator.next();
            }
            allocated = threads.getThreadAllocatedBytes(thread) - before;
        }
        assertEquals(0, allocated, "bytes allocated by " + MEASURED + " characters after the last warm-up");
        assertTrue(sink > 0);
    }
}
