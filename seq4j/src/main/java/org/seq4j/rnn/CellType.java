package org.seq4j.rnn;

/**
 * The recurrent cell of a layer, as PyTorch's {@code nn.RNN(nonlinearity=...)}, {@code nn.LSTM} and
 * {@code nn.GRU} name them.
 *
 * <p>The gate count {@code G} fixes the packed parameter shapes: {@code weight_ih} is {@code (G·H, I)},
 * {@code weight_hh} is {@code (G·H, H)}, and both biases have {@code G·H} entries, with the gate blocks
 * stacked in the order given below.
 */
public enum CellType {

    /** Elman RNN with {@code tanh}: {@code G = 1}. */
    RNN_TANH(1),

    /** Elman RNN with {@code relu}: {@code G = 1}. */
    RNN_RELU(1),

    /** Long short-term memory: {@code G = 4}, gate blocks {@code i, f, g, o}; has a cell state. */
    LSTM(4),

    /** Gated recurrent unit: {@code G = 3}, gate blocks {@code r, z, n}. */
    GRU(3);

    private final int gateCount;

    CellType(int gateCount) {
        this.gateCount = gateCount;
    }

    /**
     * Number of gate blocks {@code G} packed into each weight and bias.
     *
     * @return 1, 3 or 4
     */
    public int gateCount() {
        return gateCount;
    }

    /**
     * Tells whether the cell carries a cell state {@code c} next to the hidden state {@code h}.
     *
     * @return true for {@link #LSTM} only
     */
    public boolean hasCellState() {
        return this == LSTM;
    }
}
