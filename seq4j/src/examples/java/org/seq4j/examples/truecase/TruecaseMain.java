package org.seq4j.examples.truecase;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.seq4j.eval.CasingEvaluation;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.cli.PathChecks;
import org.seq4j.text.CaseLabels;
import org.seq4j.text.CharacterVocabulary;
import org.seq4j.text.MostFrequentCasing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The truecasing example (the synchronised many-to-many scenario): restores the capitals of lower-case
 * sentences with a character-level bidirectional LSTM, one case label per character, and compares it with
 * the most-frequent-casing baseline on held-out books.
 *
 * <pre>
 *   examples/run truecase                            train on 14 Gutenberg books, test on 3 others
 *   examples/run truecase --sentence "call me ishmael ."
 *   examples/run truecase --data train.txt --test test.txt
 * </pre>
 */
public final class TruecaseMain {

    private static final Logger LOG = LoggerFactory.getLogger(TruecaseMain.class);
    private static final String NAME = "truecase";

    private static final String USAGE = String.join("\n",
            "usage: examples/run truecase [options]",
            "",
            "Restores the capitals of lower-case sentences: a bidirectional LSTM over characters labels each",
            "character keep or upper; it is compared on held-out text with the baseline 'most frequent casing",
            "of each word in the training text, plus a capital at the start of a sentence'.",
            "",
            "options:",
            "  --data FILE        training text, one sentence per line, UTF-8 (.gz read as gzip); default: the",
            "                     bundled 14 training books of the Gutenberg selection",
            "  --test FILE        test text, one sentence per line; default: the 3 bundled held-out books, or",
            "                     with --data, the last 10% of its lines",
            "  --hidden N         LSTM hidden size H per direction (default " + Defaults.HIDDEN + ")",
            "  --layers N         stacked bidirectional layers (default " + Defaults.LAYERS + ")",
            "  --embedding N      character embedding size (default " + Defaults.EMBEDDING + ")",
            "  --epochs N         passes over the training sentences (default " + Defaults.EPOCHS + ")",
            "  --time-limit S     stop training after S seconds even if the epochs are not done (default: none;",
            "                     the figures then depend on the machine's speed)",
            "  --batch N          sentences per batch (default " + Defaults.BATCH + ")",
            "  --lr X             Adam learning rate (default " + Defaults.LR + ")",
            "  --clip X           clip the global gradient norm to X (default " + Defaults.CLIP + ")",
            "  --upper-weight X   weight of the upper-case label in the loss, the keep label's being 1 (default "
                    + Defaults.UPPER_WEIGHT + ")",
            "  --max-length N     training sentences are cut to N characters, at a space (default "
                    + Defaults.MAX_LENGTH + ")",
            "  --max-sentences N  train on the first N training sentences only (default: all)",
            "  --seed N           seed of the weights and the batch order (default " + Defaults.SEED + ")",
            "  --show N           test sentences printed with both truecasings (default " + Defaults.SHOW + ")",
            "  --sentence TEXT    after training, truecase TEXT (read in lower case) and print it",
            "  --verbose          print the stack trace of a failure; --help prints this text");

    private static final String[] VALUES = {"data", "test", "hidden", "layers", "embedding", "epochs", "time-limit",
            "batch", "lr", "clip", "upper-weight", "max-length", "max-sentences", "seed", "show", "sentence"};

    /** The default settings: a few minutes on 2 cores. */
    static final class Defaults {
        static final int HIDDEN = 64;
        static final int LAYERS = 1;
        static final int EMBEDDING = 24;
        static final int EPOCHS = 5;
        static final int BATCH = 32;
        static final double LR = 0.005;
        static final double CLIP = 5;
        static final double UPPER_WEIGHT = 1;
        static final int MAX_LENGTH = 160;
        static final long SEED = 1;
        static final int SHOW = 4;

        private Defaults() {
        }
    }

    /** The fraction of the lines of --data held out as the test set when no --test is given. */
    private static final double TEST_FRACTION = 0.1;

    private final PrintStream out;

