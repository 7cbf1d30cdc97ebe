package org.seq4j.rnn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.FloatActivations;

/**
 * The long short-term memory cell, PyTorch's {@code nn.LSTMCell} (Hochreiter &amp; Schmidhuber, 1997,
 * with the forget gate of Gers et al., 2000). Gate blocks are packed in PyTorch's order {@code i, f, g, o}.
 *
 * <pre>
 *   a_t = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh = [a_i | a_f | a_g | a_o]        a_t: (B, 4H)
 *   i_t = σ(a_i)    f_t = σ(a_f)    g_t = tanh(a_g)    o_t = σ(a_o)               each (B, H)
 *   c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                                               (B, H)
 *   h_t = o_t ⊙ tanh(c_t)                                                         (B, H)
 *
 *   x_t: (B, I)   h_{t−1}, c_{t−1}: (B, H)
 *   W_ih: (4H, I)   W_hh: (4H, H)   b_ih, b_hh: (1, 4H)
 * </pre>
 *
 * Backward, given {@code dh_t} (the whole gradient into {@code h_t}) and {@code dc_t} (the gradient into
 * {@code c_t} from step {@code t+1}), each (B, H):
 * <pre>
 *   dc    = dc_t + dh_t ⊙ o_t ⊙ (1 − tanh²(c_t))
 *   da_i  = dc ⊙ g_t ⊙ i_t(1 − i_t)          da_f = dc ⊙ c_{t−1} ⊙ f_t(1 − f_t)
 *   da_g  = dc ⊙ i_t ⊙ (1 − g_t²)            da_o = dh_t ⊙ tanh(c_t) ⊙ o_t(1 − o_t)
 *   dc_{t−1} = dc ⊙ f_t                                                       (B, H)
 *   dW_ih += daᵀ·x_t     db_ih += Σ_b da     dx_t     = da·W_ih                (B, I)
 *   dW_hh += daᵀ·h_{t−1} db_hh += Σ_b da     dh_{t−1} = da·W_hh                (B, H)
 * </pre>
 */
public final class LstmCell extends RecurrentCell {

    /**
     * Creates a cell and initialises its parameters.
     *
     * @param inputSize  input features {@code I}, at least 1
     * @param hiddenSize hidden size {@code H}, at least 1
     * @param bias       whether the cell has {@code bias_ih} and {@code bias_hh}
     * @param init       the initialisation scheme
     * @param random     random stream for the initialisation; advanced
     * @throws IllegalArgumentException if a size is below 1
     */
    public LstmCell(int inputSize, int hiddenSize, boolean bias, RecurrentInit init, RandomGenerator random) {
        super(CellType.LSTM, inputSize, hiddenSize, bias, init, random);
    }

    /**
     * Runs one step; allocates a new cache.
     *
     * @param x     (B, I) input of the step; not modified (copied into the cache)
     * @param hPrev (B, H) previous hidden state {@code h_{t−1}}; not modified
     * @param cPrev (B, H) previous cell state {@code c_{t−1}}; not modified
     * @return the cache, with {@link StepCache#hidden()} {@code = h_t} and {@link StepCache#cellState()}
     *         {@code = c_t}
     * @throws IllegalArgumentException if a shape is wrong
     */
    public StepCache forward(FMatrixRMaj x, FMatrixRMaj hPrev, FMatrixRMaj cPrev) {
        return stepForward(x, hPrev, cPrev, null);
    }

    /**
     * Runs one step into an existing cache (no allocation when the batch size is unchanged).
     *
     * @param x     (B, I) input of the step; not modified
     * @param hPrev (B, H) previous hidden state; not modified
     * @param cPrev (B, H) previous cell state; not modified
     * @param cache a cache from an earlier forward of this cell, or null for a new one; overwritten
     * @return the cache used
     * @throws IllegalArgumentException if a shape is wrong or the cache belongs to another cell
     */
    public StepCache forward(FMatrixRMaj x, FMatrixRMaj hPrev, FMatrixRMaj cPrev, StepCache cache) {
        return stepForward(x, hPrev, cPrev, cache);
    }

    /**
     * Backward of one step. Adds ({@code +=}) into the parameter gradients; writes
     * {@link StepCache#dx()}, {@link StepCache#dhPrev()} and {@link StepCache#dcPrev()}.
     *
     * @param cache   the cache of this step's forward; its gradient buffers are overwritten
     * @param dOutput (B, H) gradient into {@code h_t} from above, or null for none; not modified
     * @param dhNext  (B, H) gradient into {@code h_t} from step {@code t+1}, or null; not modified
     * @param dcNext  (B, H) gradient into {@code c_t} from step {@code t+1}, or null; not modified
     * @throws IllegalArgumentException if a shape is wrong or the cache is not from this cell
     */
    public void backward(StepCache cache, FMatrixRMaj dOutput, FMatrixRMaj dhNext, FMatrixRMaj dcNext) {
        stepBackward(cache, dOutput, dhNext, dcNext);
    }

