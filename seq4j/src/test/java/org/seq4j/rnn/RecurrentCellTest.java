package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.rnn.RnnTesting.maxAbsDiff;
import static org.seq4j.rnn.RnnTesting.uniform;
import static org.seq4j.rnn.RnnTesting.weightedSum;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.seq4j.check.GradientCheck;
import org.seq4j.nn.Parameter;

/** The one-step API of the cells: unrolled by hand it equals the layer, and its backward is gradient-checked. */
class RecurrentCellTest {

    private static final int INPUT = 3;
    private static final int HIDDEN = 4;
    private static final int BATCH = 2;
    private static final int STEPS = 3;

    /** The per-row products of the layer and of a single step are the same float operations. */
    private static final float SAME_ARITHMETIC = 1e-6f;

    /** A cell unrolled over STEPS steps with the one-step API, one cache per step. */
    private static final class Unrolled {
        final RecurrentCell cell;
        final boolean lstm;
        final FMatrixRMaj[] x = new FMatrixRMaj[STEPS];
        final FMatrixRMaj[] dx = new FMatrixRMaj[STEPS];
        final FMatrixRMaj[] wOut = new FMatrixRMaj[STEPS];
        final FMatrixRMaj h0;
        final FMatrixRMaj c0;
        final FMatrixRMaj dh0 = new FMatrixRMaj(BATCH, HIDDEN);
        final FMatrixRMaj dc0 = new FMatrixRMaj(BATCH, HIDDEN);
        final FMatrixRMaj wC;
        final RecurrentCell.StepCache[] caches = new RecurrentCell.StepCache[STEPS];

        Unrolled(RecurrentCell cell, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            this.cell = cell;
            this.lstm = cell.type().hasCellState();
            for (int t = 0; t < STEPS; t++) {
                x[t] = uniform(random, BATCH, INPUT, 1.0);
                dx[t] = new FMatrixRMaj(BATCH, INPUT);
                wOut[t] = uniform(random, BATCH, HIDDEN, 0.5);
            }
            h0 = uniform(random, BATCH, HIDDEN, 0.8);
            c0 = uniform(random, BATCH, HIDDEN, 0.8);
            wC = uniform(random, BATCH, HIDDEN, 0.5);
        }

        /** Runs the steps, reusing the caches; the last cache holds h_T (and c_T). */
        void forward() {
            FMatrixRMaj h = h0;
            FMatrixRMaj c = c0;
            for (int t = 0; t < STEPS; t++) {
                if (cell instanceof LstmCell lstmCell) {
                    caches[t] = lstmCell.forward(x[t], h, c, caches[t]);
                } else if (cell instanceof GruCell gru) {
                    caches[t] = gru.forward(x[t], h, caches[t]);
                } else {
                    caches[t] = ((ElmanCell) cell).forward(x[t], h, caches[t]);
                }
                h = caches[t].hidden();
                c = lstm ? caches[t].cellState() : null;
            }
        }

        double loss() {
            forward();
            double loss = 0.0;
            for (int t = 0; t < STEPS; t++) {
                loss += weightedSum(caches[t].hidden(), wOut[t]);
            }
            return lstm ? loss + weightedSum(caches[STEPS - 1].cellState(), wC) : loss;
        }

        void gradients() {
            cell.parameters().zeroGrad();
            forward();
            FMatrixRMaj dhNext = null;
            FMatrixRMaj dcNext = lstm ? wC : null;
            for (int t = STEPS - 1; t >= 0; t--) {
                if (cell instanceof LstmCell lstmCell) {
                    lstmCell.backward(caches[t], wOut[t], dhNext, dcNext);
                } else if (cell instanceof GruCell gru) {
                    gru.backward(caches[t], wOut[t], dhNext);
                } else {
                    ((ElmanCell) cell).backward(caches[t], wOut[t], dhNext);
                }
                dx[t].setTo(caches[t].dx());
                dhNext = caches[t].dhPrev();
                dcNext = lstm ? caches[t].dcPrev() : null;
            }
            dh0.setTo(dhNext);
            if (lstm) {
                dc0.setTo(dcNext);
            }
        }
    }

