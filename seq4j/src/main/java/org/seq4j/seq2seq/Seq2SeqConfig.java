package org.seq4j.seq2seq;

import java.util.Locale;
import java.util.Optional;
import org.seq4j.io.JsonFormatException;
import org.seq4j.io.JsonReader;
import org.seq4j.io.JsonWriter;
import org.seq4j.rnn.CellType;

/**
 * The immutable shape of a {@link Seq2SeqModel}.
 *
 * <pre>{@code
 *   Seq2SeqConfig config = Seq2SeqConfig.builder(source.size(), target.size())
 *           .cell(CellType.GRU).embeddingSize(256).hiddenSize(256)
 *           .attention(Seq2SeqConfig.Attention.GENERAL).dropout(0.1f)
 *           .build();
 * }</pre>
 *
 * @param cell                 the recurrent cell of encoder and decoder: {@link CellType#GRU},
 *                             {@link CellType#LSTM}, {@link CellType#RNN_TANH} or {@link CellType#RNN_RELU}
 * @param numLayers            L, the layers of encoder and decoder, ≥ 1
 * @param bidirectional        whether the encoder reads the source both ways; each direction then has
 *                             {@code H/2} units, so that the memory (both directions' outputs side by side)
 *                             and the decoder state (both directions' final states side by side) have H
 * @param embeddingSize        E, the width of the source and target embeddings, ≥ 1
 * @param hiddenSize           H, the hidden size of the decoder, of the attention and of the encoder's
 *                             output, ≥ 1 (even if bidirectional)
 * @param attention            the attention: NONE (Sutskever et al. 2014) or a Luong score
 * @param inputFeeding         whether the decoder's input at step t is {@code [emb(y_t); h̃_{t−1}]}
 *                             (Luong et al. 2015, section 3.3); needs attention
 * @param dropout              probability in {@code [0, 1)} of zeroing an activation in training: on the
 *                             embeddings, between stacked layers, and on {@code h̃} before the output layer
 * @param sourceVocabularySize Vs, with {@code <pad>} at index 0, ≥ 2
 * @param targetVocabularySize Vt, with {@code <pad>}, {@code <bos>}, {@code <eos>} at 0, 1, 2, ≥ 4
 */
