package org.seq4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.seq4j.testing.TestMatrices.dot;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.tensor.Tensors;

class EmbeddingTest {

    @Test
    void forwardLooksRowsUp() {
        Embedding table = new Embedding(4, 2, new SplittableRandom(1));
        table.weight().value().setTo(new FMatrixRMaj(new float[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}}));
        FMatrixRMaj out = new FMatrixRMaj(3, 2);
        table.forward(new int[] {3, 0, 3}, out);
        assertArrayEquals(new float[] {7, 8, 1, 2, 7, 8}, out.data);
    }

    @Test
    void passesGradientCheckWithRepeatedIndices() {
        SplittableRandom random = new SplittableRandom(2);
        Embedding table = new Embedding(6, 3, random);
        int[] indices = {1, 4, 1, 1, 0, 5};
        FMatrixRMaj c = uniform(indices.length, 3, 1.0, random);
        FMatrixRMaj out = new FMatrixRMaj(indices.length, 3);
        FMatrixRMaj dOut = new FMatrixRMaj(indices.length, 3);
        GradientCheck.builder(() -> {
            table.forward(indices, out);
            Tensors.tanh(out, out);
            return dot(c, out);
        }).parameters(table.parameters()).build().run(() -> {
            table.parameters().zeroGrad();
            table.forward(indices, out);
            Tensors.tanh(out, out);
            Tensors.tanhBackward(out, c, dOut);
            table.backward(indices, dOut);
        }).assertPassed();
    }

    @Test
    void paddingRowStartsAtZeroAndGetsNoGradient() {
        SplittableRandom random = new SplittableRandom(3);
        Embedding table = new Embedding(5, 3, 0, random);
        assertArrayEquals(new float[3], Arrays.copyOfRange(table.weight().value().data, 0, 3));
        int[] indices = {0, 2, 0, 4};
        FMatrixRMaj dOut = uniform(indices.length, 3, 1.0, random);
        // A gradient already present in the padding row is left exactly as it was.
        table.weight().grad().set(0, 1, 0.25f);
        table.backward(indices, dOut);
        assertArrayEquals(new float[] {0f, 0.25f, 0f}, Arrays.copyOfRange(table.weight().grad().data, 0, 3));
        for (int col = 0; col < 3; col++) {
            assertEquals(dOut.get(1, col), table.weight().grad().get(2, col));
            assertEquals(dOut.get(3, col), table.weight().grad().get(4, col));
            assertEquals(0f, table.weight().grad().get(1, col));
        }
    }

    @Test
    void gradientCheckDiffersOnlyInThePaddingRow() {
        // As in PyTorch, the padding row's gradient is 0 by design although the loss depends on it: the check
        // must disagree there and only there, and the other rows must hold Σ c ⊙ tanh'.
        SplittableRandom random = new SplittableRandom(4);
        Embedding table = new Embedding(5, 2, 2, random);
        int[] indices = {2, 1, 3, 2, 4};
        FMatrixRMaj c = uniform(indices.length, 2, 1.0, random);
        FMatrixRMaj out = new FMatrixRMaj(indices.length, 2);
        FMatrixRMaj dOut = new FMatrixRMaj(indices.length, 2);
        GradientCheck.Result r = GradientCheck.builder(() -> {
            table.forward(indices, out);
            Tensors.tanh(out, out);
            return dot(c, out);
        }).parameters(table.parameters()).build().run(() -> {
            table.parameters().zeroGrad();
            table.forward(indices, out);
            Tensors.tanh(out, out);
            Tensors.tanhBackward(out, c, dOut);
            table.backward(indices, dOut);
        });
        // Exactly the padding row differs from the numeric gradient.
        assertEquals(2, r.worst().row());
        assertEquals(0.0, r.worst().analytic());
        for (int row = 0; row < 5; row++) {
            for (int col = 0; col < 2; col++) {
                if (row != 2) {
                    double expected = 0;
                    for (int n = 0; n < indices.length; n++) {
                        if (indices[n] == row) {
                            expected += c.get(n, col) * (1 - out.get(n, col) * out.get(n, col));
                        }
                    }
                    assertEquals(expected, table.weight().grad().get(row, col), 1e-6);
                }
            }
        }
    }

    @Test
    void negativePaddingIndexCountsFromTheEnd() {
        Embedding table = new Embedding(5, 2, -1, new SplittableRandom(5));
        assertEquals(4, table.paddingIdx().orElseThrow());
        assertEquals("Embedding(5, 2, paddingIdx=4)", table.toString());
        assertEquals(0f, table.weight().value().get(4, 0));
        assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 2, 5, new SplittableRandom(5)));
        assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 2, -6, new SplittableRandom(5)));
    }

    @Test
    void badIndexLeavesGradientUntouched() {
        Embedding table = new Embedding(3, 2, 0, new SplittableRandom(6));
        FMatrixRMaj dOut = uniform(3, 2, 1.0, new SplittableRandom(7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table.backward(new int[] {1, 2, 3}, dOut));
        assertEquals("indices[2] must be in [0, 3) but was 3", e.getMessage());
        assertArrayEquals(new float[6], table.weight().grad().data);
        e = assertThrows(IllegalArgumentException.class, () -> table.forward(new int[] {0, 1}, new FMatrixRMaj(2, 3)));
        assertEquals("out must be (2, 2) but was (2, 3)", e.getMessage());
    }

    @Test
    void initialisesFromStandardNormal() {
        Embedding table = new Embedding(200, 50, new SplittableRandom(8));
        double sum = 0;
        double sumSq = 0;
        int n = table.weight().numElements();
        for (int i = 0; i < n; i++) {
            sum += table.weight().value().data[i];
            sumSq += table.weight().value().data[i] * table.weight().value().data[i];
        }
        // 10 000 samples: the mean's standard error is 0.01, the variance's about 0.014.
        assertEquals(0.0, sum / n, 0.05);
        assertEquals(1.0, sumSq / n, 0.07);
        assertEquals("[weight[200, 50]]", table.parameters().toString());
    }
}
