package org.seq4j.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.seq4j.io.JsonFormatException;
import org.seq4j.io.JsonReader;
import org.seq4j.io.JsonWriter;

/**
 * The ids of a vocabulary, shared by {@link WordVocabulary} and {@link CharacterVocabulary}: the special
 * tokens first (in {@link SpecialToken} order), then the other tokens, each with its count, and the
 * lookups between the two. Also builds the id order from counts and reads and writes the JSON form.
 * Immutable.
 *
 * <pre>
 *   ids:     [0, S)   the special tokens present, in enum order        S = number of special tokens
 *            [S, V)   the other tokens, distinct and non-empty
 *   counts:  (V)      occurrences in the texts the vocabulary was built from (0 if given directly)
 * </pre>
 *
 * <p>The JSON form: <code>{"format":"seq4j.vocabulary","version":1,"kind":KIND,"specials":[...],
 * TOKENS:[...],"counts":[...]}</code>, where {@code specials} lists the special tokens' texts in id order,
 * {@code TOKENS} the other tokens in id order (as strings, or as code points for characters) and
 * {@code counts} one count per id, the special tokens' first.
 */
final class TokenTable {

    static final String FORMAT = "seq4j.vocabulary";
    static final int VERSION = 1;

    private final List<SpecialToken> specials;
    /** (V) the text of each id: the special tokens' texts, then the tokens. */
    private final String[] tokens;
    /** (V) the count of each id. */
    private final long[] counts;
    private final Map<String, Integer> ids;
    /** The id of {@code <unk>}, or -1. */
    private final int unk;

    /**
     * Creates a table.
     *
     * @param specials the special tokens present, in any order; not modified
     * @param tokens   the other tokens in id order: distinct, non-empty, none the text of a special token
     *                 present; not modified
     * @param counts   one count {@code >= 0} per id (V), or null for zeros; not modified (copied)
     * @throws IllegalArgumentException if a token is empty, repeated or a present special token's text,
     *                                  a count is negative or the counts are not one per id, or V is 0
     */
    TokenTable(Collection<SpecialToken> specials, List<String> tokens, long[] counts) {
        EnumSet<SpecialToken> set = specials.isEmpty() ? EnumSet.noneOf(SpecialToken.class) : EnumSet.copyOf(specials);
        this.specials = List.copyOf(set);
        int s = this.specials.size();
        int v = s + tokens.size();
        if (v == 0) {
            throw new IllegalArgumentException("a vocabulary needs at least one token");
        }
        this.tokens = new String[v];
        this.ids = new HashMap<>(2 * v);
        for (int i = 0; i < s; i++) {
            this.tokens[i] = this.specials.get(i).text();
            ids.put(this.tokens[i], i);
        }
        for (int i = s; i < v; i++) {
            String t = tokens.get(i - s);
            if (t == null || t.isEmpty()) {
                throw new IllegalArgumentException("tokens must be non-empty but token " + i + " is "
                        + (t == null ? "null" : "empty"));
            }
            Integer before = ids.putIfAbsent(t, i);
            if (before != null) {
                throw new IllegalArgumentException(before < s
                        ? "token " + i + " is the text of the special token " + t + " (id " + before + ")"
                        : "token '" + t + "' appears twice, as ids " + before + " and " + i);
            }
            this.tokens[i] = t;
        }
        if (counts == null) {
            this.counts = new long[v];
        } else {
            if (counts.length != v) {
                throw new IllegalArgumentException("counts must have one entry per id (" + v + ") but has "
                        + counts.length);
            }
            for (int i = 0; i < v; i++) {
                if (counts[i] < 0) {
                    throw new IllegalArgumentException("counts must be >= 0 but the count of id " + i + " is "
                            + counts[i]);
                }
            }
            this.counts = counts.clone();
        }
        this.unk = this.specials.contains(SpecialToken.UNK) ? this.specials.indexOf(SpecialToken.UNK) : -1;
    }

