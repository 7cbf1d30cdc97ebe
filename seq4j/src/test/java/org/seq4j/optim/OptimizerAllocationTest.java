package org.seq4j.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Kernels;

/**
 * After the first step, a training step allocates nothing. Allocation is counted per thread by the JVM
 * (com.sun.management.ThreadMXBean), so the count is deterministic, not a timing.
 */
class OptimizerAllocationTest {

    private static final int STEPS = 500;
    /**
     * Bytes tolerated over all STEPS steps: the counter is exact, but the JVM may allocate on the measuring
     * thread for its own purposes (e.g. a class initialisation); one allocation per step would already be
     * STEPS × 16 bytes.
     */
    private static final long TOLERATED_BYTES = 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void scheduleClippingAndStepsAfterTheFirstAllocateNothing() throws InterruptedException {
        // the kernels that the rest of a run uses: warmed up now, not switched to during the measurement
        Kernels.awaitVectorKernels();
        allocatedBytes(); // load and initialise whatever the measurement needs
        SplittableRandom random = new SplittableRandom(5);
        for (Map.Entry<String, Function<Parameters, Optimizer>> e : OptimizerFixtureTest.configs().entrySet()) {
            Parameters parameters = Parameters.of(new Parameter("weight", 16, 9), new Parameter("bias", 16));
            for (Parameter p : parameters) {
                for (int i = 0; i < p.numElements(); i++) {
                    p.value().data[i] = (float) random.nextDouble(-1, 1);
                    p.grad().data[i] = (float) random.nextDouble(-1, 1);
                }
            }
            Optimizer optimizer = e.getValue().apply(parameters);
            LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(optimizer.learningRate(), 10, 400, 0);
            optimizer.step(); // creates the state
            schedule.apply(optimizer, 0); // and warm up the rest of the loop, so that its classes are loaded
            long before = allocatedBytes();
            for (int s = 1; s <= STEPS; s++) {
                schedule.apply(optimizer, s);
                GradientClipping.clipByGlobalNorm(parameters, 5.0);
                GradientClipping.clipByValue(parameters, 5.0);
                optimizer.step();
            }
            long allocated = allocatedBytes() - before;
            assertTrue(allocated <= TOLERATED_BYTES,
                       e.getKey() + " allocated " + allocated + " bytes in " + STEPS + " steps");
        }
    }
}
