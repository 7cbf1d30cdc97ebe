package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.rnn.RnnTesting.maxAbsDiff;
import static org.seq4j.rnn.RnnTesting.uniform;
import static org.seq4j.rnn.RnnTesting.weightedSum;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.seq4j.check.GradientCheck;
import org.seq4j.nn.Parameter;
import org.seq4j.kernel.Gemm;

/** Truncated BPTT, step-by-step inference, dropout modes, padding, allocation, caches and argument checks. */
class RecurrentLayerTest {

    private static final int INPUT = 3;
    private static final int HIDDEN = 4;
    private static final int BATCH = 2;

    /**
     * Running the same steps in chunks or one at a time changes only how rows are grouped into products,
     * not the float operations of any row; a little slack covers a future kernel that blocks differently.
     */
    private static final float SAME_ARITHMETIC = 1e-6f;

    private static RecurrentLayer layer(CellType cell, int layers, long seed) {
        return new RecurrentLayer(RecurrentConfig.of(cell, INPUT, HIDDEN).withNumLayers(layers), seed);
    }

    /** Rows [t0·B, t1·B) of a (T·B, C) matrix. */
    private static FMatrixRMaj steps(FMatrixRMaj m, int t0, int t1) {
        FMatrixRMaj out = new FMatrixRMaj((t1 - t0) * BATCH, m.numCols);
        System.arraycopy(m.data, t0 * BATCH * m.numCols, out.data, 0, out.getNumElements());
        return out;
    }

    // ----------------------------------------------------------------------------------------------
    // Truncated BPTT

    @ParameterizedTest
    @EnumSource(CellType.class)
    void chunksWithCarriedStateEqualOneLongSequence(CellType cell) {
        RecurrentLayer layer = layer(cell, 2, 21);
        boolean lstm = cell.hasCellState();
        SplittableRandom random = new SplittableRandom(22);
        FMatrixRMaj x = uniform(random, 5 * BATCH, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, 2 * BATCH, HIDDEN, 0.5);
        FMatrixRMaj c0 = lstm ? uniform(random, 2 * BATCH, HIDDEN, 0.5) : null;

        RecurrentLayer.Cache full = layer.forward(x, BATCH, null, h0, c0, null);
        FMatrixRMaj fullOutput = full.output().copy();
        FMatrixRMaj fullH = full.finalHidden().copy();
        FMatrixRMaj fullC = lstm ? full.finalCellState().copy() : null;

        // the final state of a chunk is passed straight back in as the next chunk's initial state
        RecurrentLayer.Cache first = layer.forward(steps(x, 0, 2), BATCH, null, h0, c0, null);
        assertTrue(maxAbsDiff(steps(fullOutput, 0, 2), first.output()) <= SAME_ARITHMETIC);
        RecurrentLayer.Cache second = layer.forward(steps(x, 2, 5), BATCH, null, first.finalHidden(),
                lstm ? first.finalCellState() : null, null);
        assertTrue(maxAbsDiff(steps(fullOutput, 2, 5), second.output()) <= SAME_ARITHMETIC);
        assertTrue(maxAbsDiff(fullH, second.finalHidden()) <= SAME_ARITHMETIC);
        if (lstm) {
            assertTrue(maxAbsDiff(fullC, second.finalCellState()) <= SAME_ARITHMETIC);
        }

        // one cache for both chunks: its own final state is copied in before it is overwritten
        RecurrentLayer.Cache cache = layer.forward(steps(x, 0, 2), BATCH, null, h0, c0, null, layer.newCache());
        layer.forward(steps(x, 2, 5), BATCH, null, cache.finalHidden(), lstm ? cache.finalCellState() : null,
                null, cache);
        assertTrue(maxAbsDiff(steps(fullOutput, 2, 5), cache.output()) <= SAME_ARITHMETIC);
        assertTrue(maxAbsDiff(fullH, cache.finalHidden()) <= SAME_ARITHMETIC);
    }

