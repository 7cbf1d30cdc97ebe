package org.seq4j.embed;

import org.seq4j.kernel.Simd;
import org.seq4j.kernel.VectorMath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dot products of one vector with several rows: the scores {@code S_rj = x_r · u_j} of the batched update
 * ({@link BatchedSgdKernels}), about half of its arithmetic.
 *
 * <p>Two implementations: {@link Plain}, which sums each product from {@code i = 0} up in one float as
 * {@link VectorMath#dot(float[], float[], int)} does (HotSpot keeps such a sum scalar, since it may not
 * reorder float additions), and {@code VectorRowDots}, written with the JDK's Vector API
 * ({@code jdk.incubator.vector}), which sums in vector lanes and adds the lanes at the end. The second is
 * loaded by name, when the JVM has the module ({@code --add-modules jdk.incubator.vector}) and the system
 * property {@code seq4j.simd} is not {@code false} (the switch of seq4j's other Vector API kernels); it sums in another
 * order, so the trained vectors then differ in their last bits from those of a run without the module
 * (one thread and the same seed still give the same vectors run after run).
 */
interface RowDots {

    /**
     * Computes {@code out[outOff + j] = x · rows[j]} over the first {@code e} elements, for {@code j < count}.
     *
     * @param x      the vector (at least e); not modified
     * @param rows   the rows, each at least e; not modified
     * @param count  number of rows to use, {@code >= 0}
     * @param e      the vector size
     * @param out    results; {@code [outOff, outOff + count)} written
     * @param outOff index of the first result
     */
    void dots(float[] x, float[][] rows, int count, int e, float[] out, int outOff);

    /** The loaded Vector API implementation if available (see the interface documentation), else {@link Plain}. */
    static RowDots best() {
        return Loaded.BEST;
    }

    /**
     * Plain Java: three rows per pass over {@code x} ({@link VectorMath#dot3}), each sum in the order of
     * {@link VectorMath#dot(float[], float[], int)}, so every result equals that method's bit for bit.
     */
    final class Plain implements RowDots {

        /** The instance (the class has no state). */
        static final Plain INSTANCE = new Plain();

        private Plain() {
        }

        @Override
        public void dots(float[] x, float[][] rows, int count, int e, float[] out, int outOff) {
            int j = 0;
            for (; j + 2 < count; j += 3) {
                VectorMath.dot3(x, rows[j], rows[j + 1], rows[j + 2], e, out, outOff + j);
            }
            for (; j + 1 < count; j += 2) {
                VectorMath.dot2(x, rows[j], rows[j + 1], e, out, outOff + j);
            }
            if (j < count) {
                out[outOff + j] = VectorMath.dot(x, rows[j], e);
            }
        }

        @Override
        public String toString() {
            return "plain Java";
        }
    }

    /** Holder of the implementation chosen once, when first asked for. */
    final class Loaded {
        private static final Logger LOG = LoggerFactory.getLogger(RowDots.class);
        static final String VECTOR_CLASS = "org.seq4j.embed.VectorRowDots";
        static final RowDots BEST = load();

        private Loaded() {
        }

        private static RowDots load() {
            RowDots dots = Simd.load(RowDots.class, VECTOR_CLASS).orElse(Plain.INSTANCE);
            LOG.debug("word2vec scores: {}", dots);
            return dots;
        }
    }
}
