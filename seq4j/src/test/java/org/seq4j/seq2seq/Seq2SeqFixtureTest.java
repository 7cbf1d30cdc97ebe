package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.seq4j.data.TokenBatch;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.StateDict;
import org.seq4j.nn.StateDictMismatchException;
import org.seq4j.nn.StateDictReport;
import org.seq4j.tensor.Tensors;
import org.seq4j.testing.Fixtures;

/**
 * {@link Seq2SeqModel} against the reference architecture in PyTorch ({@code make_seq2seq_fixtures.py}): the
 * parameters load by their PyTorch names, the logits, the loss and every parameter gradient match, through
 * the whole-sequence and the step-by-step paths, and teacher-forced decoding through {@link StepDecoder}
 * gives the log-softmax of the same logits.
 */
class Seq2SeqFixtureTest {

    /**
     * Gradients chain a few hundred float32 operations (two recurrences, the attention, a softmax over the
     * vocabulary) whose roundings reach 1e-6 on entries of order 1; as {@code ApiFixtures}, 1e-5 absolute
     * and relative still fails any missing term.
     */
    private static final double TOLERANCE = 1e-5;

    /** A fixture's model with the fixture's weights, and its batch. */
    record Loaded(TensorFile fixture, Seq2SeqModel model, TokenBatch sources, TokenBatch targets,
                  List<int[]> sourceList, int[][] targetSentences) {

        static Loaded of(String name) {
            TensorFile fixture = Fixtures.load("/fixtures/seq2seq/" + name + ".safetensors");
            Map<String, String> m = fixture.metadata();
            Seq2SeqConfig config = Seq2SeqConfig.builder(Integer.parseInt(m.get("source_vocabulary")),
                            Integer.parseInt(m.get("target_vocabulary")))
                    .cell(Seq2SeqConfig.parseCell(m.get("cell")))
                    .attention(Seq2SeqConfig.Attention.parse(m.get("score")))
                    .numLayers(Integer.parseInt(m.get("layers")))
                    .embeddingSize(Integer.parseInt(m.get("embedding")))
                    .hiddenSize(Integer.parseInt(m.get("hidden")))
                    .dropout(0f).build();
            Seq2SeqModel model = new Seq2SeqModel(config, 99);
            StateDictReport report;
            try {
                report = StateDict.load(model.parameters(), fixture, false);
            } catch (StateDictMismatchException e) {
                throw new AssertionError("a non-strict load does not throw", e);
            }
            assertTrue(report.missing().isEmpty() && report.mismatched().isEmpty(), report.toString());
            int[][] sources = sentences(fixture, "source", "source_lengths");
            int[][] targets = sentences(fixture, "target", "target_lengths");
            return new Loaded(fixture, model, TokenBatch.of(sources, 0), TokenBatch.of(targets, 0),
                    List.of(sources), targets);
        }

        /** Sentences from a time-major [T, B] tensor and their lengths. */
        private static int[][] sentences(TensorFile fixture, String tokens, String lengths) {
            int[] padded = Fixtures.ints(fixture, tokens);
            int[] length = Fixtures.ints(fixture, lengths);
            int batch = length.length;
            int[][] out = new int[batch][];
            for (int b = 0; b < batch; b++) {
                out[b] = new int[length[b]];
                for (int t = 0; t < length[b]; t++) {
                    out[b][t] = padded[t * batch + b];
                }
            }
            return out;
        }

        void assertMatchesLossAndGradients(Seq2SeqModel.TrainingCache cache, String path) {
            assertClose(path + " loss", Fixtures.scalar(fixture, "loss"), cache.loss());
            model.backward(cache);
            for (Parameter p : model.parameters()) {
                assertClose(path + " grad." + p.name(), fixture.get("grad." + p.name()).toMatrix(), p.grad());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru_general", "lstm_dot", "lstm_concat", "gru_concat_l2", "lstm_general_l2"})
    void wholeSequencesMatchPyTorch(String name) {
        Loaded l = Loaded.of(name);
        l.model.parameters().zeroGrad();
        Seq2SeqModel.TrainingCache cache = l.model.forward(l.sources, l.targets, 1.0, null, null);
        FMatrixRMaj expected = l.fixture.get("logits").toMatrix();
        FMatrixRMaj logits = cache.logits();
        assertEquals(expected.numRows, cache.targetTokens());
        FMatrixRMaj actual = new FMatrixRMaj(expected.numRows, expected.numCols);
        System.arraycopy(logits.data, 0, actual.data, 0, actual.getNumElements());
        assertClose(name + " logits", expected, actual);
        l.assertMatchesLossAndGradients(cache, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru_general", "lstm_concat", "lstm_general_l2"})
    void stepByStepMatchesPyTorch(String name) {
        Loaded l = Loaded.of(name);
        l.model.parameters().zeroGrad();
        l.assertMatchesLossAndGradients(l.model.forwardStepByStep(l.sources, l.targets, null, null),
                name + " step by step");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru_general", "lstm_dot", "gru_concat_l2"})
    void teacherForcedDecodingGivesTheLogSoftmaxOfTheLogits(String name) {
        Loaded l = Loaded.of(name);
        FMatrixRMaj expected = l.fixture.get("logits").toMatrix();
        Tensors.logSoftmaxRows(expected, expected);
        int batch = l.sourceList.size();
        StepDecoder.State state = l.model.start(l.sourceList);
        FMatrixRMaj logProbabilities = new FMatrixRMaj(1, 1);
        int n = 0;
        int steps = l.targets.maxLength() + 1;
        for (int t = 0; t < steps; t++) {
            int[] previous = new int[batch];
            for (int b = 0; b < batch; b++) {
                int[] y = l.targetSentences[b];
                previous[b] = t == 0 ? Seq2SeqModel.BOS_INDEX : t <= y.length ? y[t - 1] : Seq2SeqModel.EOS_INDEX;
            }
            l.model.step(state, previous, logProbabilities);
            FMatrixRMaj weights = l.model.lastAttention(state).orElseThrow();
            for (int b = 0; b < batch; b++) {
                if (t > l.targetSentences[b].length) {
                    continue;
                }
                for (int v = 0; v < expected.numCols; v++) {
                    assertClose(name + " log p(t=" + t + ", b=" + b + ")", expected.get(n, v),
                            logProbabilities.get(b, v));
                }
                double sum = 0;
                for (int s = 0; s < weights.numCols; s++) {
                    sum += weights.get(b, s);
                    if (s >= l.sourceList.get(b).length) {
                        assertEquals(0f, weights.get(b, s));
                    }
                }
                assertEquals(1.0, sum, 1e-6);
                n++;
            }
        }
        assertEquals(expected.numRows, n);
    }

    @Test
    void aPyTorchStateDictLoadsStrictlyAndRoundTrips(@TempDir Path dir) throws IOException {
        Loaded l = Loaded.of("gru_general");
        TensorFile stateDict = Fixtures.load("/fixtures/seq2seq/gru_general_state_dict.safetensors");
        assertEquals(new ArrayList<>(stateDict.names()), l.model.parameters().stateDictNames());
        Seq2SeqModel fresh = new Seq2SeqModel(l.model.config(), 5);
        StateDict.load(fresh.parameters(), stateDict, true);
        Path saved = dir.resolve("model.safetensors");
        StateDict.save(fresh.parameters(), saved);
        Seq2SeqModel again = new Seq2SeqModel(l.model.config(), 6);
        StateDict.load(again.parameters(), saved);
        for (Parameter p : l.model.parameters()) {
            assertArrayEquals(p.value().data, again.parameters().get(p.name()).value().data, p.name());
        }
    }

    private static void assertClose(String name, double expected, double actual) {
        if (!(Math.abs(actual - expected) <= TOLERANCE + TOLERANCE * Math.abs(expected))) {
            throw new AssertionError(String.format(Locale.ROOT, "%s: expected %.9g, actual %.9g", name, expected,
                    actual));
        }
    }

    private static void assertClose(String name, FMatrixRMaj expected, FMatrixRMaj actual) {
        assertEquals(expected.getNumElements(), actual.getNumElements(), name + ": elements");
        for (int i = 0; i < expected.getNumElements(); i++) {
            assertClose(name + " at (" + i / expected.numCols + ", " + i % expected.numCols + ")", expected.data[i],
                    actual.data[i]);
        }
    }
}
