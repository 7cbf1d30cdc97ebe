package org.seq4j.io;

/**
 * Writes compact JSON (no whitespace), as {@code serde_json} does for the safetensors reference writer.
 *
 * <p>Strings are escaped as JSON requires and as {@code serde_json} and Python's {@code json} module do:
 * {@code \"}, {@code \\}, {@code \b}, {@code \f}, {@code \n}, {@code \r}, {@code \t}, other control
 * characters below U+0020 as <code>&#92;u00XX</code>; everything else, including non-ASCII text, is written as is
 * (and becomes UTF-8 when the result is encoded). Strings must be well-formed UTF-16 (no unpaired
 * surrogates); callers check that with {@link #firstUnpairedSurrogate(String)}.
 *
 * <p>Commas and colons are placed automatically; the caller is responsible for balanced
 * {@code begin/end} calls and for giving each value in an object a {@link #name(String)}.
 */
final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int MESSAGE_STRING_LIMIT = 80;

    private final StringBuilder out = new StringBuilder();

    /** Writes <code>{</code>. */
    JsonWriter beginObject() {
        separate();
        out.append('{');
        return this;
    }

    /** Writes <code>}</code>. */
    JsonWriter endObject() {
        out.append('}');
        return this;
    }

    /** Writes {@code [}. */
    JsonWriter beginArray() {
        separate();
        out.append('[');
        return this;
    }

    /** Writes {@code ]}. */
    JsonWriter endArray() {
        out.append(']');
        return this;
    }

    /** Writes an object key and its colon. */
    JsonWriter name(String key) {
        separate();
        appendQuoted(out, key);
        out.append(':');
        return this;
    }

    /** Writes a string value. */
    JsonWriter value(String value) {
        separate();
        appendQuoted(out, value);
        return this;
    }

    /** Writes an integer value. */
    JsonWriter value(long value) {
        separate();
        out.append(value);
        return this;
    }

    /** The JSON written so far. */
    @Override
    public String toString() {
        return out.toString();
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
