package org.seq4j.examples.forecast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.Optimizer;

class ForecastModelTest {

    private static final int WINDOW = 5;
    private static final int BATCH = 3;
    private static final int FEATURES = 2;

    private static FMatrixRMaj gaussian(int rows, int cols, SplittableRandom random) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) random.nextGaussian();
        }
        return m;
    }

    @Test
    void gradientsMatchFiniteDifferencesWithWindowWeights() {
        SplittableRandom random = new SplittableRandom(3);
        ForecastModel model = new ForecastModel(FEATURES, 4, 2, 11);
        ForecastModel.Step step = model.new Step(BATCH);
        FMatrixRMaj x = gaussian(WINDOW * BATCH, FEATURES, random);   // (W·B, F)
        FMatrixRMaj y = gaussian(BATCH, 1, random);                    // (B, 1)
        float[] weights = {1f, 0f, 2f};                                // the second window is masked

        GradientCheck.builder(() -> {
            model.forward(x, step);
            return model.loss(step, y, weights);
        }).parameters(model.parameters()).build().run(() -> {
            model.parameters().zeroGrad();
            model.forward(x, step);
            model.backward(step, y, weights);
        }).assertPassed();
    }

    @Test
    void learnsToForecastTheNextStepOfASineWave() {
        // windows of a sine wave: the next value is a function of the window the LSTM can learn
        int batch = 16;
        double omega = 0.6;
        SplittableRandom random = new SplittableRandom(5);
        FMatrixRMaj x = new FMatrixRMaj(WINDOW * batch, 1);
        FMatrixRMaj y = new FMatrixRMaj(batch, 1);
        for (int b = 0; b < batch; b++) {
            double phase = 2 * Math.PI * random.nextDouble();
            for (int t = 0; t < WINDOW; t++) {
                x.data[t * batch + b] = (float) Math.sin(phase + omega * t);
            }
            y.data[b] = (float) Math.sin(phase + omega * WINDOW);
        }
        ForecastModel model = new ForecastModel(1, 8, 1, 7);
        ForecastModel.Step step = model.new Step(batch);
        Optimizer adam = new Adam(model.parameters(), AdamConfig.adam().learningRate(1e-2).build());
        model.forward(x, step);
        double first = model.loss(step, y, null);
        double latest = first;
        for (int i = 0; i < 150; i++) {
            model.forward(x, step);
            latest = model.loss(step, y, null);
            model.parameters().zeroGrad();
            model.backward(step, y, null);
            adam.step();
        }
        assertTrue(latest < 0.05 * first, "MSE " + first + " -> " + latest);
    }
}
