package org.seq4j.embed;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowDots} with the JDK's Vector API: three rows per pass over {@code x}, each product summed in
 * the {@code L} lanes of a vector (fused multiply-adds), the lanes added at the end, then the last
 * {@code e mod L} elements one by one.
 *
 * <pre>
 *   for i = 0, L, 2L, .. below e - e mod L:   acc_j = fma(x[i .. i+L), row_j[i .. i+L), acc_j)    j = 0, 1, 2
 *   s_j = sum of the lanes of acc_j;   for the rest of i:  s_j += x[i]·row_j[i]
 * </pre>
 * Three accumulators and one vector of {@code x} use four of the sixteen registers of AVX2. HotSpot
 * compiles Vector API code into vector instructions only with C2; before that every vector operation
 * allocates. Hence few methods, each hot, and no helper that returns a vector.
 */
final class VectorRowDots implements RowDots {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    /**
     * Creates the kernels.
     *
     * @throws UnsupportedOperationException if the preferred vectors hold fewer than 4 floats (no gain then)
     */
    VectorRowDots() {
        if (L < 4) {
            throw new UnsupportedOperationException("vectors of " + L + " floats");
        }
    }

    @Override
    public void dots(float[] x, float[][] rows, int count, int e, float[] out, int outOff) {
        int j = 0;
        for (; j + 2 < count; j += 3) {
            dot3(x, rows[j], rows[j + 1], rows[j + 2], e, out, outOff + j);
        }
        for (; j < count; j++) {
            out[outOff + j] = dot(x, rows[j], e);
        }
    }

    private static void dot3(float[] x, float[] a, float[] b, float[] c, int e, float[] out, int off) {
        FloatVector sa = FloatVector.zero(SPECIES);
        FloatVector sb = sa;
        FloatVector sc = sa;
        int bound = SPECIES.loopBound(e);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, i);
            sa = xv.fma(FloatVector.fromArray(SPECIES, a, i), sa);
            sb = xv.fma(FloatVector.fromArray(SPECIES, b, i), sb);
            sc = xv.fma(FloatVector.fromArray(SPECIES, c, i), sc);
        }
        float ra = sa.reduceLanes(VectorOperators.ADD);
        float rb = sb.reduceLanes(VectorOperators.ADD);
        float rc = sc.reduceLanes(VectorOperators.ADD);
        for (; i < e; i++) {
            float xi = x[i];
            ra += xi * a[i];
            rb += xi * b[i];
            rc += xi * c[i];
        }
        out[off] = ra;
        out[off + 1] = rb;
        out[off + 2] = rc;
    }

    private static float dot(float[] x, float[] a, int e) {
        FloatVector s = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(e);
        int i = 0;
        for (; i < bound; i += L) {
            s = FloatVector.fromArray(SPECIES, x, i).fma(FloatVector.fromArray(SPECIES, a, i), s);
        }
        float r = s.reduceLanes(VectorOperators.ADD);
        for (; i < e; i++) {
            r += x[i] * a[i];
        }
        return r;
    }

    @Override
    public String toString() {
        return "Vector API, " + L + " floats per vector";
    }
}
