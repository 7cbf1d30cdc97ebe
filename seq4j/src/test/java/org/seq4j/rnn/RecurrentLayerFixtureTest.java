package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.seq4j.io.NamedTensor;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.tensor.Kernels;

/**
 * Compares {@link RecurrentLayer} with PyTorch's {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU}: the state_dict
 * of each fixture (written by {@code src/test/python/make_rnn_fixtures.py}) is loaded by name, and the output,
 * final states and every gradient must match PyTorch's float64 values to float32 accuracy.
 */
class RecurrentLayerFixtureTest {

    /**
     * Absolute tolerance: PyTorch computes in float64, seq4j in float32 over at most 2 layers × 5 steps, which
     * costs a few float32 ulps per step. Values and gradients here are below about 10 in magnitude; the worst
     * error measured over all fixtures is 2e-6 (a relu weight gradient), so 1e-5 leaves a margin of 5.
     */
    private static final float TOLERANCE = 1e-5f;

    /**
     * Absolute tolerance at the larger sizes (B = 16, H = 64): sums over 80 rows and 64 or 128 columns make
     * values up to about 40, where a float32 ulp is 4e-6; the worst error measured over these fixtures is
     * 1.5e-5 (an RNN weight gradient of magnitude 40), so 1e-4 leaves a margin of 6.
     */
    private static final float FAST_TOLERANCE = 1e-4f;

    @ParameterizedTest
    @ValueSource(strings = {
        "rnn_tanh_l1", "rnn_tanh_l2_bi", "rnn_tanh_l1_packed", "rnn_tanh_l2_bi_packed",
        "rnn_relu_l1", "rnn_relu_l2_bi", "rnn_relu_l1_packed", "rnn_relu_l2_bi_packed",
        "lstm_l1", "lstm_l2_bi", "lstm_l1_packed", "lstm_l2_bi_packed", "lstm_l1_nobias",
        "gru_l1", "gru_l2_bi", "gru_l1_packed", "gru_l2_bi_packed", "gru_l2_bi_packed_nobias",
    })
    void matchesPyTorch(String name) throws IOException {
        compareWithPyTorch(name, TOLERANCE);
    }

    /**
     * Fixtures at sizes that take the layer's fast paths (B = 16: per-step Gemm products; H = 64), once on
     * one thread and once on two, where the full-length cases run their time loops on shards of the batch.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "rnn_tanh_fast_l2_bi", "rnn_relu_fast_l1_packed", "lstm_fast_l2", "lstm_fast_l1_bi_packed", "gru_fast_l2",
        "gru_fast_l1_bi_packed",
    })
    void matchesPyTorchOnTheFastPaths(String name) throws IOException {
        int threads = Kernels.threads();
        try {
            for (int t = 1; t <= 2; t++) {
                Kernels.setThreads(t);
                RecurrentLayer.Cache cache = compareWithPyTorch(name + " (" + t + " threads)", FAST_TOLERANCE);
                int shards = t > 1 && !name.endsWith("_packed") ? t : 1;
                assertEquals(shards, cache.engine.lastShardCount(), name + ": shards of the time loop, " + t
                        + " threads");
            }
        } finally {
            Kernels.setThreads(threads);
        }
    }

    /**
     * Loads the fixture named by the label (up to a space), runs forward and backward, compares every value;
     * returns the layer's cache.
     */
    private static RecurrentLayer.Cache compareWithPyTorch(String label, float tolerance) throws IOException {
        String name = label.split(" ")[0];
        TensorFile fixture = read(name);
        RecurrentConfig config = configOf(fixture);
        RecurrentLayer layer = new RecurrentLayer(config, 1);
        loadStateDict(layer, fixture);
        boolean lstm = config.cell().hasCellState();

        FMatrixRMaj x = fixture.get("input").toFlattenedMatrix();
        int batch = fixture.get("input").shape()[1];
        int[] lengths = lengthsOf(fixture);
        RecurrentLayer.Cache cache = layer.forward(x, batch, lengths, fixture.get("h0").toFlattenedMatrix(),
                lstm ? fixture.get("c0").toFlattenedMatrix() : null, null);
        assertClose(label + " output", fixture.get("output").toFlattenedMatrix(), cache.output(), tolerance);
        assertClose(label + " h_n", fixture.get("h_n").toFlattenedMatrix(), cache.finalHidden(), tolerance);
        if (lstm) {
            assertClose(label + " c_n", fixture.get("c_n").toFlattenedMatrix(), cache.finalCellState(), tolerance);
        }

        layer.parameters().zeroGrad();
        layer.backward(cache, fixture.get("grad_output").toFlattenedMatrix(),
                fixture.get("grad_h_n").toFlattenedMatrix(), lstm ? fixture.get("grad_c_n").toFlattenedMatrix() : null);
        for (Parameter p : layer.parameters()) {
            assertClose(label + " grad." + p.name(), fixture.get("grad." + p.name()).toMatrix(), p.grad(), tolerance);
        }
        assertClose(label + " grad.input", fixture.get("grad.input").toFlattenedMatrix(), cache.dx(), tolerance);
        assertClose(label + " grad.h0", fixture.get("grad.h0").toFlattenedMatrix(), cache.dh0(), tolerance);
        if (lstm) {
            assertClose(label + " grad.c0", fixture.get("grad.c0").toFlattenedMatrix(), cache.dc0(), tolerance);
        }
        return cache;
    }

