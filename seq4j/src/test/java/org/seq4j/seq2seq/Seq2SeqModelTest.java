package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.seq4j.check.GradientCheck;
import org.seq4j.data.TokenBatch;
import org.seq4j.nn.Parameter;
import org.seq4j.random.SplitMix64;
import org.seq4j.rnn.CellType;
import org.seq4j.seq2seq.Seq2SeqConfig.Attention;

/**
 * {@link Seq2SeqModel}: gradient checks of the whole model for every option (cells, attention scores and
 * none, input feeding, a bidirectional encoder, two layers, dropout with fixed masks, scheduled sampling);
 * the step-by-step training path equal to the whole-sequence one; teacher-forced decoding through
 * {@link StepDecoder} equal to the training forward; row selection for beam search; validation.
 */
class Seq2SeqModelTest {

    static final int VS = 7;
    static final int VT = 8;
    static final int[][] SOURCES = {{3, 5, 6, 4}, {4, 4}, {6, 3, 5}};
    static final int[][] TARGETS = {{4, 7, 3}, {5}, {6, 3, 7, 5}};

    static Seq2SeqConfig.Builder small() {
        return Seq2SeqConfig.builder(VS, VT).embeddingSize(3).hiddenSize(4).dropout(0f);
    }

    static Stream<Arguments> options() {
        return Stream.of(
                Arguments.of("GRU, no attention", small().attention(Attention.NONE).build(), 1.0),
                Arguments.of("GRU, dot", small().attention(Attention.DOT).build(), 1.0),
                Arguments.of("LSTM, general", small().cell(CellType.LSTM).attention(Attention.GENERAL).build(), 1.0),
                Arguments.of("RNN, concat", small().cell(CellType.RNN_TANH).attention(Attention.CONCAT).build(), 1.0),
                Arguments.of("GRU, general, input feeding", small().inputFeeding(true).build(), 1.0),
                Arguments.of("LSTM, concat, input feeding, bidirectional", small().cell(CellType.LSTM)
                        .attention(Attention.CONCAT).inputFeeding(true).bidirectional(true).build(), 1.0),
                Arguments.of("GRU, dot, bidirectional", small().attention(Attention.DOT).bidirectional(true).build(),
                        1.0),
                Arguments.of("LSTM, no attention, bidirectional, 2 layers", small().cell(CellType.LSTM)
                        .attention(Attention.NONE).bidirectional(true).numLayers(2).build(), 1.0),
                Arguments.of("GRU, general, 2 layers, dropout", small().numLayers(2).dropout(0.3f).build(), 1.0),
                Arguments.of("LSTM, dot, 2 layers, input feeding, dropout", small().cell(CellType.LSTM)
                        .attention(Attention.DOT).numLayers(2).inputFeeding(true).dropout(0.25f).build(), 1.0),
                Arguments.of("GRU, general, scheduled sampling", small().build(), 0.5));
    }

    /** Weights U(−0.9, 0.9): gradients large enough for a finite difference to see a missing term. */
    static Seq2SeqModel model(Seq2SeqConfig config, long seed) {
        Seq2SeqModel model = new Seq2SeqModel(config, seed);
        SplittableRandom random = new SplittableRandom(seed + 1);
        for (Parameter p : model.parameters()) {
            for (int i = 0; i < p.numElements(); i++) {
                p.value().data[i] = (float) random.nextDouble(-0.9, 0.9);
            }
        }
        return model;
    }

    static TokenBatch sources() {
        return TokenBatch.of(SOURCES, 0);
    }

