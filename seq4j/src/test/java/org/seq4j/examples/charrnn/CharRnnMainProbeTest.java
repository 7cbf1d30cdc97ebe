package org.seq4j.examples.charrnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.seq4j.examples.Probes.assertOneLine;
import static org.seq4j.examples.Probes.assertRefused;
import static org.seq4j.examples.Probes.assertSucceeded;
import static org.seq4j.examples.Probes.says;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.seq4j.examples.Probes;
import org.seq4j.examples.Probes.Result;
import org.seq4j.lm.CharLanguageModel;
import org.seq4j.lm.CharLmTrainer;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.Optimizer;
import org.seq4j.random.SplitMix64;

/**
 * Probes of {@code examples/run charrnn}: each drives {@link CharRnnMain#run} with a command line a careless
 * or hostile user could type, on files made here, and checks the exit status, the one-line message and
 * that no file changed. Models are tiny (H = 8, one layer, B = 2, T = 8, a few steps).
 */
class CharRnnMainProbeTest {

    private static final Probes.Main MAIN = CharRnnMain::run;

    @TempDir
    Path dir;
    Path data;
    String text;

    /** A tiny model trained for a few steps on {@link #data}. */
    static final List<String> TINY = List.of("--hidden", "8", "--layers", "1", "--batch", "2", "--seq", "8",
            "--steps", "3", "--eval-every", "0", "--log-every", "1");

