package org.seq4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.seq4j.testing.TestMatrices.indices;
import static org.seq4j.testing.TestMatrices.uniform;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.tensor.Kernels;

/** Once the caller's buffers exist, forward and backward passes allocate nothing. */
class SteadyStateAllocationTest {

    private static final int ITERATIONS = 2_000;

    /**
     * Bytes that the measurement itself may account for (the allocation counter's own bookkeeping); a single
     * allocation per iteration would exceed it by far (2 000 iterations × at least 16 bytes).
     */
    private static final long SLACK_BYTES = 4_096;

    /**
     * Measured windows of ITERATIONS steps. While the JIT still recompiles (here up to some 40 000 steps
     * after start), a window can see a one-off allocation of a few kilobytes (deoptimisation); an allocation
     * per step shows in every window, so the test asks for one clean window among these.
     */
    private static final int WINDOWS = 20;

    @Test
    void modulesAndLossesAllocateNothingPerStep() throws InterruptedException {
        // the kernels that the rest of a run uses: warmed up now, not switched to during the measurement
        Kernels.awaitVectorKernels();
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        SplittableRandom random = new SplittableRandom(1);
        int n = 6;
        Embedding embedding = new Embedding(10, 4, 0, random);
        Linear linear = new Linear(4, 5, random);
        CrossEntropyLoss crossEntropy = CrossEntropyLoss.builder().classWeights(1f, 2f, 1f, 0.5f, 1f).build();
        MSELoss mse = new MSELoss();
        int[] tokens = indices(n, 10, random);
        int[] targets = indices(n, 5, random);
        FMatrixRMaj e = new FMatrixRMaj(n, 4);        // (N, E)
        FMatrixRMaj logits = new FMatrixRMaj(n, 5);   // (N, C)
        FMatrixRMaj p = new FMatrixRMaj(n, 5);        // (N, C)
        FMatrixRMaj dLogits = new FMatrixRMaj(n, 5);  // (N, C)
        FMatrixRMaj dE = new FMatrixRMaj(n, 4);       // (N, E)
        FMatrixRMaj target = uniform(n, 5, 1.0, random);
        float[] exampleWeights = {1f, 0f, 2f, 1f, 0.5f, 1f};
        Dropout dropout = new Dropout(0.3f);
        FMatrixRMaj dropped = new FMatrixRMaj(n, 4);  // (N, E)
        SplittableRandom dropoutRandom = new SplittableRandom(2);
        Dropout.Cache[] dropoutCache = {dropout.forward(e, dropped, dropoutRandom)};

        Runnable step = () -> {
            embedding.forward(tokens, e);
            dropout.forward(e, dropped, dropoutRandom, dropoutCache[0]);
            linear.forward(dropped, logits);
            crossEntropy.forward(logits, targets, exampleWeights, p);
            crossEntropy.backward(p, targets, exampleWeights, 1.0, dLogits);
            mse.forward(logits, target, exampleWeights);
            mse.backward(logits, target, exampleWeights, 0.1, p);
            linear.backward(dropped, dLogits, dE);
            dropout.backward(dropoutCache[0], dE, dE);
            embedding.backward(tokens, dE);
        };
        for (int i = 0; i < ITERATIONS; i++) {
            step.run();  // warm up (class loading, JIT)
        }
        long thread = Thread.currentThread().getId();
        long allocated = Long.MAX_VALUE;
        for (int w = 0; w < WINDOWS && allocated >= SLACK_BYTES; w++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < ITERATIONS; i++) {
                step.run();
            }
            allocated = threads.getThreadAllocatedBytes(thread) - before;
        }
        assertTrue(allocated < SLACK_BYTES, allocated + " bytes allocated in each of " + WINDOWS + " windows of "
                + ITERATIONS + " steps");
    }
}
