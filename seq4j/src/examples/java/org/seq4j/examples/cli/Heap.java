package org.seq4j.examples.cli;

import java.util.Locale;

/**
 * Memory estimates checked against the Java heap before anything large is allocated, so that a size too
 * large for the heap ({@code --hidden 8000}, word2vec's {@code -size 100000}) is refused at once with the
 * memory it needs, instead of an {@link OutOfMemoryError} minutes later.
 */
public final class Heap {

    private static final double GB = 1024.0 * 1024 * 1024;

    private Heap() {
    }

    /**
     * The heap still free for new objects: the maximum heap minus what is in use now.
     *
     * @return bytes
     */
    public static long available() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /**
     * Refuses a plan that needs more memory than the heap has free.
     *
     * @param bytes the estimated bytes the plan allocates
     * @param what  what needs them, e.g. {@code "--hidden 8000 --layers 2 (weights, gradients, Adam state and
     *              activations)"}
     * @throws CliException (input) naming the memory needed, the heap and how to raise it
     */
    public static void require(double bytes, String what) {
        if (bytes <= available()) {
            return;
        }
        System.gc();   // what is in use may be garbage; ask once before refusing
        long free = available();
        if (bytes <= free) {
            return;
        }
        Runtime r = Runtime.getRuntime();
        double used = r.maxMemory() - free;
        throw CliException.input(what + " needs about " + Cli.bytes(bytes) + " of memory but the Java heap has "
                + Cli.bytes(Math.max(0, free)) + " free (" + describeMaxHeap() + "); choose smaller sizes or raise "
                + "the heap, e.g. " + javaOptsHint(used + bytes * 1.25));
    }

    /**
     * The maximum heap as the JVM option that sets it.
     *
     * @return e.g. {@code -Xmx 2.0 GB}
     */
    static String describeMaxHeap() {
        return "-Xmx " + Cli.bytes(Runtime.getRuntime().maxMemory());
    }

    /**
     * How to start the examples with a larger heap.
     *
     * @param bytes the heap wanted
     * @return e.g. {@code SEQ4J_JAVA_OPTS='-Xmx12g --add-modules jdk.incubator.vector' examples/run ...}
     */
    static String javaOptsHint(double bytes) {
        long gigabytes = Math.max(1, (long) Math.ceil(bytes / GB));
        return String.format(Locale.ROOT, "SEQ4J_JAVA_OPTS='-Xmx%dg --add-modules jdk.incubator.vector' "
                + "examples/run ... (or java -Xmx%dg ...)", gigabytes, gigabytes);
    }
}
