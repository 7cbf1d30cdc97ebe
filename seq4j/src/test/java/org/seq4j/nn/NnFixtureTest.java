package org.seq4j.nn;

import static org.seq4j.testing.Fixtures.assertMatches;
import static org.seq4j.testing.Fixtures.ints;
import static org.seq4j.testing.Fixtures.load;
import static org.seq4j.testing.Fixtures.matrix;
import static org.seq4j.testing.Fixtures.scalar;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.io.TensorFile;

/**
 * Compares the modules with PyTorch's values from {@code src/test/python/make_nn_fixtures.py}: outputs and
 * every gradient, within {@link org.seq4j.testing.Fixtures#RTOL} and {@link org.seq4j.testing.Fixtures#ATOL}.
 */
class NnFixtureTest {

    @Test
    void linearMatchesPyTorch() {
        TensorFile f = load("/fixtures/nn/linear.safetensors");
        for (String c : new String[] {"bias", "nobias"}) {
            FMatrixRMaj x = matrix(f, c + ".x");
            FMatrixRMaj weight = matrix(f, c + ".weight");
            boolean hasBias = f.contains(c + ".bias");
            Linear layer = new Linear(weight.numCols, weight.numRows, hasBias, new SplittableRandom(0));
            layer.weight().value().setTo(weight);
            layer.bias().ifPresent(b -> b.value().setTo(matrix(f, c + ".bias")));

            FMatrixRMaj y = new FMatrixRMaj(x.numRows, weight.numRows);
            layer.forward(x, y);
            assertMatches(c + ".y", matrix(f, c + ".y"), y);

            FMatrixRMaj dx = new FMatrixRMaj(x.numRows, x.numCols);
            layer.backward(x, matrix(f, c + ".dy"), dx);
            assertMatches(c + ".weight.grad", matrix(f, c + ".weight.grad"), layer.weight().grad());
            layer.bias().ifPresent(b -> assertMatches(c + ".bias.grad", matrix(f, c + ".bias.grad"), b.grad()));
            assertMatches(c + ".x.grad", matrix(f, c + ".x.grad"), dx);
        }
    }

    @Test
    void embeddingWithPaddingMatchesPyTorch() {
        TensorFile f = load("/fixtures/nn/embedding.safetensors");
        FMatrixRMaj weight = matrix(f, "weight");
        int[] indices = ints(f, "indices");
        Embedding table = new Embedding(weight.numRows, weight.numCols, ints(f, "padding_idx")[0],
                new SplittableRandom(0));
        table.weight().value().setTo(weight);

        FMatrixRMaj out = new FMatrixRMaj(indices.length, weight.numCols);
        table.forward(indices, out);
        assertMatches("out", matrix(f, "out"), out);

        table.backward(indices, matrix(f, "dout"));
        assertMatches("weight.grad", matrix(f, "weight.grad"), table.weight().grad());
    }

    @Test
    void crossEntropyMatchesPyTorchForEveryOption() {
        TensorFile f = load("/fixtures/nn/cross_entropy.safetensors");
        FMatrixRMaj weights = matrix(f, "weight");
        String[][] cases = { // name, weighted, reduction
                {"mean", "no", "MEAN"}, {"sum", "no", "SUM"}, {"weighted_mean", "yes", "MEAN"},
                {"weighted_sum", "yes", "SUM"}, {"weighted_ignore_1", "yes", "MEAN"}, {"large_logits", "yes", "MEAN"},
                {"examples_mean", "no", "MEAN"}, {"examples_weighted_mean", "yes", "MEAN"},
                {"examples_weighted_sum", "yes", "SUM"}};
        for (String[] c : cases) {
            String name = c[0];
            CrossEntropyLoss loss = CrossEntropyLoss.builder()
                    .classWeights(c[1].equals("yes") ? weights.data.clone() : null)
                    .ignoreIndex(ints(f, name + ".ignore_index")[0])
                    .reduction(Reduction.valueOf(c[2]))
                    .build();
            FMatrixRMaj logits = matrix(f, name + ".logits");
            int[] targets = ints(f, name + ".targets");
            float[] exampleWeights = f.contains(name + ".example_weights")
                    ? matrix(f, name + ".example_weights").data : null;
            FMatrixRMaj probabilities = new FMatrixRMaj(logits.numRows, logits.numCols);
            assertMatches(name + ".loss", scalar(f, name + ".loss"),
                    loss.forward(logits, targets, exampleWeights, probabilities));

            FMatrixRMaj dLogits = new FMatrixRMaj(logits.numRows, logits.numCols);
            loss.backward(probabilities, targets, exampleWeights, scalar(f, name + ".dloss"), dLogits);
            assertMatches(name + ".logits.grad", matrix(f, name + ".logits.grad"), dLogits);
        }
    }

    @Test
    void mseMatchesPyTorch() {
        TensorFile f = load("/fixtures/nn/mse.safetensors");
        FMatrixRMaj target = matrix(f, "target");
        for (Reduction reduction : Reduction.values()) {
            String name = reduction.name().toLowerCase(java.util.Locale.ROOT);
            MSELoss loss = new MSELoss(reduction);
            FMatrixRMaj input = matrix(f, name + ".input");
            assertMatches(name + ".loss", scalar(f, name + ".loss"), loss.forward(input, target));
            FMatrixRMaj dInput = new FMatrixRMaj(input.numRows, input.numCols);
            loss.backward(input, target, scalar(f, name + ".dloss"), dInput);
            assertMatches(name + ".input.grad", matrix(f, name + ".input.grad"), dInput);

            // per-row weights, on the same input
            float[] rowWeights = matrix(f, "example_weights").data;
            String weighted = "examples_" + name;
            assertMatches(weighted + ".loss", scalar(f, weighted + ".loss"), loss.forward(input, target, rowWeights));
            loss.backward(input, target, rowWeights, scalar(f, weighted + ".dloss"), dInput);
            assertMatches(weighted + ".input.grad", matrix(f, weighted + ".input.grad"), dInput);
        }
    }
}
