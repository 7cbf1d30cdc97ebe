package org.seq4j.rnn;

import static org.seq4j.rnn.RnnTesting.uniform;
import static org.seq4j.rnn.RnnTesting.weightedSum;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.seq4j.check.GradientCheck;

/**
 * Finite-difference checks of {@link RecurrentLayer#backward}: every parameter and the inputs x, h0, c0,
 * for every cell type and layer option. The loss is a fixed random weighting of the output and of the
 * final states, so every gradient path (output, hN, cN) is exercised.
 */
class RecurrentLayerGradientTest {

    private static final int INPUT = 3;
    private static final int HIDDEN = 4;
    private static final int BATCH = 3;
    private static final int STEPS = 4;

    /** Twice GradientCheck's step: a relu pre-activation this far from 0 does not cross the kink. */
    private static final double KINK_MARGIN = 2 * GradientCheck.DEFAULT_STEP;

    /** Scale of the loss weights: keeps the loss O(1), as GradientCheck's tolerances assume. */
    private static final double LOSS_WEIGHT_SCALE = 0.5;

    /** One configured case: the layer, its inputs and the loss weights. */
    private static final class Case {
        final RecurrentLayer layer;
        final boolean lstm;
        final int[] lengths;
        final FMatrixRMaj x;
        final FMatrixRMaj h0;
        final FMatrixRMaj c0;
        final FMatrixRMaj wOut;
        final FMatrixRMaj wH;
        final FMatrixRMaj wC;
        final Long dropoutSeed;
        // analytic gradients of the inputs, copied out of the cache
        final FMatrixRMaj dx;
        final FMatrixRMaj dh0;
        final FMatrixRMaj dc0;

        /**
         * Draws a case. For a relu RNN, draws again until every real step's pre-activation is at least
         * {@link #KINK_MARGIN} from 0: a finite difference across the kink is meaningless.
         */
        static Case create(RecurrentConfig config, int[] lengths, Long dropoutSeed, long seed) {
            for (int attempt = 0; attempt < 100; attempt++) {
                Case c = new Case(config, lengths, dropoutSeed, seed + 7919L * attempt);
                if (config.cell() != CellType.RNN_RELU || c.reluMargin() >= KINK_MARGIN) {
                    return c;
                }
            }
            throw new AssertionError("no relu case with pre-activations away from 0 in 100 draws");
        }

        private Case(RecurrentConfig config, int[] lengths, Long dropoutSeed, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            this.layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault().withOrthogonalRecurrentWeights(),
                    random.split());
            this.lstm = config.cell().hasCellState();
            this.lengths = lengths;
            this.dropoutSeed = dropoutSeed;
            int rows = STEPS * BATCH;
            int stateRows = config.stateRows(BATCH);
            this.x = uniform(random, rows, INPUT, 1.0);
            this.h0 = uniform(random, stateRows, HIDDEN, 0.8);
            this.c0 = lstm ? uniform(random, stateRows, HIDDEN, 0.8) : null;
            this.wOut = uniform(random, rows, config.outputSize(), LOSS_WEIGHT_SCALE);
            this.wH = uniform(random, stateRows, HIDDEN, LOSS_WEIGHT_SCALE);
            this.wC = lstm ? uniform(random, stateRows, HIDDEN, LOSS_WEIGHT_SCALE) : null;
            this.dx = new FMatrixRMaj(rows, INPUT);
            this.dh0 = new FMatrixRMaj(stateRows, HIDDEN);
            this.dc0 = new FMatrixRMaj(stateRows, HIDDEN);
        }

        /** Smallest |pre-activation| over the real steps of every layer and direction (relu RNN). */
        double reluMargin() {
            RecurrentLayer.Cache cache = forward();
            RecurrentConfig config = layer.config();
            double margin = Double.POSITIVE_INFINITY;
            for (int k = 0; k < config.numLayers(); k++) {
                for (int d = 0; d < config.numDirections(); d++) {
                    FMatrixRMaj preActivation = cache.trace(k, d).gates;
                    for (int t = 0; t < STEPS; t++) {
                        for (int b = 0; b < BATCH; b++) {
                            if (cache.isActive(t, b)) {
                                for (int j = 0; j < HIDDEN; j++) {
                                    margin = Math.min(margin, Math.abs(preActivation.get(t * BATCH + b, j)));
                                }
                            }
                        }
                    }
                }
            }
            return margin;
        }

        RecurrentLayer.Cache forward() {
            // a fresh stream with the same seed gives the same dropout mask at every call
            return layer.forward(x, BATCH, lengths, h0, c0,
                    dropoutSeed == null ? null : new SplittableRandom(dropoutSeed));
        }

        double loss() {
            RecurrentLayer.Cache cache = forward();
            double loss = weightedSum(cache.output(), wOut) + weightedSum(cache.finalHidden(), wH);
            return lstm ? loss + weightedSum(cache.finalCellState(), wC) : loss;
        }

        void gradients() {
            layer.parameters().zeroGrad();
            RecurrentLayer.Cache cache = forward();
            layer.backward(cache, wOut, wH, wC);
            dx.setTo(cache.dx());
            dh0.setTo(cache.dh0());
            if (lstm) {
                dc0.setTo(cache.dc0());
            }
        }

        void check() {
            GradientCheck.Builder builder = GradientCheck.builder(this::loss)
                    .parameters(layer.parameters())
                    .input("x", x, dx)
                    .input("h0", h0, dh0);
            if (lstm) {
                builder.input("c0", c0, dc0);
            }
            builder.build().run(this::gradients).assertPassed();
        }
    }

    private static RecurrentConfig config(CellType cell) {
        return RecurrentConfig.of(cell, INPUT, HIDDEN);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void oneLayer(CellType cell) {
        Case.create(config(cell), null, null, 11).check();
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void oneLayerWithoutBias(CellType cell) {
        Case.create(config(cell).withBias(false), null, null, 12).check();
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void twoLayers(CellType cell) {
        Case.create(config(cell).withNumLayers(2), null, null, 13).check();
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void bidirectional(CellType cell) {
        Case.create(config(cell).withBidirectional(true), null, null, 14).check();
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void twoBidirectionalLayersWithUnequalLengths(CellType cell) {
        Case.create(config(cell).withNumLayers(2).withBidirectional(true), new int[] {4, 2, 3}, null, 15).check();
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void unidirectionalWithUnequalLengths(CellType cell) {
        Case.create(config(cell), new int[] {1, 4, 3}, null, 16).check();
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void twoLayersWithDropout(CellType cell) {
        Case.create(config(cell).withNumLayers(2).withBidirectional(true).withDropout(0.3f),
                new int[] {3, 4, 2}, 99L, 17).check();
    }
}
