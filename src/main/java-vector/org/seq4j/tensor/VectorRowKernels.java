package org.seq4j.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernels} with the JDK's Vector API: the output of a strip stays in registers over all
 * {@code K} rows.
 *
 * <pre>
 *   for each strip of W = 8·L columns (L = lanes of the preferred species: 16 with AVX-512, 8 with AVX2):
 *     acc[0..7] = y(strip)       (y set to +0 first when not accumulating)   eight vectors, in registers
 *     for p = 0 .. K-1:  acc[i] = fma(M(p, strip, vector i), broadcast x(p), acc[i])
 *     y(strip) = acc
 *   last, narrower strip (packed at its width rounded up to whole vectors, the extra columns zero):
 *     blocks of 4, 2 and 1 vectors as above, then the columns of a last, partial vector one at a time
 * </pre>
 * Each step of {@code p} is one broadcast, and one load and one fused multiply-add per vector; the
 * packed strip is read in order. Lanes are output columns, never terms of a sum, so each {@code y(j)}
 * is the plain kernel's chain (Math.fma in ascending p), bit for bit. Eight vectors need ten of the
 * sixteen registers of AVX2, and keep the two fma units of a core busy across the fma latency.
 */
final class VectorRowKernels implements RowKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Columns of a full strip: eight vectors. */
    private static final int STRIP = 8 * L;

    @Override
    public int stripWidth() {
        return STRIP;
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void multRow(float[] packed, int rows, int cols, float[] x, int xOff, boolean accumulate,
                        float[] y, int yOff) {
        if (!accumulate) {
            // chains from +0 (one code path in the blocks: helpers returning vectors are not always
            // inlined, and a vector that leaves compiled code is an object)
            Arrays.fill(y, yOff, yOff + cols, 0f);
        }
        int j = 0;
        int off = 0;
        for (; j + STRIP <= cols; j += STRIP) {
            block8(packed, off, STRIP, rows, x, xOff, y, yOff + j);
            off += rows * STRIP;
        }
        if (j == cols) {
            return;
        }
        // the last strip, packed at its width rounded up to whole vectors: blocks of whole vectors, then
        // the columns of the last, partial vector one fma chain each (a partial vector of y cannot be
        // loaded or stored without masks or shuffles, which are slow or allocate on some JDKs)
        int width = cols - j;
        int stride = (width + L - 1) / L * L;
        int vectors = width / L;
        int c = 0;
        for (; vectors - c / L >= 4; c += 4 * L) {
            block4(packed, off + c, stride, rows, x, xOff, y, yOff + j + c);
        }
        if (vectors - c / L >= 2) {
            block2(packed, off + c, stride, rows, x, xOff, y, yOff + j + c);
            c += 2 * L;
        }
        if (vectors - c / L >= 1) {
            block1(packed, off + c, stride, rows, x, xOff, y, yOff + j + c);
            c += L;
        }
        for (; c + 1 < width; c += 2) {
            // two chains at a time, to overlap their latencies
            float acc0 = y[yOff + j + c];
            float acc1 = y[yOff + j + c + 1];
            for (int p = 0, o = off + c; p < rows; p++, o += stride) {
                float xp = x[xOff + p];
                acc0 = Math.fma(xp, packed[o], acc0);
                acc1 = Math.fma(xp, packed[o + 1], acc1);
            }
            y[yOff + j + c] = acc0;
            y[yOff + j + c + 1] = acc1;
        }
        if (c < width) {
            float acc = y[yOff + j + c];
            for (int p = 0, o = off + c; p < rows; p++, o += stride) {
                acc = Math.fma(x[xOff + p], packed[o], acc);
            }
            y[yOff + j + c] = acc;
        }
    }

    /** Eight vectors of columns: M(p, vector i) at off + p·stride + i·L. */
    private static void block8(float[] m, int off, int stride, int rows, float[] x, int xOff,
                               float[] y, int yOff) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, y, yOff);
        FloatVector a1 = FloatVector.fromArray(SPECIES, y, yOff + L);
        FloatVector a2 = FloatVector.fromArray(SPECIES, y, yOff + 2 * L);
        FloatVector a3 = FloatVector.fromArray(SPECIES, y, yOff + 3 * L);
        FloatVector a4 = FloatVector.fromArray(SPECIES, y, yOff + 4 * L);
        FloatVector a5 = FloatVector.fromArray(SPECIES, y, yOff + 5 * L);
        FloatVector a6 = FloatVector.fromArray(SPECIES, y, yOff + 6 * L);
        FloatVector a7 = FloatVector.fromArray(SPECIES, y, yOff + 7 * L);
        for (int p = 0, o = off; p < rows; p++, o += stride) {
            FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
            a0 = FloatVector.fromArray(SPECIES, m, o).fma(xp, a0);
            a1 = FloatVector.fromArray(SPECIES, m, o + L).fma(xp, a1);
            a2 = FloatVector.fromArray(SPECIES, m, o + 2 * L).fma(xp, a2);
            a3 = FloatVector.fromArray(SPECIES, m, o + 3 * L).fma(xp, a3);
            a4 = FloatVector.fromArray(SPECIES, m, o + 4 * L).fma(xp, a4);
            a5 = FloatVector.fromArray(SPECIES, m, o + 5 * L).fma(xp, a5);
            a6 = FloatVector.fromArray(SPECIES, m, o + 6 * L).fma(xp, a6);
            a7 = FloatVector.fromArray(SPECIES, m, o + 7 * L).fma(xp, a7);
        }
        a0.intoArray(y, yOff);
        a1.intoArray(y, yOff + L);
        a2.intoArray(y, yOff + 2 * L);
        a3.intoArray(y, yOff + 3 * L);
        a4.intoArray(y, yOff + 4 * L);
        a5.intoArray(y, yOff + 5 * L);
        a6.intoArray(y, yOff + 6 * L);
        a7.intoArray(y, yOff + 7 * L);
    }

    /** Four vectors of columns, as {@link #block8}. */
    private static void block4(float[] m, int off, int stride, int rows, float[] x, int xOff,
                               float[] y, int yOff) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, y, yOff);
        FloatVector a1 = FloatVector.fromArray(SPECIES, y, yOff + L);
        FloatVector a2 = FloatVector.fromArray(SPECIES, y, yOff + 2 * L);
        FloatVector a3 = FloatVector.fromArray(SPECIES, y, yOff + 3 * L);
        for (int p = 0, o = off; p < rows; p++, o += stride) {
            FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
            a0 = FloatVector.fromArray(SPECIES, m, o).fma(xp, a0);
            a1 = FloatVector.fromArray(SPECIES, m, o + L).fma(xp, a1);
            a2 = FloatVector.fromArray(SPECIES, m, o + 2 * L).fma(xp, a2);
            a3 = FloatVector.fromArray(SPECIES, m, o + 3 * L).fma(xp, a3);
        }
        a0.intoArray(y, yOff);
        a1.intoArray(y, yOff + L);
        a2.intoArray(y, yOff + 2 * L);
        a3.intoArray(y, yOff + 3 * L);
    }

    /** Two vectors of columns, as {@link #block4}. */
    private static void block2(float[] m, int off, int stride, int rows, float[] x, int xOff,
                               float[] y, int yOff) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, y, yOff);
        FloatVector a1 = FloatVector.fromArray(SPECIES, y, yOff + L);
        for (int p = 0, o = off; p < rows; p++, o += stride) {
            FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
            a0 = FloatVector.fromArray(SPECIES, m, o).fma(xp, a0);
            a1 = FloatVector.fromArray(SPECIES, m, o + L).fma(xp, a1);
        }
        a0.intoArray(y, yOff);
        a1.intoArray(y, yOff + L);
    }

    /** One vector of columns, as {@link #block4}. */
    private static void block1(float[] m, int off, int stride, int rows, float[] x, int xOff,
                               float[] y, int yOff) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, y, yOff);
        for (int p = 0, o = off; p < rows; p++, o += stride) {
            a0 = FloatVector.fromArray(SPECIES, m, o).fma(FloatVector.broadcast(SPECIES, x[xOff + p]), a0);
        }
        a0.intoArray(y, yOff);
    }

    /**
     * Describes the kernels.
     *
     * @return e.g. {@code VectorRowKernels(16 lanes, strips of 128 columns)}
     */
    @Override
    public String toString() {
        return "VectorRowKernels(" + L + " lanes, strips of " + STRIP + " columns)";
    }
}
