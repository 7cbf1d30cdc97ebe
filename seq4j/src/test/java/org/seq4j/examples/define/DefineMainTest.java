package org.seq4j.examples.define;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.examples.Probes.says;

import java.io.IOException;
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
import org.seq4j.examples.Probes;
import org.seq4j.examples.Probes.Result;

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

    private static final Probes.Main MAIN = DefineMain::run;

    @Test
    void runsEndToEndDeterministicallyAndWritesFilesForBleuPy() throws IOException {
        writeData();
        Result first = Probes.run(MAIN, args());
        Probes.assertSucceeded(first);
        String[] lines = first.out().split("\n");
        String summary = lines[lines.length - 1];
        Matcher m = Pattern.compile("summary words=20 heldout=5 perplexity=([0-9.]+) unigram_perplexity=([0-9.]+) "
                + "other_vector_perplexity=[0-9.]+ bleu=([0-9.]+) nearest_bleu=([0-9.]+)").matcher(summary);
        assertTrue(m.matches(), summary);
        assertTrue(Double.parseDouble(m.group(1)) > 1 && Double.parseDouble(m.group(2)) > 1, summary);
        assertTrue(Files.exists(dir.resolve("out/vectors.bin")));
        assertTrue(Files.notExists(dir.resolve("out/word2vec-text.txt")));

        // the second run reads the cached vectors and repeats the first, figure for figure
        Result second = Probes.run(MAIN, args());
        Probes.assertSucceeded(second);
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
    void badOptionsAndFilesAreOneLineWithStatusTwoAndChangeNothing() throws IOException {
        writeData();
        Path out = dir.resolve("o");
        String o = out.toString();
        refused(says("--epochs needs a value"), "--epochs");
        refused(says("unknown option '--epoch'"), "--epoch", "3");
        refused(says("--epochs must be a whole number", "'three'"), "--epochs", "three");
        refused(says("--heldout must be"), "--heldout", "1.5");
        refused(says("--feed-vector must be 0 or 1"), "--feed-vector", "2");
        refused(says("--seed is given twice"), "--seed", "1", "--seed", "2");
        refused(says("--data", "no such file"), "--data", dir.resolve("missing.tsv").toString(), "--out", o);
        refused(says("--vectors", "is a directory"), "--vectors", dir.toString(), "--out", o);
        Path file = dir.resolve("corpus.txt");
        refused(says("--out", "is not a directory"), "--out", file.toString());
        Path noHeader = dir.resolve("bad.tsv");
        Files.writeString(noHeader, "n\tapple\ta fruit\n");
        refused(says("must name the columns 'lemmas' and 'definition'"), "--data", noHeader.toString(), "--out", o);
        Path ragged = dir.resolve("ragged.tsv");
        Files.writeString(ragged, "pos\tlemmas\tdefinition\nn\tapple\n");
        refused(says("line 2: 2 tab-separated fields where the header has 3"), "--data", ragged.toString(),
                "--out", o);
        Path latin1 = dir.resolve("latin1.tsv");
        Files.write(latin1, "pos\tlemmas\tdefinition\nn\tcaf\u00e9\ta drink\n".getBytes(StandardCharsets.ISO_8859_1));
        refused(says("is not UTF-8 text"), "--data", latin1.toString(), "--out", o);
        Path notGzip = dir.resolve("corpus.gz");
        Files.writeString(notGzip, "plain text");
        refused(says("is not a gzip file"), "--data", dir.resolve("definitions.tsv").toString(), "--corpus",
                notGzip.toString(), "--out", o);
        assertTrue(Files.notExists(out), "a refused run created its output directory");

        Result help = Probes.run(MAIN, "--help");
        Probes.assertSucceeded(help);
        assertTrue(help.out().startsWith("usage: examples/run define"), help.out());
    }

    private void refused(String[] fragments, String... args) {
        Probes.assertRefused("define", MAIN, dir, 2, fragments, args);
    }
}
