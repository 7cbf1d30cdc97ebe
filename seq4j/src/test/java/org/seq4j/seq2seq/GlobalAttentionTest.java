package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.nn.Parameter;
import org.seq4j.random.SplitMix64;
import org.seq4j.testing.TestMatrices;

/**
 * {@link GlobalAttention}: gradient checks of both entry points for every score, with padded memories and
 * padded queries; the padding masked exactly; the whole-sequence entry equal to the step entry; the life
 * cycle and the validation.
 */
class GlobalAttentionTest {

    private static final int H = 5;
    private static final int B = 3;
    private static final int S = 4;
    private static final int T = 3;
    private static final int[] SOURCE_LENGTHS = {4, 2, 3};
    private static final int[] QUERY_LENGTHS = {3, 1, 2};

    /** A memory with finite garbage in its padded rows, queries and a fixed upstream gradient. */
    private static final class Setup {
        final GlobalAttention attention;
        final FMatrixRMaj memory;
        final FMatrixRMaj queries;
        final FMatrixRMaj upstream;
        final FMatrixRMaj dMemory;
        final FMatrixRMaj dQueries;
        final GlobalAttention.Memory prepared;
        GlobalAttention.Cache cache;

        Setup(GlobalAttention.Score score, int queryRows, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            attention = new GlobalAttention(score, H, random);
            for (Parameter p : attention.parameters()) {
                p.value().setTo(TestMatrices.uniform(p.value().numRows, p.value().numCols, 0.8, random));
            }
            memory = TestMatrices.uniform(S * B, H, 1.0, random);
            queries = TestMatrices.uniform(queryRows, H, 1.0, random);
            upstream = TestMatrices.uniform(queryRows, H, 1.0, random);
            dMemory = new FMatrixRMaj(S * B, H);
            dQueries = new FMatrixRMaj(queryRows, H);
            prepared = attention.newMemory();
        }

        /** L = Σ h̃ ⊙ G over the whole sequence. */
        double sequenceLoss() {
            attention.prepare(memory, B, SOURCE_LENGTHS, prepared);
            cache = attention.forward(queries, QUERY_LENGTHS, prepared, cache);
            return TestMatrices.dot(cache.attentional(), upstream);
        }

        void sequenceGradients() {
            attention.parameters().zeroGrad();
            dMemory.zero();
            sequenceLoss();
            attention.backward(cache, upstream, dMemory);
            attention.backwardMemory(prepared, dMemory);
            dQueries.setTo(cache.dQuery());
        }

        double stepLoss(int[] rowSentences) {
            attention.prepare(memory, B, SOURCE_LENGTHS, prepared);
            cache = attention.forwardStep(queries, rowSentences, prepared, cache);
            return TestMatrices.dot(cache.attentional(), upstream);
        }

        void stepGradients(int[] rowSentences) {
            attention.parameters().zeroGrad();
            dMemory.zero();
            stepLoss(rowSentences);
            attention.backward(cache, upstream, dMemory);
            attention.backwardMemory(prepared, dMemory);
            dQueries.setTo(cache.dQuery());
        }

        GradientCheck.Builder check(java.util.function.DoubleSupplier loss) {
            return GradientCheck.builder(loss).parameters(attention.parameters())
                    .input("memory", memory, dMemory).input("queries", queries, dQueries);
        }
    }

    @ParameterizedTest
    @EnumSource(GlobalAttention.Score.class)
    void wholeSequencePassesGradientCheck(GlobalAttention.Score score) {
        Setup s = new Setup(score, T * B, 11);
        s.check(s::sequenceLoss).build().run(s::sequenceGradients).assertPassed();
    }

    @ParameterizedTest
    @EnumSource(GlobalAttention.Score.class)
    void oneStepPassesGradientCheckWithRepeatedSentences(GlobalAttention.Score score) {
        int[] rows = {2, 2, 0, 1, 1, 2};   // beams: runs of one sentence, and a sentence again later
        Setup s = new Setup(score, rows.length, 12);
        s.check(() -> s.stepLoss(rows)).build().run(() -> s.stepGradients(rows)).assertPassed();
    }

