package org.seq4j.nn;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * Inverted dropout, as {@code torch.nn.Dropout} (Srivastava et al., 2014): in training every element is
 * zeroed with probability {@code p} and the others are scaled by {@code 1/(1 − p)}, so that the expected
 * output equals the input and evaluation needs no rescaling.
 *
 * <pre>
 *   mask_i = 0            if u_i &lt; p          u_i = random.nextFloat(), one draw per element, row-major
 *            1/(1 − p)    otherwise
 *   forward:   y = x ⊙ mask                     x, y, mask: (N, C)
 *   backward:  dX = dY ⊙ mask                   dX: (N, C)   (overwritten)
 * </pre>
 *
 * <p>The random stream is given per call, so every mask is reproducible from the caller's seed; a
 * {@code null} stream means evaluation: the forward pass copies {@code x} to {@code y} and backward copies
 * {@code dY} to {@code dX}, drawing nothing. With {@code p = 0} the module is the identity as well and
 * draws nothing.
 *
 * <p>The mask that backward needs lives in a caller-owned {@link Cache}: {@link #forward(FMatrixRMaj,
 * FMatrixRMaj, RandomGenerator, Cache)} fills the cache it is given (or a new one) and returns it;
 * {@link #backward} consumes it. Any number of caches of one module may be alive at once. A cache
 * reallocates its mask exactly when the shape changes, so a loop with a fixed shape and one cache allocates
 * nothing at steady state.
 *
 * <p>Other modules that keep their own mask buffers (the inter-layer dropout of a recurrent layer) use the
 * array-level {@link #apply} and {@link #applyMask}, which draw exactly the same masks.
 */
public final class Dropout {

    private final float p;

    /**
     * Creates the module.
     *
     * @param p the probability of zeroing an element, in {@code [0, 1)}
     * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1)}
     */
    public Dropout(float p) {
        this.p = checkProbability(p);
    }

    /**
     * The probability of zeroing an element.
     *
     * @return p
     */
    public float p() {
        return p;
    }

    /**
     * Creates an empty cache of this module, to be filled by {@link #forward(FMatrixRMaj, FMatrixRMaj,
     * RandomGenerator, Cache)}; backward on it before a forward throws {@link IllegalStateException}.
     *
     * @return a new, unfilled cache
     */
    public Cache newCache() {
        return new Cache(this);
    }

    /**
     * Forward pass with a new cache; see {@link #forward(FMatrixRMaj, FMatrixRMaj, RandomGenerator, Cache)}.
     *
     * @param input  x, (N, C); not modified, unless it is also {@code output}
     * @param output y, (N, C); overwritten (may be {@code input})
     * @param random the stream of the mask in training, advanced by N·C draws; null in evaluation
     * @return a new cache holding the mask
     * @throws IllegalArgumentException if the shapes differ
     */
    public Cache forward(FMatrixRMaj input, FMatrixRMaj output, RandomGenerator random) {
        return forward(input, output, random, null);
    }

    /**
     * Forward pass: {@code y = x ⊙ mask} with a new mask in training, {@code y = x} in evaluation.
     *
     * @param input  x, (N, C); not modified, unless it is also {@code output}
     * @param output y, (N, C); overwritten (may be {@code input})
     * @param random the stream of the mask in training, advanced by N·C draws (none if {@code p = 0}); null
     *               in evaluation
     * @param reuse  a cache of this module to fill, or null for a new one
     * @return {@code reuse} (or the new cache), holding the mask until its backward
     * @throws IllegalArgumentException if the shapes differ or {@code reuse} belongs to another module
     */
    public Cache forward(FMatrixRMaj input, FMatrixRMaj output, RandomGenerator random, Cache reuse) {
        Tensors.checkSameShape(input, "input", output, "output");
        if (reuse != null && reuse.owner != this) {
            throw new IllegalArgumentException("the cache belongs to another Dropout module");
        }
        Cache cache = reuse != null ? reuse : new Cache(this);
        cache.identity = random == null || p == 0f;
        cache.rows = input.numRows;
        cache.cols = input.numCols;
        if (cache.identity) {
            if (output != input) {
                output.setTo(input);
            }
        } else {
            if (cache.mask.numRows != input.numRows || cache.mask.numCols != input.numCols) {
                cache.mask = new FMatrixRMaj(input.numRows, input.numCols);
            }
            apply(p, random, input.data, cache.mask.data, output.data, input.getNumElements());
        }
        cache.filled = true;
        return cache;
    }

    /**
     * Backward pass: {@code dX = dY ⊙ mask}, or {@code dX = dY} for an evaluation forward. Dropout has no
     * parameters; nothing is added to any gradient. Consumes the cache.
     *
     * @param cache   the cache filled by this module's forward
     * @param dOutput dY, (N, C); not modified, unless it is also {@code dInput}
     * @param dInput  dX, (N, C); overwritten (may be {@code dOutput})
     * @throws IllegalArgumentException if a shape differs from the forward's or the cache is another module's
     * @throws IllegalStateException    if the cache was never filled, or was already consumed by a backward
     */
    public void backward(Cache cache, FMatrixRMaj dOutput, FMatrixRMaj dInput) {
        if (cache == null || cache.owner != this) {
            throw new IllegalArgumentException("the cache must be one filled by this Dropout module's forward");
        }
        if (!cache.filled) {
            throw new IllegalStateException(cache.consumed
                    ? "backward already ran on this cache; run forward again first"
                    : "backward needs a forward first");
        }
        Tensors.checkShape(dOutput, cache.rows, cache.cols, "dOutput");
        Tensors.checkShape(dInput, cache.rows, cache.cols, "dInput");
        if (cache.identity) {
            if (dInput != dOutput) {
                dInput.setTo(dOutput);
            }
        } else {
            applyMask(cache.mask.data, dOutput.data, dInput.data, dOutput.getNumElements());
        }
        cache.filled = false;
        cache.consumed = true;
    }

    // ----------------------------------------------------------------------------------------------
    // Array-level entries

    /**
     * Draws an inverted-dropout mask and applies it, over the first {@code n} elements:
     * {@code mask[i] = random.nextFloat() < p ? 0 : 1/(1 − p)}, {@code output[i] = input[i]·mask[i]}, for
     * {@code i = 0 .. n − 1} in order (exactly {@code n} draws, also for {@code p = 0}).
     *
     * @param p      the probability of zeroing, in {@code [0, 1)}
     * @param random the stream of the mask; advanced by n draws
     * @param input  x, at least n elements; not modified, unless it is also {@code output}
     * @param mask   at least n elements; overwritten with the mask
     * @param output y, at least n elements; overwritten (may be {@code input})
     * @param n      number of elements, ≥ 0
     * @throws IllegalArgumentException if {@code p} is out of range, {@code random} is null or an array is
     *                                  shorter than n
     */
    public static void apply(float p, RandomGenerator random, float[] input, float[] mask, float[] output, int n) {
        checkProbability(p);
        if (random == null) {
            throw new IllegalArgumentException("random must not be null");
        }
        checkLength(input, "input", n);
        checkLength(mask, "mask", n);
        checkLength(output, "output", n);
        float keep = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            float m = random.nextFloat() < p ? 0f : keep;
            mask[i] = m;
            output[i] = input[i] * m;
        }
    }

    /**
     * The backward of {@link #apply}: {@code dInput[i] = dOutput[i]·mask[i]} over the first n elements.
     *
     * @param mask    the forward mask, at least n elements; not modified
     * @param dOutput dY, at least n elements; not modified, unless it is also {@code dInput}
     * @param dInput  dX, at least n elements; overwritten (may be {@code dOutput})
     * @param n       number of elements, ≥ 0
     * @throws IllegalArgumentException if an array is shorter than n
     */
    public static void applyMask(float[] mask, float[] dOutput, float[] dInput, int n) {
        checkLength(mask, "mask", n);
        checkLength(dOutput, "dOutput", n);
        checkLength(dInput, "dInput", n);
        for (int i = 0; i < n; i++) {
            dInput[i] = dOutput[i] * mask[i];
        }
    }

    private static float checkProbability(float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1) but was " + p);
        }
        return p;
    }

    private static void checkLength(float[] a, String name, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be ≥ 0 but was " + n);
        }
        if (a == null || a.length < n) {
            throw new IllegalArgumentException(name + " must have at least " + n + " elements but had "
                    + (a == null ? "null" : a.length));
        }
    }

    /**
     * Describes the module.
     *
     * @return e.g. {@code Dropout(p=0.2)}
     */
    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }

    /**
     * What a {@link Dropout} forward leaves for its backward: the mask (or the mark of an evaluation forward).
     * Created by the module's forward; filled by every forward, consumed by one backward.
     */
    public static final class Cache {

        private final Dropout owner;
        private boolean filled;
        private boolean consumed;
        private boolean identity;
        private int rows;
        private int cols;
        // mask: (N, C), reallocated exactly when the shape changes
        private FMatrixRMaj mask = new FMatrixRMaj(0, 0);

        private Cache(Dropout owner) {
            this.owner = owner;
        }

        /**
         * Tells whether the latest forward was the identity (evaluation, or {@code p = 0}).
         *
         * @return true if no mask was drawn
         */
        public boolean isIdentity() {
            return identity;
        }

        /**
         * The mask of the latest forward: 0 or {@code 1/(1 − p)} per element.
         *
         * @return (N, C), with {@code data.length == N·C}; the live buffer, overwritten by the next forward
         * @throws IllegalStateException if the cache was never filled or the latest forward drew no mask
         */
        public FMatrixRMaj mask() {
            if (!filled && !consumed) {
                throw new IllegalStateException("the cache has not been filled by a forward");
            }
            if (identity) {
                throw new IllegalStateException("the latest forward drew no mask (evaluation or p = 0)");
            }
            return mask;
        }
    }
}
