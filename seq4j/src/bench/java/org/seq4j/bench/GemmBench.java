package org.seq4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.seq4j.kernel.Gemm;
import org.seq4j.kernel.GemmReference;

/**
 * Matrix-multiply throughput at the models' shapes: seq4j {@link Gemm} on one thread (timed in CPU
 * time and in wall-clock time) and on all threads (wall clock), the naive {@link GemmReference} loop,
 * and EJML's {@code CommonOps_FDRM}. Not a test; run by
 * {@code bench/gemm.sh}, which also runs OpenBLAS through numpy on the same shapes and prints ratios.
 *
 * <p>Usage: {@code GemmBench SHAPES.tsv [seconds per measurement] [--seq4j-only]}. Prints one
 * tab-separated line per shape and method: {@code name method gflops}. The seq4j methods are named
 * after the kernels in use: {@code seq4j_vector_*} when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (the Vector API kernels), {@code seq4j_plain_*} without
 * it or with {@code -Dseq4j.simd=false}. With {@code --seq4j-only}, only seq4j on one thread is timed
 * (the second run of {@code bench/gemm.sh}, for the plain kernels). Each figure is the best of five
 * timed rounds after a warm-up, to damp the noise of a shared machine. Single-thread figures are timed
 * with the thread's CPU time (so that time spent descheduled by other processes does not count; the
 * peer script does the same), multi-thread figures with the wall clock.
 */
public final class GemmBench {

    /** Products above this many multiply-adds are not timed with the naive loop (it would take minutes). */
    private static final long NAIVE_MAX_WORK = 300_000_000L;

    private static final int ROUNDS = 5;

    /** Shortest time each shape runs in the first warm-up round. */
    private static final double FIRST_WARM_UP_SECONDS = 1.0;

    private static final ThreadMXBean THREAD_CLOCK = ManagementFactory.getThreadMXBean();

    private GemmBench() {
    }

    /** One product shape of the benchmark. */
    private record Shape(String name, boolean transA, boolean transB, int m, int n, int k) {
        double flops() {
            return 2.0 * m * n * k;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param args shapes file, then optionally the seconds per measurement (default 0.3), then
     *             optionally {@code --seq4j-only}
     * @throws IOException if the shapes file cannot be read
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        List<Shape> shapes = readShapes(Path.of(args[0]));
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 0.3;
        boolean seq4jOnly = args.length > 2 && args[2].equals("--seq4j-only");
        int allThreads = Gemm.threads();
        // Gemm warms its Vector API kernels up in the background: wait for them, so that every product is
        // timed with the kernels it reports
        boolean vector = Gemm.awaitVectorKernels();
        String seq4j = vector ? "seq4j_vector" : "seq4j_plain";
        System.out.printf(Locale.ROOT, "# java %s (%s), %d threads available, %s kernels%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), allThreads,
                vector ? "Vector API" : "plain-Java");
        warmUp(shapes, seconds);
        for (Shape s : shapes) {
            SplittableRandom random = new SplittableRandom(s.name().hashCode());
            float[] a = random(random, s.m() * s.k());
            float[] b = random(random, s.k() * s.n());
            float[] c = new float[s.m() * s.n()];
            int lda = s.transA() ? s.m() : s.k();
            int ldb = s.transB() ? s.k() : s.n();
            Runnable product = () -> Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(),
                    a, 0, lda, b, 0, ldb, false, c, 0, s.n());
            Gemm.setThreads(1);
            report(s, seq4j + "_1t", time(product, s, seconds, true));
            if (seq4jOnly) {
                continue;
            }
            // Wall clock on one thread, then on all threads: their ratio is the multithreading speed-up.
            report(s, seq4j + "_1t_wall", time(product, s, seconds, false));
            Gemm.setThreads(allThreads);
            report(s, seq4j + "_" + allThreads + "t_wall", time(product, s, seconds, false));
            if ((long) s.m() * s.n() * s.k() <= NAIVE_MAX_WORK) {
                report(s, "naive", time(() -> GemmReference.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(),
                        a, 0, lda, b, 0, ldb, false, c, 0, s.n()), s, seconds, true));
            }
            FMatrixRMaj ma = s.transA() ? wrap(s.k(), s.m(), a) : wrap(s.m(), s.k(), a);
            FMatrixRMaj mb = s.transB() ? wrap(s.n(), s.k(), b) : wrap(s.k(), s.n(), b);
            FMatrixRMaj mc = new FMatrixRMaj(s.m(), s.n());
            Runnable ejml;
            if (s.transA() && s.transB()) {
                ejml = () -> CommonOps_FDRM.multTransAB(ma, mb, mc);
            } else if (s.transA()) {
                ejml = () -> CommonOps_FDRM.multTransA(ma, mb, mc);
            } else if (s.transB()) {
                ejml = () -> CommonOps_FDRM.multTransB(ma, mb, mc);
            } else {
                ejml = () -> CommonOps_FDRM.mult(ma, mb, mc);
            }
            report(s, "ejml", time(ejml, s, seconds, true));
        }
        Gemm.setThreads(allThreads);
    }

    /**
     * Runs every shape's product on one thread for a while first, so that the JIT has compiled the
     * kernels with the profile of the whole mix (as in a model) before anything is timed. The first
     * round runs each shape for at least {@link #FIRST_WARM_UP_SECONDS}: until C2 has compiled them,
     * the Vector API kernels run hundreds of times slower than compiled.
     */
    private static void warmUp(List<Shape> shapes, double seconds) {
        Gemm.setThreads(1);
        for (int round = 0; round < 2; round++) {
            double roundSeconds = round == 0 ? Math.max(seconds, FIRST_WARM_UP_SECONDS) : seconds;
            for (Shape s : shapes) {
                float[] a = new float[s.m() * s.k()];
                float[] b = new float[s.k() * s.n()];
                float[] c = new float[s.m() * s.n()];
                long end = System.nanoTime() + (long) (roundSeconds * 1e9);
                do {
                    Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), a, 0, s.transA() ? s.m() : s.k(),
                            b, 0, s.transB() ? s.k() : s.n(), false, c, 0, s.n());
                } while (System.nanoTime() < end);
            }
        }
    }

    private static double time(Runnable product, Shape s, double seconds, boolean cpuTime) {
        long start = System.nanoTime();
        int calls = 0;
        while (calls < 3 || System.nanoTime() - start < seconds * 0.5e9) { // warm-up, and calibrates calls
            product.run();
            calls++;
        }
        double perCall = (System.nanoTime() - start) * 1e-9 / calls;
        int perRound = (int) Math.max(1, Math.min(1_000_000, seconds / ROUNDS / perCall));
        double best = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = cpuTime ? THREAD_CLOCK.getCurrentThreadCpuTime() : System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                product.run();
            }
            long t1 = cpuTime ? THREAD_CLOCK.getCurrentThreadCpuTime() : System.nanoTime();
            best = Math.min(best, (t1 - t0) * 1e-9 / perRound);
        }
        return s.flops() / best / 1e9;
    }

    private static void report(Shape s, String method, double gflops) {
        System.out.printf(Locale.ROOT, "%s\t%s\t%.2f%n", s.name(), method, gflops);
        System.out.flush();
    }

    private static FMatrixRMaj wrap(int rows, int cols, float[] data) {
        return FMatrixRMaj.wrap(rows, cols, data);
    }

    private static float[] random(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static List<Shape> readShapes(Path file) throws IOException {
        List<Shape> shapes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            shapes.add(new Shape(f[0], f[1].equals("1"), f[2].equals("1"),
                    Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5])));
        }
        return shapes;
    }
}
