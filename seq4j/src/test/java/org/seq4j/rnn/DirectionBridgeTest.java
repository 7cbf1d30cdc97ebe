package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.rnn.RnnTesting.uniform;
import static org.seq4j.rnn.RnnTesting.weightedSum;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.seq4j.check.GradientCheck;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameter;

/** {@link DirectionBridge}: values of every mode, gradient checks, and the cache life cycle. */
class DirectionBridgeTest {

    private static final int LAYERS = 2;
    private static final int BATCH = 3;
    private static final int HIDDEN = 4;

    private static DirectionBridge bridge(DirectionBridge.Mode mode, long seed) {
        return switch (mode) {
            case SUM -> DirectionBridge.sum(LAYERS, HIDDEN);
            case CONCAT -> DirectionBridge.concat(LAYERS, HIDDEN);
            case LINEAR -> DirectionBridge.linear(LAYERS, HIDDEN, 5, new SplittableRandom(seed));
        };
    }

    @Test
    void combinesEachLayersTwoDirectionsPerSequence() {
        // s(row, j) = 100·row + j: row (2k + d)·B + b is layer k, direction d, sequence b
        FMatrixRMaj s = new FMatrixRMaj(LAYERS * 2 * BATCH, HIDDEN);
        for (int i = 0; i < s.getNumElements(); i++) {
            s.data[i] = 100 * (i / HIDDEN) + i % HIDDEN;
        }
        FMatrixRMaj sum = DirectionBridge.sum(LAYERS, HIDDEN).forward(s).output();
        FMatrixRMaj concat = DirectionBridge.concat(LAYERS, HIDDEN).forward(s).output();
        assertEquals(LAYERS * BATCH, sum.numRows);
        assertEquals(2 * HIDDEN, concat.numCols);
        for (int k = 0; k < LAYERS; k++) {
            for (int b = 0; b < BATCH; b++) {
                int f = 2 * k * BATCH + b;
                int r = (2 * k + 1) * BATCH + b;
                for (int j = 0; j < HIDDEN; j++) {
                    assertEquals(s.get(f, j) + s.get(r, j), sum.get(k * BATCH + b, j));
                    assertEquals(s.get(f, j), concat.get(k * BATCH + b, j));
                    assertEquals(s.get(r, j), concat.get(k * BATCH + b, HIDDEN + j));
                }
            }
        }
    }

    @Test
    void linearModeIsTanhOfTheLinearLayerOnTheConcatenation() {
        SplittableRandom random = new SplittableRandom(1);
        Linear linear = new Linear(2 * HIDDEN, 5, random);
        DirectionBridge bridge = DirectionBridge.linear(LAYERS, linear);
        assertSame(linear.weight().value(), bridge.parameters().get("weight").value(), "shared, not copied");
        assertEquals(List.of("weight", "bias"), bridge.parameters().names());
        FMatrixRMaj s = uniform(random, LAYERS * 2 * BATCH, HIDDEN, 1.0);
        FMatrixRMaj joined = DirectionBridge.concat(LAYERS, HIDDEN).forward(s).output();
        FMatrixRMaj expected = new FMatrixRMaj(LAYERS * BATCH, 5);
        linear.forward(joined, expected);
        for (int i = 0; i < expected.getNumElements(); i++) {
            expected.data[i] = (float) Math.tanh(expected.data[i]);
        }
        assertArrayEquals(expected.data, bridge.forward(s).output().data);
        assertEquals(0, DirectionBridge.sum(1, 2).parameters().size());
    }

    @ParameterizedTest
    @EnumSource(DirectionBridge.Mode.class)
    void passesGradientCheck(DirectionBridge.Mode mode) {
        DirectionBridge bridge = bridge(mode, 2);
        SplittableRandom random = new SplittableRandom(3);
        FMatrixRMaj s = uniform(random, LAYERS * 2 * BATCH, HIDDEN, 1.0);
        FMatrixRMaj w = uniform(random, LAYERS * BATCH, bridge.outputSize(), 0.5);
        FMatrixRMaj ds = new FMatrixRMaj(s.numRows, s.numCols);
        // one cache reused by every evaluation
        DirectionBridge.Cache[] cache = new DirectionBridge.Cache[1];
        GradientCheck.Builder builder = GradientCheck.builder(() -> {
            cache[0] = bridge.forward(s, cache[0]);
            return weightedSum(cache[0].output(), w);
        }).input("encoderState", s, ds);
        if (mode == DirectionBridge.Mode.LINEAR) {
            builder.parameters(bridge.parameters());
        }
        builder.build().run(() -> {
            bridge.parameters().zeroGrad();
            cache[0] = bridge.forward(s, cache[0]);
            bridge.backward(cache[0], w);
            ds.setTo(cache[0].dEncoderState());
        }).assertPassed();
    }

