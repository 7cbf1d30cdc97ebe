package org.seq4j.examples.define;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.seq4j.check.GradientCheck;
import org.seq4j.data.TokenBatch;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.Optimizer;

/**
 * The define example's model: finite-difference gradients of every parameter (through the initial-state
 * projection, two LSTM layers with dropout between them, and the padded steps; with and without the vector
 * in every step's input), and greedy decoding that reproduces what it was trained on.
 */
class DefinitionDecoderTest {

    private static final int PAD = 0;
    private static final int BOS = 1;
    private static final int EOS = 2;

    /** Three definitions of lengths 4, 2 and 3 (with <bos>), time-major targets padded with PAD. */
    private static final int[][] INPUTS = {{BOS, 3, 4, 5}, {BOS, 6}, {BOS, 4, 3}};
    private static final int[][] TARGETS = {{3, 4, 5, EOS}, {6, EOS}, {4, 3, EOS}};

    private static final TokenBatch BATCH = TokenBatch.of(INPUTS, PAD);
    private static final int[] BATCH_TARGETS = timeMajorTargets(BATCH);

    private static int[] timeMajorTargets(TokenBatch batch) {
        int b = batch.batchSize();
        int[] targets = new int[batch.maxLength() * b];
        for (int i = 0; i < b; i++) {
            int[] t = TARGETS[batch.exampleIndex(i)];
            for (int step = 0; step < t.length; step++) {
                targets[step * b + i] = t[step];
            }
        }
        return targets;
    }

    private static FMatrixRMaj vectors(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) random.nextDouble(-1, 1);
        }
        return m;
    }

    @ParameterizedTest(name = "feedVector={0}")
    @ValueSource(booleans = {false, true})
    void gradientsMatchFiniteDifferences(boolean feed) {
        DefinitionDecoder model = new DefinitionDecoder(3, 7, PAD, 4, 5, 2, 0.25f, feed, new SplittableRandom(11));
        FMatrixRMaj v = vectors(3, 3, 5);
        // the same dropout masks in every evaluation: a new stream with one seed
        GradientCheck.builder(() -> model.forward(BATCH, BATCH_TARGETS, v, new SplittableRandom(3)))
                .parameters(model.parameters()).build()
                .run(() -> {
                    model.parameters().zeroGrad();
                    model.forwardBackward(BATCH, BATCH_TARGETS, v, new SplittableRandom(3));
                }).assertPassed();
    }

    @ParameterizedTest(name = "feedVector={0}")
    @ValueSource(booleans = {false, true})
    void greedyDecodingRepeatsWhatTheModelLearned(boolean feed) {
        DefinitionDecoder model = new DefinitionDecoder(3, 7, PAD, 8, 16, 1, 0f, feed, new SplittableRandom(2));
        FMatrixRMaj v = vectors(3, 3, 9);
        Optimizer adam = new Adam(model.parameters(), AdamConfig.adam().learningRate(0.05).build());
        double first = model.forward(BATCH, BATCH_TARGETS, v, null);
        for (int step = 0; step < 150; step++) {
            model.parameters().zeroGrad();
            model.forwardBackward(BATCH, BATCH_TARGETS, v, null);
            adam.step();
        }
        double last = model.forward(BATCH, BATCH_TARGETS, v, null);
        assertTrue(last < 0.05 * first, "loss " + first + " → " + last);
        int[][] generated = model.greedy(v, BOS, EOS, new int[] {PAD, BOS}, 10);
        for (int i = 0; i < 3; i++) {
            int[] expected = java.util.Arrays.copyOf(TARGETS[i], TARGETS[i].length - 1);
            assertArrayEquals(expected, generated[i], "definition " + i);
        }
        // the length limit cuts a definition
        assertEquals(1, model.greedy(v, BOS, EOS, new int[] {PAD, BOS}, 1)[0].length);
    }
}
