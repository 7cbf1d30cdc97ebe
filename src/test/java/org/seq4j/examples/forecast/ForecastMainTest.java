package org.seq4j.examples.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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

/** Runs the example in-process on a small made-up series, and on bad options and files. */
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

    private record Run(int status, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }

        Map<String, String> summary() {
            String line = lastLine();
            assertTrue(line.startsWith("summary "), line);
            Map<String, String> fields = new HashMap<>();
            for (String field : line.substring("summary ".length()).split(" ")) {
                String[] kv = field.split("=", 2);
                fields.put(kv[0], kv[1]);
            }
            return fields;
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ForecastMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
        Run run = run(small("--column", "value", "--plot", plot.toString()));
        assertEquals(0, run.status(), run.err());
        Map<String, String> summary = run.summary();
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
        Run first = run(small("--input", "both", "--target", "value", "--seed", "4"));
        Run second = run(small("--input", "both", "--target", "value", "--seed", "4"));
        assertEquals(0, first.status(), first.err());
        Map<String, String> a = first.summary();
        Map<String, String> b = second.summary();
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

        Run run = run(small("--score-on", "validation"));
        assertEquals(0, run.status(), run.err());
        Map<String, String> summary = run.summary();
        assertEquals("validation", summary.get("made-up.scored_on"));
        assertEquals("22", summary.get("made-up.points"));     // 10% of the 216 before the test part
        String[] args = small("--score-on", "validation");
        args[1] = changed.toString();
        Map<String, String> other = run(args).summary();
        summary.remove("seconds");
        other.remove("seconds");
        Map<String, String> renamed = new HashMap<>();
        other.forEach((k, v) -> renamed.put(k.replace("made-up-changed.", "made-up."), v));
        assertEquals(summary, renamed);
    }

    @Test
    void withoutAPeriodThereIsNoSeasonalBaseline() {
        Run run = run("--series", csv.toString(), "--window", "6", "--hidden", "4", "--epochs", "1");
        assertEquals(0, run.status(), run.err());
        assertFalse(run.summary().containsKey("made-up.rmse_seasonal_naive"), run.lastLine());
        assertTrue(run.summary().containsKey("made-up.rmse_linear_ar"), run.lastLine());
    }

    @Test
    void helpPrintsTheUsage() {
        Run run = run("--help");
        assertEquals(0, run.status());
        assertTrue(run.out().startsWith("usage: examples/run forecast"), run.out());
    }

    @Test
    void badOptionsAndFilesAreOneLineWithStatusTwo() throws IOException {
        Path badValue = dir.resolve("bad-value.csv");
        Files.writeString(badValue, "a\n1\n2\nabc\n");
        Path badRow = dir.resolve("bad-row.csv");
        Files.writeString(badRow, "a,b\n1,2\n3\n");
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "temp\u00e9rature\n1\n2\n".getBytes(StandardCharsets.ISO_8859_1));
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        String[][] cases = {
            {"--widow", "3"},
            {"--window", "3", "--window", "4"},
            {"--window", "abc"},
            {"--window", "0"},
            {"--lr", "-1"},
            {"--input", "sideways"},
            {"--epochs"},
            {"stray"},
            {"--series", "nowhere.csv"},
            {"--series", "co2", "--column", "2"},
            {"--column", "2"},
            {"--series", csv.toString(), "--column", "missing"},
            {"--series", badValue.toString()},
            {"--series", badRow.toString()},
            {"--series", latin1.toString()},
            {"--series", empty.toString()},
            {"--series", dir.toString()},
            {"--series", csv.toString(), "--window", "500"},
            {"--series", "co2", "--plot", dir.resolve("no/such/dir/plot.png").toString()},
        };
        for (String[] args : cases) {
            Run run = run(args);
            String what = String.join(" ", args);
            assertEquals(2, run.status(), what + ": " + run.err());
            assertEquals(1, run.err().strip().split("\n").length, what + ": " + run.err());
            assertTrue(run.err().startsWith("forecast: "), what + ": " + run.err());
            assertFalse(run.err().contains("\tat "), what + ": " + run.err());
            assertTrue(run.out().isEmpty(), what + " printed: " + run.out());
        }
        assertTrue(run("--series", badValue.toString()).err().contains("bad-value.csv line 4: 'abc' is not a finite number"));
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
