package org.seq4j.tensor;

import org.ejml.data.FMatrixRMaj;

/**
 * Conversions between the batch-first layout of a sequence batch and seq4j's time-major layout.
 *
 * <pre>
 *   batch-first  (B·T, C)   row b·T + t holds step t of sequence b   PyTorch [B, T, C] (batch_first=True)
 *   time-major   (T·B, C)   row t·B + b holds step t of sequence b   PyTorch [T, B, C], seq4j's layout
 * </pre>
 *
 * Every sequence layer of seq4j takes and returns the time-major layout (see the
 * {@linkplain org.seq4j.tensor package documentation}). Both layouts are {@code (B·T, C)}-sized matrices,
 * so a batch-first matrix handed to a layer is not rejected: its rows are silently read as the wrong
 * steps. Convert at the boundary with these methods: data from a batch-first source (a PyTorch model with
 * {@code batch_first=True}, a {@code [B, T, C]} tensor in a file) with {@link #batchFirstToTimeMajor},
 * and results bound for one with {@link #timeMajorToBatchFirst}. The {@code int[]} overloads do the same
 * for token index matrices ({@code C = 1}).
 *
 * <p>As every operation of this package, each method writes into a caller-supplied output, allocates
 * nothing and checks shapes first, naming the expected and the actual shape. The output must be another
 * object than the input (a transposition cannot run in place).
 */
public final class Layouts {

    private Layouts() {
    }

    /**
     * Reorders a batch-first sequence batch into the time-major layout:
     * {@code timeMajor(t·B + b, :) = batchFirst(b·T + t, :)}.
     *
     * @param batchFirst (B·T, C) row {@code b·T + t} is step {@code t} of sequence {@code b}; not modified
     * @param batchSize  {@code B}, at least 1; must divide the row count
     * @param timeMajor  (T·B, C); overwritten
     * @throws IllegalArgumentException if {@code batchSize} is not positive or does not divide the row
     *                                  count, if {@code timeMajor} has another shape, or if both are the
     *                                  same object
     */
    public static void batchFirstToTimeMajor(FMatrixRMaj batchFirst, int batchSize, FMatrixRMaj timeMajor) {
        int steps = steps(batchFirst, batchSize, "batchFirst", "(B·T, C)");
        checkOutput(batchFirst, timeMajor, "timeMajor");
        transposeBlocks(batchFirst.data, timeMajor.data, batchSize, steps, batchFirst.numCols);
    }

    /**
     * Reorders a time-major sequence batch into the batch-first layout:
     * {@code batchFirst(b·T + t, :) = timeMajor(t·B + b, :)}.
     *
     * @param timeMajor  (T·B, C) row {@code t·B + b} is step {@code t} of sequence {@code b}; not modified
     * @param batchSize  {@code B}, at least 1; must divide the row count
     * @param batchFirst (B·T, C); overwritten
     * @throws IllegalArgumentException if {@code batchSize} is not positive or does not divide the row
     *                                  count, if {@code batchFirst} has another shape, or if both are the
     *                                  same object
     */
    public static void timeMajorToBatchFirst(FMatrixRMaj timeMajor, int batchSize, FMatrixRMaj batchFirst) {
        int steps = steps(timeMajor, batchSize, "timeMajor", "(T·B, C)");
        checkOutput(timeMajor, batchFirst, "batchFirst");
        transposeBlocks(timeMajor.data, batchFirst.data, steps, batchSize, timeMajor.numCols);
    }

    /**
     * Reorders a batch-first index matrix into the time-major layout:
     * {@code timeMajor[t·B + b] = batchFirst[b·T + t]}.
     *
     * @param batchFirst (B·T) indices, {@code [B, T]} row-major; not modified
     * @param batchSize  {@code B}, at least 1; must divide the length
     * @param timeMajor  (T·B) indices, {@code [T, B]} row-major; overwritten
     * @throws IllegalArgumentException if {@code batchSize} is not positive or does not divide the length,
     *                                  if the lengths differ, or if both are the same array
     */
    public static void batchFirstToTimeMajor(int[] batchFirst, int batchSize, int[] timeMajor) {
        int steps = steps(batchFirst, batchSize, "batchFirst", "B·T");
        checkOutput(batchFirst, timeMajor, "timeMajor");
        transposeBlocks(batchFirst, timeMajor, batchSize, steps);
    }

    /**
     * Reorders a time-major index matrix into the batch-first layout:
     * {@code batchFirst[b·T + t] = timeMajor[t·B + b]}.
     *
     * @param timeMajor  (T·B) indices, {@code [T, B]} row-major; not modified
     * @param batchSize  {@code B}, at least 1; must divide the length
     * @param batchFirst (B·T) indices, {@code [B, T]} row-major; overwritten
     * @throws IllegalArgumentException if {@code batchSize} is not positive or does not divide the length,
     *                                  if the lengths differ, or if both are the same array
     */
    public static void timeMajorToBatchFirst(int[] timeMajor, int batchSize, int[] batchFirst) {
        int steps = steps(timeMajor, batchSize, "timeMajor", "T·B");
        checkOutput(timeMajor, batchFirst, "batchFirst");
        transposeBlocks(timeMajor, batchFirst, steps, batchSize);
    }

    // ---------------------------------------------------------------------------------------- helpers

    /**
     * Viewing the rows of {@code in} as an {@code (outer, inner)} grid of blocks of {@code cols} floats,
     * writes block {@code (o, i)} to block {@code (i, o)} of {@code out}.
     */
    private static void transposeBlocks(float[] in, float[] out, int outer, int inner, int cols) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                System.arraycopy(in, (o * inner + i) * cols, out, (i * outer + o) * cols, cols);
            }
        }
    }

    private static void transposeBlocks(int[] in, int[] out, int outer, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                out[i * outer + o] = in[o * inner + i];
            }
        }
    }

    /** The other dimension ({@code T}) of a matrix of {@code B·T} rows. */
    private static int steps(FMatrixRMaj m, int batchSize, String name, String layout) {
        if (m == null) {
            throw new IllegalArgumentException(name + " must be " + layout + " but was null");
        }
        checkBatchSize(batchSize);
        if (m.numRows % batchSize != 0) {
            throw new IllegalArgumentException(name + " must be " + layout + " with B = " + batchSize
                    + ", so its row count must be a multiple of " + batchSize + ", but was " + Tensors.shape(m));
        }
        return m.numRows / batchSize;
    }

    private static int steps(int[] indices, int batchSize, String name, String layout) {
        if (indices == null) {
            throw new IllegalArgumentException(name + " must hold " + layout + " indices but was null");
        }
        checkBatchSize(batchSize);
        if (indices.length % batchSize != 0) {
            throw new IllegalArgumentException(name + " must hold " + layout + " indices with B = " + batchSize
                    + ", a multiple of " + batchSize + ", but had " + indices.length);
        }
        return indices.length / batchSize;
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
    }

    private static void checkOutput(FMatrixRMaj in, FMatrixRMaj out, String name) {
        Tensors.checkShape(out, in.numRows, in.numCols, name);
        if (out == in) {
            throw new IllegalArgumentException(name + " must be another matrix than the input");
        }
    }

    private static void checkOutput(int[] in, int[] out, String name) {
        if (out == null || out.length != in.length) {
            throw new IllegalArgumentException(name + " must hold " + in.length + " indices but "
                    + (out == null ? "was null" : "had " + out.length));
        }
        if (out == in) {
            throw new IllegalArgumentException(name + " must be another array than the input");
        }
    }
}
