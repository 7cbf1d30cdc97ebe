package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.Optimizer;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;

/**
 * Weight tying, composed from the public API only: {@code Embedding(V, E) → 2-layer LSTM (H = E) → Linear}
 * whose weight is the embedding's table, then cross-entropy with ignored targets. Against PyTorch
 * ({@code make_api_fixtures.py}, {@code decoder.weight = embedding.weight}): the state_dict keys, the loss,
 * the logits and every gradient (the table's from both uses), and the parameters after three Adam steps,
 * which step the tied table once; and a finite-difference check.
 */
class TiedLanguageModelTest {

    private static final TensorFile FIXTURE = ApiFixtures.load("/fixtures/api/tied_lstm_lm.safetensors");

    /** The model, its buffers and one forward's cache. */
    private static final class TiedModel extends PyTorchComparisons.Model {
        final int[] tokens = ApiFixtures.ints(FIXTURE, "tokens");     // (T·B), time-major
        final int[] targets = ApiFixtures.ints(FIXTURE, "targets");   // (T·B), −100 where not counted
        final int batch = FIXTURE.get("tokens").shape()[1];
        final Embedding embedding;
        final RecurrentLayer lstm;
        final Linear decoder;
        final CrossEntropyLoss loss = new CrossEntropyLoss();
        final FMatrixRMaj x;              // (T·B, E)
        // logits: (T·B, V), in the base class
        final FMatrixRMaj probabilities;  // (T·B, V)
        final FMatrixRMaj dLogits;        // (T·B, V)
        final FMatrixRMaj dOutput;        // (T·B, E)
        RecurrentLayer.Cache rnn;

        TiedModel() {
            FMatrixRMaj table = FIXTURE.get("embedding.weight").toMatrix();
            int vocabulary = table.numRows;
            int size = table.numCols;
            embedding = new Embedding(vocabulary, size, new SplittableRandom(1));
            lstm = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, size, size).withNumLayers(2), 2);
            decoder = new Linear(embedding.weight(), new Parameter("bias", vocabulary));
            parameters.addAll("embedding.", embedding.parameters()).addAll("rnn.", lstm.parameters())
                    .addAll("decoder.", decoder.parameters());
            PyTorchComparisons.load(FIXTURE, parameters);
            int rows = tokens.length;
            x = new FMatrixRMaj(rows, size);
            logits = new FMatrixRMaj(rows, vocabulary);
            probabilities = new FMatrixRMaj(rows, vocabulary);
            dLogits = new FMatrixRMaj(rows, vocabulary);
            dOutput = new FMatrixRMaj(rows, size);
        }

        @Override
        double forward() {
            embedding.forward(tokens, x);
            rnn = lstm.forward(x, batch, null, null, null, null);
            decoder.forward(rnn.output(), logits);
            return loss.forward(logits, targets, probabilities);
        }

        /** Adds into every parameter's gradient; the table's gets the decoder's and the embedding's parts. */
        @Override
        void backward() {
            loss.backward(probabilities, targets, 1.0, dLogits);
            decoder.backward(rnn.output(), dLogits, dOutput);
            lstm.backward(rnn, dOutput, null, null);
            embedding.backward(tokens, rnn.dx());
        }
    }

    @Test
    void theTiedTableIsOneParameterUnderTwoNames() {
        Parameters parameters = new TiedModel().parameters;
        assertEquals(Map.of("decoder.weight", "embedding.weight"), parameters.aliases());
        assertEquals(parameters.stateDictNames().size() - 1, parameters.size());
        assertEquals(List.of("embedding.weight", "decoder.bias"),
                List.of(parameters.names().get(0), parameters.names().get(parameters.size() - 1)));
    }

    @Test
    void matchesPyTorchsLossLogitsAndEveryGradient() {
        TiedModel model = new TiedModel();
        PyTorchComparisons.assertMatchesPyTorch(FIXTURE, model);
    }

    @Test
    void passesTheGradientCheck() {
        TiedModel model = new TiedModel();
        PyTorchComparisons.assertPassesGradientCheck(model, b -> b);
    }
}