public record Seq2SeqConfig(CellType cell, int numLayers, boolean bidirectional, int embeddingSize,
                            int hiddenSize, Attention attention, boolean inputFeeding, float dropout,
                            int sourceVocabularySize, int targetVocabularySize) {

    /** Whether and how the decoder attends over the encoder's outputs. */
    public enum Attention {
        /** No attention: the output layer reads the decoder's hidden state (Sutskever et al. 2014). */
        NONE,
        /** Luong's dot score. */
        DOT,
        /** Luong's general score. */
        GENERAL,
        /** Luong's concat score. */
        CONCAT;

        /**
         * The score of {@link GlobalAttention}.
         *
         * @return the score, or empty for NONE
         */
        public Optional<GlobalAttention.Score> score() {
            return switch (this) {
                case NONE -> Optional.empty();
                case DOT -> Optional.of(GlobalAttention.Score.DOT);
                case GENERAL -> Optional.of(GlobalAttention.Score.GENERAL);
                case CONCAT -> Optional.of(GlobalAttention.Score.CONCAT);
            };
        }

        /**
         * Reads a name as written on a command line.
         *
         * @param name {@code none}, {@code dot}, {@code general} or {@code concat} (any case)
         * @return the attention
         * @throws IllegalArgumentException if the name is none of these
         */
        public static Attention parse(String name) {
            if (name != null) {
                for (Attention a : values()) {
                    if (a.name().equalsIgnoreCase(name.trim())) {
                        return a;
                    }
                }
            }
            throw new IllegalArgumentException("attention must be none, dot, general or concat but was " + name);
        }
    }

    /**
     * Validates the configuration.
     *
     * @param cell                 not null
     * @param numLayers            ≥ 1
     * @param bidirectional        if true, hiddenSize must be even
     * @param embeddingSize        ≥ 1
     * @param hiddenSize           ≥ 1
     * @param attention            not null
     * @param inputFeeding         only with attention
     * @param dropout              in {@code [0, 1)}
     * @param sourceVocabularySize ≥ 2
     * @param targetVocabularySize ≥ 4
     * @throws IllegalArgumentException if a value is out of range
     */
    public Seq2SeqConfig {
        if (cell == null || attention == null) {
            throw new IllegalArgumentException("cell and attention must not be null");
        }
        if (numLayers < 1) {
            throw new IllegalArgumentException("numLayers must be at least 1 but was " + numLayers);
        }
        if (embeddingSize < 1) {
            throw new IllegalArgumentException("embeddingSize must be at least 1 but was " + embeddingSize);
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be at least 1 but was " + hiddenSize);
        }
        if (bidirectional && hiddenSize % 2 != 0) {
            throw new IllegalArgumentException("hiddenSize must be even with a bidirectional encoder (H/2 units "
                    + "per direction) but was " + hiddenSize);
        }
        if (inputFeeding && attention == Attention.NONE) {
            throw new IllegalArgumentException("input feeding feeds the attentional vector back: it needs "
                    + "attention, but attention is none");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1) but was " + dropout);
        }
        if (sourceVocabularySize < 2) {
            throw new IllegalArgumentException("sourceVocabularySize must be at least 2 (<pad> and a word) but was "
                    + sourceVocabularySize);
        }
        if (targetVocabularySize < 4) {
            throw new IllegalArgumentException("targetVocabularySize must be at least 4 (<pad>, <bos>, <eos> and a "
                    + "word) but was " + targetVocabularySize);
        }
    }

    /**
     * Starts a configuration with the reference's defaults: GRU, 1 layer, unidirectional, E = H = 256,
     * GENERAL attention, no input feeding, dropout 0.1.
     *
     * @param sourceVocabularySize Vs ≥ 2
     * @param targetVocabularySize Vt ≥ 4
     * @return a builder
     */
    public static Builder builder(int sourceVocabularySize, int targetVocabularySize) {
        return new Builder(sourceVocabularySize, targetVocabularySize);
    }

    /**
     * Reads a cell name as written on a command line.
     *
     * @param name {@code gru}, {@code lstm}, {@code rnn} (tanh) or {@code rnn_relu} (any case)
     * @return the cell type
     * @throws IllegalArgumentException if the name is none of these
     */
    public static CellType parseCell(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "gru" -> CellType.GRU;
            case "lstm" -> CellType.LSTM;
            case "rnn", "rnn_tanh" -> CellType.RNN_TANH;
            case "rnn_relu" -> CellType.RNN_RELU;
            default -> throw new IllegalArgumentException("cell must be gru, lstm or rnn but was " + name);
        };
    }

    /**
     * The hidden size of one encoder direction.
     *
     * @return H/2 if bidirectional, else H
     */
    public int encoderHiddenSize() {
        return bidirectional ? hiddenSize / 2 : hiddenSize;
    }

    /**
     * The width of the decoder's input.
     *
     * @return E + H with input feeding, else E
     */
    public int decoderInputSize() {
        return inputFeeding ? embeddingSize + hiddenSize : embeddingSize;
    }

    /** The configuration as checkpoint metadata JSON. */
    String toJson() {
        return new JsonWriter().beginObject()
                .name("cell").value(cell.name())
                .name("num_layers").value(numLayers)
                .name("bidirectional").value(bidirectional)
                .name("embedding_size").value(embeddingSize)
                .name("hidden_size").value(hiddenSize)
                .name("attention").value(attention.name())
                .name("input_feeding").value(inputFeeding)
                .name("dropout").value(dropout)
                .name("source_vocabulary_size").value(sourceVocabularySize)
                .name("target_vocabulary_size").value(targetVocabularySize)
                .endObject().toString();
    }

    /**
     * Reads {@link #toJson()}'s form: exactly its fields.
     *
     * @throws JsonFormatException      if the text is not such an object
     * @throws IllegalArgumentException if a value is out of range or unknown
     */
    static Seq2SeqConfig fromJson(String json) throws JsonFormatException {
        JsonReader in = new JsonReader(json, "seq2seq config: ");
        String cell = null;
        String attention = null;
        Integer layers = null;
        Integer embedding = null;
        Integer hidden = null;
        Integer sourceSize = null;
        Integer targetSize = null;
        Boolean bidirectional = null;
        Boolean inputFeeding = null;
        Float dropout = null;
        in.beginObject();
        while (in.hasNext()) {
            String name = in.nextName();
            switch (name) {
                case "cell" -> cell = in.nextString();
                case "num_layers" -> layers = in.nextInt();
                case "bidirectional" -> bidirectional = in.nextBoolean();
                case "embedding_size" -> embedding = in.nextInt();
                case "hidden_size" -> hidden = in.nextInt();
                case "attention" -> attention = in.nextString();
                case "input_feeding" -> inputFeeding = in.nextBoolean();
                case "dropout" -> dropout = in.nextFloat();
                case "source_vocabulary_size" -> sourceSize = in.nextInt();
                case "target_vocabulary_size" -> targetSize = in.nextInt();
                default -> throw new JsonFormatException("seq2seq config: unknown field '" + name + "'");
            }
        }
        in.endObject();
        in.endDocument();
        if (cell == null || attention == null || layers == null || embedding == null || hidden == null
                || sourceSize == null || targetSize == null || bidirectional == null || inputFeeding == null
                || dropout == null) {
            throw new JsonFormatException("seq2seq config: a field is missing in " + json);
        }
        CellType cellType;
        try {
            cellType = CellType.valueOf(cell);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown cell type '" + cell + "'", e);
        }
        return new Seq2SeqConfig(cellType, layers, bidirectional, embedding, hidden, Attention.parse(attention),
                inputFeeding, dropout, sourceSize, targetSize);
    }

    /** Builds a {@link Seq2SeqConfig}; the defaults are the reference's (see {@link #builder}). */
    public static final class Builder {

        private final int sourceVocabularySize;
        private final int targetVocabularySize;
        private CellType cell = CellType.GRU;
        private int numLayers = 1;
        private boolean bidirectional;
        private int embeddingSize = 256;
        private int hiddenSize = 256;
        private Attention attention = Attention.GENERAL;
        private boolean inputFeeding;
        private float dropout = 0.1f;

        private Builder(int sourceVocabularySize, int targetVocabularySize) {
            this.sourceVocabularySize = sourceVocabularySize;
            this.targetVocabularySize = targetVocabularySize;
        }

        /**
         * Sets the cell.
         *
         * @param value the cell type (default GRU)
         * @return this builder
         */
        public Builder cell(CellType value) {
            cell = value;
            return this;
        }

        /**
         * Sets the number of layers.
         *
         * @param value L ≥ 1 (default 1)
         * @return this builder
         */
        public Builder numLayers(int value) {
            numLayers = value;
            return this;
        }

        /**
         * Sets whether the encoder is bidirectional.
         *
         * @param value true for a bidirectional encoder (default false)
         * @return this builder
         */
        public Builder bidirectional(boolean value) {
            bidirectional = value;
            return this;
        }

        /**
         * Sets the embedding size.
         *
         * @param value E ≥ 1 (default 256)
         * @return this builder
         */
        public Builder embeddingSize(int value) {
            embeddingSize = value;
            return this;
        }

        /**
         * Sets the hidden size.
         *
         * @param value H ≥ 1, even if bidirectional (default 256)
         * @return this builder
         */
        public Builder hiddenSize(int value) {
            hiddenSize = value;
            return this;
        }

        /**
         * Sets the attention.
         *
         * @param value the attention (default GENERAL)
         * @return this builder
         */
        public Builder attention(Attention value) {
            attention = value;
            return this;
        }

        /**
         * Sets input feeding.
         *
         * @param value true to feed {@code h̃_{t−1}} to the decoder (default false)
         * @return this builder
         */
        public Builder inputFeeding(boolean value) {
            inputFeeding = value;
            return this;
        }

        /**
         * Sets the dropout probability.
         *
         * @param value in {@code [0, 1)} (default 0.1)
         * @return this builder
         */
        public Builder dropout(float value) {
            dropout = value;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a value is out of range
         */
        public Seq2SeqConfig build() {
            return new Seq2SeqConfig(cell, numLayers, bidirectional, embeddingSize, hiddenSize, attention,
                    inputFeeding, dropout, sourceVocabularySize, targetVocabularySize);
        }
    }
}
