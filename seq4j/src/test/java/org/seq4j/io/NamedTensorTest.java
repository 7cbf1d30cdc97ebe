package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class NamedTensorTest {

    @Test
    void factoriesKeepNameDTypeShapeAndValues() {
        float[] f = {1.5f, -2f, 0f, Float.NaN, Float.NEGATIVE_INFINITY, -0f};
        NamedTensor tf = NamedTensor.of("f", f, 2, 3);
        assertEquals("f", tf.name());
        assertEquals(DType.F32, tf.dtype());
        assertArrayEquals(new int[] {2, 3}, tf.shape());
        assertEquals(2, tf.rank());
        assertEquals(6, tf.elementCount());
        assertArrayEquals(f, tf.toFloatArray());

        double[] d = {Math.PI, -1e300, Double.MIN_VALUE};
        assertArrayEquals(d, NamedTensor.of("d", d, 3).toDoubleArray());
        int[] i = {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
        assertArrayEquals(i, NamedTensor.of("i", i, 2, 1, 2).toIntArray());
        long[] l = {Long.MIN_VALUE, Long.MAX_VALUE};
        assertArrayEquals(l, NamedTensor.of("l", l, 2).toLongArray());
    }

    @Test
    void scalarsAndEmptyTensors() {
        NamedTensor scalar = NamedTensor.of("s", new long[] {42});
        assertEquals(0, scalar.rank());
        assertEquals(1, scalar.elementCount());
        assertArrayEquals(new long[] {42}, scalar.toLongArray());

        NamedTensor empty = NamedTensor.of("e", new float[0], 0, 7);
        assertEquals(0, empty.elementCount());
        assertArrayEquals(new float[0], empty.toFloatArray());
        FMatrixRMaj m = empty.toMatrix();
        assertEquals(0, m.numRows);
        assertEquals(7, m.numCols);
    }

    @Test
    void rejectsShapesThatDoNotMatchTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NamedTensor.of("w", new float[6], 2, 4));
        assertEquals("w: shape [2, 4] holds 8 elements but 6 values were given", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NamedTensor.of("s", new int[2]));
        assertEquals("s: shape [] holds 1 element but 2 values were given", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NamedTensor.of("n", new double[0], 2, -1));
        assertEquals("n: dimensions must be non-negative but shape was [2, -1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NamedTensor.of("h", new long[1], 65536, 65536, 65536));
        assertEquals("h: shape [65536, 65536, 65536] holds more than 2147483647 elements but 1 values were given",
                e.getMessage());
    }

    @Test
    void rejectsReservedAndUnencodableNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NamedTensor.of("__metadata__", new float[1]));
        assertTrue(e.getMessage().contains("reserves"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NamedTensor.of("a\ud800b", new float[1]));
        assertTrue(e.getMessage().contains("unpaired surrogate at index 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NamedTensor.of(null, new float[1]));
        assertEquals("", NamedTensor.of("", new float[1]).name());
    }

    @Test
    void isImmutable() {
        float[] values = {1, 2, 3};
        int[] shape = {3};
        NamedTensor t = NamedTensor.of("t", values, shape);
        values[0] = 99;
        shape[0] = 1;
        t.toFloatArray()[1] = 99;
        t.shape()[0] = 7;
        t.toMatrix().set(0, 2, 99);
        assertArrayEquals(new float[] {1, 2, 3}, t.toFloatArray());
        assertArrayEquals(new int[] {3}, t.shape());
    }

    @Test
    void typedAccessorsRefuseOtherDTypes() {
        NamedTensor d = NamedTensor.of("d", new double[] {1.0}, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, d::toFloatArray);
        assertEquals("d: toFloatArray() needs dtype F32 but the tensor is F64; narrow it explicitly with"
                + " narrowToF32() first", e.getMessage());
        assertThrows(IllegalStateException.class, d::toMatrix);
        assertThrows(IllegalStateException.class, d::toIntArray);
        assertThrows(IllegalStateException.class, d::toLongArray);

        NamedTensor i = NamedTensor.of("i", new int[] {1}, 1);
        e = assertThrows(IllegalStateException.class, i::toDoubleArray);
        assertEquals("i: toDoubleArray() needs dtype [F32, F64] but the tensor is I32", e.getMessage());
        assertThrows(IllegalStateException.class, i::toFloatArray);
        assertThrows(IllegalStateException.class, i::narrowToF32);

        NamedTensor l = NamedTensor.of("l", new long[] {1}, 1);
        e = assertThrows(IllegalStateException.class, l::toIntArray);
        assertEquals("l: toIntArray() needs dtype I32 but the tensor is I64", e.getMessage());
    }

    @Test
    void widensExactly() {
        float[] f = {0.1f, -3.5f, Float.MAX_VALUE, Float.MIN_VALUE};
        double[] widened = NamedTensor.of("f", f, 4).toDoubleArray();
        for (int k = 0; k < f.length; k++) {
            assertEquals((double) f[k], widened[k], 0.0);
        }
        int[] i = {Integer.MIN_VALUE, 5, Integer.MAX_VALUE};
        assertArrayEquals(new long[] {Integer.MIN_VALUE, 5, Integer.MAX_VALUE}, NamedTensor.of("i", i, 3).toLongArray());
    }

    @Test
    void narrowsF64ToF32OnRequest() {
        double[] d = {0.1, -1e300, 1e-50, Math.PI};
        NamedTensor narrowed = NamedTensor.of("d", d, 2, 2).narrowToF32();
        assertEquals(DType.F32, narrowed.dtype());
        assertEquals("d", narrowed.name());
        assertArrayEquals(new int[] {2, 2}, narrowed.shape());
        assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY, 0f, (float) Math.PI}, narrowed.toFloatArray());
        NamedTensor f = NamedTensor.of("f", new float[] {1}, 1);
        assertSame(f, f.narrowToF32());
    }

    @Test
    void toMatrixFollowsTheLayoutConvention() {
        float[] six = {0, 1, 2, 3, 4, 5};
        assertMatrix(NamedTensor.of("v", six, 6).toMatrix(), 1, 6, six);
        assertMatrix(NamedTensor.of("m", six, 2, 3).toMatrix(), 2, 3, six);
        assertMatrix(NamedTensor.of("m", six, 3, 2).toMatrix(), 3, 2, six);
        assertMatrix(NamedTensor.of("s", new float[] {7}).toMatrix(), 1, 1, new float[] {7});
    }

    @Test
    void toMatrixRefusesHigherRanksAndNamesTheExplicitConversions() {
        NamedTensor bt = NamedTensor.of("x", new float[6], 3, 1, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, bt::toMatrix);
        assertTrue(e.getMessage().startsWith("x: toMatrix() reads tensors of rank 0 to 2 but the shape is [3, 1, 2]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("toFlattenedMatrix()")
                && e.getMessage().contains("batchFirstToTimeMajorMatrix()"), e.getMessage());
    }

    @Test
    void toFlattenedMatrixMergesTheLeadingDimensions() {
        float[] six = {0, 1, 2, 3, 4, 5};
        assertMatrix(NamedTensor.of("tbc", six, 3, 1, 2).toFlattenedMatrix(), 3, 2, six);
        assertMatrix(NamedTensor.of("4d", six, 1, 3, 1, 2).toFlattenedMatrix(), 3, 2, six);
        assertMatrix(NamedTensor.of("v", six, 6).toFlattenedMatrix(), 1, 6, six);
        assertMatrix(NamedTensor.of("s", new float[] {7}).toFlattenedMatrix(), 1, 1, new float[] {7});
    }

    @Test
    void batchFirstToTimeMajorMatrixReordersTheRows() {
        // [B = 2, T = 3, C = 2]: element [b, t, c] = 100·b + 10·t + c
        float[] values = new float[12];
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                for (int c = 0; c < 2; c++) {
                    values[(b * 3 + t) * 2 + c] = 100 * b + 10 * t + c;
                }
            }
        }
        FMatrixRMaj m = NamedTensor.of("x", values, 2, 3, 2).batchFirstToTimeMajorMatrix();
        // row t·B + b holds [b, t, :]
        assertMatrix(m, 6, 2, new float[] {0, 1, 100, 101, 10, 11, 110, 111, 20, 21, 120, 121});
        assertMatrix(NamedTensor.of("e", new float[0], 0, 3, 2).batchFirstToTimeMajorMatrix(), 0, 2, new float[0]);
        assertThrows(IllegalStateException.class,
                () -> NamedTensor.of("m", values, 6, 2).batchFirstToTimeMajorMatrix());
        assertThrows(IllegalStateException.class,
                () -> NamedTensor.of("i", new int[12], 2, 3, 2).batchFirstToTimeMajorMatrix());
    }

    @Test
    void toMatrixOfEmptyTensorWithTooManyRowsFails() {
        NamedTensor t = NamedTensor.of("e", new float[0], 65536, 65536, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toFlattenedMatrix);
        assertEquals("e: shape [65536, 65536, 0] has too many rows for a matrix", e.getMessage());
    }

    @Test
    void fromMatrixWithExplicitShape() {
        FMatrixRMaj m = new FMatrixRMaj(new float[][] {{1, 2, 3}, {4, 5, 6}});
        NamedTensor bias = NamedTensor.of("bias", new FMatrixRMaj(new float[][] {{1, 2, 3}}), 3);
        assertArrayEquals(new int[] {3}, bias.shape());
        assertArrayEquals(new float[] {1, 2, 3}, bias.toFloatArray());
        NamedTensor t = NamedTensor.of("x", m, 2, 1, 3);
        assertArrayEquals(new int[] {2, 1, 3}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NamedTensor.of("x", m, 3));
        assertEquals("x: shape [3] holds 3 elements but 6 values were given", e.getMessage());
    }

    @Test
    void fromMatrixUsesOnlyItsElementsWhenTheArrayIsLarger() {
        FMatrixRMaj m = new FMatrixRMaj(3, 3);
        for (int k = 0; k < 9; k++) {
            m.data[k] = k + 1;
        }
        m.reshape(2, 2, true); // data array keeps 9 floats, the matrix has 4
        NamedTensor t = NamedTensor.of("r", m, 2, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.toFloatArray());
    }

    @Test
    void equalityIsByNameDTypeShapeAndBytes() {
        NamedTensor a = NamedTensor.of("a", new float[] {1, 2}, 2);
        assertEquals(a, NamedTensor.of("a", new float[] {1, 2}, 2));
        assertEquals(a.hashCode(), NamedTensor.of("a", new float[] {1, 2}, 2).hashCode());
        assertNotEquals(a, NamedTensor.of("b", new float[] {1, 2}, 2));
        assertNotEquals(a, NamedTensor.of("a", new float[] {1, 2}, 1, 2));
        assertNotEquals(a, NamedTensor.of("a", new float[] {1, 3}, 2));
        assertNotEquals(a, NamedTensor.of("a", new int[] {Float.floatToIntBits(1), Float.floatToIntBits(2)}, 2));
        assertNotEquals(NamedTensor.of("z", new float[] {0f}), NamedTensor.of("z", new float[] {-0f}));
        assertEquals(NamedTensor.of("n", new float[] {Float.NaN}), NamedTensor.of("n", new float[] {Float.NaN}));
        assertEquals("a F32 [2]", a.toString());
    }

    private static void assertMatrix(FMatrixRMaj m, int rows, int cols, float[] values) {
        assertEquals(rows, m.numRows, "rows");
        assertEquals(cols, m.numCols, "cols");
        for (int k = 0; k < values.length; k++) {
            assertEquals(values[k], m.data[k], 0f, "element " + k);
        }
    }
}
