package org.seq4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;

/** Loading the PyTorch fixtures written by {@code src/test/python/make_optim_fixtures.py}, and comparing. */
final class Fixtures {

    /**
     * Float32 tolerance against torch.optim after 3 steps: |actual − expected| ≤ ABSOLUTE + RELATIVE·|expected|.
     * seq4j follows PyTorch's operation order and fused multiply-adds (see Optimizer), and on the committed
     * fixtures every element is in fact bit-identical. The tolerance is for fixtures regenerated on a CPU
     * where PyTorch's kernels round differently (no FMA, other vector widths): a few ulps per operation.
     * A wrong term (a missed bias correction, dampening on step 1, ε inside the root) or a hyperparameter
     * off by 1% is off by far more (see OptimizerFixtureTest#toleranceRejectsNearbyConfigurations).
     */
    static final double RELATIVE = 1e-6;
    static final double ABSOLUTE = 1e-7;

    private Fixtures() {
    }

    static TensorFile load(String name) {
        String resource = "/fixtures/optim/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing test resource " + resource);
            return TensorFile.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the fixtures' two parameters, weight [3, 5] and bias [3], with the given values. */
    static Parameters parameters(TensorFile file, String prefix) {
        Parameter weight = new Parameter("weight", 3, 5);
        Parameter bias = new Parameter("bias", 3);
        Parameters parameters = Parameters.of(weight, bias);
        for (Parameter p : parameters) {
            assertArrayEquals(p.shape(), file.get(prefix + p.name()).shape(), prefix + p.name());
            copy(file.get(prefix + p.name()).toFloatArray(), p.value().data);
        }
        return parameters;
    }

    static void setGradients(Parameters parameters, TensorFile file, String prefix) {
        for (Parameter p : parameters) {
            copy(file.get(prefix + p.name()).toFloatArray(), p.grad().data);
        }
    }

    static void copy(float[] source, float[] target) {
        System.arraycopy(source, 0, target, 0, source.length);
    }

    /** Asserts closeness within the tolerance, naming the tensor, the worst index and both values. */
    static void assertClose(float[] expected, float[] actual, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": expected " + expected.length + " elements but had " + actual.length);
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]);
            double allowed = ABSOLUTE + RELATIVE * Math.abs(expected[i]);
            double excess = Double.isNaN(actual[i]) ? Double.POSITIVE_INFINITY : error / allowed;
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = i;
            }
        }
        if (worstExcess > 1) {
            throw new AssertionError(what + ": worst index " + worst + " expected " + expected[worst]
                    + " but was " + actual[worst] + " (error " + Math.abs(actual[worst] - expected[worst]) + ")");
        }
    }

    /** The largest |actual − expected| / (ABSOLUTE + RELATIVE·|expected|), for reporting margins. */
    static double excess(float[] expected, float[] actual) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs((double) actual[i] - expected[i])
                    / (ABSOLUTE + RELATIVE * Math.abs(expected[i])));
        }
        return worst;
    }
}
