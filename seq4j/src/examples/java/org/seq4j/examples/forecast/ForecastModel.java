package org.seq4j.examples.forecast;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Linear;
import org.seq4j.nn.MSELoss;
import org.seq4j.nn.Parameters;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.LastStep;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;

/**
 * The forecaster: an LSTM reads a window of {@code W} past steps, its state after the last step goes
 * through a linear layer to one standardised number, trained with the mean squared error.
 *
 * <pre>
 *   x  (W·B, F)   the windows, time-major          h = LSTM(x)        (W·B, H)
 *   s  (B, H)     h at the last step (LastStep)    ŷ = s·Wᵀ + b       (B, 1)
 *   L = MSE(ŷ, y), weighted per window
 * </pre>
 * The buffers of one batch size live in a {@link Step}; a training loop keeps one per batch size it uses
 * (the full batches and the last, smaller one) and then allocates nothing from batch to batch.
 */
final class ForecastModel {

    private final RecurrentLayer lstm;
    private final LastStep lastStep;
    private final Linear head;
    private final MSELoss loss = new MSELoss();
    private final Parameters parameters;

    /**
     * Creates the model with PyTorch's default initialisation.
     *
     * @param features input features per step {@code F}
     * @param hidden   hidden size {@code H}
     * @param layers   stacked LSTM layers
     * @param seed     seed of the initialisation
     */
    ForecastModel(int features, int hidden, int layers, long seed) {
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, features, hidden).withNumLayers(layers);
        SplittableRandom random = new SplittableRandom(seed);
        lstm = new RecurrentLayer(config, random.nextLong());
        lastStep = new LastStep(config);
        head = new Linear(lastStep.outputSize(), 1, random);
        parameters = new Parameters().addAll("rnn.", lstm.parameters()).addAll("fc.", head.parameters());
    }

    /** The registry of every parameter: {@code rnn.weight_ih_l0}, …, {@code fc.weight}, {@code fc.bias}. */
    Parameters parameters() {
        return parameters;
    }

    /** The buffers and caches of one batch size. */
    final class Step {
        final int batch;
        final RecurrentLayer.Cache rnn = lstm.newCache();
        final LastStep.Cache last = lastStep.newCache();
        final FMatrixRMaj prediction;   // (B, 1)
        final FMatrixRMaj dPrediction;  // (B, 1)
        final FMatrixRMaj dSummary;     // (B, H)

        Step(int batch) {
            this.batch = batch;
            prediction = new FMatrixRMaj(batch, 1);
            dPrediction = new FMatrixRMaj(batch, 1);
            dSummary = new FMatrixRMaj(batch, lastStep.outputSize());
        }
    }

    /**
     * The forward pass, without dropout.
     *
     * @param x    (W·B, F) windows; not modified, and must not be modified before {@link #backward}
     * @param step the buffers of batch size {@code B}; its prediction (B, 1) is overwritten
     * @return the predictions {@code ŷ}, (B, 1): the live buffer of {@code step}
     */
    FMatrixRMaj forward(FMatrixRMaj x, Step step) {
        lstm.forward(x, step.batch, null, null, null, null, step.rnn);
        lastStep.forward(step.rnn.output(), step.batch, null, step.last);
        head.forward(step.last.summary(), step.prediction);
        return step.prediction;
    }

    /**
     * The loss of the latest forward pass.
     *
     * @param step    the buffers of that forward
     * @param y       (B, 1) standardised targets; not modified
     * @param weights B weights of the windows, or null for all ones; not modified
     * @return the (weighted) mean squared error
     */
    double loss(Step step, FMatrixRMaj y, float[] weights) {
        return loss.forward(step.prediction, y, weights);
    }

    /**
     * The backward pass of the latest forward: adds ({@code +=}) the gradient of the loss into every
     * parameter's gradient.
     *
     * @param step    the buffers of that forward; its caches are consumed
     * @param y       (B, 1) standardised targets; not modified
     * @param weights B weights of the windows, or null for all ones; not modified
     */
    void backward(Step step, FMatrixRMaj y, float[] weights) {
        loss.backward(step.prediction, y, weights, 1.0, step.dPrediction);
        head.backward(step.last.summary(), step.dPrediction, step.dSummary);
        lastStep.backward(step.last, step.dSummary);
        lstm.backward(step.rnn, step.last.dOutput(), null, null);
    }
}
