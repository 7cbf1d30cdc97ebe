package org.seq4j.kernel;

/**
 * Per-thread scratch memory of the blocked {@link Gemm} path, allocated once per thread and reused by
 * every later product on that thread, so that steady-state products allocate nothing.
 *
 * <pre>
 *   panel:   KC arrays             a (KC, NT) or (KC_WIDE, NT_WIDE) block of op(B), one row of p per array
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

    /**
     * Packed B block, row {@code p} in {@code panel[p]}: {@code KC} arrays, the first {@code KC_WIDE}
     * of {@code NT_WIDE} values and the others of {@code NT} (about 0.5 MiB in all).
     */
    final float[][] panel = newPanel();

    /** Packed A block: {@code (KC, MR)}, p-major: {@code packedA[p·MR + r]}. */
    final float[] packedA = new float[Math.max(GemmKernels.KC, GemmKernels.KC_WIDE) * GemmKernels.MR];

    /** C block being accumulated: {@code (MR, NT)} or {@code (MR, NT_WIDE)}, rows one block width apart. */
    final float[] tile = new float[GemmKernels.MR * GemmKernels.NT_WIDE];

    private GemmWorkspace() {
    }

    private static float[][] newPanel() {
        float[][] panel = new float[Math.max(GemmKernels.KC, GemmKernels.KC_WIDE)][];
        for (int p = 0; p < panel.length; p++) {
            panel[p] = new float[p < GemmKernels.KC_WIDE ? GemmKernels.NT_WIDE : GemmKernels.NT];
        }
        return panel;
    }

    /** Returns this thread's workspace, creating it on the thread's first product. */
    static GemmWorkspace get() {
        return PER_THREAD.get();
    }
}
