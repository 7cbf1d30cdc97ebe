package org.seq4j.examples.charrnn;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Heap;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.cli.PathChecks;
import org.seq4j.examples.cli.PathChecks.Arg;
import org.seq4j.examples.cli.TextFiles;
import org.seq4j.lm.CharLanguageModel;
import org.seq4j.lm.CharLmConfig;
import org.seq4j.lm.CharLmTrainer;
import org.seq4j.lm.Evaluation;
import org.seq4j.lm.SamplingOptions;
import org.seq4j.lm.TextGenerator;
import org.seq4j.lm.TrainingConfig;
import org.seq4j.lm.TrainingDivergedException;
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
 * Every command runs under {@link Cli#run}: a mistake is one line on standard error and exit status 2
 * (bad usage or input) or 1 (a failure during training), the stack trace only with {@code --verbose}.
 * Before any work, {@code train} checks every option, its input and output files (an output is never an
 * input, and an existing checkpoint is replaced only with {@code --overwrite}, or continued with
 * {@code --resume}) and that the model fits the Java heap.
 */
public final class CharRnnMain {

    static final String NAME = "charrnn";

    static final String USAGE = String.join("\n",
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
            "  --overwrite          replace an existing --checkpoint file (without it, an existing one is refused)",
            "  --resume FILE        continue a run saved with --checkpoint (which then defaults to FILE); the run",
            "                       keeps its model and training settings: those given again must be equal, and",
            "                       --data must be the run's text",
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
            "  --seed N             seed of the draws (default 1)",
            "",
            "  --verbose            print the stack trace of a failure; --help prints this text",
            "Training stops with exit status 1 at the first NaN or infinite loss, gradient or weight, or when the",
            "mean loss of 10 steps exceeds 4 x max(ln V, 1) nats; the last checkpoint saved before is kept.");

    private static final Options.Spec TRAIN_OPTIONS = Options.spec("--").values("data", "cell", "hidden", "layers",
            "embedding", "batch", "seq", "steps", "lr", "dropout", "clip", "clip-norm", "val-fraction", "seed",
            "checkpoint", "resume", "plot", "eval-every", "log-every", "sample-every", "time-limit")
            .switches("overwrite");
    private static final Options.Spec SAMPLE_OPTIONS = Options.spec("--").values("checkpoint", "prime", "length",
            "temperature", "top-k", "seed");

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
    private static final double DEFAULT_LR = 2e-3;

    // bounds of the options: beyond them a value is a typo, or is refused by the heap check
    private static final int MAX_SIZE = 1 << 20;
    private static final int MAX_LAYERS = 100;
    private static final long MAX_STEPS = 1_000_000_000_000L;
    /** Ten years: a longer time limit is a typo (and would overflow the clock's nanoseconds). */
    private static final double MAX_TIME_LIMIT_SECONDS = 10 * 365.25 * 24 * 3600;
    private static final int MAX_SAMPLE_LENGTH = 100_000_000;
    /** Heap per byte of training text: the text, its ids (training and validation copies), the vocabulary count. */
    private static final double HEAP_BYTES_PER_TEXT_BYTE = 16;
    /** Generated text is printed at every line end, or when this many characters have no line end. */
    private static final int MAX_PENDING_OUTPUT = 8192;

    private final PrintStream out;

    private CharRnnMain(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Cli.exit(run(args, Cli.stdout(), Cli.stderr()));
    }

    /**
     * Runs the example without exiting the JVM.
     *
     * @param args the command line
     * @param out  samples, the summary line and the usage
     * @param err  the one-line message of a failure
     * @return the exit status: 0 done, 2 bad usage or input, 1 a failure during training
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(NAME, USAGE, args, out, err, (a, o) -> new CharRnnMain(o).dispatch(a));
    }

    private void dispatch(String[] args) throws IOException {
        if (args.length == 0 || args[0].startsWith("--")) {
            demo(args);
        } else if (args[0].equals("train")) {
            train(TRAIN_OPTIONS.parse(args, 1));
        } else if (args[0].equals("sample")) {
            sample(SAMPLE_OPTIONS.parse(args, 1));
        } else {
            throw CliException.usage("unknown command '" + args[0] + "' (expected train or sample)");
        }
    }

    /**
     * The README's demo: train with the demo's settings, stopped after about a minute, with samples as it
     * goes; train options given on the command line override the demo's.
     */
    private void demo(String[] args) throws IOException {
        Options given = TRAIN_OPTIONS.parse(args, 0);
        Options settings = given.withDefaults(DEMO);
        out.println("Training a " + settings.string("layers", "") + "-layer "
                + settings.string("cell", "").toUpperCase(Locale.ROOT) + " (H=" + settings.string("hidden", "")
                + ") on " + (given.has("data") ? settings.string("data", "") : "tiny-shakespeare") + " for about "
                + settings.string("time-limit", "") + " seconds; samples follow as it learns.\n"
                + "Run 'examples/run charrnn --help' for the options.\n");
        train(settings);
    }

    private void train(Options options) throws IOException {
        // Every option first: a typo costs nothing.
        Path resume = options.path("resume", null);
        Path data = options.path("data", defaultData());
        Path checkpoint = options.path("checkpoint", resume);
        Path plot = options.path("plot", null);
        boolean overwrite = options.has("overwrite");
        long steps = options.longValue("steps", 1000, 0, MAX_STEPS);
        int evalEvery = options.intValue("eval-every", 200, 0, Integer.MAX_VALUE);
        int logEvery = options.intValue("log-every", 10, 1, Integer.MAX_VALUE);
        int sampleEvery = options.intValue("sample-every", 0, 0, Integer.MAX_VALUE);
        double timeLimit = options.doubleValue("time-limit", 0, 0, MAX_TIME_LIMIT_SECONDS);
        Settings settings = Settings.parse(options);

        // Then the files, before anything is read or written.
        checkFiles(data, resume, checkpoint, plot, overwrite);
        String text = TextFiles.readUtf8("--data", data, HEAP_BYTES_PER_TEXT_BYTE);

        CharLmTrainer trainer;
        if (resume != null) {
            trainer = resume(resume, text, data, options.has("data"));
            settings.checkAgainst(trainer, resume);
            if (steps <= trainer.stepCount()) {
                throw CliException.usage("--steps " + steps + " is not beyond the checkpoint's step "
                        + trainer.stepCount() + " (with --resume, --steps is the total to reach)");
            }
        } else {
            CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
            CharLmConfig config = settings.modelConfig(vocabulary.size());
            TrainingConfig training = settings.trainingConfig();
            checkMemory(config, training, settings);
            CharLanguageModel model = new CharLanguageModel(config, vocabulary, training.seed());
            trainer = CharLmTrainer.create(model, text, training, adam(settings.lr));
        }

        CharLmTrainer run = trainer;
        long[] savedStep = {-1};
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
                    savedStep[0] = step;
                }
            }
        };
        TrainingSchedule schedule = TrainingSchedule.until(steps).withEvalEvery(evalEvery).withLogEvery(logEvery)
                .withTimeLimit(timeLimit > 0 ? Duration.ofMillis(Math.max(1, Math.round(timeLimit * 1000))) : null);
        TrainingSummary summary;
        try {
            summary = trainer.train(schedule, listener);
        } catch (TrainingDivergedException e) {
            String kept = savedStep[0] >= 0 ? "the checkpoint " + checkpoint + " keeps step " + savedStep[0]
                    + ", the last good state"
                    : resume != null && checkpoint != null && PathChecks.sameFile(checkpoint, resume)
                    ? "the checkpoint " + checkpoint + " is unchanged" : "nothing was saved";
            throw CliException.failure(e.getMessage() + "; " + kept + "; train with a lower --lr (this run: "
                    + run.optimizer().learningRate() + ") or --clip-norm 1", e);
        }
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

    /**
     * The files of a training run, checked before anything is read: the inputs exist and are files; the
     * outputs can be written, are not an input nor each other, and an existing checkpoint is replaced only
     * with --overwrite (or continued with --resume).
     */
    private static void checkFiles(Path data, Path resume, Path checkpoint, Path plot, boolean overwrite)
            throws IOException {
        Arg dataArg = new Arg("--data", data);
        PathChecks.inputFile(dataArg.flag(), data);
        Arg resumeArg = resume != null ? new Arg("--resume", resume) : null;
        if (resume != null) {
            PathChecks.inputFile(resumeArg.flag(), resume);
        }
        List<Arg> outputs = new ArrayList<>();
        Arg checkpointArg = null;
        if (checkpoint != null) {
            checkpointArg = new Arg("--checkpoint", checkpoint);
            PathChecks.outputFile(checkpointArg.flag(), checkpoint);
            outputs.add(checkpointArg);
        }
        Arg plotArg = null;
        if (plot != null) {
            plotArg = new Arg("--plot", plot);
            PathChecks.outputFile(plotArg.flag(), plot);
            outputs.add(plotArg);
        }
        PathChecks.distinct(List.of(dataArg), outputs);
        if (resumeArg != null && plotArg != null) {
            PathChecks.distinct(List.of(resumeArg), List.of(plotArg));
        }
        boolean continuing = resume != null && checkpoint != null && PathChecks.sameFile(checkpoint, resume);
        if (checkpointArg != null && !continuing) {
            PathChecks.refuseExisting(checkpointArg, overwrite, "give --overwrite to replace it, or --resume "
                    + checkpoint + " to continue that run");
        }
        if (plotArg != null && Files.exists(plot) && !overwrite && !isPng(plot)) {
            throw CliException.input("--plot " + plot + " already exists and is not a PNG image; give --overwrite "
                    + "to replace it, or choose another file");
        }
    }

    private static boolean isPng(Path file) throws IOException {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(signature.length), signature);
        }
    }

    /** Resumes a run, saying in the user's terms why the text does not fit the checkpoint. */
    private static CharLmTrainer resume(Path checkpoint, String text, Path data, boolean dataGiven)
            throws IOException {
        try {
            // Adam's learning rate and moments come from the checkpoint
            return CharLmTrainer.resume(checkpoint, text, adam(DEFAULT_LR));
        } catch (IllegalArgumentException e) {
            if (!dataGiven) {
                throw CliException.input("--resume " + checkpoint + " does not fit the default --data " + data
                        + " (tiny-shakespeare): " + e.getMessage() + "; give the run's text with --data FILE", e);
            }
            throw CliException.input("--resume " + checkpoint + " does not fit --data " + data + ": " + e.getMessage()
                    + "; give the text the run was trained on", e);
        }
    }

    /** Refuses a model and batch that would not fit the Java heap, before allocating them. */
    private static void checkMemory(CharLmConfig c, TrainingConfig t, Settings settings) {
        double v = c.vocabSize();
        double in = c.inputSize();
        double h = c.hiddenSize();
        double gates = c.cell().gateCount();
        double rows = (double) t.batchSize() * t.seqLength();
        double recurrent = 0;
        for (int l = 0; l < c.numLayers(); l++) {
            recurrent += gates * h * ((l == 0 ? in : h) + h) + 2 * gates * h;
        }
        double parameters = (c.oneHotInput() ? 0 : v * c.embeddingSize()) + recurrent + h * v + v;
        String[] names = {"rnn.weight_ih_l0", "rnn.weight_hh_l0", "the logits of a chunk (B·T, V)",
                "the gates of a chunk (B·T, G·H)", "the input of a chunk (B·T, E)", "decoder.weight"};
        double[] sizes = {gates * h * in, gates * h * h, rows * v, rows * gates * h, rows * in, h * v};
        for (int i = 0; i < names.length; i++) {
            if (sizes[i] > Integer.MAX_VALUE - 64) {
                throw CliException.input(String.format(Locale.ROOT, "%s: %s would hold %.3g elements, more than a "
                        + "Java array holds (2^31); choose a smaller --hidden, --embedding, --batch or --seq",
                        settings.describe(), names[i], sizes[i]));
            }
        }
        // weights, gradients, Adam's two moments, the layer's working copies of its weights, and the copies
        // a checkpoint save makes of weights and moments: about 7 floats per parameter
        double parameterBytes = 4 * 7 * parameters;
        // per workspace (training and validation): ids, inputs, logits and their gradient, the top output and
        // dropout buffers, and per layer the recurrent cache (gates, states, their activations)
        double workspaceBytes = 4 * rows * (2 + in + 2 * v + 3 * h + c.numLayers() * h * (gates + 4));
        Heap.require(parameterBytes + 2 * workspaceBytes, String.format(Locale.ROOT, "%s (%,.0f parameters, "
                + "B·T = %,.0f rows)", settings.describe(), parameters, rows));
    }

    private void sample(Options options) throws IOException {
        Path file = options.path("checkpoint", null);
        if (file == null) {
            throw CliException.usage("sample needs --checkpoint FILE");
        }
        String prime = options.string("prime", "");
        int length = options.intValue("length", 500, 0, MAX_SAMPLE_LENGTH);
        double temperature = options.doubleValue("temperature", SAMPLE_TEMPERATURE, 0, 100);
        int topK = options.intValue("top-k", 0, 0, Integer.MAX_VALUE);
        long seed = options.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        PathChecks.inputFile("--checkpoint", file);
        CharLanguageModel model = CharLanguageModel.load(file);
        TextGenerator generator = model.generator(new SamplingOptions(temperature, topK), new SplitMix64(seed));
        try {
            generator.prime(prime);
        } catch (IllegalArgumentException e) {
            throw CliException.input("--prime: " + e.getMessage() + "; use only characters of the model's text", e);
        }
        StringBuilder line = new StringBuilder(prime);
        for (int i = 0; i < length; i++) {
            int codePoint = generator.next();
            line.appendCodePoint(codePoint);
            if (codePoint == '\n' || line.length() >= MAX_PENDING_OUTPUT) {   // stream the text as it comes
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

    private static void save(CharLmTrainer trainer, Path file) {
        try {
            trainer.save(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Function<Parameters, Optimizer> adam(double lr) {
        return p -> new Adam(p, AdamConfig.adam().learningRate(lr).build());
    }

    private static String describe(CharLanguageModel model) {
        CharLmConfig c = model.config();
        return String.format(Locale.ROOT, "%d-layer %s, H=%d", c.numLayers(), c.cell(), c.hiddenSize());
    }

    private static Path defaultData() {
        String home = System.getProperty("seq4j.home", ".");
        return Path.of(home, "examples", "data", "tinyshakespeare", "input.txt");
    }

    /**
     * The model and training settings of the command line, with their defaults, and which were given: a
     * resumed run takes them from its checkpoint and accepts those given only if equal.
     */
    private static final class Settings {
        final Options options;
        final CellType cell;
        final int hidden;
        final int layers;
        final int embedding;
        final double dropout;
        final int batch;
        final int seq;
        final double lr;
        final TrainingConfig.Clipping clipping;
        final double clipThreshold;
        final double valFraction;
        final long seed;

        private Settings(Options o) {
            this.options = o;
            this.cell = cell(o.oneOf("cell", "lstm", "lstm", "gru", "rnn"));
            this.hidden = o.intValue("hidden", 128, 1, MAX_SIZE);
            this.layers = o.intValue("layers", 2, 1, MAX_LAYERS);
            this.embedding = o.intValue("embedding", hidden, 0, MAX_SIZE);
            this.dropout = o.doubleValue("dropout", 0, 0, 0.99);
            this.batch = o.intValue("batch", 50, 1, MAX_SIZE);
            this.seq = o.intValue("seq", 50, 1, MAX_SIZE);
            this.lr = o.positiveValue("lr", DEFAULT_LR, 0, 10);
            if (o.has("clip") && o.has("clip-norm")) {
                throw CliException.usage("give --clip or --clip-norm, not both");
            }
            this.clipping = o.has("clip-norm") ? TrainingConfig.Clipping.GLOBAL_NORM : TrainingConfig.Clipping.VALUE;
            this.clipThreshold = o.has("clip-norm") ? o.positiveValue("clip-norm", 5, 0, 1e30)
                    : o.positiveValue("clip", 5, 0, 1e30);
            this.valFraction = o.doubleValue("val-fraction", 0.1, 1e-6, 0.99);
            this.seed = o.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        static Settings parse(Options o) {
            return new Settings(o);
        }

        CharLmConfig modelConfig(int vocabSize) {
            return new CharLmConfig(cell, vocabSize, embedding, hidden, layers, (float) dropout);
        }

        TrainingConfig trainingConfig() {
            return TrainingConfig.builder().batchSize(batch).seqLength(seq).valFraction(valFraction)
                    .clipping(clipping, clipThreshold).seed(seed).build();
        }

        String describe() {
            return String.format(Locale.ROOT, "--hidden %d --layers %d --embedding %d --batch %d --seq %d", hidden,
                    layers, embedding, batch, seq);
        }

        /** A resumed run: every model or training flag given must equal the checkpoint's. */
        void checkAgainst(CharLmTrainer trainer, Path checkpoint) {
            CharLmConfig m = trainer.model().config();
            TrainingConfig t = trainer.config();
            same("cell", cell == m.cell(), name(m.cell()), checkpoint);
            same("hidden", hidden == m.hiddenSize(), m.hiddenSize(), checkpoint);
            same("layers", layers == m.numLayers(), m.numLayers(), checkpoint);
            same("embedding", embedding == m.embeddingSize(), m.embeddingSize(), checkpoint);
            same("dropout", (float) dropout == m.dropout(), m.dropout(), checkpoint);
            same("batch", batch == t.batchSize(), t.batchSize(), checkpoint);
            same("seq", seq == t.seqLength(), t.seqLength(), checkpoint);
            same("lr", close(lr, trainer.optimizer().learningRate()), trainer.optimizer().learningRate(), checkpoint);
            same("val-fraction", close(valFraction, t.valFraction()), t.valFraction(), checkpoint);
            same("seed", seed == t.seed(), t.seed(), checkpoint);
            boolean clipSame = clipping == t.clipping() && close(clipThreshold, t.clipThreshold());
            String saved = switch (t.clipping()) {
                case VALUE -> "--clip " + t.clipThreshold();
                case GLOBAL_NORM -> "--clip-norm " + t.clipThreshold();
                case NONE -> "no clipping";
            };
            same(clipping == TrainingConfig.Clipping.GLOBAL_NORM ? "clip-norm" : "clip", clipSame, saved, checkpoint);
        }

        private void same(String name, boolean equal, Object saved, Path checkpoint) {
            if (options.has(name) && !equal) {
                throw CliException.usage("--" + name + " " + options.string(name, "") + " conflicts with the run in "
                        + checkpoint + ", which has " + (saved instanceof String s && s.startsWith("--") ? s
                        : "--" + name + " " + saved) + " (a resumed run keeps its settings); leave --" + name
                        + " out or give the run's value");
            }
        }

        private static boolean close(double a, double b) {
            return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
        }

        private static CellType cell(String name) {
            return switch (name) {
                case "gru" -> CellType.GRU;
                case "rnn" -> CellType.RNN_TANH;
                default -> CellType.LSTM;
            };
        }

        private static String name(CellType cell) {
            return switch (cell) {
                case LSTM -> "lstm";
                case GRU -> "gru";
                case RNN_TANH -> "rnn";
                default -> cell.toString();
            };
        }
    }
}
