package org.seq4j.examples.skipthoughts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.examples.Probes.says;

import java.io.ByteArrayInputStream;
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
import org.seq4j.examples.Probes;
import org.seq4j.examples.Probes.Result;

/**
 * The skipthoughts example end to end on tiny data: train, resume, encode (with an expansion and a second
 * model), neighbours and eval, each checked by what it prints; and the exit status and the one-line message
 * of bad input.
 */
class SkipThoughtsMainTest {

    private static final String[] CYCLE = {"the cat sat .", "a dog ran far away .", "birds sing .",
        "the sun is warm today .", "rain falls .", "we walk home slowly now .", "it is late .", "stars shine ."};

    @TempDir
    Path dir;

    /** Documents walking a cycle of sentences, separated by blank lines. */
    private Path books() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        List<String> lines = new ArrayList<>();
        for (int d = 0; d < 4; d++) {   // 2 % of 160 sentences: 3 held out, one validation triple per document
            int start = random.nextInt(CYCLE.length);
            for (int i = 0; i < 160; i++) {
                lines.add(CYCLE[(start + i) % CYCLE.length]);
            }
            lines.add("");
        }
        Path file = dir.resolve("books.txt");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static final Probes.Main MAIN = SkipThoughtsMain::run;

    /** Runs with a standard input. */
    private static Result run(String stdin, String... args) {
        return Probes.run((a, out, err) -> SkipThoughtsMain.run(a,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err), args);
    }

