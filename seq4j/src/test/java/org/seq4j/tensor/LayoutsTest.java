package org.seq4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class LayoutsTest {

    private static final SplittableRandom RANDOM = new SplittableRandom(23);

    @Test
    void batchFirstRowsMoveToTheirTimeMajorPositions() {
        // B = 2, T = 3, C = 2; entry (b, t, c) holds 100·b + 10·t + c
        int batch = 2;
        int steps = 3;
        FMatrixRMaj batchFirst = new FMatrixRMaj(batch * steps, 2);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                for (int c = 0; c < 2; c++) {
                    batchFirst.set(b * steps + t, c, 100 * b + 10 * t + c);
                }
            }
        }
        FMatrixRMaj timeMajor = new FMatrixRMaj(steps * batch, 2);
        Layouts.batchFirstToTimeMajor(batchFirst, batch, timeMajor);
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < 2; c++) {
                    assertEquals(100 * b + 10 * t + c, timeMajor.get(t * batch + b, c), "t=" + t + " b=" + b);
                }
            }
        }
        // rows 0..B-1 are step 0 of every sequence
        assertArrayEquals(new float[] {0, 1, 100, 101, 10, 11, 110, 111, 20, 21, 120, 121}, timeMajor.data);
    }

    @Test
    void conversionsAreInversesOnRandomShapes() {
        int[][] shapes = {{1, 1, 1}, {1, 5, 3}, {4, 1, 2}, {3, 7, 5}, {8, 2, 1}, {5, 5, 64}};
        for (int[] shape : shapes) {
            int batch = shape[0];
            int steps = shape[1];
            int cols = shape[2];
            FMatrixRMaj x = uniform(batch * steps, cols, 1.0, RANDOM);
            FMatrixRMaj timeMajor = new FMatrixRMaj(steps * batch, cols);
            FMatrixRMaj back = new FMatrixRMaj(batch * steps, cols);
            Layouts.batchFirstToTimeMajor(x, batch, timeMajor);
            Layouts.timeMajorToBatchFirst(timeMajor, batch, back);
            assertArrayEquals(x.data, back.data, "B=" + batch + " T=" + steps + " C=" + cols);
            // batch-first with B sequences is time-major with T "sequences": the same transposition
            FMatrixRMaj viaSteps = new FMatrixRMaj(steps * batch, cols);
            Layouts.timeMajorToBatchFirst(x, steps, viaSteps);
            assertArrayEquals(timeMajor.data, viaSteps.data);
        }
    }

    @Test
    void indexMatricesConvertLikeOneColumnMatrices() {
        int batch = 3;
        int steps = 4;
        int[] batchFirst = new int[batch * steps];
        FMatrixRMaj asMatrix = new FMatrixRMaj(batch * steps, 1);
        for (int i = 0; i < batchFirst.length; i++) {
            batchFirst[i] = RANDOM.nextInt(1000);
            asMatrix.data[i] = batchFirst[i];
        }
        int[] timeMajor = new int[batch * steps];
        Layouts.batchFirstToTimeMajor(batchFirst, batch, timeMajor);
        FMatrixRMaj expected = new FMatrixRMaj(batch * steps, 1);
        Layouts.batchFirstToTimeMajor(asMatrix, batch, expected);
        for (int i = 0; i < timeMajor.length; i++) {
            assertEquals(expected.data[i], timeMajor[i], "index " + i);
        }
        int[] back = new int[batch * steps];
        Layouts.timeMajorToBatchFirst(timeMajor, batch, back);
        assertArrayEquals(batchFirst, back);
    }

    @Test
    void emptyBatchesConvert() {
        Layouts.batchFirstToTimeMajor(new FMatrixRMaj(0, 3), 2, new FMatrixRMaj(0, 3));
        Layouts.batchFirstToTimeMajor(new int[0], 2, new int[0]);
    }

    @Test
    void shapesAreCheckedWithTheNumbers() {
        FMatrixRMaj x = new FMatrixRMaj(6, 4);
        IllegalArgumentException notMultiple = assertThrows(IllegalArgumentException.class,
                () -> Layouts.batchFirstToTimeMajor(x, 4, new FMatrixRMaj(6, 4)));
        assertTrue(notMultiple.getMessage().contains("multiple of 4") && notMultiple.getMessage().contains("(6, 4)"),
                notMultiple.getMessage());
        IllegalArgumentException wrongOut = assertThrows(IllegalArgumentException.class,
                () -> Layouts.timeMajorToBatchFirst(x, 2, new FMatrixRMaj(6, 3)));
        assertEquals("batchFirst must be (6, 4) but was (6, 3)", wrongOut.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Layouts.batchFirstToTimeMajor(x, 0, new FMatrixRMaj(6, 4)));
        assertThrows(IllegalArgumentException.class, () -> Layouts.batchFirstToTimeMajor(x, 2, x));
        assertThrows(IllegalArgumentException.class, () -> Layouts.batchFirstToTimeMajor(null, 2, x));
        int[] ids = new int[6];
        assertThrows(IllegalArgumentException.class, () -> Layouts.batchFirstToTimeMajor(ids, 4, new int[6]));
        assertThrows(IllegalArgumentException.class, () -> Layouts.timeMajorToBatchFirst(ids, 2, new int[5]));
        assertThrows(IllegalArgumentException.class, () -> Layouts.timeMajorToBatchFirst(ids, 2, ids));
    }
}
