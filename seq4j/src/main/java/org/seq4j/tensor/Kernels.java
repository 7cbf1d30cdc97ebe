package org.seq4j.tensor;

import org.seq4j.kernel.Gemm;

/**
 * The settings of seq4j's matrix kernels that an application may want to change: the number of threads
 * large products are split over, and whether the kernels written with the JDK's Vector API are in use.
 *
 * <h2>Threads</h2>
 * Products of at least about two million multiply-adds, and the time loops of recurrent layers over
 * large batches, are split over {@link #threads()} threads. The count defaults to the number of available
 * processors; set it with the system property {@value #THREADS_PROPERTY} ({@code -Dseq4j.threads=2}) or
 * {@link #setThreads(int)}. Results do not depend on it: every value is computed by the same arithmetic,
 * bit for bit, whatever the number of threads.
 *
 * <h2>The Vector API option</h2>
 * Started with {@code --add-modules jdk.incubator.vector} (for {@code java -jar app.jar}, set
 * {@code JDK_JAVA_OPTIONS="--add-modules jdk.incubator.vector"}), the JVM lets seq4j use matrix kernels
 * written with the Vector API, about twice as fast as its plain-Java ones on large products. They are
 * warmed up (compiled, about three seconds of one core) only once a run has done enough work on the
 * plain kernels to pay for it, so a short run costs no more with the option than without; results are
 * identical either way. {@code -Dseq4j.simd=false} turns them off.
 */
public final class Kernels {

    /** System property read when the kernels are first used: the number of threads for large products. */
    public static final String THREADS_PROPERTY = Gemm.THREADS_PROPERTY;

    private Kernels() {
    }

    /**
     * Returns the number of threads that large products are split over (1 means single-threaded).
     *
     * @return the thread count, at least 1
     */
    public static int threads() {
        return Gemm.threads();
    }

    /**
     * Sets the number of threads that large products and recurrent time loops are split over. Results do
     * not depend on this setting.
     *
     * @param threadCount the thread count, including the calling thread; 1 disables multithreading
     * @throws IllegalArgumentException if {@code threadCount < 1}
     */
    public static void setThreads(int threadCount) {
        Gemm.setThreads(threadCount);
    }

    /**
     * Starts the warm-up of the Vector API kernels now, if the JVM has the module and they are not yet
     * warmed up, and waits until they are ready. Benchmarks call this so as to time the fast kernels
     * only; applications need not.
     *
     * @return true if products now use the Vector API kernels, false if the JVM lacks the module or they
     *         are turned off
     * @throws InterruptedException if interrupted while waiting
     */
    public static boolean awaitVectorKernels() throws InterruptedException {
        return Gemm.awaitVectorKernels();
    }
}