    private String[] train(Path books, Path checkpoint, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", books.toString(), "--checkpoint",
                checkpoint.toString(), "--dim", "16", "--embedding", "8", "--vocab", "40", "--batch", "8",
                "--lr", "0.01"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static final Pattern SUMMARY = Pattern.compile(
            "summary epochs=([0-9.]+) train_loss=([0-9.]+) val_perplexity=([0-9.]+) sentences_per_sec=([0-9.]+)");

    @Test
    void trainsResumesEncodesAndFindsNeighbours() throws IOException {
        Path books = books();
        Path model = dir.resolve("uni.safetensors");
        Result trained = Probes.run(MAIN, train(books, model, "--epochs", "2"));
        Probes.assertSucceeded(trained);
        String[] lines = trained.out().strip().split("\n");
        Matcher m = SUMMARY.matcher(lines[lines.length - 1]);
        assertTrue(m.matches(), trained.out());
        assertEquals(2.0, Double.parseDouble(m.group(1)));
        assertTrue(trained.out().contains("a unigram model of the training targets"), trained.out());
        assertTrue(Files.exists(model));

        // resumed to a third epoch, into another file; the given settings agree with the saved run
        Path resumed = dir.resolve("resumed.safetensors");
        Result again = Probes.run(MAIN, "train", "--data", books.toString(), "--resume", model.toString(),
                "--checkpoint", resumed.toString(), "--epochs", "3", "--dim", "16");
        Probes.assertSucceeded(again);
        assertTrue(again.out().contains("resumed at step"), again.out());
        Matcher r = SUMMARY.matcher(again.out().strip().substring(again.out().strip().lastIndexOf('\n') + 1));
        assertTrue(r.matches(), again.out());
        assertEquals(3.0, Double.parseDouble(r.group(1)));

        // a bi-skip model to combine with
        Path bi = dir.resolve("bi.safetensors");
        Probes.assertSucceeded(Probes.run(MAIN, train(books, bi, "--mode", "bi", "--epochs", "1")));

        Result encoded = run("the cat sat .\n\nbirds sing .\n", "encode", "--checkpoint", model.toString());
        Probes.assertSucceeded(encoded);
        List<String> vectors = encoded.out().lines().toList();
        assertEquals(3, vectors.size());
        assertEquals(16, vectors.get(0).split(" ").length);
        assertEquals(1.0, squaredNorm(vectors.get(0)), 1e-4);
        assertEquals(0.0, squaredNorm(vectors.get(1)), 0.0);   // the empty line: the zero vector

        Result combined = run("the cat sat .\n", "encode", "--checkpoint", model.toString(), "--combine",
                bi.toString());
        Probes.assertSucceeded(combined);
        String[] both = combined.out().strip().split(" ");
        assertEquals(32, both.length);
        assertEquals(vectors.get(0), String.join(" ", List.of(both).subList(0, 16)));

        // vocabulary expansion from word vectors that also know "kitten"
        Path w2v = wordVectors();
        Result expanded = run("the kitten sat .\nthe zzz sat .\n", "encode", "--checkpoint", model.toString(),
                "--expand", w2v.toString());
        Probes.assertSucceeded(expanded);
        List<String> e = expanded.out().lines().toList();
        assertEquals(2, e.size());
        assertTrue(!e.get(0).equals(e.get(1)), "kitten must read its mapped vector, not <unk>");

        Path corpus = dir.resolve("corpus.txt");
        Files.write(corpus, List.of(CYCLE), StandardCharsets.UTF_8);
        Result near = run("the cat sat .\nrain falls .\n", "neighbours", "--checkpoint", model.toString(),
                "--corpus", corpus.toString());
        Probes.assertSucceeded(near);
        List<String> out = near.out().lines().toList();
        assertEquals(2 * 6, out.size(), near.out());
        assertEquals("query: the cat sat .", out.get(0));
        assertTrue(out.get(1).matches("  [-0-9.]+  .+"), out.get(1));
        assertTrue(out.subList(1, 6).stream().noneMatch(l -> l.endsWith("  the cat sat .")),
                "the query itself is excluded: " + near.out());
    }

    @Test
    void evaluatesAgainstTheBaselines() throws IOException {
        Path model = dir.resolve("m.safetensors");
        Probes.assertSucceeded(Probes.run(MAIN, train(books(), model, "--epochs", "1")));
        List<String> labelled = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            labelled.add((i % 2 == 0 ? "spam\twin a free prize now call " : "ham\tthe cat sat by the fire ") + i);
        }
        Path data = dir.resolve("labelled.tsv");
        Files.write(data, labelled, StandardCharsets.UTF_8);
        // word2vec for the baseline on the cycle's sentences rather than the bundled books (seconds of work)
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            corpus.add(CYCLE[i % CYCLE.length]);
        }
        Result r = Probes.run((a, out, err) -> SkipThoughtsMain.run(a, new ByteArrayInputStream(new byte[0]),
                () -> corpus, out, err), "eval", "--checkpoint", model.toString(), "--data", data.toString(),
                "--folds", "3");
        Probes.assertSucceeded(r);
        for (String name : new String[] {"skip-thoughts (uni-skip)", "random untrained encoder", "mean of word2vec",
            "bag of words", "skip-thoughts ⊕ mean of word2vec"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith(name) && l.contains(" ± ")),
                    name + " missing:\n" + r.out());
        }
        // word2vec read the labelled sentences' text too: the baseline and the expansion know their words
        assertTrue(r.out().contains("word2vec on the books and these sentences"), r.out());
        // bag of words separates these two kinds of message perfectly
        assertTrue(r.out().lines().anyMatch(l -> l.contains("bag of words") && l.contains("100.00 ± 0.00")), r.out());
    }

    @Test
    void badOptionsAndFilesAreOneLineWithStatusTwoAndChangeNothing() throws IOException {
        Path books = books();
        String b = books.toString();
        String m = dir.resolve("m.safetensors").toString();
        refused(says("unknown command 'fit'"), "fit");
        refused(says("options need a command first"), "--dim", "3");
        refused(says("train needs --data"), "train", "--checkpoint", m);
        refused(says("train needs --checkpoint"), "train", "--data", b);
        refused(says("--mode must be uni or bi"), "train", "--data", b, "--checkpoint", m, "--mode", "tri");
        refused(says("--dim must be even for --mode bi"), "train", "--data", b, "--checkpoint", m, "--mode", "bi",
                "--dim", "7");
        refused(says("--batch must be a whole number"), "train", "--data", b, "--checkpoint", m, "--batch", "x");
        refused(says("--data", "no such file"), "train", "--data", dir.resolve("none.txt").toString(),
                "--checkpoint", m);
        refused(says("fewer than one batch"), "train", "--data", b, "--checkpoint", m, "--batch", "100000");
        refused(says("--checkpoint", "same file"), "train", "--data", b, "--checkpoint", b);
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 .\n".getBytes(StandardCharsets.ISO_8859_1));
        refused(says("is not UTF-8 text"), "train", "--data", latin1.toString(), "--checkpoint", m);
        refused(says("encode needs --checkpoint"), "encode");
        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "not a checkpoint");
        refused(says("garbage.safetensors"), "encode", "--checkpoint", garbage.toString());
        refused(says("eval needs --data"), "eval", "--checkpoint", garbage.toString());
        refused(says("--folds must be"), "eval", "--checkpoint", garbage.toString(), "--data", b, "--folds", "1");
        refused(says("neighbours needs --corpus"), "neighbours", "--checkpoint", garbage.toString());

        Result help = Probes.run(MAIN, "--help");
        Probes.assertSucceeded(help);
        assertTrue(help.out().startsWith("usage: examples/run skipthoughts"), help.out());
    }

    private void refused(String[] fragments, String... args) {
        Probes.assertRefused("skipthoughts", MAIN, dir, 2, fragments, args);
    }

    /** word2vec text format: the cycle's words and "kitten" (close to "cat"), 3 dimensions. */
    private Path wordVectors() throws IOException {
        SplittableRandom random = new SplittableRandom(9);
        List<String> words = new ArrayList<>();
        for (String s : CYCLE) {
            for (String w : s.split(" ")) {
                if (!words.contains(w)) {
                    words.add(w);
                }
            }
        }
        words.add("kitten");
        List<String> lines = new ArrayList<>();
        lines.add(words.size() + " 3");
        for (String w : words) {
            lines.add(w + String.format(java.util.Locale.ROOT, " %.4f %.4f %.4f", random.nextDouble(-1, 1),
                    random.nextDouble(-1, 1), random.nextDouble(-1, 1)));
        }
        Path file = dir.resolve("vectors.txt");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static double squaredNorm(String line) {
        double sum = 0;
        for (String v : line.split(" ")) {
            double x = Double.parseDouble(v);
            sum += x * x;
        }
        return sum;
    }
}
