package org.seq4j.examples.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.examples.Probes.assertSucceeded;
import static org.seq4j.examples.Probes.says;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.examples.Probes;
import org.seq4j.examples.Probes.Result;

/** Runs the example in-process on tiny data: the summary line, the commands, and the errors of bad input. */
class TranslateMainTest {

    /** A tiny model and run (a second or two). */
    private static final String[] TINY = {"--embedding", "8", "--hidden", "16", "--batch", "16", "--epochs", "2",
                                          "--min-count", "1", "--beam-limit", "10", "--beam", "3"};

    private static final Probes.Main MAIN = (args, out, err) -> TranslateMain.run(args,
            new ByteArrayInputStream(new byte[0]), out, err);

    @TempDir
    Path dir;

    private static Result run(String... args) {
        return Probes.run(MAIN, args);
    }

    private static Result runWithInput(String input, String... args) {
        return Probes.run((a, out, err) -> TranslateMain.run(a,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, err), args);
    }

    private static String lastLine(Result r) {
        String[] lines = r.out().strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** Pairs of a word-for-word "language": source word si becomes target word ti, in reverse order. */
    private Path tinyPairs(String name, int pairs) throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < pairs; i++) {
            int length = 1 + random.nextInt(4);
            List<String> source = new ArrayList<>();
            List<String> target = new ArrayList<>();
            for (int t = 0; t < length; t++) {
                int w = random.nextInt(8);
                source.add("S" + w);
                target.add(0, "t" + w);
            }
            s.append(String.join(" ", source)).append(" .\t").append(String.join(" ", target)).append(" !\tCC-BY\n");
        }
        s.append("a line without a tab\n");
        return Files.writeString(dir.resolve(name), s.toString());
    }

    @Test
    void trainsSavesTranslatesAndEvaluates() throws IOException {
        Path data = tinyPairs("pairs.tsv", 200);
        Path model = dir.resolve("model.safetensors");
        Path plot = dir.resolve("attention.png");
        Result trained = run(with(with(new String[] {"train"}, TINY), "--data", data.toString(), "--checkpoint", model.toString(),
                "--plot-attention", plot.toString(), "--sentence", "S1 S2 S3 ."));
        assertSucceeded(trained);
        String summary = lastLine(trained);
        assertTrue(summary.matches("summary epochs=2\\.00 train_loss=\\d+\\.\\d{4} bleu_greedy=\\d+\\.\\d\\d "
                + "bleu_beam=\\d+\\.\\d\\d tokens_per_sec=\\d+ greedy_sentences_per_sec=\\d+\\.\\d "
                + "beam_sentences_per_sec=\\d+\\.\\d bleu_greedy_subset=\\d+\\.\\d\\d test_pairs=10 beam_pairs=10"),
                summary);
        assertTrue(trained.out().contains("pairs: 190 for training"), trained.out());
        assertTrue(trained.out().contains("--data: skipped 1 line(s) without a tab (the first: line 201)"),
                trained.out());
        assertTrue(trained.out().contains("reference: t"), trained.out());
        assertTrue(Files.size(model) > 0);
        assertEquals(plotWidthOf(plot) > 0, true);

        // the same seed gives the same run (the timings aside)
        Path again = dir.resolve("again.safetensors");
        Result second = run(with(with(new String[] {"train"}, TINY), "--data", data.toString(), "--checkpoint", again.toString()));
        assertEquals(summary.replaceAll("(tokens_per_sec|sentences_per_sec)=[\\d.]+", ""),
                lastLine(second).replaceAll("(tokens_per_sec|sentences_per_sec)=[\\d.]+", ""));

        Result translated = runWithInput("S1 S2 .\n\nS3 S4 S5 S6 .\n", "translate", "--checkpoint", model.toString());
        assertSucceeded(translated);
        assertEquals(3, translated.out().strip().split("\n").length, translated.out());
        Result greedy = runWithInput("S1 S2 .\nS7 .\n", "translate", "--checkpoint", model.toString(), "--beam", "1");
        assertSucceeded(greedy);
        assertEquals(2, greedy.out().strip().split("\n").length, greedy.out());
        Result nBest = runWithInput("S1 S2 .\nS7 .\n", "translate", "--checkpoint", model.toString(), "--beam", "3",
                "--n-best", "2", "--replace-unk");
        assertSucceeded(nBest);
        String[] lines = nBest.out().strip().split("\n");
        assertEquals(4, lines.length, nBest.out());
        assertTrue(lines[0].matches("0 \\|\\|\\| .* \\|\\|\\| -?\\d+\\.\\d{4}") && lines[3].startsWith("1 ||| "),
                nBest.out());

        Result eval = run("eval", "--checkpoint", model.toString(), "--data", data.toString(), "--beam", "3");
        assertSucceeded(eval);
        assertTrue(eval.out().startsWith("BLEU ") && eval.out().contains("10 test pairs"), eval.out());
        Result evalGreedy = run("eval", "--checkpoint", model.toString(), "--test", data.toString(), "--beam", "1");
        assertTrue(evalGreedy.out().contains("greedy, 200 test pairs"), evalGreedy.out());
        // the final evaluation's greedy BLEU is that of eval --beam 1 on the same split
        Result evalSplit = run("eval", "--checkpoint", model.toString(), "--data", data.toString(), "--beam", "1");
        String bleu = summary.replaceAll(".* bleu_greedy=([\\d.]+) .*", "$1");
        assertTrue(evalSplit.out().startsWith("BLEU " + bleu + " "), evalSplit.out() + " vs " + summary);
        // --repeat: one speed line per pass, then the same BLEU
        Result repeated = run("eval", "--checkpoint", model.toString(), "--data", data.toString(), "--beam", "1",
                "--repeat", "2");
        assertSucceeded(repeated);
        String[] passes = repeated.out().strip().split("\n");
        assertEquals(3, passes.length, repeated.out());
        assertTrue(passes[0].startsWith("pass 1 of 2: ") && passes[1].startsWith("pass 2 of 2: "), repeated.out());
        assertTrue(passes[2].startsWith("BLEU " + bleu + " "), repeated.out());
        assertTrue(run("eval", "--checkpoint", model.toString(), "--data", data.toString(), "--repeat", "0")
                .err().contains("--repeat"));

        Path plot2 = dir.resolve("plot2.png");
        Result plotted = run("translate", "--checkpoint", model.toString(), "--plot-attention", plot2.toString(),
                "--sentence", "S1 S5 .");
        assertSucceeded(plotted);
        assertTrue(plotted.out().contains("attention plot: " + plot2), plotted.out());
        assertTrue(plotWidthOf(plot2) > 0);
    }

    private static int plotWidthOf(Path png) throws IOException {
        return ImageIO.read(png.toFile()).getWidth();
    }

    @Test
    void resumesARunToMoreEpochs() throws IOException {
        Path data = tinyPairs("pairs.tsv", 120);
        Path one = dir.resolve("one.safetensors");
        Path two = dir.resolve("two.safetensors");
        String[] base = {"train", "--data", data.toString(), "--embedding", "8", "--hidden", "16", "--batch", "16",
                         "--min-count", "1", "--beam", "1"};
        assertSucceeded(run(with(base, "--epochs", "1", "--checkpoint", one.toString())));
        Result resumed = run(with(base, "--epochs", "2", "--resume", one.toString()));
        assertSucceeded(resumed);
        assertTrue(resumed.out().contains("resuming " + one + " after epoch 1 of 2"), resumed.out());
        Result straight = run(with(base, "--epochs", "2", "--checkpoint", two.toString()));
        assertEquals(lastLine(straight).replaceAll("(tokens_per_sec|sentences_per_sec)=[\\d.]+", ""),
                lastLine(resumed).replaceAll("(tokens_per_sec|sentences_per_sec)=[\\d.]+", ""));
        Probes.assertRefused("translate", MAIN, dir, 2, says("--cell lstm", "differs"), with(base, "--epochs", "3",
                "--resume", one.toString(), "--cell", "lstm"));
        Probes.assertRefused("translate", MAIN, dir, 2, says("--epochs 1", "not beyond"), with(base, "--epochs", "1",
                "--resume", one.toString()));
    }

    @Test
    void answersHelp() {
        Result help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: examples/run translate"), help.out());
    }

    @Test
    void badOptionsAndFilesExitWithStatus2AndOneLine() throws IOException {
        Path data = tinyPairs("pairs.tsv", 40);
        Path existing = Files.writeString(dir.resolve("existing.safetensors"), "not a checkpoint");
        Path latin1 = Files.write(dir.resolve("latin1.tsv"), new byte[] {'a', '\t', 'b', '\n', 'c', '\t', (byte) 0xE9, '\n'});
        Path noPairs = Files.writeString(dir.resolve("nopairs.tsv"), "no tab\nanywhere\n");
        String d = data.toString();
        String[][] refused = {
            {"frobnicate"}, {"train", "--epochs", "0"}, {"train", "--cell", "tree"}, {"train", "--attention", "bahdanau"},
            {"train", "--hidden", "15", "--bidirectional"}, {"train", "--attention", "none", "--input-feeding"},
            {"train", "--dropout", "1"}, {"train", "--lr", "0"}, {"train", "--train", d},
            {"train", "--data", d, "--train", d, "--test", d}, {"train", "--plot-attention", "x.png"},
            {"train", "--teacher-forcing", "1.5"}, {"train", "--frobnicate"},
            {"translate"}, {"translate", "--checkpoint", existing.toString(), "--n-best", "6", "--beam", "5"},
            {"eval", "--checkpoint", existing.toString()},
        };
        for (String[] args : refused) {
            Probes.assertRefused("translate", MAIN, dir, 2, says(), args);
        }
        Probes.assertRefused("translate", MAIN, dir, 2, says("missing.tsv"), "train", "--data",
                dir.resolve("missing.tsv").toString());
        Probes.assertRefused("translate", MAIN, dir, 2, says("line 2", "UTF-8"), "train", "--data", latin1.toString());
        Probes.assertRefused("translate", MAIN, dir, 2, says("no source<TAB>target line"), "train", "--data",
                noPairs.toString());
        Probes.assertRefused("translate", MAIN, dir, 2, says("already exists", "--overwrite"), "train", "--data", d,
                "--checkpoint", existing.toString());
        Probes.assertRefused("translate", MAIN, dir, 2, says(existing.toString()), "translate", "--checkpoint",
                existing.toString());
        Probes.assertRefused("translate", MAIN, dir, 2, says("same file"), "train", "--data", d, "--checkpoint", d,
                "--overwrite");
    }
}
