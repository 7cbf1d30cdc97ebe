package org.seq4j.examples.charrnn;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.lm.CharLanguageModel;
import org.seq4j.lm.CharLmConfig;
import org.seq4j.lm.CharLmTrainer;
import org.seq4j.lm.Evaluation;
import org.seq4j.lm.SamplingOptions;
import org.seq4j.lm.TextGenerator;
import org.seq4j.lm.TrainingConfig;
import org.seq4j.lm.TrainingListener;
import org.seq4j.lm.TrainingSchedule;
import org.seq4j.lm.TrainingSummary;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.Optimizer;
import org.seq4j.random.SplitMix64;
import org.seq4j.rnn.CellType;
import org.seq4j.text.CharacterVocabulary;

/**
 * The char-rnn example: trains a character-level language model and samples from it.
 *
 * <pre>
 *   examples/run charrnn                      about a minute of a 2-layer LSTM on tiny-shakespeare,
 *                                             with samples as it learns
 *   examples/run charrnn train [options]      train (see --help)
 *   examples/run charrnn sample --checkpoint FILE [options]
 * </pre>
 */
public final class CharRnnMain {

    private static final String USAGE = String.join("\n",
            "usage: examples/run charrnn [train options]  (a one-minute LSTM demo on tiny-shakespeare)",
            "       examples/run charrnn train [options]",
            "       examples/run charrnn sample --checkpoint FILE [options]",
            "",
            "train options:",
            "  --data FILE          UTF-8 text to learn (default: the bundled tiny-shakespeare)",
            "  --cell lstm|gru|rnn  recurrent cell (default lstm; rnn is tanh)",
            "  --hidden N           hidden size H (default 128)",
            "  --layers N           stacked layers L (default 2)",
            "  --embedding N        character embedding size E, 0 for one-hot input (default: H)",
            "  --batch N            parallel streams B (default 50)",
            "  --seq N              steps per chunk T, the truncated-BPTT length (default 50)",
            "  --steps N            training steps; with --resume, the total to reach (default 1000)",
            "  --lr X               Adam learning rate (default 0.002)",
            "  --dropout X          dropout probability between layers and before the decoder (default 0)",
            "  --clip X             clip gradients to [-X, X] (default 5, as char-rnn)",
            "  --clip-norm X        clip the global gradient norm to X instead",
            "  --val-fraction X     fraction held out from the end of the text (default 0.1)",
            "  --seed N             seed of the weights and dropout (default 1)",
            "  --checkpoint FILE    save the run (weights, optimizer, state) at every evaluation and at the end",
            "  --resume FILE        continue a run saved with --checkpoint (which then defaults to FILE)",
            "  --plot FILE.png      draw training and validation loss against steps",
            "  --eval-every N       validation every N steps, 0 for only at the end (default 200)",
            "  --log-every N        progress line every N steps (default 10)",
            "  --sample-every N     print a sample every N steps, 0 for only at the end (default 0)",
            "  --time-limit S       stop after S seconds of training if the steps are not done (default none)",
            "",
            "sample options:",
            "  --checkpoint FILE    the model to sample from (required)",
            "  --prime TEXT         text that warms the state up and starts the output (default: none)",
            "  --length N           characters to generate (default 500)",
            "  --temperature T      softmax temperature, 0 for greedy (default 0.8)",
            "  --top-k K            draw only among the K most likely characters, 0 for all (default 0)",
            "  --seed N             seed of the draws (default 1)");

    private static final Set<String> TRAIN_OPTIONS = Set.of("data", "cell", "hidden", "layers", "embedding",
            "batch", "seq", "steps", "lr", "dropout", "clip", "clip-norm", "val-fraction", "seed", "checkpoint",
            "resume", "plot", "eval-every", "log-every", "sample-every", "time-limit");
    /** Options that a resumed run takes from its checkpoint. */
    private static final Set<String> FIXED_ON_RESUME = Set.of("cell", "hidden", "layers", "embedding",
            "batch", "seq", "lr", "dropout", "clip", "clip-norm", "val-fraction", "seed");
    private static final Set<String> SAMPLE_OPTIONS = Set.of("checkpoint", "prime", "length", "temperature",
            "top-k", "seed");