    private TruecaseMain(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args the command line (see {@code --help})
     */
    public static void main(String[] args) {
        Cli.exit(run(args, Cli.stdout(), Cli.stderr()));
    }

    /**
     * Runs the example under the examples' handler: a mistake is one line on {@code err}.
     *
     * @param args the command line
     * @param out  results
     * @param err  the one-line message of a failure
     * @return 0 when done, 2 for a bad command line or input file, 1 for a failure during the work
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(NAME, USAGE, args, out, err,
                (a, o) -> new TruecaseMain(o).truecase(Options.spec("--").values(VALUES).parse(a, 0)));
    }

    private void truecase(Options options) throws IOException {
        Truecaser.Settings settings = new Truecaser.Settings(
                options.intValue("embedding", Defaults.EMBEDDING, 1, 4096),
                options.intValue("hidden", Defaults.HIDDEN, 1, 4096),
                options.intValue("layers", Defaults.LAYERS, 1, 16),
                options.intValue("batch", Defaults.BATCH, 1, 1 << 16),
                options.positiveValue("lr", Defaults.LR, 0, 10),
                options.positiveValue("clip", Defaults.CLIP, 0, 1e9),
                options.positiveValue("upper-weight", Defaults.UPPER_WEIGHT, 0, 1e6),
                options.longValue("seed", Defaults.SEED, Long.MIN_VALUE, Long.MAX_VALUE));
        Truecaser.Schedule schedule = new Truecaser.Schedule(options.intValue("epochs", Defaults.EPOCHS, 1, 1 << 20),
                options.doubleValue("time-limit", 0, 0, 1e9), 50);
        int maxLength = options.intValue("max-length", Defaults.MAX_LENGTH, 1, 1 << 20);
        int maxSentences = options.intValue("max-sentences", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        int show = options.intValue("show", Defaults.SHOW, 0, 1000);
        String sentence = options.string("sentence", null);
        if (sentence != null && sentence.isBlank()) {
            throw CliException.usage("--sentence must hold some text");
        }

        // ---- data: training lines (whole, for the baseline) and test lines
        Split split = split(options);
        List<String> train = split.train();
        List<String> test = split.test();
        if (train.size() > maxSentences) {
            train = new ArrayList<>(train.subList(0, maxSentences));
        }

        // ---- the model's training set: lower-case lines cut to the maximum length, and their labels
        int n = train.size();
        List<String> lowerTrain = new ArrayList<>(n);
        int[][] labels = new int[n][];
        long trainCharacters = 0;
        int truncated = 0;
        for (String line : train) {
            String cut = TruecaseData.truncate(line, maxLength);
            truncated += cut.length() < line.length() ? 1 : 0;
            lowerTrain.add(CaseLabels.lowerCase(cut));
            labels[lowerTrain.size() - 1] = CaseLabels.labels(cut);
            trainCharacters += labels[lowerTrain.size() - 1].length;
        }
        CharacterVocabulary vocabulary = Truecaser.vocabulary(lowerTrain);
        Truecaser model = new Truecaser(vocabulary, settings);
        int[][] inputs = new int[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = model.encode(lowerTrain.get(i));
        }

        MostFrequentCasing.Builder counts = MostFrequentCasing.builder();
        train.forEach(counts::add);
        MostFrequentCasing baseline = counts.build();

        out.printf(Locale.ROOT, "training text: %s, %,d sentences, %,d characters (%,d sentences cut to %d characters)%n",
                split.trainName(), n, trainCharacters, truncated, maxLength);
        out.printf(Locale.ROOT, "test text:     %s, %,d sentences%n", split.testName(), test.size());
        out.printf(Locale.ROOT, "model:         %s, %,d parameters, %d characters + <pad>, <unk>%n",
                model.tagger(), model.tagger().parameters().numElements(), vocabulary.size() - 2);
        out.printf(Locale.ROOT, "baseline:      %s%n", baseline);

        // ---- training
        Truecaser.TrainingResult result = model.train(inputs, labels, schedule);
        out.printf(Locale.ROOT, "trained:       %d epoch%s, %,d steps, %,d characters, last batch loss %.4f%s%n",
                result.epochs(), result.epochs() == 1 ? "" : "s", result.steps(), result.characters(),
                result.lastLoss(), result.stoppedByTime() ? " (stopped by --time-limit)" : "");

        // ---- evaluation: the same scoring for both, on the full test lines
        List<String> lowerTest = new ArrayList<>(test.size());
        test.forEach(line -> lowerTest.add(CaseLabels.lowerCase(line)));
        long evaluationStart = System.nanoTime();
        int[][] predicted = model.predict(lowerTest);
        LOG.info(String.format(Locale.ROOT, "trained in %.0f s; the held-out sentences truecased in %.0f s",
                result.seconds(), (System.nanoTime() - evaluationStart) / 1e9));
        CasingEvaluation modelScore = new CasingEvaluation();
        CasingEvaluation baselineScore = new CasingEvaluation();
        int[][] baselineLabels = new int[test.size()][];
        for (int i = 0; i < test.size(); i++) {
            baselineLabels[i] = baseline.labels(lowerTest.get(i));
            baselineScore.add(test.get(i), baselineLabels[i]);
            modelScore.add(test.get(i), predicted[i]);
        }
        out.printf(Locale.ROOT, "%nheld-out text: %,d sentences, %,d words, %,d cased characters, %,d capitals%n",
                modelScore.lines(), modelScore.words(), modelScore.casedCharacters(),
                modelScore.truePositives() + modelScore.falseNegatives());
        out.println("                      capitals: precision  recall     F1    word accuracy");
        printScore("most frequent casing", baselineScore);
        printScore("BiLSTM", modelScore);
        showExamples(test, lowerTest, predicted, baselineLabels, show);
        if (sentence != null) {
            String lower = CaseLabels.lowerCase(sentence.strip());
            String cased = CaseLabels.apply(lower, model.predict(List.of(lower))[0]);
            out.println();
            out.println("input:     " + lower);
            out.println("truecased: " + cased);
        }
        boolean beats = modelScore.f1() > baselineScore.f1() && modelScore.wordAccuracy() > baselineScore.wordAccuracy();
        out.printf(Locale.ROOT, "summary f1=%.4f word_accuracy=%.4f precision=%.4f recall=%.4f baseline_f1=%.4f "
                        + "baseline_word_accuracy=%.4f baseline_precision=%.4f baseline_recall=%.4f beats_baseline=%b "
                        + "train_sentences=%d test_sentences=%d test_words=%d epochs=%d steps=%d%n",
                modelScore.f1(), modelScore.wordAccuracy(), modelScore.precision(), modelScore.recall(),
                baselineScore.f1(), baselineScore.wordAccuracy(), baselineScore.precision(), baselineScore.recall(),
                beats, n, test.size(), modelScore.words(), result.epochs(), result.steps());
    }

    /** The training and test lines, and how to name them. */
    private record Split(List<String> train, List<String> test, String trainName, String testName) {
    }

    /** Reads the training and test lines that the options ask for. */
    private static Split split(Options options) throws IOException {
        Path test = options.path("test", null);
        if (test != null) {
            PathChecks.inputFile("--test", test);   // before the longer reading of the training text
        }
        if (!options.has("data")) {
            List<String> train = TruecaseData.bundledLines(TruecaseData.TRAIN_BOOKS);
            String trainName = TruecaseData.TRAIN_BOOKS.size() + " Gutenberg books";
            if (test != null) {
                return new Split(train, TruecaseData.fileLines("--test", test), trainName, test.toString());
            }
            return new Split(train, TruecaseData.bundledLines(TruecaseData.TEST_BOOKS), trainName,
                    "the held-out books " + String.join(", ", TruecaseData.TEST_BOOKS));
        }
        Path data = options.path("data", null);
        List<String> lines = TruecaseData.fileLines("--data", data);
        if (test != null) {
            return new Split(lines, TruecaseData.fileLines("--test", test), data.toString(), test.toString());
        }
        int cut = (int) Math.round(lines.size() * (1 - TEST_FRACTION));
        if (cut < 1 || cut >= lines.size()) {
            throw CliException.input("--data " + data + " has too few lines (" + lines.size() + ") to hold out "
                    + Math.round(100 * TEST_FRACTION) + "% for a test; give --test FILE");
        }
        return new Split(new ArrayList<>(lines.subList(0, cut)), new ArrayList<>(lines.subList(cut, lines.size())),
                data.toString(), "the last " + (lines.size() - cut) + " lines of " + data);
    }

    private void printScore(String name, CasingEvaluation score) {
        out.printf(Locale.ROOT, "  %-20s           %6.4f  %6.4f  %6.4f      %6.4f%n", name, score.precision(),
                score.recall(), score.f1(), score.wordAccuracy());
    }

    /** Prints up to {@code count} test sentences, spread over the test set, where the two truecasings differ. */
    private void showExamples(List<String> test, List<String> lower, int[][] predicted, int[][] baselineLabels,
                              int count) {
        if (count == 0) {
            return;
        }
        List<Integer> differing = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            int length = test.get(i).length();
            if (length >= 40 && length <= 160 && !Arrays.equals(predicted[i], baselineLabels[i])) {
                differing.add(i);
            }
        }
        int shown = Math.min(count, differing.size());
        for (int k = 0; k < shown; k++) {
            int i = differing.get((int) ((long) k * differing.size() / shown));
            out.println();
            out.println("  lower case: " + lower.get(i));
            out.println("  baseline:   " + CaseLabels.apply(lower.get(i), baselineLabels[i]));
            out.println("  BiLSTM:     " + CaseLabels.apply(lower.get(i), predicted[i]));
            out.println("  reference:  " + test.get(i));
        }
    }
}
