package org.seq4j.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.seq4j.io.AtomicFiles;

/**
 * Tokens numbered for a model: the special tokens first (see {@link SpecialToken}; with all four,
 * {@code <pad>} = 0, {@code <bos>} = 1, {@code <eos>} = 2, {@code <unk>} = 3), then the tokens of the
 * texts. A {@link WordVocabulary} numbers words, a {@link CharacterVocabulary} characters; what they have
 * in common is here: the ids of the special tokens, the text and count of every id, and the JSON file.
 *
 * <pre>
 *   ids:     [0, S)   the special tokens present, in SpecialToken order     S = specials().size()
 *            [S, V)   the tokens of the texts                                V = size()
 * </pre>
 *
 * <p>Saved as JSON (UTF-8): <code>{"format":"seq4j.vocabulary","version":1,"kind":…,"specials":[…],
 * …tokens…,"counts":[…]}</code>, with the special tokens' texts in id order, the other tokens in id order
 * and one count per id. Loading is strict: anything else is refused with a
 * {@link VocabularyFormatException}. Instances are immutable and safe to share between threads.
 */
public abstract sealed class Vocabulary permits WordVocabulary, CharacterVocabulary {

    final TokenTable table;

    Vocabulary(TokenTable table) {
        this.table = table;
    }

    /**
     * Number of ids, V, special tokens included.
     *
     * @return the vocabulary size
     */
    public final int size() {
        return table.size();
    }

    /**
     * The token of an id as text: a word, a character, or the text of a special token.
     *
     * @param id an id in {@code [0, V)}
     * @return e.g. {@code the}, {@code é} or {@code <eos>}
     * @throws IllegalArgumentException if the id is out of range
     */
    public final String token(int id) {
        return table.token(id);
    }

    /**
     * All tokens in id order as text: the special tokens' texts, then the others.
     *
     * @return an unmodifiable list of V tokens
     */
    public final List<String> tokens() {
        return table.tokens();
    }

    /**
     * The id of a special token.
     *
     * @param special a special token of this vocabulary
     * @return its id, in {@code [0, S)}
     * @throws IllegalArgumentException if the vocabulary does not hold it
     */
    public final int id(SpecialToken special) {
        return table.requireSpecial(special);
    }

    /**
     * Tells whether the vocabulary holds a special token.
     *
     * @param special a special token
     * @return true if it has an id
     */
    public final boolean has(SpecialToken special) {
        return table.specialId(special) >= 0;
    }

    /**
     * The special tokens, in id order (ids 0 to S−1).
     *
     * @return an unmodifiable list, possibly empty
     */
    public final List<SpecialToken> specials() {
        return table.specials();
    }

    /**
     * How often a token occurred in the texts the vocabulary was counted from.
     *
     * @param id an id in {@code [0, V)}
     * @return the count; 0 for a vocabulary given token by token and for special tokens that did not occur
     *         as text
     * @throws IllegalArgumentException if the id is out of range
     */
    public final long count(int id) {
        return table.count(id);
    }

    /**
     * The JSON form that {@link #save(Path)} writes (also for a vocabulary kept inside another file, such
     * as a checkpoint's metadata; the subclasses' {@code fromJson} read it back).
     *
     * @return the JSON text
     * @throws IllegalArgumentException if a token has an unpaired surrogate (UTF-8 cannot encode it)
     */
    public abstract String toJson();

    /**
     * Saves the vocabulary as JSON, atomically (a temporary file renamed over the target); the
     * subclasses' {@code load} read it back.
     *
     * @param file the target; replaced if it exists
     * @throws IOException              if writing fails; an existing file is then left as it was
     * @throws IllegalArgumentException if a token has an unpaired surrogate (UTF-8 cannot encode it)
     */
    public final void save(Path file) throws IOException {
        byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, channel -> channel.write(ByteBuffer.wrap(bytes)));
    }

    /** The UTF-8 text of a file; a file that is not UTF-8 is a format error. */
    static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new VocabularyFormatException(file + " is not UTF-8 text", e);
        }
    }

    /**
     * Two vocabularies are equal when they are of the same kind and give the same ids to the same tokens
     * and special tokens (counts are not compared).
     *
     * @param other another object
     * @return true if it is a vocabulary of the same kind with the same numbering
     */
    @Override
    public final boolean equals(Object other) {
        return other != null && other.getClass() == getClass() && table.equals(((Vocabulary) other).table);
    }

    /**
     * A hash of the numbering.
     *
     * @return the hash code
     */
    @Override
    public final int hashCode() {
        return table.hashCode();
    }

    /**
     * Counts tokens and builds a vocabulary: the special tokens chosen, then the tokens seen at least
     * {@link #minCount(int)} times by descending count (ties in order of first appearance), at most
     * {@link #maxSize(int)} ids in all. The subclasses' builders add the counting and {@code build()}.
     * Not thread-safe.
     *
     * @param <B> the concrete builder, returned by the setters
     */
    public abstract static sealed class Builder<B extends Builder<B>>
            permits WordVocabulary.Builder, CharacterVocabulary.Builder {
        final EnumSet<SpecialToken> specials = EnumSet.noneOf(SpecialToken.class);
        int minCount = 1;
        int maxSize;

        Builder() {
        }

        /**
         * Chooses the special tokens (replacing an earlier choice).
         *
         * @param chosen the special tokens, in any order (their ids follow {@link SpecialToken} order)
         * @return this builder
         */
        public final B specials(SpecialToken... chosen) {
            specials.clear();
            specials.addAll(Arrays.asList(chosen));
            return self();
        }

        /**
         * Drops tokens seen fewer times.
         *
         * @param value at least 1 (the default: keep every token)
         * @return this builder
         */
        public final B minCount(int value) {
            minCount = value;
            return self();
        }

        /**
         * Keeps at most this many ids, special tokens included (the most frequent tokens).
         *
         * @param value more than the number of special tokens, or 0 for no limit (the default)
         * @return this builder
         */
        public final B maxSize(int value) {
            maxSize = value;
            return self();
        }

        /**
         * Builds the vocabulary of the tokens counted so far (the builder can go on counting).
         *
         * @return the vocabulary
         * @throws IllegalArgumentException if {@code minCount < 1}, {@code maxSize} is negative or does not
         *                                  exceed the number of special tokens, or no token is left
         */
        public abstract Vocabulary build();

        /**
         * Builds the table of counted tokens after checking the settings.
         *
         * @param seen          the distinct tokens in order of first appearance, none a chosen special's text
         * @param seenCounts    the count of each
         * @param specialCounts the count of each special token, in {@link SpecialToken} order (all four)
         */
        final TokenTable table(List<String> seen, long[] seenCounts, long[] specialCounts) {
            TokenTable.checkLimits(minCount, maxSize, specials.size());
            return TokenTable.fromCounts(specials, seen, seenCounts, specialCounts, minCount, maxSize);
        }

        abstract B self();
    }
}
