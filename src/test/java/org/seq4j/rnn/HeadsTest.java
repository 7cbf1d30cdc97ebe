package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.seq4j.rnn.RnnTesting.uniform;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Parameters;

/**
 * The three scenarios end to end — recurrent layer plus head plus loss — gradient-checked through every
 * parameter and input, and the heads' row selection checked against the layer's final states.
 */
class HeadsTest {

    private static final int INPUT = 3;
    private static final int HIDDEN = 4;
    private static final int BATCH = 3;
    private static final int STEPS = 4;
    private static final int CLASSES = 5;
    private static final int[] LENGTHS = {4, 2, 3};

    private static int[] classes(SplittableRandom random, int n) {
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            targets[i] = random.nextInt(CLASSES);
        }
        return targets;
    }

    private static Parameters both(RecurrentLayer layer, org.seq4j.nn.Module head) {
        return new Parameters().addAll("rnn.", layer.parameters()).addAll("head.", head.parameters());
    }

    // ----------------------------------------------------------------------------------------------
    // Many-to-many

    @Test
    void perStepCrossEntropyOverTwoBidirectionalLstmLayers() {
        SplittableRandom random = new SplittableRandom(81);
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN).withNumLayers(2).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        PerStepHead head = new PerStepHead(config.outputSize(), CLASSES, random.split());
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, config.stateRows(BATCH), HIDDEN, 0.5);
        FMatrixRMaj c0 = uniform(random, config.stateRows(BATCH), HIDDEN, 0.5);
        int[] targets = classes(random, STEPS * BATCH);
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, INPUT);
        FMatrixRMaj dh0 = new FMatrixRMaj(h0.numRows, HIDDEN);
        FMatrixRMaj dc0 = new FMatrixRMaj(h0.numRows, HIDDEN);
        Parameters all = both(layer, head);
        GradientCheck.builder(() -> head.forward(layer.forward(x, BATCH, LENGTHS, h0, c0, null).output(),
                        BATCH, LENGTHS, targets).loss())
                .parameters(all).input("x", x, dx).input("h0", h0, dh0).input("c0", c0, dc0).build()
                .run(() -> {
                    all.zeroGrad();
                    RecurrentLayer.Cache rnn = layer.forward(x, BATCH, LENGTHS, h0, c0, null);
                    PerStepHead.Cache out = head.forward(rnn.output(), BATCH, LENGTHS, targets);
                    head.backward(out);
                    layer.backward(rnn, out.dOutput(), null, null);
                    dx.setTo(rnn.dx());
                    dh0.setTo(rnn.dh0());
                    dc0.setTo(rnn.dc0());
                }).assertPassed();
    }

    @Test
    void perStepMeanSquaredErrorOverAGru() {
        SplittableRandom random = new SplittableRandom(82);
        RecurrentConfig config = RecurrentConfig.of(CellType.GRU, INPUT, HIDDEN);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        PerStepHead head = new PerStepHead(HIDDEN, 2, random.split());
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj targets = uniform(random, STEPS * BATCH, 2, 1.0);
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, INPUT);
        Parameters all = both(layer, head);
        GradientCheck.builder(() -> head.forward(layer.forward(x, BATCH, LENGTHS, null, null, null).output(),
                        BATCH, LENGTHS, targets).loss())
                .parameters(all).input("x", x, dx).build()
                .run(() -> {
                    all.zeroGrad();
                    RecurrentLayer.Cache rnn = layer.forward(x, BATCH, LENGTHS, null, null, null);
                    PerStepHead.Cache out = head.forward(rnn.output(), BATCH, LENGTHS, targets);
                    head.backward(out);
                    layer.backward(rnn, out.dOutput(), null, null);
                    dx.setTo(rnn.dx());
                }).assertPassed();
    }

    @Test
    void perStepLossCountsOnlyRealSteps() {
        SplittableRandom random = new SplittableRandom(83);
        PerStepHead head = new PerStepHead(HIDDEN, CLASSES, random.split());
        FMatrixRMaj output = uniform(random, STEPS * BATCH, HIDDEN, 1.0);
        int[] targets = classes(random, STEPS * BATCH);
        double loss = head.forward(output, BATCH, LENGTHS, targets).loss();

        // the same loss computed on the real rows only
        int real = 4 + 2 + 3;   // Σ LENGTHS
        FMatrixRMaj realOutput = new FMatrixRMaj(real, HIDDEN);
        int[] realTargets = new int[real];
        int k = 0;
        for (int t = 0; t < STEPS; t++) {
            for (int b = 0; b < BATCH; b++) {
                if (t < LENGTHS[b]) {
                    System.arraycopy(output.data, (t * BATCH + b) * HIDDEN, realOutput.data, k * HIDDEN, HIDDEN);
                    realTargets[k++] = targets[t * BATCH + b];
                }
            }
        }
        FMatrixRMaj logits = new FMatrixRMaj(real, CLASSES);
        head.linear().forward(realOutput, logits);
        double expected = new CrossEntropyLoss().forward(logits, realTargets, new FMatrixRMaj(real, CLASSES));
        assertEquals(expected, loss, 1e-6);
        assertEquals(real, head.forward(output, BATCH, LENGTHS, targets).realSteps());
    }

    // ----------------------------------------------------------------------------------------------
    // Many-to-one

    @Test
    void lastStepCrossEntropyOverTwoBidirectionalGruLayers() {
        SplittableRandom random = new SplittableRandom(84);
        RecurrentConfig config = RecurrentConfig.of(CellType.GRU, INPUT, HIDDEN).withNumLayers(2).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        LastStepHead head = new LastStepHead(HIDDEN, true, CLASSES, random.split());
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj h0 = uniform(random, config.stateRows(BATCH), HIDDEN, 0.5);
        int[] targets = classes(random, BATCH);
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, INPUT);
        FMatrixRMaj dh0 = new FMatrixRMaj(h0.numRows, HIDDEN);
        Parameters all = both(layer, head);
        GradientCheck.builder(() -> head.forward(layer.forward(x, BATCH, LENGTHS, h0, null, null).output(),
                        BATCH, LENGTHS, targets).loss())
                .parameters(all).input("x", x, dx).input("h0", h0, dh0).build()
                .run(() -> {
                    all.zeroGrad();
                    RecurrentLayer.Cache rnn = layer.forward(x, BATCH, LENGTHS, h0, null, null);
                    LastStepHead.Cache out = head.forward(rnn.output(), BATCH, LENGTHS, targets);
                    head.backward(out);
                    layer.backward(rnn, out.dOutput(), null, null);
                    dx.setTo(rnn.dx());
                    dh0.setTo(rnn.dh0());
                }).assertPassed();
    }

    @Test
    void lastStepMeanSquaredErrorOverATanhRnn() {
        SplittableRandom random = new SplittableRandom(85);
        RecurrentConfig config = RecurrentConfig.of(CellType.RNN_TANH, INPUT, HIDDEN).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        LastStepHead head = new LastStepHead(HIDDEN, true, 2, random.split());
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj targets = uniform(random, BATCH, 2, 1.0);
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, INPUT);
        Parameters all = both(layer, head);
        GradientCheck.builder(() -> head.forward(layer.forward(x, BATCH, LENGTHS, null, null, null).output(),
                        BATCH, LENGTHS, targets).loss())
                .parameters(all).input("x", x, dx).build()
                .run(() -> {
                    all.zeroGrad();
                    RecurrentLayer.Cache rnn = layer.forward(x, BATCH, LENGTHS, null, null, null);
                    LastStepHead.Cache out = head.forward(rnn.output(), BATCH, LENGTHS, targets);
                    head.backward(out);
                    layer.backward(rnn, out.dOutput(), null, null);
                    dx.setTo(rnn.dx());
                }).assertPassed();
    }

    @Test
    void lastStepSummaryIsTheTopLayersFinalState() {
        SplittableRandom random = new SplittableRandom(86);
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN).withNumLayers(2).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        LastStepHead head = new LastStepHead(HIDDEN, true, CLASSES, random.split());
        RecurrentLayer.Cache rnn = layer.forward(uniform(random, STEPS * BATCH, INPUT, 1.0), BATCH, LENGTHS,
                null, null, null);
        FMatrixRMaj summary = head.forward(rnn.output(), BATCH, LENGTHS, classes(random, BATCH)).summary();
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
    // One-to-many

    @Test
    void conditioningVectorIntoATwoLayerLstmWithPerStepCrossEntropy() {
        SplittableRandom random = new SplittableRandom(87);
        int features = 6;
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, INPUT, HIDDEN).withNumLayers(2);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        InitialStateHead start = new InitialStateHead(features, config, random.split());
        PerStepHead head = new PerStepHead(HIDDEN, CLASSES, random.split());
        FMatrixRMaj condition = uniform(random, BATCH, features, 1.0);
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);   // teacher-forced previous tokens
        int[] targets = classes(random, STEPS * BATCH);
        FMatrixRMaj dCondition = new FMatrixRMaj(BATCH, features);
        Parameters all = new Parameters().addAll("start.", start.parameters())
                .addAll("rnn.", layer.parameters()).addAll("head.", head.parameters());
        assertEquals(java.util.List.of("start.hidden.weight", "start.hidden.bias", "start.cell.weight",
                "start.cell.bias"), all.names().subList(0, 4));
        GradientCheck.builder(() -> {
            InitialStateHead.Cache s = start.forward(condition);
            return head.forward(layer.forward(x, BATCH, LENGTHS, s.h0(), s.c0(), null).output(), BATCH,
                    LENGTHS, targets).loss();
        }).parameters(all).input("condition", condition, dCondition).build().run(() -> {
            all.zeroGrad();
            InitialStateHead.Cache s = start.forward(condition);
            RecurrentLayer.Cache rnn = layer.forward(x, BATCH, LENGTHS, s.h0(), s.c0(), null);
            PerStepHead.Cache out = head.forward(rnn.output(), BATCH, LENGTHS, targets);
            head.backward(out);
            layer.backward(rnn, out.dOutput(), null, null);
            start.backward(s, rnn.dh0(), rnn.dc0());
            dCondition.setTo(s.dCondition());
        }).assertPassed();
    }

    @Test
    void conditioningVectorIntoABidirectionalGruWithMeanSquaredError() {
        SplittableRandom random = new SplittableRandom(88);
        int features = 2;
        RecurrentConfig config = RecurrentConfig.of(CellType.GRU, INPUT, HIDDEN).withBidirectional(true);
        RecurrentLayer layer = new RecurrentLayer(config, RecurrentInit.pytorchDefault(), random.split());
        InitialStateHead start = new InitialStateHead(features, config, random.split());
        PerStepHead head = new PerStepHead(config.outputSize(), 3, random.split());
        FMatrixRMaj condition = uniform(random, BATCH, features, 1.0);
        FMatrixRMaj x = uniform(random, STEPS * BATCH, INPUT, 1.0);
        FMatrixRMaj targets = uniform(random, STEPS * BATCH, 3, 1.0);
        FMatrixRMaj dCondition = new FMatrixRMaj(BATCH, features);
        Parameters all = new Parameters().addAll("start.", start.parameters())
                .addAll("rnn.", layer.parameters()).addAll("head.", head.parameters());
        GradientCheck.builder(() -> {
            InitialStateHead.Cache s = start.forward(condition);
            return head.forward(layer.forward(x, BATCH, null, s.h0(), null, null).output(), BATCH, null,
                    targets).loss();
        }).parameters(all).input("condition", condition, dCondition).build().run(() -> {
            all.zeroGrad();
            InitialStateHead.Cache s = start.forward(condition);
            RecurrentLayer.Cache rnn = layer.forward(x, BATCH, null, s.h0(), null, null);
            PerStepHead.Cache out = head.forward(rnn.output(), BATCH, null, targets);
            head.backward(out);
            layer.backward(rnn, out.dOutput(), null, null);
            start.backward(s, rnn.dh0(), null);
            dCondition.setTo(s.dCondition());
        }).assertPassed();
    }

    @Test
    void headsCheckTheirArguments() {
        SplittableRandom random = new SplittableRandom(89);
        PerStepHead head = new PerStepHead(HIDDEN, CLASSES, random);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> head.forward(new FMatrixRMaj(7, HIDDEN), BATCH, null, new int[7]));
        assertEquals("output must be (T·B, 4) with B = 3 but was (7, 4)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> head.forward(new FMatrixRMaj(6, HIDDEN), BATCH, null, new int[5]));
        PerStepHead.Cache cache = head.forward(new FMatrixRMaj(6, HIDDEN), BATCH, null, new int[6]);
        assertThrows(IllegalStateException.class, cache::dOutput);
        LastStepHead last = new LastStepHead(HIDDEN, false, CLASSES, random);
        assertThrows(IllegalArgumentException.class,
                () -> last.forward(new FMatrixRMaj(6, HIDDEN), BATCH, new int[] {1, 3, 2}, new int[BATCH]));
        InitialStateHead start = new InitialStateHead(2, RecurrentConfig.of(CellType.GRU, 1, HIDDEN), random);
        InitialStateHead.Cache s = start.forward(new FMatrixRMaj(BATCH, 2));
        assertThrows(IllegalArgumentException.class,
                () -> start.backward(s, new FMatrixRMaj(BATCH, HIDDEN), new FMatrixRMaj(BATCH, HIDDEN)));
        assertEquals(null, s.c0());
    }
}