    /**
     * Each sequence's values are computed row by row, so a sequence run alone (batch 1: per-step row
     * products) and inside a batch of five (per-step Gemm products) must agree bit for bit in everything
     * but the weight gradients, which sum over the batch.
     */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void rowProductsAndGemmProductsGiveTheSameValues(CellType cell) {
        int batch = StepWeightCopies.ROW_PRODUCT_MAX_BATCH + 2;
        int steps = 4;
        boolean lstm = cell.hasCellState();
        RecurrentLayer layer = layer(cell, 2, 25);
        SplittableRandom random = new SplittableRandom(26);
        FMatrixRMaj x = uniform(random, steps * batch, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, 2 * batch, HIDDEN, 0.5);
        FMatrixRMaj c0 = lstm ? uniform(random, 2 * batch, HIDDEN, 0.5) : null;
        FMatrixRMaj dOut = uniform(random, steps * batch, HIDDEN, 1.0);
        RecurrentLayer.Cache all = layer.forward(x, batch, null, h0, c0, null);
        layer.backward(all, dOut, null, null);
        FMatrixRMaj output = all.output().copy();
        FMatrixRMaj hN = all.finalHidden().copy();
        FMatrixRMaj cN = lstm ? all.finalCellState().copy() : null;
        FMatrixRMaj dx = all.dx().copy();
        FMatrixRMaj dh0 = all.dh0().copy();
        for (int b = 0; b < batch; b++) {
            // rows of sequence b: t·batch + b of the sequence matrices, k·batch + b of the state matrices
            RecurrentLayer.Cache one = layer.forward(rows(x, b, batch), 1, null, rows(h0, b, batch),
                    lstm ? rows(c0, b, batch) : null, null);
            layer.backward(one, rows(dOut, b, batch), null, null);
            String where = cell + ", sequence " + b;
            assertArrayEquals(rows(output, b, batch).data, values(one.output()), where + ": output");
            assertArrayEquals(rows(hN, b, batch).data, values(one.finalHidden()), where + ": hN");
            if (lstm) {
                assertArrayEquals(rows(cN, b, batch).data, values(one.finalCellState()), where + ": cN");
            }
            assertArrayEquals(rows(dx, b, batch).data, values(one.dx()), where + ": dx");
            assertArrayEquals(rows(dh0, b, batch).data, values(one.dh0()), where + ": dh0");
        }
    }

