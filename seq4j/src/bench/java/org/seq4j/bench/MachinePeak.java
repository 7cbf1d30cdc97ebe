package org.seq4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's floating-point limit, so that benchmarks can say how close to it they run: the CPU's
 * vector instruction set and one core's measured peak of single-precision fused multiply-adds.
 *
 * <p>The peak is measured, not looked up: a loop of 12 independent chains of lane-wise fmas on the
 * JVM's preferred vector species (no loads, no stores) on one thread, timed with the thread's CPU
 * time, best of five rounds. That is {@code lanes × FMA units × 2 flops × clock}; the clock printed is
 * derived from it with 2 FMA units (AMD Zen 2 to 4, Intel Haswell to Sapphire Rapids server cores).
 * The peak of {@code c} cores is {@code c} times the figure (turbo clocks fall somewhat when all cores
 * run). On a virtualised AMD EPYC (Zen 3, 2 vCPUs, busy) it read 79 to 85 GFLOP/s while OpenBLAS's
 * products reached 88 to 91 with the same clock: the probe can read up to about 10 % low (with 14
 * chains instead of 12 it read the same). {@code bench/gemm.sh} therefore takes the higher of the probe
 * and the run's fastest product. Not a test; run by {@code bench/gemm.sh} and {@code bench/training.sh}.
 *
 * <p>Prints three lines: {@code # cpu MODEL, ISA, JVM vectors BITS-bit}, {@code # peak per core:
 * G GFLOP/s (lanes, clock)} and {@code PEAK_GFLOPS_PER_CORE G} for the scripts.
 */
public final class MachinePeak {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final int ROUNDS = 5;

    /** Assumed FMA units per core, for the clock derived from the peak. */
    private static final int FMA_UNITS = 2;

    private MachinePeak() {
    }

    /**
     * Prints the instruction set and the measured peak.
     *
     * @param args optionally the seconds per round (default 0.2)
     * @throws IOException if {@code /proc/cpuinfo} exists but cannot be read
     */
    public static void main(String[] args) throws IOException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 0.2;
        System.out.printf(Locale.ROOT, "# cpu %s, %s, JVM vectors %d-bit%n", cpuModel(), isa(), S.vectorBitSize());
        double peak = peakGflops(seconds);
        double clock = peak / (S.length() * FMA_UNITS * 2.0);
        System.out.printf(Locale.ROOT, "# peak per core: %.1f GFLOP/s (%d lanes x %d FMA units x 2 flops x %.2f GHz"
                + " measured)%n", peak, S.length(), FMA_UNITS, clock);
        System.out.printf(Locale.ROOT, "PEAK_GFLOPS_PER_CORE %.1f%n", peak);
    }

    /** The vector extensions in /proc/cpuinfo's flags: AVX-512F, else AVX2 with FMA, else AVX, else SSE. */
    static String isa() throws IOException {
        String flags = cpuinfo("flags");
        if (flags == null) {
            return "ISA unknown (no /proc/cpuinfo)";
        }
        List<String> f = List.of(flags.split("\\s+"));
        String fma = f.contains("fma") ? " + FMA" : "";
        if (f.contains("avx512f")) {
            return "AVX-512" + fma;
        }
        if (f.contains("avx2")) {
            return "AVX2" + fma + " (no AVX-512)";
        }
        return f.contains("avx") ? "AVX" : "SSE";
    }

    private static String cpuModel() throws IOException {
        String model = cpuinfo("model name");
        return model == null ? "unknown" : model;
    }

    /** The first value of {@code key} in /proc/cpuinfo, or null. */
    private static String cpuinfo(String key) throws IOException {
        Path file = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(file)) {
            return null;
        }
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Best of {@link #ROUNDS} rounds of {@link #chains} after a warm-up, in GFLOP/s. */
    private static double peakGflops(double seconds) {
        ThreadMXBean clock = ManagementFactory.getThreadMXBean();
        float sink = 0;
        for (int i = 0; i < 200; i++) { // until C2 has compiled the loop with the Vector API intrinsics
            sink += chains(100_000);
        }
        long t0 = clock.getCurrentThreadCpuTime();
        sink += chains(1_000_000);
        double perStep = (clock.getCurrentThreadCpuTime() - t0) * 1e-9 / 1_000_000;
        int steps = (int) Math.min(Integer.MAX_VALUE, Math.max(1_000_000, seconds / perStep));
        double best = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long start = clock.getCurrentThreadCpuTime();
            sink += chains(steps);
            best = Math.min(best, (clock.getCurrentThreadCpuTime() - start) * 1e-9);
        }
        if (sink == 42f) {
            System.out.println(); // keeps the result alive
        }
        return 12.0 * S.length() * 2 * steps / best / 1e9;
    }

    /** {@code steps} rounds of 12 independent fmas on vectors held in registers; returns a lane of their sum. */
    private static float chains(int steps) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector d = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1f);
        FloatVector c1 = FloatVector.broadcast(S, 2f);
        FloatVector c2 = FloatVector.broadcast(S, 3f);
        FloatVector c3 = FloatVector.broadcast(S, 4f);
        FloatVector c4 = FloatVector.broadcast(S, 5f);
        FloatVector c5 = FloatVector.broadcast(S, 6f);
        FloatVector c6 = FloatVector.broadcast(S, 7f);
        FloatVector c7 = FloatVector.broadcast(S, 8f);
        FloatVector c8 = FloatVector.broadcast(S, 9f);
        FloatVector c9 = FloatVector.broadcast(S, 10f);
        FloatVector c10 = FloatVector.broadcast(S, 11f);
        FloatVector c11 = FloatVector.broadcast(S, 12f);
        // an int loop: C2 unrolls it and polls for safepoints less often than in a long loop
        for (int s = 0; s < steps; s++) {
            c0 = c0.fma(m, d);
            c1 = c1.fma(m, d);
            c2 = c2.fma(m, d);
            c3 = c3.fma(m, d);
            c4 = c4.fma(m, d);
            c5 = c5.fma(m, d);
            c6 = c6.fma(m, d);
            c7 = c7.fma(m, d);
            c8 = c8.fma(m, d);
            c9 = c9.fma(m, d);
            c10 = c10.fma(m, d);
            c11 = c11.fma(m, d);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .lane(0);
    }
}
