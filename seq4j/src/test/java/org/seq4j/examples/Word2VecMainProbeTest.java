package org.seq4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.examples.Probes.assertOneLine;
import static org.seq4j.examples.Probes.assertRefused;
import static org.seq4j.examples.Probes.assertSucceeded;
import static org.seq4j.examples.Probes.says;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.seq4j.embed.WordVectors;
import org.seq4j.examples.Probes.Result;
import org.seq4j.random.SplitMix64;

/**
 * Probes of {@code examples/run word2vec}: each drives {@link Word2VecMain#run} with a command line a careless
 * or hostile user could type, on files made here, and checks the exit status, the one-line message and
 * that no file changed. Corpora are a few kilobytes, vectors 8 wide, one thread.
 */
class Word2VecMainProbeTest {

    private static final Probes.Main MAIN = Word2VecMain::run;

    @TempDir
    Path dir;
    Path corpus;

    @BeforeEach
    void writeCorpus() throws IOException {
        String[] words = {"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "ice-cream", "is", "cold"};
        SplitMix64 rng = new SplitMix64(3);
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < 200; line++) {
            for (int i = 0; i < 10; i++) {
                text.append(words[rng.nextInt(words.length)]).append(i < 9 ? ' ' : '\n');
            }
        }
        corpus = dir.resolve("c.txt");
        Files.writeString(corpus, text);
    }

    /** A small run on {@link #corpus}: flags in {@code extra} replace the defaults here. */
    private String[] small(String... extra) {
        Map<String, String> flags = new java.util.LinkedHashMap<>();
        flags.put("-train", corpus.toString());
        flags.put("-output", dir.resolve("v.txt").toString());
        flags.put("-size", "8");
        flags.put("-min-count", "1");
        flags.put("-iter", "1");
        flags.put("-threads", "1");
        for (int i = 0; i < extra.length; i += 2) {
            flags.put(extra[i], extra[i + 1]);
        }
        List<String> args = new ArrayList<>();
        flags.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return args.toArray(new String[0]);
    }

    private Result refused(int status, String[] fragments, String... args) {
        return assertRefused("word2vec", MAIN, dir, status, fragments, args);
    }

    @Test
    void helpIsAnswered() {
        for (String help : new String[] {"--help", "-help", "-h"}) {
            Result r = Probes.run(MAIN, "-size", "8", help);
            assertSucceeded(r);
            assertTrue(r.out().startsWith("usage: word2vec"), r::toString);
        }
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of("-sise", "10"), "unknown option -sise"),
                Arguments.of(List.of("-size", "10", "-size", "20"), "-size is given twice"),
                Arguments.of(List.of("-train", "a", "-train", "b"), "-train is given twice"),
                Arguments.of(List.of("-alpha", "NaN"), "-alpha must be a finite number greater than 0"),
                Arguments.of(List.of("-alpha", "0"), "-alpha must be greater than 0 but was 0"),
                Arguments.of(List.of("-alpha", "-1"), "-alpha must be"),
                Arguments.of(List.of("-alpha", "1e400"), "-alpha must be"),
                Arguments.of(List.of("-size", "1e10"), "-size must be a whole number"),
                Arguments.of(List.of("-size", "0"), "-size must be from 1"),
                Arguments.of(List.of("-threads", "0"), "-threads must be from 1 to 1024"),
                Arguments.of(List.of("-threads", "100000"), "-threads must be from 1 to 1024"),
                Arguments.of(List.of("-window", "2.5"), "-window must be a whole number"),
                Arguments.of(List.of("-sample", "NaN"), "-sample must be a finite number"),
                Arguments.of(List.of("-sample", "2"), "-sample must be from 0 to 1"),
                Arguments.of(List.of("-negative", "-1"), "-negative must be from 0"),
                Arguments.of(List.of("-iter", "1e3"), "-iter must be a whole number"),
                Arguments.of(List.of("-min-count", "0"), "-min-count must be from 1"),
                Arguments.of(List.of("-hs", "2"), "-hs must be 0 or 1"),
                Arguments.of(List.of("-hs", "0", "-negative", "0"), "at least one output layer"),
                Arguments.of(List.of("-train"), "-train needs a value"),
                Arguments.of(List.of("-train", "-output", "x"), "-train needs a value"),
                Arguments.of(List.of("-train", "c.txt"), "-train needs -output"),
                Arguments.of(List.of("-trainer", "fast"), "-trainer must be exact or batched but was 'fast'"),
                Arguments.of(List.of("-trainer", "batched", "-batch", "0"), "-batch must be from 1"),
                Arguments.of(List.of("-trainer", "batched", "-hs", "1"), "negative sampling only"),
                Arguments.of(List.of("stray"), "unexpected argument 'stray'"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void aBadCommandLineIsOneLineWithStatus2AndTouchesNothing(List<String> args, String expected) {
        Result r = refused(2, says(expected, "--help"), args.toArray(new String[0]));
        assertEquals("", r.out());
    }

    @Test
    void theOutputIsNeverTheCorpus() throws IOException {
        refused(2, says("-output " + corpus + " is the same file as -train " + corpus), small("-output", corpus.toString()));
        Path link = dir.resolve("link.txt");
        Files.createSymbolicLink(link, corpus);
        refused(2, says("is the same file as -train"), small("-output", link.toString()));
    }

    @Test
    void theOutputIsCheckedBeforeTraining() throws IOException {
        refused(2, says("the directory of -output", "does not exist"),
                small("-output", dir.resolve("missing/v.txt").toString()));
        Files.createDirectory(dir.resolve("folder"));
        refused(2, says("-output", "is a directory"), small("-output", dir.resolve("folder").toString()));
        if (Files.exists(Path.of("/dev/null"))) {
            refused(2, says("-output /dev/null is not a regular file"), small("-output", "/dev/null"));
        }
    }

    @Test
    void theCorpusMustBeATextFile() throws IOException {
        Files.createDirectory(dir.resolve("folder"));
        refused(2, says("-train", "is a directory"), small("-train", dir.resolve("folder").toString()));
        refused(2, says("no such file"), small("-train", dir.resolve("missing.txt").toString()));
        if (Files.exists(Path.of("/dev/zero"))) {
            refused(2, says("-train /dev/zero is not a regular file"), small("-train", "/dev/zero"));
        }
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "the cat\nun caf\u00e9 noir\n".getBytes(StandardCharsets.ISO_8859_1));
        refused(2, says("offset 14", "not valid UTF-8", "iconv"), small("-train", latin1.toString()));
        Path binary = dir.resolve("binary.bin");
        Files.write(binary, new byte[] {'o', 'k', ' ', 'x', 0, 1, 2, '\n'});
        refused(2, says("byte 4 is the control character 0x00", "binary"), small("-train", binary.toString()));
        if (Files.isRegularFile(Path.of("/bin/ls"))) {
            refused(2, says("/bin/ls", "byte"), small("-train", "/bin/ls"));
        }
    }

