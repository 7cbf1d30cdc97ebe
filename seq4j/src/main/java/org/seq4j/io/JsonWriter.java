package org.seq4j.io;

/**
 * Writes compact JSON (no whitespace), as {@code serde_json} does for the safetensors reference writer:
 * the one JSON writer of seq4j, for safetensors headers, checkpoint metadata and vocabulary files.
 *
 * <p>Strings are escaped as JSON requires and as {@code serde_json} and Python's {@code json} module do:
 * {@code \"}, {@code \\}, {@code \b}, {@code \f}, {@code \n}, {@code \r}, {@code \t}, other control
 * characters below U+0020 as <code>&#92;u00XX</code>; everything else, including non-ASCII text, is written as is
 * (and becomes UTF-8 when the result is encoded). Numbers are written as {@link Long#toString(long)},
 * {@link Double#toString(double)} and {@link Float#toString(float)} write them, which
 * {@link JsonReader#nextDouble()} and {@link JsonReader#nextFloat()} read back bit for bit.
 *
 * <p>Commas and colons are placed automatically. The writer checks the structure as it goes: a value
 * inside an object must follow its {@link #name(String)}, a name must be inside an object, a container
 * must be closed by its own kind of bracket, and a document has one top-level value; a call that breaks
 * this throws {@link IllegalStateException}, so that what is written is always a prefix of valid JSON.
 *
 * <pre>{@code
 * String json = new JsonWriter().beginObject().name("cell").value("LSTM").name("dropout").value(0.1f)
 *         .name("sizes").beginArray().value(1).value(2).endArray().endObject().toString();
 * // {"cell":"LSTM","dropout":0.1,"sizes":[1,2]}
 * }</pre>
 */
