package org.seq4j.kernel;

/**
 * One large {@link Gemm} product as a {@link WorkerTeam} task: split into parts by a fixed rule
 * ({@link #run(int)}), part {@code t} of {@code T} is always the same block of {@code C}, and every
 * element of {@code C} is computed by exactly one part with the arithmetic of {@link GemmKernels}, so the
 * result is identical to the single-thread result bit for bit, whichever thread runs which part.
 *
 * <p>Each thread that computes products keeps one instance ({@link #local()}) and writes the product's
 * arguments into it before handing it to the team, so that dispatch allocates nothing; the team's
 * dispatch publishes the fields to the workers.
 */
final class GemmParts implements WorkerTeam.Task {

    private static final ThreadLocal<GemmParts> PER_THREAD = ThreadLocal.withInitial(GemmParts::new);

    private int parts;
    private boolean direct;
    /** The Vector API kernels for the blocked path, or null for the plain-Java ones. */
    private BlockedGemmKernels vector;
    private boolean transposedC;
    private boolean splitColumns;
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private int aOff;
    private int lda;
    private float[] b;
    private int bOff;
    private int ldb;
    private boolean accumulate;
    private float[] c;
    private int cOff;
    private int ldc;

    private GemmParts() {
    }

    /** Returns this thread's instance, creating it on the thread's first parallel product. */
    static GemmParts local() {
        return PER_THREAD.get();
    }

    /**
     * Sets the product, with the arguments of {@link Gemm#sgemm} ({@code k > 0}).
     *
     * @param parts       the number of parts, the size of the team that will run them
     * @param direct      whether the product takes the direct path (else the blocked path)
     * @param vector      the Vector API kernels for the blocked path, or null for the plain-Java ones
     * @param transposedC whether {@code C} is stored transposed (blocked path only; see {@code GemmKernels})
     */
    void set(int parts, boolean direct, BlockedGemmKernels vector, boolean transposedC, boolean transA,
             boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
             boolean accumulate, float[] c, int cOff, int ldc) {
        this.parts = parts;
        this.direct = direct;
        this.vector = vector;
        this.transposedC = transposedC;
        // Columns when each part gets at least one whole block of columns, else rows.
        this.splitColumns = n >= parts * GemmKernels.NT || (direct && n >= parts * 8);
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = a;
        this.aOff = aOff;
        this.lda = lda;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.accumulate = accumulate;
        this.c = c;
        this.cOff = cOff;
        this.ldc = ldc;
    }

    /** Drops the references to the product's arrays, so that they are not kept alive. */
    void clear() {
        this.a = null;
        this.b = null;
        this.c = null;
        this.vector = null;
    }

    /**
     * Computes part {@code part}: a contiguous range of columns (in whole blocks of {@code NT}, in the
     * vector kernels' column unit, or in 8 on the direct path) or of rows (in groups of {@code MR} or
     * the vector kernels' row unit), fixed by the shape and the part count.
     *
     * @param part the part, in {@code [0, parts)}
     */
    @Override
    public void run(int part) {
        int rowFrom = 0;
        int rowTo = m;
        int colFrom = 0;
        int colTo = n;
        if (splitColumns) {
            int unit = direct ? 8 : vector != null ? vector.columnUnit() : GemmKernels.NT;
            int units = (n + unit - 1) / unit;
            colFrom = Math.min(n, (int) ((long) units * part / parts) * unit);
            colTo = Math.min(n, (int) ((long) units * (part + 1) / parts) * unit);
        } else {
            int unit = direct || vector == null ? GemmKernels.MR : vector.rowUnit();
            int units = (m + unit - 1) / unit;
            rowFrom = Math.min(m, (int) ((long) units * part / parts) * unit);
            rowTo = Math.min(m, (int) ((long) units * (part + 1) / parts) * unit);
        }
        if (rowFrom >= rowTo || colFrom >= colTo) {
            return;
        }
        if (direct) {
            GemmKernels.direct(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    rowFrom, rowTo, colFrom, colTo);
        } else if (vector != null) {
            vector.blocked(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    rowFrom, rowTo, colFrom, colTo);
        } else {
            GemmKernels.blocked(transA, transB, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc,
                    transposedC, rowFrom, rowTo, colFrom, colTo, GemmWorkspace.get());
        }
    }
}
