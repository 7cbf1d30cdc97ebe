package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.seq4j.rnn.RnnTesting.uniform;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Linear;
import org.seq4j.nn.MSELoss;
import org.seq4j.nn.Parameters;

/**
 * The classic scenarios composed from the recurrent layer, {@link LastStep}, {@link InitialState},
 * {@link Linear} and the losses — many-to-many with padding, many-to-one, one-to-many — gradient-checked
 * through every parameter and input; the summary rows checked against the layer's final states; the
 * caches' life cycle.
 */
class ScenariosTest {

    private static final int INPUT = 3;
    private static final int HIDDEN = 4;
    private static final int BATCH = 3;
    private static final int STEPS = 4;
    private static final int CLASSES = 5;
    private static final int[] LENGTHS = {4, 2, 3};

    /** A composed model: forward returns the loss; backward, after forward, adds into every gradient. */
    private interface Model {
        double forward();

        void backward();
    }

    /** Gradient-checks a model over its parameters and the inputs that {@code inputs} adds. */
    private static void assertGradientsMatch(Parameters all, Model model,
                                             UnaryOperator<GradientCheck.Builder> inputs) {
        inputs.apply(GradientCheck.builder(model::forward).parameters(all)).build().run(() -> {
            all.zeroGrad();
            model.forward();
            model.backward();
        }).assertPassed();
    }

