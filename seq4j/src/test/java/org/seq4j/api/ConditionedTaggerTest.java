package org.seq4j.api;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Linear;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.InitialState;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;

/**
 * One-to-many and many-to-many with padding, composed from the public API only: a condition vector →
 * {@link InitialState} ({@code h0}, {@code c0}) → 2-layer LSTM over variable lengths → {@link Linear} at
 * every step → cross-entropy with the ignore index at the padded steps. Against PyTorch
 * ({@code make_api_fixtures.py}: a packed batch started from {@code tanh(Linear(condition))}): the loss,
 * the logits, every gradient and the condition's gradient; and a finite-difference check.
 */
class ConditionedTaggerTest {

    private static final TensorFile FIXTURE = ApiFixtures.load("/fixtures/api/conditioned_tagger.safetensors");

    /** The model, its inputs and buffers, and one forward's caches. */
    private static final class Tagger extends PyTorchComparisons.Model {
        final FMatrixRMaj condition = FIXTURE.get("condition").toMatrix();                    // (B, F)
        final FMatrixRMaj x = FIXTURE.get("input").toFlattenedMatrix();                // (T·B, I), time-major
        final int[] lengths = ApiFixtures.ints(FIXTURE, "lengths");  // (B)
        final int[] targets = ApiFixtures.ints(FIXTURE, "targets");  // (T·B), −100 padded
        final int batch = lengths.length;
        final InitialState start;
        final RecurrentLayer lstm;
        final Linear fc;
        final CrossEntropyLoss loss = new CrossEntropyLoss();
        // logits: (T·B, C), in the base class
        final FMatrixRMaj probabilities;   // (T·B, C)
        final FMatrixRMaj dLogits;         // (T·B, C)
        final FMatrixRMaj dOutput;         // (T·B, H)
        final FMatrixRMaj dCondition;      // (B, F)
        InitialState.Cache states;
        RecurrentLayer.Cache rnn;

        Tagger() {
            int hidden = FIXTURE.get("rnn.weight_hh_l0").toMatrix().numCols;
            int classes = FIXTURE.get("fc.weight").toMatrix().numRows;
            RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, x.numCols, hidden).withNumLayers(2);
            start = new InitialState(condition.numCols, config, new SplittableRandom(1));
            lstm = new RecurrentLayer(config, 2);
            fc = new Linear(hidden, classes, new SplittableRandom(3));
            parameters.addAll("start.", start.parameters()).addAll("rnn.", lstm.parameters())
                    .addAll("fc.", fc.parameters());
            PyTorchComparisons.load(FIXTURE, parameters);
            logits = new FMatrixRMaj(targets.length, classes);
            probabilities = new FMatrixRMaj(targets.length, classes);
            dLogits = new FMatrixRMaj(targets.length, classes);
            dOutput = new FMatrixRMaj(targets.length, hidden);
            dCondition = new FMatrixRMaj(batch, condition.numCols);
            states = start.newCache();
        }

        @Override
        double forward() {
            start.forward(condition, states);
            rnn = lstm.forward(x, batch, lengths, states.h0(), states.c0(), null);
            fc.forward(rnn.output(), logits);
            return loss.forward(logits, targets, probabilities);
        }

        /** Adds into every parameter's gradient and writes dCondition. */
        @Override
        void backward() {
            loss.backward(probabilities, targets, 1.0, dLogits);
            fc.backward(rnn.output(), dLogits, dOutput);
            lstm.backward(rnn, dOutput, null, null);
            start.backward(states, rnn.dh0(), rnn.dc0());
            dCondition.setTo(states.dCondition());
        }
    }

    @Test
    void matchesPyTorchsLossLogitsAndEveryGradient() {
        Tagger model = new Tagger();
        PyTorchComparisons.assertMatchesPyTorch(FIXTURE, model);
        ApiFixtures.assertMatches("grad.condition", FIXTURE.get("grad.condition").toMatrix(), model.dCondition);
    }

    @Test
    void passesTheGradientCheck() {
        Tagger model = new Tagger();
        PyTorchComparisons.assertPassesGradientCheck(model,
                b -> b.input("condition", model.condition, model.dCondition));
    }
}
