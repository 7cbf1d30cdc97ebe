package org.seq4j.examples.gradientflow;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Linear;
import org.seq4j.nn.MSELoss;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.Optimizer;
import org.seq4j.optim.Sgd;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.LastStep;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentInit;
import org.seq4j.rnn.RecurrentLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configuration of the adding problem: a recurrent layer, its last hidden state, a linear read-out
 * and the mean squared error, trained with Adam or SGD, with or without gradient clipping.
 *
 * <pre>
 *   x (T·B, 2) → RecurrentLayer → output (T·B, H) → LastStep → h_{T−1} (B, H) → Linear → ŷ (B, 1)
 *   L = mean_b (ŷ_b − y_b)²
 * </pre>
 */
final class AddingRun {

    private static final Logger LOG = LoggerFactory.getLogger(AddingRun.class);

    /** Sequences per evaluation forward pass (keeps the caches of T = 200 small). */
    private static final int EVAL_BATCH = 128;

    /** What is trained: the cell, the sequence length and whether gradients are clipped. */
    record Setting(CellType cell, int length, boolean clip) {
        String label() {
            return GradientFlowMain.cellName(cell) + (clip ? " + clip" : "");
        }
    }

    /**
     * How it is trained.
     *
     * @param momentum SGD's momentum μ; NaN for Adam
     */
    record Hyper(int hidden, int batch, int steps, double learningRate, double momentum, double clipNorm,
                 int testSize, int evaluations, Function<CellType, RecurrentInit> init) {

        boolean adam() {
            return Double.isNaN(momentum);
        }

        Optimizer optimizer(Parameters parameters) {
            return adam() ? new Adam(parameters, AdamConfig.adam().learningRate(learningRate).build())
                    : new Sgd(parameters, Sgd.Config.builder(learningRate).momentum(momentum).build());
        }
    }

    /**
     * What training gave.
     *
     * @param testMse     the test MSE after the last step (NaN if training diverged)
     * @param baselineMse the test MSE of predicting 1
     * @param curveSteps  the steps at which the test MSE was evaluated
     * @param curveMse    the test MSE at those steps
     * @param maxGradNorm the largest global gradient norm seen (before clipping)
     * @param divergedAt  the step at which the loss or the gradient stopped being finite, or -1
     * @param model       the trained layer
     */
    record Result(Setting setting, double testMse, double baselineMse, double[] curveSteps, double[] curveMse,
                  double maxGradNorm, int divergedAt, RecurrentLayer model) {
        boolean diverged() {
            return divergedAt >= 0;
        }

        /** The first evaluated step whose test MSE is below {@code threshold}, or -1. */
        int firstStepBelow(double threshold) {
            for (int i = 0; i < curveMse.length; i++) {
                if (curveMse[i] < threshold) {
                    return (int) curveSteps[i];
                }
            }
            return -1;
        }
    }

    private final Setting setting;
    private final Hyper hyper;
    private final RecurrentLayer rnn;
    private final LastStep last;
    private final Linear readout;
    private final MSELoss mse = new MSELoss();
    private final Parameters parameters;

    AddingRun(Setting setting, Hyper hyper, long seed) {
        this.setting = setting;
        this.hyper = hyper;
        RecurrentConfig config = RecurrentConfig.of(setting.cell(), AddingProblem.INPUTS, hyper.hidden());
        // the same initial weights with and without clipping
        SplittableRandom init = new SplittableRandom(seed * 31 + setting.cell().ordinal());
        this.rnn = new RecurrentLayer(config, hyper.init().apply(setting.cell()), init);
        this.last = new LastStep(config);
        this.readout = new Linear(hyper.hidden(), 1, init);
        this.parameters = new Parameters().addAll("rnn.", rnn.parameters()).addAll("fc.", readout.parameters());
    }

    /** The test set of one length: the same for every cell and setting of a run. */
    static FMatrixRMaj[] testSet(int length, int size, long seed) {
        FMatrixRMaj x = new FMatrixRMaj(length * size, AddingProblem.INPUTS);
        FMatrixRMaj y = new FMatrixRMaj(size, 1);
        AddingProblem.batch(new SplittableRandom(seed ^ 0x7E57L * length), length, x, y);
        return new FMatrixRMaj[] {x, y};
    }

    /** The MSE of predicting 1 for every test sequence. */
    static double baseline(FMatrixRMaj testTargets) {
        double sum = 0;
        for (int i = 0; i < testTargets.numRows; i++) {
            double e = testTargets.data[i] - 1.0;
            sum += e * e;
        }
        return sum / testTargets.numRows;
    }

