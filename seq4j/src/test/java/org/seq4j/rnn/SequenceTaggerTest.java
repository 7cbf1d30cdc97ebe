package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.data.TokenBatch;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameter;
import org.seq4j.tensor.Kernels;

/**
 * {@link SequenceTagger}: the composition it stands for (Embedding → RecurrentLayer → Linear at every step),
 * its gradients by finite differences, its cache life cycle, and allocation-free steady-state steps.
 */
class SequenceTaggerTest {

    private static final int VOCABULARY = 7;
    private static final int PAD = 0;
    private static final int EMBEDDING = 3;
    private static final int HIDDEN = 4;
    private static final int TAGS = 3;
    private static final int BATCH = 3;
    private static final int STEPS = 4;
    private static final int IGNORE = CrossEntropyLoss.DEFAULT_IGNORE_INDEX;

    /** Time-major (T·B) tokens of three sequences of lengths 4, 2 and 3, padded with 0. */
    private static final int[] TOKENS = {
        1, 2, 3,
        4, 5, 6,
        6, PAD, 1,
        2, PAD, PAD};
    private static final int[] LENGTHS = {4, 2, 3};
    /** One tag per real step, the ignore index at the padded ones. */
    private static final int[] TAGS_OF_STEPS = {
        0, 1, 2,
        2, 0, 1,
        1, IGNORE, 0,
        2, IGNORE, IGNORE};

    private static RecurrentConfig config() {
        return RecurrentConfig.of(CellType.LSTM, EMBEDDING, HIDDEN).withBidirectional(true).withNumLayers(2);
    }

    private static SequenceTagger tagger(long seed) {
        return new SequenceTagger(VOCABULARY, PAD, config(), TAGS, new SplittableRandom(seed));
    }

    @Test
    void computesWhatItsPartsCompute() {
        SequenceTagger tagger = tagger(1);
        assertEquals(List.of("embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
                "rnn.bias_hh_l0", "rnn.weight_ih_l0_reverse", "rnn.weight_hh_l0_reverse", "rnn.bias_ih_l0_reverse",
                "rnn.bias_hh_l0_reverse", "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1",
                "rnn.bias_hh_l1", "rnn.weight_ih_l1_reverse", "rnn.weight_hh_l1_reverse", "rnn.bias_ih_l1_reverse",
                "rnn.bias_hh_l1_reverse", "fc.weight", "fc.bias"), tagger.parameters().names());

        // the same model from the parts, over the tagger's embedding and read-out and a copy of its layer
        Embedding embedding = new Embedding(tagger.parameters().get("embedding.weight"), PAD);
        Linear fc = new Linear(tagger.parameters().get("fc.weight"), tagger.parameters().get("fc.bias"));
        RecurrentLayer layer = new RecurrentLayer(config(), 99);
        for (Parameter p : layer.parameters()) {
            p.value().setTo(tagger.parameters().get("rnn." + p.name()).value());
        }
        FMatrixRMaj x = new FMatrixRMaj(STEPS * BATCH, EMBEDDING);
        embedding.forward(TOKENS, x);
        RecurrentLayer.Cache rnn = layer.forward(x, BATCH, LENGTHS, null, null, null);
        FMatrixRMaj logits = new FMatrixRMaj(STEPS * BATCH, TAGS);
        fc.forward(rnn.output(), logits);

        SequenceTagger.Cache cache = tagger.forward(TOKENS, BATCH, LENGTHS, null, null);
        assertArrayEquals(logits.data, cache.logits().data);
        assertEquals(STEPS, cache.timeSteps());
        assertEquals(BATCH, cache.batchSize());

        // and the same gradients: the layer's through its copy, the shared ones added twice
        FMatrixRMaj dLogits = new FMatrixRMaj(STEPS * BATCH, TAGS);
        FMatrixRMaj probabilities = new FMatrixRMaj(STEPS * BATCH, TAGS);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        loss.forward(cache.logits(), TAGS_OF_STEPS, probabilities);
        loss.backward(probabilities, TAGS_OF_STEPS, 1.0, dLogits);
        tagger.parameters().zeroGrad();
        tagger.backward(cache, dLogits);
        FMatrixRMaj taggerEmbeddingGrad = tagger.parameters().get("embedding.weight").grad().copy();
        FMatrixRMaj dOutput = new FMatrixRMaj(STEPS * BATCH, config().outputSize());
        fc.backward(rnn.output(), dLogits, dOutput);
        layer.backward(rnn, dOutput, null, null);
        embedding.backward(TOKENS, rnn.dx());
        for (Parameter p : layer.parameters()) {
            assertArrayEquals(p.grad().data, tagger.parameters().get("rnn." + p.name()).grad().data, p.name());
        }
        FMatrixRMaj twice = taggerEmbeddingGrad.copy();
        org.ejml.dense.row.CommonOps_FDRM.scale(2f, twice);
        assertArrayEquals(twice.data, tagger.parameters().get("embedding.weight").grad().data);
        for (int e = 0; e < EMBEDDING; e++) {
            assertEquals(0f, taggerEmbeddingGrad.get(PAD, e), "the padding row gets no gradient");
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SequenceTagger tagger = tagger(2);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        FMatrixRMaj probabilities = new FMatrixRMaj(STEPS * BATCH, TAGS);
        FMatrixRMaj dLogits = new FMatrixRMaj(STEPS * BATCH, TAGS);
        SequenceTagger.Cache cache = tagger.newCache();
        GradientCheck.builder(() -> loss.forward(tagger.forward(TOKENS, BATCH, LENGTHS, null, cache).logits(),
                        TAGS_OF_STEPS, probabilities))
                .parameters(tagger.parameters())
                .build()
                .run(() -> {
                    tagger.parameters().zeroGrad();
                    tagger.forward(TOKENS, BATCH, LENGTHS, null, cache);
                    loss.forward(cache.logits(), TAGS_OF_STEPS, probabilities);
                    loss.backward(probabilities, TAGS_OF_STEPS, 1.0, dLogits);
                    tagger.backward(cache, dLogits);
                })
                .assertPassed();
    }

    @Test
    void aTokenBatchGivesTheSameLogits() {
        SequenceTagger tagger = tagger(3);
        TokenBatch batch = TokenBatch.of(new int[][] {{1, 4, 6, 2}, {2, 5}, {3, 6, 1}}, PAD);
        assertArrayEquals(TOKENS, batch.tokens());
        assertArrayEquals(tagger.forward(TOKENS, BATCH, LENGTHS, null, null).logits().data,
                tagger.forward(batch, null).logits().data);
    }

    @Test
    void cachesFollowTheirLifeCycle() {
        SequenceTagger tagger = tagger(4);
        FMatrixRMaj dLogits = new FMatrixRMaj(STEPS * BATCH, TAGS);
        SequenceTagger.Cache cache = tagger.newCache();
        assertThrows(IllegalStateException.class, () -> tagger.backward(cache, dLogits));
        assertThrows(IllegalStateException.class, cache::logits);
        assertSame(cache, tagger.forward(TOKENS, BATCH, LENGTHS, null, cache));
        tagger.backward(cache, dLogits);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> tagger.backward(cache, dLogits));
        assertTrue(twice.getMessage().contains("already consumed"), twice.getMessage());
        SequenceTagger other = tagger(5);
        assertThrows(IllegalArgumentException.class, () -> other.backward(cache, dLogits));
        assertThrows(IllegalArgumentException.class, () -> other.forward(TOKENS, BATCH, LENGTHS, null, cache));

        // two caches alive at once, each consumed by its own backward
        SequenceTagger.Cache a = tagger.forward(TOKENS, BATCH, LENGTHS, null, null);
        SequenceTagger.Cache b = tagger.forward(new int[] {1, 2, 3, 4}, 2, null, null, null);
        tagger.backward(b, new FMatrixRMaj(4, TAGS));
        tagger.backward(a, dLogits);
    }

