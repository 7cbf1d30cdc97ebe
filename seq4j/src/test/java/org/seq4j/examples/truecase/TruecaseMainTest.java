package org.seq4j.examples.truecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.examples.Probes.assertSucceeded;
import static org.seq4j.examples.Probes.says;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.examples.Probes;
import org.seq4j.examples.Probes.Result;

/** Runs the truecase example in-process on tiny generated text: its output, determinism and exit codes. */
class TruecaseMainTest {

    private static final String[] NAMES = {"Anne", "Brown", "Paris", "London", "Mr Glass", "Emma"};
    private static final String[] WORDS = {"the", "cat", "saw", "a", "dog", "in", "and", "went", "to", "with"};

    @TempDir
    Path dir;

    /** Sentences of a few lower-case words and a name, starting with a capital and ending with a full stop. */
    private static List<String> sentences(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder line = new StringBuilder();
            int words = 3 + random.nextInt(5);
            int name = random.nextInt(words);
            for (int w = 0; w < words; w++) {
                line.append(w == name ? NAMES[random.nextInt(NAMES.length)] : WORDS[random.nextInt(WORDS.length)])
                        .append(' ');
            }
            line.setCharAt(0, Character.toUpperCase(line.charAt(0)));
            lines.add(line.append(random.nextInt(4) == 0 ? "?" : ".").toString());
        }
        return lines;
    }

    private static final Probes.Main MAIN = TruecaseMain::run;

    private static Result run(String... args) {
        return Probes.run(MAIN, args);
    }

    private String[] tinyRun(String... extra) throws IOException {
        Path train = dir.resolve("train.txt");
        Path test = dir.resolve("test.txt");
        Files.write(train, sentences(160, 1), StandardCharsets.UTF_8);
        Files.write(test, sentences(30, 2), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("--data", train.toString(), "--test", test.toString(),
                "--hidden", "8", "--embedding", "4", "--epochs", "3", "--batch", "8", "--lr", "0.02",
                "--max-length", "30", "--show", "1"));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    @Test
    void trainsEvaluatesAndEndsWithTheSummary() throws IOException {
        Result run = run(tinyRun("--sentence", "Anne went to London ."));
        assertSucceeded(run);
        String[] lines = run.out().strip().split("\n");
        String summary = lines[lines.length - 1];
        Matcher m = Pattern.compile("summary f1=(\\S+) word_accuracy=(\\S+) precision=\\S+ recall=\\S+ "
                + "baseline_f1=(\\S+) baseline_word_accuracy=(\\S+) baseline_precision=\\S+ baseline_recall=\\S+ "
                + "beats_baseline=(true|false) train_sentences=160 test_sentences=30 test_words=\\d+ epochs=3 "
                + "steps=60").matcher(summary);
        assertTrue(m.matches(), summary);
        for (int g = 1; g <= 4; g++) {
            double value = Double.parseDouble(m.group(g));
            assertTrue(value >= 0 && value <= 1, summary);
        }
        // the baseline has seen every word of the generated test text, and capitalises sentence starts
        assertEquals("1.0000", m.group(3), summary);
        assertTrue(run.out().contains("most frequent casing "), run.out());
        assertTrue(run.out().contains("input:     anne went to london ."), run.out());
        assertTrue(run.out().contains("truecased: "), run.out());
    }

    @Test
    void theSameSeedGivesTheSameOutput() throws IOException {
        Result first = run(tinyRun("--seed", "5"));
        Result second = run(tinyRun("--seed", "5"));
        assertSucceeded(first);
        assertEquals(first.out(), second.out());
    }

    @Test
    void withoutTestFileTheLastLinesOfTheDataAreHeldOut() throws IOException {
        Path train = dir.resolve("all.txt");
        Files.write(train, sentences(100, 3), StandardCharsets.UTF_8);
        Result run = run("--data", train.toString(), "--hidden", "4", "--embedding", "2", "--epochs", "1",
                "--show", "0");
        assertSucceeded(run);
        assertTrue(run.out().contains("the last 10 lines of"), run.out());
        assertTrue(run.out().strip().endsWith("epochs=1 steps=2"), run.out());
    }

    @Test
    void aTimeLimitStopsTraining() throws IOException {
        Result run = run(tinyRun("--time-limit", "0.000001"));
        assertSucceeded(run);
        assertTrue(run.out().contains("(stopped by --time-limit)"), run.out());
        assertTrue(run.out().strip().endsWith("epochs=1 steps=1"), run.out());
    }

    @Test
    void helpIsPrinted() {
        Result run = run("--help");
        assertEquals(0, run.status());
        assertTrue(run.out().startsWith("usage: examples/run truecase"), run.out());
    }

    @Test
    void readsGzippedText() throws IOException {
        Path train = dir.resolve("train.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(train))) {
            out.write(String.join("\n", sentences(100, 3)).getBytes(StandardCharsets.UTF_8));
        }
        Result run = run("--data", train.toString(), "--hidden", "4", "--embedding", "2", "--epochs", "1",
                "--show", "0");
        assertSucceeded(run);
        assertTrue(run.out().strip().endsWith("epochs=1 steps=2"), run.out());
    }

    @Test
    void badCommandLinesAndFilesExitWithTwoAndOneLine() throws IOException {
        Path good = dir.resolve("good.txt");
        Files.write(good, sentences(20, 4), StandardCharsets.UTF_8);
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n  \n");
        Path notGzip = dir.resolve("plain.gz");
        Files.writeString(notGzip, "not gzip\n");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        String[][] refused = {
            {"--frobnicate", "1"}, {"--hidden"}, {"--hidden", "ten"}, {"--hidden", "0"}, {"--lr", "-1"},
            {"--lr", "NaN"}, {"--epochs", "2", "--epochs", "3"}, {"--sentence", "  "}, {"--time-limit", "-1"},
        };
        for (String[] args : refused) {
            Probes.assertRefused("truecase", MAIN, dir, 2, says(), args);
        }
        String missing = dir.resolve("missing.txt").toString();
        Probes.assertRefused("truecase", MAIN, dir, 2, says("missing.txt"), "--data", missing);
        Probes.assertRefused("truecase", MAIN, dir, 2, says("--test", "missing.txt"), "--test", missing);
        Probes.assertRefused("truecase", MAIN, dir, 2, says("--test", "missing.txt"), "--data", good.toString(),
                "--test", missing);
        Probes.assertRefused("truecase", MAIN, dir, 2, says("no non-blank line"), "--data", empty.toString());
        Probes.assertRefused("truecase", MAIN, dir, 2, says("gzip"), "--data", notGzip.toString());
        Probes.assertRefused("truecase", MAIN, dir, 2, says("not UTF-8"), "--data", latin1.toString());
        Probes.assertRefused("truecase", MAIN, dir, 2, says("directory"), "--data", dir.toString());
        Path three = dir.resolve("three.txt");
        Files.write(three, sentences(3, 5), StandardCharsets.UTF_8);
        Probes.assertRefused("truecase", MAIN, dir, 2, says("too few lines", "--test"), "--data", three.toString());
    }
}