    Result train(FMatrixRMaj[] test, long seed) {
        int length = setting.length();
        int batch = hyper.batch();
        // the same training batches for every cell and setting of a length
        SplittableRandom data = new SplittableRandom(seed ^ 0xADD5L * length);
        Optimizer optimizer = hyper.optimizer(parameters);
        FMatrixRMaj x = new FMatrixRMaj(length * batch, AddingProblem.INPUTS);   // (T·B, 2)
        FMatrixRMaj y = new FMatrixRMaj(batch, 1);                               // (B, 1)
        FMatrixRMaj prediction = new FMatrixRMaj(batch, 1);
        FMatrixRMaj dPrediction = new FMatrixRMaj(batch, 1);
        FMatrixRMaj dSummary = new FMatrixRMaj(batch, hyper.hidden());
        RecurrentLayer.Cache rnnCache = rnn.newCache();
        LastStep.Cache lastCache = last.newCache();

        int evaluations = Math.max(1, Math.min(hyper.evaluations(), hyper.steps()));
        double[] curveSteps = new double[evaluations + 1];
        double[] curveMse = new double[evaluations + 1];
        curveMse[0] = evaluate(test);
        int nextCurve = 1;
        double maxNorm = 0;
        int divergedAt = -1;
        double window = 0;
        int windowSteps = 0;
        long start = System.nanoTime();
        for (int step = 1; step <= hyper.steps(); step++) {
            AddingProblem.batch(data, length, x, y);
            rnn.forward(x, batch, null, null, null, null, rnnCache);
            last.forward(rnnCache.output(), batch, null, lastCache);              // (B, H)
            readout.forward(lastCache.summary(), prediction);                      // (B, 1)
            double loss = mse.forward(prediction, y);

            parameters.zeroGrad();
            mse.backward(prediction, y, 1.0, dPrediction);
            readout.backward(lastCache.summary(), dPrediction, dSummary);
            last.backward(lastCache, dSummary);
            rnn.backward(rnnCache, lastCache.dOutput(), null, null);
            double norm = GradientClipping.globalNorm(parameters);
            if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                divergedAt = step;
                // reported in the results; a run with too large a step is expected to diverge without clipping
                LOG.info("{} T={}: diverged at step {} (loss {}, gradient norm {})", setting.label(), length, step,
                        loss, norm);
                break;
            }
            maxNorm = Math.max(maxNorm, norm);
            if (setting.clip()) {
                GradientClipping.clipByGlobalNorm(parameters, hyper.clipNorm());
            }
            optimizer.step();

            window += loss;
            windowSteps++;
            if (step * (long) evaluations >= (long) nextCurve * hyper.steps()) {
                curveSteps[nextCurve] = step;
                curveMse[nextCurve] = evaluate(test);
                double elapsed = (System.nanoTime() - start) / 1e9;
                LOG.info(String.format(Locale.ROOT, "%-10s T=%-3d step %5d/%d  train MSE %.4f  test MSE %.4f  "
                                + "max |g| %.3g  %.1f steps/s  ETA %.0f s", setting.label(), length, step,
                        hyper.steps(), window / windowSteps, curveMse[nextCurve], maxNorm, step / elapsed,
                        (hyper.steps() - step) * elapsed / step));
                window = 0;
                windowSteps = 0;
                nextCurve++;
            }
        }
        int points = divergedAt >= 0 ? nextCurve : evaluations + 1;
        double[] steps = java.util.Arrays.copyOf(curveSteps, points);
        double[] values = java.util.Arrays.copyOf(curveMse, points);
        double finalMse = divergedAt >= 0 ? Double.NaN : values[points - 1];
        return new Result(setting, finalMse, baseline(test[1]), steps, values, maxNorm, divergedAt, rnn);
    }

    /** The MSE over the test set, in batches of {@value #EVAL_BATCH}; no gradient. */
    double evaluate(FMatrixRMaj[] test) {
        FMatrixRMaj xs = test[0];
        FMatrixRMaj ys = test[1];
        int length = setting.length();
        int size = ys.numRows;
        double sum = 0;
        RecurrentLayer.Cache cache = rnn.newCache();
        LastStep.Cache lastCache = last.newCache();
        for (int from = 0; from < size; from += EVAL_BATCH) {
            int b = Math.min(EVAL_BATCH, size - from);
            FMatrixRMaj x = new FMatrixRMaj(length * b, AddingProblem.INPUTS);
            for (int t = 0; t < length; t++) {
                System.arraycopy(xs.data, (t * size + from) * AddingProblem.INPUTS, x.data,
                        t * b * AddingProblem.INPUTS, b * AddingProblem.INPUTS);
            }
            rnn.forward(x, b, null, null, null, null, cache);
            last.forward(cache.output(), b, null, lastCache);
            FMatrixRMaj prediction = new FMatrixRMaj(b, 1);
            readout.forward(lastCache.summary(), prediction);
            for (int i = 0; i < b; i++) {
                double e = prediction.data[i] - ys.data[from + i];
                sum += e * e;
            }
        }
        return sum / size;
    }
}
