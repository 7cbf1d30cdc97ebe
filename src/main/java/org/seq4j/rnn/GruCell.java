package org.seq4j.rnn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * The gated recurrent unit, PyTorch's {@code nn.GRUCell} (Cho et al., 2014, in PyTorch's formulation
 * where the reset gate multiplies {@code W_hn·h + b_hn}). Gate blocks are packed in the order
 * {@code r, z, n}.
 *
 * <pre>
 *   [x_r | x_z | x_n] = x_t·W_ihᵀ + b_ih       [h_r | h_z | h_n] = h_{t−1}·W_hhᵀ + b_hh    each (B, 3H)
 *   r_t = σ(x_r + h_r)                                                                     (B, H)
 *   z_t = σ(x_z + h_z)                                                                     (B, H)
 *   n_t = tanh(x_n + r_t ⊙ h_n)                                                            (B, H)
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}                                                  (B, H)
 *
 *   x_t: (B, I)   h_{t−1}: (B, H)   W_ih: (3H, I)   W_hh: (3H, H)   b_ih, b_hh: (1, 3H)
 * </pre>
 *
 * Backward, given {@code dh_t} (B, H), the whole gradient into {@code h_t}:
 * <pre>
 *   dn   = dh_t ⊙ (1 − z_t) ⊙ (1 − n_t²)        gradient of x_n + r_t ⊙ h_n      (B, H)
 *   dz   = dh_t ⊙ (h_{t−1} − n_t) ⊙ z_t(1 − z_t)                                  (B, H)
 *   dr   = dn ⊙ h_n ⊙ r_t(1 − r_t)                                                (B, H)
 *   dX   = [dr | dz | dn]           gradient of x_t·W_ihᵀ + b_ih                  (B, 3H)
 *   dHh  = [dr | dz | dn ⊙ r_t]     gradient of h_{t−1}·W_hhᵀ + b_hh              (B, 3H)
 *   dW_ih += dXᵀ·x_t      db_ih += Σ_b dX      dx_t     = dX·W_ih                  (B, I)
 *   dW_hh += dHhᵀ·h_{t−1} db_hh += Σ_b dHh     dh_{t−1} = dHh·W_hh + dh_t ⊙ z_t     (B, H)
 * </pre>
 */
public final class GruCell extends RecurrentCell {

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
    public GruCell(int inputSize, int hiddenSize, boolean bias, RecurrentInit init, RandomGenerator random) {
        super(CellType.GRU, inputSize, hiddenSize, bias, init, random);
    }

    /**
     * Runs one step; allocates a new cache.
     *
     * @param x     (B, I) input of the step; not modified (copied into the cache)
     * @param hPrev (B, H) previous hidden state {@code h_{t−1}}; not modified
     * @return the cache, whose {@link StepCache#hidden()} is {@code h_t}
     * @throws IllegalArgumentException if a shape is wrong
     */
    public StepCache forward(FMatrixRMaj x, FMatrixRMaj hPrev) {
        return stepForward(x, hPrev, null, null);
    }

    /**
     * Runs one step into an existing cache (no allocation when the batch size is unchanged).
     *
     * @param x     (B, I) input of the step; not modified
     * @param hPrev (B, H) previous hidden state; not modified
     * @param cache a cache from an earlier forward of this cell, or null for a new one; overwritten
     * @return the cache used
     * @throws IllegalArgumentException if a shape is wrong or the cache belongs to another cell
     */
    public StepCache forward(FMatrixRMaj x, FMatrixRMaj hPrev, StepCache cache) {
        return stepForward(x, hPrev, null, cache);
    }

    /**
     * Backward of one step. Adds ({@code +=}) into the parameter gradients; writes
     * {@link StepCache#dx()} and {@link StepCache#dhPrev()}.
     *
     * @param cache   the cache of this step's forward; its gradient buffers are overwritten
     * @param dOutput (B, H) gradient into {@code h_t} from above (the output), or null for none; not modified
     * @param dhNext  (B, H) gradient into {@code h_t} from step {@code t+1}, or null for none; not modified
     * @throws IllegalArgumentException if a shape is wrong or the cache is not from this cell
     */
    public void backward(StepCache cache, FMatrixRMaj dOutput, FMatrixRMaj dhNext) {
        stepBackward(cache, dOutput, dhNext, null);
    }

    @Override
    boolean separateStateGateGradient() {
        return true;
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
                continue;
            }
            int g = gatesOff + b * gw;
            int p = b * gw;
            for (int j = 0; j < hs; j++) {
                float r = Tensors.sigmoid(gates[g + j] + hiddenProj[p + j]);
                float z = Tensors.sigmoid(gates[g + hs + j] + hiddenProj[p + hs + j]);
                float hn = hiddenProj[p + 2 * hs + j];
                float n = (float) Math.tanh(gates[g + 2 * hs + j] + r * hn);
                gates[g + j] = r;
                gates[g + hs + j] = z;
                gates[g + 2 * hs + j] = n;
                aux[auxOff + row + j] = hn;
                h[hOff + row + j] = (1f - z) * n + z * hPrev[hPrevOff + row + j];
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
            int dx = dGatesXOff + b * gw;
            int dhh = dGatesHOff + b * gw;
            if (active != null && !active[b]) {
                Arrays.fill(dGatesX, dx, dx + gw, 0f);
                Arrays.fill(dGatesH, dhh, dhh + gw, 0f);
                continue;   // dh passes through unchanged
            }
            int g = gatesOff + b * gw;
            for (int j = 0; j < hs; j++) {
                float r = gates[g + j];
                float z = gates[g + hs + j];
                float n = gates[g + 2 * hs + j];
                float hn = aux[auxOff + row + j];
                float dhj = dh[row + j];
                float dn = dhj * (1f - z) * (1f - n * n);
                float dz = dhj * (hPrev[hPrevOff + row + j] - n) * z * (1f - z);
                float dr = dn * hn * r * (1f - r);
                dGatesX[dx + j] = dr;
                dGatesX[dx + hs + j] = dz;
                dGatesX[dx + 2 * hs + j] = dn;
                dGatesH[dhh + j] = dr;
                dGatesH[dhh + hs + j] = dz;
                dGatesH[dhh + 2 * hs + j] = dn * r;   // b_hn sits inside the reset product
                dh[row + j] = dhj * z;                // the direct path h_{t−1} → h_t
            }
        }
    }
}
