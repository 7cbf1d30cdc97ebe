package org.seq4j.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The words (or other string tokens) of a model, numbered: the special tokens first (see
 * {@link Vocabulary}), then the words by descending count in the texts the vocabulary was built from,
 * ties in order of first appearance, so that the numbering is a function of the token stream alone.
 *
 * <pre>{@code
 * Tokenizer tokenizer = new WordTokenizer();
 * WordVocabulary.Builder builder = WordVocabulary.builder()
 *         .specials(SpecialToken.PAD, SpecialToken.BOS, SpecialToken.EOS, SpecialToken.UNK).minCount(2);
 * for (String line : lines) {
 *     builder.addAll(tokenizer.tokenize(line));
 * }
 * WordVocabulary vocabulary = builder.build();
 * int[] ids = vocabulary.encode(tokenizer.tokenize("a new sentence"));   // unknown words give <unk>
 * vocabulary.save(Path.of("vocabulary.json"));
 * }</pre>
 *
 * <p>Saved as JSON (UTF-8): <code>{"format":"seq4j.vocabulary","version":1,"kind":"words",
 * "specials":["&lt;pad&gt;",...],"tokens":["the",...],"counts":[0,...,1061396,...]}</code>, the words in
 * id order after the special tokens and one count per id. Loading is strict: anything else is refused
 * with a {@link VocabularyFormatException}. Instances are immutable and safe to share between threads.
 */
public final class WordVocabulary extends Vocabulary {

    static final String KIND = "words";
    private static final String TOKENS_FIELD = "tokens";

    private WordVocabulary(TokenTable table) {
        super(table);
    }

    /**
     * Starts a vocabulary counted from token streams.
     *
     * @return a builder with no special tokens, minimum count 1 and no size limit
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a vocabulary of given words in a given order (counts 0).
     *
     * @param words    the words of ids {@code S, S + 1, …}: distinct, non-empty, none the text of a given
     *                 special token; not modified
     * @param specials the special tokens, ids 0 to S−1 in {@link SpecialToken} order whatever the order given
     * @return the vocabulary
     * @throws IllegalArgumentException if a word is empty, repeated or a special token's text, or there is
     *                                  no token at all
     */
    public static WordVocabulary of(List<String> words, SpecialToken... specials) {
        Objects.requireNonNull(words, "words");
        return new WordVocabulary(new TokenTable(List.of(specials), words, null));
    }

    /**
     * Reads a vocabulary saved by {@link #save(Path)}.
     *
     * @param file the JSON file
     * @return the vocabulary
     * @throws VocabularyFormatException if the file is not such a vocabulary (the message says why)
     * @throws IOException               if the file cannot be read
     */
    public static WordVocabulary load(Path file) throws IOException {
        return fromJson(readUtf8(file), file.toString());
    }

    /**
     * Reads the JSON form of {@link #toJson()} (for a vocabulary kept inside another file, such as a
     * checkpoint's metadata).
     *
     * @param json the JSON text
     * @return the vocabulary
     * @throws VocabularyFormatException if the text is not such a vocabulary (the message says why)
     */
    public static WordVocabulary fromJson(String json) throws VocabularyFormatException {
        return fromJson(json, "vocabulary JSON");
    }

    private static WordVocabulary fromJson(String json, String source) throws VocabularyFormatException {
        return TokenTable.readJson(json, source, KIND, TOKENS_FIELD, false,
                c -> new WordVocabulary(new TokenTable(c.specials(), c.tokens(), c.counts())));
    }

    /**
     * The JSON form that {@link #save(Path)} writes and {@link #fromJson(String)} reads.
     *
     * @return the JSON text
     * @throws IllegalArgumentException if a word has an unpaired surrogate (UTF-8 cannot encode it)
     */
    @Override
    public String toJson() {
        return table.toJson(KIND, TOKENS_FIELD, json -> {
            json.beginArray();
            for (String word : table.ordinaryTokens()) {
                json.value(word);
            }
            json.endArray();
        });
    }