public final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int MESSAGE_STRING_LIMIT = 80;

    private final StringBuilder out = new StringBuilder();
    /** openObjects[d]: whether the container at depth d is an object (else an array). */
    private boolean[] openObjects = new boolean[8];
    private int depth;
    /** Inside an object: a name was written and its value has not been. */
    private boolean afterName;
    private boolean topLevelDone;

    /** Creates a writer of an empty document. */
    public JsonWriter() {
    }

    /**
     * Writes <code>{</code>.
     *
     * @return this writer
     * @throws IllegalStateException if no value may be written here
     */
    public JsonWriter beginObject() {
        beforeValue();
        separate();
        out.append('{');
        push(true);
        return this;
    }

    /**
     * Writes <code>}</code>.
     *
     * @return this writer
     * @throws IllegalStateException if the innermost open container is not an object, or a name awaits
     *                               its value
     */
    public JsonWriter endObject() {
        pop(true);
        out.append('}');
        return this;
    }

    /**
     * Writes {@code [}.
     *
     * @return this writer
     * @throws IllegalStateException if no value may be written here
     */
    public JsonWriter beginArray() {
        beforeValue();
        separate();
        out.append('[');
        push(false);
        return this;
    }

    /**
     * Writes {@code ]}.
     *
     * @return this writer
     * @throws IllegalStateException if the innermost open container is not an array
     */
    public JsonWriter endArray() {
        pop(false);
        out.append(']');
        return this;
    }

    /**
     * Writes an object key and its colon.
     *
     * @param key the key
     * @return this writer
     * @throws IllegalArgumentException if the key has an unpaired surrogate (UTF-8 cannot encode it)
     * @throws IllegalStateException    if not inside an object, or the previous name has no value yet
     */
    public JsonWriter name(String key) {
        if (depth == 0 || !openObjects[depth - 1] || afterName) {
            throw new IllegalStateException(depth == 0 || !openObjects[depth - 1]
                    ? "a name must be inside an object" : "the previous name has no value yet");
        }
        checkWellFormed(key, "key");
        separate();
        appendQuoted(out, key);
        out.append(':');
        afterName = true;
        return this;
    }

    /**
     * Writes a string value.
     *
     * @param value the string
     * @return this writer
     * @throws IllegalArgumentException if the string has an unpaired surrogate (UTF-8 cannot encode it)
     * @throws IllegalStateException    if no value may be written here
     */
    public JsonWriter value(String value) {
        checkWellFormed(value, "string");
        beforeValue();
        separate();
        appendQuoted(out, value);
        return this;
    }

    /**
     * Writes an integer value.
     *
     * @param value the integer
     * @return this writer
     * @throws IllegalStateException if no value may be written here
     */
    public JsonWriter value(long value) {
        beforeValue();
        separate();
        out.append(value);
        return this;
    }

    /**
     * Writes a number as {@link Double#toString(double)} does, e.g. {@code 0.002} or {@code 1.0E-8}.
     *
     * @param value a finite number
     * @return this writer
     * @throws IllegalArgumentException if the value is NaN or infinite (JSON has no such numbers)
     * @throws IllegalStateException    if no value may be written here
     */
    public JsonWriter value(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("JSON has no number " + value);
        }
        beforeValue();
        separate();
        out.append(value);
        return this;
    }

    /**
     * Writes a number as {@link Float#toString(float)} does, e.g. {@code 0.1}: the shortest decimal that
     * reads back as the same float.
     *
     * @param value a finite number
     * @return this writer
     * @throws IllegalArgumentException if the value is NaN or infinite (JSON has no such numbers)
     * @throws IllegalStateException    if no value may be written here
     */
    public JsonWriter value(float value) {
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("JSON has no number " + value);
        }
        beforeValue();
        separate();
        out.append(value);
        return this;
    }

    /**
     * Writes {@code true} or {@code false}.
     *
     * @param value the boolean
     * @return this writer
     * @throws IllegalStateException if no value may be written here
     */
    public JsonWriter value(boolean value) {
        beforeValue();
        separate();
        out.append(value);
        return this;
    }

    /**
     * Writes {@code null}.
     *
     * @return this writer
     * @throws IllegalStateException if no value may be written here
     */
    public JsonWriter nullValue() {
        beforeValue();
        separate();
        out.append("null");
        return this;
    }

    /**
     * The JSON written so far: a whole document once the top-level value is complete.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return out.toString();
    }

    /** Checks that a value may come here and records that one does. */
    private void beforeValue() {
        if (depth == 0) {
            if (topLevelDone) {
                throw new IllegalStateException("a JSON document has one top-level value");
            }
            topLevelDone = true;
        } else if (openObjects[depth - 1]) {
            if (!afterName) {
                throw new IllegalStateException("a value inside an object must follow its name");
            }
            afterName = false;
        }
    }

    private void push(boolean object) {
        if (depth == openObjects.length) {
            openObjects = java.util.Arrays.copyOf(openObjects, 2 * depth);
        }
        openObjects[depth++] = object;
    }

    private void pop(boolean object) {
        if (depth == 0 || openObjects[depth - 1] != object) {
            throw new IllegalStateException("end" + (object ? "Object" : "Array") + "() but the innermost open "
                    + "container is " + (depth == 0 ? "none" : openObjects[depth - 1] ? "an object" : "an array"));
        }
        if (afterName) {
            throw new IllegalStateException("endObject() after a name without its value");
        }
        depth--;
    }

    private static void checkWellFormed(String s, String what) {
        int bad = firstUnpairedSurrogate(s);
        if (bad >= 0) {
            throw new IllegalArgumentException("the " + what + " " + quoteForMessage(s)
                    + " has an unpaired surrogate at index " + bad);
        }
    }

    /** Writes a comma unless the previous token opens a container or ends a key. */
    private void separate() {
        if (out.length() == 0) {
            return;
        }
        char last = out.charAt(out.length() - 1);
        if (last != '{' && last != '[' && last != ':') {
            out.append(',');
        }
    }

    /** Appends {@code s} as a quoted, escaped JSON string. */
    static void appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    /**
     * Quotes a string for an error message: JSON-escaped, and shortened to its first characters if long,
     * so that a hostile name cannot flood a log.
     */
    static String quoteForMessage(String s) {
        StringBuilder sb = new StringBuilder();
        if (s.length() <= MESSAGE_STRING_LIMIT) {
            appendQuoted(sb, s);
        } else {
            int cut = MESSAGE_STRING_LIMIT;
            if (Character.isHighSurrogate(s.charAt(cut - 1))) {
                cut--;
            }
            appendQuoted(sb, s.substring(0, cut));
            sb.append("...(").append(s.length()).append(" chars)");
        }
        return sb.toString();
    }

    /**
     * The index of the first unpaired surrogate in {@code s}, which UTF-8 cannot encode.
     *
     * @return the index, or -1 if {@code s} is well-formed UTF-16
     */
    static int firstUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