    /**
     * Builds a table from counted tokens: the special tokens, then the tokens seen at least
     * {@code minCount} times by descending count, ties in order of first appearance, at most
     * {@code maxSize} ids in all.
     *
     * @param specials      the special tokens present
     * @param seen          the distinct tokens in order of first appearance, none a present special's text
     * @param seenCounts    the count of each, same length
     * @param specialCounts the count of each special token, in {@link SpecialToken} order (all four)
     * @param minCount      at least 1
     * @param maxSize       at most this many ids (special tokens included), 0 for no limit
     */
    static TokenTable fromCounts(Collection<SpecialToken> specials, List<String> seen, long[] seenCounts,
                                 long[] specialCounts, int minCount, int maxSize) {
        EnumSet<SpecialToken> set = specials.isEmpty() ? EnumSet.noneOf(SpecialToken.class) : EnumSet.copyOf(specials);
        Integer[] order = new Integer[seen.size()];
        int kept = 0;
        for (int i = 0; i < order.length; i++) {
            if (seenCounts[i] >= minCount) {
                order[kept++] = i;
            }
        }
        order = Arrays.copyOf(order, kept);
        Arrays.sort(order, (a, b) -> Long.compare(seenCounts[b], seenCounts[a]));   // stable: ties by first sight
        int n = maxSize > 0 ? Math.min(kept, maxSize - set.size()) : kept;
        List<String> tokens = new ArrayList<>(n);
        long[] counts = new long[set.size() + n];
        int id = 0;
        for (SpecialToken s : set) {
            counts[id++] = specialCounts[s.ordinal()];
        }
        for (int i = 0; i < n; i++) {
            tokens.add(seen.get(order[i]));
            counts[id++] = seenCounts[order[i]];
        }
        return new TokenTable(set, tokens, counts);
    }