    static TokenBatch targets() {
        return TokenBatch.of(TARGETS, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void passesGradientCheck(String name, Seq2SeqConfig config, double teacherForcing) {
        Seq2SeqModel model = model(config, 21);
        TokenBatch sources = sources();
        TokenBatch targets = targets();
        Seq2SeqModel.TrainingCache cache = model.newTrainingCache();
        // the same seed every time: the same dropout masks and sampling draws, a deterministic loss
        java.util.function.DoubleSupplier loss = () ->
                model.forward(sources, targets, teacherForcing, new SplitMix64(5), cache).loss();
        GradientCheck.builder(loss).parameters(model.parameters()).build().run(() -> {
            model.parameters().zeroGrad();
            model.forward(sources, targets, teacherForcing, new SplitMix64(5), cache);
            model.backward(cache);
        }).assertPassed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void teacherForcedDecodingEqualsTheTrainingForward(String name, Seq2SeqConfig config, double ignored) {
        Seq2SeqModel model = model(config, 22);
        Seq2SeqModel.TrainingCache cache = model.forward(sources(), targets(), 1.0, null, null);
        FMatrixRMaj expected = new FMatrixRMaj(cache.targetTokens(), VT);
        System.arraycopy(cache.logits().data, 0, expected.data, 0, expected.getNumElements());
        org.seq4j.tensor.Tensors.logSoftmaxRows(expected, expected);

        StepDecoder.State state = model.start(List.of(SOURCES));
        assertTrue(model.lastAttention(state).isEmpty());
        FMatrixRMaj logProbabilities = new FMatrixRMaj(1, 1);
        int n = 0;
        for (int t = 0; t <= 4; t++) {
            int[] previous = new int[SOURCES.length];
            for (int b = 0; b < previous.length; b++) {
                int[] y = TARGETS[b];
                previous[b] = t == 0 ? model.bosIndex() : t <= y.length ? y[t - 1] : model.eosIndex();
            }
            model.step(state, previous, logProbabilities);
            assertEquals(config.attention() != Attention.NONE, model.lastAttention(state).isPresent());
            for (int b = 0; b < previous.length; b++) {
                if (t <= TARGETS[b].length) {
                    for (int v = 0; v < VT; v++) {
                        assertEquals(expected.get(n, v), logProbabilities.get(b, v), 2e-6, name + " t=" + t);
                    }
                    n++;
                }
            }
        }
        assertEquals(cache.targetTokens(), n);
    }

    @Test
    void aNewStartReadsTheOutputWeightAsItIsNow() {
        Seq2SeqModel model = model(small().build(), 23);
        FMatrixRMaj before = new FMatrixRMaj(1, 1);
        model.step(model.start(List.of(SOURCES)), new int[] {1, 1, 1}, before);
        // a training step would change the weights between two decodes
        float[] w = model.parameters().get("out.weight").value().data;
        for (int i = 0; i < w.length; i++) {
            w[i] = -2f * w[i] + 0.01f * (i % 7);
        }
        Seq2SeqModel.TrainingCache cache = model.forward(sources(), targets(), 1.0, null, null);
        FMatrixRMaj expected = new FMatrixRMaj(cache.targetTokens(), VT);
        System.arraycopy(cache.logits().data, 0, expected.data, 0, expected.getNumElements());
        org.seq4j.tensor.Tensors.logSoftmaxRows(expected, expected);
        FMatrixRMaj after = new FMatrixRMaj(1, 1);
        model.step(model.start(List.of(SOURCES)), new int[] {1, 1, 1}, after);
        for (int b = 0; b < SOURCES.length; b++) {
            for (int v = 0; v < VT; v++) {
                // the first step's row of sentence b is row b of the time-major logits
                assertEquals(expected.get(b, v), after.get(b, v), 2e-6, "b=" + b + " v=" + v);
            }
        }
        assertNotEquals(before.get(0, 0), after.get(0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("options")
    void stepByStepTrainingEqualsWholeSequences(String name, Seq2SeqConfig config, double ignored) {
        Seq2SeqModel model = model(config.inputFeeding() || config.dropout() > 0 ? small().build() : config, 23);
        model.parameters().zeroGrad();
        Seq2SeqModel.TrainingCache whole = model.forward(sources(), targets(), 1.0, null, null);
        model.backward(whole);
        float[][] wholeGradients = model.parameters().list().stream().map(p -> p.grad().data.clone())
                .toArray(float[][]::new);
        model.parameters().zeroGrad();
        Seq2SeqModel.TrainingCache steps = model.forwardStepByStep(sources(), targets(), null, null);
        assertEquals(whole.loss(), steps.loss(), 1e-6);
        model.backward(steps);
        List<Parameter> list = model.parameters().list();
        for (int i = 0; i < list.size(); i++) {
            float[] g = list.get(i).grad().data;
            for (int j = 0; j < g.length; j++) {
                assertEquals(wholeGradients[i][j], g[j], 1e-5, list.get(i).name() + "[" + j + "]");
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Attention.class, names = {"GENERAL", "CONCAT"})
    void resultsDoNotDependOnTheThreadCount(Attention attention) {
        // large enough for the attention blocks and the loss rows to run on the worker team
        SplittableRandom random = new SplittableRandom(28);
        int pairs = 32;
        int[][] sources = new int[pairs][];
        int[][] targets = new int[pairs][];
        for (int i = 0; i < pairs; i++) {
            sources[i] = random.ints(random.nextInt(4, 10), 3, 200).toArray();
            targets[i] = random.ints(random.nextInt(4, 10), 3, 300).toArray();
        }
        Seq2SeqModel model = new Seq2SeqModel(Seq2SeqConfig.builder(200, 300).embeddingSize(16).hiddenSize(64)
                .attention(attention).dropout(0.1f).build(), 29);
        int threads = org.seq4j.tensor.Kernels.threads();
        float[][][] gradients = new float[2][][];
        double[] losses = new double[2];
        try {
            for (int run = 0; run < 2; run++) {
                org.seq4j.tensor.Kernels.setThreads(run + 1);
                model.parameters().zeroGrad();
                Seq2SeqModel.TrainingCache cache = model.forward(TokenBatch.of(sources, 0), TokenBatch.of(targets, 0),
                        1.0, new SplitMix64(30), null);
                losses[run] = cache.loss();
                model.backward(cache);
                gradients[run] = model.parameters().list().stream().map(p -> p.grad().data.clone())
                        .toArray(float[][]::new);
            }
        } finally {
            org.seq4j.tensor.Kernels.setThreads(threads);
        }
        assertEquals(losses[0], losses[1]);
        for (int i = 0; i < gradients[0].length; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(gradients[0][i], gradients[1][i],
                    model.parameters().get(i).name());
        }
    }

    @Test
    void pairsOfADataSetGiveTheLossOfTheirTokenBatches() {
        Seq2SeqModel model = model(small().inputFeeding(true).dropout(0.2f).build(), 27);
        int[] examples = {2, 0, 1};
        int[][] sources = {SOURCES[2], SOURCES[0], SOURCES[1]};
        int[][] targets = {TARGETS[2], TARGETS[0], TARGETS[1]};
        double expected = model.forward(TokenBatch.of(sources, 0), TokenBatch.of(targets, 0), 0.5,
                new SplitMix64(9), null).loss();
        assertEquals(expected, model.forward(SOURCES, TARGETS, examples, 0.5, new SplitMix64(9), null).loss());
    }

    @Test
    void scheduledSamplingFeedsTheModelsOwnPredictions() {
        Seq2SeqModel model = model(small().build(), 24);
        double teacher = model.forward(sources(), targets(), 1.0, new SplitMix64(3), null).loss();
        double sampled = model.forward(sources(), targets(), 0.0, new SplitMix64(3), null).loss();
        assertNotEquals(teacher, sampled);
        assertEquals(sampled, model.forward(sources(), targets(), 0.0, new SplitMix64(3), null).loss());
        // ratio 0 feeds the argmax of every previous step: greedy decoding's inputs
        StepDecoder.State state = model.start(List.of(SOURCES));
        FMatrixRMaj logProbabilities = new FMatrixRMaj(1, 1);
        int[] previous = {1, 1, 1};
        double expected = 0;
        int tokens = 0;
        for (int t = 0; t <= 4; t++) {
            model.step(state, previous, logProbabilities);
            int[] next = new int[3];
            for (int b = 0; b < 3; b++) {
                int best = 0;
                for (int v = 1; v < VT; v++) {
                    if (logProbabilities.get(b, v) > logProbabilities.get(b, best)) {
                        best = v;
                    }
                }
                next[b] = best;
                if (t <= TARGETS[b].length) {
                    int target = t < TARGETS[b].length ? TARGETS[b][t] : model.eosIndex();
                    expected -= logProbabilities.get(b, target);
                    tokens++;
                }
            }
            previous = next;
        }
        assertEquals(expected / tokens, model.forward(sources(), targets(), 0.0, new SplitMix64(3), null).loss(),
                1e-5);
    }

    @Test
    void selectGathersRowsAndTheirSentences() {
        Seq2SeqModel model = model(small().inputFeeding(true).build(), 25);
        List<int[]> sources = List.of(SOURCES[0], SOURCES[1]);
        StepDecoder.State state = model.start(sources);
        FMatrixRMaj logProbabilities = new FMatrixRMaj(1, 1);
        model.step(state, new int[] {1, 1}, logProbabilities);
        model.select(state, new int[] {1, 1, 0});
        assertEquals(3, state.rows());
        assertEquals(1, state.sourceIndex(0));
        assertEquals(0, state.sourceIndex(2));
        assertEquals(3, model.lastAttention(state).orElseThrow().numRows);
        model.step(state, new int[] {4, 5, 6}, logProbabilities);
        FMatrixRMaj together = logProbabilities.copy();
        int[][] alone = {{1, 4}, {1, 5}, {0, 6}};
        for (int r = 0; r < 3; r++) {
            StepDecoder.State one = model.start(List.of(sources.get(alone[r][0])));
            model.step(one, new int[] {1}, logProbabilities);
            model.step(one, new int[] {alone[r][1]}, logProbabilities);
            for (int v = 0; v < VT; v++) {
                assertEquals(logProbabilities.get(0, v), together.get(r, v), 1e-6, "row " + r);
            }
        }
        model.select(state, new int[] {2, 0, 1});   // same R: in place
        assertEquals(0, state.sourceIndex(0));
        model.select(state, new int[0]);
        assertEquals(0, state.rows());
        model.step(state, new int[0], logProbabilities);
        assertEquals(0, logProbabilities.numRows);
        assertEquals(VT, logProbabilities.numCols);
    }

    @Test
    void validation() {
        Seq2SeqModel model = model(small().build(), 26);
        Seq2SeqModel other = model(small().build(), 26);
        StepDecoder.State state = model.start(List.of(SOURCES));
        FMatrixRMaj out = new FMatrixRMaj(1, 1);
        assertThrows(IllegalArgumentException.class, () -> other.step(state, new int[] {1, 1, 1}, out));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.step(state, new int[] {1, 1}, out));
        assertEquals("previous must hold R = 3 tokens but held 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.step(state, new int[] {1, 8, 1}, out));
        assertEquals("previous[1] must be in [0, 8) but was 8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.select(state, new int[] {0, 3}));
        assertEquals("rows[1] must be in [0, 3) but was 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.start(List.of(new int[] {1, 7})));
        assertEquals("source sentence 0 token 1 must be in [0, 7) but was 7", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.start(List.of(new int[0])));
        e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(sources(), targets(), 0.5, null, null));
        assertTrue(e.getMessage().contains("random is null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(sources(), TokenBatch.of(new int[][] {{8}, {3}, {4}}, 0), 1.0, null, null));
        assertEquals("a target token must be in [0, 8) but was 8", e.getMessage());
        Seq2SeqModel.TrainingCache cache = model.newTrainingCache();
        assertThrows(IllegalStateException.class, () -> model.backward(cache));
        assertThrows(IllegalStateException.class, cache::loss);
        model.forward(sources(), targets(), 1.0, null, cache);
        assertThrows(IllegalArgumentException.class, () -> other.backward(cache));
        model.backward(cache);
        assertThrows(IllegalStateException.class, () -> model.backward(cache));
        assertEquals(11, cache.targetTokens());   // Σ (n + 1) = (3 + 1) + (1 + 1) + (4 + 1)
        assertEquals(9, cache.sourceTokens());
    }

    @Test
    void parameterNamesAreTheReferences() {
        assertEquals(List.of("src_emb.weight", "tgt_emb.weight", "encoder.weight_ih_l0", "encoder.weight_hh_l0",
                        "encoder.bias_ih_l0", "encoder.bias_hh_l0", "decoder.weight_ih_l0", "decoder.weight_hh_l0",
                        "decoder.bias_ih_l0", "decoder.bias_hh_l0", "w_a.weight", "v_a.weight", "w_c.weight",
                        "out.weight", "out.bias"),
                new Seq2SeqModel(small().attention(Attention.CONCAT).build(), 1).parameters().names());
        Seq2SeqModel bidirectional = new Seq2SeqModel(small().bidirectional(true).inputFeeding(true).build(), 1);
        assertEquals(List.of(6, 3), List.of(bidirectional.parameters().get("encoder.weight_ih_l0_reverse")
                .value().numRows, bidirectional.parameters().get("encoder.weight_ih_l0_reverse").value().numCols));
        assertEquals(7, bidirectional.parameters().get("decoder.weight_ih_l0").value().numCols);   // E + H
    }
}