    /**
     * Shards of the batch run the time loops on several threads; every value, weight gradients included,
     * must be the same bit for bit as on one thread (the products are Gemm's, which do not depend on the
     * thread count either).
     */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void shardedTimeLoopsGiveTheSameValuesAsOneThread(CellType cell) {
        int threads = Gemm.threads();
        // large enough to be split (SHARD_MIN_WORK), small enough that each shard's product stays on one thread
        int hidden = 96;
        int batch = 8;
        int steps = 3;
        boolean lstm = cell.hasCellState();
        SplittableRandom random = new SplittableRandom(27);
        FMatrixRMaj x = uniform(random, steps * batch, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, 2 * batch, hidden, 0.5);
        FMatrixRMaj c0 = lstm ? uniform(random, 2 * batch, hidden, 0.5) : null;
        FMatrixRMaj dOut = uniform(random, steps * batch, hidden, 1.0);
        List<float[]> expected = null;
        try {
            for (int t : new int[] {1, 2, 3}) {
                Gemm.setThreads(t);
                RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(cell, INPUT, hidden).withNumLayers(2), 28);
                assertTrue((long) batch * cell.gateCount() * hidden * hidden >= BpttEngine.SHARD_MIN_WORK);
                RecurrentLayer.Cache cache = layer.forward(x, batch, null, h0, c0, null);
                layer.backward(cache, dOut, null, null);
                List<float[]> values = new java.util.ArrayList<>(List.of(values(cache.output()),
                        values(cache.finalHidden()), values(cache.dx()), values(cache.dh0())));
                layer.parameters().forEach(p -> values.add(p.grad().data.clone()));
                if (expected == null) {
                    expected = values;
                } else {
                    for (int i = 0; i < values.size(); i++) {
                        assertArrayEquals(expected.get(i), values.get(i), cell + ", " + t + " threads, value " + i);
                    }
                }
            }
        } finally {
            Gemm.setThreads(threads);
        }
    }

    /** The elements of m (a cache's matrix may hold a longer array than its shape needs). */
    private static float[] values(FMatrixRMaj m) {
        return java.util.Arrays.copyOf(m.data, m.getNumElements());
    }

    /** Rows b, b + stride, b + 2·stride, … of m. */
    private static FMatrixRMaj rows(FMatrixRMaj m, int b, int stride) {
        FMatrixRMaj out = new FMatrixRMaj(m.numRows / stride, m.numCols);
        for (int r = 0; r < out.numRows; r++) {
            System.arraycopy(m.data, (r * stride + b) * m.numCols, out.data, r * m.numCols, m.numCols);
        }
        return out;
    }

    /**
     * Truncated BPTT over two chunks of different lengths: the state is carried, and the gradient must be
     * that of loss₁(θ, h0) + loss₂(θ, h̄) with the carried state h̄ held constant (the cut at the boundary).
     */
    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "LSTM", "GRU"})
    void truncatedBpttGradientIsCutAtTheChunkBoundary(CellType cell) {
        RecurrentLayer layer = layer(cell, 2, 31);
        boolean lstm = cell.hasCellState();
        SplittableRandom random = new SplittableRandom(32);
        FMatrixRMaj x1 = uniform(random, 3 * BATCH, INPUT, 1.0);
        FMatrixRMaj x2 = uniform(random, 2 * BATCH, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, 2 * BATCH, HIDDEN, 0.5);
        FMatrixRMaj c0 = lstm ? uniform(random, 2 * BATCH, HIDDEN, 0.5) : null;
        FMatrixRMaj w1 = uniform(random, 3 * BATCH, HIDDEN, 0.5);
        FMatrixRMaj w2 = uniform(random, 2 * BATCH, HIDDEN, 0.5);
        FMatrixRMaj wH = uniform(random, 2 * BATCH, HIDDEN, 0.5);
        // the carried state, computed once at the unperturbed parameters: a constant for chunk 2
        RecurrentLayer.Cache warm = layer.forward(x1, BATCH, null, h0, c0, null);
        FMatrixRMaj carriedH = warm.finalHidden().copy();
        FMatrixRMaj carriedC = lstm ? warm.finalCellState().copy() : null;

        FMatrixRMaj dx1 = new FMatrixRMaj(x1.numRows, INPUT);
        FMatrixRMaj dx2 = new FMatrixRMaj(x2.numRows, INPUT);
        FMatrixRMaj dh0 = new FMatrixRMaj(h0.numRows, HIDDEN);
        FMatrixRMaj dc0 = new FMatrixRMaj(h0.numRows, HIDDEN);
        FMatrixRMaj h = new FMatrixRMaj(h0.numRows, HIDDEN);
        FMatrixRMaj c = new FMatrixRMaj(h0.numRows, HIDDEN);
        GradientCheck.Builder check = GradientCheck.builder(() -> {
            double loss = weightedSum(layer.forward(x1, BATCH, null, h0, c0, null).output(), w1);
            RecurrentLayer.Cache second = layer.forward(x2, BATCH, null, carriedH, carriedC, null);
            return loss + weightedSum(second.output(), w2) + weightedSum(second.finalHidden(), wH);
        }).parameters(layer.parameters()).input("x1", x1, dx1).input("x2", x2, dx2).input("h0", h0, dh0);
        if (lstm) {
            check.input("c0", c0, dc0);
        }
        check.build().run(() -> {
            // the documented pattern: carry the final state, ignore dh0 of the later chunk
            layer.parameters().zeroGrad();
            RecurrentLayer.Cache first = layer.forward(x1, BATCH, null, h0, c0, null);
            layer.backward(first, w1, null, null);
            dx1.setTo(first.dx());
            dh0.setTo(first.dh0());
            if (lstm) {
                dc0.setTo(first.dc0());
            }
            h.setTo(first.finalHidden());
            if (lstm) {
                c.setTo(first.finalCellState());
            }
            RecurrentLayer.Cache second = layer.forward(x2, BATCH, null, h, lstm ? c : null, null);
            layer.backward(second, w2, wH, null);
            dx2.setTo(second.dx());
        }).assertPassed();
    }

    // ----------------------------------------------------------------------------------------------
    // Step-by-step inference

    @ParameterizedTest
    @EnumSource(CellType.class)
    void stepByStepEqualsTheSequenceForward(CellType cell) {
        RecurrentLayer layer = layer(cell, 2, 41);
        boolean lstm = cell.hasCellState();
        SplittableRandom random = new SplittableRandom(42);
        int steps = 4;
        FMatrixRMaj x = uniform(random, steps * BATCH, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, 2 * BATCH, HIDDEN, 0.5);
        FMatrixRMaj c0 = lstm ? uniform(random, 2 * BATCH, HIDDEN, 0.5) : null;
        RecurrentLayer.Cache cache = layer.forward(x, BATCH, null, h0, c0, null);

        RecurrentState state = layer.newState(BATCH);
        state.setTo(h0, c0);
        FMatrixRMaj output = new FMatrixRMaj(BATCH, HIDDEN);
        for (int t = 0; t < steps; t++) {
            layer.step(steps(x, t, t + 1), state, output);
            assertTrue(maxAbsDiff(steps(cache.output(), t, t + 1), output) <= SAME_ARITHMETIC, "step " + t);
        }
        assertTrue(maxAbsDiff(cache.finalHidden(), state.hidden()) <= SAME_ARITHMETIC);
        if (lstm) {
            assertTrue(maxAbsDiff(cache.finalCellState(), state.cellState()) <= SAME_ARITHMETIC);
        }
        state.reset();
        assertEquals(0f, maxAbsDiff(new FMatrixRMaj(2 * BATCH, HIDDEN), state.hidden()));
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void frozenStepsEqualTheLayersStepsBitForBitForTheWeightsAtFreezing(CellType cell) {
        for (int batch : new int[] {1, 3, 4, 9}) {
            RecurrentLayer layer = layer(cell, 2, 43);
            RecurrentLayer twin = layer(cell, 2, 43);
            FrozenRecurrentLayer frozen = layer.freeze();
            // training the layer on after freezing changes it, not the frozen copy
            layer.parameters().forEach(p -> p.value().data[0] += 0.5f);
            SplittableRandom random = new SplittableRandom(44);
            FMatrixRMaj h0 = uniform(random, 2 * batch, HIDDEN, 0.5);
            FMatrixRMaj c0 = cell.hasCellState() ? uniform(random, 2 * batch, HIDDEN, 0.5) : null;
            RecurrentState expected = twin.newState(batch);
            RecurrentState actual = frozen.newState(batch);
            expected.setTo(h0, c0);
            actual.setTo(h0, c0);
            FMatrixRMaj out = new FMatrixRMaj(batch, HIDDEN);
            FMatrixRMaj frozenOut = new FMatrixRMaj(batch, HIDDEN);
            for (int t = 0; t < 4; t++) {
                FMatrixRMaj xt = uniform(random, batch, INPUT, 1.0);
                twin.step(xt, expected, out);
                frozen.step(xt, actual, frozenOut);
                assertArrayEquals(out.data, frozenOut.data, cell + " B=" + batch + " step " + t);
            }
            assertArrayEquals(expected.hidden().data, actual.hidden().data);
            if (cell.hasCellState()) {
                assertArrayEquals(expected.cellState().data, actual.cellState().data);
            }
            RecurrentState live = layer.newState(batch);
            live.setTo(h0, c0);
            layer.step(uniform(new SplittableRandom(1), batch, INPUT, 1.0), live, out);
            RecurrentState stale = frozen.newState(batch);
            stale.setTo(h0, c0);
            frozen.step(uniform(new SplittableRandom(1), batch, INPUT, 1.0), stale, frozenOut);
            assertTrue(maxAbsDiff(out, frozenOut) > 0f, "the frozen copy does not follow the layer");
        }
        RecurrentLayer bidirectional = new RecurrentLayer(
                RecurrentConfig.of(cell, INPUT, HIDDEN).withBidirectional(true), 1);
        assertThrows(IllegalStateException.class, bidirectional::freeze);
        FrozenRecurrentLayer frozen = layer(cell, 1, 2).freeze();
        RecurrentState foreign = layer(cell, 1, 2).newState(1);
        assertThrows(IllegalArgumentException.class,
                () -> frozen.step(new FMatrixRMaj(1, INPUT), foreign, new FMatrixRMaj(1, HIDDEN)));
    }

    /**
     * Large enough that the frozen copy cuts the hidden units into one run per thread (H not a multiple of
     * the 16-unit groups): batch 1 runs them on two threads, batches 2 and 3 one after the other, and
     * both give the layer's values bit for bit.
     */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void frozenRunsOfUnitsOnSeveralThreadsGiveTheSameValues(CellType cell) {
        int threads = Gemm.threads();
        int size = cell == CellType.LSTM || cell == CellType.GRU ? 227 : 371;
        try {
            Gemm.setThreads(2);
            RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(cell, size, size).withNumLayers(2), 45);
            assertTrue((long) 2 * size * cell.gateCount() * size >= FrozenRecurrentLayer.PARALLEL_MIN_WORK);
            FrozenRecurrentLayer frozen = layer.freeze();
            assertEquals(2, frozen.runs());
            for (int batch = 1; batch <= 3; batch++) {
                RecurrentState expected = layer.newState(batch);
                RecurrentState actual = frozen.newState(batch);
                SplittableRandom random = new SplittableRandom(46);
                FMatrixRMaj h0 = uniform(random, 2 * batch, size, 0.5);
                FMatrixRMaj c0 = cell.hasCellState() ? uniform(random, 2 * batch, size, 0.5) : null;
                expected.setTo(h0, c0);
                actual.setTo(h0, c0);
                FMatrixRMaj out = new FMatrixRMaj(batch, size);
                FMatrixRMaj frozenOut = new FMatrixRMaj(batch, size);
                for (int t = 0; t < 3; t++) {
                    FMatrixRMaj xt = uniform(random, batch, size, 1.0);
                    layer.step(xt, expected, out);
                    frozen.step(xt, actual, frozenOut);
                    assertArrayEquals(out.data, frozenOut.data, cell + " B=" + batch + " step " + t);
                }
                assertArrayEquals(expected.hidden().data, actual.hidden().data);
                if (cell.hasCellState()) {
                    assertArrayEquals(expected.cellState().data, actual.cellState().data);
                }
            }
        } finally {
            Gemm.setThreads(threads);
        }
    }

    @Test
    void stepNeedsAUnidirectionalLayerAndItsOwnState() {
        RecurrentLayer bidirectional = new RecurrentLayer(
                RecurrentConfig.of(CellType.GRU, INPUT, HIDDEN).withBidirectional(true), 1);
        assertThrows(IllegalStateException.class, () -> bidirectional.newState(BATCH));
        RecurrentLayer a = layer(CellType.GRU, 1, 1);
        RecurrentLayer b = layer(CellType.GRU, 1, 2);
        RecurrentState state = a.newState(BATCH);
        assertThrows(IllegalArgumentException.class,
                () -> b.step(new FMatrixRMaj(BATCH, INPUT), state, new FMatrixRMaj(BATCH, HIDDEN)));
        assertThrows(IllegalStateException.class, state::cellState);
    }

    // ----------------------------------------------------------------------------------------------
    // Allocation

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    /**
     * Reading the counter itself allocates up to about 0.8 KB (while it is interpreted); a task repeated
     * {@link #REPEATS} times that allocated even one 16-byte object per repeat would exceed this bound.
     */
    private static final long MEASUREMENT_SLACK_BYTES = 1024;

    private static final int REPEATS = 100;

    /**
     * The fewest bytes allocated by one run of a task over five runs: the first runs link call sites and
     * the JIT compiler's transitions may allocate now and then, an allocation in the task shows every time.
     */
    private static long bytesAllocatedBy(Runnable task) {
        long fewest = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long before = allocatedBytes();
            task.run();
            fewest = Math.min(fewest, allocatedBytes() - before);
        }
        return fewest;
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void steadyStateTrainingStepAndGenerationStepAllocateNothing(CellType cell) {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(cell, INPUT, HIDDEN).withNumLayers(2)
                .withBidirectional(true).withDropout(0.2f), 51);
        SplittableRandom random = new SplittableRandom(52);
        FMatrixRMaj x = uniform(random, 6 * BATCH, INPUT, 1.0);
        FMatrixRMaj shorter = uniform(random, 4 * BATCH, INPUT, 1.0);
        FMatrixRMaj dOut = uniform(random, 6 * BATCH, 2 * HIDDEN, 1.0);
        FMatrixRMaj dOutShorter = uniform(random, 4 * BATCH, 2 * HIDDEN, 1.0);
        int[] lengths = {6, 3};
        SplittableRandom dropout = new SplittableRandom(53);
        // one cache per shape, kept by the loop
        RecurrentLayer.Cache cache = layer.newCache();
        RecurrentLayer.Cache shorterCache = layer.newCache();
        Runnable trainingStep = () -> {
            layer.backward(layer.forward(x, BATCH, lengths, null, null, dropout, cache), dOut, null, null);
            layer.backward(layer.forward(shorter, BATCH, null, null, null, dropout, shorterCache), dOutShorter,
                    null, null);
        };
        long bytes = bytesAllocatedBy(() -> {
            for (int i = 0; i < REPEATS; i++) {
                trainingStep.run();
            }
        });
        assertTrue(bytes < MEASUREMENT_SLACK_BYTES, REPEATS + " training steps allocated " + bytes + " bytes");

        RecurrentLayer unidirectional = layer(cell, 2, 54);
        RecurrentState state = unidirectional.newState(BATCH);
        FMatrixRMaj xt = uniform(random, BATCH, INPUT, 1.0);
        FMatrixRMaj output = new FMatrixRMaj(BATCH, HIDDEN);
        bytes = bytesAllocatedBy(() -> {
            for (int i = 0; i < REPEATS; i++) {
                unidirectional.step(xt, state, output);
            }
        });
        assertTrue(bytes < MEASUREMENT_SLACK_BYTES, REPEATS + " generation steps allocated " + bytes + " bytes");

        FrozenRecurrentLayer frozen = unidirectional.freeze();
        bytes = bytesAllocatedBy(() -> {
            for (int i = 0; i < REPEATS; i++) {
                frozen.step(xt, state, output);
            }
        });
        assertTrue(bytes < MEASUREMENT_SLACK_BYTES, REPEATS + " frozen steps allocated " + bytes + " bytes");
    }

    // ----------------------------------------------------------------------------------------------
    // Dropout

    @Test
    void dropoutActsOnlyBetweenLayersAndOnlyInTraining() {
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN).withNumLayers(2).withDropout(0.5f);
        RecurrentLayer withDropout = new RecurrentLayer(config, 61);
        RecurrentLayer without = new RecurrentLayer(config.withDropout(0f), 61);
        FMatrixRMaj x = uniform(new SplittableRandom(62), 3 * BATCH, INPUT, 1.0);

        FMatrixRMaj inference = withDropout.forward(x, BATCH).output().copy();
        assertEquals(0f, maxAbsDiff(without.forward(x, BATCH).output(), inference), "no dropout in inference");
        FMatrixRMaj training = withDropout.forward(x, BATCH, null, null, null, new SplittableRandom(7)).output().copy();
        assertNotEquals(0f, maxAbsDiff(inference, training), "dropout between the layers in training");
        assertEquals(0f, maxAbsDiff(training,
                withDropout.forward(x, BATCH, null, null, null, new SplittableRandom(7)).output()), "seeded mask");

        // one layer: nothing between layers, and no dropout after the last layer
        RecurrentLayer single = new RecurrentLayer(config.withNumLayers(1), 63);
        FMatrixRMaj singleInference = single.forward(x, BATCH).output().copy();
        assertEquals(0f, maxAbsDiff(singleInference,
                single.forward(x, BATCH, null, null, null, new SplittableRandom(7)).output()));
    }

    // ----------------------------------------------------------------------------------------------
    // Padding

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "GRU"})
    void paddedStepsAreIgnoredAndGetNoGradient(CellType cell) {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(cell, INPUT, HIDDEN).withNumLayers(2)
                .withBidirectional(true), 71);
        SplittableRandom random = new SplittableRandom(72);
        int steps = 4;
        int[] lengths = {2, 4};
        FMatrixRMaj x = uniform(random, steps * BATCH, INPUT, 1.0);
        FMatrixRMaj dOut = uniform(random, steps * BATCH, 2 * HIDDEN, 1.0);
        RecurrentLayer.Cache cache = layer.forward(x, BATCH, lengths, null, null, null);
        layer.backward(cache, dOut, null, null);
        FMatrixRMaj output = cache.output().copy();
        FMatrixRMaj hN = cache.finalHidden().copy();
        FMatrixRMaj dx = cache.dx().copy();
        List<float[]> grads = layer.parameters().list().stream().map(p -> p.grad().data.clone()).toList();

        // change x and dOutput at the padded steps of sequence 0 (t = 2, 3)
        for (int t = 2; t < steps; t++) {
            for (int i = 0; i < INPUT; i++) {
                x.set(t * BATCH, i, 100f + t);
            }
            for (int j = 0; j < 2 * HIDDEN; j++) {
                dOut.set(t * BATCH, j, -50f);
            }
        }
        layer.parameters().zeroGrad();
        cache = layer.forward(x, BATCH, lengths, null, null, null);
        layer.backward(cache, dOut, null, null);
        assertEquals(0f, maxAbsDiff(output, cache.output()));
        assertEquals(0f, maxAbsDiff(hN, cache.finalHidden()));
        assertEquals(0f, maxAbsDiff(dx, cache.dx()));
        for (int k = 0; k < grads.size(); k++) {
            Parameter p = layer.parameters().list().get(k);
            assertArrayEquals(grads.get(k), p.grad().data, p.name());
        }
        for (int t = 2; t < steps; t++) {
            for (int j = 0; j < 2 * HIDDEN; j++) {
                assertEquals(0f, cache.output().get(t * BATCH, j), "output at a padded step");
            }
            for (int i = 0; i < INPUT; i++) {
                assertEquals(0f, cache.dx().get(t * BATCH, i), "dx at a padded step");
            }
        }
        assertEquals(2, cache.length(0));
        assertEquals(4, cache.length(1));
    }

    // ----------------------------------------------------------------------------------------------
    // Arguments and call order

    @Test
    void rejectsWrongShapesWithTheNumbers() {
        RecurrentLayer lstm = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN).withNumLayers(2), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(new FMatrixRMaj(7, INPUT), BATCH));
        assertEquals("x must be (T·B, 3) with B = 2 and T ≥ 1 but was (7, 3)", e.getMessage());
        FMatrixRMaj x = new FMatrixRMaj(3 * BATCH, INPUT);
        e = assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(x, BATCH, null, new FMatrixRMaj(BATCH, HIDDEN), null, null));
        assertEquals("h0 must be (4, 4) but was (2, 4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(x, BATCH, new int[] {3, 4}, null, null, null));
        assertEquals("lengths[1] must be in [1, T = 3] but was 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lstm.forward(x, BATCH, new int[] {3}, null, null, null));
        RecurrentLayer.Cache cache = lstm.forward(x, BATCH);
        e = assertThrows(IllegalArgumentException.class,
                () -> lstm.backward(cache, new FMatrixRMaj(3 * BATCH, HIDDEN + 1), null, null));
        assertEquals("dOutput must be (6, 4) but was (6, 5)", e.getMessage());

        RecurrentLayer gru = layer(CellType.GRU, 1, 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> gru.forward(x, BATCH, null, null, new FMatrixRMaj(BATCH, HIDDEN), null));
        assertEquals("c0 must be null: a GRU has no cell state", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gru.backward(cache, null, null, null), "another layer's cache");
    }

    // ----------------------------------------------------------------------------------------------
    // Caches owned by the caller

    /**
     * Two caches filled before either backward: each backward must see its own forward, whatever the
     * order. The weight gradients sum the two passes in another order than two separate runs followed by
     * an addition, so they agree to a few float32 ulps of values of order 1; everything else is computed
     * by the same arithmetic and must be equal bit for bit.
     */
    private static final float SUM_ORDER = 1e-5f;

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "LSTM", "GRU"})
    void twoCachesAliveAtOnceGiveTheGradientsOfTwoSeparateRuns(CellType cell) {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(cell, INPUT, HIDDEN).withNumLayers(2)
                .withBidirectional(true), 81);
        boolean lstm = cell.hasCellState();
        SplittableRandom random = new SplittableRandom(82);
        // two inputs of different lengths T = 4 and T = 3, the second with padding
        FMatrixRMaj x1 = uniform(random, 4 * BATCH, INPUT, 1.0);
        FMatrixRMaj x2 = uniform(random, 3 * BATCH, INPUT, 1.0);
        int[] lengths2 = {3, 2};
        FMatrixRMaj h0 = uniform(random, 4 * BATCH, HIDDEN, 0.5);
        FMatrixRMaj c0 = lstm ? uniform(random, 4 * BATCH, HIDDEN, 0.5) : null;
        FMatrixRMaj dOut1 = uniform(random, 4 * BATCH, 2 * HIDDEN, 1.0);
        FMatrixRMaj dOut2 = uniform(random, 3 * BATCH, 2 * HIDDEN, 1.0);
        FMatrixRMaj dHN2 = uniform(random, 4 * BATCH, HIDDEN, 1.0);

        // separate runs: forward, backward, read the gradients
        layer.parameters().zeroGrad();
        RecurrentLayer.Cache alone1 = layer.forward(x1, BATCH, null, h0, c0, null);
        layer.backward(alone1, dOut1, null, null);
        List<float[]> grads1 = gradients(layer);
        layer.parameters().zeroGrad();
        RecurrentLayer.Cache alone2 = layer.forward(x2, BATCH, lengths2, null, null, null);
        layer.backward(alone2, dOut2, dHN2, null);
        List<float[]> grads2 = gradients(layer);

        for (boolean firstBackFirst : new boolean[] {true, false}) {
            String order = cell + (firstBackFirst ? ", backward 1 then 2" : ", backward 2 then 1");
            layer.parameters().zeroGrad();
            RecurrentLayer.Cache cache1 = layer.forward(x1, BATCH, null, h0, c0, null);
            RecurrentLayer.Cache cache2 = layer.forward(x2, BATCH, lengths2, null, null, null);
            assertNotSame(cache1, cache2);
            if (firstBackFirst) {
                layer.backward(cache1, dOut1, null, null);
                layer.backward(cache2, dOut2, dHN2, null);
            } else {
                layer.backward(cache2, dOut2, dHN2, null);
                layer.backward(cache1, dOut1, null, null);
            }
            assertArrayEquals(alone1.output().data, cache1.output().data, order + ": output 1");
            assertArrayEquals(alone2.output().data, cache2.output().data, order + ": output 2");
            assertArrayEquals(alone1.finalHidden().data, cache1.finalHidden().data, order + ": hN 1");
            assertArrayEquals(alone1.dx().data, cache1.dx().data, order + ": dx 1");
            assertArrayEquals(alone2.dx().data, cache2.dx().data, order + ": dx 2");
            assertArrayEquals(alone1.dh0().data, cache1.dh0().data, order + ": dh0 1");
            if (lstm) {
                assertArrayEquals(alone2.dc0().data, cache2.dc0().data, order + ": dc0 2");
            }
            List<Parameter> parameters = layer.parameters().list();
            for (int i = 0; i < parameters.size(); i++) {
                float[] sum = grads1.get(i).clone();
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += grads2.get(i)[j];
                }
                assertArrayEquals(sum, parameters.get(i).grad().data, SUM_ORDER,
                        order + ": " + parameters.get(i).name());
            }
        }
    }

    private static List<float[]> gradients(RecurrentLayer layer) {
        return layer.parameters().list().stream().map(p -> p.grad().data.clone()).toList();
    }

    @Test
    void cacheLifeCycleIsEnforced() {
        RecurrentLayer gru = layer(CellType.GRU, 1, 1);
        FMatrixRMaj x = uniform(new SplittableRandom(83), 2 * BATCH, INPUT, 1.0);

        RecurrentLayer.Cache empty = gru.newCache();
        assertThrows(IllegalStateException.class, empty::output, "nothing to read before a forward");
        IllegalStateException state = assertThrows(IllegalStateException.class,
                () -> gru.backward(empty, null, null, null));
        assertEquals("backward needs a forward first: no forward has filled this cache", state.getMessage());

        RecurrentLayer.Cache cache = gru.forward(x, BATCH, null, null, null, null, empty);
        assertSame(empty, cache, "forward fills the cache it is given");
        assertNotSame(cache, gru.forward(x, BATCH), "forward without a cache makes a new one");
        assertThrows(IllegalStateException.class, cache::dx);
        assertThrows(IllegalStateException.class, cache::finalCellState);
        gru.backward(cache, null, null, null);
        assertEquals(0f, maxAbsDiff(new FMatrixRMaj(2 * BATCH, INPUT), cache.dx()), "no gradient in, none out");
        state = assertThrows(IllegalStateException.class, () -> gru.backward(cache, null, null, null));
        assertEquals("a backward has already consumed this cache: run forward again before another backward",
                state.getMessage());

        gru.forward(x, BATCH, null, null, null, null, cache);
        assertThrows(IllegalStateException.class, cache::dh0, "a new forward invalidates the gradients");
        gru.backward(cache, null, null, null);   // and makes the cache usable again

        RecurrentLayer other = layer(CellType.GRU, 1, 2);
        RecurrentLayer.Cache foreign = other.forward(x, BATCH);
        IllegalArgumentException argument = assertThrows(IllegalArgumentException.class,
                () -> gru.backward(foreign, null, null, null));
        assertEquals("the cache must be one of this layer's (from its newCache or forward) but belongs to "
                + "another RecurrentLayer", argument.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gru.forward(x, BATCH, null, null, null, null, foreign));
        other.backward(foreign, null, null, null);   // the failed calls left it as it was
    }

    @Test
    void weightsThatChangedShapeAreDetected() {
        RecurrentLayer lstm = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN)
                .withNumLayers(2).withBidirectional(true), 84);
        FMatrixRMaj x = uniform(new SplittableRandom(85), 2 * BATCH, INPUT, 1.0);
        RecurrentLayer.Cache cache = lstm.forward(x, BATCH);
        // the same number of elements, transposed: products would read it without noticing
        FMatrixRMaj weight = lstm.cell(1, 1).weightHh().value();
        weight.reshape(HIDDEN, 4 * HIDDEN);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> lstm.backward(cache, null, null, null));
        assertEquals("weight_hh_l1_reverse must be (16, 4) but its value was (4, 16) and its gradient (16, 4): "
                + "a parameter's matrices must keep their shape", e.getMessage());
        assertThrows(IllegalStateException.class, () -> lstm.forward(x, BATCH));
        weight.reshape(4 * HIDDEN, HIDDEN);
        FMatrixRMaj bias = lstm.cell(0, 0).biasIh().grad();
        bias.reshape(4 * HIDDEN, 1);
        assertThrows(IllegalStateException.class, () -> lstm.backward(cache, null, null, null));
        bias.reshape(1, 4 * HIDDEN);
        lstm.backward(cache, null, null, null);   // the failed backward did not consume the cache
    }

    @Test
    void cacheMatricesAreExactlyTheirShapeAndReusedWhileItStays() {
        RecurrentLayer lstm = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN).withNumLayers(2), 86);
        SplittableRandom random = new SplittableRandom(87);
        RecurrentLayer.Cache cache = lstm.newCache();
        int[][] shapes = {{5, 3}, {5, 3}, {2, 3}, {4, 1}, {4, 1}, {6, 2}};   // (T, B)
        FMatrixRMaj[] previous = null;
        for (int[] shape : shapes) {
            int steps = shape[0];
            int batch = shape[1];
            lstm.forward(uniform(random, steps * batch, INPUT, 1.0), batch, null, null, null, null, cache);
            lstm.backward(cache, uniform(random, steps * batch, HIDDEN, 1.0), null, null);
            FMatrixRMaj[] handedOut = {cache.output(), cache.finalHidden(), cache.finalCellState(), cache.dx(),
                    cache.dh0(), cache.dc0()};
            int[][] expected = {{steps * batch, HIDDEN}, {2 * batch, HIDDEN}, {2 * batch, HIDDEN},
                    {steps * batch, INPUT}, {2 * batch, HIDDEN}, {2 * batch, HIDDEN}};
            boolean sameShape = previous != null && previous[0].numRows == steps * batch
                    && previous[1].numRows == 2 * batch;
            for (int i = 0; i < handedOut.length; i++) {
                FMatrixRMaj m = handedOut[i];
                String what = "matrix " + i + " at (T, B) = (" + steps + ", " + batch + ")";
                assertEquals(expected[i][0], m.numRows, what);
                assertEquals(expected[i][1], m.numCols, what);
                assertEquals(m.getNumElements(), m.data.length, what);
                if (sameShape) {
                    assertSame(previous[i], m, what + ": reused");
                }
            }
            previous = handedOut;
        }
    }

    @Test
    void nonFinitePaddedInputRowsAreRejectedWithTheRow() {
        RecurrentLayer gru = new RecurrentLayer(
                RecurrentConfig.of(CellType.GRU, INPUT, HIDDEN).withBidirectional(true), 88);
        FMatrixRMaj x = uniform(new SplittableRandom(89), 4 * BATCH, INPUT, 1.0);
        int[] lengths = {2, 4};
        RecurrentLayer.Cache cache = gru.forward(x, BATCH, lengths, null, null, null);
        FMatrixRMaj output = cache.output().copy();

        // row t·B + b = 3·2 + 0: step 3 of sequence 0, whose length is 2
        x.set(3 * BATCH, 1, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gru.forward(x, BATCH, lengths, null, null, null, cache));
        assertEquals("x row 6 (step 3 of sequence 0, padding since lengths[0] = 2) must be finite but column 1 "
                + "was NaN", e.getMessage());
        x.set(3 * BATCH, 1, 0f);
        x.set(2 * BATCH, 2, Float.NEGATIVE_INFINITY);
        e = assertThrows(IllegalArgumentException.class, () -> gru.forward(x, BATCH, lengths, null, null, null));
        assertEquals("x row 4 (step 2 of sequence 0, padding since lengths[0] = 2) must be finite but column 2 "
                + "was -Infinity", e.getMessage());
        assertEquals(0f, maxAbsDiff(output, cache.output()), "a rejected forward leaves the cache as it was");

        // real rows are not checked here: a NaN there shows in the output
        x.set(2 * BATCH, 2, 0f);
        x.set(2 * BATCH + 1, 0, Float.NaN);
        assertTrue(Float.isNaN(gru.forward(x, BATCH, lengths, null, null, null).output().get(2 * BATCH + 1, 0)));
    }
}
