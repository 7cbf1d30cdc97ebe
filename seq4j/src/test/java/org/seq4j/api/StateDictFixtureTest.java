package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.data.TokenBatch;
import org.seq4j.io.NamedTensor;
import org.seq4j.io.SafetensorsFormatException;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.nn.StateDict;
import org.seq4j.nn.StateDictMismatchException;
import org.seq4j.nn.StateDictReport;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.tensor.Layouts;
import org.seq4j.tensor.Tensors;

/**
 * State dicts through the public API only: PyTorch-written safetensors files of two small composite
 * models (written by {@code src/test/python/make_statedict_fixtures.py}) load into the same compositions of
 * seq4j modules under the same dotted names and reproduce PyTorch's outputs; seq4j's own files round-trip
 * exactly and carry PyTorch's names; mismatches, corrupt and foreign files fail with dedicated exceptions.
 */
class StateDictFixtureTest {

    /**
     * Relative tolerance against PyTorch's float64 results rounded to float32: the models chain a few
     * dozen float32 operations on values of order 1 (an embedding lookup, six GRU steps of sums of ≤ 10
     * products and sigmoid/tanh, a linear layer), whose rounding stays near 1e-6 relative.
     */
    private static final double RTOL = 1e-5;
    /** Absolute tolerance for entries near zero, where the relative error of a difference is large. */
    private static final double ATOL = 1e-6;

    private static final String FIXTURES = "/fixtures/statedict/";
    private static final int PAD = 0;

    /** seq4j's composition of PyTorch's GruClassifier: embedding → GRU → linear head on the final state. */
    private static final class GruClassifier {
        static final int V = 11;
        static final int E = 4;
        static final int H = 5;
        static final int C = 3;

        final Embedding embedding;
        final RecurrentLayer encoder;
        final Linear head;
        final Parameters parameters;

        GruClassifier(long seed) {
            this(seed, V, "head.");
        }