    private static int[] classes(SplittableRandom random, int n) {
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            targets[i] = random.nextInt(CLASSES);
        }
        return targets;
    }

    /** Time-major targets with the ignore index at the padded steps of LENGTHS. */
    private static int[] ignorePadding(int[] targets) {
        int[] out = targets.clone();
        for (int r = 0; r < out.length; r++) {
            if (r / BATCH >= LENGTHS[r % BATCH]) {
                out[r] = CrossEntropyLoss.DEFAULT_IGNORE_INDEX;
            }
        }
        return out;
    }

    /** Time-major row weights: 1 at real steps of LENGTHS, 0 at padded ones. */
    private static float[] realRowWeights() {
        float[] w = new float[STEPS * BATCH];
        for (int r = 0; r < w.length; r++) {
            w[r] = r / BATCH < LENGTHS[r % BATCH] ? 1f : 0f;
        }
        return w;
    }

    private static Parameters both(RecurrentLayer layer, Linear linear) {
        return new Parameters().addAll("rnn.", layer.parameters()).addAll("linear.", linear.parameters());
    }

    // ----------------------------------------------------------------------------------------------
    // Many-to-many: Linear over (T·B, D·H), the loss over T·B rows, padding ignored

    @Test
    void perStepCrossEntropyOverTwoBidirectionalLstmLayers() {
        SplittableRandom random = new SplittableRandom(81);
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN).withNumLayers(2).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        Linear linear = new Linear(config.outputSize(), CLASSES, random.split());
        CrossEntropyLoss loss = new CrossEntropyLoss();
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, config.stateRows(BATCH), HIDDEN, 0.5);
        FMatrixRMaj c0 = uniform(random, config.stateRows(BATCH), HIDDEN, 0.5);
        int[] targets = ignorePadding(classes(random, STEPS * BATCH));
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, INPUT);
        FMatrixRMaj dh0 = new FMatrixRMaj(h0.numRows, HIDDEN);
        FMatrixRMaj dc0 = new FMatrixRMaj(h0.numRows, HIDDEN);
        FMatrixRMaj logits = new FMatrixRMaj(STEPS * BATCH, CLASSES);
        FMatrixRMaj dLogits = new FMatrixRMaj(STEPS * BATCH, CLASSES);
        FMatrixRMaj dOutput = new FMatrixRMaj(STEPS * BATCH, config.outputSize());
        Model model = new Model() {
            RecurrentLayer.Cache rnn;

            @Override
            public double forward() {
                rnn = layer.forward(x, BATCH, LENGTHS, h0, c0, null);
                linear.forward(rnn.output(), logits);
                return loss.forward(logits, targets, logits);   // logits now hold the probabilities
            }

            @Override
            public void backward() {
                loss.backward(logits, targets, 1.0, dLogits);
                linear.backward(rnn.output(), dLogits, dOutput);
                layer.backward(rnn, dOutput, null, null);
                dx.setTo(rnn.dx());
                dh0.setTo(rnn.dh0());
                dc0.setTo(rnn.dc0());
            }
        };
        assertGradientsMatch(both(layer, linear), model,
                b -> b.input("x", x, dx).input("h0", h0, dh0).input("c0", c0, dc0));
    }

    @Test
    void perStepMeanSquaredErrorOverAGruWithPaddedRowsWeightedZero() {
        SplittableRandom random = new SplittableRandom(82);
        RecurrentConfig config = RecurrentConfig.of(CellType.GRU, INPUT, HIDDEN);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        Linear linear = new Linear(HIDDEN, 2, random.split());
        MSELoss loss = new MSELoss();
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj targets = uniform(random, STEPS * BATCH, 2, 1.0);
        float[] real = realRowWeights();
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, INPUT);
        FMatrixRMaj predictions = new FMatrixRMaj(STEPS * BATCH, 2);
        FMatrixRMaj dPredictions = new FMatrixRMaj(STEPS * BATCH, 2);
        FMatrixRMaj dOutput = new FMatrixRMaj(STEPS * BATCH, HIDDEN);
        Model model = new Model() {
            RecurrentLayer.Cache rnn;

            @Override
            public double forward() {
                rnn = layer.forward(x, BATCH, LENGTHS, null, null, null);
                linear.forward(rnn.output(), predictions);
                return loss.forward(predictions, targets, real);
            }

            @Override
            public void backward() {
                loss.backward(predictions, targets, real, 1.0, dPredictions);
                linear.backward(rnn.output(), dPredictions, dOutput);
                layer.backward(rnn, dOutput, null, null);
                dx.setTo(rnn.dx());
            }
        };
        assertGradientsMatch(both(layer, linear), model, b -> b.input("x", x, dx));
    }

    // ----------------------------------------------------------------------------------------------
    // Many-to-one: LastStep, then Linear and the loss

    @Test
    void lastStepClassWeightedCrossEntropyOverTwoBidirectionalGruLayers() {
        SplittableRandom random = new SplittableRandom(84);
        RecurrentConfig config = RecurrentConfig.of(CellType.GRU, INPUT, HIDDEN).withNumLayers(2).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        LastStep lastStep = new LastStep(config);
        Linear linear = new Linear(lastStep.outputSize(), CLASSES, random.split());
        CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(0.5f, 2f, 1f, 1.5f, 0.25f).build();
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, config.stateRows(BATCH), HIDDEN, 0.5);
        int[] targets = classes(random, BATCH);
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, INPUT);
        FMatrixRMaj dh0 = new FMatrixRMaj(h0.numRows, HIDDEN);
        FMatrixRMaj logits = new FMatrixRMaj(BATCH, CLASSES);
        FMatrixRMaj probabilities = new FMatrixRMaj(BATCH, CLASSES);
        FMatrixRMaj dLogits = new FMatrixRMaj(BATCH, CLASSES);
        FMatrixRMaj dSummary = new FMatrixRMaj(BATCH, lastStep.outputSize());
        Model model = new Model() {
            RecurrentLayer.Cache rnn;
            LastStep.Cache last;

            @Override
            public double forward() {
                rnn = layer.forward(x, BATCH, LENGTHS, h0, null, null);
                last = lastStep.forward(rnn.output(), BATCH, LENGTHS, last);
                linear.forward(last.summary(), logits);
                return loss.forward(logits, targets, probabilities);
            }

            @Override
            public void backward() {
                loss.backward(probabilities, targets, 1.0, dLogits);
                linear.backward(last.summary(), dLogits, dSummary);
                lastStep.backward(last, dSummary);
                layer.backward(rnn, last.dOutput(), null, null);
                dx.setTo(rnn.dx());
                dh0.setTo(rnn.dh0());
            }
        };
        assertGradientsMatch(both(layer, linear), model, b -> b.input("x", x, dx).input("h0", h0, dh0));
    }

    @Test
    void lastStepMeanSquaredErrorOverABidirectionalTanhRnn() {
        SplittableRandom random = new SplittableRandom(85);
        RecurrentConfig config = RecurrentConfig.of(CellType.RNN_TANH, INPUT, HIDDEN).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        LastStep lastStep = new LastStep(HIDDEN, true);
        Linear linear = new Linear(2 * HIDDEN, 2, random.split());
        MSELoss loss = new MSELoss();
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj targets = uniform(random, BATCH, 2, 1.0);
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, INPUT);
        FMatrixRMaj predictions = new FMatrixRMaj(BATCH, 2);
        FMatrixRMaj dPredictions = new FMatrixRMaj(BATCH, 2);
        FMatrixRMaj dSummary = new FMatrixRMaj(BATCH, 2 * HIDDEN);
        Model model = new Model() {
            RecurrentLayer.Cache rnn;
            LastStep.Cache last;

            @Override
            public double forward() {
                rnn = layer.forward(x, BATCH, LENGTHS, null, null, null);
                last = lastStep.forward(rnn.output(), BATCH, LENGTHS);
                linear.forward(last.summary(), predictions);
                return loss.forward(predictions, targets);
            }

            @Override
            public void backward() {
                loss.backward(predictions, targets, 1.0, dPredictions);
                linear.backward(last.summary(), dPredictions, dSummary);
                lastStep.backward(last, dSummary);
                layer.backward(rnn, last.dOutput(), null, null);
                dx.setTo(rnn.dx());
            }
        };
        assertGradientsMatch(both(layer, linear), model, b -> b.input("x", x, dx));
    }

    @Test
    void lastStepSummaryIsTheTopLayersFinalState() {
        SplittableRandom random = new SplittableRandom(86);
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN).withNumLayers(2).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        RecurrentLayer.Cache rnn = layer.forward(uniform(random, STEPS * BATCH, INPUT, 1.0), BATCH, LENGTHS,
                null, null, null);
        FMatrixRMaj summary = new LastStep(config).forward(rnn.output(), BATCH, LENGTHS).summary();
        FMatrixRMaj hN = rnn.finalHidden();   // rows (k·D + d)·B + b; the top layer is k = 1
        for (int b = 0; b < BATCH; b++) {
            for (int d = 0; d < 2; d++) {
                for (int j = 0; j < HIDDEN; j++) {
                    assertEquals(hN.get((2 + d) * BATCH + b, j), summary.get(b, d * HIDDEN + j),
                            "sequence " + b + ", direction " + d);
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------------
    // One-to-many: InitialState into h0 (c0), per-step read-out

    @Test
    void conditioningVectorIntoATwoLayerLstmWithPerStepCrossEntropy() {
        SplittableRandom random = new SplittableRandom(87);
        int features = 6;
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN).withNumLayers(2);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        InitialState start = new InitialState(features, config, random.split());
        Linear linear = new Linear(HIDDEN, CLASSES, random.split());
        CrossEntropyLoss loss = new CrossEntropyLoss();
        FMatrixRMaj condition = uniform(random, BATCH, features, 1.0);
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);   // teacher-forced previous tokens
        int[] targets = ignorePadding(classes(random, STEPS * BATCH));
        FMatrixRMaj dCondition = new FMatrixRMaj(BATCH, features);
        FMatrixRMaj logits = new FMatrixRMaj(STEPS * BATCH, CLASSES);
        FMatrixRMaj dLogits = new FMatrixRMaj(STEPS * BATCH, CLASSES);
        FMatrixRMaj dOutput = new FMatrixRMaj(STEPS * BATCH, HIDDEN);
        Parameters all = new Parameters().addAll("start.", start.parameters())
                .addAll("rnn.", layer.parameters()).addAll("linear.", linear.parameters());
        assertEquals(List.of("start.hidden.weight", "start.hidden.bias", "start.cell.weight", "start.cell.bias"),
                all.names().subList(0, 4));
        Model model = new Model() {
            InitialState.Cache s;
            RecurrentLayer.Cache rnn;

            @Override
            public double forward() {
                s = start.forward(condition, s);
                rnn = layer.forward(x, BATCH, LENGTHS, s.h0(), s.c0(), null);
                linear.forward(rnn.output(), logits);
                return loss.forward(logits, targets, logits);
            }

            @Override
            public void backward() {
                loss.backward(logits, targets, 1.0, dLogits);
                linear.backward(rnn.output(), dLogits, dOutput);
                layer.backward(rnn, dOutput, null, null);
                start.backward(s, rnn.dh0(), rnn.dc0());
                dCondition.setTo(s.dCondition());
            }
        };
        assertGradientsMatch(all, model, b -> b.input("condition", condition, dCondition));
    }

    @Test
    void conditioningVectorIntoABidirectionalGruWithMeanSquaredError() {
        SplittableRandom random = new SplittableRandom(88);
        int features = 2;
        RecurrentConfig config = RecurrentConfig.of(CellType.GRU, INPUT, HIDDEN).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        InitialState start = new InitialState(features, config, random.split());
        Linear linear = new Linear(config.outputSize(), 3, random.split());
        MSELoss loss = new MSELoss();
        FMatrixRMaj condition = uniform(random, BATCH, features, 1.0);
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj targets = uniform(random, STEPS * BATCH, 3, 1.0);
        FMatrixRMaj dCondition = new FMatrixRMaj(BATCH, features);
        FMatrixRMaj predictions = new FMatrixRMaj(STEPS * BATCH, 3);
        FMatrixRMaj dPredictions = new FMatrixRMaj(STEPS * BATCH, 3);
        FMatrixRMaj dOutput = new FMatrixRMaj(STEPS * BATCH, config.outputSize());
        Parameters all = new Parameters().addAll("start.", start.parameters())
                .addAll("rnn.", layer.parameters()).addAll("linear.", linear.parameters());
        Model model = new Model() {
            InitialState.Cache s;
            RecurrentLayer.Cache rnn;

            @Override
            public double forward() {
                s = start.forward(condition);
                rnn = layer.forward(x, BATCH, null, s.h0(), null, null);
                linear.forward(rnn.output(), predictions);
                return loss.forward(predictions, targets);
            }

            @Override
            public void backward() {
                loss.backward(predictions, targets, 1.0, dPredictions);
                linear.backward(rnn.output(), dPredictions, dOutput);
                layer.backward(rnn, dOutput, null, null);
                start.backward(s, rnn.dh0(), null);
                dCondition.setTo(s.dCondition());
            }
        };
        assertGradientsMatch(all, model, b -> b.input("condition", condition, dCondition));
    }

    // ----------------------------------------------------------------------------------------------
    // Arguments and cache life cycle

    @Test
    void lastStepChecksItsArgumentsAndItsCachesLifeCycle() {
        LastStep last = new LastStep(HIDDEN, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> last.forward(new FMatrixRMaj(7, HIDDEN), BATCH, null));
        assertEquals("output must be (T·B, 4) with B = 3 but was (7, 4)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> last.forward(new FMatrixRMaj(6, HIDDEN), BATCH, new int[] {1, 3, 2}));
        LastStep.Cache empty = last.newCache();
        assertThrows(IllegalStateException.class, () -> last.backward(empty, new FMatrixRMaj(BATCH, HIDDEN)));
        assertThrows(IllegalStateException.class, empty::summary);
        LastStep.Cache cache = last.forward(new FMatrixRMaj(6, HIDDEN), BATCH, null);
        assertThrows(IllegalStateException.class, cache::dOutput);
        assertThrows(IllegalArgumentException.class, () -> last.backward(cache, new FMatrixRMaj(BATCH, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> new LastStep(HIDDEN, false).backward(cache, new FMatrixRMaj(BATCH, HIDDEN)));
        assertThrows(IllegalArgumentException.class,
                () -> new LastStep(HIDDEN, false).forward(new FMatrixRMaj(6, HIDDEN), BATCH, null, cache));
        last.backward(cache, new FMatrixRMaj(BATCH, HIDDEN));
        assertThrows(IllegalStateException.class, () -> last.backward(cache, new FMatrixRMaj(BATCH, HIDDEN)));
        assertSame(cache, last.forward(new FMatrixRMaj(6, HIDDEN), BATCH, null, cache));
        assertEquals(BATCH * HIDDEN, cache.summary().data.length);
    }

    @Test
    void lastStepCachesOfSeveralForwardsStayIndependent() {
        SplittableRandom random = new SplittableRandom(90);
        LastStep last = new LastStep(HIDDEN, true);
        FMatrixRMaj out1 = uniform(random, STEPS * BATCH, 2 * HIDDEN, 1.0);
        FMatrixRMaj out2 = uniform(random, 2 * 2, 2 * HIDDEN, 1.0);   // another shape: T = 2, B = 2
        FMatrixRMaj d1 = uniform(random, BATCH, 2 * HIDDEN, 1.0);
        FMatrixRMaj d2 = uniform(random, 2, 2 * HIDDEN, 1.0);
        LastStep.Cache alone = last.forward(out1, BATCH, LENGTHS);
        last.backward(alone, d1);
        FMatrixRMaj expectedSummary = alone.summary().copy();
        FMatrixRMaj expectedDOutput = alone.dOutput().copy();

        LastStep.Cache first = last.forward(out1, BATCH, LENGTHS);
        LastStep.Cache second = last.forward(out2, 2, new int[] {1, 2});
        last.backward(second, d2);
        last.backward(first, d1);
        assertArrayEquals(expectedSummary.data, first.summary().data);
        assertArrayEquals(expectedDOutput.data, first.dOutput().data);
        assertEquals(2 * 2 * 2 * HIDDEN, second.dOutput().data.length);
    }

    @Test
    void initialStateChecksItsArgumentsAndItsCachesLifeCycle() {
        SplittableRandom random = new SplittableRandom(89);
        InitialState start = new InitialState(2, RecurrentConfig.of(CellType.GRU, 1, HIDDEN), random);
        InitialState.Cache empty = start.newCache();
        assertThrows(IllegalStateException.class, () -> start.backward(empty, new FMatrixRMaj(BATCH, HIDDEN), null));
        assertThrows(IllegalStateException.class, empty::h0);
        InitialState.Cache s = start.forward(new FMatrixRMaj(BATCH, 2));
        assertNull(s.c0());
        assertThrows(IllegalStateException.class, s::dCondition);
        assertThrows(IllegalArgumentException.class,
                () -> start.backward(s, new FMatrixRMaj(BATCH, HIDDEN), new FMatrixRMaj(BATCH, HIDDEN)));
        assertThrows(IllegalArgumentException.class, () -> start.forward(new FMatrixRMaj(BATCH, 3)));
        InitialState other = new InitialState(2, RecurrentConfig.of(CellType.GRU, 1, HIDDEN), random);
        assertThrows(IllegalArgumentException.class, () -> other.backward(s, new FMatrixRMaj(BATCH, HIDDEN), null));
        start.backward(s, new FMatrixRMaj(BATCH, HIDDEN), null);
        assertEquals(BATCH * 2, s.dCondition().data.length);
        assertThrows(IllegalStateException.class, () -> start.backward(s, new FMatrixRMaj(BATCH, HIDDEN), null));
    }
}
