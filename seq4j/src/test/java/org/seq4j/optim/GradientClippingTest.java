package org.seq4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

/** Clipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_, and non-finite detection. */
class GradientClippingTest {

    private static final TensorFile FILE = Fixtures.load("clipping.safetensors");

    /**
     * The norm is accumulated in double here, so it must agree with the same norm computed in float64 by
     * the fixture script to double rounding (15 terms).
     */
    private static final double DOUBLE_NORM_TOLERANCE = 1e-12;

    /** Parameters with zero values and the fixture's gradients. */
    private static Parameters withFixtureGradients() {
        Parameters parameters = Parameters.of(new Parameter("weight", 3, 5), new Parameter("bias", 3));
        Fixtures.setGradients(parameters, FILE, "grad.");
        return parameters;
    }

    @Test
    void clipByGlobalNormMatchesTorchWhenClipping() {
        Parameters parameters = withFixtureGradients();
        double norm = GradientClipping.clipByGlobalNorm(parameters, 1.5);
        double torchNorm64 = FILE.get("norm_clipped.norm64").toDoubleArray()[0];
        assertEquals(torchNorm64, norm, DOUBLE_NORM_TOLERANCE * torchNorm64);
        float torchNorm32 = FILE.get("norm_clipped.norm").toFloatArray()[0];
        assertEquals(torchNorm32, norm, Fixtures.RELATIVE * torchNorm32, "torch's own float32 norm");
        assertTrue(norm > 1.5, "the fixture must exercise clipping");
        for (Parameter p : parameters) {
            Fixtures.assertClose(FILE.get("norm_clipped." + p.name()).toFloatArray(), p.grad().data, p.name());
        }
        assertEquals(1.5, GradientClipping.globalNorm(parameters), 1e-6, "clipped to maxNorm (less 1e-6)");
    }

    @Test
    void clipByGlobalNormLeavesSmallGradientsUnchanged() {
        Parameters parameters = withFixtureGradients();
        double norm = GradientClipping.clipByGlobalNorm(parameters, 100);
        assertEquals(FILE.get("norm_unclipped.norm64").toDoubleArray()[0], norm, DOUBLE_NORM_TOLERANCE * norm);
        for (Parameter p : parameters) {
            assertArrayEquals(FILE.get("norm_unclipped." + p.name()).toFloatArray(), p.grad().data, p.name());
        }
    }

    @Test
    void clipByValueMatchesTorch() {
        Parameters parameters = withFixtureGradients();
        GradientClipping.clipByValue(parameters, 0.5);
        for (Parameter p : parameters) {
            assertArrayEquals(FILE.get("value." + p.name()).toFloatArray(), p.grad().data, p.name());
        }
    }

    @Test
    void zeroMaxNormZeroesTheGradients() {
        Parameters parameters = withFixtureGradients();
        double norm = GradientClipping.clipByGlobalNorm(parameters, 0);
        assertTrue(norm > 0);
        assertEquals(0.0, GradientClipping.globalNorm(parameters));
    }

    @Test
    void nonFiniteGradientIsReportedWithParameterAndIndexAndNothingIsModified() {
        Parameters parameters = withFixtureGradients();
        Parameter weight = parameters.get("weight");
        Parameter bias = parameters.get("bias");
        bias.grad().data[2] = Float.NaN;
        weight.grad().data[1 * 5 + 3] = Float.POSITIVE_INFINITY; // weight comes first in the registry
        weight.grad().data[2 * 5 + 0] = Float.NaN;
        float[] weightBefore = weight.grad().data.clone();
        float[] biasBefore = bias.grad().data.clone();

        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
                () -> GradientClipping.clipByGlobalNorm(parameters, 1.0));
        assertEquals("weight", e.parameterName());
        assertArrayEquals(new int[] {1, 3}, e.index());
        assertEquals(Float.POSITIVE_INFINITY, e.value());
        assertEquals("gradient of 'weight' is Infinity at [1, 3] (first non-finite element)", e.getMessage());
        assertTrue(e instanceof ArithmeticException);

        e = assertThrows(NonFiniteGradientException.class, () -> GradientClipping.clipByValue(parameters, 0.5));
        assertEquals("weight", e.parameterName());
        assertArrayEquals(weightBefore, weight.grad().data, "a failed clip must not modify the gradients");
        assertArrayEquals(biasBefore, bias.grad().data, "a failed clip must not modify the gradients");

        weight.grad().data[1 * 5 + 3] = 0f;
        weight.grad().data[2 * 5 + 0] = 0f;
        e = assertThrows(NonFiniteGradientException.class, () -> GradientClipping.checkFinite(parameters));
        assertEquals("bias", e.parameterName());
        assertArrayEquals(new int[] {2}, e.index());
        assertTrue(Float.isNaN(e.value()));
    }

    @Test
    void withoutTheCheckNonFiniteGradientsBehaveAsInTorch() {
        Parameters parameters = withFixtureGradients();
        Parameter weight = parameters.get("weight");
        Parameter bias = parameters.get("bias");
        weight.grad().data[0] = Float.NEGATIVE_INFINITY;
        bias.grad().data[1] = Float.NaN;
        GradientClipping.clipByValue(parameters, 0.5, false);
        assertEquals(-0.5f, weight.grad().data[0], "±Infinity is clipped to ±limit");
        assertTrue(Float.isNaN(bias.grad().data[1]), "NaN stays NaN, as with torch.clamp");

        Parameters infinite = withFixtureGradients();
        infinite.get("weight").grad().data[4] = Float.POSITIVE_INFINITY;
        double norm = GradientClipping.clipByGlobalNorm(infinite, 1.0, false);
        assertEquals(Double.POSITIVE_INFINITY, norm);
        // Scaled by maxNorm / (∞ + 1e-6) = 0: finite elements become 0, the infinite one 0·∞ = NaN.
        assertTrue(Float.isNaN(infinite.get("weight").grad().data[4]));
        assertEquals(0f, infinite.get("weight").grad().data[3]);
    }

    @Test
    void argumentChecks() {
        Parameters parameters = withFixtureGradients();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientClipping.clipByValue(parameters, -1));
        assertEquals("limit must be finite and ≥ 0 but was -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GradientClipping.clipByGlobalNorm(parameters, Double.NaN));
        assertEquals("maxNorm must be finite and ≥ 0 but was NaN", e.getMessage());
    }
}
