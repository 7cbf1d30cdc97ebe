package org.seq4j.examples.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.examples.Probes.assertRefused;
import static org.seq4j.examples.Probes.assertSucceeded;
import static org.seq4j.examples.Probes.says;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.examples.Probes;
import org.seq4j.examples.Probes.Result;

/**
 * Runs the example in-process on a small made-up series, and probes it with bad options and files (one
 * line, exit status 2, no file changed).
 */
class ForecastMainTest {

    private static final int N = 240;
    private static final double[] SERIES = new double[N];

    @TempDir
    static Path dir;
    private static Path csv;

    /** A trend, a 12-step season and noise; three gaps in the training part. */
    @BeforeAll
    static void writeSeries() throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        StringBuilder text = new StringBuilder("step,ignored,value\n");
        for (int j = 0; j < N; j++) {
            SERIES[j] = 20 + 0.02 * j + 3 * Math.sin(2 * Math.PI * j / 12) + 0.3 * random.nextGaussian();
            boolean gap = j == 40 || j == 41 || j == 100;
            text.append(j).append(",x,").append(gap ? "" : String.format(Locale.ROOT, "%.6f", SERIES[j])).append('\n');
            if (gap) {
                SERIES[j] = Double.NaN;
            }
        }
        csv = dir.resolve("made-up.csv");
        Files.writeString(csv, text);
    }

    private static final Probes.Main MAIN = ForecastMain::run;

    /** The key=value fields of the last line, which must be the summary. */
    private static Map<String, String> summary(Result run) {
        String[] lines = run.out().strip().split("\n");
        String line = lines[lines.length - 1];
        assertTrue(line.startsWith("summary "), line);
        Map<String, String> fields = new HashMap<>();
        for (String field : line.substring("summary ".length()).split(" ")) {
            String[] kv = field.split("=", 2);
            fields.put(kv[0], kv[1]);
        }
        return fields;
    }

    private static Result run(String... args) {
        Result result = Probes.run(MAIN, args);
        assertSucceeded(result);
        return result;
    }

    private static String[] small(String... more) {
        List<String> args = new ArrayList<>(List.of("--series", csv.toString(), "--period", "12", "--window", "12",
                "--hidden", "6", "--epochs", "2", "--batch", "16"));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    @Test
    void forecastsAColumnOfACsvFileAndDrawsThePlot() throws IOException {
        Path plot = dir.resolve("plot.png");
        Result run = run(small("--column", "value", "--plot", plot.toString()));
        Map<String, String> summary = summary(run);
        assertEquals("24", summary.get("made-up.points"));
        assertEquals("test", summary.get("made-up.scored_on"));   // the last 10% of 240, all observed
        for (String key : List.of("rmse_lstm", "rmse_last_value", "rmse_seasonal_naive", "rmse_linear_ar")) {
            double rmse = Double.parseDouble(summary.get("made-up." + key));
            assertTrue(rmse > 0 && rmse < 10, key + " = " + rmse);
        }
        assertEquals("2", summary.get("made-up.epochs"));

        // the last-value baseline, recomputed here from the series
        double squares = 0;
        for (int i = N - 24; i < N; i++) {
            squares += Math.pow(SERIES[i] - SERIES[i - 1], 2);
        }
        assertEquals(Math.sqrt(squares / 24), Double.parseDouble(summary.get("made-up.rmse_last_value")), 1e-4);

        byte[] png = Files.readAllBytes(plot);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        assertTrue(run.out().contains("3 missing: filled by linear interpolation"), run.out());
    }

    @Test
    void theSameSeedGivesTheSameFigures() {
        Result first = run(small("--input", "both", "--target", "value", "--seed", "4"));
        Result second = run(small("--input", "both", "--target", "value", "--seed", "4"));
        Map<String, String> a = summary(first);
        Map<String, String> b = summary(second);
        a.remove("seconds");
        b.remove("seconds");
        assertEquals(a, b);
    }

    @Test
    void validationScoresTheEndOfWhatPrecedesTheTestPartAndNeverReadsTheTestPart() throws IOException {
        // the same series with other values in its test part (the last 24 rows)
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        for (int row = lines.size() - 24; row < lines.size(); row++) {
            lines.set(row, (row - 1) + ",x,-1000");
        }
        Path changed = dir.resolve("made-up-changed.csv");
        Files.write(changed, lines);

        Result run = run(small("--score-on", "validation"));
        Map<String, String> summary = summary(run);
        assertEquals("validation", summary.get("made-up.scored_on"));
        assertEquals("22", summary.get("made-up.points"));     // 10% of the 216 before the test part
        String[] args = small("--score-on", "validation");
        args[1] = changed.toString();
        Map<String, String> other = summary(run(args));
        summary.remove("seconds");
        other.remove("seconds");
        Map<String, String> renamed = new HashMap<>();
        other.forEach((k, v) -> renamed.put(k.replace("made-up-changed.", "made-up."), v));
        assertEquals(summary, renamed);
    }

    @Test
    void withoutAPeriodThereIsNoSeasonalBaseline() {
        Result run = run("--series", csv.toString(), "--window", "6", "--hidden", "4", "--epochs", "1");
        assertFalse(summary(run).containsKey("made-up.rmse_seasonal_naive"), run.out());
        assertTrue(summary(run).containsKey("made-up.rmse_linear_ar"), run.out());
    }

    @Test
    void helpPrintsTheUsage() {
        Result run = run("--help");
        assertTrue(run.out().startsWith("usage: examples/run forecast"), run.out());
    }

    @Test
    void badOptionsAndFilesAreOneLineWithStatusTwoAndWriteNothing() throws IOException {
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Path badValue = Files.writeString(bad.resolve("bad-value.csv"), "a\n1\n2\nabc\n");
        Path badRow = Files.writeString(bad.resolve("bad-row.csv"), "a,b\n1,2\n3\n");
        Path latin1 = Files.write(bad.resolve("latin1.csv"),
                "temp\u00e9rature\n1\n2\n".getBytes(StandardCharsets.ISO_8859_1));
        Path headerOnly = Files.writeString(bad.resolve("header-only.csv"), "a\n\n");
        String file = csv.toString();
        Object[][] cases = {
            {says("unknown option '--widow'", "did you mean --window?"), new String[] {"--widow", "3"}},
            {says("--window is given twice"), new String[] {"--window", "3", "--window", "4"}},
            {says("--window must be a whole number"), new String[] {"--window", "abc"}},
            {says("--window must be from 1"), new String[] {"--window", "0"}},
            {says("--lr must be"), new String[] {"--lr", "-1"}},
            {says("--input must be level, difference or both"), new String[] {"--input", "sideways"}},
            {says("--score-on must be test or validation"), new String[] {"--score-on", "train"}},
            {says("--epochs needs a value"), new String[] {"--epochs"}},
            {says("unexpected argument 'stray'"), new String[] {"stray"}},
            {says("no such file"), new String[] {"--series", bad.resolve("nowhere.csv").toString()}},
            {says("is a directory"), new String[] {"--series", bad.toString()}},
            {says("--column applies to a CSV file"), new String[] {"--series", "co2", "--column", "2"}},
            {says("--column needs --series FILE.csv"), new String[] {"--column", "2"}},
            {says("--column missing", "its header has step, ignored, value"),
                new String[] {"--series", file, "--column", "missing"}},
            {says("bad-value.csv line 4: 'abc' is not a finite number"), new String[] {"--series", badValue.toString()}},
            {says("bad-row.csv line 3: expected 2 comma-separated fields"), new String[] {"--series", badRow.toString()}},
            {says("is not UTF-8 text"), new String[] {"--series", latin1.toString()}},
            {says("has a header but no values"), new String[] {"--series", headerOnly.toString()}},
            {says("too short for a window of 500"), new String[] {"--series", file, "--window", "500"}},
            {says("the directory of --plot"), new String[] {"--series", "co2", "--plot",
                bad.resolve("no/such/dir/plot.png").toString()}},
            {says("is the same file as --series"), new String[] {"--series", file, "--plot", file}},
        };
        for (Object[] c : cases) {
            Result r = assertRefused("forecast", MAIN, dir, 2, (String[]) c[0], (String[]) c[1]);
            assertTrue(r.out().isEmpty(), String.join(" ", (String[]) c[1]) + " printed: " + r.out());
        }
    }

    @Test
    void theBundledSeriesAreComplete() throws Exception {
        ForecastSeries co2 = ForecastSeries.co2();
        assertEquals(2284, co2.values().length);
        assertEquals(59, Arrays.stream(co2.values()).filter(Double::isNaN).count());
        assertEquals(316.1, co2.values()[0]);
        assertEquals(371.5, co2.values()[2283]);
        assertEquals(1958.24, co2.time()[0], 0.01);   // 29 March 1958
        ForecastSeries elnino = ForecastSeries.elnino();
        assertEquals(732, elnino.values().length);
        assertEquals(0, Arrays.stream(elnino.values()).filter(Double::isNaN).count());
        assertEquals(23.11, elnino.values()[0]);
        assertEquals(1950 + 1 / 12.0, elnino.time()[1], 1e-12);
    }
}
