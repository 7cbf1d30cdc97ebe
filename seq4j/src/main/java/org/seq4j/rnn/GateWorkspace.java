package org.seq4j.rnn;

/**
 * Scratch rows for one cell's bias terms and element-wise gate arithmetic, owned by a forward cache or
 * a step state so that the cells themselves hold no mutable state and nothing is allocated per step.
 *
 * <p>The per-gate rows exist because HotSpot C2 vectorises a loop only when every array in it is
 * indexed at the same position ({@code x[j]}, or {@code x[off + j]} with one common {@code off}); the
 * gates of one batch row sit at different offsets of one packed row, so the backward arithmetic copies
 * them into these rows, computes, and copies the results back.
 */
final class GateWorkspace {

    /** Number of per-gate rows: the most any cell's backward uses (LSTM: i, f, g, o, tanh c, c_{t−1}, dh, dc). */
    static final int LANES = 8;

    // bias: (G·H) the bias the input product starts from; sums: (G·H) column sums of a gradient;
    // row: (G·H) one row of a (N, G·H) matrix
    final float[] bias;
    final float[] sums;
    final float[] row;
    /** lanes[k]: (H) one gate's slice of one batch row. */
    final float[][] lanes;

    GateWorkspace(int hiddenSize, int gateWidth) {
        this.bias = new float[gateWidth];
        this.sums = new float[gateWidth];
        this.row = new float[gateWidth];
        this.lanes = new float[LANES][hiddenSize];
    }
}