    /**
     * Writes a seq4j layer with its own weights as a PyTorch state_dict (plus input and seq4j's results, for
     * {@code make_rnn_fixtures.py --check-export}), and checks that the names, order and shapes written are
     * exactly the keys and shapes of PyTorch's state_dict stored in the fixture, and that the file reads back
     * to the same values.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "rnn_tanh_l1", "rnn_relu_l2_bi_packed", "lstm_l2_bi_packed", "lstm_l1_nobias", "gru_l2_bi",
        "gru_l2_bi_packed_nobias",
    })
    void exportsPyTorchStateDict(String name) throws IOException {
        TensorFile fixture = read(name);
        RecurrentConfig config = configOf(fixture);
        RecurrentInit init = RecurrentInit.gaussian(0.3f).withXavierInputWeights().withOrthogonalRecurrentWeights();
        if (config.cell() == CellType.LSTM && config.bias()) {
            init = init.withForgetGateBias(1f);
        }
        RecurrentLayer layer = new RecurrentLayer(config, init, new SplittableRandom(5));
        boolean lstm = config.cell().hasCellState();
        int batch = fixture.get("input").shape()[1];
        int[] lengths = lengthsOf(fixture);
        RecurrentLayer.Cache cache = layer.forward(fixture.get("input").toFlattenedMatrix(), batch, lengths,
                fixture.get("h0").toFlattenedMatrix(), lstm ? fixture.get("c0").toFlattenedMatrix() : null, null);

        TensorFile.Builder out = TensorFile.builder()
                .putMetadata("mode", config.cell().name())
                .putMetadata("input_size", Integer.toString(config.inputSize()))
                .putMetadata("hidden_size", Integer.toString(config.hiddenSize()))
                .putMetadata("num_layers", Integer.toString(config.numLayers()))
                .putMetadata("bidirectional", Boolean.toString(config.bidirectional()))
                .putMetadata("bias", Boolean.toString(config.bias()));
        for (Parameter p : layer.parameters()) {
            out.add(NamedTensor.of(p.name(), p.value(), p.shape()));
        }
        for (String key : lstm ? List.of("input", "h0", "c0") : List.of("input", "h0")) {
            out.add(fixture.get(key));
        }
        if (lengths != null) {
            out.add(fixture.get("lengths"));
        }
        out.add(NamedTensor.of("output", cache.output(), fixture.get("output").shape()));
        out.add(NamedTensor.of("h_n", cache.finalHidden(), fixture.get("h_n").shape()));
        if (lstm) {
            out.add(NamedTensor.of("c_n", cache.finalCellState(), fixture.get("c_n").shape()));
        }
        Path dir = Path.of(System.getProperty("basedir", "."), "target", "rnn-export");
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".safetensors");
        out.build().write(file);

        TensorFile written = TensorFile.read(file);
        List<String> pytorchKeys = stateDictKeys(fixture);
        assertEquals(pytorchKeys, stateDictKeys(written), name + ": state_dict keys");
        for (String key : pytorchKeys) {
            assertArrayEquals(fixture.get(key).shape(), written.get(key).shape(), name + ": shape of " + key);
            assertArrayEquals(layer.parameters().get(key).value().data, written.get(key).toFloatArray(),
                    name + ": values of " + key);
        }
    }

    // ------------------------------------------------------------------------------------------------

    static TensorFile read(String name) throws IOException {
        try (InputStream in = RecurrentLayerFixtureTest.class.getResourceAsStream(
                "/fixtures/rnn/" + name + ".safetensors")) {
            assertNotNull(in, "missing fixture " + name);
            return TensorFile.read(in);
        }
    }

    static RecurrentConfig configOf(TensorFile fixture) {
        var meta = fixture.metadata();
        return new RecurrentConfig(CellType.valueOf(meta.get("mode")),
                Integer.parseInt(meta.get("input_size")), Integer.parseInt(meta.get("hidden_size")),
                Integer.parseInt(meta.get("num_layers")), Boolean.parseBoolean(meta.get("bidirectional")), 0f,
                Boolean.parseBoolean(meta.get("bias")));
    }

    static int[] lengthsOf(TensorFile fixture) {
        if (!fixture.contains("lengths")) {
            return null;
        }
        long[] lengths = fixture.get("lengths").toLongArray();
        int[] result = new int[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            result[i] = Math.toIntExact(lengths[i]);
        }
        return result;
    }

    /** The parameter entries of a file (PyTorch names them weight_* and bias_*), in file order. */
    static List<String> stateDictKeys(TensorFile file) {
        List<String> keys = new ArrayList<>();
        for (String n : file.names()) {
            if (n.startsWith("weight_") || n.startsWith("bias_")) {
                keys.add(n);
            }
        }
        return keys;
    }

