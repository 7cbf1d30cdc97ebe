package org.seq4j.examples.gradientflow;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.check.GateSaturation;
import org.seq4j.check.GradientFlow;
import org.seq4j.check.GradientFlowReport;
import org.seq4j.check.WeightSpectrum;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.plot.LinePlot;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentInit;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.tensor.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gradient-flow example: the vanishing and exploding gradient measured, and the adding problem that
 * shows what it does to learning.
 *
 * <pre>
 *   examples/run gradient-flow [options]
 * </pre>
 * (a) {@code ‖∂L/∂h_t‖} against the distance from the loss step for an Elman RNN whose {@code W_hh} is
 * scaled to spectral radius 0.9, 1.0 and 1.1, an LSTM and a GRU: linearised at {@code h = 0}, on a batch
 * of the adding problem at initialisation, and after training (the models of (b) at the longest length)
 * ({@code gradient-norms.png}); (b) the adding problem at several lengths for each cell, with and
 * without gradient clipping: the final test MSE against the baseline of predicting 1
 * ({@code adding-curves.png} holds the learning curves). See {@code docs/gradient-flow.md}.
 */
public final class GradientFlowMain {

    private static final Logger LOG = LoggerFactory.getLogger(GradientFlowMain.class);

    static final String NAME = "gradient-flow";

    static final String USAGE = String.join("\n",
            "usage: examples/run gradient-flow [options]",
            "",
            "(a) the gradient norm against the distance from the loss step: Elman RNN with W_hh scaled to",
            "    spectral radius 0.9, 1.0, 1.1, an LSTM and a GRU -> DIR/gradient-norms.png",
            "(b) the adding problem (Hochreiter & Schmidhuber 1997) for each cell and length, with and without",
            "    gradient clipping: test MSE against predicting 1 -> DIR/adding-curves.png",
            "",
            "options:",
            "  --steps N        training steps per configuration (default 2500)",
            "  --lengths LIST   sequence lengths T of the adding problem (default 50,100,200)",
            "  --cells LIST     cells among rnn,lstm,gru (default rnn,lstm,gru)",
            "  --hidden N       hidden size H (default 32)",
            "  --batch N        sequences per training step B (default 32)",
            "  --optimizer NAME adam or sgd (default adam)",
            "  --lr X           learning rate (default 0.01 for adam, 0.1 for sgd)",
            "  --momentum X     SGD momentum (default 0; sgd only)",
            "  --clip X         largest global gradient norm of the clipped runs (default 1)",
            "  --forget-bias X  LSTM forget-gate bias: bias_ih[f] = X, bias_hh[f] = 0 (default 1); 'none' keeps",
            "                   PyTorch's initialisation, uniform in ±1/√H like every other bias",
            "  --test N         test sequences per length (default 512)",
            "  --distance N     longest distance of the gradient-norm picture (default 100)",
            "  --threads N      configurations trained at once, one core each (default 2)",
            "  --seed N         seed of initialisation, data and directions (default 1)",
            "  --out DIR        directory for the PNGs (default gradient-flow)",
            "  --help           this text");

    /** A configuration is solved when its test MSE is below this (the baseline is about 0.167). */
    static final double SOLVED_MSE = 0.01;
    private static final double[] RADII = {0.9, 1.0, 1.1};
    /** The colours of the RNNs scaled to each of {@link #RADII}: blue, cyan, red. */
    private static final int[] RADIUS_COLORS = {0, 9, 3};

    private final PrintStream out;
    private final Settings settings;

    /** The parsed command line. */
    record Settings(int steps, List<Integer> lengths, List<CellType> cells, int hidden, int batch, double learningRate,
                    double momentum, double clip, double forgetBias, int testSize, int distance, int threads, long seed,
                    Path outDir) {

        /** Adam, or SGD with {@link #momentum}. */
        boolean adam() {
            return Double.isNaN(momentum);
        }

        /** The optimiser and its learning rate, for people: {@code Adam lr 0.01}, {@code SGD lr 0.1}. */
        String optimizer() {
            return (adam() ? "Adam" : "SGD") + " lr " + learningRate
                    + (adam() || momentum == 0 ? "" : " momentum " + momentum);
        }

        /** The initialisation of a cell: PyTorch's, with the forget-gate bias for an LSTM if one is set. */
        RecurrentInit init(CellType cell) {
            RecurrentInit init = RecurrentInit.pytorchDefault();
            return cell == CellType.LSTM && !Double.isNaN(forgetBias) ? init.withForgetGateBias((float) forgetBias) : init;
        }
    }