    /** The demo's settings: a small model that writes Shakespeare-shaped text after a minute on 2 cores. */
    private static final Map<String, String> DEMO = demoSettings();

    private static Map<String, String> demoSettings() {
        Map<String, String> demo = new LinkedHashMap<>();
        demo.put("cell", "lstm");
        demo.put("hidden", "128");
        demo.put("layers", "2");
        demo.put("batch", "16");        // more, smaller steps learn faster in a minute than B = 50
        demo.put("lr", "0.005");
        demo.put("steps", "100000");
        demo.put("time-limit", "60");
        demo.put("eval-every", "0");
        demo.put("sample-every", "100");
        demo.put("log-every", "10");
        return demo;
    }

    private static final int SAMPLE_LENGTH_DURING_TRAINING = 300;
    private static final double SAMPLE_TEMPERATURE = 0.8;

    private final PrintStream out;

    private CharRnnMain(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the example; exits with 2 and a one-line message on bad options or unreadable files.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        try {
            new CharRnnMain(out).run(args);
        } catch (UsageException e) {
            System.err.println("charrnn: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    private void run(String[] args) throws UsageException {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return;
        }
        try {
            if (args.length == 0 || args[0].startsWith("--")) {
                demo(args);
            } else if (args[0].equals("train")) {
                train(Options.parse(args, 1, TRAIN_OPTIONS));
            } else if (args[0].equals("sample")) {
                sample(Options.parse(args, 1, SAMPLE_OPTIONS));
            } else {
                throw new UsageException("unknown command '" + args[0] + "' (expected train or sample)");
            }
        } catch (CheckpointFormatException e) {
            throw new UsageException(e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new UsageException("cannot write a file: " + e.getCause());
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + e.getFile());
        } catch (IOException e) {
            throw new UsageException("cannot read or write a file: " + e);
        }
    }

    /**
     * The README's demo: train with the demo's settings, stopped after about a minute, with samples as it
     * goes; train options given on the command line override the demo's.
     */
    private void demo(String[] args) throws UsageException, IOException {
        Map<String, String> settings = new LinkedHashMap<>(DEMO);
        Options given = Options.parse(args, 0, TRAIN_OPTIONS);
        given.values.forEach(settings::put);
        List<String> line = new ArrayList<>();
        settings.forEach((k, v) -> {
            line.add("--" + k);
            line.add(v);
        });
        out.println("Training a " + settings.get("layers") + "-layer " + settings.get("cell").toUpperCase(Locale.ROOT)
                + " (H=" + settings.get("hidden") + ") on "
                + (given.has("data") ? settings.get("data") : "tiny-shakespeare") + " for about "
                + settings.get("time-limit") + " seconds; samples follow as it learns.\n"
                + "Run 'examples/run charrnn --help' for the options.\n");
        train(Options.parse(line.toArray(new String[0]), 0, TRAIN_OPTIONS));
    }

    private void train(Options options) throws UsageException, IOException {
        Path resume = options.path("resume", null);
        Path data = options.path("data", defaultData());
        String text = readText(data);
        Path checkpoint = options.path("checkpoint", resume);
        Path plot = options.path("plot", null);
        long steps = options.longValue("steps", 1000, 0);
        int evalEvery = options.intValue("eval-every", 200, 0);
        int logEvery = options.intValue("log-every", 10, 1);
        int sampleEvery = options.intValue("sample-every", 0, 0);
        double timeLimit = options.doubleValue("time-limit", 0, 0, Double.MAX_VALUE);

        CharLmTrainer trainer;
        if (resume != null) {
            for (String fixed : FIXED_ON_RESUME) {
                if (options.has(fixed)) {
                    throw new UsageException("--" + fixed + " cannot be given with --resume: the checkpoint fixes it");
                }
            }
            try {
                // Adam's learning rate and moments come from the checkpoint
                trainer = CharLmTrainer.resume(resume, text, adam(2e-3));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        } else {
            CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
            int hidden = options.intValue("hidden", 128, 1);
            CharLmConfig config = new CharLmConfig(cell(options.string("cell", "lstm")), vocabulary.size(),
                    options.intValue("embedding", hidden, 0), hidden, options.intValue("layers", 2, 1),
                    (float) options.doubleValue("dropout", 0, 0, 0.99));
            TrainingConfig.Builder training = TrainingConfig.builder()
                    .batchSize(options.intValue("batch", 50, 1))
                    .seqLength(options.intValue("seq", 50, 1))
                    .valFraction(options.doubleValue("val-fraction", 0.1, 1e-6, 0.99))
                    .seed(options.longValue("seed", 1, Long.MIN_VALUE));
            if (options.has("clip-norm")) {
                if (options.has("clip")) {
                    throw new UsageException("give --clip or --clip-norm, not both");
                }
                training.clipGlobalNorm(options.doubleValue("clip-norm", 5, 1e-12, Double.MAX_VALUE));
            } else {
                training.clipValue(options.doubleValue("clip", 5, 1e-12, Double.MAX_VALUE));
            }
            double lr = options.doubleValue("lr", 2e-3, 0, 10);
            try {
                CharLanguageModel model = new CharLanguageModel(config, vocabulary, training.build().seed());
                trainer = CharLmTrainer.create(model, text, training.build(), adam(lr));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (steps <= trainer.stepCount() && resume != null) {
            throw new UsageException("--steps " + steps + " is not beyond the checkpoint's step "
                    + trainer.stepCount() + " (with --resume, --steps is the total to reach)");
        }

        CharLmTrainer run = trainer;
        List<LossPlot.Point> trainCurve = new ArrayList<>();
        List<LossPlot.Point> valCurve = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            private double windowLoss;
            private int windowSteps;

            @Override
            public void onStep(long step, float loss) {
                windowLoss += loss;
                windowSteps++;
                if (step % logEvery == 0) {
                    trainCurve.add(new LossPlot.Point(step, windowLoss / windowSteps));
                    windowLoss = 0;
                    windowSteps = 0;
                }
                if (sampleEvery > 0 && step % sampleEvery == 0) {
                    printSample(run.model(), "sample at step " + step, step);
                }
            }

            @Override
            public void onEvaluation(long step, Evaluation evaluation) {
                valCurve.add(new LossPlot.Point(step, evaluation.loss()));
                if (checkpoint != null) {
                    save(run, checkpoint);
                }
            }
        };
        TrainingSchedule schedule = TrainingSchedule.until(steps).withEvalEvery(evalEvery).withLogEvery(logEvery)
                .withTimeLimit(timeLimit > 0 ? Duration.ofMillis((long) (timeLimit * 1000)) : null);
        TrainingSummary summary = trainer.train(schedule, listener);
        if (checkpoint != null) {
            save(trainer, checkpoint);
            out.println("checkpoint: " + checkpoint);
        }
        if (plot != null) {
            LossPlot.write(plot, String.format(Locale.ROOT, "%s on %s: %d steps, validation %.3f nats "
                    + "(%.3f bpc)", describe(trainer.model()), data.getFileName(), summary.steps(),
                    summary.valLoss(), summary.valBitsPerCharacter()), trainCurve, valCurve);
            out.println("plot: " + plot);
        }
        printSample(trainer.model(), "final sample", summary.steps());
        out.println(summary.toLine());
    }

    private void sample(Options options) throws UsageException, IOException {
        Path file = options.path("checkpoint", null);
        if (file == null) {
            throw new UsageException("sample needs --checkpoint FILE");
        }
        String prime = options.string("prime", "");
        int length = options.intValue("length", 500, 0);
        double temperature = options.doubleValue("temperature", SAMPLE_TEMPERATURE, 0, 100);
        int topK = options.intValue("top-k", 0, 0);
        long seed = options.longValue("seed", 1, Long.MIN_VALUE);
        CharLanguageModel model = CharLanguageModel.load(file);
        TextGenerator generator = model.generator(new SamplingOptions(temperature, topK), new SplitMix64(seed));
        try {
            generator.prime(prime);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--prime: " + e.getMessage());
        }
        StringBuilder line = new StringBuilder(prime);
        for (int i = 0; i < length; i++) {
            int codePoint = generator.next();
            line.appendCodePoint(codePoint);
            if (codePoint == '\n') {     // stream the text line by line as it is generated
                out.print(line);
                line.setLength(0);
            }
        }
        out.println(line);
    }

    private void printSample(CharLanguageModel model, String title, long step) {
        TextGenerator generator = model.generator(SamplingOptions.withTemperature(SAMPLE_TEMPERATURE),
                new SplitMix64(step));
        String text = generator.generate(SAMPLE_LENGTH_DURING_TRAINING);
        out.println("----- " + title + " (temperature " + SAMPLE_TEMPERATURE + ") -----");
        out.println(text);
        out.println("-----");
    }

    private void save(CharLmTrainer trainer, Path file) {
        try {
            trainer.save(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Function<Parameters, Optimizer> adam(double lr) {
        return p -> new Adam(p, AdamConfig.adam().learningRate(lr).build());
    }

    private static String describe(CharLanguageModel model) {
        CharLmConfig c = model.config();
        return String.format(Locale.ROOT, "%d-layer %s, H=%d", c.numLayers(), c.cell(), c.hiddenSize());
    }

    private static CellType cell(String name) throws UsageException {
        return switch (name) {
            case "lstm" -> CellType.LSTM;
            case "gru" -> CellType.GRU;
            case "rnn" -> CellType.RNN_TANH;
            default -> throw new UsageException("--cell must be lstm, gru or rnn but was '" + name + "'");
        };
    }

    private static Path defaultData() {
        String home = System.getProperty("seq4j.home", ".");
        return Path.of(home, "examples", "data", "tinyshakespeare", "input.txt");
    }

    private static String readText(Path file) throws UsageException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                throw new UsageException("the data file " + file + " is empty");
            }
            return text;
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read the data file " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new UsageException("the data file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UsageException("cannot read the data file " + file + ": " + e.getMessage());
        }
    }

    /** A bad command line or an unreadable input: reported in one line with the usage, exit code 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** {@code --name value} pairs, checked against the allowed names. */
    static final class Options {
        final Map<String, String> values;

        private Options(Map<String, String> values) {
            this.values = values;
        }

        static Options parse(String[] args, int from, Set<String> allowed) throws UsageException {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = from; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--") || !allowed.contains(arg.substring(2))) {
                    throw new UsageException("unknown option '" + arg + "'");
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                if (values.put(arg.substring(2), args[++i]) != null) {
                    throw new UsageException(arg + " is given twice");
                }
            }
            return new Options(values);
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        String string(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        Path path(String name, Path fallback) {
            return has(name) ? Path.of(values.get(name)) : fallback;
        }

        long longValue(String name, long fallback, long min) throws UsageException {
            if (!has(name)) {
                return fallback;
            }
            try {
                long v = Long.parseLong(values.get(name));
                if (v < min) {
                    throw new UsageException("--" + name + " must be at least " + min + " but was " + v);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be an integer but was '" + values.get(name) + "'");
            }
        }

        int intValue(String name, int fallback, int min) throws UsageException {
            long v = longValue(name, fallback, min);
            if (v > Integer.MAX_VALUE) {
                throw new UsageException("--" + name + " is too large: " + v);
            }
            return (int) v;
        }

        double doubleValue(String name, double fallback, double min, double max) throws UsageException {
            if (!has(name)) {
                return fallback;
            }
            try {
                double v = Double.parseDouble(values.get(name));
                if (!(v >= min && v <= max)) {
                    throw new UsageException("--" + name + " must be in [" + min + ", " + max + "] but was " + v);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be a number but was '" + values.get(name) + "'");
            }
        }
    }
}
