package org.seq4j.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The characters of a model, numbered: the special tokens first, if any (see {@link Vocabulary}), then
 * the characters. Characters are Unicode code points, not UTF-16 {@code char}s, so that a letter outside
 * the Basic Multilingual Plane (an emoji, a rare CJK ideograph) is one symbol and any text round-trips
 * through {@link #encode(CharSequence)} and {@link #decode(int[])}.
 *
 * <p>Two numberings:
 * <ul>
 *   <li>{@link #of(CharSequence)}: the distinct code points of a text in ascending order, no special
 *       tokens, so that the numbering is a function of the set of characters alone; for an ASCII text it
 *       equals Python's {@code sorted(set(text))}, the numbering of char-rnn and most PyTorch scripts.
 *       The character language model ({@link org.seq4j.lm.CharLanguageModel}) uses this one.</li>
 *   <li>{@link #builder()}: counted from texts, with special tokens, a minimum count and a maximum size;
 *       characters by descending count, ties in order of first appearance.</li>
 * </ul>
 *
 * <p>Saved as JSON (UTF-8): <code>{"format":"seq4j.vocabulary","version":1,"kind":"characters",
 * "specials":[...],"code_points":[...],"counts":[...]}</code>, the code points in id order after the
 * special tokens and one count per id. Loading is strict: anything else is refused with a
 * {@link VocabularyFormatException}. Instances are immutable and safe to share between threads.
 */
public final class CharacterVocabulary extends Vocabulary {

    static final String KIND = "characters";
    private static final String TOKENS_FIELD = "code_points";

    /** (V − S) the code point of id S + i, in id order. */
    private final int[] codePoints;
    /** The code points sorted ascending, and the id of each: code point → id by binary search. */
    private final int[] sortedCodePoints;
    private final int[] sortedIds;

    private CharacterVocabulary(TokenTable table, int[] codePoints) {
        super(table);
        this.codePoints = codePoints;
        int s = table.specials().size();
        Integer[] order = new Integer[codePoints.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(codePoints[a], codePoints[b]));
        this.sortedCodePoints = new int[order.length];
        this.sortedIds = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            sortedCodePoints[i] = codePoints[order[i]];
            sortedIds[i] = s + order[i];
        }
    }

    /** A vocabulary of the given code points in id order, after the special tokens. */
    private static CharacterVocabulary create(List<SpecialToken> specials, int[] codePoints, long[] counts) {
        List<String> tokens = new ArrayList<>(codePoints.length);
        for (int i = 0; i < codePoints.length; i++) {
            if (!Character.isValidCodePoint(codePoints[i])) {
                throw new IllegalArgumentException(
                        "codePoints[" + i + "] is not a valid code point: " + codePoints[i]);
            }
            tokens.add(new String(Character.toChars(codePoints[i])));
        }
        // the table checks that the characters are distinct
        return new CharacterVocabulary(new TokenTable(specials, tokens, counts), codePoints.clone());
    }

    /**
     * The vocabulary of a text: its distinct code points in ascending order, no special tokens (the
     * numbering of char-rnn), with their counts.
     *
     * @param text the text; not empty
     * @return the vocabulary
     * @throws IllegalArgumentException if the text is empty
     */
    public static CharacterVocabulary of(CharSequence text) {
        if (text == null || text.length() == 0) {
            throw new IllegalArgumentException("text must not be empty");
        }
        int[] all = text.codePoints().sorted().toArray();
        int[] distinct = Arrays.stream(all).distinct().toArray();
        long[] counts = new long[distinct.length];
        for (int i = 0, j = 0; i < all.length; i++) {
            if (all[i] != distinct[j]) {
                j++;
            }
            counts[j]++;
        }
        return create(List.of(), distinct, counts);
    }

    /**
     * A vocabulary of given characters in a given order (counts 0), as stored by {@link #codePoints()}.
     *
     * @param codePoints the code points of ids {@code S, S + 1, …}: distinct valid code points; not
     *                   modified (copied)
     * @param specials   the special tokens, ids 0 to S−1 in {@link SpecialToken} order
     * @return the vocabulary
     * @throws IllegalArgumentException if a code point is invalid or repeated, or there is no token at all
     */
    public static CharacterVocabulary ofCodePoints(int[] codePoints, SpecialToken... specials) {
        if (codePoints == null) {
            throw new IllegalArgumentException("codePoints must not be null");
        }
        return create(List.of(specials), codePoints, null);
    }

    /**
     * Starts a vocabulary counted from texts.
     *
     * @return a builder with no special tokens, minimum count 1 and no size limit
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a vocabulary saved by {@link #save(Path)}.
     *
     * @param file the JSON file
     * @return the vocabulary
     * @throws VocabularyFormatException if the file is not such a vocabulary (the message says why)
     * @throws IOException               if the file cannot be read
     */
    public static CharacterVocabulary load(Path file) throws IOException {
        return fromJson(readUtf8(file), file.toString());
    }

    /**
     * Reads the JSON form of {@link #toJson()}.
     *
     * @param json the JSON text
     * @return the vocabulary
     * @throws VocabularyFormatException if the text is not such a vocabulary (the message says why)
     */
    public static CharacterVocabulary fromJson(String json) throws VocabularyFormatException {
        return fromJson(json, "vocabulary JSON");
    }

    private static CharacterVocabulary fromJson(String json, String source) throws VocabularyFormatException {
        return TokenTable.readJson(json, source, KIND, TOKENS_FIELD, true,
                c -> create(c.specials(), c.codePoints(), c.counts()));
    }

    /**
     * The JSON form that {@link #save(Path)} writes and {@link #fromJson(String)} reads.
     *
     * @return the JSON text
     */
    @Override
    public String toJson() {
        return table.toJson(KIND, TOKENS_FIELD, json -> {
            json.beginArray();
            for (int c : codePoints) {
                json.value(c);
            }
            json.endArray();
        });
    }

    /**
     * The code point of an id.
     *
     * @param id the id of a character, in {@code [S, V)}
     * @return its code point
     * @throws IllegalArgumentException if the id is out of range or a special token's
     */
    public int codePoint(int id) {
        int s = table.specials().size();
        if (id < s || id >= table.size()) {
            table.checkId(id);
            throw new IllegalArgumentException("id " + id + " is the special token " + table.token(id)
                    + ", not a character");
        }
        return codePoints[id - s];
    }

    /**
     * The id of a character, without falling back to {@code <unk>}; allocates nothing.
     *
     * @param codePoint a code point
     * @return its id, or −1 if the vocabulary does not hold it
     */
    public int indexOf(int codePoint) {
        int i = Arrays.binarySearch(sortedCodePoints, codePoint);
        return i >= 0 ? sortedIds[i] : -1;
    }

    /**
     * The id of a character, or of {@code <unk>} for a character the vocabulary does not hold.
     *
     * @param codePoint a code point
     * @return its id, or the id of {@code <unk>}
     * @throws IllegalArgumentException if the character is unknown and there is no {@code <unk>}
     */
    public int id(int codePoint) {
        int id = indexOf(codePoint);
        if (id < 0) {
            id = table.unk();
            if (id < 0) {
                throw new IllegalArgumentException("character " + describe(codePoint) + " is not in the vocabulary of "
                        + codePoints.length + " characters");
            }
        }
        return id;
    }

    /**
     * Tells whether the vocabulary holds a character.
     *
     * @param codePoint a code point
     * @return true if it has an id of its own
     */
    public boolean contains(int codePoint) {
        return indexOf(codePoint) >= 0;
    }

    /**
     * Maps a text to ids, one per code point, with {@code <unk>} for unknown characters if the vocabulary
     * has it.
     *
     * @param text the text
     * @return the ids, one per code point of the text
     * @throws IllegalArgumentException naming the first character that is not in the vocabulary and its
     *                                  position, if there is no {@code <unk>}
     */
    public int[] encode(CharSequence text) {
        int[] ids = text.codePoints().toArray();
        for (int i = 0; i < ids.length; i++) {
            int id = indexOf(ids[i]);
            if (id < 0) {
                id = table.unk();
                if (id < 0) {
                    throw new IllegalArgumentException("character " + describe(ids[i]) + " (character " + (i + 1)
                            + " of the text) is not in the vocabulary of " + codePoints.length + " characters");
                }
            }
            ids[i] = id;
        }
        return ids;
    }

    /**
     * Maps ids back to text; a special token gives its text (e.g. {@code <eos>}).
     *
     * @param ids ids in {@code [0, V)}; not modified
     * @return the text
     * @throws IllegalArgumentException if an id is out of range
     */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder(ids.length);
        int s = table.specials().size();
        for (int id : ids) {
            if (id >= s && id < table.size()) {
                text.appendCodePoint(codePoints[id - s]);
            } else {
                text.append(table.token(id));
            }
        }
        return text.toString();
    }

    /**
     * The code points of the characters in id order (ids S to V−1; all ids when there are no special
     * tokens): the form checkpoints store, which {@link #ofCodePoints} reads back.
     *
     * @return a copy
     */
    public int[] codePoints() {
        return codePoints.clone();
    }

    /**
     * Formats a code point for messages: the character and its {@code U+} number.
     *
     * @param codePoint a code point
     * @return e.g. {@code 'é' (U+00E9)}; control and white-space characters by number only
     */
    public static String describe(int codePoint) {
        String shown = !Character.isValidCodePoint(codePoint) || Character.isISOControl(codePoint)
                || Character.isWhitespace(codePoint) ? "" : "'" + new String(Character.toChars(codePoint)) + "' ";
        return shown + String.format("(U+%04X)", codePoint);
    }

    /**
     * Describes the vocabulary.
     *
     * @return e.g. {@code CharacterVocabulary[65 characters]} or
     *         {@code CharacterVocabulary[2 special tokens, 65 characters]}
     */
    @Override
    public String toString() {
        int s = specials().size();
        return "CharacterVocabulary[" + (s > 0 ? s + " special tokens, " : "") + codePoints.length + " characters]";
    }

    /**
     * Counts the characters of texts and builds a {@link CharacterVocabulary} (see
     * {@link Vocabulary.Builder}). Not thread-safe.
     */
    public static final class Builder extends Vocabulary.Builder<Builder> {
        /** Code point → slot in {@code seen}, in order of first appearance. */
        private final Map<Integer, Integer> slots = new HashMap<>();
        private int[] seen = new int[64];
        private long[] counts = new long[64];
        private int distinct;

        private Builder() {
        }

        /**
         * Counts the characters (code points) of a text.
         *
         * @param text the text; not modified
         * @return this builder
         */
        public Builder add(CharSequence text) {
            text.codePoints().forEach(c -> {
                Integer slot = slots.get(c);
                if (slot == null) {
                    if (distinct == seen.length) {
                        seen = Arrays.copyOf(seen, 2 * distinct);
                        counts = Arrays.copyOf(counts, 2 * distinct);
                    }
                    seen[distinct] = c;
                    slot = distinct++;
                    slots.put(c, slot);
                }
                counts[slot]++;
            });
            return this;
        }

        /**
         * Builds the vocabulary of the characters counted so far (the builder can go on counting).
         *
         * @return the vocabulary
         * @throws IllegalArgumentException if {@code minCount < 1}, {@code maxSize} is negative or does not
         *                                  exceed the number of special tokens, or no token is left
         */
        @Override
        public CharacterVocabulary build() {
            List<String> tokens = new ArrayList<>(distinct);
            for (int i = 0; i < distinct; i++) {
                tokens.add(new String(Character.toChars(seen[i])));
            }
            TokenTable table = table(tokens, Arrays.copyOf(counts, distinct), new long[SpecialToken.values().length]);
            List<String> kept = table.ordinaryTokens();
            int[] codePoints = new int[kept.size()];
            for (int i = 0; i < codePoints.length; i++) {
                codePoints[i] = kept.get(i).codePointAt(0);
            }
            return new CharacterVocabulary(table, codePoints);
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