    @Test
    void backwardAddsIntoTheLinearGradients() {
        DirectionBridge bridge = bridge(DirectionBridge.Mode.LINEAR, 4);
        SplittableRandom random = new SplittableRandom(5);
        FMatrixRMaj s = uniform(random, LAYERS * 2 * BATCH, HIDDEN, 1.0);
        FMatrixRMaj d = uniform(random, LAYERS * BATCH, 5, 1.0);
        bridge.parameters().zeroGrad();
        // two forwards alive at once (the hidden and the cell state of an LSTM through one bridge)
        DirectionBridge.Cache first = bridge.forward(s);
        DirectionBridge.Cache second = bridge.forward(s);
        bridge.backward(first, d);
        Parameter weight = bridge.parameters().get("weight");
        FMatrixRMaj once = weight.grad().copy();
        bridge.backward(second, d);
        for (int i = 0; i < once.getNumElements(); i++) {
            assertEquals(2 * once.data[i], weight.grad().data[i], 1e-6f);
        }
        assertArrayEquals(first.dEncoderState().data, second.dEncoderState().data);
    }

    @Test
    void cacheLifeCycleAndShapesAreChecked() {
        DirectionBridge bridge = DirectionBridge.sum(LAYERS, HIDDEN);
        DirectionBridge other = DirectionBridge.sum(LAYERS, HIDDEN);
        FMatrixRMaj s = new FMatrixRMaj(LAYERS * 2 * BATCH, HIDDEN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bridge.forward(new FMatrixRMaj(LAYERS * BATCH + 1, HIDDEN)));
        assertTrue(e.getMessage().contains("(L·2·B, 4) with L = 2"), e.getMessage());
        DirectionBridge.Cache cache = bridge.forward(s);
        assertThrows(IllegalStateException.class, cache::dEncoderState);
        assertThrows(IllegalArgumentException.class, () -> other.backward(cache, new FMatrixRMaj(6, HIDDEN)));
        assertThrows(IllegalArgumentException.class, () -> other.forward(s, cache));
        assertThrows(IllegalArgumentException.class, () -> bridge.backward(cache, new FMatrixRMaj(5, HIDDEN)));
        bridge.backward(cache, new FMatrixRMaj(LAYERS * BATCH, HIDDEN));
        assertThrows(IllegalStateException.class, () -> bridge.backward(cache, new FMatrixRMaj(6, HIDDEN)));
        FMatrixRMaj output = cache.output();
        assertSame(cache, bridge.forward(s, cache));
        assertSame(output, cache.output(), "same batch size: same buffers");
        bridge.forward(new FMatrixRMaj(LAYERS * 2, HIDDEN), cache);
        assertEquals(1, cache.batchSize());
        assertEquals(cache.output().getNumElements(), cache.output().data.length);
        DirectionBridge.Cache empty = bridge.newCache();
        assertThrows(IllegalStateException.class, empty::output);
        assertThrows(IllegalStateException.class, () -> bridge.backward(empty, new FMatrixRMaj(6, HIDDEN)));
        assertThrows(IllegalArgumentException.class, () -> DirectionBridge.linear(1, new Linear(3, 2,
                new SplittableRandom(1))));
    }

    @Test
    void bridgesABidirectionalEncoderIntoAStack() {
        SplittableRandom random = new SplittableRandom(6);
        RecurrentLayer encoder = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, 3, HIDDEN).withNumLayers(LAYERS)
                .withBidirectional(true), 7);
        RecurrentStack decoder = new RecurrentStack(RecurrentConfig.of(CellType.GRU, 3, 2 * HIDDEN)
                .withNumLayers(LAYERS), RecurrentInit.pytorchDefault(), random);
        RecurrentLayer.Cache encoded = encoder.forward(uniform(random, 4 * BATCH, 3, 1.0), BATCH);
        DirectionBridge.Cache bridged = DirectionBridge.concat(LAYERS, HIDDEN).forward(encoded.finalHidden());
        RecurrentStack.Cache step = decoder.forward(uniform(random, BATCH, 3, 1.0), bridged.output(), null);
        assertEquals(LAYERS * BATCH, step.hidden().numRows);
    }
}
