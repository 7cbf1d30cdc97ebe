package org.seq4j.api;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.LastStep;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;

/**
 * An N→1 classifier over variable-length sequences, composed from the public API only:
 * {@code Embedding(V, E, padding 0) → 2-layer bidirectional GRU → LastStep → Linear(2H, C) →
 * CrossEntropyLoss(class weights)}. Against PyTorch ({@code make_api_fixtures.py}: a packed batch, the top
 * layer's {@code h_n} of both directions): the loss, the logits and every gradient; and a finite-difference
 * check of the whole composition.
 */
class GruClassifierTest {

    private static final TensorFile FIXTURE = ApiFixtures.load("/fixtures/api/gru_classifier.safetensors");

    /** The model, its buffers and one forward's caches. */
    private static final class Classifier extends PyTorchComparisons.Model {
        // tokens: (T·B), time-major, 0 after each sequence's end
        final int[] tokens = ApiFixtures.ints(FIXTURE, "tokens");
        final int[] lengths = ApiFixtures.ints(FIXTURE, "lengths");  // (B)
        final int[] labels = ApiFixtures.ints(FIXTURE, "labels");    // (B)
        final int batch = lengths.length;
        final Embedding embedding;
        final RecurrentLayer gru;
        final LastStep lastStep;
        final Linear fc;
        final CrossEntropyLoss loss;
        final FMatrixRMaj x;              // (T·B, E)
        // logits: (B, C), in the base class
        final FMatrixRMaj probabilities;  // (B, C)
        final FMatrixRMaj dLogits;        // (B, C)
        final FMatrixRMaj dSummary;       // (B, 2H)
        RecurrentLayer.Cache rnn;
        LastStep.Cache last;

        Classifier() {
            FMatrixRMaj table = FIXTURE.get("embedding.weight").toMatrix();
            int vocabulary = table.numRows;
            int embeddingSize = table.numCols;
            int hidden = FIXTURE.get("rnn.weight_hh_l0").toMatrix().numCols;
            int classes = FIXTURE.get("fc.weight").toMatrix().numRows;
            SplittableRandom random = new SplittableRandom(1);
            embedding = new Embedding(vocabulary, embeddingSize, 0, random);
            RecurrentConfig config = RecurrentConfig.of(CellType.GRU, embeddingSize, hidden)
                    .withNumLayers(2).withBidirectional(true);
            gru = new RecurrentLayer(config, 2);
            lastStep = new LastStep(config);
            fc = new Linear(lastStep.outputSize(), classes, random);
            loss = CrossEntropyLoss.builder().classWeights(FIXTURE.get("class_weights").toMatrix().data).build();
            parameters.addAll("embedding.", embedding.parameters()).addAll("rnn.", gru.parameters())
                    .addAll("fc.", fc.parameters());
            PyTorchComparisons.load(FIXTURE, parameters);
            x = new FMatrixRMaj(tokens.length, embeddingSize);
            logits = new FMatrixRMaj(batch, classes);
            probabilities = new FMatrixRMaj(batch, classes);
            dLogits = new FMatrixRMaj(batch, classes);
            dSummary = new FMatrixRMaj(batch, lastStep.outputSize());
        }

        @Override
        double forward() {
            embedding.forward(tokens, x);
            rnn = gru.forward(x, batch, lengths, null, null, null);
            last = lastStep.forward(rnn.output(), batch, lengths, last);
            fc.forward(last.summary(), logits);
            return loss.forward(logits, labels, probabilities);
        }

        /** Adds into every parameter's gradient. */
        @Override
        void backward() {
            loss.backward(probabilities, labels, 1.0, dLogits);
            fc.backward(last.summary(), dLogits, dSummary);
            lastStep.backward(last, dSummary);
            gru.backward(rnn, last.dOutput(), null, null);
            embedding.backward(tokens, rnn.dx());
        }
    }

    @Test
    void matchesPyTorchsLossLogitsAndEveryGradient() {
        Classifier model = new Classifier();
        PyTorchComparisons.assertMatchesPyTorch(FIXTURE, model);
    }

    @Test
    void passesTheGradientCheck() {
        Classifier model = new Classifier();
        PyTorchComparisons.assertPassesGradientCheck(model, b -> b);
    }
}
