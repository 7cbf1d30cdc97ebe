package org.seq4j.rnn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

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
    void forwardGates(int batch, boolean[] active, float[] gates, int gatesOff, float[] hiddenProj,
                      float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff,
                      float[] h, int hOff, float[] c, int cOff, float[] aux, int auxOff) {
        int hs = hiddenSize;
        int gw = gateWidth;
        for (int b = 0; b < batch; b++) {
            int row = b * hs;
            if (active != null && !active[b]) {
                System.arraycopy(hPrev, hPrevOff + row, h, hOff + row, hs);
                System.arraycopy(cPrev, cPrevOff + row, c, cOff + row, hs);
                continue;
            }
            int g = gatesOff + b * gw;
            int p = b * gw;
            for (int j = 0; j < hs; j++) {
                float i = Tensors.sigmoid(gates[g + j] + hiddenProj[p + j]);
                float f = Tensors.sigmoid(gates[g + hs + j] + hiddenProj[p + hs + j]);
                float gg = (float) Math.tanh(gates[g + 2 * hs + j] + hiddenProj[p + 2 * hs + j]);
                float o = Tensors.sigmoid(gates[g + 3 * hs + j] + hiddenProj[p + 3 * hs + j]);
                gates[g + j] = i;
                gates[g + hs + j] = f;
                gates[g + 2 * hs + j] = gg;
                gates[g + 3 * hs + j] = o;
                float cNew = f * cPrev[cPrevOff + row + j] + i * gg;
                float tanhC = (float) Math.tanh(cNew);
                c[cOff + row + j] = cNew;
                aux[auxOff + row + j] = tanhC;
                h[hOff + row + j] = o * tanhC;
            }
        }
    }

    @Override
    void backwardGates(int batch, boolean[] active, float[] gates, int gatesOff,
                       float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff,
                       float[] aux, int auxOff, float[] dh, float[] dc,
                       float[] dGatesX, int dGatesXOff, float[] dGatesH, int dGatesHOff) {
        int hs = hiddenSize;
        int gw = gateWidth;
        for (int b = 0; b < batch; b++) {
            int row = b * hs;
            int d = dGatesXOff + b * gw;
            if (active != null && !active[b]) {
                Arrays.fill(dGatesX, d, d + gw, 0f);
                continue;   // dh and dc pass through unchanged
            }
            int g = gatesOff + b * gw;
            for (int j = 0; j < hs; j++) {
                float i = gates[g + j];
                float f = gates[g + hs + j];
                float gg = gates[g + 2 * hs + j];
                float o = gates[g + 3 * hs + j];
                float tanhC = aux[auxOff + row + j];
                float dhj = dh[row + j];
                // dcj: the gradient into c_t from both h_t and c_{t+1}
                float dcj = dc[row + j] + dhj * o * (1f - tanhC * tanhC);
                dGatesX[d + j] = dcj * gg * i * (1f - i);
                dGatesX[d + hs + j] = dcj * cPrev[cPrevOff + row + j] * f * (1f - f);
                dGatesX[d + 2 * hs + j] = dcj * i * (1f - gg * gg);
                dGatesX[d + 3 * hs + j] = dhj * tanhC * o * (1f - o);
                dc[row + j] = dcj * f;
                dh[row + j] = 0f;   // h_{t−1} reaches the step only through W_hh
            }
        }
    }
}
