package org.seq4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatActivationsTest {

    /** The documented bounds (measured over every float of magnitude 1e-30 to 40), checked on a dense sample. */
    private static final double TANH_MAX_ULPS = 4.9;
    private static final double TANH_MAX_ABS = 2.92e-7;
    private static final double SIGMOID_MAX_ABS = 1.7e-7;

    /** Every 61st float bit pattern from 1e-30 to 40, and its negative: about 1.9 million arguments per sign. */
    private static final int STRIDE = 61;

    @Test
    void tanhIsWithinItsBoundsOfTheExactValue() {
        double worstUlps = 0;
        double worstAbs = 0;
        float worstAt = 0;
        for (int bits = Float.floatToIntBits(1e-30f); bits <= Float.floatToIntBits(40f); bits += STRIDE) {
            for (float x : new float[] {Float.intBitsToFloat(bits), -Float.intBitsToFloat(bits)}) {
                double exact = Math.tanh(x);
                double error = Math.abs(FloatActivations.tanh(x) - exact);
                double ulps = error / Math.ulp((float) exact);
                if (ulps > worstUlps) {
                    worstUlps = ulps;
                    worstAt = x;
                }
                worstAbs = Math.max(worstAbs, error);
            }
        }
        assertTrue(worstUlps <= TANH_MAX_ULPS, "tanh error " + worstUlps + " ulp at " + worstAt);
        assertTrue(worstAbs <= TANH_MAX_ABS, "tanh absolute error " + worstAbs);
    }

    @Test
    void sigmoidIsWithinItsBoundOfTheExactValue() {
        double worst = 0;
        float worstAt = 0;
        for (int bits = Float.floatToIntBits(1e-30f); bits <= Float.floatToIntBits(40f); bits += STRIDE) {
            for (float x : new float[] {Float.intBitsToFloat(bits), -Float.intBitsToFloat(bits)}) {
                double error = Math.abs(FloatActivations.sigmoid(x) - 1 / (1 + Math.exp(-(double) x)));
                if (error > worst) {
                    worst = error;
                    worstAt = x;
                }
            }
        }
        assertTrue(worst <= SIGMOID_MAX_ABS, "sigmoid error " + worst + " at " + worstAt);
    }

    @Test
    void exactSigmoidsAgreeWithEachOtherAndAreStable() {
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) random.nextDouble(-50, 50);
            double exact = FloatActivations.sigmoidDouble(x);
            // both are the double value rounded to float, up to one double rounding in e/(1+e)
            assertEquals(exact, FloatActivations.sigmoidExact(x), Math.ulp((float) exact), "x = " + x);
            if (x >= 0) {
                assertEquals((float) exact, FloatActivations.sigmoidExact(x), "x = " + x);
            }
        }
        assertEquals(0.5f, FloatActivations.sigmoidExact(0f));
        assertEquals(0f, FloatActivations.sigmoidExact(Float.NEGATIVE_INFINITY));
        assertEquals(1f, FloatActivations.sigmoidExact(Float.POSITIVE_INFINITY));
        assertEquals(0.0, FloatActivations.sigmoidDouble(-800));
        assertEquals(1.0, FloatActivations.sigmoidDouble(800));
        assertEquals(Math.exp(-90), FloatActivations.sigmoidExact(-90f), 1e-45);
    }

    @Test
    void word2vecTableIsCloseToTheExactSigmoid() {
        // Cells are 0.012 wide and word2vec.c indexes them with scale 83 instead of 83.33, which reads
        // σ at up to 0.036 below f near f = 0; σ' <= 1/4, so the table is within 0.01 of σ.
        for (double f = -5.99; f < 5.99; f += 0.001) {
            assertEquals(FloatActivations.sigmoidDouble((float) f), FloatActivations.word2vecSigmoid((float) f), 0.01,
                    "f = " + f);
        }
        // word2vec.c: expTable[0] = σ(-6), read for f just above -MAX_EXP
        assertEquals((float) (Math.exp(-6) / (Math.exp(-6) + 1)),
                FloatActivations.word2vecSigmoid(-FloatActivations.WORD2VEC_MAX_EXP + 1e-4f));
    }

    @Test
    void specialValues() {
        assertEquals(Float.NaN, FloatActivations.tanh(Float.NaN));
        assertEquals(Float.NaN, FloatActivations.sigmoid(Float.NaN));
        assertEquals(0f, FloatActivations.tanh(0f));
        assertEquals(-0f, FloatActivations.tanh(-0f));
        assertEquals(0.5f, FloatActivations.sigmoid(0f));
        assertEquals(1 - 2.4e-7, FloatActivations.tanh(Float.POSITIVE_INFINITY), 1e-8);
        assertEquals(-1 + 2.4e-7, FloatActivations.tanh(Float.NEGATIVE_INFINITY), 1e-8);
        assertEquals(1.2e-7, FloatActivations.sigmoid(Float.NEGATIVE_INFINITY), 1e-8);
        assertTrue(FloatActivations.sigmoid(Float.POSITIVE_INFINITY) < 1f);
        // odd and bounded for every argument, so that 1 − y² and y(1 − y) stay non-negative
        for (int bits = 0; bits < Float.floatToIntBits(20f); bits += 9973) {
            float x = Float.intBitsToFloat(bits);
            float y = FloatActivations.tanh(x);
            assertEquals(-y, FloatActivations.tanh(-x));
            assertTrue(y >= 0f && y < 1f, "tanh(" + x + ") = " + y);
        }
    }

    @Test
    void arrayFormsEqualTheScalarFormBitForBit() throws InterruptedException {
        Gemm.awaitVectorKernels();   // the element-wise kernels are warmed up with Gemm's
        assertEquals(Simd.available(), FloatActivations.vectorKernels() != null);
        SplittableRandom random = new SplittableRandom(5);
        float[] special = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 7.90531110763549805f, -7.90531110763549805f,
            Math.nextUp(7.90531110763549805f), 15.8106222f, -15.8106222f, 1e-20f, -3e-39f, 40f, -40f};
        // odd lengths and offsets, so that the vector kernels (from 64 values) and the vectorised loops run
        // their post-loops too
        for (int length : new int[] {1, 7, 31, 63, 64, 65, 100, 127, 128, 129, 191, 1027}) {
            int from = 3;
            float[] x = new float[from + length + 5];
            for (int i = 0; i < x.length; i++) {
                // magnitudes from 10⁻⁶ to 10², both signs, and the special values among them
                x[i] = random.nextInt(8) == 0 ? special[random.nextInt(special.length)]
                        : (float) ((random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble(-6, 2)));
            }
            float[] tanhInPlace = x.clone();
            float[] sigmoidInPlace = x.clone();
            float[] tanhInto = new float[x.length];
            FloatActivations.tanh(tanhInPlace, from, from + length);
            FloatActivations.sigmoid(sigmoidInPlace, from, from + length);
            FloatActivations.tanh(x, tanhInto, from, from + length);
            for (int i = 0; i < x.length; i++) {
                boolean inside = i >= from && i < from + length;
                String at = " at " + i + " of " + length + ", x=" + x[i];
                assertEquals(inside ? FloatActivations.tanh(x[i]) : x[i], tanhInPlace[i], "tanh" + at);
                assertEquals(inside ? FloatActivations.sigmoid(x[i]) : x[i], sigmoidInPlace[i], "sigmoid" + at);
                assertEquals(inside ? FloatActivations.tanh(x[i]) : 0f, tanhInto[i], "tanh into" + at);
            }
        }
    }

    @Test
    void expOfNonPositiveIsWithinItsBoundOfTheExactValue() {
        double worst = 0;
        for (float x = 0f; x >= -87f; x = Math.nextDown(x) - 1e-3f * Math.abs(x)) {
            double exact = Math.exp(x);
            worst = Math.max(worst, Math.abs(FloatActivations.expOfNonPositive(x) - exact) / exact);
        }
        assertTrue(worst <= 1.2e-7, "worst relative error " + worst);
        assertTrue(FloatActivations.expOfNonPositive(0f) == 1f);
        assertTrue(FloatActivations.expOfNonPositive(-1000f) > 0f
                && FloatActivations.expOfNonPositive(-1000f) < 2e-38f);
        assertTrue(Float.isNaN(FloatActivations.expOfNonPositive(Float.NaN)));
    }

    @Test
    void expForSoftmaxUnderflowsAsFloatBelowTheClampOfExpOfNonPositive() {
        for (float x = 0f; x >= -87f; x = Math.nextDown(x) - 1e-2f * Math.abs(x)) {
            assertTrue(FloatActivations.expForSoftmax(x) == FloatActivations.expOfNonPositive(x), "x=" + x);
        }
        for (float x = -87.0001f; x >= -200f; x -= 0.37f) {
            assertTrue(FloatActivations.expForSoftmax(x) == (float) Math.exp(x), "x=" + x);
        }
        assertTrue(FloatActivations.expForSoftmax(-104f) == 0f);
        assertTrue(FloatActivations.expForSoftmax(Float.NEGATIVE_INFINITY) == 0f);
        assertTrue(Float.isNaN(FloatActivations.expForSoftmax(Float.NaN)));
    }

    @Test
    void softmaxExponentialsAreTheScalarOnesBitForBitAndSumInFourPartialSums() throws InterruptedException {
        Gemm.awaitVectorKernels();   // the element-wise kernels are warmed up with Gemm's
        assertEquals(Simd.available(), FloatActivations.vectorKernels() != null);
        SplittableRandom random = new SplittableRandom(7);
        for (int n : new int[] {0, 1, 3, 15, 16, 17, 63, 64, 65, 100, 257, 5695}) {
            float[] x = new float[n + 5];
            for (int i = 0; i < x.length; i++) {
                // mostly within [−90, 10], some far below the clamp of −87 after the shift
                x[i] = random.nextInt(10) == 0 ? (float) (-200 * random.nextDouble()) : (float) (100 * random.nextDouble() - 90);
            }
            if (n > 20) {
                x[3 + 17] = Float.NEGATIVE_INFINITY;
            }
            float max = 10f;
            float[] y = new float[n + 9];
            double sum = FloatActivations.softmaxExponentials(x, 3, max, y, 7, n);
            double[] partial = new double[4];
            for (int i = 0; i < n; i++) {
                float expected = FloatActivations.expForSoftmax(x[3 + i] - max);
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y[7 + i]),
                        "n=" + n + " i=" + i + " x=" + x[3 + i] + ": " + expected + " vs " + y[7 + i]);
                partial[i < (n & ~3) ? i & 3 : 0] += expected;
            }
            assertEquals((partial[0] + partial[1]) + (partial[2] + partial[3]), sum, 0.0, "n=" + n);
            assertEquals(sum, FloatActivations.softmaxExponentialSum(x, 3, max, n), 0.0, "sum only, n=" + n);
            assertEquals(0f, y[6]);
            assertEquals(0f, y[7 + n]);
            // in place: the same values
            float[] inPlace = x.clone();
            assertEquals(sum, FloatActivations.softmaxExponentials(inPlace, 3, max, inPlace, 3, n), 0.0);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(y[7 + i]), Float.floatToIntBits(inPlace[3 + i]), "in place, i=" + i);
            }
        }
        float[] nan = new float[100];
        nan[50] = Float.NaN;
        FloatActivations.softmaxExponentials(nan, 0, 0f, nan, 0, 100);
        assertTrue(Float.isNaN(nan[50]) && nan[49] == 1f && nan[51] == 1f);
    }

    @Test
    void maxIsTheScalarLoopsWithMathMaxRules() throws InterruptedException {
        Gemm.awaitVectorKernels();   // the element-wise kernels are warmed up with Gemm's
        assertEquals(Simd.available(), FloatActivations.vectorKernels() != null);
        SplittableRandom random = new SplittableRandom(11);
        for (int n : new int[] {1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257, 5695}) {
            for (int trial = 0; trial < 5; trial++) {
                float[] x = new float[n + 4];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (200 * random.nextDouble() - 100);
                }
                // the maximum at the first, the last, or any element of the range; the padding holds larger values
                int at = trial == 0 ? 0 : trial == 1 ? n - 1 : random.nextInt(n);
                x[2 + at] = 150f + trial;
                x[0] = 1e6f;
                x[n + 3] = 1e6f;
                float expected = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    expected = Math.max(expected, x[2 + i]);
                }
                assertEquals(expected, FloatActivations.max(x, 2, n), "n=" + n + " at=" + at);
            }
        }
        float[] zeros = new float[100];
        Arrays.fill(zeros, -0f);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(FloatActivations.max(zeros, 0, 100)));
        zeros[77] = 0f;
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(FloatActivations.max(zeros, 0, 100)));
        float[] nan = new float[100];
        nan[99] = Float.NaN;
        assertTrue(Float.isNaN(FloatActivations.max(nan, 0, 100)));
        nan[99] = Float.NEGATIVE_INFINITY;
        nan[40] = Float.NaN;
        assertTrue(Float.isNaN(FloatActivations.max(nan, 0, 100)));
        float[] infinities = new float[70];
        Arrays.fill(infinities, Float.NEGATIVE_INFINITY);
        assertEquals(Float.NEGATIVE_INFINITY, FloatActivations.max(infinities, 0, 70));
        assertThrows(IllegalArgumentException.class, () -> FloatActivations.max(nan, 0, 0));
    }

    @Test
    void argmaxIsTheFirstLargestAsTheLoopFindsIt() throws InterruptedException {
        Gemm.awaitVectorKernels();   // the element-wise kernels are warmed up with Gemm's
        assertEquals(Simd.available(), FloatActivations.vectorKernels() != null);
        SplittableRandom random = new SplittableRandom(13);
        for (int n : new int[] {1, 2, 15, 16, 17, 63, 64, 65, 100, 257, 9000}) {
            for (int trial = 0; trial < 8; trial++) {
                float[] x = new float[n + 4];
                for (int i = 0; i < x.length; i++) {
                    // few distinct values, so that ties are common
                    x[i] = trial < 4 ? random.nextInt(7) - 5 : (float) random.nextDouble(-20, 0);
                }
                x[0] = 100f;
                x[n + 3] = 100f;
                if (trial == 5) {
                    x[2 + random.nextInt(n)] = Float.NaN;
                }
                if (trial == 6 && n > 1) {
                    x[2 + n - 1] = 50f;   // the largest value last
                }
                if (trial == 7) {
                    x[2] = Float.NaN;     // a NaN first: index 0, as the loop returns
                }
                int expected = 0;
                for (int i = 1; i < n; i++) {
                    if (x[2 + i] > x[2 + expected]) {
                        expected = i;
                    }
                }
                assertEquals(expected, FloatActivations.argmax(x, 2, n), "n=" + n + " trial=" + trial);
            }
        }
        float[] zeros = new float[100];
        Arrays.fill(zeros, -1f);
        zeros[70] = -0f;
        zeros[80] = 0f;
        assertEquals(70, FloatActivations.argmax(zeros, 0, 100));
        assertThrows(IllegalArgumentException.class, () -> FloatActivations.argmax(zeros, 0, 0));
    }
}
