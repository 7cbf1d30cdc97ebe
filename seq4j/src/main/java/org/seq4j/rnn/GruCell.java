package org.seq4j.rnn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.FloatActivations;

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
    boolean addsStateProductToGates() {
        return false;
    }

    @Override
    void forwardUnits(int units, int batch, boolean[] active, float[] gates, int gatesOff, float[] stateProj,
                      float[] hPrev, float[] cPrev, int prevOff, float[] h, float[] c, float[] aux,
                      int off, GateWorkspace ws) {
        int hs = hiddenSize;     // the stride of the state rows
        int u = units;           // the units computed, and the width of each gate in the gate rows
        int gw = 3 * u;
        // one row's slices, each indexed from 0 (see GateWorkspace)
        float[] r = ws.lanes[0];
        float[] z = ws.lanes[1];
        float[] n = ws.lanes[2];
        float[] hr = ws.lanes[3];
        float[] hz = ws.lanes[4];
        float[] hn = ws.lanes[5];
        float[] hp = ws.lanes[6];
        for (int b = 0; b < batch; b++) {
            int row = b * hs;
            if (active != null && !active[b]) {
                System.arraycopy(hPrev, prevOff + row, h, off + row, u);
                continue;
            }
            int g = gatesOff + b * gw;
            int p = b * gw;
            System.arraycopy(gates, g, r, 0, u);
            System.arraycopy(gates, g + u, z, 0, u);
            System.arraycopy(gates, g + 2 * u, n, 0, u);
            System.arraycopy(stateProj, p, hr, 0, u);
            System.arraycopy(stateProj, p + u, hz, 0, u);
            System.arraycopy(stateProj, p + 2 * u, hn, 0, u);
            System.arraycopy(hPrev, prevOff + row, hp, 0, u);   // read before h (maybe the same memory) is written
            for (int j = 0; j < u; j++) {
                r[j] += hr[j];
            }
            for (int j = 0; j < u; j++) {
                z[j] += hz[j];
            }
            FloatActivations.sigmoid(r, 0, u);
            FloatActivations.sigmoid(z, 0, u);
            for (int j = 0; j < u; j++) {
                n[j] += r[j] * hn[j];                                   // x_n + r ⊙ h_n
            }
            FloatActivations.tanh(n, 0, u);
            for (int j = 0; j < u; j++) {
                hp[j] = (1f - z[j]) * n[j] + z[j] * hp[j];              // h_t
            }
            System.arraycopy(r, 0, gates, g, u);
            System.arraycopy(z, 0, gates, g + u, u);
            System.arraycopy(n, 0, gates, g + 2 * u, u);
            System.arraycopy(hn, 0, aux, off + row, u);
            System.arraycopy(hp, 0, h, off + row, u);
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
        float[] r = ws.lanes[0];
        float[] z = ws.lanes[1];
        float[] n = ws.lanes[2];
        float[] hn = ws.lanes[3];
        float[] hp = ws.lanes[4];
        float[] dhRow = ws.lanes[5];
        float[] dn = ws.lanes[6];
        float[] dnr = ws.lanes[7];
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
            System.arraycopy(gates, g, r, 0, hs);
            System.arraycopy(gates, g + hs, z, 0, hs);
            System.arraycopy(gates, g + 2 * hs, n, 0, hs);
            System.arraycopy(aux, auxOff + row, hn, 0, hs);
            System.arraycopy(hPrev, prevOff + row, hp, 0, hs);
            System.arraycopy(dh, row, dhRow, 0, hs);
            for (int j = 0; j < hs; j++) {   // dn: the gradient of x_n + r ⊙ h_n
                dn[j] = dhRow[j] * (1f - z[j]) * (1f - n[j] * n[j]);
            }
            for (int j = 0; j < hs; j++) {   // dz, in the h_{t−1} slice
                hp[j] = dhRow[j] * (hp[j] - n[j]) * z[j] * (1f - z[j]);
            }
            for (int j = 0; j < hs; j++) {   // dr, in the h_n slice
                hn[j] = dn[j] * hn[j] * r[j] * (1f - r[j]);
            }
            for (int j = 0; j < hs; j++) {   // b_hn sits inside the reset product
                dnr[j] = dn[j] * r[j];
            }
            for (int j = 0; j < hs; j++) {   // the direct path h_{t−1} → h_t
                dhRow[j] = dhRow[j] * z[j];
            }
            System.arraycopy(hn, 0, dGatesX, dx, hs);
            System.arraycopy(hp, 0, dGatesX, dx + hs, hs);
            System.arraycopy(dn, 0, dGatesX, dx + 2 * hs, hs);
            System.arraycopy(hn, 0, dGatesH, dhh, hs);
            System.arraycopy(hp, 0, dGatesH, dhh + hs, hs);
            System.arraycopy(dnr, 0, dGatesH, dhh + 2 * hs, hs);
            System.arraycopy(dhRow, 0, dh, row, hs);
        }
    }
}