    /** Checks the common settings of the vocabulary builders. */
    static void checkLimits(int minCount, int maxSize, int specialCount) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1 but was " + minCount);
        }
        if (maxSize < 0 || (maxSize > 0 && maxSize <= specialCount)) {
            throw new IllegalArgumentException("maxSize must be 0 (no limit) or more than the " + specialCount
                    + " special tokens but was " + maxSize);
        }
    }

    /** V, special tokens included. */
    int size() {
        return tokens.length;
    }

    /** The special tokens present, in id order. */
    List<SpecialToken> specials() {
        return specials;
    }

    /** The text of an id; IllegalArgumentException if out of range. */
    String token(int id) {
        checkId(id);
        return tokens[id];
    }

    /** The count of an id; IllegalArgumentException if out of range. */
    long count(int id) {
        checkId(id);
        return counts[id];
    }

    /** The id of a token (or of a present special token's text), or -1. */
    int indexOf(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** The id of {@code <unk>}, or -1 when absent. */
    int unk() {
        return unk;
    }

    /** The id of a special token, or -1 when absent. */
    int specialId(SpecialToken special) {
        Objects.requireNonNull(special, "special");
        return specials.indexOf(special);
    }

    /** The id of a special token; IllegalArgumentException when absent. */
    int requireSpecial(SpecialToken special) {
        int id = specialId(special);
        if (id < 0) {
            throw new IllegalArgumentException("the vocabulary has no " + special.text() + " (its special tokens: "
                    + texts(specials) + ")");
        }
        return id;
    }

    void checkId(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("id must be in [0, " + tokens.length + ") but was " + id);
        }
    }

    /** The texts of all ids, in id order. */
    List<String> tokens() {
        return Collections.unmodifiableList(Arrays.asList(tokens));
    }

    /** The tokens of ids S..V-1, in id order. */
    List<String> ordinaryTokens() {
        return tokens().subList(specials.size(), tokens.length);
    }

    // ---------------------------------------------------------------------------------------------- JSON

    /**
     * Writes the JSON form.
     *
     * @param kind        the vocabulary's kind, e.g. {@code "words"}
     * @param tokensField the name of the field of the ordinary tokens
     * @param writeTokens writes the ordinary tokens' array value
     */
    String toJson(String kind, String tokensField, Consumer<JsonWriter> writeTokens) {
        JsonWriter json = new JsonWriter().beginObject()
                .name("format").value(FORMAT)
                .name("version").value(VERSION)
                .name("kind").value(kind)
                .name("specials").beginArray();
        for (SpecialToken s : specials) {
            json.value(s.text());
        }
        json.endArray().name(tokensField);
        writeTokens.accept(json);
        json.name("counts").beginArray();
        for (long c : counts) {
            json.value(c);
        }
        return json.endArray().endObject().toString();
    }

    /**
     * What a vocabulary's JSON holds, read and checked for form (not yet for consistency).
     *
     * @param specials   the special tokens, in the file's order
     * @param tokens     the ordinary tokens when they are strings, else null
     * @param codePoints the ordinary tokens when they are code points, else null
     * @param counts     the counts, as listed
     */
    record Contents(List<SpecialToken> specials, List<String> tokens, int[] codePoints, long[] counts) {
    }

    /**
     * Reads the JSON form strictly (exactly the fields of the format, of the expected kind and version)
     * and makes the vocabulary.
     *
     * @param json        the text
     * @param source      names the text in messages, e.g. the file
     * @param kind        the expected kind
     * @param tokensField the name of the ordinary tokens' field
     * @param codePoints  whether that field holds code points (else strings)
     * @param build       makes the vocabulary of the contents; throws IllegalArgumentException if they are
     *                    inconsistent
     * @return the vocabulary
     * @throws VocabularyFormatException if anything is missing, extra, malformed, of another kind or
     *                                   inconsistent
     */
    static <V> V readJson(String json, String source, String kind, String tokensField, boolean codePoints,
                          Function<Contents, V> build) throws VocabularyFormatException {
        String format = null;
        Long version = null;
        String actualKind = null;
        List<SpecialToken> specials = null;
        List<String> tokens = null;
        int[] points = null;
        long[] counts = null;
        String unknown = null;
        try {
            JsonReader in = new JsonReader(json, source + ": ");
            in.beginObject();
            while (in.hasNext()) {
                String field = in.nextName();
                switch (field) {
                    case "format" -> format = in.nextString();
                    case "version" -> version = in.nextLong();
                    case "kind" -> actualKind = in.nextString();
                    case "specials" -> specials = readSpecials(in, source);
                    case "counts" -> counts = readLongs(in);
                    default -> {
                        if (!field.equals(tokensField)) {
                            unknown = unknown == null ? field : unknown;
                            in.skipValue();   // reported after the kind, which says more
                        } else if (codePoints) {
                            points = toCodePoints(readLongs(in), source);
                        } else {
                            tokens = readStrings(in);
                        }
                    }
                }
            }
            in.endObject();
            in.endDocument();
        } catch (JsonFormatException e) {
            throw new VocabularyFormatException(e.getMessage(), e);
        }
        if (!FORMAT.equals(format)) {
            throw new VocabularyFormatException(source + " is not a seq4j vocabulary: " + (format == null
                    ? "it has no 'format'" : "its format is '" + format + "', not '" + FORMAT + "'"));
        }
        if (version == null || version != VERSION) {
            throw new VocabularyFormatException(source + " has vocabulary version " + version
                    + "; this seq4j reads version " + VERSION);
        }
        if (!kind.equals(actualKind)) {
            throw new VocabularyFormatException(source + " is a vocabulary of " + actualKind + ", not of " + kind);
        }
        if (unknown != null) {
            throw new VocabularyFormatException(source + ": unknown field '" + unknown + "'");
        }
        String missing = specials == null ? "specials" : (tokens == null && points == null) ? tokensField
                : counts == null ? "counts" : null;
        if (missing != null) {
            throw new VocabularyFormatException(source + " has no '" + missing + "'");
        }
        try {
            return build.apply(new Contents(specials, tokens, points, counts));
        } catch (IllegalArgumentException e) {
            throw new VocabularyFormatException(source + " is not a consistent vocabulary: " + e.getMessage(), e);
        }
    }

    private static List<SpecialToken> readSpecials(JsonReader in, String source) throws JsonFormatException,
            VocabularyFormatException {
        List<SpecialToken> specials = new ArrayList<>();
        for (String text : readStrings(in)) {
            SpecialToken s = SpecialToken.ofText(text);
            if (s == null) {
                throw new VocabularyFormatException(source + ": unknown special token '" + text + "'");
            }
            if (!specials.isEmpty() && s.ordinal() <= specials.get(specials.size() - 1).ordinal()) {
                throw new VocabularyFormatException(source + ": special tokens must be listed once each, in the "
                        + "order " + texts(List.of(SpecialToken.values())) + ", but " + text + " follows "
                        + specials.get(specials.size() - 1).text());
            }
            specials.add(s);
        }
        return specials;
    }

    private static List<String> readStrings(JsonReader in) throws JsonFormatException {
        List<String> out = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            out.add(in.nextString());
        }
        in.endArray();
        return out;
    }

    private static long[] readLongs(JsonReader in) throws JsonFormatException {
        long[] out = new long[16];
        int n = 0;
        in.beginArray();
        while (in.hasNext()) {
            if (n == out.length) {
                out = Arrays.copyOf(out, 2 * n);
            }
            out[n++] = in.nextLong();
        }
        in.endArray();
        return Arrays.copyOf(out, n);
    }

    private static int[] toCodePoints(long[] values, String source) throws VocabularyFormatException {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > Character.MAX_CODE_POINT) {
                throw new VocabularyFormatException(source + ": code point " + i + " is " + values[i]
                        + ", not a Unicode code point");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    static String texts(List<SpecialToken> specials) {
        List<String> texts = new ArrayList<>();
        for (SpecialToken s : specials) {
            texts.add(s.text());
        }
        return texts.toString();
    }

    // ------------------------------------------------------------------------------------------ identity

    /** Equal when the same special tokens and tokens have the same ids (counts are not compared). */
    @Override
    public boolean equals(Object other) {
        return other instanceof TokenTable t && Arrays.equals(tokens, t.tokens) && specials.equals(t.specials);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + specials.hashCode();
    }
}
