package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.rnn.RnnTesting.uniform;
import static org.seq4j.rnn.RnnTesting.weightedSum;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.seq4j.check.GradientCheck;
import org.seq4j.nn.Parameter;
import org.seq4j.tensor.Tensors;

/**
 * {@link RecurrentStack}: stepped over a whole sequence it equals {@link RecurrentLayer}'s forward and
 * backward (with the layer's dropout masks given explicitly), its backward passes a gradient check, and its
 * caches follow the documented life cycle without allocating at steady state.
 */
class RecurrentStackTest {

    private static final int INPUT = 3;
    private static final int HIDDEN = 4;
    private static final int BATCH = 5;
    private static final int STEPS = 4;

    /**
     * Relative tolerance between the stack and the layer. Forward values are the same float operations;
     * gradients are the same terms summed in another order (the layer forms weight gradients as one
     * product over all T·B rows, the stack adds one step at a time), which changes a float32 sum by a few
     * ulps of its largest terms: each entry is compared relative to the largest entry of its tensor.
     */
    private static final double SAME_UP_TO_SUM_ORDER = 1e-6;

    static Stream<Arguments> cellsAndLayers() {
        List<Arguments> cases = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            cases.add(Arguments.of(cell, 1));
            cases.add(Arguments.of(cell, 2));
        }
        return cases.stream();
    }

    private static RecurrentConfig config(CellType cell, int layers) {
        return RecurrentConfig.of(cell, INPUT, HIDDEN).withNumLayers(layers).withDropout(layers > 1 ? 0.4f : 0f);
    }

    /** Rows [t·B, t·B + B) of a (T·B, C) matrix as a new (B, C) matrix. */
    private static FMatrixRMaj stepRows(FMatrixRMaj m, int t, int batch) {
        FMatrixRMaj row = new FMatrixRMaj(batch, m.numCols);
        System.arraycopy(m.data, t * batch * m.numCols, row.data, 0, batch * m.numCols);
        return row;
    }

    /** The masks of step t, ((L−1)·B, H), from the layer's masks (T·B, H) of each layer k < L − 1. */
    private static FMatrixRMaj stepMasks(RecurrentLayer.Cache cache, int layers, int t) {
        FMatrixRMaj masks = new FMatrixRMaj((layers - 1) * BATCH, HIDDEN);
        for (int k = 0; k < layers - 1; k++) {
            System.arraycopy(cache.dropoutMask(k).data, t * BATCH * HIDDEN, masks.data, k * BATCH * HIDDEN,
                    BATCH * HIDDEN);
        }
        return masks;
    }

    /** |actual − expected| ≤ tolerance · max(|expected|) over the tensor, entry by entry. */
    private static void assertClose(String name, FMatrixRMaj expected, FMatrixRMaj actual) {
        assertEquals(Tensors.shape(expected), Tensors.shape(actual), name + ": shape");
        double scale = 0;
        for (int i = 0; i < expected.getNumElements(); i++) {
            scale = Math.max(scale, Math.abs(expected.data[i]));
        }
        for (int i = 0; i < expected.getNumElements(); i++) {
            double diff = Math.abs(actual.data[i] - expected.data[i]);
            if (!(diff <= SAME_UP_TO_SUM_ORDER * scale)) {
                throw new AssertionError(String.format(Locale.ROOT, "%s at (%d, %d): expected %.9g, actual %.9g,"
                                + " |diff| %.3g > %.1g · %.3g", name, i / expected.numCols, i % expected.numCols,
                        expected.data[i], actual.data[i], diff, SAME_UP_TO_SUM_ORDER, scale));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cellsAndLayers")
    void steppingASequenceEqualsTheLayer(CellType cell, int layers) {
        RecurrentConfig config = config(cell, layers);
        RecurrentLayer layer = new RecurrentLayer(config, 21);
        RecurrentStack stack = new RecurrentStack(layer);
        boolean lstm = cell.hasCellState();
        SplittableRandom random = new SplittableRandom(22);
        int stateRows = config.stateRows(BATCH);
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, stateRows, HIDDEN, 0.8);
        FMatrixRMaj c0 = lstm ? uniform(random, stateRows, HIDDEN, 0.8) : null;
        FMatrixRMaj dOut = uniform(random, STEPS * BATCH, HIDDEN, 1.0);
        FMatrixRMaj dHN = uniform(random, stateRows, HIDDEN, 1.0);
        FMatrixRMaj dCN = lstm ? uniform(random, stateRows, HIDDEN, 1.0) : null;

        // the sequence layer, in training (dropout between layers)
        layer.parameters().zeroGrad();
        RecurrentLayer.Cache seq = layer.forward(x, BATCH, null, h0, c0, new SplittableRandom(23));
        layer.backward(seq, dOut, dHN, dCN);
        List<FMatrixRMaj> layerGrads = new ArrayList<>();
        for (Parameter p : layer.parameters()) {
            layerGrads.add(p.grad().copy());
        }
        if (layers > 1) {
            boolean someDropped = false;
            for (float m : seq.dropoutMask(0).data) {
                someDropped |= m == 0f;
            }
            assertTrue(someDropped, "the layer's forward applied dropout");
        }

        // the stack, one step at a time with the layer's masks, then backward in reverse
        layer.parameters().zeroGrad();
        RecurrentStack.Cache[] steps = new RecurrentStack.Cache[STEPS];
        FMatrixRMaj h = h0;
        FMatrixRMaj c = c0;
        for (int t = 0; t < STEPS; t++) {
            FMatrixRMaj masks = layers > 1 ? stepMasks(seq, layers, t) : null;
            steps[t] = stack.forwardWithMasks(stepRows(x, t, BATCH), h, c, masks, null);
            h = steps[t].hidden();
            c = steps[t].cellState();
            assertClose("output step " + t, stepRows(seq.output(), t, BATCH), steps[t].output());
        }
        assertClose("h_n", seq.finalHidden(), h);
        if (lstm) {
            assertClose("c_n", seq.finalCellState(), c);
        }
        FMatrixRMaj dh = dHN;
        FMatrixRMaj dc = dCN;
        for (int t = STEPS - 1; t >= 0; t--) {
            stack.backward(steps[t], stepRows(dOut, t, BATCH), dh, dc);
            assertClose("dx step " + t, stepRows(seq.dx(), t, BATCH), steps[t].dx());
            dh = steps[t].dhPrev();
            dc = steps[t].dcPrev();
        }
        assertClose("dh0", seq.dh0(), dh);
        if (lstm) {
            assertClose("dc0", seq.dc0(), dc);
        } else {
            assertNull(dc);
        }
        List<Parameter> params = stack.parameters().list();
        for (int i = 0; i < params.size(); i++) {
            assertClose("grad " + params.get(i).name(), layerGrads.get(i), params.get(i).grad());
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Gradient check

    /** Two layers stepped over STEPS steps with fixed masks; the loss weights every output and final state. */
    private static final class Unrolled {
        final RecurrentStack stack;
        final boolean lstm;
        final FMatrixRMaj[] x = new FMatrixRMaj[STEPS];
        final FMatrixRMaj[] dx = new FMatrixRMaj[STEPS];
        final FMatrixRMaj[] wOut = new FMatrixRMaj[STEPS];
        final FMatrixRMaj[] masks = new FMatrixRMaj[STEPS];
        final FMatrixRMaj h0;
        final FMatrixRMaj c0;
        final FMatrixRMaj wH;
        final FMatrixRMaj wC;
        final FMatrixRMaj dh0;
        final FMatrixRMaj dc0;
        final RecurrentStack.Cache[] caches = new RecurrentStack.Cache[STEPS];

        Unrolled(CellType cell, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            RecurrentConfig config = RecurrentConfig.of(cell, INPUT, HIDDEN).withNumLayers(2).withDropout(0.5f);
            this.stack = new RecurrentStack(config, RecurrentInit.pytorchDefault().withOrthogonalRecurrentWeights(),
                    random.split());
            this.lstm = cell.hasCellState();
            int batch = 2;
            int stateRows = config.stateRows(batch);
            SplittableRandom dropout = random.split();
            for (int t = 0; t < STEPS; t++) {
                x[t] = uniform(random, batch, INPUT, 1.0);
                dx[t] = new FMatrixRMaj(batch, INPUT);
                wOut[t] = uniform(random, batch, HIDDEN, 0.5);
                masks[t] = new FMatrixRMaj(batch, HIDDEN);
                for (int i = 0; i < masks[t].data.length; i++) {
                    masks[t].data[i] = dropout.nextFloat() < 0.5f ? 0f : 2f;
                }
            }
            h0 = uniform(random, stateRows, HIDDEN, 0.8);
            c0 = lstm ? uniform(random, stateRows, HIDDEN, 0.8) : null;
            wH = uniform(random, stateRows, HIDDEN, 0.5);
            wC = lstm ? uniform(random, stateRows, HIDDEN, 0.5) : null;
            dh0 = new FMatrixRMaj(stateRows, HIDDEN);
            dc0 = new FMatrixRMaj(stateRows, HIDDEN);
        }

        void forward() {
            FMatrixRMaj h = h0;
            FMatrixRMaj c = c0;
            for (int t = 0; t < STEPS; t++) {
                caches[t] = stack.forwardWithMasks(x[t], h, c, masks[t], caches[t]);
                h = caches[t].hidden();
                c = caches[t].cellState();
            }
        }

        double loss() {
            forward();
            double loss = weightedSum(caches[STEPS - 1].hidden(), wH);
            for (int t = 0; t < STEPS; t++) {
                loss += weightedSum(caches[t].output(), wOut[t]);
            }
            return lstm ? loss + weightedSum(caches[STEPS - 1].cellState(), wC) : loss;
        }

        void gradients() {
            stack.parameters().zeroGrad();
            forward();
            FMatrixRMaj dh = wH;
            FMatrixRMaj dc = wC;
            for (int t = STEPS - 1; t >= 0; t--) {
                stack.backward(caches[t], wOut[t], dh, dc);
                dx[t].setTo(caches[t].dx());
                dh = caches[t].dhPrev();
                dc = caches[t].dcPrev();
            }
            dh0.setTo(dh);
            if (lstm) {
                dc0.setTo(dc);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "LSTM", "GRU"})
    void passesGradientCheck(CellType cell) {
        Unrolled u = new Unrolled(cell, 31);
        GradientCheck.Builder builder = GradientCheck.builder(u::loss).parameters(u.stack.parameters())
                .input("h0", u.h0, u.dh0);
        if (u.lstm) {
            builder.input("c0", u.c0, u.dc0);
        }
        for (int t = 0; t < STEPS; t++) {
            builder.input("x" + t, u.x[t], u.dx[t]);
        }
        builder.build().run(u::gradients).assertPassed();
    }

    // ----------------------------------------------------------------------------------------------
    // Construction, parameters, dropout

    @Test
    void sharesTheLayersParametersUnderItsNames() {
        RecurrentLayer layer = new RecurrentLayer(config(CellType.LSTM, 2), 41);
        RecurrentStack stack = new RecurrentStack(layer);
        assertEquals(layer.parameters().names(), stack.parameters().names());
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"), stack.parameters().names());
        for (Parameter p : layer.parameters()) {
            assertSame(p.value(), stack.parameters().get(p.name()).value());
            assertSame(p.grad(), stack.parameters().get(p.name()).grad());
        }
        assertSame(layer.cell(1, 0), stack.cell(1));
        assertSame(layer.config(), stack.config());
        assertThrows(IllegalArgumentException.class, () -> stack.cell(2));
        assertThrows(IllegalArgumentException.class,
                () -> new RecurrentStack(new RecurrentLayer(config(CellType.GRU, 1).withBidirectional(true), 1)));
        assertThrows(IllegalArgumentException.class, () -> new RecurrentStack(
                config(CellType.GRU, 1).withBidirectional(true), RecurrentInit.pytorchDefault(), new SplittableRandom(1)));
    }

    @Test
    void builtFromAConfigItIsInitialisedAsTheLayer() {
        RecurrentConfig config = config(CellType.GRU, 2);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), new SplittableRandom(42));
        RecurrentStack stack = new RecurrentStack(config, RecurrentInit.pytorchDefault(), new SplittableRandom(42));
        assertEquals(layer.parameters().names(), stack.parameters().names());
        for (Parameter p : layer.parameters()) {
            Parameter q = stack.parameters().get(p.name());
            assertNotSame(p.value(), q.value());
            assertArrayEquals(p.value().data, q.value().data, p.name());
        }
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void inferenceStepsEqualTheLayersGenerationSteps(CellType cell) {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(cell, INPUT, HIDDEN).withNumLayers(2), 43);
        RecurrentStack stack = new RecurrentStack(layer);
        RecurrentState state = layer.newState(BATCH);
        SplittableRandom random = new SplittableRandom(44);
        FMatrixRMaj expected = new FMatrixRMaj(BATCH, HIDDEN);
        RecurrentStack.Cache cache = null;
        for (int t = 0; t < STEPS; t++) {
            FMatrixRMaj x = uniform(random, BATCH, INPUT, 1.0);
            layer.step(x, state, expected);
            // one cache for every step: the previous state is read from the cache being refilled
            cache = cache == null ? stack.forward(x, null, null)
                    : stack.forward(x, cache.hidden(), cache.cellState(), null, cache);
            assertClose("output step " + t, expected, cache.output());
            assertClose("hidden step " + t, state.hidden(), cache.hidden());
            if (cell.hasCellState()) {
                assertClose("cell state step " + t, state.cellState(), cache.cellState());
            }
            assertFalse(cache.hasDropout());
        }
    }

    @Test
    void dropoutMasksAreInvertedSeededAndOnlyInTraining() {
        RecurrentStack stack = new RecurrentStack(config(CellType.LSTM, 3), RecurrentInit.pytorchDefault(),
                new SplittableRandom(45));
        FMatrixRMaj x = uniform(new SplittableRandom(46), BATCH, INPUT, 1.0);
        RecurrentStack.Cache a = stack.forward(x, null, null, new SplittableRandom(47), null);
        RecurrentStack.Cache b = stack.forward(x, null, null, new SplittableRandom(47), null);
        FMatrixRMaj masks = a.dropoutMasks();
        assertEquals(2 * BATCH, masks.numRows);
        assertArrayEquals(masks.data, b.dropoutMasks().data);
        assertArrayEquals(a.output().data, b.output().data);
        // the draws in order, row-major over ((L−1)·B, H), as RecurrentLayer draws its masks
        SplittableRandom replay = new SplittableRandom(47);
        int zeros = 0;
        for (float m : masks.data) {
            float expected = replay.nextFloat() < 0.4f ? 0f : 1f / (1f - 0.4f);
            assertEquals(expected, m);
            zeros += m == 0f ? 1 : 0;
        }
        assertTrue(zeros > 0 && zeros < masks.data.length, zeros + " zeros");
        // the same masks given explicitly give the same step
        RecurrentStack.Cache explicit = stack.forwardWithMasks(x, null, null, masks, null);
        assertArrayEquals(a.output().data, explicit.output().data);
        // no random stream: no dropout
        RecurrentStack.Cache inference = stack.forward(x, null, null);
        assertFalse(inference.hasDropout());
        assertThrows(IllegalStateException.class, inference::dropoutMasks);
        assertFalse(stack.forwardWithMasks(x, null, null, null, null).hasDropout());
        assertThrows(IllegalArgumentException.class,
                () -> stack.forwardWithMasks(x, null, null, new FMatrixRMaj(BATCH, HIDDEN), null));
    }

    // ----------------------------------------------------------------------------------------------
    // Cache life cycle, validation, allocation

    @Test
    void cacheLifeCycleIsChecked() {
        RecurrentStack stack = new RecurrentStack(config(CellType.LSTM, 2), RecurrentInit.pytorchDefault(),
                new SplittableRandom(51));
        RecurrentStack other = new RecurrentStack(config(CellType.LSTM, 2), RecurrentInit.pytorchDefault(),
                new SplittableRandom(52));
        FMatrixRMaj x = uniform(new SplittableRandom(53), BATCH, INPUT, 1.0);
        RecurrentStack.Cache cache = stack.forward(x, null, null);
        assertThrows(IllegalStateException.class, cache::dx, "no backward yet");
        assertThrows(IllegalStateException.class, cache::dhPrev);
        assertThrows(IllegalArgumentException.class, () -> other.backward(cache, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> other.forward(x, null, null, null, cache));
        stack.backward(cache, null, null, null);
        assertEquals(BATCH, cache.dx().numRows);
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> stack.backward(cache, null, null, null));
        assertTrue(twice.getMessage().contains("already consumed"), twice.getMessage());
        // a new forward makes it usable again
        assertSame(cache, stack.forward(x, null, null, null, cache));
        assertThrows(IllegalStateException.class, cache::dx);
        stack.backward(cache, null, null, null);
        // a cache never filled
        RecurrentStack.Cache empty = stack.newCache();
        assertThrows(IllegalStateException.class, empty::output);
        IllegalStateException never = assertThrows(IllegalStateException.class,
                () -> stack.backward(empty, null, null, null));
        assertTrue(never.getMessage().contains("forward first"), never.getMessage());
        assertSame(empty, stack.forward(x, null, null, null, empty));
        stack.backward(empty, null, null, null);
    }

    @Test
    void validatesShapes() {
        RecurrentStack gru = new RecurrentStack(config(CellType.GRU, 2), RecurrentInit.pytorchDefault(),
                new SplittableRandom(54));
        FMatrixRMaj x = new FMatrixRMaj(BATCH, INPUT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gru.forward(new FMatrixRMaj(BATCH, INPUT + 1), null, null));
        assertTrue(e.getMessage().contains("(B, 3)") && e.getMessage().contains("(5, 4)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gru.forward(x, new FMatrixRMaj(BATCH, HIDDEN), null));
        assertTrue(e.getMessage().contains("hPrev must be (10, 4)"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> gru.forward(x, null, new FMatrixRMaj(2 * BATCH, HIDDEN)), "a GRU has no cell state");
        RecurrentStack.Cache cache = gru.forward(x, null, null);
        assertNull(cache.cellState());
        assertThrows(IllegalArgumentException.class,
                () -> gru.backward(cache, new FMatrixRMaj(BATCH + 1, HIDDEN), null, null));
        assertThrows(IllegalArgumentException.class,
                () -> gru.backward(cache, null, null, new FMatrixRMaj(2 * BATCH, HIDDEN)));
        assertThrows(IllegalArgumentException.class, () -> gru.backward(null, null, null, null));
    }

    @Test
    void aCacheReallocatesExactlyWhenTheBatchSizeChanges() {
        RecurrentStack stack = new RecurrentStack(config(CellType.LSTM, 2), RecurrentInit.pytorchDefault(),
                new SplittableRandom(55));
        SplittableRandom random = new SplittableRandom(56);
        RecurrentStack.Cache cache = stack.forward(uniform(random, BATCH, INPUT, 1.0), null, null);
        FMatrixRMaj output = cache.output();
        stack.forward(uniform(random, BATCH, INPUT, 1.0), null, null, null, cache);
        assertSame(output, cache.output(), "same batch size: same buffers");
        stack.forward(uniform(random, 2, INPUT, 1.0), null, null, null, cache);
        stack.backward(cache, null, null, null);
        for (FMatrixRMaj m : List.of(cache.output(), cache.hidden(), cache.cellState(), cache.dx(), cache.dhPrev(),
                cache.dcPrev())) {
            assertEquals(m.getNumElements(), m.data.length, "data length of a " + m.numRows + "x" + m.numCols);
        }
        assertEquals(2, cache.output().numRows);
        assertEquals(4, cache.hidden().numRows);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void steadyStateTrainingStepsAllocateNothing(CellType cell) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RecurrentStack stack = new RecurrentStack(config(cell, 2), RecurrentInit.pytorchDefault(),
                new SplittableRandom(57));
        SplittableRandom random = new SplittableRandom(58);
        FMatrixRMaj[] x = new FMatrixRMaj[STEPS];
        FMatrixRMaj[] dOut = new FMatrixRMaj[STEPS];
        for (int t = 0; t < STEPS; t++) {
            x[t] = uniform(random, BATCH, INPUT, 1.0);
            dOut[t] = uniform(random, BATCH, HIDDEN, 1.0);
        }
        RecurrentStack.Cache[] caches = new RecurrentStack.Cache[STEPS];
        SplittableRandom dropout = new SplittableRandom(59);
        Runnable trainingStep = () -> {
            FMatrixRMaj h = null;
            FMatrixRMaj c = null;
            for (int t = 0; t < STEPS; t++) {
                caches[t] = stack.forward(x[t], h, c, dropout, caches[t]);
                h = caches[t].hidden();
                c = caches[t].cellState();
            }
            FMatrixRMaj dh = null;
            FMatrixRMaj dc = null;
            for (int t = STEPS - 1; t >= 0; t--) {
                stack.backward(caches[t], dOut[t], dh, dc);
                dh = caches[t].dhPrev();
                dc = caches[t].dcPrev();
            }
        };
        // the fewest bytes over five runs of 100 steps: an allocation in the step shows every time
        long fewest = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                trainingStep.run();
            }
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(fewest < 1024, "100 training steps allocated " + fewest + " bytes");
    }
}
