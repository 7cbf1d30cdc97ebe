package org.seq4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast vector kernels against their naive references. */
class VectorMathTest {

    @Test
    void dotAndAxpyMatchNaiveOnOddSizesAndOffsets() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 100, 301}) {
            float[] a = new float[n + 5];
            float[] b = new float[n + 9];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextDouble(-1, 1);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextDouble(-1, 1);
            }
            // float sums of n products of size <= 1: error grows like n·ulp(1)
            assertEquals(VectorMath.dotNaive(a, 2, b, 7, n), VectorMath.dot(a, 2, b, 7, n), 1e-6 * (n + 1), "n=" + n);
            float[] y1 = b.clone();
            float[] y2 = b.clone();
            VectorMath.axpy(0.3f, a, 3, y1, 5, n);
            VectorMath.axpyNaive(0.3f, a, 3, y2, 5, n);
            for (int i = 0; i < y1.length; i++) {
                assertEquals(y2[i], y1[i], 0f, "n=" + n + " i=" + i);
            }
            // the row forms of the training loop
            float[] rowA = Arrays.copyOfRange(a, 2, 2 + n);
            float[] rowB = Arrays.copyOfRange(b, 7, 7 + n);
            assertEquals(VectorMath.dotNaive(a, 2, b, 7, n), VectorMath.dot(rowA, rowB, n), 1e-6 * (n + 1), "n=" + n);
            float[] rowC = Arrays.copyOfRange(b, 1, 1 + n);
            float[] two = new float[3];
            float[] three = new float[4];
            VectorMath.dot2(rowA, rowB, rowC, n, two, 1);
            VectorMath.dot3(rowA, rowB, rowC, rowA, n, three, 1);
            // the batched forms add in the same order as dot: identical results
            assertEquals(VectorMath.dot(rowA, rowB, n), two[1]);
            assertEquals(VectorMath.dot(rowA, rowC, n), two[2]);
            assertEquals(VectorMath.dot(rowA, rowB, n), three[1]);
            assertEquals(VectorMath.dot(rowA, rowC, n), three[2]);
            assertEquals(VectorMath.dot(rowA, rowA, n), three[3]);
            float[] z1 = rowB.clone();
            float[] z2 = rowB.clone();
            VectorMath.axpy(-1.7f, rowA, z1, n);
            VectorMath.axpyNaive(-1.7f, rowA, 0, z2, 0, n);
            assertArrayEquals(z2, z1, 0f, "n=" + n);
            float[] acc1 = rowC.clone();
            float[] u1 = rowB.clone();
            float[] acc2 = rowC.clone();
            float[] u2 = rowB.clone();
            VectorMath.axpyBoth(0.7f, u1, rowA, acc1, n);
            VectorMath.axpyNaive(0.7f, u2, 0, acc2, 0, n);
            VectorMath.axpyNaive(0.7f, rowA, 0, u2, 0, n);
            assertArrayEquals(acc2, acc1, 0f, "n=" + n);
            assertArrayEquals(u2, u1, 0f, "n=" + n);
            float[] err = rowA.clone();
            float[] y = rowB.clone();
            VectorMath.addAndClear(err, y, n);
            for (int i = 0; i < n; i++) {
                assertEquals(rowB[i] + rowA[i], y[i], 0f);
                assertEquals(0f, err[i]);
            }
        }
    }

    @Test
    void sumOfSquaresMatchesOneChainOnOddSizes() {
        SplittableRandom r = new SplittableRandom(5);
        for (int n : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 100, 301}) {
            float[] a = new float[n + 3];
            double chain = 0;
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextDouble(-2, 2);
                if (i < n) {
                    chain += (double) a[i] * a[i];
                }
            }
            assertEquals(chain, VectorMath.sumOfSquares(a, n), 1e-12 * (chain + 1), "n=" + n);
        }
        assertEquals(Double.POSITIVE_INFINITY, VectorMath.sumOfSquares(new float[] {1, Float.NEGATIVE_INFINITY, 2}, 3));
        assertEquals(Double.NaN, VectorMath.sumOfSquares(new float[] {1, 2, 3, 4, Float.NaN}, 5));
    }

    @Test
    void firstNonFiniteFindsTheFirstNanOrInfinityAndIgnoresTheTail() {
        for (int length : new int[] {37, 64, 100, 1023, 1024, 1025, 3001}) {
            float[] a = new float[length];
            Arrays.fill(a, Float.MAX_VALUE);
            a[0] = -Float.MAX_VALUE;
            a[1] = Float.MIN_VALUE;
            a[2] = -0f;
            assertEquals(-1, VectorMath.firstNonFinite(a, a.length));
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                    Float.intBitsToFloat(0x7fc0_1234), Float.intBitsToFloat(0xff80_0001)}) {
                for (int at : new int[] {0, 3, 17, length / 2, 1023, 1024, length - 1}) {
                    if (at >= length) {
                        continue;
                    }
                    float[] b = a.clone();
                    b[at] = bad;
                    if (at < length - 1) {
                        b[length - 1] = bad;
                    }
                    String what = "length=" + length + " bad=" + bad + " at=" + at;
                    assertEquals(at, VectorMath.firstNonFinite(b, b.length), what);
                    assertEquals(-1, VectorMath.firstNonFinite(b, at), "only the first n elements count, " + what);
                }
            }
        }
    }
}