    @BeforeEach
    void writeData() throws IOException {
        String[] words = {"to ", "be ", "or ", "not ", "that ", "is ", "the ", "question.\n"};
        SplitMix64 rng = new SplitMix64(5);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 2000) {
            sb.append(words[rng.nextInt(words.length)]);
        }
        text = sb.toString();
        data = dir.resolve("x.txt");
        Files.writeString(data, text);
    }

    /** {@code train} of a tiny model on {@link #data}; options in {@code extra} replace the tiny run's. */
    private String[] train(String... extra) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--data", data.toString());
        for (int i = 0; i < TINY.size(); i += 2) {
            options.put(TINY.get(i), TINY.get(i + 1));
        }
        List<String> switches = new ArrayList<>();
        for (int i = 0; i < extra.length; i++) {
            if (extra[i].equals("--overwrite")) {
                switches.add(extra[i]);
            } else {
                options.put(extra[i], extra[++i]);
            }
        }
        List<String> args = new ArrayList<>(List.of("train"));
        options.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        args.addAll(switches);
        return args.toArray(new String[0]);
    }

    private Result refused(int status, String[] fragments, String... args) {
        return assertRefused("charrnn", MAIN, dir, status, fragments, args);
    }

    /** Trains a tiny run with a checkpoint; returns the checkpoint. */
    private Path trainedCheckpoint(String name) {
        Path checkpoint = dir.resolve(name);
        assertSucceeded(Probes.run(MAIN, train("--checkpoint", checkpoint.toString())));
        assertTrue(Files.exists(checkpoint));
        return checkpoint;
    }

    // ------------------------------------------------------------------ usage

    @Test
    void helpIsAnsweredEverywhere() {
        for (String[] args : new String[][] {{"--help"}, {"-h"}, {"train", "--help"}, {"sample", "--help"},
                {"sample", "--checkpoint", "x", "--help"}, {"train", "--hidden", "8", "-help"}}) {
            Result r = Probes.run(MAIN, args);
            assertSucceeded(r);
            assertTrue(r.out().startsWith("usage: examples/run charrnn"), r::toString);
            assertTrue(r.out().contains("sample options:") && r.out().contains("--overwrite"), r::toString);
        }
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of("trian"), "unknown command 'trian'"),
                Arguments.of(List.of("train", "--hiden", "8"), "unknown option '--hiden'; did you mean --hidden?"),
                Arguments.of(List.of("--hiden", "8"), "unknown option '--hiden'"),    // the demo's options
                Arguments.of(List.of("train", "-hidden", "8"), "did you mean --hidden?"),
                Arguments.of(List.of("train", "--hidden", "8", "--hidden", "16"), "--hidden is given twice ('8' and '16')"),
                Arguments.of(List.of("train", "--overwrite", "--overwrite"), "--overwrite is given twice"),
                Arguments.of(List.of("train", "--hidden", "1e10"), "--hidden must be a whole number"),
                Arguments.of(List.of("train", "--hidden", "2.5"), "'2.5'"),
                Arguments.of(List.of("train", "--hidden", "0"), "--hidden must be from 1"),
                Arguments.of(List.of("train", "--hidden", "99999999999999999999"), "whole number"),
                Arguments.of(List.of("train", "--layers", "-1"), "--layers must be from 1"),
                Arguments.of(List.of("train", "--steps", "1e3"), "--steps must be a whole number"),
                Arguments.of(List.of("train", "--lr", "NaN"), "--lr must be a finite number"),
                Arguments.of(List.of("train", "--lr", "Infinity"), "--lr must be a finite number"),
                Arguments.of(List.of("train", "--lr", "0"), "--lr must be greater than 0"),
                Arguments.of(List.of("train", "--lr", "1e400"), "--lr must be greater than 0"),
                Arguments.of(List.of("train", "--lr", "0x10"), "--lr must be a finite number"),
                Arguments.of(List.of("train", "--dropout", "1"), "--dropout must be from 0 to 0.99"),
                Arguments.of(List.of("train", "--clip", "-1"), "--clip must be greater than 0"),
                Arguments.of(List.of("train", "--clip", "5", "--clip-norm", "1"), "give --clip or --clip-norm"),
                Arguments.of(List.of("train", "--time-limit", "1e10"), "--time-limit must be from 0 to"),
                Arguments.of(List.of("train", "--time-limit", "NaN"), "--time-limit must be a finite number"),
                Arguments.of(List.of("train", "--time-limit", "-5"), "--time-limit must be from 0"),
                Arguments.of(List.of("train", "--cell", "lstn"), "--cell must be lstm, gru or rnn but was 'lstn'"),
                Arguments.of(List.of("train", "--seed", "abc"), "--seed must be a whole number"),
                Arguments.of(List.of("train", "--eval-every", "-1"), "--eval-every must be from 0"),
                Arguments.of(List.of("train", "--log-every", "0"), "--log-every must be from 1"),
                Arguments.of(List.of("train", "--data"), "--data needs a value"),
                Arguments.of(List.of("train", "--data", "--hidden", "8"), "--data needs a value"),
                Arguments.of(List.of("train", "--data", ""), "--data needs a file name"),
                Arguments.of(List.of("train", "extra"), "unexpected argument 'extra'"),
                Arguments.of(List.of("sample"), "sample needs --checkpoint FILE"),
                Arguments.of(List.of("sample", "--checkpoint", "c", "--temperature", "NaN"), "--temperature"),
                Arguments.of(List.of("sample", "--checkpoint", "c", "--length", "-1"), "--length must be from 0"),
                Arguments.of(List.of("sample", "--checkpoint", "c", "--top-k", "1.5"), "--top-k must be a whole"),
                Arguments.of(List.of("sample", "--checkpoint", "c", "--hidden", "8"), "unknown option '--hidden'"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void aBadCommandLineIsOneLineWithStatus2AndTouchesNothing(List<String> args, String expected) {
        Result r = refused(2, says(expected, "--help"), args.toArray(new String[0]));
        assertEquals("", r.out());
    }

    @Test
    void verboseAddsTheStackTraceAndOnlyThen() {
        Result quiet = Probes.run(MAIN, "train", "--data", dir.resolve("missing.txt").toString());
        assertOneLine("charrnn", quiet);
        Result verbose = Probes.run(MAIN, "train", "--verbose", "--data", dir.resolve("missing.txt").toString());
        assertEquals(2, verbose.status());
        assertEquals(quiet.err().lines().findFirst(), verbose.err().lines().findFirst());
        assertTrue(verbose.err().contains("\tat ") && verbose.err().contains("org.seq4j.examples.cli"),
                verbose::toString);
    }

    // ------------------------------------------------------------------ input files

    @Test
    void inputsThatAreNotTextFilesAreRefusedBeforeAnyWork() throws IOException {
        Files.createDirectory(dir.resolve("folder"));
        refused(2, says("--data", "no such file"), "train", "--data", dir.resolve("missing.txt").toString());
        refused(2, says("is a directory"), "train", "--data", dir.resolve("folder").toString());
        if (Files.exists(Path.of("/dev/zero"))) {
            refused(2, says("--data /dev/zero is not a regular file"), "train", "--data", "/dev/zero");
        }
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        refused(2, says("is empty"), train("--data", empty.toString()));
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, ("to be " + text + "caf\u00e9 au lait").getBytes(StandardCharsets.ISO_8859_1));
        refused(2, says("is not UTF-8 text", "offset " + (6 + text.length() + 3), "0xE9", "iconv"),
                train("--data", latin1.toString()));
        Path binary = dir.resolve("binary.bin");
        byte[] bytes = (text + "x").getBytes(StandardCharsets.UTF_8);
        bytes[100] = 0;
        Files.write(binary, bytes);
        refused(2, says("looks like a binary file", "byte 100", "0x00"), train("--data", binary.toString()));
        Path ls = Path.of("/bin/ls");
        if (Files.isRegularFile(ls)) {
            refused(2, says("--data /bin/ls"), train("--data", ls.toString()));
        }
    }

    @Test
    void aDataFileTooLargeForTheHeapOrAStringIsRefusedWithoutReadingIt() throws IOException {
        Path sparse = dir.resolve("huge.txt");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(3L << 30);           // a hole: no disk space used, nothing read
        }
        refused(2, says("huge.txt is 3.0 GB; at most"), train("--data", sparse.toString()));
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        refused(2, says("reading --data", "needs about", "-Xmx"), train("--data", sparse.toString()));
    }

    // ------------------------------------------------------------------ output files

    @Test
    void anOutputIsNeverAnInput() throws IOException {
        refused(2, says("--checkpoint", "is the same file as --data", "choose another file"),
                train("--checkpoint", data.toString()));
        Path spelledOtherwise = dir.resolve("sub").resolve("..").resolve("x.txt");
        Files.createDirectory(dir.resolve("sub"));
        refused(2, says("is the same file as --data"), train("--checkpoint", spelledOtherwise.toString()));
        Path link = dir.resolve("link.safetensors");
        Files.createSymbolicLink(link, data);
        refused(2, says("is the same file as --data"), train("--checkpoint", link.toString()));
        refused(2, says("--plot", "is the same file as --data"), train("--plot", data.toString()));
        Path checkpoint = dir.resolve("run.safetensors");
        refused(2, says("--plot and --checkpoint are the same file"),
                train("--checkpoint", checkpoint.toString(), "--plot", checkpoint.toString()));
    }

    @Test
    void outputsAreCheckedBeforeTraining() throws IOException {
        Files.createDirectory(dir.resolve("folder"));
        refused(2, says("--checkpoint", "is a directory", "give a file name"),
                train("--checkpoint", dir.resolve("folder").toString()));
        refused(2, says("the directory of --checkpoint", "does not exist"),
                train("--checkpoint", dir.resolve("no/such/dir/run.safetensors").toString()));
        refused(2, says("the directory of --plot", "does not exist"),
                train("--plot", dir.resolve("missing/loss.png").toString()));
        if (Files.exists(Path.of("/dev/null"))) {
            refused(2, says("--checkpoint /dev/null is not a regular file"), train("--checkpoint", "/dev/null"));
        }
        Path notAPlot = Files.writeString(dir.resolve("notes.txt"), "my notes");
        refused(2, says("--plot", "is not a PNG image", "--overwrite"), train("--plot", notAPlot.toString()));
    }

    @Test
    void anUnwritableDirectoryIsRefusedBeforeTraining() throws IOException {
        assumeTrue(Probes.permissionsEnforced(dir), "this user can write anywhere (root)");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        assertTrue(locked.toFile().setWritable(false, false));
        try {
            refused(2, says("cannot write --checkpoint", "permission denied"),
                    train("--checkpoint", locked.resolve("run.safetensors").toString()));
        } finally {
            locked.toFile().setWritable(true, false);
        }
    }

    @Test
    void anotherRunsCheckpointIsReplacedOnlyWithOverwrite() throws IOException {
        Path checkpoint = trainedCheckpoint("run.safetensors");
        refused(2, says("--checkpoint " + checkpoint + " already exists", "--overwrite", "--resume"),
                train("--checkpoint", checkpoint.toString(), "--seed", "2"));
        byte[] before = Files.readAllBytes(checkpoint);
        Result r = Probes.run(MAIN, train("--checkpoint", checkpoint.toString(), "--seed", "2", "--overwrite"));
        assertSucceeded(r);
        assertFalse(Arrays.equals(before, Files.readAllBytes(checkpoint)), "replaced by the new run");
        assertEquals(text, Files.readString(data));
        // continuing into another existing file is refused too
        Path other = trainedCheckpoint("other.safetensors");
        refused(2, says("--checkpoint " + other + " already exists"),
                train("--resume", checkpoint.toString(), "--checkpoint", other.toString(), "--steps", "6"));
    }

    // ------------------------------------------------------------------ memory

    @Test
    void aModelTooLargeForTheHeapIsRefusedWithTheMemoryItNeeds() {
        refused(2, says("--hidden 8000", "needs about", "GB of memory", "-Xmx", "SEQ4J_JAVA_OPTS"),
                "train", "--data", data.toString(), "--hidden", "8000");
        refused(2, says("more than a Java array holds", "--batch"),
                "train", "--data", data.toString(), "--hidden", "8", "--batch", "1000000", "--seq", "1000000");
    }

    // ------------------------------------------------------------------ training and resuming

    @Test
    void aTinyRunTrainsSavesPlotsAndSamples() throws IOException {
        Path checkpoint = dir.resolve("run.safetensors");
        Path plot = dir.resolve("loss.png");
        Result r = Probes.run(MAIN, train("--checkpoint", checkpoint.toString(), "--plot", plot.toString()));
        assertSucceeded(r);
        assertTrue(r.out().contains("summary steps=3 "), r::toString);
        assertTrue(Files.size(checkpoint) > 0 && Files.size(plot) > 0);
        assertEquals(text, Files.readString(data), "the data is untouched");
        Result sample = Probes.run(MAIN, "sample", "--checkpoint", checkpoint.toString(), "--length", "50",
                "--prime", "to be");
        assertSucceeded(sample);
        assertTrue(sample.out().startsWith("to be"), sample::toString);
    }

    @Test
    void aDivergingRunStopsWithStatus1AndKeepsTheLastGoodCheckpoint() throws IOException {
        Path checkpoint = dir.resolve("run.safetensors");
        Result r = Probes.run(MAIN, "train", "--data", data.toString(), "--hidden", "32", "--layers", "1",
                "--batch", "2", "--seq", "8", "--steps", "200", "--lr", "10", "--eval-every", "5",
                "--checkpoint", checkpoint.toString());
        assertEquals(1, r.status(), r::toString);
        assertOneLine("charrnn", r);
        assertTrue(r.err().contains("diverged at step") && r.err().contains("keeps step")
                && r.err().contains("lower --lr"), r::toString);
        long kept = Long.parseLong(r.err().replaceAll("(?s).*keeps step (\\d+).*", "$1"));
        Function<Parameters, Optimizer> adam = p -> new Adam(p, AdamConfig.adam().learningRate(10).build());
        CharLmTrainer saved = CharLmTrainer.resume(checkpoint, text, adam);
        assertEquals(kept, saved.stepCount());
        for (Parameter p : saved.model().parameters()) {
            for (int i = 0; i < p.numElements(); i++) {
                assertTrue(Float.isFinite(p.value().data[i]), p.name());
            }
        }
    }

    @Test
    void resumingAcceptsEqualModelFlagsAndRefusesConflictingOnes() throws IOException {
        Path checkpoint = trainedCheckpoint("run.safetensors");
        Result same = Probes.run(MAIN, "train", "--resume", checkpoint.toString(), "--data", data.toString(),
                "--hidden", "8", "--layers", "1", "--batch", "2", "--seq", "8", "--lr", "0.002", "--clip", "5",
                "--cell", "lstm", "--seed", "1", "--steps", "5", "--eval-every", "0");
        assertSucceeded(same);
        assertTrue(same.out().contains("summary steps=5 "), same::toString);
        refused(2, says("--hidden 16 conflicts with the run in", "--hidden 8", "leave --hidden out"),
                "train", "--resume", checkpoint.toString(), "--data", data.toString(), "--hidden", "16",
                "--steps", "9");
        refused(2, says("--clip-norm 1 conflicts", "--clip 5.0"),
                "train", "--resume", checkpoint.toString(), "--data", data.toString(), "--clip-norm", "1",
                "--steps", "9");
        refused(2, says("--cell gru conflicts"),
                "train", "--resume", checkpoint.toString(), "--data", data.toString(), "--cell", "gru",
                "--steps", "9");
        refused(2, says("--steps 5 is not beyond the checkpoint's step 5"),
                "train", "--resume", checkpoint.toString(), "--data", data.toString(), "--steps", "5");
    }

    @Test
    void resumingOnAnotherTextSaysSoInTheUsersTerms() throws IOException {
        Path checkpoint = trainedCheckpoint("run.safetensors");
        Path other = Files.writeString(dir.resolve("other.txt"), text.replace('q', 'k'));
        refused(2, says("--resume " + checkpoint + " does not fit --data " + other, "give the text the run"),
                "train", "--resume", checkpoint.toString(), "--data", other.toString(), "--steps", "9");
        Path defaultData = Path.of(System.getProperty("seq4j.home", "."), "examples", "data", "tinyshakespeare",
                "input.txt");
        assumeTrue(Files.isRegularFile(defaultData), "the bundled tiny-shakespeare is not here");
        Result r = refused(2, says("does not fit the default --data", "tiny-shakespeare", "--data FILE"),
                "train", "--resume", checkpoint.toString(), "--steps", "9");
        assertFalse(r.err().contains("code point"), r::toString);
    }

    @Test
    void aCheckpointWithNonFiniteWeightsIsRefusedForSamplingAndResuming() throws IOException {
        Path checkpoint = trainedCheckpoint("run.safetensors");
        CharLanguageModel model = CharLanguageModel.load(checkpoint);
        model.parameters().get("decoder.bias").value().data[0] = Float.NaN;
        Path broken = dir.resolve("nan.safetensors");
        model.save(broken);
        Result sample = refused(2, says(), "sample", "--checkpoint", broken.toString());
        assertTrue(sample.err().contains("nan.safetensors"), sample::toString);

        Function<Parameters, Optimizer> adam = p -> new Adam(p, AdamConfig.adam().learningRate(2e-3).build());
        CharLmTrainer trainer = CharLmTrainer.resume(checkpoint, text, adam);
        trainer.model().parameters().get("rnn.weight_hh_l0").value().data[1] = Float.POSITIVE_INFINITY;
        Path brokenRun = dir.resolve("nan-run.safetensors");
        trainer.save(brokenRun);
        Result resume = refused(2, says(), "train", "--resume", brokenRun.toString(), "--data", data.toString(),
                "--steps", "9");
        assertTrue(resume.err().contains("nan-run.safetensors"), resume::toString);
    }

    @Test
    void samplingRefusesFilesThatAreNotCheckpointsAndUnknownPrimeCharacters() throws IOException {
        refused(2, says("no such file"), "sample", "--checkpoint", dir.resolve("missing").toString());
        refused(2, says("x.txt"), "sample", "--checkpoint", data.toString());
        Path checkpoint = trainedCheckpoint("run.safetensors");
        refused(2, says("--prime", "U+00A7"), "sample", "--checkpoint", checkpoint.toString(), "--prime", "§");
        Map<String, String> before = Probes.snapshot(dir);
        Result r = Probes.run(MAIN, "sample", "--checkpoint", checkpoint.toString(), "--length", "0");
        assertSucceeded(r);
        assertEquals(before, Probes.snapshot(dir));
        assertNotEquals(0, Files.size(checkpoint));
    }
}
