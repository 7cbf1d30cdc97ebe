package org.seq4j.kernel;

import com.sun.management.ThreadMXBean;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementwiseKernels} with the JDK's Vector API, on L lanes at once (L = 16 with AVX-512, 8 with
 * AVX2).
 *
 * <p>The fast tanh and sigmoid: the operations of {@link FloatActivations#tanh(float)} one for one, four
 * vectors per step (one vector's chain of eleven dependent operations would leave the units idle):
 * <pre>
 *   x = max(−c, min(c, s·v))                   s = 1 (tanh), 1/2 (sigmoid); s·v = v exactly for s = 1
 *   p = x · (fma chain A13 … A1 in x²),  q = fma chain B6 … B0 in x²
 *   y = fma(p / q, a, b)                       (a, b) = (1, −0): y = p / q exactly; sigmoid (1/2, 1/2)
 * </pre>
 *
 * <p>The exponentials of a softmax: Cephes' {@code expf}, the operations of
 * {@link FloatActivations#expOfNonPositive} one for one:
 *
 * <pre>
 *   v = max(x − shift, −87)
 *   k = (int) (v·log2 e − 1/2)                 truncation toward 0 = rounding to nearest, v ≤ 0
 *                                              (found with float additions, below)
 *   r = (v − k·ln2_high) − k·ln2_low           two roundings, no fused operation, as in Java
 *   p = fma chain of the degree-5 coefficients in r, then fma(p·r, r, r) + 1
 *   e = p · float(bits (k + 127) &lt;&lt; 23)      = p · 2^k
 * </pre>
 * A vector with a lane whose argument is below −87 runs the scalar
 * {@link FloatActivations#expForSoftmax(float)} instead (which takes {@code Math.exp} there), as do the
 * elements past the last whole vector. No helper returns a vector (each would be boxed until C2 compiles the loop).
 */
final class VectorElementwiseKernels implements ElementwiseKernels {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FLOATS.length();
    /** 1.5·2²³: adding it to a float of magnitude below 2²² rounds that float to an integer. */
    private static final float ROUNDER = 12582912f;
    /** The bits of ROUNDER; those of ROUNDER + k are ROUNDER_BITS + k for a small integer k. */
    private static final int ROUNDER_BITS = 0x4B400000;

    /** Half the longest row of the warm-up. */
    private static final int WARM_UP_LONG_ROW = 1024;

    /** Longest warm-up before giving up on kernels that still allocate (C2 never compiled them). */
    private static final long WARM_UP_NANOS = 60_000_000_000L;

    /**
     * Creates the kernels and runs them until C2 has compiled them (see {@link #warmUp}).
     *
     * @throws IllegalStateException if the JVM does not compile with C2, or the kernels still allocate
     *                               after a minute
     */
    VectorElementwiseKernels() {
        warmUp();
    }

    /**
     * Runs every kernel on rows of a few lengths until a thousand rounds allocate nothing: then C2 has
     * compiled them with the Vector API intrinsics (before that every vector is a heap object). The
     * kernels are called through method handles that C2 cannot inline here, so that each kernel is
     * compiled as a method of its own, as its callers will call it (inlined into this loop instead, it
     * would stay at C1 on its own, where every vector is an object). Takes about a second of one core;
     * where the allocated bytes cannot be read, a fixed 20 rounds.
     */
    private void warmUp() {
        VectorGemmKernels.requireC2();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        boolean measurable = threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled();
        long thread = Thread.currentThread().getId();
        // lengths that run every loop: whole blocks of four vectors, single vectors, a scalar tail, and a
        // long row; a loop or branch that the warm-up never ran would be compiled as a trap back to the
        // interpreter, where every vector is an object again
        // (from VECTOR_MIN on, the rows the callers give the kernels: with AVX2 a kernel warmed up on 33
        // values sometimes kept allocating there)
        int m = FloatActivations.VECTOR_MIN;
        int[] lengths = {m + 5, m + 2 * L + 3, 16 * L, 2 * WARM_UP_LONG_ROW + 5 * L + 3};
        float[] x = new float[2 * WARM_UP_LONG_ROW + 6 * L];
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            // now and then far below the others: the softmax exponentials' branch for arguments below −87
            x[i] = i % 97 == 5 ? -200f : (i % 23) * 0.37f - 4f;
        }
        // a row with a NaN: the argmax's branch for one (a branch that only a later NaN took would send the
        // kernel back to the interpreter until C2 compiled it again)
        float[] bad = x.clone();
        bad[WARM_UP_LONG_ROW + 3] = Float.NaN;
        MethodHandle tanhKernel;
        MethodHandle sigmoidKernel;
        MethodHandle expKernel;
        MethodHandle maxKernel;
        MethodHandle argmaxKernel;
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodType rows = MethodType.methodType(void.class, float[].class, int.class, float[].class, int.class,
                    int.class);
            tanhKernel = lookup.findVirtual(VectorElementwiseKernels.class, "tanh", rows);
            sigmoidKernel = lookup.findVirtual(VectorElementwiseKernels.class, "sigmoid", rows);
            expKernel = lookup.findVirtual(VectorElementwiseKernels.class, "expForSoftmax", MethodType.methodType(
                    void.class, float[].class, int.class, float.class, float[].class, int.class, int.class));
            maxKernel = lookup.findVirtual(VectorElementwiseKernels.class, "max",
                    MethodType.methodType(float.class, float[].class, int.class, int.class));
            argmaxKernel = lookup.findVirtual(VectorElementwiseKernels.class, "argmax",
                    MethodType.methodType(int.class, float[].class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot find the kernels to warm up", e);
        }
        long deadline = System.nanoTime() + WARM_UP_NANOS;
        try {
            for (int round = 0; ; round++) {
                long before = measurable ? threads.getThreadAllocatedBytes(thread) : 0;
                float sink = 0;
                for (int i = 0; i < 1000; i++) {
                    int n = lengths[i % lengths.length];
                    tanhKernel.invokeExact(this, x, 1, y, 0, n);
                    sigmoidKernel.invokeExact(this, x, 1, y, 1, n);
                    expKernel.invokeExact(this, x, 0, 5f, y, 0, n);
                    sink += (float) maxKernel.invokeExact(this, x, 1, n);
                    float[] searched = i % 8 == 3 ? bad : y;
                    sink += (int) argmaxKernel.invokeExact(this, searched, 0, n);
                }
                if (sink == 42.5f) {
                    y[0] = sink;   // keeps the results alive
                }
                if (measurable ? threads.getThreadAllocatedBytes(thread) == before : round >= 20) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Vector API kernels still allocate after "
                            + WARM_UP_NANOS / 1_000_000_000L + " s of warm-up");
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("a kernel failed during its warm-up", e);
        }
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        rational(x, xOff, y, yOff, n, 1f, 1f, -0f);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        rational(x, xOff, y, yOff, n, 0.5f, 0.5f, 0.5f);
    }

    /**
     * {@code y = fma(tanh(s·x), a, b)} element by element, with the fast tanh of {@link FloatActivations}:
     * tanh for {@code (s, a, b) = (1, 1, −0)}, sigmoid for {@code (1/2, 1/2, 1/2)}.
     */
    private static void rational(float[] xs, int xOff, float[] ys, int yOff, int n, float s, float a, float b) {
        // every scalar operand a vector of the species, made once: the scalar overloads broadcast through a
        // path that C2 does not always compile into vector instructions
        FloatVector scale = FloatVector.broadcast(FLOATS, s);
        FloatVector clamp = FloatVector.broadcast(FLOATS, FloatActivations.CLAMP);
        FloatVector negClamp = FloatVector.broadcast(FLOATS, -FloatActivations.CLAMP);
        FloatVector a13 = FloatVector.broadcast(FLOATS, FloatActivations.A13);
        FloatVector a11 = FloatVector.broadcast(FLOATS, FloatActivations.A11);
        FloatVector a9 = FloatVector.broadcast(FLOATS, FloatActivations.A9);
        FloatVector a7 = FloatVector.broadcast(FLOATS, FloatActivations.A7);
        FloatVector a5 = FloatVector.broadcast(FLOATS, FloatActivations.A5);
        FloatVector a3 = FloatVector.broadcast(FLOATS, FloatActivations.A3);
        FloatVector a1 = FloatVector.broadcast(FLOATS, FloatActivations.A1);
        FloatVector b6 = FloatVector.broadcast(FLOATS, FloatActivations.B6);
        FloatVector b4 = FloatVector.broadcast(FLOATS, FloatActivations.B4);
        FloatVector b2 = FloatVector.broadcast(FLOATS, FloatActivations.B2);
        FloatVector b0 = FloatVector.broadcast(FLOATS, FloatActivations.B0);
        FloatVector outScale = FloatVector.broadcast(FLOATS, a);
        FloatVector outShift = FloatVector.broadcast(FLOATS, b);
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xs, xOff + i).mul(scale).min(clamp).max(negClamp);
            FloatVector x1 = FloatVector.fromArray(FLOATS, xs, xOff + i + L).mul(scale).min(clamp).max(negClamp);
            FloatVector x2 = FloatVector.fromArray(FLOATS, xs, xOff + i + 2 * L).mul(scale).min(clamp).max(negClamp);
            FloatVector x3 = FloatVector.fromArray(FLOATS, xs, xOff + i + 3 * L).mul(scale).min(clamp).max(negClamp);
            FloatVector z0 = x0.mul(x0);
            FloatVector z1 = x1.mul(x1);
            FloatVector z2 = x2.mul(x2);
            FloatVector z3 = x3.mul(x3);
            FloatVector p0 = z0.fma(a13, a11);
            FloatVector p1 = z1.fma(a13, a11);
            FloatVector p2 = z2.fma(a13, a11);
            FloatVector p3 = z3.fma(a13, a11);
            p0 = z0.fma(p0, a9);
            p1 = z1.fma(p1, a9);
            p2 = z2.fma(p2, a9);
            p3 = z3.fma(p3, a9);
            p0 = z0.fma(p0, a7);
            p1 = z1.fma(p1, a7);
            p2 = z2.fma(p2, a7);
            p3 = z3.fma(p3, a7);
            p0 = z0.fma(p0, a5);
            p1 = z1.fma(p1, a5);
            p2 = z2.fma(p2, a5);
            p3 = z3.fma(p3, a5);
            p0 = z0.fma(p0, a3);
            p1 = z1.fma(p1, a3);
            p2 = z2.fma(p2, a3);
            p3 = z3.fma(p3, a3);
            p0 = x0.mul(z0.fma(p0, a1));
            p1 = x1.mul(z1.fma(p1, a1));
            p2 = x2.mul(z2.fma(p2, a1));
            p3 = x3.mul(z3.fma(p3, a1));
            FloatVector q0 = z0.fma(b6, b4);
            FloatVector q1 = z1.fma(b6, b4);
            FloatVector q2 = z2.fma(b6, b4);
            FloatVector q3 = z3.fma(b6, b4);
            q0 = z0.fma(q0, b2);
            q1 = z1.fma(q1, b2);
            q2 = z2.fma(q2, b2);
            q3 = z3.fma(q3, b2);
            q0 = z0.fma(q0, b0);
            q1 = z1.fma(q1, b0);
            q2 = z2.fma(q2, b0);
            q3 = z3.fma(q3, b0);
            p0.div(q0).fma(outScale, outShift).intoArray(ys, yOff + i);
            p1.div(q1).fma(outScale, outShift).intoArray(ys, yOff + i + L);
            p2.div(q2).fma(outScale, outShift).intoArray(ys, yOff + i + 2 * L);
            p3.div(q3).fma(outScale, outShift).intoArray(ys, yOff + i + 3 * L);
        }
        for (; i + L <= n; i += L) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xs, xOff + i).mul(scale).min(clamp).max(negClamp);
            FloatVector z0 = x0.mul(x0);
            FloatVector p0 = z0.fma(a13, a11);
            p0 = z0.fma(p0, a9);
            p0 = z0.fma(p0, a7);
            p0 = z0.fma(p0, a5);
            p0 = z0.fma(p0, a3);
            p0 = x0.mul(z0.fma(p0, a1));
            FloatVector q0 = z0.fma(b6, b4);
            q0 = z0.fma(q0, b2);
            q0 = z0.fma(q0, b0);
            p0.div(q0).fma(outScale, outShift).intoArray(ys, yOff + i);
        }
        for (; i < n; i++) {
            ys[yOff + i] = Math.fma(FloatActivations.tanh(s * xs[xOff + i]), a, b);
        }
    }

    @Override
    public void expForSoftmax(float[] x, int xOff, float shift, float[] y, int yOff, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector a = FloatVector.fromArray(FLOATS, x, xOff + i).sub(shift);
            VectorMask<Float> low = a.compare(VectorOperators.LT, FloatActivations.EXP_MIN);
            FloatVector v = a.max(FloatActivations.EXP_MIN);
            FloatVector t = v.mul(FloatActivations.LOG2E).sub(0.5f);
            // k = (int) t without a float-to-int conversion (which the JDK 17 Vector API does not compile
            // into an instruction): t + 1.5·2²³ rounds t to the nearest integer in its low bits; rounding
            // below t is one less than the truncation, toward 0, that (int) t does for t < 0
            FloatVector kf = t.add(ROUNDER).sub(ROUNDER);
            kf = kf.add(1f, kf.compare(VectorOperators.LT, t));
            FloatVector r = v.sub(kf.mul(FloatActivations.LN2_HIGH)).sub(kf.mul(FloatActivations.LN2_LOW));
            FloatVector p = FloatVector.broadcast(FLOATS, FloatActivations.EXP_P0)
                    .fma(r, FloatVector.broadcast(FLOATS, FloatActivations.EXP_P1))
                    .fma(r, FloatVector.broadcast(FLOATS, FloatActivations.EXP_P2))
                    .fma(r, FloatVector.broadcast(FLOATS, FloatActivations.EXP_P3))
                    .fma(r, FloatVector.broadcast(FLOATS, FloatActivations.EXP_P4))
                    .fma(r, FloatVector.broadcast(FLOATS, FloatActivations.EXP_P5));
            p = p.mul(r).fma(r, r).add(1f);
            // 2^k = the float with exponent bits k + 127: the bits of kf + 1.5·2²³ are ROUNDER_BITS + k
            FloatVector scale = kf.add(ROUNDER).reinterpretAsInts().add(127 - ROUNDER_BITS)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            if (low.anyTrue()) {
                // a lane below −87: these L values as the scalar code computes them (the same floats for
                // the others), each read before it is written, as y may be x (reading the lanes out of the
                // register instead would allocate an object per lane)
                for (int j = i; j < i + L; j++) {
                    y[yOff + j] = FloatActivations.expForSoftmax(x[xOff + j] - shift);
                }
            } else {
                p.mul(scale).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] = FloatActivations.expForSoftmax(x[xOff + i] - shift);
        }
    }

    @Override
    public float max(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (n >= 2 * L) {
            // two accumulators: the dependency chain of one would bound the loop by max's latency
            FloatVector m0 = FloatVector.fromArray(FLOATS, x, off);
            FloatVector m1 = FloatVector.fromArray(FLOATS, x, off + L);
            for (i = 2 * L; i + 2 * L <= n; i += 2 * L) {
                m0 = m0.max(FloatVector.fromArray(FLOATS, x, off + i));
                m1 = m1.max(FloatVector.fromArray(FLOATS, x, off + i + L));
            }
            max = m0.max(m1).reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        return max;
    }

    @Override
    public int argmax(float[] x, int off, int n) {
        float max = max(x, off, n);
        if (Float.isNaN(max)) {
            return FloatActivations.argmaxLoop(x, off, n);   // the loop passes NaNs over; max does not
        }
        // the first value equal to the maximum: where the loop's > stops moving (== also matches −0 to +0,
        // which > leaves at the first of them)
        int j = 0;
        for (; j + L <= n; j += L) {
            VectorMask<Float> equal = FloatVector.fromArray(FLOATS, x, off + j).compare(VectorOperators.EQ, max);
            if (equal.anyTrue()) {
                return j + equal.firstTrue();
            }
        }
        for (; j < n; j++) {
            if (x[off + j] == max) {
                return j;
            }
        }
        throw new AssertionError("the maximum " + max + " is not among the values");
    }

    @Override
    public String toString() {
        return "VectorElementwiseKernels(" + L + " lanes)";
    }
}