    @ParameterizedTest
    @EnumSource(GlobalAttention.Score.class)
    void paddingIsMaskedExactly(GlobalAttention.Score score) {
        Setup s = new Setup(score, T * B, 13);
        s.sequenceGradients();
        FMatrixRMaj weights = s.cache.weights().copy();
        FMatrixRMaj attentional = s.cache.attentional().copy();
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                int row = t * B + b;
                double sum = 0;
                for (int j = 0; j < S; j++) {
                    float a = weights.get(row, j);
                    if (t >= QUERY_LENGTHS[b] || j >= SOURCE_LENGTHS[b]) {
                        assertEquals(0f, a, "weight (" + t + ", " + b + ", " + j + ")");
                    } else {
                        assertTrue(a > 0f);
                    }
                    sum += a;
                }
                assertEquals(t < QUERY_LENGTHS[b] ? 1.0 : 0.0, sum, 1e-6);
                if (t >= QUERY_LENGTHS[b]) {
                    for (int e = 0; e < H; e++) {
                        assertEquals(0f, attentional.get(row, e));
                        assertEquals(0f, s.dQueries.get(row, e));
                    }
                }
            }
        }
        // the padded memory rows receive no gradient, and other values there change nothing
        for (int b = 0; b < B; b++) {
            for (int j = SOURCE_LENGTHS[b]; j < S; j++) {
                for (int e = 0; e < H; e++) {
                    assertEquals(0f, s.dMemory.get(j * B + b, e));
                    s.memory.set(j * B + b, e, 1e3f * (e + 1));
                }
            }
        }
        s.sequenceLoss();
        assertArrayEquals(weights.data, s.cache.weights().data);
        assertArrayEquals(attentional.data, s.cache.attentional().data);
    }

    @ParameterizedTest
    @EnumSource(GlobalAttention.Score.class)
    void wholeSequenceEqualsStepByStep(GlobalAttention.Score score) {
        Setup whole = new Setup(score, T * B, 14);
        whole.sequenceGradients();
        FMatrixRMaj dMemoryWhole = whole.dMemory.copy();

        // the same queries, one step at a time, each step's rows attending sentences 0 … B−1
        GlobalAttention attention = whole.attention;
        attention.parameters().zeroGrad();
        GlobalAttention.Memory memory = attention.prepare(whole.memory, B, SOURCE_LENGTHS, null);
        FMatrixRMaj dMemory = new FMatrixRMaj(S * B, H);
        GlobalAttention.Cache[] steps = new GlobalAttention.Cache[T];
        FMatrixRMaj[] queries = new FMatrixRMaj[T];
        for (int t = 0; t < T; t++) {
            queries[t] = new FMatrixRMaj(B, H);
            System.arraycopy(whole.queries.data, t * B * H, queries[t].data, 0, B * H);
            steps[t] = attention.forwardStep(queries[t], null, memory, null);
        }
        for (int t = T - 1; t >= 0; t--) {
            FMatrixRMaj upstream = new FMatrixRMaj(B, H);
            for (int b = 0; b < B; b++) {
                if (t < QUERY_LENGTHS[b]) {   // padded queries give no loss
                    System.arraycopy(whole.upstream.data, (t * B + b) * H, upstream.data, b * H, H);
                }
            }
            attention.backward(steps[t], upstream, dMemory);
        }
        attention.backwardMemory(memory, dMemory);

        whole.sequenceLoss();
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                if (t >= QUERY_LENGTHS[b]) {
                    continue;
                }
                int row = t * B + b;
                for (int j = 0; j < S; j++) {
                    assertEquals(whole.cache.weights().get(row, j), steps[t].weights().get(b, j), "weights");
                }
                for (int e = 0; e < H; e++) {
                    assertEquals(whole.cache.attentional().get(row, e), steps[t].attentional().get(b, e),
                            "attentional");
                    assertEquals(whole.dQueries.get(row, e), steps[t].dQuery().get(b, e), 1e-6, "dQuery");
                }
            }
        }
        for (int i = 0; i < dMemory.getNumElements(); i++) {
            assertEquals(dMemoryWhole.data[i], dMemory.data[i], 1e-5, "dMemory " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(GlobalAttention.Score.class)
    void largeStepsOnTheWorkerTeamEqualEachRowAlone(GlobalAttention.Score score) {
        // a beam-like step: 8 rows per sentence, R·S·H above the threshold of the worker team
        int h = 64;
        int batch = 8;
        int steps = 20;
        int rows = 64;
        SplittableRandom random = new SplittableRandom(41);
        GlobalAttention attention = new GlobalAttention(score, h, new SplitMix64(42));
        FMatrixRMaj memoryRows = new FMatrixRMaj(steps * batch, h);
        FMatrixRMaj queries = new FMatrixRMaj(rows, h);
        for (int i = 0; i < memoryRows.data.length; i++) {
            memoryRows.data[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < queries.data.length; i++) {
            queries.data[i] = (float) random.nextDouble(-1, 1);
        }
        int[] lengths = {20, 3, 17, 1, 20, 9, 12, 5};
        int[] rowSentences = new int[rows];
        for (int r = 0; r < rows; r++) {
            rowSentences[r] = r / 8;
        }
        int threads = org.seq4j.tensor.Kernels.threads();
        try {
            org.seq4j.tensor.Kernels.setThreads(2);
            GlobalAttention.Memory memory = attention.prepare(memoryRows, batch, lengths, null);
            GlobalAttention.Cache together = attention.forwardStep(queries, rowSentences, memory, null);
            org.seq4j.tensor.Kernels.setThreads(1);
            for (int r = 0; r < rows; r++) {
                FMatrixRMaj one = new FMatrixRMaj(1, h);
                System.arraycopy(queries.data, r * h, one.data, 0, h);
                GlobalAttention.Cache alone = attention.forwardStep(one, new int[] {rowSentences[r]}, memory, null);
                for (int e = 0; e < h; e++) {
                    assertEquals(alone.attentional().get(0, e), together.attentional().get(r, e), "row " + r);
                }
                for (int j = 0; j < steps; j++) {
                    assertEquals(alone.weights().get(0, j), together.weights().get(r, j), "row " + r);
                }
            }
        } finally {
            org.seq4j.tensor.Kernels.setThreads(threads);
        }
    }

    @Test
    void rowSentencesIndexTheMemoryWithoutCopies() {
        // rows (2, 0, 2) give the results of sentences 2, 0, 2 alone
        Setup s = new Setup(GlobalAttention.Score.GENERAL, 3, 15);
        int[] rows = {2, 0, 2};
        GlobalAttention.Memory memory = s.attention.prepare(s.memory, B, SOURCE_LENGTHS, null);
        GlobalAttention.Cache together = s.attention.forwardStep(s.queries, rows, memory, null);
        for (int r = 0; r < 3; r++) {
            FMatrixRMaj one = new FMatrixRMaj(1, H);
            System.arraycopy(s.queries.data, r * H, one.data, 0, H);
            GlobalAttention.Cache alone = s.attention.forwardStep(one, new int[] {rows[r]}, memory, null);
            for (int e = 0; e < H; e++) {
                assertEquals(together.attentional().get(r, e), alone.attentional().get(0, e));
            }
            for (int j = 0; j < S; j++) {
                assertEquals(together.weights().get(r, j), alone.weights().get(0, j));
            }
        }
    }

    @Test
    void lifeCycleAndValidation() {
        Setup s = new Setup(GlobalAttention.Score.DOT, T * B, 16);
        GlobalAttention other = new GlobalAttention(GlobalAttention.Score.DOT, H, new SplittableRandom(1));
        GlobalAttention.Memory memory = s.attention.newMemory();
        assertThrows(IllegalStateException.class, () -> s.attention.forward(s.queries, null, memory, null));
        s.attention.prepare(s.memory, B, SOURCE_LENGTHS, memory);
        assertThrows(IllegalArgumentException.class, () -> other.forward(s.queries, null, memory, null));
        GlobalAttention.Cache cache = s.attention.newCache();
        assertThrows(IllegalArgumentException.class, () -> other.backward(cache, s.upstream, s.dMemory));
        assertThrows(IllegalStateException.class, () -> s.attention.backward(cache, s.upstream, s.dMemory));
        assertThrows(IllegalStateException.class, cache::dQuery);
        s.attention.forward(s.queries, QUERY_LENGTHS, memory, cache);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> s.attention.backward(cache, new FMatrixRMaj(2, H), s.dMemory));
        assertEquals("dAttentional must be (9, 5) but was (2, 5)", shape.getMessage());
        s.attention.backward(cache, s.upstream, s.dMemory);
        assertThrows(IllegalStateException.class, () -> s.attention.backward(cache, s.upstream, s.dMemory));
        s.attention.forward(s.queries, QUERY_LENGTHS, memory, cache);
        s.attention.backwardMemory(memory, s.dMemory);
        assertThrows(IllegalStateException.class, () -> s.attention.backward(cache, s.upstream, s.dMemory));
        assertThrows(IllegalStateException.class, () -> s.attention.backwardMemory(memory, s.dMemory));
        assertThrows(IllegalStateException.class, () -> s.attention.forward(s.queries, null, memory, null));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.attention.prepare(s.memory, B, new int[] {4, 0, 3}, null));
        assertEquals("lengths[1] must be in [1, 4] but was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> s.attention.prepare(new FMatrixRMaj(7, H), B, null, null));
        assertEquals("memory must be (S·B, 5) with B = 3 and S ≥ 1 but was (7, 5)", e.getMessage());
        GlobalAttention.Memory fresh = s.attention.prepare(s.memory, B, null, null);
        e = assertThrows(IllegalArgumentException.class,
                () -> s.attention.forwardStep(s.queries, new int[] {0, 1, 3, 0, 0, 0, 0, 0, 0}, fresh, null));
        assertEquals("rowSentences[2] must be in [0, 3) but was 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.attention.forwardStep(s.queries, null, fresh, null));
        assertTrue(e.getMessage().startsWith("queries must be (B, 5) with B = 3"), e.getMessage());
        assertEquals(List.of("w_c.weight"), s.attention.parameters().names());
        assertEquals(List.of("w_a.weight", "v_a.weight", "w_c.weight"),
                new GlobalAttention(GlobalAttention.Score.CONCAT, H, new SplittableRandom(1)).parameters().names());
        Parameter concatWeight = new GlobalAttention(GlobalAttention.Score.CONCAT, H, new SplittableRandom(1))
                .parameters().get("w_a.weight");
        assertArrayEquals(new int[] {H, 2 * H}, concatWeight.shape());
        Parameter generalWeight = new GlobalAttention(GlobalAttention.Score.GENERAL, H, new SplittableRandom(1))
                .parameters().get("w_a.weight");
        assertArrayEquals(new int[] {H, H}, generalWeight.shape());
    }
}
