package org.seq4j.lm;

import org.seq4j.io.JsonFormatException;
import org.seq4j.io.JsonWriter;
import org.seq4j.rnn.CellType;

/**
 * The immutable shape of a {@link CharLanguageModel}.
 *
 * <pre>{@code
 *   CharLmConfig config = CharLmConfig.of(CellType.LSTM, vocabulary.size(), 128).withNumLayers(2);
 * }</pre>
 *
 * @param cell          the recurrent cell: {@link CellType#LSTM}, {@link CellType#GRU},
 *                      {@link CellType#RNN_TANH} or {@link CellType#RNN_RELU}
 * @param vocabSize     V, the number of distinct characters, ≥ 1
 * @param embeddingSize E, the width of the learned character embedding, ≥ 1; or 0 for one-hot input
 *                      (the recurrent layer then reads V features)
 * @param hiddenSize    H, the hidden size of every layer, ≥ 1
 * @param numLayers     L, the number of stacked layers, ≥ 1
 * @param dropout       probability in {@code [0, 1)} of zeroing an activation in training, applied as in
 *                      char-rnn to the output of every layer (between layers and before the decoder)
 */
public record CharLmConfig(CellType cell, int vocabSize, int embeddingSize, int hiddenSize, int numLayers,
                           float dropout) {

    /**
     * Validates the configuration.
     *
     * @param cell          the recurrent cell; not null
     * @param vocabSize     V ≥ 1
     * @param embeddingSize E ≥ 1, or 0 for one-hot input
     * @param hiddenSize    H ≥ 1
     * @param numLayers     L ≥ 1
     * @param dropout       in {@code [0, 1)}
     * @throws IllegalArgumentException if a value is out of range
     */
    public CharLmConfig {
        if (cell == null) {
            throw new IllegalArgumentException("cell must not be null");
        }
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabSize must be at least 1 but was " + vocabSize);
        }
        if (embeddingSize < 0) {
            throw new IllegalArgumentException("embeddingSize must be ≥ 0 (0 = one-hot) but was " + embeddingSize);
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
     * One layer, an embedding as wide as the hidden state, no dropout.
     *
     * @param cell       the recurrent cell
     * @param vocabSize  V ≥ 1
     * @param hiddenSize H ≥ 1 (also the embedding size E)
     * @return the configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public static CharLmConfig of(CellType cell, int vocabSize, int hiddenSize) {
        return new CharLmConfig(cell, vocabSize, hiddenSize, hiddenSize, 1, 0f);
    }

    /**
     * A copy with another embedding size.
     *
     * @param size E ≥ 1, or 0 for one-hot input
     * @return the new configuration
     * @throws IllegalArgumentException if out of range
     */
    public CharLmConfig withEmbeddingSize(int size) {
        return new CharLmConfig(cell, vocabSize, size, hiddenSize, numLayers, dropout);
    }

    /**
     * A copy with another number of layers.
     *
     * @param layers L ≥ 1
     * @return the new configuration
     * @throws IllegalArgumentException if out of range
     */
    public CharLmConfig withNumLayers(int layers) {
        return new CharLmConfig(cell, vocabSize, embeddingSize, hiddenSize, layers, dropout);
    }

    /**
     * A copy with another dropout probability.
     *
     * @param probability in {@code [0, 1)}
     * @return the new configuration
     * @throws IllegalArgumentException if out of range
     */
    public CharLmConfig withDropout(float probability) {
        return new CharLmConfig(cell, vocabSize, embeddingSize, hiddenSize, numLayers, probability);
    }

    /**
     * Tells whether the input is one-hot rather than a learned embedding.
     *
     * @return true if {@code embeddingSize == 0}
     */
    public boolean oneHotInput() {
        return embeddingSize == 0;
    }

    /**
     * The width of the recurrent layer's input: E, or V for one-hot input.
     *
     * @return the input size I of the first layer
     */
    public int inputSize() {
        return oneHotInput() ? vocabSize : embeddingSize;
    }

    /** The configuration as checkpoint metadata JSON, PyTorch-style names. */
    String toJson() {
        return new JsonWriter().beginObject()
                .name("cell").value(cell.name())
                .name("vocab_size").value(vocabSize)
                .name("embedding_size").value(embeddingSize)
                .name("hidden_size").value(hiddenSize)
                .name("num_layers").value(numLayers)
                .name("dropout").value(dropout)
                .endObject().toString();
    }

    /**
     * Reads {@link #toJson()}'s form.
     *
     * @throws JsonFormatException      if the text is not a flat JSON object
     * @throws IllegalArgumentException if a field is missing or malformed or a value is out of range
     */
    static CharLmConfig fromJson(String json) throws JsonFormatException {
        Fields f = Fields.read(json);
        String cellName = f.string("cell");
        CellType cell;
        try {
            cell = CellType.valueOf(cellName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown cell type '" + cellName + "'", e);
        }
        return new CharLmConfig(cell, f.intValue("vocab_size"), f.intValue("embedding_size"),
                f.intValue("hidden_size"), f.intValue("num_layers"), f.floatValue("dropout"));
    }
}
