package org.seq4j.rnn;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.FloatActivations;

/**
 * The Elman RNN cell, PyTorch's {@code nn.RNNCell} with {@code nonlinearity='tanh'} or {@code 'relu'}.
 *
 * <pre>
 *   a_t = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh        x_t: (B, I)   h_{t−1}: (B, H)   a_t: (B, H)
 *   h_t = φ(a_t),   φ = tanh or relu                      h_t: (B, H)
 *
 *   W_ih: (H, I)   W_hh: (H, H)   b_ih, b_hh: (1, H)
 * </pre>
 *
 * Backward, given {@code dh_t} (B, H), the whole gradient into {@code h_t} (from the output and from
 * step {@code t+1}):
 * <pre>
 *   da_t      = dh_t ⊙ φ′(a_t),  φ′ = 1 − h_t²  (tanh)  or  [h_t &gt; 0]  (relu)      (B, H)
 *   dW_ih    += da_tᵀ·x_t        db_ih += Σ_b da_t        dx_t     = da_t·W_ih           (B, I)
 *   dW_hh    += da_tᵀ·h_{t−1}    db_hh += Σ_b da_t        dh_{t−1} = da_t·W_hh           (B, H)
 * </pre>
 * The output {@code y_t = W_hy·h_t} of the textbook Elman network is a separate
 * {@link org.seq4j.nn.Linear} over the layer's output.
 */
public final class ElmanCell extends RecurrentCell {

    private final boolean relu;

    /**
     * Creates a cell and initialises its parameters.
     *
     * @param type       {@link CellType#RNN_TANH} or {@link CellType#RNN_RELU}
     * @param inputSize  input features {@code I}, at least 1
     * @param hiddenSize hidden size {@code H}, at least 1
     * @param bias       whether the cell has {@code bias_ih} and {@code bias_hh}
     * @param init       the initialisation scheme
     * @param random     random stream for the initialisation; advanced
     * @throws IllegalArgumentException if the type is not an Elman type or a size is below 1
     */
    public ElmanCell(CellType type, int inputSize, int hiddenSize, boolean bias, RecurrentInit init,
                     RandomGenerator random) {
        super(checkType(type), inputSize, hiddenSize, bias, init, random);
        this.relu = type == CellType.RNN_RELU;
    }

    private static CellType checkType(CellType type) {
        if (type != CellType.RNN_TANH && type != CellType.RNN_RELU) {
            throw new IllegalArgumentException("type must be RNN_TANH or RNN_RELU but was " + type);
        }
        return type;
    }

    /**
     * Runs one step: {@code h_t = φ(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)}; allocates a new cache.
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
    void forwardUnits(int units, int batch, boolean[] active, float[] gates, int gatesOff, float[] stateProj,
                      float[] hPrev, float[] cPrev, int prevOff, float[] h, float[] c, float[] aux,
                      int off, GateWorkspace ws) {
        int hs = hiddenSize;     // the stride of the state rows
        int u = units;           // the units computed, and the width of the gate rows
        if (active == null && !relu && u == hs) {
            // the gates of the step are one contiguous (B, H) block: activate it at once
            FloatActivations.tanh(gates, gatesOff, gatesOff + batch * hs);
            System.arraycopy(gates, gatesOff, h, off, batch * hs);
            return;
        }
        for (int b = 0; b < batch; b++) {
            int g = gatesOff + b * u;
            int o = off + b * hs;
            if (active != null && !active[b]) {
                System.arraycopy(hPrev, prevOff + b * hs, h, o, u);
                continue;
            }
            if (relu) {
                // gates keep the pre-activation a, whose sign backward needs
                for (int j = 0; j < u; j++) {
                    h[o + j] = Math.max(0f, gates[g + j]);
                }
            } else {
                FloatActivations.tanh(gates, g, g + u);
                System.arraycopy(gates, g, h, o, u);
            }
        }
    }

    @Override
    void backwardGates(int batch, boolean[] active, float[] gates, int gatesOff,
                       float[] hPrev, float[] cPrev, int prevOff, float[] aux, int auxOff,
                       float[] dh, float[] dc, float[] dGatesX, int dGatesXOff,
                       float[] dGatesH, int dGatesHOff, GateWorkspace ws) {
        int hs = hiddenSize;
        // one row's slices, each indexed from 0 (see GateWorkspace)
        float[] y = ws.lanes[0];
        float[] dhRow = ws.lanes[1];
        for (int b = 0; b < batch; b++) {
            int g = gatesOff + b * hs;
            int d = dGatesXOff + b * hs;
            if (active != null && !active[b]) {
                java.util.Arrays.fill(dGatesX, d, d + hs, 0f);
                continue;   // dh passes through unchanged
            }
            if (relu) {
                for (int j = 0; j < hs; j++) {
                    dGatesX[d + j] = dh[b * hs + j] * (gates[g + j] > 0f ? 1f : 0f);   // gates hold a_t
                }
            } else {
                System.arraycopy(gates, g, y, 0, hs);   // h_t
                System.arraycopy(dh, b * hs, dhRow, 0, hs);
                for (int j = 0; j < hs; j++) {
                    dhRow[j] = dhRow[j] * (1f - y[j] * y[j]);
                }
                System.arraycopy(dhRow, 0, dGatesX, d, hs);
            }
            java.util.Arrays.fill(dh, b * hs, b * hs + hs, 0f);   // h_{t−1} reaches h_t only through W_hh
        }
    }
}
