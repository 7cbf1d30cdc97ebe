package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Reads the files written by {@code src/test/python/make_safetensors_reference.py}, which follows the
 * safetensors specification and the layout of its reference writer, and checks every value against the
 * formulas in that script.
 */
class ReferenceFixtureTest {

    private static final String REFERENCE = "/fixtures/io/reference.safetensors";
    private static final String ESCAPED = "/fixtures/io/reference_escaped.safetensors";

    /** The metadata note of the script, with every kind of character JSON treats specially. */
    private static final String NOTE =
            "na\u00efve \u00fc \u2014 \ud83d\ude42 \"quoted\" back\\slash\nnew line\ttab \u0001";

    @Test
    void readsEveryTensorOfTheReferenceFile() throws IOException {
        TensorFile file = readResource(REFERENCE);
        assertEquals(List.of("i64_scalar", "i64_vector", "f64_vector", "bias", "empty_f32", "scalar_f32",
                "special_f32", "weight_ih_l0", "i32_cube", "i32_limits"), file.names());
        assertEquals(Map.of("format", "pt", "note", NOTE), file.metadata());
        assertEquals(List.of("format", "note"), new ArrayList<>(file.metadata().keySet()));
        checkValues(file);
    }

    @Test
    void rewritesTheReferenceFileByteForByte() throws IOException {
        byte[] original = readResourceBytes(REFERENCE);
        assertArrayEquals(original, TensorFile.read(original).toBytes());
    }

    @Test
    void readsTheReferenceFileFromAPath() throws IOException, URISyntaxException {
        Path path = Path.of(ReferenceFixtureTest.class.getResource(REFERENCE).toURI());
        assertEquals(readResource(REFERENCE), TensorFile.read(path));
    }

    @Test
    void readsPrettyPrintedEscapedHeaderInItsOwnOrder() throws IOException {
        TensorFile reference = readResource(REFERENCE);
        TensorFile escaped = readResource(ESCAPED);
        List<String> reversed = new ArrayList<>(reference.names());
        Collections.reverse(reversed);
        assertEquals(reversed, escaped.names());
        assertEquals(reference.metadata(), escaped.metadata());
        Map<String, NamedTensor> byName = new HashMap<>();
        for (NamedTensor t : reference.tensors()) {
            byName.put(t.name(), t);
        }
        for (NamedTensor t : escaped.tensors()) {
            assertEquals(byName.get(t.name()), t);
        }
        checkValues(escaped);
    }

    private static void checkValues(TensorFile file) {
        NamedTensor weight = file.get("weight_ih_l0");
        assertEquals(DType.F32, weight.dtype());
        assertArrayEquals(new int[] {2, 3}, weight.shape());
        FMatrixRMaj w = weight.toMatrix();
        for (int i = 0; i < 6; i++) {
            assertEquals(0.25f * i - 0.5f, w.get(i / 3, i % 3), 0f, "weight_ih_l0[" + i + "]");
        }

        assertArrayEquals(new float[] {1.5f, -2f, 0.125f}, file.get("bias").toFloatArray());
        FMatrixRMaj bias = file.get("bias").toMatrix();
        assertEquals(1, bias.numRows);
        assertEquals(3, bias.numCols);

        float[] special = file.get("special_f32").toFloatArray();
        assertEquals(8, special.length);
        assertEquals(Float.floatToIntBits(0f), Float.floatToRawIntBits(special[0]));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToRawIntBits(special[1]));
        assertEquals(Float.POSITIVE_INFINITY, special[2]);
        assertEquals(Float.NEGATIVE_INFINITY, special[3]);
        assertTrue(Float.isNaN(special[4]));
        assertEquals(Float.MIN_NORMAL, special[5]);
        assertEquals(Float.MIN_VALUE, special[6]);
        assertEquals(Float.MAX_VALUE, special[7]);

        NamedTensor scalar = file.get("scalar_f32");
        assertEquals(0, scalar.rank());
        assertArrayEquals(new float[] {3.25f}, scalar.toFloatArray());

        NamedTensor empty = file.get("empty_f32");
        assertArrayEquals(new int[] {0, 4}, empty.shape());
        assertEquals(0, empty.elementCount());

        NamedTensor f64 = file.get("f64_vector");
        assertEquals(DType.F64, f64.dtype());
        assertArrayEquals(new double[] {1.0 / 3.0, Math.PI, -1e300, Double.MIN_VALUE}, f64.toDoubleArray());

        NamedTensor cube = file.get("i32_cube");
        assertArrayEquals(new int[] {2, 2, 3}, cube.shape());
        int[] cubeValues = cube.toIntArray();
        for (int i = 0; i < 12; i++) {
            assertEquals(7 * i - 40, cubeValues[i], "i32_cube[" + i + "]");
        }
        assertArrayEquals(new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE}, file.get("i32_limits").toIntArray());

        NamedTensor i64Scalar = file.get("i64_scalar");
        assertEquals(0, i64Scalar.rank());
        assertArrayEquals(new long[] {Long.MAX_VALUE}, i64Scalar.toLongArray());
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, (1L << 40) + 3}, file.get("i64_vector").toLongArray());
    }

    private static TensorFile readResource(String name) throws IOException {
        try (InputStream in = ReferenceFixtureTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return TensorFile.read(in);
        }
    }

    private static byte[] readResourceBytes(String name) throws IOException {
        try (InputStream in = ReferenceFixtureTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }
}
