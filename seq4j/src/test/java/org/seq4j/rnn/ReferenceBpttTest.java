package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.rnn.RnnTesting.uniform;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.seq4j.nn.Parameter;
import org.seq4j.tensor.Kernels;

/**
 * The fast execution of {@link RecurrentLayer} ({@link BpttEngine}: products over all steps, weight
 * copies, joint products, row products for small batches, shards on threads) against the plain time loop
 * over the cells of {@link ReferenceBptt}, on random shapes: batches of 1 to 16 (the row-product path up
 * to 3, Gemm above), odd sizes, variable lengths, bidirectional, 1 to 3 layers, dropout masks, and sizes
 * whose time loops run on two shards.
 */
class ReferenceBpttTest {

    /**
     * Absolute tolerance on values of order 1, scaled by 1 + |expected|: outputs and states are computed
     * by the same arithmetic on both paths, but the engine sums the weight gradients over all T·B rows in
     * one product and the reference step by step, which differs by a few float32 ulps per term over at
     * most 48 terms here.
     */
    private static final float TOLERANCE = 1e-5f;

    /** One drawn case: the shape and options of a layer and a batch. */
    private record Shape(int input, int hidden, int layers, boolean bidirectional, int steps, int batch,
                         boolean withLengths, boolean dropout) {
        @Override
        public String toString() {
            return "I=" + input + " H=" + hidden + " L=" + layers + (bidirectional ? " bi" : "") + " T=" + steps
                    + " B=" + batch + (withLengths ? " lengths" : "") + (dropout ? " dropout" : "");
        }
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void fastEngineEqualsTheReferenceOnRandomShapes(CellType cell) {
        SplittableRandom random = new SplittableRandom(301 + cell.ordinal());
        List<Shape> shapes = new ArrayList<>(List.of(
                new Shape(3, 5, 1, false, 4, 1, false, false),
                new Shape(4, 7, 2, true, 5, 3, true, false),
                new Shape(5, 9, 3, false, 3, 6, true, true),
                new Shape(6, 11, 2, true, 4, 7, false, true)));
        for (int i = 0; i < 6; i++) {
            shapes.add(new Shape(1 + random.nextInt(8), 1 + 2 * random.nextInt(8), 1 + random.nextInt(3),
                    random.nextBoolean(), 1 + random.nextInt(6), 1 + random.nextInt(9), random.nextBoolean(),
                    random.nextBoolean()));
        }
        for (Shape shape : shapes) {
            compare(cell, shape, random.split(), 1);
        }
    }

    /**
     * Sizes whose time loops are split into shards on two threads (a step's state product of at least
     * {@link BpttEngine#SHARD_MIN_WORK} multiply-adds, full lengths): the engine must still equal the
     * reference, which runs on one thread.
     */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void shardedEngineEqualsTheReference(CellType cell) {
        int threads = Kernels.threads();
        try {
            Kernels.setThreads(2);
            SplittableRandom random = new SplittableRandom(401 + cell.ordinal());
            compare(cell, new Shape(7, 65, 2, true, 3, 16, false, false), random.split(), 2);
            compare(cell, new Shape(5, 65, 3, false, 2, 17, false, true), random.split(), 2);
        } finally {
            Kernels.setThreads(threads);
        }
    }

    private static void compare(CellType cell, Shape shape, SplittableRandom random, int expectedShards) {
        RecurrentConfig config = RecurrentConfig.of(cell, shape.input(), shape.hidden())
                .withNumLayers(shape.layers()).withBidirectional(shape.bidirectional())
                .withDropout(shape.dropout() ? 0.3f : 0f);
        RecurrentLayer layer = new RecurrentLayer(config, random.nextLong());
        boolean lstm = cell.hasCellState();
        int batch = shape.batch();
        int rows = shape.steps() * batch;
        int stateRows = config.stateRows(batch);
        int[] lengths = null;
        if (shape.withLengths()) {
            lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                lengths[b] = 1 + random.nextInt(shape.steps());
            }
        }
        FMatrixRMaj x = uniform(random, rows, shape.input(), 1.0);
        FMatrixRMaj h0 = uniform(random, stateRows, shape.hidden(), 0.5);
        FMatrixRMaj c0 = lstm ? uniform(random, stateRows, shape.hidden(), 0.5) : null;
        FMatrixRMaj dOut = uniform(random, rows, config.outputSize(), 1.0);
        FMatrixRMaj dHN = uniform(random, stateRows, shape.hidden(), 1.0);
        FMatrixRMaj dCN = lstm ? uniform(random, stateRows, shape.hidden(), 1.0) : null;
        String name = cell + " " + shape;

        layer.parameters().zeroGrad();
        RecurrentLayer.Cache fast = layer.forward(x, batch, lengths, h0, c0,
                shape.dropout() ? new SplittableRandom(random.nextLong()) : null);
        layer.backward(fast, dOut, dHN, dCN);
        assertEquals(expectedShards, fast.engine.lastShardCount(), name + ": shards of the time loop");
        List<FMatrixRMaj> fastGrads = layer.parameters().list().stream().map(p -> p.grad().copy()).toList();

        // the reference, with the masks the engine drew
        FMatrixRMaj[] masks = null;
        if (shape.dropout() && shape.layers() > 1) {
            masks = new FMatrixRMaj[shape.layers() - 1];
            for (int k = 0; k < masks.length; k++) {
                masks[k] = fast.dropoutMask(k);
                assertTrue(masks[k] != null, name + ": dropout ran");
            }
        }
        layer.parameters().zeroGrad();
        ReferenceBptt.Pass reference = ReferenceBptt.forward(layer, x, batch, lengths, h0, c0, masks);
        ReferenceBptt.backward(layer, reference, dOut, dHN, dCN);

        assertClose(name + ": output", reference.layerOutputs[shape.layers() - 1], fast.output());
        assertClose(name + ": hN", reference.hN, fast.finalHidden());
        if (lstm) {
            assertClose(name + ": cN", reference.cN, fast.finalCellState());
            assertClose(name + ": dc0", reference.dc0, fast.dc0());
        }
        assertClose(name + ": dx", reference.dx, fast.dx());
        assertClose(name + ": dh0", reference.dh0, fast.dh0());
        List<Parameter> parameters = layer.parameters().list();
        for (int i = 0; i < parameters.size(); i++) {
            assertClose(name + ": grad." + parameters.get(i).name(), parameters.get(i).grad(), fastGrads.get(i));
        }
    }

    /** Fails with the worst index and both values if an entry differs by more than the tolerance. */
    private static void assertClose(String what, FMatrixRMaj expected, FMatrixRMaj actual) {
        assertEquals(expected.numRows, actual.numRows, what + ": rows");
        assertEquals(expected.numCols, actual.numCols, what + ": columns");
        int worst = -1;
        float worstExcess = 0f;
        for (int i = 0; i < expected.getNumElements(); i++) {
            float excess = Math.abs(expected.data[i] - actual.data[i]) - TOLERANCE * (1f + Math.abs(expected.data[i]));
            if (!(excess <= worstExcess)) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst >= 0) {
            int cols = expected.numCols;
            throw new AssertionError(what + ": worst (" + worst / cols + ", " + worst % cols + ") expected "
                    + expected.data[worst] + " but was " + actual.data[worst]);
        }
    }
}
