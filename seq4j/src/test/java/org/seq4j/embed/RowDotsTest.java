package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.seq4j.kernel.VectorMath;

/** The dot products of the batched update: plain Java against a double-precision sum, and the Vector API. */
class RowDotsTest {

    /**
     * Relative to Σ|x_i·u_i|: float sums of up to 129 products in any order are within about 129 ulps of
     * it (1e-5); a wrong or missing term is far larger.
     */
    static final double TOLERANCE = 2e-5;

    @Test
    void plainDotsEqualVectorMathBitForBit() {
        SplittableRandom r = new SplittableRandom(3);
        for (int e : new int[] {1, 5, 100}) {
            float[] x = random(r, e);
            float[][] rows = {random(r, e), random(r, e), random(r, e), random(r, e), random(r, e), random(r, e)};
            for (int count = 0; count <= rows.length; count++) {
                float[] out = new float[count + 2];
                out[0] = 42f;
                out[count + 1] = 43f;
                RowDots.Plain.INSTANCE.dots(x, rows, count, e, out, 1);
                for (int j = 0; j < count; j++) {
                    assertEquals(VectorMath.dot(x, rows[j], e), out[1 + j], "e " + e + " count " + count);
                }
                assertEquals(42f, out[0]);
                assertEquals(43f, out[count + 1]);
            }
        }
    }

    @Test
    void bestDotsMatchADoubleSum() {
        SplittableRandom r = new SplittableRandom(4);
        for (RowDots dots : new RowDots[] {RowDots.Plain.INSTANCE, RowDots.best()}) {
            for (int e : new int[] {1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 100, 129}) {
                float[] x = random(r, e + 3);        // longer than e: only the first e elements count
                float[][] rows = new float[7][];
                for (int j = 0; j < rows.length; j++) {
                    rows[j] = random(r, e + 3);
                }
                for (int count = 0; count <= rows.length; count++) {
                    float[] out = new float[count + 2];
                    out[count + 1] = 43f;
                    dots.dots(x, rows, count, e, out, 1);
                    for (int j = 0; j < count; j++) {
                        double exact = VectorMath.dotNaive(x, 0, rows[j], 0, e);
                        double scale = 0;
                        for (int i = 0; i < e; i++) {
                            scale += Math.abs((double) x[i] * rows[j][i]);
                        }
                        assertEquals(exact, out[1 + j], TOLERANCE * scale,
                                dots + ": e " + e + " count " + count + " row " + j);
                    }
                    assertEquals(0f, out[0]);
                    assertEquals(43f, out[count + 1]);
                }
            }
        }
    }

    @Test
    void theBuildTestsTheDotsItMeansTo() {
        String expected = System.getProperty("seq4j.test.expectSimd");
        assumeTrue(expected != null, "run outside the build: nothing expected");
        if (Boolean.parseBoolean(expected)) {
            assertNotSame(RowDots.Plain.INSTANCE, RowDots.best(), "the Vector API module is present");
        } else {
            assertEquals(RowDots.Plain.INSTANCE, RowDots.best());
        }
    }

    static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }
}
