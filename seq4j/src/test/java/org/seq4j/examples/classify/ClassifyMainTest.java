package org.seq4j.examples.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.examples.Probes.assertSucceeded;
import static org.seq4j.examples.Probes.says;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.examples.Probes;
import org.seq4j.examples.Probes.Result;

/** Runs the example in-process on tiny data: the summary line, determinism, and the errors of bad input. */
class ClassifyMainTest {

    /** Tiny, fast settings, without word2vec (its bundled corpus takes half a minute). */
    private static final String[] TINY = {"--epochs", "3", "--embedding", "8", "--hidden", "8", "--batch-size", "8",
                                          "--word2vec-epochs", "0"};

    @TempDir
    Path dir;

    private static final Probes.Main MAIN = ClassifyMain::run;

    private static Result run(String... args) {
        return Probes.run(MAIN, args);
    }

    private static String lastLine(Result r) {
        String[] lines = r.out().strip().split("\n");
        return lines[lines.length - 1];
    }

    /** The base options with more options and switches, a value given again replacing the base's. */
    private static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        for (int i = 0; i < more.length; i++) {
            int at = all.indexOf(more[i]);
            boolean hasValue = i + 1 < more.length && !more[i + 1].startsWith("--");
            if (at >= 0 && hasValue) {
                all.set(at + 1, more[++i]);
            } else {
                all.add(more[i]);
                if (hasValue) {
                    all.add(more[++i]);
                }
            }
        }
        return all.toArray(new String[0]);
    }

    /** Messages whose class shows in their words: spam offers prizes, ham talks of dinner, a third class asks. */
    private Path tinyData(int messages, boolean threeClasses) throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        String[][] words = {
            {"see", "you", "at", "dinner", "ok", "lar", "home", "later", "love"},
            {"free", "prize", "call", "now", "win", "cash", "txt", "claim", "urgent"},
            {"where", "when", "why", "is", "it", "are", "you", "coming", "what"},
        };
        String[] names = threeClasses ? new String[] {"chat", "offer", "question"} : new String[] {"ham", "spam"};
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < messages; i++) {
            // two classes: 1 in 4 is spam; three: 1 in 5 is an offer, the others chat or questions
            int c = threeClasses ? (i % 5 == 0 ? 1 : i % 5 < 3 ? 0 : 2) : (i % 4 == 0 ? 1 : 0);
            s.append(names[c]).append('\t');
            int length = 2 + random.nextInt(8);
            for (int t = 0; t < length; t++) {
                s.append(t == 0 ? "" : " ").append(words[c][random.nextInt(words[c].length)]);
            }
            s.append(random.nextInt(3) == 0 ? "!" : "").append('\n');
        }
        Path file = dir.resolve(threeClasses ? "three.tsv" : "two.tsv");
        Files.writeString(file, s.toString());
        return file;
    }

    @Test
    void printsTheSummaryOfBothModelsAndIsDeterministic() throws IOException {
        String data = tinyData(120, false).toString();
        Result first = run(with(TINY, "--data", data, "--bidirectional"));
        assertSucceeded(first);
        String summary = lastLine(first);
        assertTrue(summary.startsWith("summary model=bigru positive=spam test=24 accuracy="), summary);
        for (String key : new String[] {"precision=", "recall=", "f1=", "macro_f1=", "baseline_accuracy=",
                                         "baseline_f1="}) {
            assertTrue(summary.contains(" " + key), key + " in " + summary);
        }
        assertTrue(first.out().contains("true \\ predicted"), first.out());
        // the classes are easy: both models should find them
        assertTrue(summary.contains(" baseline_f1=1.0000"), summary);
        assertEquals(first.out(), run(with(TINY, "--data", data, "--bidirectional")).out());
    }

    @Test
    void takesAnyLabelsAndReportsTheRarestOrTheChosenClass() throws IOException {
        String data = tinyData(90, true).toString();
        Result rarest = run(with(TINY, "--data", data, "--cell", "lstm", "--epochs", "1"));
        assertSucceeded(rarest);
        // 18 offers, 36 chats, 36 questions: 4 + 7 + 7 test messages
        assertTrue(lastLine(rarest).startsWith("summary model=lstm positive=offer test=18 "), lastLine(rarest));
        Result chosen = run(with(TINY, "--data", data, "--epochs", "1", "--positive", "question"));
        assertTrue(lastLine(chosen).contains(" positive=question "), lastLine(chosen));
    }

    @Test
    void startsTheEmbeddingFromWord2VecVectors() throws IOException {
        String data = tinyData(80, false).toString();
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, "you call now\nsee you at home later\nwin a free prize now\n".repeat(20));
        Result r = run(with(TINY, "--data", data, "--word2vec-epochs", "2", "--word2vec-corpus", corpus.toString()));
        assertSucceeded(r);
        assertTrue(r.out().contains("embedding 8 (word2vec ("), r.out());
        assertTrue(lastLine(r).startsWith("summary model=gru "), lastLine(r));
    }

    @Test
    void answersHelp() {
        Result help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: examples/run classify"), help.out());
    }

    @Test
    void badOptionsAndFilesExitWithStatus2AndOneLine() throws IOException {
        Path data = tinyData(40, false);
        Path noTab = dir.resolve("notab.tsv");
        Files.writeString(noTab, "ham\tfine\nspam no tab here\n");
        Path oneClass = dir.resolve("one.tsv");
        Files.writeString(oneClass, "ham\ta\nham\tb\n");
        Path notUtf8 = dir.resolve("latin1.tsv");
        Files.write(notUtf8, new byte[] {'h', 'a', 'm', '\t', (byte) 0xE9, '\n'});
        String[][] refused = {
            {"--epochs"}, {"--epochs", "many"}, {"--epochs", "-1"}, {"--lr", "0"}, {"--cell", "rnn"},
            {"--class-weights", "sqrt"}, {"--frobnicate"}, {"--epochs", "1", "--epochs", "2"},
            {"--bidirectional", "--bidirectional"},
        };
        for (String[] args : refused) {
            Probes.assertRefused("classify", MAIN, dir, 2, says(), args);
        }
        Probes.assertRefused("classify", MAIN, dir, 2, says("missing.tsv"), "--data", dir.resolve("missing.tsv").toString());
        Probes.assertRefused("classify", MAIN, dir, 2, says("missing.txt"), "--word2vec-corpus",
                dir.resolve("missing.txt").toString());
        Probes.assertRefused("classify", MAIN, dir, 2, says("line 2", "no tab"), "--data", noTab.toString());
        Probes.assertRefused("classify", MAIN, dir, 2, says("only 'ham'"), "--data", oneClass.toString());
        Probes.assertRefused("classify", MAIN, dir, 2, says("not UTF-8"), "--data", notUtf8.toString());
        Probes.assertRefused("classify", MAIN, dir, 2, says("eggs", "ham, spam"), "--data", data.toString(),
                "--positive", "eggs");
    }
}
