package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.seq4j.rnn.RnnTesting.uniform;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.seq4j.kernel.Gemm;

/** {@link FrozenRecurrentLayer#stepRow}: the step of {@link FrozenRecurrentLayer#step} on a table row. */
class FrozenInputRowsTest {

    @ParameterizedTest
    @EnumSource(CellType.class)
    void aStepFromATableRowEqualsAStepOnThatRow(CellType cell) {
        int threads = Gemm.threads();
        try {
            // 24: one run of units; 256: for LSTM and GRU one run per thread with 2 threads (at least 2¹⁸
            // multiply-adds per layer and step, FrozenRecurrentLayer.PARALLEL_MIN_WORK)
            for (int size : new int[] {24, 256}) {
                for (int threadCount : new int[] {1, 2}) {
                    Gemm.setThreads(threadCount);
                    RecurrentLayer layer = new RecurrentLayer(
                            RecurrentConfig.of(cell, size + 3, size).withNumLayers(2), 47);
                    SplittableRandom random = new SplittableRandom(48);
                    FMatrixRMaj table = uniform(random, 7, size + 3, 1.0);
                    FrozenRecurrentLayer frozen = layer.freeze();
                    FrozenRecurrentLayer fromRows = frozen.withInputRows(table);
                    RecurrentState expected = frozen.newState(1);
                    RecurrentState actual = fromRows.newState(1);
                    FMatrixRMaj x = new FMatrixRMaj(1, size + 3);
                    FMatrixRMaj out = new FMatrixRMaj(1, size);
                    FMatrixRMaj rowOut = new FMatrixRMaj(1, size);
                    for (int t = 0; t < 5; t++) {
                        int row = random.nextInt(table.numRows);
                        System.arraycopy(table.data, row * table.numCols, x.data, 0, table.numCols);
                        frozen.step(x, expected, out);
                        fromRows.stepRow(row, actual, rowOut);
                        String what = cell + " H=" + size + " threads=" + threadCount + " step " + t;
                        assertArrayEquals(out.data, rowOut.data, what);
                    }
                    assertArrayEquals(expected.hidden().data, actual.hidden().data);
                    // the plain step still works on the copy
                    fromRows.step(x, actual, rowOut);
                    frozen.step(x, expected, out);
                    assertArrayEquals(out.data, rowOut.data);
                }
            }
        } finally {
            Gemm.setThreads(threads);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = "LSTM")
    void badTablesRowsAndStatesAreRefused(CellType cell) {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(cell, 5, 4), 49);
        FrozenRecurrentLayer frozen = layer.freeze();
        FMatrixRMaj out = new FMatrixRMaj(1, 4);
        assertThrows(IllegalStateException.class, () -> frozen.stepRow(0, frozen.newState(1), out));
        assertThrows(IllegalArgumentException.class, () -> frozen.withInputRows(new FMatrixRMaj(3, 4)));
        FrozenRecurrentLayer fromRows = frozen.withInputRows(new FMatrixRMaj(3, 5));
        assertThrows(IllegalArgumentException.class, () -> fromRows.stepRow(3, fromRows.newState(1), out));
        assertThrows(IllegalArgumentException.class, () -> fromRows.stepRow(-1, fromRows.newState(1), out));
        assertThrows(IllegalArgumentException.class, () -> fromRows.stepRow(0, fromRows.newState(2), out));
        assertThrows(IllegalArgumentException.class,
                () -> fromRows.stepRow(0, new RecurrentLayer(RecurrentConfig.of(cell, 5, 4), 50).newState(1), out));
    }
}
