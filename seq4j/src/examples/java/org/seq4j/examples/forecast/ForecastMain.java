package org.seq4j.examples.forecast;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.data.SeriesGaps;
import org.seq4j.data.SeriesWindows;
import org.seq4j.eval.LinearAutoregression;
import org.seq4j.eval.NaiveForecasts;
import org.seq4j.eval.RegressionMetrics;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.cli.PathChecks;
import org.seq4j.examples.plot.LinePlot;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.LearningRateSchedule;
import org.seq4j.optim.Optimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forecast example: one-step-ahead forecasts of a real series by an LSTM over a window of past values,
 * trained with the mean squared error, against the last-value, seasonal-naive and linear-autoregression
 * baselines on the same held-out final part of the series.
 *
 * <pre>
 *   examples/run forecast                       both bundled series, Mauna Loa CO2 and El Niño
 *   examples/run forecast --series co2 --plot co2.png
 *   examples/run forecast --series data.csv --column price --period 7
 * </pre>
 */
public final class ForecastMain {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastMain.class);

    private static final String USAGE = String.join("\n",
            "usage: examples/run forecast [options]",
            "",
            "One-step-ahead forecasts of a series by an LSTM over a window of past values (MSE loss), beside the",
            "last-value, seasonal-naive and least-squares linear-autoregression baselines, all scored by RMSE on",
            "the same held-out final part of the series. Without --series, runs both bundled series in turn.",
            "",
            "options:",
            "  --series co2|elnino|FILE.csv  Mauna Loa weekly CO2, El Niño monthly sea temperature, or a column of",
            "                       a CSV file with a header line (values in time order, equally spaced; an empty",
            "                       field, NA or NaN is missing) (default: co2, then elnino)",
            "  --column NAME|N      the CSV column, by header name or number from 1 (default: the last)",
            "  --period N           season length for the seasonal-naive baseline, 0 for none",
            "                       (default: 52 for co2, 12 for elnino, 0 for a file)",
            "  --window N           past values the LSTM and the autoregression read (default: co2 52, elnino 24)",
            "  --hidden N           LSTM hidden size (default 32)",
            "  --layers N           stacked LSTM layers (default 1)",
            "  --input level|difference|both   what the LSTM reads per step: the standardised value, its",
            "                       standardised difference from the step before, or both (default: co2",
            "                       difference, elnino and files both)",
            "  --target difference|value       predict the next value's difference from the last value (the",
            "                       standard trick), or the value itself (default difference)",
            "  --epochs N           passes over the training windows (default: co2 15, elnino 60)",
            "  --time-limit S       stop training after S seconds even if the epochs are not done (default none;",
            "                       with it, the result depends on the machine's speed)",
            "  --batch N            windows per training step (default 32)",
            "  --lr X               Adam's peak learning rate, decayed to 5% along a cosine (default 0.003)",
            "  --test-fraction X    the final part of the series held out for testing (default 0.1)",
            "  --score-on test|validation   validation: leave the test part out entirely and score on the same",
            "                       fraction at the end of what is left, to choose settings without looking at",
            "                       the test part (default test)",
            "  --seed N             seed of the weights and the order of the windows (default 1)",
            "  --plot FILE.png      draw the forecasts against the truth over the test part (with two series,",
            "                       FILE-co2.png and FILE-elnino.png)");

    private static final String NAME = "forecast";

    private static final String[] OPTIONS = {"series", "column", "period", "window", "hidden", "layers",
            "input", "target", "epochs", "time-limit", "batch", "lr", "test-fraction", "score-on", "seed", "plot"};

    /** Gradient clipping: the global norm of all gradients is at most this. */
    private static final double CLIP_NORM = 1.0;
    /** Windows per forward pass when forecasting the test part. */
    private static final int EVAL_BATCH = 256;
    /** The learning rate's floor at the end of the cosine, as a fraction of the peak. */
    private static final double FINAL_LR_FRACTION = 0.05;

    private ForecastMain() {
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
     * @param out  the figures, the summary line and the usage
     * @param err  the one-line message of a failure
     * @return the exit status: 0 done, 2 bad usage or input, 1 a failure during the work
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(NAME, USAGE, args, out, err, ForecastMain::forecastAll);
    }

    /** Checks every option and file, then forecasts each series in turn and prints the summary line. */
    private static void forecastAll(String[] args, PrintStream out) throws IOException {
        Options options = Options.spec("--").values(OPTIONS).parse(args, 0);
        List<ForecastSeries> series = series(options);
        List<Settings> settings = new ArrayList<>();
        List<Path> plots = new ArrayList<>();
        for (ForecastSeries s : series) {          // every option and file checked before any training
            settings.add(Settings.of(options, s));
            plots.add(plotFile(options, s, series.size() > 1));
        }
        List<String> summary = new ArrayList<>();
        long start = System.nanoTime();
        for (int k = 0; k < series.size(); k++) {
            ForecastSeries s = series.get(k);
            Result result = forecast(s, settings.get(k), out);
            if (plots.get(k) != null) {
                result.plot(plots.get(k), s);
                out.println("plot: " + plots.get(k));
            }
            summary.add(result.summaryFields(s.name()));
            out.println();
        }
        summary.add(String.format(Locale.ROOT, "seconds=%.0f", (System.nanoTime() - start) / 1e9));
        out.println("summary " + String.join(" ", summary));
    }

    private static List<ForecastSeries> series(Options options) throws IOException {
        String name = options.string("series", null);
        if (name == null) {
            if (options.has("column")) {
                throw CliException.usage("--column needs --series FILE.csv");
            }
            return List.of(ForecastSeries.co2(), ForecastSeries.elnino());
        }
        if (name.equals("co2") || name.equals("elnino")) {
            if (options.has("column")) {
                throw CliException.usage("--column applies to a CSV file, not to the bundled series " + name);
            }
            return List.of(name.equals("co2") ? ForecastSeries.co2() : ForecastSeries.elnino());
        }
        return List.of(ForecastSeries.csv(options.path("series", null), options.string("column", null)));
    }

    /** The plot file of a series, checked: null without --plot; with several series, FILE-NAME.png. */
    private static Path plotFile(Options options, ForecastSeries series, boolean several) {
        Path plot = options.path("plot", null);
        if (plot == null) {
            return null;
        }
        if (several) {
            String file = plot.getFileName().toString();
            int dot = file.lastIndexOf('.');
            String named = dot > 0 ? file.substring(0, dot) + "-" + series.name() + file.substring(dot)
                    : file + "-" + series.name();
            plot = plot.resolveSibling(named);
        }
        PathChecks.outputFile("--plot", plot);
        if (series.source() == ForecastSeries.Source.FILE) {
            PathChecks.distinct(List.of(new PathChecks.Arg("--series", options.path("series", null))),
                    List.of(new PathChecks.Arg("--plot", plot)));
        }
        return plot;
    }

    /** The settings of one series' run: the options given, else that series' defaults. */
    record Settings(int period, int window, int hidden, int layers, SeriesWindows.Input input,
                    SeriesWindows.Target target, int epochs, double timeLimit, int batch, double lr,
                    double testFraction, boolean validation, long seed) {

        static Settings of(Options options, ForecastSeries series) {
            boolean co2 = series.source() == ForecastSeries.Source.CO2;
            return new Settings(
                    options.intValue("period", series.period(), 0, 1_000_000),
                    options.intValue("window", co2 ? 52 : 24, 1, 100_000),
                    options.intValue("hidden", 32, 1, 4096),
                    options.intValue("layers", 1, 1, 8),
                    input(options.string("input", co2 ? "difference" : "both")),
                    target(options.string("target", "difference")),
                    options.intValue("epochs", co2 ? 15 : 60, 1, 1_000_000),
                    options.doubleValue("time-limit", 0, 0, 1e9),
                    options.intValue("batch", 32, 1, 100_000),
                    options.positiveValue("lr", 3e-3, 0, 10),
                    options.positiveValue("test-fraction", 0.1, 0, 0.9),
                    validation(options.string("score-on", "test")),
                    options.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE));
        }

        private static SeriesWindows.Input input(String name) {
            return switch (name) {
                case "level" -> SeriesWindows.Input.LEVEL;
                case "difference" -> SeriesWindows.Input.DIFFERENCE;
                case "both" -> SeriesWindows.Input.LEVEL_AND_DIFFERENCE;
                default -> throw CliException.usage("--input must be level, difference or both but was '" + name + "'");
            };
        }

        private static boolean validation(String name) {
            return switch (name) {
                case "test" -> false;
                case "validation" -> true;
                default -> throw CliException.usage("--score-on must be test or validation but was '" + name + "'");
            };
        }

        private static SeriesWindows.Target target(String name) {
            return switch (name) {
                case "difference" -> SeriesWindows.Target.DIFFERENCE;
                case "value" -> SeriesWindows.Target.VALUE;
                default -> throw CliException.usage("--target must be difference or value but was '" + name + "'");
            };
        }
    }

    /** The forecasts of the scored part (test or validation) by every method, and the figures of the run. */
    record Result(String scoredOn, int[] testTargets, double[] truth, double[] lstm, double[] lastValue, double[] seasonal,
                  double[] autoregression, int epochs, double trainSeconds) {

        double rmse(double[] forecasts) {
            return RegressionMetrics.rmse(forecasts, truth);
        }

        /** The name and RMSE of the best baseline. */
        String bestBaseline() {
            String best = "last_value";
            double bestRmse = rmse(lastValue);
            if (seasonal != null && rmse(seasonal) < bestRmse) {
                best = "seasonal_naive";
                bestRmse = rmse(seasonal);
            }
            if (rmse(autoregression) < bestRmse) {
                best = "linear_ar";
            }
            return best;
        }

        double bestBaselineRmse() {
            return switch (bestBaseline()) {
                case "seasonal_naive" -> rmse(seasonal);
                case "linear_ar" -> rmse(autoregression);
                default -> rmse(lastValue);
            };
        }

        String summaryFields(String name) {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "%s.scored_on=%s %s.points=%d %s.rmse_lstm=%.4f "
                            + "%s.rmse_last_value=%.4f", name, scoredOn, name, truth.length, name, rmse(lstm), name,
                    rmse(lastValue)));
            if (seasonal != null) {
                s.append(String.format(Locale.ROOT, " %s.rmse_seasonal_naive=%.4f", name, rmse(seasonal)));
            }
            s.append(String.format(Locale.ROOT, " %s.rmse_linear_ar=%.4f %s.best_baseline=%s %s.lstm_vs_best=%.3f"
                            + " %s.epochs=%d", name, rmse(autoregression), name, bestBaseline(), name,
                    rmse(lstm) / bestBaselineRmse(), name, epochs));
            return s.toString();
        }

        void plot(Path file, ForecastSeries series) throws IOException {
            double[] time = new double[testTargets.length];
            for (int r = 0; r < time.length; r++) {
                time[r] = series.time()[testTargets[r]];
            }
            String title = String.format(Locale.ROOT, "%s, %s part: RMSE LSTM %.3f, linear AR %.3f, last value %.3f%s",
                    series.name(), scoredOn, rmse(lstm), rmse(autoregression), rmse(lastValue),
                    series.unit().isEmpty() ? "" : " " + series.unit());
            LinePlot.write(file, title, series.timeLabel(), series.inUnits(series.description()), List.of(
                    new LinePlot.Series("truth", java.awt.Color.BLACK, 2.5f, false, time, truth),
                    new LinePlot.Series("LSTM", LinePlot.BLUE, 1.5f, false, time, lstm),
                    new LinePlot.Series("linear AR", LinePlot.ORANGE, 1.2f, false, time, autoregression)), false);
        }
    }

    /** Trains and scores the LSTM and the baselines on one series, printing the figures. */
    static Result forecast(ForecastSeries series, Settings s, PrintStream out) {
        double[] raw = series.values();
        if (s.validation()) {      // the test part is never read: score on the end of the rest
            raw = Arrays.copyOf(raw, raw.length - (int) Math.round(s.testFraction() * raw.length));
        }
        int n = raw.length;
        int missing = SeriesGaps.countMissing(raw);
        if (missing == n) {
            throw CliException.input(series.name() + " has no value: every one is missing");
        }
        double[] filled = SeriesGaps.interpolate(raw);
        boolean[] observed = SeriesGaps.observed(raw);
        int testStart = n - (int) Math.round(s.testFraction() * n);
        if (testStart == n) {
            throw CliException.usage(String.format(Locale.ROOT, "%s has %d %ss: --test-fraction %s of them holds"
                    + " no %s; give a longer series or a larger fraction", series.name(), n, series.stepName(),
                    s.testFraction(), series.stepName()));
        }
        SeriesWindows windows;
        try {
            windows = SeriesWindows.fit(filled, s.window(), s.input(), s.target(), testStart);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(series.name() + " is too short for a window of " + s.window()
                    + " and a test part of " + (n - testStart) + " " + series.stepName() + "s: " + e.getMessage());
        }
        int[] trainTargets = observedIn(observed, windows.firstTarget(), testStart);
        int[] testTargets = observedIn(observed, Math.max(Math.max(windows.firstTarget(), s.period()), testStart), n);
        if (trainTargets.length <= s.window() || testTargets.length == 0) {
            throw CliException.usage(series.name() + " has " + trainTargets.length + " training and "
                    + testTargets.length + " test targets with a window of " + s.window()
                    + ": too few (shorten --window or change --test-fraction)");
        }
        out.printf(Locale.ROOT, "%s: %s%s, %d %ss%s%n", series.name(), series.description(),
                series.unit().isEmpty() ? "" : " (" + series.unit() + ")", n, series.stepName(),
                missing == 0 ? "" : String.format(Locale.ROOT, ", %d missing: filled by linear interpolation as "
                        + "inputs, never used as targets", missing));
        String part = s.validation() ? "validation" : "test";
        out.printf(Locale.ROOT, "split: %d training windows before %s, %d %s forecasts from %s on (%s)%n",
                trainTargets.length, when(series, testStart), testTargets.length, part, when(series, testStart),
                s.validation() ? "the test part left out" : String.format(Locale.ROOT, "the last %.0f%%",
                        100 * s.testFraction()));

        double[] truth = new double[testTargets.length];
        for (int r = 0; r < truth.length; r++) {
            truth[r] = filled[testTargets[r]];
        }
        double[] lastValue = NaiveForecasts.lastValue(filled, testTargets);
        double[] seasonal = s.period() > 0 ? NaiveForecasts.seasonalNaive(filled, testTargets, s.period()) : null;
        LinearAutoregression ar = LinearAutoregression.fit(filled, s.window(), trainTargets);
        double[] autoregression = ar.forecast(filled, testTargets);

        out.printf(Locale.ROOT, "model: %s%s (H=%d) over W=%d %ss, input %s, target %s, Adam lr %s, batch %d%n",
                s.layers() > 1 ? s.layers() + "-layer " : "", "LSTM", s.hidden(), s.window(), series.stepName(),
                s.input() == SeriesWindows.Input.LEVEL_AND_DIFFERENCE ? "level and difference"
                        : s.input().name().toLowerCase(Locale.ROOT), s.target().name().toLowerCase(Locale.ROOT), s.lr(),
                s.batch());
        long start = System.nanoTime();
        ForecastModel model = new ForecastModel(windows.features(), s.hidden(), s.layers(), s.seed());
        int epochs = train(model, windows, trainTargets, s, series.name());
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] lstm = predict(model, windows, testTargets);

        Result result = new Result(part, testTargets, truth, lstm, lastValue, seasonal, autoregression, epochs,
                seconds);
        out.printf(Locale.ROOT, "%s RMSE%s over %d one-step-ahead forecasts (trained %d epochs in %.0f s):%n", part,
                series.unit().isEmpty() ? "" : " (" + series.unit() + ")", truth.length, epochs, seconds);
        out.printf(Locale.ROOT, "  %-22s %.4f%n", "LSTM", result.rmse(lstm));
        out.printf(Locale.ROOT, "  %-22s %.4f%n", "last value", result.rmse(lastValue));
        if (seasonal != null) {
            out.printf(Locale.ROOT, "  %-22s %.4f%n", "seasonal naive (" + s.period() + ")", result.rmse(seasonal));
        }
        out.printf(Locale.ROOT, "  %-22s %.4f%n", "linear AR(" + s.window() + ")", result.rmse(autoregression));
        double ratio = result.rmse(lstm) / result.bestBaselineRmse();
        out.printf(Locale.ROOT, "LSTM vs the best baseline (%s): %.3f× its RMSE, %s%n",
                result.bestBaseline().replace('_', ' '), ratio, ratio < 1
                        ? String.format(Locale.ROOT, "%.1f%% lower: the LSTM wins", 100 * (1 - ratio))
                        : String.format(Locale.ROOT, "%.1f%% higher: the baseline wins", 100 * (ratio - 1)));
        return result;
    }

    /** The observed indices in [from, to). */
    private static int[] observedIn(boolean[] observed, int from, int to) {
        int[] indices = new int[Math.max(0, to - from)];
        int count = 0;
        for (int i = from; i < to; i++) {
            if (observed[i]) {
                indices[count++] = i;
            }
        }
        return Arrays.copyOf(indices, count);
    }

    private static String when(ForecastSeries series, int index) {
        double t = series.time()[index];
        return series.timeLabel().equals("year") ? String.format(Locale.ROOT, "%.1f", t) : "step " + index;
    }

    /** Trains with Adam, global-norm clipping and a cosine learning-rate decay; returns the epochs run. */
    private static int train(ForecastModel model, SeriesWindows windows, int[] trainTargets, Settings s,
                             String name) {
        int n = trainTargets.length;
        int batch = Math.min(s.batch(), n);
        int batchesPerEpoch = (n + batch - 1) / batch;
        long totalSteps = (long) batchesPerEpoch * s.epochs();
        double floor = s.lr() * FINAL_LR_FRACTION;
        LearningRateSchedule schedule = totalSteps > 1
                ? LearningRateSchedule.warmupCosine(s.lr(), 0, totalSteps, floor)
                : LearningRateSchedule.constant(s.lr());
        Optimizer adam = new Adam(model.parameters(), AdamConfig.adam().learningRate(s.lr()).build());
        SplittableRandom order = new SplittableRandom(s.seed() ^ 0x6F72646572L);   // the shuffles' own stream
        int[] targets = trainTargets.clone();

        int remainder = n % batch;
        ForecastModel.Step full = model.new Step(batch);
        ForecastModel.Step last = remainder == 0 ? full : model.new Step(remainder);
        FMatrixRMaj xFull = new FMatrixRMaj(windows.window() * batch, windows.features());
        FMatrixRMaj yFull = new FMatrixRMaj(batch, 1);
        FMatrixRMaj xLast = new FMatrixRMaj(windows.window() * last.batch, windows.features());
        FMatrixRMaj yLast = new FMatrixRMaj(last.batch, 1);

        long start = System.nanoTime();
        long step = 0;
        int epoch = 0;
        while (epoch < s.epochs()) {
            shuffle(targets, order);
            double lossSum = 0;
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                ForecastModel.Step buffers = count == batch ? full : last;
                FMatrixRMaj x = count == batch ? xFull : xLast;
                FMatrixRMaj y = count == batch ? yFull : yLast;
                windows.fill(targets, from, count, x, y);
                model.forward(x, buffers);
                lossSum += model.loss(buffers, y, null) * count;
                model.parameters().zeroGrad();
                model.backward(buffers, y, null);
                GradientClipping.clipByGlobalNorm(model.parameters(), CLIP_NORM);
                adam.setLearningRate(schedule.learningRate(step++));
                adam.step();
            }
            epoch++;
            double elapsed = (System.nanoTime() - start) / 1e9;
            LOG.info(String.format(Locale.ROOT, "%s epoch %d/%d: training MSE %.4f (standardised), %.0f windows/s, "
                            + "ETA %.0f s", name, epoch, s.epochs(), lossSum / n, (double) n * epoch / elapsed,
                    elapsed / epoch * (s.epochs() - epoch)));
            if (s.timeLimit() > 0 && elapsed >= s.timeLimit() && epoch < s.epochs()) {
                LOG.info("{}: stopping after {} epochs: --time-limit {} s reached", name, epoch, s.timeLimit());
                break;
            }
        }
        return epoch;
    }

    /** Fisher–Yates with the given stream. */
    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    /** The model's one-step-ahead forecasts, in the series' units. */
    static double[] predict(ForecastModel model, SeriesWindows windows, int[] targets) {
        double[] forecasts = new double[targets.length];
        ForecastModel.Step buffers = null;
        FMatrixRMaj x = null;
        for (int from = 0; from < targets.length; from += EVAL_BATCH) {
            int count = Math.min(EVAL_BATCH, targets.length - from);
            if (buffers == null || buffers.batch != count) {
                buffers = model.new Step(count);
                x = new FMatrixRMaj(windows.window() * count, windows.features());
            }
            windows.fill(targets, from, count, x, null);
            FMatrixRMaj prediction = model.forward(x, buffers);
            for (int b = 0; b < count; b++) {
                forecasts[from + b] = windows.forecast(targets[from + b], prediction.data[b]);
            }
        }
        return forecasts;
    }
}