    @Test
    void aCorpusWithNothingToTrainOnIsOneClearLine() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        refused(2, says("holds no words"), small("-train", empty.toString()));
        Path blank = Files.writeString(dir.resolve("blank.txt"), " \n\t\n\n");
        refused(2, says("holds no words"), small("-train", blank.toString()));
        refused(2, says("no word of -train", "-min-count 100000", "2,000 words", "lower -min-count"),
                small("-min-count", "100000"));
        Path one = Files.writeString(dir.resolve("one.txt"), "same same same\n");
        refused(2, says("-hs 1 needs at least 2 distinct words"), small("-train", one.toString(), "-hs", "1"));
    }

    @Test
    void vectorsTooLargeForTheHeapAreRefusedWithTheMemoryTheyNeed() throws IOException {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            words.append('w').append(i).append(i % 20 == 19 ? '\n' : ' ');
        }
        Path many = Files.writeString(dir.resolve("many.txt"), words);
        refused(2, says("-size 100000 with 2,000 words needs about", "-Xmx", "SEQ4J_JAVA_OPTS"),
                small("-train", many.toString(), "-size", "100000"));
        refused(2, says("more than a Java array holds"), small("-train", many.toString(), "-size", "2000000"));
    }

    @Test
    void aLearningRateThatOverflowsStopsTrainingAndWritesNothing() {
        Path output = dir.resolve("v.txt");
        for (String trainer : new String[] {"exact", "batched"}) {
            Result r = refused(1, says("training diverged", "NaN", "nothing was written to " + output, "-alpha"),
                    small("-alpha", "1e30", "-trainer", trainer));
            assertFalse(Files.exists(output));
            assertTrue(r.out().isEmpty(), r::toString);
        }
    }

    @Test
    void aSmallRunWritesFiniteVectorsInBothFormatsAndLeavesTheCorpus() throws IOException {
        String before = Files.readString(corpus);
        Result text = Probes.run(MAIN, small());
        assertSucceeded(text);
        assertTrue(text.out().contains("summary words=2000 vocab=12 "), text::toString);
        WordVectors v = WordVectors.read(dir.resolve("v.txt"));
        assertEquals(12, v.size());
        assertTrue(v.contains("ice-cream"));
        for (String w : v.words()) {
            for (float x : v.vector(w)) {
                assertTrue(Float.isFinite(x), w);
            }
        }
        Result binary = Probes.run(MAIN, small("-output", dir.resolve("v.bin").toString(), "-binary", "1"));
        assertSucceeded(binary);
        assertEquals(v.words(), WordVectors.read(dir.resolve("v.bin")).words());
        assertEquals(before, Files.readString(corpus));
        // an existing vectors file is replaced, as by word2vec.c
        assertSucceeded(Probes.run(MAIN, small("-seed", "2")));
        assertOneLine("word2vec", Probes.run(MAIN, small("-seed", "x")));
    }
}
