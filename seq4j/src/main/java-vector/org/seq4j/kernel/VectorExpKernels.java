package org.seq4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ExpKernels} with the JDK's Vector API: Cephes' {@code expf} on L lanes at once (L = 16 with
 * AVX-512, 8 with AVX2), the operations of {@link FloatActivations#expOfNonPositive} one for one:
 *
 * <pre>
 *   v = max(x − shift, −87)
 *   k = (int) (v·log2 e − 1/2)                 truncation toward 0 = rounding to nearest, v ≤ 0
 *                                              (found with float additions, below)
 *   r = (v − k·ln2_high) − k·ln2_low           two roundings, no fused operation, as in Java
 *   p = fma chain of the degree-5 coefficients in r, then fma(p·r, r, r) + 1
 *   e = p · float(bits (k + 127) &lt;&lt; 23)      = p · 2^k
 * </pre>
 * Lanes whose argument was below −87 are then recomputed by {@code Math.exp}, as the scalar
 * {@link FloatActivations#expForSoftmax(float)} does; the elements past the last whole vector run the
 * scalar code. No helper returns a vector (each would be boxed until C2 compiles the loop).
 */
final class VectorExpKernels implements ExpKernels {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FLOATS.length();
    /** 1.5·2²³: adding it to a float of magnitude below 2²² rounds that float to an integer. */
    private static final float ROUNDER = 12582912f;
    /** The bits of ROUNDER; those of ROUNDER + k are ROUNDER_BITS + k for a small integer k. */
    private static final int ROUNDER_BITS = 0x4B400000;

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
            p.mul(scale).intoArray(y, yOff + i);
            if (low.anyTrue()) {
                // from the shifted value in the register: y may be x, already overwritten
                for (int j = 0; j < L; j++) {
                    if (low.laneIsSet(j)) {
                        y[yOff + i + j] = (float) Math.exp(a.lane(j));
                    }
                }
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
        return "VectorExpKernels(" + L + " lanes)";
    }
}
