package org.seq4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.io.NamedTensor;
import org.seq4j.io.TensorFile;

/**
 * Loads PyTorch fixtures (safetensors files on the test class path) and compares float32 results with
 * them, reporting the tensor name, the worst index and both values on failure.
 */
public final class Fixtures {

    /**
     * Relative tolerance of a float32 result against PyTorch's float64 result rounded to float32. Float32
     * has a 24-bit significand (unit roundoff 6e-8); the fixture operations chain at most a few dozen
     * rounded operations on values of order 1 (sums of ≤ 8 products, exp/log, one division), so their
     * relative error stays below 1e-6 (every current fixture also passes with RTOL 1e-6 and ATOL 1e-7, and
     * fails with 2e-7 and 2e-8); 1e-5 leaves a margin of ten while still failing any wrong term.
     */
    public static final double RTOL = 1e-5;

    /**
     * Absolute tolerance for entries near zero, where a difference of nearly equal float32 values loses
     * its relative accuracy: errors there are a few ulps of the operands (order 1), i.e. below 1e-6.
     */
    public static final double ATOL = 1e-6;

    private Fixtures() {
    }

    /** Reads a safetensors resource, e.g. {@code /fixtures/nn/linear.safetensors}. */
    public static TensorFile load(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing test resource " + resource);
            return TensorFile.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An F32 tensor as a matrix ({@code [C]} as {@code (1, C)}, a scalar as {@code (1, 1)}). */
    public static FMatrixRMaj matrix(TensorFile file, String name) {
        return file.get(name).toMatrix();
    }

    /** An F32 scalar or one-element tensor. */
    public static double scalar(TensorFile file, String name) {
        NamedTensor t = file.get(name);
        assertEquals(1, t.elementCount(), name + " must have one element");
        return t.toDoubleArray()[0];
    }

    /** An integer tensor as ints. */
    public static int[] ints(TensorFile file, String name) {
        long[] values = file.get(name).toLongArray();
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }

    /**
     * Asserts {@code |actual − expected| ≤ ATOL + RTOL·|expected|} for every entry, with the shapes equal.
     *
     * @throws AssertionError naming the tensor, the worst (row, col), both values and how many entries fail
     */
    public static void assertMatches(String name, FMatrixRMaj expected, FMatrixRMaj actual) {
        assertEquals(expected.numRows + "x" + expected.numCols, actual.numRows + "x" + actual.numCols,
                name + ": shape");
        int worst = -1;
        double worstScore = 0;
        int failures = 0;
        for (int i = 0; i < expected.getNumElements(); i++) {
            double e = expected.data[i];
            double a = actual.data[i];
            double score = Math.abs(a - e) / (ATOL + RTOL * Math.abs(e));
            if (Double.isNaN(score)) {
                score = Double.isNaN(a) && Double.isNaN(e) ? 0 : Double.POSITIVE_INFINITY;
            }
            if (score > 1) {
                failures++;
            }
            if (worst < 0 || score > worstScore) {
                worst = i;
                worstScore = score;
            }
        }
        if (failures > 0) {
            int cols = expected.numCols;
            fail(String.format(Locale.ROOT,
                    "%s: %d of %d entries differ from PyTorch; worst at (%d, %d): expected %.9g, actual %.9g"
                            + " (|diff| %.3g > %.1g + %.1g·|expected|)",
                    name, failures, expected.getNumElements(), worst / cols, worst % cols, expected.data[worst],
                    actual.data[worst], Math.abs(actual.data[worst] - expected.data[worst]), ATOL, RTOL));
        }
    }

    /** Asserts {@code |actual − expected| ≤ ATOL + RTOL·|expected|} for a scalar. */
    public static void assertMatches(String name, double expected, double actual) {
        if (!(Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected))) {
            fail(String.format(Locale.ROOT, "%s: expected %.9g, actual %.9g (|diff| %.3g)", name, expected, actual,
                    Math.abs(actual - expected)));
        }
    }
}
