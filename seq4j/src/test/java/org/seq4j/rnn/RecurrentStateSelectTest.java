package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.rnn.RnnTesting.uniform;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/** Selecting and reordering the sequences of a state (beam search). */
class RecurrentStateSelectTest {

    private static final int LAYERS = 2;
    private static final int BATCH = 4;
    private static final int HIDDEN = 3;

    /** The state of layer k, sequence b, as a row. */
    private static float[] row(FMatrixRMaj states, int batch, int k, int b) {
        float[] r = new float[states.numCols];
        System.arraycopy(states.data, (k * batch + b) * states.numCols, r, 0, states.numCols);
        return r;
    }

    private static RecurrentState loadedState(RecurrentLayer layer, SplittableRandom random) {
        RecurrentState state = layer.newState(BATCH);
        state.setTo(uniform(random, LAYERS * BATCH, HIDDEN, 1.0), uniform(random, LAYERS * BATCH, HIDDEN, 1.0));
        return state;
    }

    @Test
    void selectMakesAStateOfTheChosenSequences() {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, 2, HIDDEN).withNumLayers(LAYERS), 1);
        RecurrentState state = loadedState(layer, new SplittableRandom(2));
        FMatrixRMaj hBefore = state.hidden().copy();
        int[] rows = {3, 3, 0, 1, 2, 0};   // repeats and another batch size
        RecurrentState selected = state.select(rows);
        assertEquals(rows.length, selected.batchSize());
        for (int k = 0; k < LAYERS; k++) {
            for (int b = 0; b < rows.length; b++) {
                assertArrayEquals(row(state.hidden(), BATCH, k, rows[b]), row(selected.hidden(), rows.length, k, b));
                assertArrayEquals(row(state.cellState(), BATCH, k, rows[b]),
                        row(selected.cellState(), rows.length, k, b));
            }
        }
        assertArrayEquals(hBefore.data, state.hidden().data, "the source is not modified");
        // the new state steps as the layer's own states do
        FMatrixRMaj out = new FMatrixRMaj(rows.length, HIDDEN);
        layer.step(uniform(new SplittableRandom(3), rows.length, 2, 1.0), selected, out);
        assertThrows(IllegalArgumentException.class, () -> state.select(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> state.select(new int[] {BATCH}));
    }

    @Test
    void reorderGathersInPlaceWithoutAllocating() {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, 2, HIDDEN).withNumLayers(LAYERS), 4);
        RecurrentState state = loadedState(layer, new SplittableRandom(5));
        RecurrentState copy = state.select(new int[] {0, 1, 2, 3});
        int[] rows = {2, 0, 2, 1};
        state.reorder(rows);
        RecurrentState expected = copy.select(rows);
        assertArrayEquals(expected.hidden().data, state.hidden().data);
        assertArrayEquals(expected.cellState().data, state.cellState().data);
        assertThrows(IllegalArgumentException.class, () -> state.reorder(new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> state.reorder(new int[] {0, 1, 2, -1}));

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long fewest = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                state.reorder(rows);
            }
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(fewest < 1024, "100 reorders allocated " + fewest + " bytes");
    }

    @Test
    void selectSequencesGathersEveryLayerAndDirection() {
        int groups = 2 * LAYERS;   // a bidirectional layer's (L·D·B, H)
        FMatrixRMaj states = uniform(new SplittableRandom(6), groups * BATCH, HIDDEN, 1.0);
        int[] rows = {1, 1, 3};
        FMatrixRMaj out = new FMatrixRMaj(groups * rows.length, HIDDEN);
        RecurrentState.selectSequences(states, BATCH, rows, out);
        for (int g = 0; g < groups; g++) {
            for (int b = 0; b < rows.length; b++) {
                assertArrayEquals(row(states, BATCH, g, rows[b]), row(out, rows.length, g, b));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentState.selectSequences(states, BATCH, rows, new FMatrixRMaj(3, HIDDEN)));
        assertTrue(e.getMessage().contains("out must be (12, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RecurrentState.selectSequences(states, 3, rows, out), "B must divide the rows");
        assertThrows(IllegalArgumentException.class,
                () -> RecurrentState.selectSequences(states, BATCH, new int[] {0, 1, 2, 3}, states));
        FMatrixRMaj gathered = new FMatrixRMaj(groups * BATCH, HIDDEN);
        RecurrentState.selectSequences(states, BATCH, new int[] {0, 1, 2, 3}, gathered);
        assertNotSame(states, gathered);
        assertArrayEquals(states.data, gathered.data, "the identity selection copies");
    }
}