    private GradientFlowMain(PrintStream out, Settings settings) {
        this.out = out;
        this.settings = settings;
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
     * Runs the example under the examples' handler: {@code --help}, one-line errors.
     *
     * @param args the command line
     * @param out  results
     * @param err  the one-line message of a failure
     * @return 0 when done, 2 for a bad command line or output directory, 1 for a failure during the work
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(NAME, USAGE, args, out, err, (a, o) -> {
            Settings settings = parse(a);
            prepareOutput(settings.outDir());
            new GradientFlowMain(o, settings).run();
        });
    }

    // ----------------------------------------------------------------------------------------------
    // Command line

    static Settings parse(String[] args) {
        Options options = Options.spec("--").values("steps", "lengths", "cells", "hidden", "batch", "optimizer", "lr",
                "momentum", "clip", "forget-bias", "test", "distance", "threads", "seed", "out").parse(args, 0);
        boolean adam = options.oneOf("optimizer", "adam", "adam", "sgd").equals("adam");
        if (adam && options.has("momentum")) {
            throw CliException.usage("--momentum is for --optimizer sgd; Adam has none");
        }
        List<Integer> lengths = new ArrayList<>();
        for (String part : options.string("lengths", "50,100,200").split(",", -1)) {
            int length;
            try {
                length = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw CliException.usage("--lengths must be whole numbers separated by commas but held '" + part + "'");
            }
            if (length < 2 || length > 10_000) {
                throw CliException.usage("--lengths must be from 2 to 10000 but held " + length);
            }
            if (lengths.contains(length)) {
                throw CliException.usage("--lengths lists " + length + " twice");
            }
            lengths.add(length);
        }
        List<CellType> cells = new ArrayList<>();
        for (String part : options.string("cells", "rnn,lstm,gru").split(",", -1)) {
            CellType cell = switch (part.trim()) {
                case "rnn" -> CellType.RNN_TANH;
                case "lstm" -> CellType.LSTM;
                case "gru" -> CellType.GRU;
                default -> throw CliException.usage("--cells takes rnn, lstm and gru but held '" + part + "'");
            };
            if (cells.contains(cell)) {
                throw CliException.usage("--cells lists " + part.trim() + " twice");
            }
            cells.add(cell);
        }
        double forgetBias = "none".equals(options.string("forget-bias", null)) ? Double.NaN
                : options.doubleValue("forget-bias", 1, -100, 100);
        return new Settings(
                options.intValue("steps", 2500, 1, 10_000_000),
                List.copyOf(lengths),
                List.copyOf(cells),
                options.intValue("hidden", 32, 1, 4096),
                options.intValue("batch", 32, 1, 4096),
                options.positiveValue("lr", adam ? 0.01 : 0.1, 0, 10),
                adam ? Double.NaN : options.doubleValue("momentum", 0, 0, 0.999),
                options.positiveValue("clip", 1, 0, 1e6),
                forgetBias,
                options.intValue("test", 512, 1, 1_000_000),
                options.intValue("distance", 100, 1, 10_000),
                options.intValue("threads", 2, 1, 256),
                options.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                options.path("out", Path.of("gradient-flow")));
    }

    /** Creates the output directory, or says in one line why it cannot be used. */
    private static void prepareOutput(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw CliException.input("--out " + dir + " is a file; give a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CliException.input("cannot create the directory --out " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw CliException.input("cannot write into --out " + dir + ": permission denied; choose another place");
        }
    }

    /** A fixed colour per cell, whichever cells a run trains and in every picture. */
    private static int colorOf(CellType cell) {
        return switch (cell) {
            case RNN_TANH, RNN_RELU -> 0;
            case LSTM -> 1;
            case GRU -> 4;
        };
    }

    static String cellName(CellType cell) {
        return switch (cell) {
            case RNN_TANH, RNN_RELU -> "RNN";
            case LSTM -> "LSTM";
            case GRU -> "GRU";
        };
    }

    // ----------------------------------------------------------------------------------------------

