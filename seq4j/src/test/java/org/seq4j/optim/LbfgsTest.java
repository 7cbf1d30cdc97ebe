package org.seq4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

class LbfgsTest {

    /**
     * J(θ) = ½ Σ_i a_i (θ_i − c_i)² + ¼ (θ₀ − θ₁)⁴ over two parameters of 3 and 2 elements: convex, with the
     * minimum at θ = c when c₀ = c₁ and condition number 1000.
     */
    private static final double[] A = {1000, 1, 10, 0.5, 3};
    private static final double[] CENTRE = {1.5, 1.5, -2, 0.25, 4};

    private static double quartic(Parameters p) {
        float[] first = p.get(0).value().data;
        float[] second = p.get(1).value().data;
        float[] g1 = p.get(0).grad().data;
        float[] g2 = p.get(1).grad().data;
        double value = 0;
        for (int i = 0; i < 5; i++) {
            double theta = i < 3 ? first[i] : second[i - 3];
            double d = theta - CENTRE[i];
            value += 0.5 * A[i] * d * d;
            double grad = A[i] * d;
            if (i < 3) {
                g1[i] = (float) grad;
            } else {
                g2[i - 3] = (float) grad;
            }
        }
        double diff = first[0] - first[1];
        value += 0.25 * diff * diff * diff * diff;
        g1[0] += (float) (diff * diff * diff);
        g1[1] -= (float) (diff * diff * diff);
        return value;
    }

    private static Parameters twoParameters() {
        return Parameters.of(new Parameter("a", 3), new Parameter("b", 2));
    }

    @Test
    void reachesTheMinimumOfAnIllConditionedConvexFunction() {
        Parameters p = twoParameters();
        // stopping on the gradient alone: every entry below 1e-6 puts θ within 1e-6 / min(a) = 2e-6 of c
        Lbfgs.Result r = Lbfgs.minimize(p, () -> quartic(p), new Lbfgs.Config(10, 500, 1e-6, 0));
        assertTrue(r.converged(), r.toString());
        for (int i = 0; i < 5; i++) {
            float theta = i < 3 ? p.get(0).value().data[i] : p.get(1).value().data[i - 3];
            // float32 parameters: the minimum to a few ulps of the centre's scale
            assertEquals(CENTRE[i], theta, 1e-5, "θ" + i + " after " + r);
        }
        assertEquals(0, r.value(), 1e-9);
        assertTrue(r.iterations() < 100, r.toString());
        // the parameters' gradients are those of the returned point
        double largest = 0;
        for (Parameter q : p) {
            for (float g : q.grad().data) {
                largest = Math.max(largest, Math.abs(g));
            }
        }
        assertEquals(r.gradientNorm(), largest, 0);
    }

    @Test
    void startsFromTheCurrentValuesAndStopsAtTheIterationLimit() {
        Parameters p = twoParameters();
        Lbfgs.Result one = Lbfgs.minimize(p, () -> quartic(p), Lbfgs.Config.defaults().withMaxIterations(1));
        assertEquals(1, one.iterations());
        assertFalse(one.converged());
        Lbfgs.Result rest = Lbfgs.minimize(p, () -> quartic(p), Lbfgs.Config.defaults());
        assertTrue(rest.value() < one.value());
        // at the minimum already: no iteration is needed
        Lbfgs.Result again = Lbfgs.minimize(p, () -> quartic(p), new Lbfgs.Config(10, 50, 1e-3, 0));
        assertEquals(0, again.iterations(), again.toString());
        assertTrue(again.converged());
    }

    @Test
    void isDeterministic() {
        Parameters p = twoParameters();
        Parameters q = twoParameters();
        Lbfgs.Config config = Lbfgs.Config.defaults().withMaxIterations(7);
        Lbfgs.Result a = Lbfgs.minimize(p, () -> quartic(p), config);
        Lbfgs.Result b = Lbfgs.minimize(q, () -> quartic(q), config);
        assertEquals(a, b);
        for (int k = 0; k < 2; k++) {
            assertArrayEquals(p.get(k).value().data, q.get(k).value().data);
        }
    }

    @Test
    void refusesBadSettingsAndAnObjectiveThatIsNotFiniteAtTheStart() {
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs.Config(0, 10, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs.Config(5, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs.Config(5, 10, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs.Config(5, 10, 0, Double.NaN));
        Parameters p = twoParameters();
        assertThrows(IllegalArgumentException.class, () -> Lbfgs.minimize(p, null, Lbfgs.Config.defaults()));
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> Lbfgs.minimize(p, () -> Double.NaN, Lbfgs.Config.defaults()));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
