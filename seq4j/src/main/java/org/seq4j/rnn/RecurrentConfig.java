package org.seq4j.rnn;

/**
 * The immutable shape and options of a {@link RecurrentLayer}, with the meaning of PyTorch's
 * {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU} constructor arguments of the same names.
 *
 * <p>Start from {@link #of(CellType, int, int)} and change one option at a time:
 * <pre>{@code
 *   RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, 65, 256).withNumLayers(2).withDropout(0.2f);
 * }</pre>
 *
 * @param cell          the cell type
 * @param inputSize     input features {@code I} of the first layer, at least 1
 * @param hiddenSize    hidden size {@code H} of every layer and direction, at least 1
 * @param numLayers     number of stacked layers {@code L}, at least 1; layer {@code k > 0} reads the
 *                      {@code D·H} outputs of layer {@code k − 1}
 * @param bidirectional whether every layer also runs in reverse time ({@code D = 2}) and concatenates
 * @param dropout       probability in {@code [0, 1)} of zeroing an output of every layer but the last
 *                      during training (inverted dropout, scaled by {@code 1/(1 − p)}); no effect with
 *                      one layer or in inference
 * @param bias          whether the cells have the biases {@code bias_ih} and {@code bias_hh}
 */
public record RecurrentConfig(CellType cell, int inputSize, int hiddenSize, int numLayers,
                              boolean bidirectional, float dropout, boolean bias) {

    /**
     * Validates the configuration.
     *
     * @param cell          the cell type; not null
     * @param inputSize     input features, at least 1
     * @param hiddenSize    hidden size, at least 1
     * @param numLayers     number of layers, at least 1
     * @param bidirectional whether each layer is bidirectional
     * @param dropout       inter-layer dropout probability in {@code [0, 1)}
     * @param bias          whether the cells have biases
     * @throws IllegalArgumentException if a value is out of range
     */
    public RecurrentConfig {
        if (cell == null) {
            throw new IllegalArgumentException("cell must not be null");
        }
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize must be at least 1 but was " + inputSize);
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1 but was " + hiddenSize);
        }
        if (numLayers < 1) {
            throw new IllegalArgumentException("numLayers must be at least 1 but was " + numLayers);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1) but was " + dropout);
        }
    }

    /**
     * A one-layer, unidirectional configuration with biases and no dropout (PyTorch's defaults).
     *
     * @param cell       the cell type
     * @param inputSize  input features {@code I}
     * @param hiddenSize hidden size {@code H}
     * @return the configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public static RecurrentConfig of(CellType cell, int inputSize, int hiddenSize) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, 1, false, 0f, true);
    }

    /**
     * A copy with another number of layers.
     *
     * @param layers number of stacked layers, at least 1
     * @return the new configuration
     * @throws IllegalArgumentException if out of range
     */
    public RecurrentConfig withNumLayers(int layers) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, layers, bidirectional, dropout, bias);
    }

    /**
     * A copy with another direction setting.
     *
     * @param twoDirections whether the layers are bidirectional
     * @return the new configuration
     */
    public RecurrentConfig withBidirectional(boolean twoDirections) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, twoDirections, dropout, bias);
    }

    /**
     * A copy with another inter-layer dropout probability.
     *
     * @param probability dropout probability in {@code [0, 1)}
     * @return the new configuration
     * @throws IllegalArgumentException if out of range
     */
    public RecurrentConfig withDropout(float probability) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bidirectional, probability, bias);
    }

    /**
     * A copy with or without biases.
     *
     * @param withBiases whether the cells have biases
     * @return the new configuration
     */
    public RecurrentConfig withBias(boolean withBiases) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bidirectional, dropout, withBiases);
    }

    /**
     * Number of directions {@code D}.
     *
     * @return 2 if bidirectional, else 1
     */
    public int numDirections() {
        return bidirectional ? 2 : 1;
    }

    /**
     * Width {@code D·H} of the output of every layer.
     *
     * @return {@code D·H}
     */
    public int outputSize() {
        return numDirections() * hiddenSize;
    }

    /**
     * Input width of a layer: {@code I} for layer 0, {@code D·H} above it.
     *
     * @param layer the layer index in {@code [0, L)}
     * @return the input width of that layer
     * @throws IllegalArgumentException if the index is out of range
     */
    public int layerInputSize(int layer) {
        if (layer < 0 || layer >= numLayers) {
            throw new IllegalArgumentException("layer must be in [0, " + numLayers + ") but was " + layer);
        }
        return layer == 0 ? inputSize : outputSize();
    }

    /**
     * Number of rows {@code L·D·B} of the initial and final state matrices for a batch size.
     *
     * @param batchSize the batch size {@code B}
     * @return {@code L·D·B}
     */
    public int stateRows(int batchSize) {
        return numLayers * numDirections() * batchSize;
    }
}
