package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.testing.TestMatrices;

/** {@link TokenCrossEntropy} computes what {@link CrossEntropyLoss} computes, over longer buffers too. */
class TokenCrossEntropyTest {

    @Test
    void equalsCrossEntropyLoss() {
        SplittableRandom random = new SplittableRandom(4);
        int n = 7;
        int v = 13;
        FMatrixRMaj logits = TestMatrices.uniform(n, v, 6.0, random);
        int[] targets = TestMatrices.indices(n, v, random);
        CrossEntropyLoss reference = new CrossEntropyLoss();
        FMatrixRMaj expected = new FMatrixRMaj(n, v);
        double expectedLoss = reference.forward(logits, targets, expected);
        reference.backward(expected, targets, 1.0, expected);

        // buffers longer than (N, V), as the model's grow-only buffers are
        FMatrixRMaj probabilities = new FMatrixRMaj(n + 3, v);
        probabilities.reshape(n, v);
        int[] longTargets = java.util.Arrays.copyOf(targets, n + 2);
        TokenCrossEntropy crossEntropy = new TokenCrossEntropy();
        double loss = crossEntropy.forward(logits, longTargets, n, probabilities);
        assertEquals(expectedLoss, loss, 1e-6 * Math.abs(expectedLoss));
        crossEntropy.backward(probabilities, longTargets, n);
        for (int i = 0; i < n * v; i++) {
            assertEquals(expected.data[i], probabilities.data[i], 1e-7, "dz " + i);
        }
    }
}
