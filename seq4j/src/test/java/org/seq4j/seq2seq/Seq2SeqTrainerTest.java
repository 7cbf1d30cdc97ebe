package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.lm.TrainingDivergedException;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.rnn.CellType;
import org.seq4j.tensor.Kernels;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.WordVocabulary;

/**
 * {@link Seq2SeqTrainer} and {@link Seq2SeqCheckpoint}: a model learns a toy translation; resuming from a
 * checkpoint continues bit for bit (at an epoch boundary and within an epoch, with dropout and scheduled
 * sampling); steady-state steps allocate nothing; checkpoints are validated; non-finite values stop training.
 */
class Seq2SeqTrainerTest {

    private static final int WORDS = 6;
    private static final WordVocabulary SOURCE = vocabulary("s");
    private static final WordVocabulary TARGET = vocabulary("t");

    private static WordVocabulary vocabulary(String prefix) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < WORDS; i++) {
            words.add(prefix + i);
        }
        return WordVocabulary.of(words, SpecialToken.PAD, SpecialToken.BOS, SpecialToken.EOS, SpecialToken.UNK);
    }

    /**
     * A toy translation: word w of the source becomes word (w + 1) mod 6 of the target (ids from 4), in
     * order; lengths {@code minLength} to {@code maxLength}.
     */
    private static int[][][] pairs(int count, int minLength, int maxLength, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] sources = new int[count][];
        int[][] targets = new int[count][];
        for (int i = 0; i < count; i++) {
            int length = random.nextInt(minLength, maxLength + 1);
            sources[i] = new int[length];
            targets[i] = new int[length];
            for (int t = 0; t < length; t++) {
                int w = random.nextInt(WORDS);
                sources[i][t] = 4 + w;
                targets[i][t] = 4 + (w + 1) % WORDS;
            }
        }
        return new int[][][] {sources, targets};
    }

    private static Seq2SeqModel model(float dropout, boolean inputFeeding) {
        return new Seq2SeqModel(Seq2SeqConfig.builder(SOURCE.size(), TARGET.size()).cell(CellType.GRU)
                .embeddingSize(12).hiddenSize(24).attention(Seq2SeqConfig.Attention.GENERAL)
                .inputFeeding(inputFeeding).dropout(dropout).build(), 7);
    }

    private static Seq2SeqTrainingConfig.Builder settings() {
        return Seq2SeqTrainingConfig.builder().batchSize(16).learningRate(1e-2).clipNorm(1.0).seed(3)
                .bucketBatches(4).logEvery(1000);
    }

    @Test
    void learnsAToyTranslation() {
        int[][][] data = pairs(320, 1, 5, 1);
        Seq2SeqTrainer trainer = Seq2SeqTrainer.create(model(0f, false), SOURCE, TARGET, data[0], data[1],
                settings().epochs(30).build());
        List<Integer> seen = new ArrayList<>();
        List<Seq2SeqTrainer.EpochSummary> summaries = trainer.train((t, s) -> seen.add(s.epoch()));
        assertEquals(30, seen.size());
        assertEquals(30, seen.get(29));
        assertTrue(trainer.finished());
        long tokens = 0;
        for (int[] y : data[1]) {
            tokens += y.length + 1;
        }
        assertEquals(tokens, summaries.get(0).targetTokens());
        double first = summaries.get(0).trainLoss();
        double last = summaries.get(29).trainLoss();
        assertTrue(first > 1.5 && last < 0.1, "loss from " + first + " to " + last);
        assertTrue(summaries.get(29).tokensPerSecond() > 0);

        // greedy decoding of held-out pairs
        int[][][] test = pairs(40, 2, 5, 2);
        int exact = 0;
        List<int[]> greedy = greedy(trainer.model(), List.of(test[0]), 8);
        for (int i = 0; i < 40; i++) {
            exact += java.util.Arrays.equals(greedy.get(i), test[1][i]) ? 1 : 0;
        }
        assertTrue(exact >= 32, exact + " of 40 test pairs translated exactly");
        assertThrows(IllegalStateException.class, trainer::step);
    }

    /** Greedy decoding through {@link StepDecoder}: the argmax until {@code <eos>} or maxLength tokens. */
    static List<int[]> greedy(StepDecoder model, List<int[]> sources, int maxLength) {
        StepDecoder.State state = model.start(sources);
        int rows = sources.size();
        int[] previous = new int[rows];
        java.util.Arrays.fill(previous, model.bosIndex());
        List<List<Integer>> out = new ArrayList<>();
        boolean[] done = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            out.add(new ArrayList<>());
        }
        FMatrixRMaj logProbabilities = new FMatrixRMaj(1, 1);
        for (int t = 0; t < maxLength; t++) {
            model.step(state, previous, logProbabilities);
            for (int r = 0; r < rows; r++) {
                int best = 0;
                for (int v = 1; v < logProbabilities.numCols; v++) {
                    if (logProbabilities.get(r, v) > logProbabilities.get(r, best)) {
                        best = v;
                    }
                }
                previous[r] = best;
                if (best == model.eosIndex()) {
                    done[r] = true;
                } else if (!done[r]) {
                    out.get(r).add(best);
                }
            }
        }
        List<int[]> result = new ArrayList<>();
        for (List<Integer> tokens : out) {
            result.add(tokens.stream().mapToInt(Integer::intValue).toArray());
        }
        return result;
    }

    @Test
    void resumingContinuesBitForBit(@TempDir Path dir) throws IOException {
        int[][][] data = pairs(100, 1, 6, 4);
        Seq2SeqTrainingConfig settings = settings().epochs(2).teacherForcing(0.7).build();
        Seq2SeqTrainer straight = Seq2SeqTrainer.create(model(0.2f, true), SOURCE, TARGET, data[0], data[1],
                settings);
        straight.train(null);

        // one epoch, save, resume, the second epoch
        Seq2SeqTrainer first = Seq2SeqTrainer.create(model(0.2f, true), SOURCE, TARGET, data[0], data[1], settings);
        Seq2SeqTrainer.EpochSummary one = first.trainEpoch();
        Path file = dir.resolve("epoch1.safetensors");
        first.save(file);
        Seq2SeqTrainer resumed = Seq2SeqTrainer.resume(file, data[0], data[1]);
        assertEquals(1, resumed.epoch());
        assertEquals(first.stepCount(), resumed.stepCount());
        resumed.train(null);
        assertBitIdentical(straight.model().parameters(), resumed.model().parameters());
        assertEquals(straight.lastEpoch().trainLoss(), resumed.lastEpoch().trainLoss());
        assertNotEquals(one.trainLoss(), resumed.lastEpoch().trainLoss());

        // within an epoch: 3 batches, save, resume, the rest
        Seq2SeqTrainer partial = Seq2SeqTrainer.create(model(0.2f, true), SOURCE, TARGET, data[0], data[1],
                settings);
        for (int i = 0; i < 3; i++) {
            partial.step();
        }
        partial.save(file);
        Seq2SeqTrainer rest = Seq2SeqTrainer.resume(file, data[0], data[1]);
        assertEquals(3, rest.batchInEpoch());
        rest.train(null);
        assertBitIdentical(straight.model().parameters(), rest.model().parameters());
        assertEquals(straight.lastEpoch().trainLoss(), rest.lastEpoch().trainLoss());

        // more epochs than the saved run's
        Seq2SeqTrainer longer = Seq2SeqTrainer.resume(file, data[0], data[1], 3);
        assertEquals(3, longer.config().epochs());
        assertThrows(IllegalArgumentException.class, () -> Seq2SeqTrainer.resume(dirFile(dir, straight), data[0],
                data[1], 1));
    }

    private static Path dirFile(Path dir, Seq2SeqTrainer trainer) throws IOException {
        Path file = dir.resolve("done.safetensors");
        trainer.save(file);
        return file;
    }

    static void assertBitIdentical(Parameters expected, Parameters actual) {
        assertEquals(expected.names(), actual.names());
        for (Parameter p : expected) {
            float[] a = p.value().data;
            float[] b = actual.get(p.name()).value().data;
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    assertArrayEquals(a, b, p.name() + " differs first at index " + i);
                }
            }
        }
    }

    @Test
    void aSteadyStateStepAllocatesNothing() throws InterruptedException {
        // the kernels that the rest of a run uses: warmed up now, not switched to during the measurement
        Kernels.awaitVectorKernels();
        // every pair of one shape: every batch has the same (S, T, N)
        int[][][] data = pairs(96, 5, 5, 5);
        for (int[] y : data[1]) {
            assertEquals(5, y.length);
        }
        for (boolean stepByStep : new boolean[] {false, true}) {
            Seq2SeqTrainer trainer = Seq2SeqTrainer.create(model(0.1f, stepByStep), SOURCE, TARGET, data[0],
                    data[1], settings().epochs(1000).teacherForcing(stepByStep ? 0.5 : 1.0).build());
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int s = 0; s < 30; s++) {   // the first steps create the optimizer state and the caches
                trainer.step();
            }
            // reading the counter allocates until HotSpot has compiled its path: measure until a window of
            // steps within one epoch (6 batches) reads 0; a step that allocated would make every window non-zero
            long thread = Thread.currentThread().getId();
            long allocated = -1;
            for (int window = 0; window < 20 && allocated != 0; window++) {
                while (trainer.batchInEpoch() != 1) {
                    trainer.step();
                }
                long before = threads.getThreadAllocatedBytes(thread);
                for (int s = 0; s < 4; s++) {
                    trainer.step();
                }
                allocated = threads.getThreadAllocatedBytes(thread) - before;
            }
            assertEquals(0, allocated, "bytes allocated by 4 steady-state steps, step by step: " + stepByStep);
        }
    }

    @Test
    void checkpointsHoldModelAndVocabularies(@TempDir Path dir) throws IOException {
        int[][][] data = pairs(40, 1, 4, 6);
        Seq2SeqTrainer trainer = Seq2SeqTrainer.create(model(0f, false), SOURCE, TARGET, data[0], data[1],
                settings().epochs(1).build());
        trainer.train(null);
        Path file = dir.resolve("trained.safetensors");
        trainer.save(file);
        Seq2SeqCheckpoint loaded = Seq2SeqCheckpoint.load(file);
        assertTrue(loaded.hasTrainingState());
        assertEquals(1, loaded.epochs());
        assertEquals(SOURCE, loaded.sourceVocabulary());
        assertEquals(TARGET, loaded.targetVocabulary());
        assertEquals(trainer.model().config(), loaded.model().config());
        assertBitIdentical(trainer.model().parameters(), loaded.model().parameters());

        Path weights = dir.resolve("weights.safetensors");
        Seq2SeqCheckpoint.save(weights, loaded.model(), SOURCE, TARGET);
        Seq2SeqCheckpoint again = Seq2SeqCheckpoint.load(weights);
        assertFalse(again.hasTrainingState());
        assertBitIdentical(trainer.model().parameters(), again.model().parameters());
        CheckpointFormatException noState = assertThrows(CheckpointFormatException.class,
                () -> Seq2SeqTrainer.resume(weights, data[0], data[1]));
        assertTrue(noState.getMessage().contains("without training state"), noState.getMessage());

        // damaged files and files of another kind
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5] ^= 0x10;
        Path damaged = dir.resolve("damaged.safetensors");
        Files.write(damaged, bytes);
        assertThrows(CheckpointFormatException.class, () -> Seq2SeqCheckpoint.load(damaged));
        Path text = dir.resolve("text.safetensors");
        Files.writeString(text, "not a checkpoint");
        assertThrows(CheckpointFormatException.class, () -> Seq2SeqCheckpoint.load(text));

        // other data, other vocabularies
        int[][][] other = pairs(40, 1, 4, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqTrainer.resume(file, other[0], other[1]));
        assertTrue(e.getMessage().contains("not those the checkpoint was trained on"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqCheckpoint.save(weights, loaded.model(), SOURCE, WordVocabulary.of(
                        List.of("a", "b", "c", "d", "e", "f", "g"), SpecialToken.PAD, SpecialToken.EOS,
                        SpecialToken.UNK)));
        assertTrue(e.getMessage().contains("must hold <bos> at index 1"), e.getMessage());
    }

    @Test
    void badPairsAndNonFiniteValuesAreRefused(@TempDir Path dir) {
        int[][][] data = pairs(40, 1, 4, 8);
        Seq2SeqTrainingConfig settings = settings().epochs(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqTrainer.create(model(0f, false), SOURCE, TARGET, data[0],
                        java.util.Arrays.copyOf(data[1], 39), settings));
        assertTrue(e.getMessage().contains("40 sources and 39 targets"), e.getMessage());
        int[][] badTargets = data[1].clone();
        badTargets[3] = new int[] {4, 10};
        e = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqTrainer.create(model(0f, false), SOURCE, TARGET, data[0], badTargets, settings));
        assertEquals("pair 3: target token 1 must be in [0, 10) but was 10", e.getMessage());

        Seq2SeqTrainer trainer = Seq2SeqTrainer.create(model(0f, false), SOURCE, TARGET, data[0], data[1],
                settings);
        trainer.model().parameters().get("out.bias").value().data[5] = Float.NaN;
        assertThrows(TrainingDivergedException.class, trainer::step);
        assertThrows(IllegalStateException.class, trainer::step);
        assertThrows(IllegalStateException.class, () -> trainer.save(dir.resolve("never.safetensors")));
        assertFalse(Files.exists(dir.resolve("never.safetensors")));
    }
}