    private void run() throws IOException, InterruptedException {
        Map<String, String> summary = new LinkedHashMap<>();
        long start = System.nanoTime();
        int steps = settings.distance();
        int batch = settings.batch();
        FMatrixRMaj zeros = new FMatrixRMaj(steps * batch, AddingProblem.INPUTS);
        FMatrixRMaj adding = new FMatrixRMaj(steps * batch, AddingProblem.INPUTS);
        AddingProblem.batch(new SplittableRandom(settings.seed() ^ 0x61L), steps, adding, new FMatrixRMaj(batch, 1));

        out.printf(Locale.ROOT, "(a) the gradient of a loss at the last step, ‖∂L/∂h_t‖ at distance d = T−1−t, T = %d, "
                + "B = %d, H = %d (root mean square over the batch of unit loss directions: 1 at d = 0)%n",
                steps, batch, settings.hidden());
        List<Measured> linear = initialModels(true, zeros);
        printTable("at h = 0 (zero input and biases, so f′ = 1): the linearisation, ∂L/∂h_{T−1−d} = (W_hhᵀ)^d·u "
                + "for the RNN", linear);
        List<Measured> initial = initialModels(false, adding);
        printTable("on a batch of the adding problem, at initialisation (PyTorch's"
                + (Double.isNaN(settings.forgetBias()) ? ")" : "; LSTM forget-gate bias " + settings.forgetBias() + ")"),
                initial);
        for (int i = 0; i < RADII.length; i++) {
            summary.put(String.format(Locale.ROOT, "gain_rnn%.1f_linear", RADII[i]),
                    format(linear.get(i).report().gainPerStep(0, 0, steps)));
            summary.put(String.format(Locale.ROOT, "gain_rnn%.1f", RADII[i]),
                    format(initial.get(i).report().gainPerStep(0, 0, steps)));
        }
        summary.put("gain_lstm", format(initial.get(RADII.length).report().gainPerStep(0, 0, steps)));
        summary.put("gain_gru", format(initial.get(RADII.length + 1).report().gainPerStep(0, 0, steps)));
        out.println();

        List<AddingRun.Result> results = addingProblem(summary);

        // the clipped runs of the longest length, measured on the same batch as at initialisation
        int longest = settings.lengths().stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<Measured> trained = new ArrayList<>();
        for (AddingRun.Result r : results) {
            if (r.setting().length() == longest && r.setting().clip() && !r.diverged()) {
                trained.add(measure(cellName(r.setting().cell()) + " trained", colorOf(r.setting().cell()), r.model(),
                        adding));
                summary.put("gain_" + cellName(r.setting().cell()).toLowerCase(Locale.ROOT) + "_trained",
                        format(trained.get(trained.size() - 1).report().gainPerStep(0, 0, steps)));
            }
        }
        out.println();
        List<LinePlot.Panel> panels = new ArrayList<>();
        panels.add(panel("linearised at h = 0 (zero input and biases)", linear));
        panels.add(panel("adding-problem inputs, at initialisation", initial));
        if (!trained.isEmpty()) {
            printTable("(a, continued) after training on the adding problem with T = " + longest
                    + " (clipped runs), on the same batch", trained);
            panels.add(panel("after training on the adding problem, T = " + longest, trained));
        }
        Path file = settings.outDir().resolve("gradient-norms.png");
        LinePlot.write(file, "‖∂L/∂h_t‖ against the distance from the loss step (B = " + batch + ", H = "
                + settings.hidden() + ")", 1, panels);
        out.println("wrote " + file);

        LOG.info(String.format(Locale.ROOT, "done in %.0f s", (System.nanoTime() - start) / 1e9));
        StringBuilder line = new StringBuilder("summary");
        summary.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        out.println(line);
    }

    // ----------------------------------------------------------------------------------------------
    // (a) the gradient norm against the distance

    /** One curve of the gradient picture: a layer, its legend and what was measured. */
    private record Measured(String label, int color, RecurrentLayer layer, GradientFlowReport report) {
    }

    /**
     * The models of the picture at initialisation: Elman RNNs with W_hh scaled to each radius, an LSTM and
     * a GRU, initialised from the seed (the same for every model) as the adding problem's models are.
     */
    private List<Measured> initialModels(boolean zeroBiases, FMatrixRMaj x) {
        List<Measured> models = new ArrayList<>();
        for (double radius : RADII) {
            RecurrentLayer rnn = layer(CellType.RNN_TANH, zeroBiases);
            FMatrixRMaj w = rnn.cell(0, 0).weightHh().value();
            float scale = (float) (radius / GradientFlow.spectralRadius(w));
            for (int i = 0; i < w.getNumElements(); i++) {
                w.data[i] *= scale;
            }
            models.add(measure("RNN", RADIUS_COLORS[models.size()], rnn, x));
        }
        models.add(measure("LSTM", colorOf(CellType.LSTM), layer(CellType.LSTM, zeroBiases), x));
        models.add(measure("GRU", colorOf(CellType.GRU), layer(CellType.GRU, zeroBiases), x));
        return models;
    }

