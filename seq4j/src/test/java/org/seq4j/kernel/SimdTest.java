package org.seq4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The build runs the tensor tests twice: with the Vector API module (the vectorised kernels) and
 * without it (the plain-Java kernels). The system property {@code seq4j.test.expectSimd}, set by each
 * run, says which kernels that run must be testing.
 */
class SimdTest {

    @Test
    void theBuildTestsTheKernelsItMeansTo() {
        String expected = System.getProperty("seq4j.test.expectSimd");
        assumeTrue(expected != null, "run outside the build: nothing expected");
        assertEquals(Boolean.parseBoolean(expected), Simd.available(),
                "Vector API module present: " + ModuleLayer.boot().findModule(Simd.MODULE).isPresent());
    }
}
