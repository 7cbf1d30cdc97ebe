package org.seq4j.examples.gradientflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.examples.Probes.assertRefused;
import static org.seq4j.examples.Probes.assertSucceeded;
import static org.seq4j.examples.Probes.says;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.examples.Probes;
import org.seq4j.examples.Probes.Result;

/** The gradient-flow example in-process, at a tiny size: its output, determinism and refusals. */
class GradientFlowMainTest {

    private static final Probes.Main MAIN = GradientFlowMain::run;

    @TempDir
    Path dir;

    private String[] tiny(String... more) {
        String[] base = {"--steps", "4", "--lengths", "6,8", "--cells", "rnn,lstm", "--hidden", "4", "--batch", "3",
            "--test", "5", "--distance", "7", "--seed", "3", "--out", dir.resolve("out").toString()};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return args;
    }

    private static String lastLine(Result r) {
        String[] lines = r.out().strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void aTinyRunEndsWithItsSummaryAndIsDeterministic() throws IOException {
        Result first = Probes.run(MAIN, tiny("--threads", "2"));
        assertSucceeded(first);
        String summary = lastLine(first);
        assertTrue(summary.startsWith("summary "), summary);
        for (String key : new String[] {"gain_rnn0.9_linear=", "gain_rnn1.1=", "gain_lstm=", "baseline_T6=",
            "mse_rnn_T6=", "mse_lstm_T8_clip=", "gain_lstm_trained=", "solved="}) {
            assertTrue(summary.contains(" " + key), key + " in " + summary);
        }
        assertTrue(summary.matches(".* solved=[0-8]/8( .*|$)"), "2 lengths × 2 cells × 2 clip settings: " + summary);
        for (String png : new String[] {"gradient-norms.png", "adding-curves.png"}) {
            byte[] bytes = Files.readAllBytes(dir.resolve("out").resolve(png));
            assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png);
        }
        Result second = Probes.run(MAIN, tiny("--threads", "1"));
        assertSucceeded(second);
        assertEquals(first.out(), second.out(), "same seed, same output, whatever the number of threads");
    }

    @Test
    void sgdWithTooLargeAStepDivergesUnlessClipped() {
        Result r = Probes.run(MAIN, "--optimizer", "sgd", "--lr", "5", "--steps", "40", "--lengths", "6", "--cells",
                "rnn", "--hidden", "4", "--batch", "3", "--test", "5", "--distance", "3", "--seed", "3", "--out",
                dir.resolve("out").toString());
        assertSucceeded(r);
        assertTrue(r.out().contains("SGD lr 5.0, clipping at global norm 1.0"), r.out());
        assertTrue(r.out().contains("diverged (loss or gradient not finite): RNN T=6 at step "), r.out());
        String summary = lastLine(r);
        assertTrue(summary.contains(" mse_rnn_T6=NaN "), "the unclipped run diverged: " + summary);
        assertTrue(summary.matches(".* mse_rnn_T6_clip=[0-9.e+-]+ .*"), "the clipped run did not: " + summary);
    }

    @Test
    void helpAndBadCommandLines() throws IOException {
        Result help = Probes.run(MAIN, "--help");
        assertSucceeded(help);
        assertTrue(help.out().startsWith("usage: examples/run gradient-flow"), help.out());

        String[][] bad = {
            {"--steps", "ten"}, {"--steps", "0"}, {"--lr", "-1"}, {"--cells", "lstm,cnn"}, {"--cells", "gru,gru"},
            {"--lengths", "50,,100"}, {"--lengths", "1"}, {"--hidden"}, {"--bogus", "1"}, {"--seed", "1", "--seed", "2"},
            {"--forget-bias", "many"}, {"--optimizer", "rmsprop"}, {"--momentum", "0.9"},
            {"--optimizer", "sgd", "--momentum", "1"}, {"positional"},
        };
        for (String[] args : bad) {
            assertRefused(GradientFlowMain.NAME, MAIN, dir, 2, says(), args);
        }
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertRefused(GradientFlowMain.NAME, MAIN, dir, 2, says("is a file"), "--out", file.toString(), "--steps", "1");
    }

    @Test
    void theAddingProblemHasTwoMarkersAndTheirSumAsTarget() {
        int steps = 10;
        int batch = 50;
        FMatrixRMaj x = new FMatrixRMaj(steps * batch, 2);
        FMatrixRMaj y = new FMatrixRMaj(batch, 1);
        AddingProblem.batch(new SplittableRandom(1), steps, x, y);
        double baseline = 0;
        for (int b = 0; b < batch; b++) {
            int markers = 0;
            double sum = 0;
            int firstHalf = 0;
            for (int t = 0; t < steps; t++) {
                float value = x.get(t * batch + b, 0);
                assertTrue(value >= 0 && value < 1);
                if (x.get(t * batch + b, 1) == 1f) {
                    markers++;
                    sum += value;
                    firstHalf += t < steps / 2 ? 1 : 0;
                } else {
                    assertEquals(0f, x.get(t * batch + b, 1));
                }
            }
            assertEquals(2, markers);
            assertEquals(1, firstHalf, "one marker in each half");
            assertEquals(sum, y.get(b, 0), 1e-6);
            baseline += (y.get(b, 0) - 1.0) * (y.get(b, 0) - 1.0);
        }
        assertEquals(baseline / batch, AddingRun.baseline(y), 1e-12);
    }
}