    /** Loads a state_dict by name, checking that names, order and shapes are PyTorch's. */
    static void loadStateDict(RecurrentLayer layer, TensorFile file) {
        assertEquals(stateDictKeys(file), layer.parameters().names(), "parameter names and order");
        for (Parameter p : layer.parameters()) {
            NamedTensor t = file.get(p.name());
            assertArrayEquals(t.shape(), p.shape(), "shape of " + p.name());
            p.value().setTo(t.toMatrix());   // [C] reads as (1, C), [R, C] as (R, C): the Parameter layout
        }
    }

    /** Fails with the worst index and both values if any entry differs by more than {@link #TOLERANCE}. */
    static void assertClose(String what, FMatrixRMaj expected, FMatrixRMaj actual) {
        assertClose(what, expected, actual, TOLERANCE);
    }

    /** Fails with the worst index and both values if any entry differs by more than {@code tolerance}. */
    static void assertClose(String what, FMatrixRMaj expected, FMatrixRMaj actual, float tolerance) {
        assertEquals(expected.getNumElements(), actual.getNumElements(), what + ": element count");
        int worst = -1;
        float worstError = 0f;
        for (int i = 0; i < expected.getNumElements(); i++) {
            float error = Math.abs(expected.data[i] - actual.data[i]);
            if (!(error <= worstError)) {
                worst = i;
                worstError = error;
            }
        }
        if (worst >= 0 && !(worstError <= tolerance)) {
            int cols = actual.numCols;
            throw new AssertionError(what + ": worst (" + worst / cols + ", " + worst % cols + ") expected "
                    + expected.data[worst] + " but was " + actual.data[worst] + " (|diff| " + worstError
                    + " > " + tolerance + ")");
        }
    }
}
