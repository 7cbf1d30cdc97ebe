package org.seq4j.tensor;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernels} with the JDK's Vector API: the output of a strip stays in registers over all
 * {@code K} rows.
 *
 * <pre>
 *   for each strip of W = 4·L columns (L = lanes of the preferred species: 16 with AVX-512, 8 with AVX2):
 *     acc[0..3] = y(strip)        (y set to +0 first when not accumulating)   four vectors, in registers
 *     for p = 0 .. K-1:  acc[i] = fma(M(p, strip, vector i), broadcast x(p), acc[i])
 *     y(strip) = acc
 *   last, narrower strip: one whole vector at a time as above; a last, partial vector as the row's
 *     last L columns (packed so), overlapping the vector before, from a start read before any store
 *     (N &lt; L: one column at a time)
 * </pre>
 * Each step of {@code p} is one broadcast, and one load and one fused multiply-add per vector; the
 * packed strips are read in order, one sequential stream. Lanes are output columns, never terms of a
 * sum, so each {@code y(j)} is the plain kernel's chain (Math.fma in ascending p), bit for bit. Four
 * vectors cover the fma latency at one fma per cycle (the loads of M allow no more) and need six of the
 * sixteen registers of AVX2; eight were no faster.
 */
final class VectorRowKernels implements RowKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Columns of a full strip: four vectors. */
    private static final int STRIP = 4 * L;

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
        // One method for every shape: HotSpot compiles it with the Vector API intrinsics as soon as the
        // products are hot. Until then (and in a method called less often, which the compiler reaches
        // later) every vector operation allocates an object, and runs far slower than the plain loop.
        if (!accumulate) {
            // chains from +0, so that the blocks have one form
            Arrays.fill(y, yOff, yOff + cols, 0f);
        }
        // the last vector of the row, if partial, is computed as the row's last L columns, which overlap
        // the vector before: its start is read before anything is stored, so that the overlapping
        // columns are computed twice from the same start, equal bit for bit
        boolean partial = cols % L != 0 && cols >= L;
        FloatVector last = partial ? FloatVector.fromArray(SPECIES, y, yOff + cols - L) : FloatVector.zero(SPECIES);
        int off = 0;
        for (int j = 0; j < cols; j += STRIP) {
            // strip [j, j + width), packed at a stride of whole vectors
            int width = Math.min(STRIP, cols - j);
            int stride = (width + L - 1) / L * L;
            int c = 0;
            if (width == STRIP) {
                // four vectors of y in registers over all K rows
                int yj = yOff + j;
                FloatVector a0 = FloatVector.fromArray(SPECIES, y, yj);
                FloatVector a1 = FloatVector.fromArray(SPECIES, y, yj + L);
                FloatVector a2 = FloatVector.fromArray(SPECIES, y, yj + 2 * L);
                FloatVector a3 = FloatVector.fromArray(SPECIES, y, yj + 3 * L);
                for (int p = 0, o = off; p < rows; p++, o += STRIP) {
                    FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
                    a0 = FloatVector.fromArray(SPECIES, packed, o).fma(xp, a0);
                    a1 = FloatVector.fromArray(SPECIES, packed, o + L).fma(xp, a1);
                    a2 = FloatVector.fromArray(SPECIES, packed, o + 2 * L).fma(xp, a2);
                    a3 = FloatVector.fromArray(SPECIES, packed, o + 3 * L).fma(xp, a3);
                }
                a0.intoArray(y, yj);
                a1.intoArray(y, yj + L);
                a2.intoArray(y, yj + 2 * L);
                a3.intoArray(y, yj + 3 * L);
                c = STRIP;
            }
            for (; c + L <= width; c += L) {
                // the last, narrower strip: one whole vector at a time
                int yc = yOff + j + c;
                FloatVector a0 = FloatVector.fromArray(SPECIES, y, yc);
                for (int p = 0, o = off + c; p < rows; p++, o += stride) {
                    FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
                    a0 = FloatVector.fromArray(SPECIES, packed, o).fma(xp, a0);
                }
                a0.intoArray(y, yc);
            }
            if (c < width) {
                if (partial) {
                    // the row's last L columns, packed after the whole vectors
                    FloatVector a0 = last;
                    for (int p = 0, o = off + c; p < rows; p++, o += stride) {
                        FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
                        a0 = FloatVector.fromArray(SPECIES, packed, o).fma(xp, a0);
                    }
                    a0.intoArray(y, yOff + cols - L);
                } else {
                    // N < L: the columns one fma chain each
                    for (; c < width; c++) {
                        float acc = y[yOff + j + c];
                        for (int p = 0, o = off + c; p < rows; p++, o += stride) {
                            acc = Math.fma(x[xOff + p], packed[o], acc);
                        }
                        y[yOff + j + c] = acc;
                    }
                }
            }
            off += rows * stride;
        }
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
