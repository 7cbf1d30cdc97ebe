package org.seq4j.skipthoughts;

import org.seq4j.io.JsonFormatException;
import org.seq4j.io.JsonReader;
import org.seq4j.io.JsonWriter;

/**
 * The immutable shape of a {@link SkipThoughtsModel}.
 *
 * <pre>{@code
 *   SkipThoughtsConfig uni = SkipThoughtsConfig.uni(vocabulary.size(), 64, 256);   // thought vectors of 256
 *   SkipThoughtsConfig bi = SkipThoughtsConfig.bi(vocabulary.size(), 64, 256);     // two GRUs of 128 each
 * }</pre>
 *
 * @param mode           {@link Mode#UNI} (uni-skip: one GRU reads the sentence forward) or {@link Mode#BI}
 *                       (bi-skip: a forward and a reverse GRU of {@code D/2} each, their final states
 *                       concatenated)
 * @param vocabularySize V, the words of the model's vocabulary, special tokens included; at least 5 (the
 *                       four special tokens and a word)
 * @param embeddingSize  E, the size of the word embedding shared by the encoder and both decoders; ≥ 1
 * @param dim            D, the size of the thought vector, also the hidden size of both decoders; ≥ 1,
 *                       even for bi-skip
 */
public record SkipThoughtsConfig(Mode mode, int vocabularySize, int embeddingSize, int dim) {

    /** How the encoder reads a sentence. */
    public enum Mode {
        /** uni-skip: one GRU of size D reads the sentence forward; its final state is the thought vector. */
        UNI,
        /** bi-skip: a forward and a reverse GRU of size D/2; the thought vector is their final states. */
        BI
    }

    /**
     * Validates the configuration.
     *
     * @param mode           not null
     * @param vocabularySize V ≥ 5
     * @param embeddingSize  E ≥ 1
     * @param dim            D ≥ 1, even for {@link Mode#BI}
     * @throws IllegalArgumentException if a value is out of range
     */
    public SkipThoughtsConfig {
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (vocabularySize < 5) {
            throw new IllegalArgumentException("vocabularySize must be at least 5 (4 special tokens and a word) "
                    + "but was " + vocabularySize);
        }
        if (embeddingSize < 1) {
            throw new IllegalArgumentException("embeddingSize must be at least 1 but was " + embeddingSize);
        }
        if (dim < 1 || (mode == Mode.BI && dim % 2 != 0)) {
            throw new IllegalArgumentException("dim must be " + (mode == Mode.BI ? "even and " : "")
                    + "at least " + (mode == Mode.BI ? 2 : 1) + " but was " + dim);
        }
    }

    /**
     * A uni-skip configuration.
     *
     * @param vocabularySize V ≥ 5
     * @param embeddingSize  E ≥ 1
     * @param dim            D ≥ 1
     * @return the configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public static SkipThoughtsConfig uni(int vocabularySize, int embeddingSize, int dim) {
        return new SkipThoughtsConfig(Mode.UNI, vocabularySize, embeddingSize, dim);
    }

    /**
     * A bi-skip configuration.
     *
     * @param vocabularySize V ≥ 5
     * @param embeddingSize  E ≥ 1
     * @param dim            D ≥ 2, even: each direction has D/2
     * @return the configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public static SkipThoughtsConfig bi(int vocabularySize, int embeddingSize, int dim) {
        return new SkipThoughtsConfig(Mode.BI, vocabularySize, embeddingSize, dim);
    }

    /**
     * The hidden size of each encoder direction.
     *
     * @return D (uni-skip) or D/2 (bi-skip)
     */
    public int encoderHiddenSize() {
        return mode == Mode.UNI ? dim : dim / 2;
    }

    /** The configuration as checkpoint metadata. */
    String toJson() {
        return new JsonWriter().beginObject()
                .name("mode").value(mode.name())
                .name("vocabulary_size").value(vocabularySize)
                .name("embedding_size").value(embeddingSize)
                .name("dim").value(dim)
                .endObject().toString();
    }

    /**
     * Reads {@link #toJson()}'s form: exactly its four fields, in any order.
     *
     * @throws JsonFormatException      if the text is not such a JSON object
     * @throws IllegalArgumentException if a value is out of range
     */
    static SkipThoughtsConfig fromJson(String json) throws JsonFormatException {
        JsonReader in = new JsonReader(json, "skip-thoughts config: ");
        in.beginObject();
        String mode = null;
        int v = -1;
        int e = -1;
        int d = -1;
        while (in.hasNext()) {
            String name = in.nextName();
            switch (name) {
                case "mode" -> mode = in.nextString();
                case "vocabulary_size" -> v = in.nextInt();
                case "embedding_size" -> e = in.nextInt();
                case "dim" -> d = in.nextInt();
                default -> throw new IllegalArgumentException("skip-thoughts config: unknown field '" + name + "'");
            }
        }
        in.endObject();
        in.endDocument();
        if (mode == null || v < 0 || e < 0 || d < 0) {
            throw new IllegalArgumentException("skip-thoughts config: expected the fields mode, vocabulary_size, "
                    + "embedding_size and dim but got " + json);
        }
        Mode m;
        try {
            m = Mode.valueOf(mode);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("skip-thoughts config: mode must be UNI or BI but was '" + mode + "'");
        }
        return new SkipThoughtsConfig(m, v, e, d);
    }
}