    @Override
    void forwardUnits(int units, int batch, boolean[] active, float[] gates, int gatesOff, float[] stateProj,
                      float[] hPrev, float[] cPrev, int prevOff, float[] h, float[] c, float[] aux,
                      int off, GateWorkspace ws) {
        int hs = hiddenSize;     // the stride of the state rows
        int u = units;           // the units computed, and the width of each gate in the gate rows
        int gw = 4 * u;
        // one row's slices, each indexed from 0 (see GateWorkspace)
        float[] i = ws.lanes[0];
        float[] f = ws.lanes[1];
        float[] gg = ws.lanes[2];
        float[] o = ws.lanes[3];
        float[] cNew = ws.lanes[4];
        float[] tanhC = ws.lanes[5];
        for (int b = 0; b < batch; b++) {
            int row = b * hs;
            if (active != null && !active[b]) {
                System.arraycopy(hPrev, prevOff + row, h, off + row, u);
                System.arraycopy(cPrev, prevOff + row, c, off + row, u);
                continue;
            }
            int g = gatesOff + b * gw;
            FloatActivations.sigmoid(gates, g, g + 2 * u);          // i, f
            FloatActivations.tanh(gates, g + 2 * u, g + 3 * u);     // g
            FloatActivations.sigmoid(gates, g + 3 * u, g + gw);     // o
            System.arraycopy(gates, g, i, 0, u);
            System.arraycopy(gates, g + u, f, 0, u);
            System.arraycopy(gates, g + 2 * u, gg, 0, u);
            System.arraycopy(gates, g + 3 * u, o, 0, u);
            System.arraycopy(cPrev, prevOff + row, cNew, 0, u);   // read before c (maybe the same memory) is written
            for (int j = 0; j < u; j++) {
                cNew[j] = f[j] * cNew[j] + i[j] * gg[j];
            }
            FloatActivations.tanh(cNew, tanhC, 0, u);
            for (int j = 0; j < u; j++) {
                o[j] *= tanhC[j];
            }
            System.arraycopy(cNew, 0, c, off + row, u);
            System.arraycopy(tanhC, 0, aux, off + row, u);
            System.arraycopy(o, 0, h, off + row, u);
        }
    }

    @Override
    void backwardGates(int batch, boolean[] active, float[] gates, int gatesOff,
                       float[] hPrev, float[] cPrev, int prevOff, float[] aux, int auxOff,
                       float[] dh, float[] dc, float[] dGatesX, int dGatesXOff,
                       float[] dGatesH, int dGatesHOff, GateWorkspace ws) {
        int hs = hiddenSize;
        int gw = gateWidth;
        // one row's slices, each indexed from 0 (see GateWorkspace), overwritten by the gradients as they
        // are formed; short loops, because C2 vectorises only loops with a small body
        float[] i = ws.lanes[0];
        float[] f = ws.lanes[1];
        float[] gg = ws.lanes[2];
        float[] o = ws.lanes[3];
        float[] t = ws.lanes[4];
        float[] cp = ws.lanes[5];
        float[] dhRow = ws.lanes[6];
        float[] dcRow = ws.lanes[7];
        for (int b = 0; b < batch; b++) {
            int row = b * hs;
            int d = dGatesXOff + b * gw;
            if (active != null && !active[b]) {
                Arrays.fill(dGatesX, d, d + gw, 0f);
                continue;   // dh and dc pass through unchanged
            }
            int g = gatesOff + b * gw;
            System.arraycopy(gates, g, i, 0, hs);
            System.arraycopy(gates, g + hs, f, 0, hs);
            System.arraycopy(gates, g + 2 * hs, gg, 0, hs);
            System.arraycopy(gates, g + 3 * hs, o, 0, hs);
            System.arraycopy(aux, auxOff + row, t, 0, hs);
            System.arraycopy(cPrev, prevOff + row, cp, 0, hs);
            System.arraycopy(dh, row, dhRow, 0, hs);
            System.arraycopy(dc, row, dcRow, 0, hs);
            for (int j = 0; j < hs; j++) {   // dc: the gradient into c_t from both h_t and c_{t+1}
                dcRow[j] = dcRow[j] + dhRow[j] * o[j] * (1f - t[j] * t[j]);
            }
            for (int j = 0; j < hs; j++) {   // da_o
                o[j] = dhRow[j] * t[j] * o[j] * (1f - o[j]);
            }
            for (int j = 0; j < hs; j++) {   // da_f, in the c_{t−1} slice
                cp[j] = dcRow[j] * cp[j] * f[j] * (1f - f[j]);
            }
            for (int j = 0; j < hs; j++) {   // dc_{t−1}, in the f slice
                f[j] = dcRow[j] * f[j];
            }
            for (int j = 0; j < hs; j++) {   // da_i, in the tanh(c) slice
                t[j] = dcRow[j] * gg[j] * i[j] * (1f - i[j]);
            }
            for (int j = 0; j < hs; j++) {   // da_g
                gg[j] = dcRow[j] * i[j] * (1f - gg[j] * gg[j]);
            }
            System.arraycopy(t, 0, dGatesX, d, hs);
            System.arraycopy(cp, 0, dGatesX, d + hs, hs);
            System.arraycopy(gg, 0, dGatesX, d + 2 * hs, hs);
            System.arraycopy(o, 0, dGatesX, d + 3 * hs, hs);
            System.arraycopy(f, 0, dc, row, hs);
            Arrays.fill(dh, row, row + hs, 0f);   // h_{t−1} reaches the step only through W_hh
        }
    }
}
