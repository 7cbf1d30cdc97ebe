package org.seq4j.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernels} with the JDK's Vector API: the output of a strip stays in registers over all
 * {@code K} rows.
 *
 * <pre>
 *   for each strip of W = 8·L columns (L = lanes of the preferred species: 16 with AVX-512, 8 with AVX2):
 *     acc[0..7] = y(strip)        (y set to +0 first when not accumulating)   eight vectors, in registers
 *     for p = 0 .. K-1:  acc[i] = fma(M(p, strip, vector i), broadcast x(p), acc[i])
 *     y(strip) = acc
 *   last strip (narrower, or wider by less than a vector; in a method of its own): its whole vectors
 *     four, then one at a time, as above; a last, partial vector as the row's last L columns (packed
 *     so), overlapping the vector before, from a start read before any store (N &lt; L: column by column)
 * </pre>
 * Each step of {@code p} is one broadcast, and one load and one fused multiply-add per vector; the
 * packed strips are read in order, one sequential stream. Lanes are output columns, never terms of a
 * sum, so each {@code y(j)} is the plain kernel's chain (Math.fma in ascending p), bit for bit. Eight
 * chains keep both fma units of a core busy through the four cycles of an fma's latency (four did on
 * cores that split a 512-bit fma in two, such as AMD Zen 4, not on Zen 5): on a Zen 5 core, 128 × 512
 * from the core's own cache 1.8 µs instead of 2.0 (equal at 512 × 2,048, which streams from the shared
 * cache). Eight vectors need ten of the sixteen registers of AVX2.
 *
 * <p>HotSpot compiles Vector API code into vector instructions only with C2; before that (the first
 * thousands of products, or a method that the busy compiler reaches late) every vector operation
 * allocates an object and runs many times slower than the plain loop. Hence few methods, each hot, and
 * no helper that returns a vector, and no vector merged from two branches (it would be boxed).
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
            // chains from +0, so that the loops have one form
            Arrays.fill(y, yOff, yOff + cols, 0f);
        }
        int tail = lastStripFrom(cols);
        for (int j = 0, off = 0; j < tail; j += STRIP, off += rows * STRIP) {
            // four vectors of y in registers over all K rows
            int yj = yOff + j;
            FloatVector a0 = FloatVector.fromArray(SPECIES, y, yj);
            FloatVector a1 = FloatVector.fromArray(SPECIES, y, yj + L);
            FloatVector a2 = FloatVector.fromArray(SPECIES, y, yj + 2 * L);
            FloatVector a3 = FloatVector.fromArray(SPECIES, y, yj + 3 * L);
            FloatVector a4 = FloatVector.fromArray(SPECIES, y, yj + 4 * L);
            FloatVector a5 = FloatVector.fromArray(SPECIES, y, yj + 5 * L);
            FloatVector a6 = FloatVector.fromArray(SPECIES, y, yj + 6 * L);
            FloatVector a7 = FloatVector.fromArray(SPECIES, y, yj + 7 * L);
            for (int p = 0, o = off; p < rows; p++, o += STRIP) {
                FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
                a0 = FloatVector.fromArray(SPECIES, packed, o).fma(xp, a0);
                a1 = FloatVector.fromArray(SPECIES, packed, o + L).fma(xp, a1);
                a2 = FloatVector.fromArray(SPECIES, packed, o + 2 * L).fma(xp, a2);
                a3 = FloatVector.fromArray(SPECIES, packed, o + 3 * L).fma(xp, a3);
                a4 = FloatVector.fromArray(SPECIES, packed, o + 4 * L).fma(xp, a4);
                a5 = FloatVector.fromArray(SPECIES, packed, o + 5 * L).fma(xp, a5);
                a6 = FloatVector.fromArray(SPECIES, packed, o + 6 * L).fma(xp, a6);
                a7 = FloatVector.fromArray(SPECIES, packed, o + 7 * L).fma(xp, a7);
            }
            a0.intoArray(y, yj);
            a1.intoArray(y, yj + L);
            a2.intoArray(y, yj + 2 * L);
            a3.intoArray(y, yj + 3 * L);
            a4.intoArray(y, yj + 4 * L);
            a5.intoArray(y, yj + 5 * L);
            a6.intoArray(y, yj + 6 * L);
            a7.intoArray(y, yj + 7 * L);
        }
        if (tail < cols) {
            // in a method of its own, so that the loop above compiles as if every strip were full
            lastStrip(packed, tail * rows, rows, cols, tail, x, xOff, y, yOff);
        }
    }

    @Override
    public int lastStripFrom(int cols) {
        int tail = cols / STRIP * STRIP;
        if (tail < cols && cols - tail < L && tail > 0) {
            tail -= STRIP;   // a last strip narrower than a vector joins the one before
        }
        return tail;
    }

    /**
     * The last strip, columns [j, N), packed at {@code off} in rows of its width rounded up to whole
     * vectors: its whole vectors four, then one at a time; a last, partial vector as the row's last L
     * columns, overlapping the vector before, from a start read before anything is stored, so that
     * the overlapping columns are computed twice from the same start, equal bit for bit (N &lt; L: one
     * column at a time).
     */
    private static void lastStrip(float[] packed, int off, int rows, int cols, int j, float[] x, int xOff,
                                  float[] y, int yOff) {
        int width = cols - j;
        int stride = (width + L - 1) / L * L;
        int whole = width / L * L;
        if (whole == width) {
            wholeVectors(packed, off, stride, rows, whole, x, xOff, y, yOff + j);
        } else if (cols >= L) {
            // the start of the partial vector is read first and used in this branch only: a vector
            // value merged from two branches is boxed, an object per call
            FloatVector a0 = FloatVector.fromArray(SPECIES, y, yOff + cols - L);
            wholeVectors(packed, off, stride, rows, whole, x, xOff, y, yOff + j);
            // the row's last L columns, packed after the whole vectors
            for (int p = 0, o = off + whole; p < rows; p++, o += stride) {
                FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
                a0 = FloatVector.fromArray(SPECIES, packed, o).fma(xp, a0);
            }
            a0.intoArray(y, yOff + cols - L);
        } else {
            // N < L: the columns one fma chain each
            for (int c = 0; c < width; c++) {
                float acc = y[yOff + j + c];
                for (int p = 0, o = off + c; p < rows; p++, o += stride) {
                    acc = Math.fma(x[xOff + p], packed[o], acc);
                }
                y[yOff + j + c] = acc;
            }
        }
    }

    /** The first {@code whole} columns of the last strip: four vectors at a time, then one. */
    private static void wholeVectors(float[] packed, int off, int stride, int rows, int whole, float[] x, int xOff,
                                     float[] y, int yOff) {
        int c = 0;
        for (; c + 4 * L <= whole; c += 4 * L) {
            int yc = yOff + c;
            FloatVector a0 = FloatVector.fromArray(SPECIES, y, yc);
            FloatVector a1 = FloatVector.fromArray(SPECIES, y, yc + L);
            FloatVector a2 = FloatVector.fromArray(SPECIES, y, yc + 2 * L);
            FloatVector a3 = FloatVector.fromArray(SPECIES, y, yc + 3 * L);
            for (int p = 0, o = off + c; p < rows; p++, o += stride) {
                FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
                a0 = FloatVector.fromArray(SPECIES, packed, o).fma(xp, a0);
                a1 = FloatVector.fromArray(SPECIES, packed, o + L).fma(xp, a1);
                a2 = FloatVector.fromArray(SPECIES, packed, o + 2 * L).fma(xp, a2);
                a3 = FloatVector.fromArray(SPECIES, packed, o + 3 * L).fma(xp, a3);
            }
            a0.intoArray(y, yc);
            a1.intoArray(y, yc + L);
            a2.intoArray(y, yc + 2 * L);
            a3.intoArray(y, yc + 3 * L);
        }
        for (; c < whole; c += L) {
            int yc = yOff + c;
            FloatVector a0 = FloatVector.fromArray(SPECIES, y, yc);
            for (int p = 0, o = off + c; p < rows; p++, o += stride) {
                FloatVector xp = FloatVector.broadcast(SPECIES, x[xOff + p]);
                a0 = FloatVector.fromArray(SPECIES, packed, o).fma(xp, a0);
            }
            a0.intoArray(y, yc);
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
