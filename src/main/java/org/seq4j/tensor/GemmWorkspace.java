package org.seq4j.tensor;

/**
 * Per-thread scratch memory of the blocked {@link Gemm} path, allocated once per thread and reused by
 * every later product on that thread, so that steady-state products allocate nothing.
 *
 * <pre>
 *   panel:   KC arrays of NT_WIDE   a (KC, NT) or (KC_WIDE, NT_WIDE) block of op(B), one row of p per array
 *   packedA: KC·MR                 an (MR, KC) block of op(A), MR values per p
 *   tile:    MR·NT_WIDE            an (MR, NT) or (MR, NT_WIDE) block of C, row r at r·NT or r·NT_WIDE
 * </pre>
 *
 * <p>The panel is an array of arrays rather than one flat array on purpose: inside the micro-kernel
 * every array is then indexed as {@code x[constant + j]}, which is the form HotSpot's superword pass
 * vectorises (it gives up when two arrays are indexed with different loop-invariant offsets).
 */
final class GemmWorkspace {

    private static final ThreadLocal<GemmWorkspace> PER_THREAD = ThreadLocal.withInitial(GemmWorkspace::new);

    /** Packed B block: {@code KC} arrays of {@code NT_WIDE}, row {@code p} in {@code panel[p]}. */
    final float[][] panel = new float[Math.max(GemmKernels.KC, GemmKernels.KC_WIDE)][GemmKernels.NT_WIDE];

    /** Packed A block: {@code (KC, MR)}, p-major: {@code packedA[p·rows + r]}. */
    final float[] packedA = new float[Math.max(GemmKernels.KC, GemmKernels.KC_WIDE) * GemmKernels.MR];

    /** C block being accumulated: {@code (MR, NT)} or {@code (MR, NT_WIDE)}, rows one block width apart. */
    final float[] tile = new float[GemmKernels.MR * GemmKernels.NT_WIDE];

    private GemmWorkspace() {
    }

    /** Returns this thread's workspace, creating it on the thread's first product. */
    static GemmWorkspace get() {
        return PER_THREAD.get();
    }
}