    private RecurrentLayer layer(CellType cell, boolean zeroBiases) {
        RecurrentConfig config = RecurrentConfig.of(cell, AddingProblem.INPUTS, settings.hidden());
        RecurrentLayer layer = new RecurrentLayer(config, settings.init(cell), new SplittableRandom(settings.seed()));
        if (zeroBiases) {
            Arrays.fill(layer.cell(0, 0).biasIh().value().data, 0f);
            Arrays.fill(layer.cell(0, 0).biasHh().value().data, 0f);
        }
        return layer;
    }

    /** Measures a layer and names it with its measured spectral radii. */
    private Measured measure(String name, int color, RecurrentLayer layer, FMatrixRMaj x) {
        GradientFlowReport report = GradientFlow.measure(layer, x, settings.batch(), settings.seed());
        StringBuilder label = new StringBuilder(name);
        for (WeightSpectrum s : GradientFlow.spectra(layer)) {
            if (s.block().equals(WeightSpectrum.WHOLE) && Double.isFinite(s.spectralRadius())) {
                label.append(String.format(Locale.ROOT, ", ρ = %.2f", s.spectralRadius()));
            } else if (!s.block().equals(WeightSpectrum.WHOLE)) {
                label.append(label.indexOf("ρ") < 0 ? ", ρ " : " ")
                        .append(String.format(Locale.ROOT, "%s %.2f", s.block(), s.spectralRadius()));
            }
        }
        return new Measured(label.toString(), color, layer, report);
    }

    private LinePlot.Panel panel(String title, List<Measured> models) {
        LinePlot.Panel panel = new LinePlot.Panel(title, "distance d from the loss step", "‖∂L/∂h_{T−1−d}‖ (log scale)",
                true);
        int steps = settings.distance();
        for (Measured m : models) {
            panel.add(LinePlot.Series.line(m.label(), LinePlot.color(m.color()), distances(steps),
                    m.report().hiddenGradientNorms(0)));
            if (m.report().hasCellState()) {
                panel.add(LinePlot.Series.line("LSTM cell state ‖∂L/∂c‖", LinePlot.color(m.color()), distances(steps),
                        m.report().cellGradientNorms(0)).asDashed());
            }
        }
        return panel;
    }

    private void printTable(String title, List<Measured> models) {
        int steps = settings.distance();
        out.println(title);
        out.printf(Locale.ROOT, "  %-40s %8s %9s %9s %9s %9s%n", "model (ρ of W_hh or of its gate blocks)",
                "σ_max", "d = 10", "d = " + steps / 2, "d = " + steps, "gain/step");
        for (Measured m : models) {
            GradientFlowReport r = m.report();
            double sigma = 0;
            for (WeightSpectrum s : GradientFlow.spectra(m.layer())) {
                sigma = s.block().equals(WeightSpectrum.WHOLE) ? s.largestSingularValue() : sigma;
            }
            out.printf(Locale.ROOT, "  %-40s %8.3f %9.3g %9.3g %9.3g %9.4f%n", m.label(), sigma,
                    r.hiddenGradientNorm(0, Math.min(10, steps)), r.hiddenGradientNorm(0, steps / 2),
                    r.hiddenGradientNorm(0, steps), r.gainPerStep(0, 0, steps));
            if (r.hasCellState()) {
                out.printf(Locale.ROOT, "  %-40s %8s %9.3g %9.3g %9.3g%n", "  cell state c", "",
                        r.cellGradientNorm(0, Math.min(10, steps)), r.cellGradientNorm(0, steps / 2),
                        r.cellGradientNorm(0, steps));
            }
            if (!r.gateSaturation(0).isEmpty()) {
                StringBuilder line = new StringBuilder("    activations (mean, saturated low/high):");
                for (GateSaturation g : r.gateSaturation(0)) {
                    line.append(String.format(Locale.ROOT, "  %s %.2f %.0f%%/%.0f%%", g.gate(), g.mean(),
                            100 * g.fractionLow(), 100 * g.fractionHigh()));
                }
                out.println(line);
            }
        }
    }

    private static double[] distances(int steps) {
        double[] d = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            d[i] = i;
        }
        return d;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    // ----------------------------------------------------------------------------------------------
    // (b) the adding problem

