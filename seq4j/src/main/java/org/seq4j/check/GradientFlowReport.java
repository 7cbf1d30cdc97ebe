package org.seq4j.check;

import java.util.List;
import java.util.Locale;
import org.seq4j.rnn.CellType;

/**
 * What {@link GradientFlow#measure} found for one layer and input batch: per layer, the norm of the
 * gradient of the loss with respect to the hidden state (and an LSTM's cell state) against the distance
 * from the loss step, and the gate saturation statistics. Immutable.
 *
 * <pre>
 *   hiddenGradientNorm(k, d) = √( Σ_b ‖∂L/∂h_{k,T−1−d}^{(b)}‖₂² / B )     d = 0 … T
 * </pre>
 * the root mean square over the {@code B} sequences of the per-sequence norms, layer {@code k}, distance
 * {@code d} from the loss step {@code T−1}; {@code d = T} is the initial state {@code h_0}. The same for
 * {@code c} in {@link #cellGradientNorm}.
 */
public final class GradientFlowReport {

    private final CellType cellType;
    private final int timeSteps;
    private final int batchSize;
    /** hidden[k][d]: layer k, distance d. */
    private final double[][] hidden;
    /** cell[k][d], or null without a cell state. */
    private final double[][] cell;
    private final List<List<GateSaturation>> saturation;

    GradientFlowReport(CellType cellType, int timeSteps, int batchSize, double[][] hidden, double[][] cell,
                       List<List<GateSaturation>> saturation) {
        this.cellType = cellType;
        this.timeSteps = timeSteps;
        this.batchSize = batchSize;
        this.hidden = hidden;
        this.cell = cell;
        this.saturation = List.copyOf(saturation);
    }

    /**
     * The cell type of the layer measured.
     *
     * @return the cell type
     */
    public CellType cellType() {
        return cellType;
    }

    /**
     * The number of time steps {@code T} of the input.
     *
     * @return T
     */
    public int timeSteps() {
        return timeSteps;
    }

    /**
     * The batch size {@code B} of the input.
     *
     * @return B
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The number of layers {@code L}.
     *
     * @return L
     */
    public int numLayers() {
        return hidden.length;
    }

    /**
     * The largest distance measured, {@code T}: the initial state.
     *
     * @return T
     */
    public int maxDistance() {
        return timeSteps;
    }

    /**
     * The norm of the gradient with respect to one layer's hidden state at one distance from the loss step.
     *
     * @param layer    layer index in {@code [0, L)}
     * @param distance distance in {@code [0, T]}: {@code d} is step {@code T−1−d}, {@code T} the initial state
     * @return the root mean square over the batch of {@code ‖∂L/∂h‖₂}
     * @throws IllegalArgumentException if an index is out of range
     */
    public double hiddenGradientNorm(int layer, int distance) {
        checkIndices(layer, distance);
        return hidden[layer][distance];
    }

    /**
     * The norms of the gradient with respect to one layer's hidden state at every distance.
     *
     * @param layer layer index in {@code [0, L)}
     * @return a new array of {@code T + 1} norms, indexed by distance
     * @throws IllegalArgumentException if the index is out of range
     */
    public double[] hiddenGradientNorms(int layer) {
        checkIndices(layer, 0);
        return hidden[layer].clone();
    }

    /**
     * Tells whether cell-state gradient norms were measured (LSTM).
     *
     * @return true for an LSTM
     */
    public boolean hasCellState() {
        return cell != null;
    }

    /**
     * The norm of the whole gradient with respect to one layer's LSTM cell state {@code c_t} (from step
     * {@code t+1} and through {@code h_t}) at one distance from the loss step.
     *
     * @param layer    layer index in {@code [0, L)}
     * @param distance distance in {@code [0, T]}
     * @return the root mean square over the batch of {@code ‖∂L/∂c‖₂}
     * @throws IllegalArgumentException if an index is out of range
     * @throws IllegalStateException    if the layer is not an LSTM
     */
    public double cellGradientNorm(int layer, int distance) {
        checkCell();
        checkIndices(layer, distance);
        return cell[layer][distance];
    }

    /**
     * The norms of the gradient with respect to one layer's LSTM cell state at every distance.
     *
     * @param layer layer index in {@code [0, L)}
     * @return a new array of {@code T + 1} norms, indexed by distance
     * @throws IllegalArgumentException if the index is out of range
     * @throws IllegalStateException    if the layer is not an LSTM
     */
    public double[] cellGradientNorms(int layer) {
        checkCell();
        checkIndices(layer, 0);
        return cell[layer].clone();
    }

    /**
     * The mean factor by which the hidden-state gradient norm changed per step back between two
     * distances, {@code (n(to) / n(from))^(1 / (to − from))}: below 1 it vanishes, above 1 it explodes. In
     * the nearly linear regime of an Elman RNN it approaches the spectral radius of {@code W_hh}.
     *
     * @param layer layer index in {@code [0, L)}
     * @param from  the nearer distance, in {@code [0, T)}
     * @param to    the farther distance, in {@code (from, T]}
     * @return the geometric mean factor per step; 0 if the norm at {@code to} is 0, NaN if the norm at
     *         {@code from} is 0
     * @throws IllegalArgumentException if an index is out of range or {@code to ≤ from}
     */
    public double gainPerStep(int layer, int from, int to) {
        checkIndices(layer, from);
        checkIndices(layer, to);
        if (to <= from) {
            throw new IllegalArgumentException("to must be greater than from but was " + to + " ≤ " + from);
        }
        return Math.exp((Math.log(hidden[layer][to]) - Math.log(hidden[layer][from])) / (to - from));
    }

    /**
     * The saturation statistics of one layer's gate blocks, or of a tanh Elman RNN's hidden state.
     *
     * @param layer layer index in {@code [0, L)}
     * @return one entry per gate block in packed order (LSTM {@code i, f, g, o}; GRU {@code r, z, n}); for a
     *         tanh Elman RNN one entry {@code h}, its hidden state {@code tanh(a_t)}; empty for a relu one
     * @throws IllegalArgumentException if the index is out of range
     */
    public List<GateSaturation> gateSaturation(int layer) {
        checkIndices(layer, 0);
        return saturation.get(layer);
    }

    private void checkIndices(int layer, int distance) {
        if (layer < 0 || layer >= hidden.length) {
            throw new IllegalArgumentException("layer must be in [0, " + hidden.length + ") but was " + layer);
        }
        if (distance < 0 || distance > timeSteps) {
            throw new IllegalArgumentException("distance must be in [0, " + timeSteps + "] but was " + distance);
        }
    }

    private void checkCell() {
        if (cell == null) {
            throw new IllegalStateException("a " + cellType + " layer has no cell state");
        }
    }

    /**
     * Describes the report: per layer the norms at distances 0, T/2 and T.
     *
     * @return e.g. {@code GradientFlowReport[LSTM, T=100, B=32, layer 0: |dh| 1 → 0.012 → 3.1e-05]}
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "GradientFlowReport[%s, T=%d, B=%d",
                cellType, timeSteps, batchSize));
        for (int k = 0; k < hidden.length; k++) {
            s.append(String.format(Locale.ROOT, ", layer %d: |dh| %.3g → %.3g → %.3g", k, hidden[k][0],
                    hidden[k][timeSteps / 2], hidden[k][timeSteps]));
        }
        return s.append(']').toString();
    }
}