    /**
     * The id of a word, without falling back to {@code <unk>}.
     *
     * @param word a word (or a special token's text)
     * @return its id, or −1 if the vocabulary does not hold it
     */
    public int indexOf(String word) {
        return table.indexOf(word);
    }

    /**
     * The id of a word, or of {@code <unk>} for a word the vocabulary does not hold.
     *
     * @param word a word (or a special token's text)
     * @return its id, or the id of {@code <unk>}
     * @throws IllegalArgumentException if the word is unknown and there is no {@code <unk>}
     */
    public int id(String word) {
        int id = table.indexOf(word);
        if (id < 0) {
            id = table.unk();
            if (id < 0) {
                throw new IllegalArgumentException("word '" + word + "' is not in the vocabulary of " + size()
                        + " tokens, which has no " + SpecialToken.UNK.text());
            }
        }
        return id;
    }

    /**
     * Tells whether the vocabulary holds a word.
     *
     * @param word a word
     * @return true if it has an id of its own
     */
    public boolean contains(String word) {
        return table.indexOf(word) >= 0;
    }

    /**
     * Maps words to ids, with {@code <unk>} for unknown words ({@link #id(String)}).
     *
     * @param words the words; not modified
     * @return one id per word
     * @throws IllegalArgumentException if a word is unknown and there is no {@code <unk>}
     */
    public int[] encode(List<String> words) {
        int[] ids = new int[words.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = id(words.get(i));
        }
        return ids;
    }

    /**
     * Maps ids back to words; special tokens give their text.
     *
     * @param ids ids in {@code [0, V)}; not modified
     * @return one token per id
     * @throws IllegalArgumentException if an id is out of range
     */
    public List<String> decode(int[] ids) {
        List<String> words = new ArrayList<>(ids.length);
        for (int id : ids) {
            words.add(table.token(id));
        }
        return words;
    }

    /**
     * Describes the vocabulary.
     *
     * @return e.g. {@code WordVocabulary[4 special tokens, 9000 words]}
     */
    @Override
    public String toString() {
        return "WordVocabulary[" + specials().size() + " special tokens, " + (size() - specials().size()) + " words]";
    }

    /**
     * Counts tokens and builds a {@link WordVocabulary} (see {@link Vocabulary.Builder}). A token equal to
     * the text of a chosen special token (such as a literal {@code <unk>} in a preprocessed corpus) counts
     * as that special token. Not thread-safe.
     */
    public static final class Builder extends Vocabulary.Builder<Builder> {
        private final Map<String, long[]> counts = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Counts one occurrence of a token.
         *
         * @param token a non-empty token
         * @return this builder
         * @throws IllegalArgumentException if the token is null or empty
         */
        public Builder add(String token) {
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException("tokens must be non-empty but got " + (token == null ? "null" : "''"));
            }
            counts.computeIfAbsent(token, t -> new long[1])[0]++;
            return this;
        }

        /**
         * Counts one occurrence of each token, e.g. of a tokenized sentence.
         *
         * @param tokens non-empty tokens; not modified
         * @return this builder
         * @throws IllegalArgumentException if a token is null or empty
         */
        public Builder addAll(Iterable<String> tokens) {
            for (String t : tokens) {
                add(t);
            }
            return this;
        }

        /**
         * Builds the vocabulary of the tokens counted so far (the builder can go on counting).
         *
         * @return the vocabulary
         * @throws IllegalArgumentException if {@code minCount < 1}, {@code maxSize} is negative or does not
         *                                  exceed the number of special tokens, or no token is left
         */
        @Override
        public WordVocabulary build() {
            List<String> seen = new ArrayList<>(counts.size());
            long[] seenCounts = new long[counts.size()];
            long[] special = new long[SpecialToken.values().length];
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                SpecialToken s = SpecialToken.ofText(e.getKey());
                if (s != null && specials.contains(s)) {
                    special[s.ordinal()] += e.getValue()[0];
                } else {
                    seenCounts[seen.size()] = e.getValue()[0];
                    seen.add(e.getKey());
                }
            }
            return new WordVocabulary(table(seen, seenCounts, special));
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