        /** The same model with another vocabulary size and head name, for mismatches. */
        GruClassifier(long seed, int vocabulary, String headPrefix) {
            SplittableRandom random = new SplittableRandom(seed);
            embedding = new Embedding(vocabulary, E, PAD, random);
            encoder = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, E, H), seed);
            head = new Linear(H, C, random);
            parameters = new Parameters()
                    .addAll("embedding.", embedding.parameters())
                    .addAll("encoder.", encoder.parameters())
                    .addAll(headPrefix, head.parameters());
        }

        /** Runs the batch; returns {output (T·B, H), h_n (B, H), logits (B, C)}. */
        FMatrixRMaj[] forward(TokenBatch batch) {
            int b = batch.batchSize();
            FMatrixRMaj x = new FMatrixRMaj(batch.maxLength() * b, E);              // (T·B, E)
            embedding.forward(batch.tokens(), x);
            RecurrentLayer.Cache cache = encoder.forward(x, b, batch.lengths(), null, null, null);
            FMatrixRMaj logits = new FMatrixRMaj(b, C);                             // (B, C)
            head.forward(cache.finalHidden(), logits);
            return new FMatrixRMaj[] {cache.output().copy(), cache.finalHidden().copy(), logits};
        }
    }

    // -------------------------------------------------------------------------------------------------
    // PyTorch → seq4j

    @Test
    void pyTorchClassifierLoadsAndReproducesPyTorchsOutputs() throws IOException {
        GruClassifier model = new GruClassifier(1);
        StateDict.load(model.parameters, fixture("gru_classifier.safetensors"));

        TensorFile io = TensorFile.read(fixture("gru_classifier_io.safetensors"));
        TokenBatch batch = batchOf(io);
        FMatrixRMaj[] out = model.forward(batch);
        // PyTorch ran batch_first=True: [B, T, H] → (T·B, H)
        assertMatchesPyTorch("output", io.get("output").batchFirstToTimeMajorMatrix(), out[0]);
        assertMatchesPyTorch("h_n", io.get("h_n").toFlattenedMatrix(), out[1]);
        assertMatchesPyTorch("logits", io.get("logits").toMatrix(), out[2]);

        // the trap the explicit conversions avoid: the batch-first tensor read as rows is a matrix of the
        // right size holding the wrong rows
        assertThrows(IllegalStateException.class, () -> io.get("output").toMatrix());
        FMatrixRMaj wrongRows = io.get("output").toFlattenedMatrix();
        assertEquals(out[0].numRows, wrongRows.numRows);
        assertFalse(Arrays.equals(wrongRows.data, io.get("output").batchFirstToTimeMajorMatrix().data));
    }

    /** The fixture's batch-first [B, T] tokens and lengths as seq4j's time-major TokenBatch. */
    private static TokenBatch batchOf(TensorFile io) {
        int[] shape = io.get("tokens").shape();
        int b = shape[0];
        int t = shape[1];
        long[] tokens = io.get("tokens").toLongArray();
        long[] lengths = io.get("lengths").toLongArray();
        int[][] sequences = new int[b][];
        int[] batchFirst = new int[b * t];
        for (int i = 0; i < b; i++) {
            sequences[i] = new int[(int) lengths[i]];
            for (int j = 0; j < t; j++) {
                batchFirst[i * t + j] = (int) tokens[i * t + j];
                if (j < lengths[i]) {
                    sequences[i][j] = (int) tokens[i * t + j];
                }
            }
        }
        TokenBatch batch = TokenBatch.of(sequences, PAD);
        assertEquals(t, batch.maxLength());
        int[] timeMajor = new int[b * t];
        Layouts.batchFirstToTimeMajor(batchFirst, b, timeMajor);
        assertArrayEquals(timeMajor, batch.tokens(), "TokenBatch pads as PyTorch's batch, time-major");
        return batch;
    }

    // -------------------------------------------------------------------------------------------------
    // seq4j → file → seq4j (and → PyTorch)

    @Test
    void saveAndLoadRoundTripExactlyUnderPyTorchsNames(@TempDir Path dir) throws IOException {
        GruClassifier saved = new GruClassifier(11);
        Path file = dir.resolve("classifier.safetensors");
        StateDict.save(saved.parameters, file);

        // the file seq4j writes has PyTorch's keys, order and shapes
        TensorFile written = TensorFile.read(file);
        TensorFile pytorch = TensorFile.read(fixture("gru_classifier.safetensors"));
        assertEquals(pytorch.names(), written.names());
        for (NamedTensor t : pytorch.tensors()) {
            assertArrayEquals(t.shape(), written.get(t.name()).shape(), t.name());
        }
        assertEquals("pt", written.metadata().get(StateDict.FORMAT_KEY));

        GruClassifier loaded = new GruClassifier(12);
        StateDict.load(loaded.parameters, file);
        for (Parameter p : saved.parameters) {
            assertArrayEquals(p.value().data, loaded.parameters.get(p.name()).value().data, p.name());
        }
        TokenBatch batch = batchOf(TensorFile.read(fixture("gru_classifier_io.safetensors")));
        assertArrayEquals(saved.forward(batch)[2].data, loaded.forward(batch)[2].data, "same logits");

        // saving again replaces the file atomically and leaves no temporary file behind
        StateDict.save(loaded.parameters, file);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals(written, TensorFile.read(file));

        exportForPyTorch(saved, batch);
    }

    /** For {@code make_statedict_fixtures.py --check-export target/statedict-export}. */
    private static void exportForPyTorch(GruClassifier model, TokenBatch batch) throws IOException {
        Path dir = Path.of(System.getProperty("basedir", "."), "target", "statedict-export");
        Files.createDirectories(dir);
        StateDict.save(model.parameters, dir.resolve("gru_classifier.safetensors"));
        int b = batch.batchSize();
        int t = batch.maxLength();
        int[] batchFirst = new int[b * t];
        Layouts.timeMajorToBatchFirst(batch.tokens(), b, batchFirst);
        long[] tokens = Arrays.stream(batchFirst).asLongStream().toArray();
        long[] lengths = Arrays.stream(batch.lengths()).asLongStream().toArray();
        TensorFile.builder()
                .add(NamedTensor.of("tokens", tokens, b, t))
                .add(NamedTensor.of("lengths", lengths, b))
                .add(NamedTensor.of("logits", model.forward(batch)[2], b, GruClassifier.C))
                .build()
                .write(dir.resolve("gru_classifier_io.safetensors"));
    }

    // -------------------------------------------------------------------------------------------------
    // Mismatches

    @Test
    void strictLoadListsMissingUnexpectedAndMismatchedNamesTogetherAndLoadsNothing() throws IOException {
        // one more embedding row (a mismatched shape) and the head registered as "classifier."
        GruClassifier other = new GruClassifier(3, GruClassifier.V + 1, "classifier.");
        List<float[]> before = values(other.parameters);

        StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                () -> StateDict.load(other.parameters, fixture("gru_classifier.safetensors")));
        assertEquals(List.of("classifier.weight", "classifier.bias"), e.missing());
        assertEquals(List.of("head.weight", "head.bias"), e.unexpected());
        assertEquals(List.of("embedding.weight"), e.mismatched());
        String message = e.getMessage();
        for (String expected : List.of("missing: [classifier.weight, classifier.bias]",
                "unexpected: [head.weight, head.bias]",
                "mismatched: embedding.weight: file F32 [11, 4], parameter F32 [12, 4]", "gru_classifier")) {
            assertTrue(message.contains(expected), "message must contain '" + expected + "': " + message);
        }
        assertEquals(List.of("encoder.weight_ih_l0", "encoder.weight_hh_l0", "encoder.bias_ih_l0",
                "encoder.bias_hh_l0"), e.report().loaded());
        assertFalse(e.report().isComplete());
        assertValuesUnchanged(before, other.parameters);
    }

    @Test
    void nonStrictLoadLoadsWhatFitsAndReportsTheRest() throws IOException {
        GruClassifier other = new GruClassifier(3, GruClassifier.V + 1, "classifier.");
        List<float[]> before = values(other.parameters);
        Path path = fixture("gru_classifier.safetensors");

        StateDictReport report = StateDict.load(other.parameters, path, false);
        assertEquals(List.of("classifier.weight", "classifier.bias"), report.missing());
        assertEquals(List.of("head.weight", "head.bias"), report.unexpected());
        assertEquals(List.of("embedding.weight"), report.mismatched());
        TensorFile file = TensorFile.read(path);
        for (int i = 0; i < other.parameters.size(); i++) {
            Parameter p = other.parameters.get(i);
            float[] expected = report.loaded().contains(p.name()) ? file.get(p.name()).toFloatArray() : before.get(i);
            assertArrayEquals(expected, p.value().data, p.name());
        }
        assertTrue(report.toString().contains("4 loaded, 2 missing, 2 unexpected, 1 mismatched"), report.toString());

        // the exact model reports a complete load
        assertTrue(StateDict.load(new GruClassifier(4).parameters, path, false).isComplete());
    }

    @Test
    void shapesMustBePyTorchsExactly() throws IOException {
        // a bias written as [1, C] (the matrix seq4j holds) instead of PyTorch's [C] is a mismatch
        GruClassifier model = new GruClassifier(5);
        TensorFile.Builder file = TensorFile.builder();
        for (NamedTensor t : TensorFile.read(fixture("gru_classifier.safetensors")).tensors()) {
            file.add(t.name().equals("head.bias") ? NamedTensor.of(t.name(), t.toFloatArray(), 1, GruClassifier.C) : t);
        }
        StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                () -> StateDict.load(model.parameters, file.build(), true));
        assertEquals(List.of("head.bias"), e.mismatched());
        assertTrue(e.getMessage().contains("head.bias: file F32 [1, 3], parameter F32 [3]"), e.getMessage());
    }

    @Test
    void corruptAndForeignFilesFailWithTheFormatException(@TempDir Path dir) throws IOException {
        GruClassifier model = new GruClassifier(6);
        List<float[]> before = values(model.parameters);
        byte[] good = Files.readAllBytes(fixture("gru_classifier.safetensors"));

        List<byte[]> bad = new ArrayList<>();
        bad.add(Arrays.copyOf(good, good.length - 10));                               // truncated
        byte[] flipped = good.clone();
        flipped[8] = '[';                                                           // header not an object
        bad.add(flipped);
        bad.add(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0});     // torch.save's zip archive
        bad.add("{\"embedding.weight\": [[0.1, 0.2]]}".getBytes(StandardCharsets.UTF_8)); // JSON, not safetensors
        bad.add(new byte[0]);
        bad.add(safetensorsWithDType("F16"));                                       // a dtype seq4j does not read
        for (int i = 0; i < bad.size(); i++) {
            Path file = dir.resolve("bad" + i + ".safetensors");
            Files.write(file, bad.get(i));
            assertThrows(SafetensorsFormatException.class, () -> StateDict.load(model.parameters, file),
                    "file " + i);
            assertThrows(SafetensorsFormatException.class, () -> StateDict.load(model.parameters, file, false),
                    "file " + i + ", non-strict");
        }
        assertThrows(NoSuchFileException.class, () -> StateDict.load(model.parameters, dir.resolve("absent")));

        // a valid safetensors file that is not this model's state dict: a mismatch, listing every name
        StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                () -> StateDict.load(model.parameters, fixture("gru_classifier_io.safetensors")));
        assertEquals(model.parameters.names(), e.missing());
        assertEquals(List.of("tokens", "lengths", "output", "h_n", "logits"), e.unexpected());
        assertValuesUnchanged(before, model.parameters);
    }

    /** A well-formed safetensors file holding one tensor "embedding.weight" [2] of the given 2-byte dtype. */
    private static byte[] safetensorsWithDType(String dtype) {
        String header = "{\"embedding.weight\":{\"dtype\":\"" + dtype + "\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json).putInt(0);
        return buf.array();
    }

    // -------------------------------------------------------------------------------------------------
    // Tied weights

    /**
     * seq4j's composition of PyTorch's TiedLm: embedding → GRU → a decoder whose weight is the embedding
     * table, registered a second time as {@code decoder.weight}.
     */
    private static final class TiedLm {
        static final int V = 9;
        static final int E = 5;

        final Embedding embedding;
        final RecurrentLayer encoder;
        final Parameter decoderBias = new Parameter("bias", V);
        final Parameters parameters;

        TiedLm(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            embedding = new Embedding(V, E, PAD, random);
            encoder = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, E, E), seed);
            parameters = new Parameters()
                    .addAll("embedding.", embedding.parameters())
                    .addAll("encoder.", encoder.parameters())
                    .addAll("decoder.", Parameters.of(embedding.weight().withName("weight"), decoderBias));
        }

        /** Logits (T·B, V) = output · Wᵀ + b with W the embedding table. */
        FMatrixRMaj forward(TokenBatch batch) {
            int b = batch.batchSize();
            FMatrixRMaj x = new FMatrixRMaj(batch.maxLength() * b, E);             // (T·B, E)
            embedding.forward(batch.tokens(), x);
            FMatrixRMaj output = encoder.forward(x, b, batch.lengths(), null, null, null).output(); // (T·B, E)
            FMatrixRMaj logits = new FMatrixRMaj(output.numRows, V);                // (T·B, V)
            Tensors.multTransB(output, embedding.weight().value(), logits);
            Tensors.addRowVector(logits, decoderBias.value());
            return logits;
        }
    }

    @Test
    void tiedWeightsLoadFromPyTorchAndAreSavedUnderBothNames(@TempDir Path dir) throws IOException {
        Path path = fixture("tied_lm.safetensors");
        TiedLm model = new TiedLm(7);
        StateDict.load(model.parameters, path);
        TensorFile io = TensorFile.read(fixture("tied_lm_io.safetensors"));
        FMatrixRMaj logits = model.forward(batchOf(io));
        assertMatchesPyTorch("tied logits", io.get("logits").batchFirstToTimeMajorMatrix(), logits);

        Path file = dir.resolve("tied.safetensors");
        StateDict.save(model.parameters, file);
        TensorFile written = TensorFile.read(file);
        TensorFile pytorch = TensorFile.read(path);
        assertEquals(pytorch.names(), written.names(), "both names, as state_dict() lists them");
        assertArrayEquals(written.get("embedding.weight").toFloatArray(), written.get("decoder.weight").toFloatArray());

        // one of the two names suffices (PyTorch's safetensors save_model keeps only one)
        TiedLm fresh = new TiedLm(8);
        StateDictReport report = StateDict.load(fresh.parameters, without(pytorch, "decoder.weight"), true);
        assertTrue(report.isComplete(), report.toString());
        assertFalse(report.loaded().contains("decoder.weight"));
        assertArrayEquals(pytorch.get("embedding.weight").toFloatArray(), fresh.embedding.weight().value().data);
        StateDict.load(new TiedLm(9).parameters, without(pytorch, "embedding.weight"), true);

        // both names absent: both missing; the two names holding different values: a mismatch
        StateDictMismatchException e = assertThrows(StateDictMismatchException.class, () -> StateDict.load(
                new TiedLm(10).parameters, without(without(pytorch, "embedding.weight"), "decoder.weight"), true));
        assertEquals(List.of("embedding.weight", "decoder.weight"), e.missing());
        TensorFile.Builder differing = TensorFile.builder();
        for (NamedTensor t : pytorch.tensors()) {
            differing.add(t.name().equals("decoder.weight")
                    ? NamedTensor.of(t.name(), new float[t.elementCount()], t.shape()) : t);
        }
        e = assertThrows(StateDictMismatchException.class,
                () -> StateDict.load(new TiedLm(11).parameters, differing.build(), true));
        assertEquals(List.of("decoder.weight"), e.mismatched());
        assertTrue(e.getMessage().contains("decoder.weight: holds other values than 'embedding.weight'"),
                e.getMessage());
    }

    private static TensorFile without(TensorFile file, String name) {
        TensorFile.Builder out = TensorFile.builder();
        for (NamedTensor t : file.tensors()) {
            if (!t.name().equals(name)) {
                out.add(t);
            }
        }
        return out.build();
    }

    // -------------------------------------------------------------------------------------------------
    // Helpers

    private static Path fixture(String name) {
        URL url = StateDictFixtureTest.class.getResource(FIXTURES + name);
        assertNotNull(url, "missing test resource " + FIXTURES + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<float[]> values(Parameters parameters) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : parameters) {
            out.add(p.value().data.clone());
        }
        return out;
    }

    private static void assertValuesUnchanged(List<float[]> before, Parameters parameters) {
        for (int i = 0; i < parameters.size(); i++) {
            assertArrayEquals(before.get(i), parameters.get(i).value().data, parameters.get(i).name() + " modified");
        }
    }

    /** Asserts {@code |actual − expected| ≤ ATOL + RTOL·|expected|} everywhere, reporting the worst entry. */
    private static void assertMatchesPyTorch(String name, FMatrixRMaj expected, FMatrixRMaj actual) {
        assertEquals(expected.numRows + "x" + expected.numCols, actual.numRows + "x" + actual.numCols, name);
        int worst = -1;
        double worstScore = 1;
        for (int i = 0; i < expected.getNumElements(); i++) {
            double score = Math.abs(actual.data[i] - expected.data[i]) / (ATOL + RTOL * Math.abs(expected.data[i]));
            if (!(score <= worstScore)) {
                worst = i;
                worstScore = score;
            }
        }
        if (worst >= 0) {
            fail(String.format(Locale.ROOT, "%s differs from PyTorch; worst at (%d, %d): expected %.9g, actual %.9g",
                    name, worst / expected.numCols, worst % expected.numCols, expected.data[worst],
                    actual.data[worst]));
        }
    }
}