    private static RecurrentCell cell(CellType type, long seed) {
        return new RecurrentLayer(RecurrentConfig.of(type, INPUT, HIDDEN), seed).cell(0, 0);
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "LSTM", "GRU"})
    void unrolledStepsPassGradientCheck(CellType type) {
        Unrolled u = new Unrolled(cell(type, 3), 4);
        GradientCheck.Builder builder = GradientCheck.builder(u::loss).parameters(u.cell.parameters())
                .input("h0", u.h0, u.dh0);
        if (u.lstm) {
            builder.input("c0", u.c0, u.dc0);
        }
        for (int t = 0; t < STEPS; t++) {
            builder.input("x" + t, u.x[t], u.dx[t]);
        }
        builder.build().run(u::gradients).assertPassed();
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void unrolledStepsEqualTheLayer(CellType type) {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(type, INPUT, HIDDEN), 8);
        Unrolled u = new Unrolled(layer.cell(0, 0), 9);
        u.forward();
        FMatrixRMaj x = new FMatrixRMaj(STEPS * BATCH, INPUT);
        for (int t = 0; t < STEPS; t++) {
            System.arraycopy(u.x[t].data, 0, x.data, t * BATCH * INPUT, BATCH * INPUT);
        }
        RecurrentLayer.Cache cache = layer.forward(x, BATCH, null, u.h0, u.lstm ? u.c0 : null, null);
        for (int t = 0; t < STEPS; t++) {
            FMatrixRMaj row = new FMatrixRMaj(BATCH, HIDDEN);
            System.arraycopy(cache.output().data, t * BATCH * HIDDEN, row.data, 0, BATCH * HIDDEN);
            assertTrue(maxAbsDiff(row, u.caches[t].hidden()) <= SAME_ARITHMETIC, "step " + t);
        }
        if (u.lstm) {
            assertTrue(maxAbsDiff(cache.finalCellState(), u.caches[STEPS - 1].cellState()) <= SAME_ARITHMETIC);
        }
    }

    @Test
    void cellsHavePyTorchCellParameterNamesAndShapes() {
        RecurrentCell lstm = new LstmCell(5, 7, true, RecurrentInit.pytorchDefault(), new SplittableRandom(1));
        assertEquals(List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh"), lstm.parameters().names());
        assertEquals("[weight_ih[28, 5], weight_hh[28, 7], bias_ih[28], bias_hh[28]]", lstm.parameters().toString());
        RecurrentCell gru = new GruCell(5, 7, false, RecurrentInit.pytorchDefault(), new SplittableRandom(1));
        assertEquals("[weight_ih[21, 5], weight_hh[21, 7]]", gru.parameters().toString());
        assertThrows(IllegalStateException.class, gru::biasIh);
        RecurrentCell elman = new ElmanCell(CellType.RNN_RELU, 5, 7, true, RecurrentInit.pytorchDefault(),
                new SplittableRandom(1));
        assertEquals("[weight_ih[7, 5], weight_hh[7, 7], bias_ih[7], bias_hh[7]]", elman.parameters().toString());
        for (Parameter p : lstm.parameters()) {
            assertSame(p, lstm.parameters().get(p.name()));
        }
    }

    @Test
    void cacheIsReusedAndChecked() {
        GruCell gru = new GruCell(INPUT, HIDDEN, true, RecurrentInit.pytorchDefault(), new SplittableRandom(2));
        GruCell other = new GruCell(INPUT, HIDDEN, true, RecurrentInit.pytorchDefault(), new SplittableRandom(3));
        SplittableRandom random = new SplittableRandom(4);
        FMatrixRMaj x = uniform(random, BATCH, INPUT, 1.0);
        FMatrixRMaj h = uniform(random, BATCH, HIDDEN, 1.0);
        RecurrentCell.StepCache cache = gru.forward(x, h);
        FMatrixRMaj first = cache.hidden().copy();
        assertSame(cache, gru.forward(x, h, cache));
        assertEquals(0f, maxAbsDiff(first, cache.hidden()));
        assertThrows(IllegalStateException.class, cache::dx, "no backward yet");
        assertThrows(IllegalStateException.class, cache::cellState, "a GRU has no cell state");
        assertThrows(IllegalArgumentException.class, () -> other.forward(x, h, cache));
        assertThrows(IllegalArgumentException.class, () -> other.backward(cache, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gru.forward(x, new FMatrixRMaj(BATCH, HIDDEN + 1)));
        assertEquals("hPrev must be (2, 4) but was (2, 5)", e.getMessage());
    }

    @Test
    void gatesAreTheActivationsThatMakeTheStep() {
        // LSTM: h_t = o ⊙ tanh(f ⊙ c_{t−1} + i ⊙ g) from the four blocks of gates()
        LstmCell lstm = new LstmCell(INPUT, HIDDEN, true, RecurrentInit.pytorchDefault(), new SplittableRandom(5));
        SplittableRandom random = new SplittableRandom(6);
        FMatrixRMaj x = uniform(random, BATCH, INPUT, 1.0);
        FMatrixRMaj h = uniform(random, BATCH, HIDDEN, 1.0);
        FMatrixRMaj c = uniform(random, BATCH, HIDDEN, 1.0);
        RecurrentCell.StepCache step = lstm.forward(x, h, c);
        FMatrixRMaj gates = step.gates();
        assertEquals(4 * HIDDEN, gates.numCols);
        for (int b = 0; b < BATCH; b++) {
            for (int j = 0; j < HIDDEN; j++) {
                float i = gates.get(b, j);
                float f = gates.get(b, HIDDEN + j);
                float g = gates.get(b, 2 * HIDDEN + j);
                float o = gates.get(b, 3 * HIDDEN + j);
                assertTrue(i > 0 && i < 1 && f > 0 && f < 1 && o > 0 && o < 1 && g > -1 && g < 1);
                double cNew = f * c.get(b, j) + i * g;
                assertEquals(cNew, step.cellState().get(b, j), 1e-6);
                assertEquals(o * Math.tanh(cNew), step.hidden().get(b, j), 1e-6);
            }
        }
        GruCell gru = new GruCell(INPUT, HIDDEN, true, RecurrentInit.pytorchDefault(), new SplittableRandom(5));
        RecurrentCell.StepCache gruStep = gru.forward(x, h);
        for (int b = 0; b < BATCH; b++) {
            for (int j = 0; j < HIDDEN; j++) {   // h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
                float z = gruStep.gates().get(b, HIDDEN + j);
                float n = gruStep.gates().get(b, 2 * HIDDEN + j);
                assertEquals((1 - z) * n + z * h.get(b, j), gruStep.hidden().get(b, j), 1e-6);
            }
        }
        ElmanCell rnn = new ElmanCell(CellType.RNN_TANH, INPUT, HIDDEN, true, RecurrentInit.pytorchDefault(),
                new SplittableRandom(5));
        assertThrows(IllegalStateException.class, () -> rnn.forward(x, h).gates());
    }

    @Test
    void elmanRejectsGatedTypes() {
        assertThrows(IllegalArgumentException.class, () -> new ElmanCell(CellType.LSTM, 2, 2, true,
                RecurrentInit.pytorchDefault(), new SplittableRandom(1)));
    }
}