    @Test
    void badArgumentsAreRefusedWithTheShapes() {
        SequenceTagger tagger = tagger(6);
        IllegalArgumentException tokens = assertThrows(IllegalArgumentException.class,
                () -> tagger.forward(new int[] {1, 2, 3}, 2, null, null, null));
        assertEquals("tokens must hold T·B ids with B = 2 and T ≥ 1 but had 3 entries", tokens.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tagger.forward(new int[] {1, 7}, 1, null, null, null));
        SequenceTagger.Cache cache = tagger.forward(TOKENS, BATCH, LENGTHS, null, null);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> tagger.backward(cache, new FMatrixRMaj(STEPS * BATCH, 2)));
        assertTrue(shape.getMessage().contains("dLogits must be (12, 3) but was (12, 2)"), shape.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new SequenceTagger(VOCABULARY, VOCABULARY, config(), TAGS, new SplittableRandom(1)));
    }

    @Test
    void aTrainingStepOfAFixedShapeAllocatesNothing() throws InterruptedException {
        // the kernels that the rest of a run uses: warmed up now, not switched to during the measurement
        Kernels.awaitVectorKernels();
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        SequenceTagger tagger = tagger(7);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        FMatrixRMaj probabilities = new FMatrixRMaj(STEPS * BATCH, TAGS);
        FMatrixRMaj dLogits = new FMatrixRMaj(STEPS * BATCH, TAGS);
        SequenceTagger.Cache cache = tagger.newCache();
        Runnable step = () -> {
            tagger.forward(TOKENS, BATCH, LENGTHS, null, cache);
            loss.forward(cache.logits(), TAGS_OF_STEPS, probabilities);
            tagger.parameters().zeroGrad();
            loss.backward(probabilities, TAGS_OF_STEPS, 1.0, dLogits);
            tagger.backward(cache, dLogits);
        };
        int iterations = 500;
        for (int i = 0; i < 4 * iterations; i++) {
            step.run();                                     // warm up (class loading, JIT)
        }
        long thread = Thread.currentThread().getId();
        long allocated = Long.MAX_VALUE;
        // a window during JIT recompilation may see a one-off allocation; one per step shows in every window
        for (int w = 0; w < 20 && allocated >= 4096; w++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < iterations; i++) {
                step.run();
            }
            allocated = threads.getThreadAllocatedBytes(thread) - before;
        }
        assertTrue(allocated < 4096, allocated + " bytes allocated in every window of " + iterations + " steps");
    }
}
