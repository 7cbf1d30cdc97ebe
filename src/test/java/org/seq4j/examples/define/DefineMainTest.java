package org.seq4j.examples.define;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.eval.Bleu;

/**
 * The define example end to end on tiny data (a few seconds): the summary line, determinism (a second
 * run reads the cached vectors and prints the same), the files for bleu.py, and the exit status of bad
 * input.
 */
class DefineMainTest {

    private static final String[] WORDS = {"apple", "banana", "cherry", "grape", "lemon", "melon", "peach",
        "plum", "horse", "sheep", "goat", "camel", "tiger", "eagle", "heron", "trout", "salmon", "spoon",
        "knife", "plate", "table", "chair", "couch", "shelf", "river", "ocean", "valley", "forest", "desert",
        "island"};
    private static final String[] KINDS = {"fruit", "animal", "object", "place"};

    @TempDir
    Path dir;

    /** A WordNet-like file: each word one or two synsets; and a corpus in which each word is frequent. */
    private void writeData() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("pos\tlemmas\tdefinition");
        for (int i = 0; i < WORDS.length; i++) {
            String kind = KINDS[i * KINDS.length / WORDS.length];
            lines.add("n\t" + WORDS[i] + "\ta common " + kind + " that people know well");
            if (i % 3 == 0) {
                lines.add("n\t" + WORDS[i] + " multi_word\tthe name of a small " + kind + " (in stories)");
            }
        }
        Files.write(dir.resolve("definitions.tsv"), lines, StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(4);
        List<String> corpus = new ArrayList<>();
        for (int n = 0; n < 400; n++) {
            int group = random.nextInt(KINDS.length);
            StringBuilder sb = new StringBuilder("the");
            for (int k = 0; k < 5; k++) {
                int w = group * WORDS.length / KINDS.length + random.nextInt(WORDS.length / KINDS.length);
                sb.append(k == 2 ? " and a " : " ").append(WORDS[w]);
            }
            corpus.add(sb.toString());
        }
        Files.write(dir.resolve("corpus.txt"), corpus, StandardCharsets.UTF_8);
    }

    private String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("--data", dir.resolve("definitions.tsv").toString(),
                "--corpus", dir.resolve("corpus.txt").toString(), "--out", dir.resolve("out").toString(),
                "--words", "20", "--heldout", "0.25", "--epochs", "2", "--embedding", "8", "--hidden", "16",
                "--vocab", "40", "--batch", "4", "--w2v-dim", "8", "--w2v-epochs", "1", "--show", "2"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DefineMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runsEndToEndDeterministicallyAndWritesFilesForBleuPy() throws IOException {
        writeData();
        Outcome first = run(args());
        assertEquals(0, first.status(), first.err());
        String[] lines = first.out().split("\n");
        String summary = lines[lines.length - 1];
        Matcher m = Pattern.compile("summary words=20 heldout=5 perplexity=([0-9.]+) unigram_perplexity=([0-9.]+) "
                + "bleu=([0-9.]+) nearest_bleu=([0-9.]+)").matcher(summary);
        assertTrue(m.matches(), summary);
        assertTrue(Double.parseDouble(m.group(1)) > 1 && Double.parseDouble(m.group(2)) > 1, summary);
        assertTrue(Files.exists(dir.resolve("out/vectors.bin")));
        assertTrue(Files.notExists(dir.resolve("out/word2vec-text.txt")));

        // the second run reads the cached vectors and repeats the first, figure for figure
        Outcome second = run(args());
        assertEquals(0, second.status(), second.err());
        assertEquals(first.out(), second.out());

        // the hypothesis and reference files give the printed BLEU
        List<String> hypotheses = Files.readAllLines(dir.resolve("out/model-hypotheses.txt"));
        List<String> references = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("out/model-references.tsv"))) {
            references.add(line.split("\t", -1)[1]);
        }
        assertEquals(5, hypotheses.size());
        assertEquals(Double.parseDouble(m.group(3)), Bleu.corpusOfLines(hypotheses, references).score(), 0.005);
    }

    @Test
    void badInputIsOneLineAndStatusTwo() throws IOException {
        writeData();
        assertBad(run("--epochs"), "--epochs needs a value");
        assertBad(run("--epoch", "3"), "unknown option '--epoch'");
        assertBad(run("--epochs", "three"), "--epochs must be an integer but was 'three'");
        assertBad(run("--heldout", "1.5"), "--heldout must be in");
        assertBad(run("--seed", "1", "--seed", "2"), "--seed is given twice");
        assertBad(run(args("--data", "x")), "--data is given twice");
        Path missing = dir.resolve("missing.tsv");
        assertBad(run("--data", missing.toString(), "--out", dir.resolve("o").toString()),
                "no such file: " + missing);
        Path noHeader = dir.resolve("bad.tsv");
        Files.writeString(noHeader, "n\tapple\ta fruit\n");
        assertBad(run("--data", noHeader.toString(), "--out", dir.resolve("o").toString()),
                "must name the columns 'lemmas' and 'definition'");
        Path ragged = dir.resolve("ragged.tsv");
        Files.writeString(ragged, "pos\tlemmas\tdefinition\nn\tapple\n");
        assertBad(run("--data", ragged.toString(), "--out", dir.resolve("o").toString()),
                "line 2: 2 tab-separated fields where the header has 3");
        Path notGzip = dir.resolve("corpus.gz");
        Files.writeString(notGzip, "plain text");
        assertBad(run("--corpus", notGzip.toString(), "--out", dir.resolve("o").toString()), "is not a gzip file");

        Outcome help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: examples/run define"), help.out());
    }

    private static void assertBad(Outcome outcome, String message) {
        assertEquals(2, outcome.status(), outcome.err());
        assertEquals(1, outcome.err().lines().count(), outcome.err());
        assertTrue(outcome.err().startsWith("define: ") && outcome.err().contains(message), outcome.err());
    }
}
