package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.nn.StateDict;
import org.seq4j.nn.StateDictMismatchException;
import org.seq4j.nn.StateDictReport;

/**
 * Reading the PyTorch fixtures of {@code src/test/python/make_composition_fixtures.py} and comparing with
 * them, with the public API only.
 */
final class ApiFixtures {

    /**
     * Tolerance of a float32 result against PyTorch's float64 result: |actual − expected| ≤ ATOL + RTOL·|expected|.
     * The models chain a few dozen rounded float32 operations per value (recurrences of at most 4 steps, a
     * softmax, sums of at most a few dozen products) on values of order 1, so their error stays near 1e-6;
     * the margin of ten still fails any wrong or missing term.
     */
    static final double RTOL = 1e-5;
    static final double ATOL = 1e-5;

    private ApiFixtures() {
    }

    /** Reads a safetensors resource, e.g. {@code /fixtures/composition/two_decoders.safetensors}. */
    static TensorFile load(String resource) {
        try (InputStream in = ApiFixtures.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing test resource " + resource);
            return TensorFile.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads every parameter from the fixture tensor of the same name with {@link StateDict} (not strict: the
     * fixture also holds inputs and gradients), and asserts that none was missing or misshapen.
     */
    static void loadParameters(Parameters parameters, TensorFile fixture) {
        StateDictReport report;
        try {
            report = StateDict.load(parameters, fixture, false);
        } catch (StateDictMismatchException e) {
            throw new AssertionError("a non-strict load does not throw", e);
        }
        assertTrue(report.missing().isEmpty() && report.mismatched().isEmpty(), report.toString());
    }

    /**
     * Redraws every parameter from U(−bound, bound). At PyTorch's initial scale the gradients of these small
     * models reach down to 1e-4, the size of the float32 noise of a finite difference, so a gradient check
     * there would pass with a term missing; with weights U(−1, 1) they are ten times larger and a missing
     * term (e.g. the input-feeding path) fails the check.
     */
    static void redrawParameters(Parameters parameters, double bound, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : parameters) {
            for (int i = 0; i < p.numElements(); i++) {
                p.value().data[i] = (float) random.nextDouble(-bound, bound);
            }
        }
    }

    /** An integer tensor as ints, time-major [T, B] as index t·B + b. */
    static int[] ints(TensorFile fixture, String name) {
        long[] values = fixture.get(name).toLongArray();
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }

    /** Asserts every parameter's gradient equals the fixture's {@code grad.<name>}. */
    static void assertGradientsMatch(Parameters parameters, TensorFile fixture) {
        for (Parameter p : parameters) {
            assertMatches("grad." + p.name(), fixture.get("grad." + p.name()).toMatrix(), p.grad());
        }
    }

    /** Asserts the fixture's {@code loss} equals the computed one. */
    static void assertLossMatches(TensorFile fixture, double loss) {
        double expected = fixture.get("loss").toDoubleArray()[0];
        if (!(Math.abs(loss - expected) <= ATOL + RTOL * Math.abs(expected))) {
            fail(String.format(Locale.ROOT, "loss: expected %.9g, actual %.9g", expected, loss));
        }
    }

    /** Asserts |actual − expected| ≤ ATOL + RTOL·|expected| entry by entry; names the worst entry on failure. */
    static void assertMatches(String name, FMatrixRMaj expected, FMatrixRMaj actual) {
        if (expected.getNumElements() != actual.getNumElements()) {
            fail(name + ": " + expected.getNumElements() + " elements expected but was " + actual.getNumElements());
        }
        int worst = 0;
        double worstScore = -1;
        for (int i = 0; i < expected.getNumElements(); i++) {
            double score = Math.abs(actual.data[i] - expected.data[i]) / (ATOL + RTOL * Math.abs(expected.data[i]));
            if (!(score <= worstScore)) {
                worst = i;
                worstScore = Double.isNaN(score) ? Double.POSITIVE_INFINITY : score;
            }
        }
        if (worstScore > 1) {
            int cols = expected.numCols;
            fail(String.format(Locale.ROOT, "%s differs from PyTorch at (%d, %d): expected %.9g, actual %.9g",
                    name, worst / cols, worst % cols, expected.data[worst], actual.data[worst]));
        }
    }
}
