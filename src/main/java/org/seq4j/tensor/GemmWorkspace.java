package org.seq4j.tensor;

/**
 * Per-thread scratch memory of the blocked {@link Gemm} path, allocated once per thread and reused by
 * every later product on that thread, so that steady-state products allocate nothing.
 *
 * <pre>
 *   panel:   (KC/2 + 1) arrays of 2·NT   a KC × NT block of op(B), two rows of p per array
 *   packedA: (KC + 1)·MR                 an MR × KC block of op(A), MR values per p
 *   tile:    MR·NT                       an MR × NT block of C, row r at r·NT
 * </pre>
 *
 * <p>The panel is an array of arrays rather than one flat array on purpose: inside the micro-kernel
 * every array is then indexed as {@code x[constant + j]}, which is the form HotSpot's superword pass
 * vectorises (it gives up when two arrays are indexed with different loop-invariant offsets).
 */
final class GemmWorkspace {

    private static final ThreadLocal<GemmWorkspace> PER_THREAD = ThreadLocal.withInitial(GemmWorkspace::new);

    /** Packed B block, {@code (KC/2 + 1)} arrays of {@code 2·NT}: row {@code p} is in {@code panel[p/2]} at {@code (p%2)·NT}. */
    final float[][] panel = new float[GemmKernels.KC / 2 + 1][2 * GemmKernels.NT];

    /** Packed A block: {@code (KC + 1)·MR}; for row pair {@code q}, {@code MR} values of {@code p = 2q}, then of {@code 2q+1}. */
    final float[] packedA = new float[(GemmKernels.KC + 2) * GemmKernels.MR];

    /** C block being accumulated: {@code (MR, NT)} with row stride {@code NT}. */
    final float[] tile = new float[GemmKernels.MR * GemmKernels.NT];

    private GemmWorkspace() {
    }

    /** Returns this thread's workspace, creating it on the thread's first product. */
    static GemmWorkspace get() {
        return PER_THREAD.get();
    }
}
