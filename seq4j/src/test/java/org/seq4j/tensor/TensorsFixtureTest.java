package org.seq4j.tensor;

import static org.seq4j.testing.Fixtures.assertMatches;
import static org.seq4j.testing.Fixtures.load;
import static org.seq4j.testing.Fixtures.matrix;

import java.util.function.BiConsumer;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.io.TensorFile;

/**
 * Compares the activations and softmax with PyTorch's values from
 * {@code src/test/python/make_nn_fixtures.py} (including relu'(0) = 0, saturated sigmoid/tanh, and softmax
 * rows of magnitude ~100 and ~1000), within {@link org.seq4j.testing.Fixtures#RTOL} and
 * {@link org.seq4j.testing.Fixtures#ATOL}.
 */
class TensorsFixtureTest {

    private interface Backward {
        void apply(FMatrixRMaj y, FMatrixRMaj dy, FMatrixRMaj dx);
    }

    private static final TensorFile FILE = load("/fixtures/nn/activations.safetensors");

    @Test
    void sigmoidMatchesPyTorch() {
        check("sigmoid", "x", "dy", Tensors::sigmoid, Tensors::sigmoidBackward);
    }

    @Test
    void tanhMatchesPyTorch() {
        check("tanh", "x", "dy", Tensors::tanh, Tensors::tanhBackward);
    }

    @Test
    void reluMatchesPyTorch() {
        check("relu", "x", "dy", Tensors::relu, Tensors::reluBackward);
    }

    @Test
    void softmaxMatchesPyTorch() {
        check("softmax", "softmax_x", "softmax_dy", Tensors::softmaxRows, Tensors::softmaxRowsBackward);
    }

    @Test
    void logSoftmaxMatchesPyTorch() {
        check("log_softmax", "softmax_x", "softmax_dy", Tensors::logSoftmaxRows, Tensors::logSoftmaxRowsBackward);
    }

    private static void check(String name, String input, String upstream, BiConsumer<FMatrixRMaj, FMatrixRMaj> forward,
                              Backward backward) {
        FMatrixRMaj x = matrix(FILE, input);
        FMatrixRMaj y = new FMatrixRMaj(x.numRows, x.numCols);
        forward.accept(x, y);
        assertMatches(name + ".y", matrix(FILE, name + ".y"), y);
        FMatrixRMaj dx = new FMatrixRMaj(x.numRows, x.numCols);
        backward.apply(y, matrix(FILE, upstream), dx);
        assertMatches(name + ".x.grad", matrix(FILE, name + ".x.grad"), dx);
    }
}