    private List<AddingRun.Result> addingProblem(Map<String, String> summary) throws IOException,
            InterruptedException {
        AddingRun.Hyper hyper = new AddingRun.Hyper(settings.hidden(), settings.batch(), settings.steps(),
                settings.learningRate(), settings.momentum(), settings.clip(), settings.testSize(), 20, settings::init);
        List<AddingRun.Setting> runs = new ArrayList<>();
        for (int length : settings.lengths()) {
            for (CellType cell : settings.cells()) {
                for (boolean clip : new boolean[] {false, true}) {
                    runs.add(new AddingRun.Setting(cell, length, clip));
                }
            }
        }
        Map<Integer, FMatrixRMaj[]> tests = new LinkedHashMap<>();
        for (int length : settings.lengths()) {
            tests.put(length, AddingRun.testSet(length, settings.testSize(), settings.seed()));
        }
        out.printf(Locale.ROOT, "(b) the adding problem: %d configurations of %d steps, B = %d, H = %d, %s, "
                        + "clipping at global norm %s, LSTM forget-gate bias %s, %d test sequences per length%n",
                runs.size(), settings.steps(), settings.batch(), settings.hidden(), settings.optimizer(),
                settings.clip(), Double.isNaN(settings.forgetBias()) ? "as PyTorch (±1/√H)" : settings.forgetBias(),
                settings.testSize());

        // the configurations are independent: one per thread, each single-threaded (results do not depend
        // on the order in which they finish)
        int kernelThreads = Kernels.threads();
        Kernels.setThreads(1);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.threads(), runs.size()));
        List<AddingRun.Result> results = new ArrayList<>();
        try {
            List<Future<AddingRun.Result>> futures = new ArrayList<>();
            for (AddingRun.Setting s : runs) {
                futures.add(pool.submit(() -> new AddingRun(s, hyper, settings.seed())
                        .train(tests.get(s.length()), settings.seed())));
            }
            for (Future<AddingRun.Result> f : futures) {
                results.add(f.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a training run failed", e.getCause());
        } finally {
            pool.shutdownNow();
            Kernels.setThreads(kernelThreads);
        }

        out.printf(Locale.ROOT, "%-5s %-6s %-5s %10s %10s %9s %10s %13s%n", "T", "cell", "clip", "test MSE",
                "baseline", "ratio", "max |g|", "< " + SOLVED_MSE + " from");
        int solved = 0;
        List<String> diverged = new ArrayList<>();
        List<LinePlot.Panel> panels = new ArrayList<>();
        for (int length : settings.lengths()) {
            double baseline = AddingRun.baseline(tests.get(length)[1]);
            summary.put("baseline_T" + length, format(baseline));
            LinePlot.Panel panel = new LinePlot.Panel("T = " + length, "training step", "test MSE (log scale)", true)
                    .reference(String.format(Locale.ROOT, "predict 1: %.3f", baseline), baseline)
                    .xFromZero();
            for (AddingRun.Result r : results) {
                AddingRun.Setting s = r.setting();
                if (s.length() != length) {
                    continue;
                }
                boolean ok = r.testMse() < SOLVED_MSE;
                solved += ok ? 1 : 0;
                int from = r.firstStepBelow(SOLVED_MSE);
                out.printf(Locale.ROOT, "%-5d %-6s %-5s %10s %10.4f %9s %10.3g %13s%n", length, cellName(s.cell()),
                        s.clip() ? "yes" : "no", r.diverged() ? "diverged" : String.format(Locale.ROOT, "%.3g", r.testMse()),
                        baseline, r.diverged() ? "-" : String.format(Locale.ROOT, "%.3g", r.testMse() / baseline),
                        r.maxGradNorm(), from < 0 ? "-" : "step " + from);
                String key = "mse_" + cellName(s.cell()).toLowerCase(Locale.ROOT) + "_T" + length + (s.clip() ? "_clip" : "");
                summary.put(key, r.diverged() ? "NaN" : format(r.testMse()));
                if (r.diverged()) {
                    diverged.add(s.label() + " T=" + length + " at step " + r.divergedAt());
                }
                String label = r.diverged() ? s.label() + " (diverged at step " + r.divergedAt() + ")" : s.label();
                LinePlot.Series curve = LinePlot.Series.line(label, LinePlot.color(colorOf(s.cell())), r.curveSteps(),
                        r.curveMse());
                panel.add(s.clip() ? curve : curve.asDashed());
            }
            panels.add(panel);
        }
        summary.put("solved", solved + "/" + results.size());
        out.println("solved: test MSE < " + SOLVED_MSE + " (" + solved + " of " + results.size() + ")");
        if (!diverged.isEmpty()) {
            out.println("diverged (loss or gradient not finite): " + String.join(", ", diverged));
        }
        Path file = settings.outDir().resolve("adding-curves.png");
        LinePlot.write(file, "The adding problem, " + settings.optimizer() + ": test MSE while training (dashed: without clipping)",
                1, panels);
        out.println("wrote " + file);
        return results;
    }
}
