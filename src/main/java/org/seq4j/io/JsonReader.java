package org.seq4j.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small, strict pull parser for the JSON of a safetensors header, reading UTF-8 bytes.
 *
 * <p>It accepts objects, arrays, strings (with every JSON escape, including <code>&#92;uXXXX</code> surrogate
 * pairs) and integers that fit in a {@code long}. It rejects, with a message giving the header byte
 * offset: numbers with a fraction or an exponent, {@code true}, {@code false} and {@code null}, leading
 * zeros, trailing commas, unescaped control characters, invalid UTF-8, unpaired surrogates, duplicate
 * keys within one object and anything after the top-level value.
 *
 * <p>The caller walks the document with {@link #peek()}, {@code begin/end} and {@code next} calls in the
 * order of the expected schema, so that a value of the wrong type is reported as soon as it is seen and no
 * tree is built: memory stays proportional to what the caller keeps. Calling a method that the document
 * position does not allow (for example {@link #nextName()} inside an array) is a programming error and
 * throws {@link IllegalStateException}; every problem in the input throws
 * {@link SafetensorsFormatException}.
 */
final class JsonReader {

    /** The type of the next value. */
    enum Kind {
        OBJECT("an object"),
        ARRAY("an array"),
        STRING("a string"),
        INTEGER("an integer");

        private final String withArticle;

        Kind(String withArticle) {
            this.withArticle = withArticle;
        }

        /** The kind with its article, for messages: {@code "an array"}. */
        String withArticle() {
            return withArticle;
        }
    }

    /** Where the parser stands inside one open object or array. */
    private enum State {
        /** Just after the opening bracket. */
        FIRST,
        /** After a comma, or after {@link #hasNext()} returned true: an element must follow. */
        READY,
        /** After a key and its colon: the key's value must follow. */
        AFTER_NAME,
        /** After an element: a comma or the closing bracket must follow. */
        AFTER_VALUE
    }

    private static final class Scope {
        final boolean object;
        final Set<String> keys;
        State state = State.FIRST;

        Scope(boolean object) {
            this.object = object;
            this.keys = object ? new HashSet<>() : null;
        }
    }

    private final byte[] in;
    private final String errorPrefix;
    private final List<Scope> scopes = new ArrayList<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;
    private boolean topLevelDone;

    /**
     * Creates a reader over a whole document.
     *
     * @param in          the UTF-8 bytes of the document; not modified, not copied
     * @param errorPrefix put in front of every error message, e.g. the name of the file
     */
    JsonReader(byte[] in, String errorPrefix) {
        this.in = in;
        this.errorPrefix = errorPrefix;
    }

    /** The byte offset of the next unread byte. */
    int position() {
        return pos;
    }

    /**
     * The type of the next value, after skipping whitespace.
     *
     * @throws SafetensorsFormatException if no value can start here
     */
    Kind peek() throws SafetensorsFormatException {
        checkValueAllowed();
        skipWhitespace();
        if (pos >= in.length) {
            throw error("unexpected end of the header, expected a value");
        }
        int b = in[pos] & 0xFF;
        switch (b) {
            case '{':
                return Kind.OBJECT;
            case '[':
                return Kind.ARRAY;
            case '"':
                return Kind.STRING;
            case '-':
                return Kind.INTEGER;
            case 't':
            case 'f':
            case 'n':
                throw error("true, false and null are not allowed in a safetensors header, found "
                        + describeByte(pos));
            default:
                if (b >= '0' && b <= '9') {
                    return Kind.INTEGER;
                }
                throw error("expected a value but found " + describeByte(pos));
        }
    }

    /** Consumes the {@code [} of an array. */
    void beginArray() throws SafetensorsFormatException {
        begin(false);
    }

    /** Consumes the {@code ]} of the current array; {@link #hasNext()} must have returned false. */
    void endArray() throws SafetensorsFormatException {
        end(false);
    }

    /** Consumes the <code>{</code> of an object. */
    void beginObject() throws SafetensorsFormatException {
        begin(true);
    }

    /** Consumes the <code>}</code> of the current object; {@link #hasNext()} must have returned false. */
    void endObject() throws SafetensorsFormatException {
        end(true);
    }

    /**
     * Whether the current object or array has another element; consumes the separating comma.
     *
     * @throws SafetensorsFormatException if neither a comma nor the closing bracket follows an element
     */
    boolean hasNext() throws SafetensorsFormatException {
        Scope scope = currentScope();
        char close = scope.object ? '}' : ']';
        skipWhitespace();
        switch (scope.state) {
            case FIRST:
                if (pos < in.length && in[pos] == close) {
                    return false;
                }
                scope.state = State.READY;
                return true;
            case AFTER_VALUE:
                if (pos < in.length && in[pos] == ',') {
                    pos++;
                    scope.state = State.READY;
                    return true;
                }
                if (pos < in.length && in[pos] == close) {
                    return false;
                }
                throw error("expected ',' or '" + close + "' but found " + describeByte(pos));
            case READY:
                return true;
            default:
                throw new IllegalStateException("hasNext() called between a key and its value");
        }
    }

    /**
     * Reads the next key of the current object and its colon.
     *
     * @throws SafetensorsFormatException if no string key follows, or the object already has this key
     */
    String nextName() throws SafetensorsFormatException {
        Scope scope = currentScope();
        if (!scope.object || scope.state != State.READY) {
            throw new IllegalStateException("nextName() requires hasNext() to be true inside an object");
        }
        skipWhitespace();
        int keyStart = pos;
        if (pos >= in.length || in[pos] != '"') {
            throw error("expected a string key but found " + describeByte(pos));
        }
        String key = readString();
        skipWhitespace();
        if (pos >= in.length || in[pos] != ':') {
            throw error("expected ':' after key " + JsonWriter.quoteForMessage(key) + " but found "
                    + describeByte(pos));
        }
        pos++;
        if (!scope.keys.add(key)) {
            throw error("duplicate key " + JsonWriter.quoteForMessage(key), keyStart);
        }
        scope.state = State.AFTER_NAME;
        return key;
    }

    /**
     * Reads a string value.
     *
     * @throws SafetensorsFormatException if the next value is not a well-formed string
     */
    String nextString() throws SafetensorsFormatException {
        if (peek() != Kind.STRING) {
            throw error("expected a string but found " + describeByte(pos));
        }
        String value = readString();
        valueDone();
        return value;
    }

    /**
     * Reads an integer value.
     *
     * @throws SafetensorsFormatException if the next value is not an integer within the range of a long
     */
    long nextLong() throws SafetensorsFormatException {
        if (peek() != Kind.INTEGER) {
            throw error("expected an integer but found " + describeByte(pos));
        }
        int start = pos;
        boolean negative = in[pos] == '-';
        if (negative) {
            pos++;
        }
        if (pos >= in.length || !isDigit(in[pos])) {
            throw error("expected a digit after '-' but found " + describeByte(pos));
        }
        if (in[pos] == '0' && pos + 1 < in.length && isDigit(in[pos + 1])) {
            throw error("integer with a leading zero", start);
        }
        long value = 0;
        while (pos < in.length && isDigit(in[pos])) {
            int digit = in[pos] - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                throw error("integer out of range (more than " + Long.MAX_VALUE + " in magnitude)", start);
            }
            value = value * 10 + digit;
            pos++;
        }
        if (pos < in.length && (in[pos] == '.' || in[pos] == 'e' || in[pos] == 'E')) {
            throw error("number with a fraction or an exponent; only integers are allowed", start);
        }
        valueDone();
        return negative ? -value : value;
    }

    /**
     * Checks that only whitespace follows the top-level value.
     *
     * @throws SafetensorsFormatException if anything else follows
     */
    void endDocument() throws SafetensorsFormatException {
        if (!topLevelDone || !scopes.isEmpty()) {
            throw new IllegalStateException("endDocument() before the top-level value was read");
        }
        skipWhitespace();
        if (pos < in.length) {
            throw error("unexpected " + describeByte(pos) + " after the end of the top-level value");
        }
    }

    // ------------------------------------------------------------------------------------------------

    private void begin(boolean object) throws SafetensorsFormatException {
        Kind expected = object ? Kind.OBJECT : Kind.ARRAY;
        if (peek() != expected) {
            throw error("expected " + expected.withArticle() + " but found " + describeByte(pos));
        }
        pos++;
        scopes.add(new Scope(object));
    }

    private void end(boolean object) throws SafetensorsFormatException {
        Scope scope = currentScope();
        if (scope.object != object || scope.state == State.READY || scope.state == State.AFTER_NAME) {
            throw new IllegalStateException("end" + (object ? "Object" : "Array")
                    + "() requires hasNext() to be false inside an " + (object ? "object" : "array"));
        }
        char close = object ? '}' : ']';
        skipWhitespace();
        if (pos >= in.length || in[pos] != close) {
            throw error("expected '" + close + "' but found " + describeByte(pos));
        }
        pos++;
        scopes.remove(scopes.size() - 1);
        valueDone();
    }

    private Scope currentScope() {
        if (scopes.isEmpty()) {
            throw new IllegalStateException("not inside an object or array");
        }
        return scopes.get(scopes.size() - 1);
    }

    private void checkValueAllowed() {
        if (scopes.isEmpty()) {
            if (topLevelDone) {
                throw new IllegalStateException("the top-level value was already read");
            }
            return;
        }
        Scope scope = currentScope();
        State required = scope.object ? State.AFTER_NAME : State.READY;
        if (scope.state != required) {
            throw new IllegalStateException(scope.object
                    ? "a value inside an object must follow nextName()"
                    : "a value inside an array must follow hasNext() returning true");
        }
    }

    private void valueDone() {
        if (scopes.isEmpty()) {
            topLevelDone = true;
        } else {
            currentScope().state = State.AFTER_VALUE;
        }
    }

    /** Reads a string whose opening quote is at {@code pos}; leaves {@code pos} after the closing quote. */
    private String readString() throws SafetensorsFormatException {
        int start = pos;
        pos++;
        StringBuilder out = new StringBuilder();
        int runStart = pos;
        while (true) {
            if (pos >= in.length) {
                throw error("unterminated string", start);
            }
            int b = in[pos] & 0xFF;
            if (b == '"') {
                appendRun(out, runStart, pos);
                pos++;
                return out.toString();
            } else if (b == '\\') {
                appendRun(out, runStart, pos);
                readEscape(out);
                runStart = pos;
            } else if (b < 0x20) {
                throw error("unescaped control character " + describeByte(pos) + " in a string");
            } else {
                pos++;
            }
        }
    }

    /** Appends {@code in[from, to)}, which holds no quote, backslash or control byte, decoded as UTF-8. */
    private void appendRun(StringBuilder out, int from, int to) throws SafetensorsFormatException {
        boolean ascii = true;
        for (int i = from; i < to && ascii; i++) {
            ascii = in[i] >= 0;
        }
        if (ascii) {
            for (int i = from; i < to; i++) {
                out.append((char) in[i]);
            }
            return;
        }
        try {
            out.append(utf8.decode(ByteBuffer.wrap(in, from, to - from)));
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(errorPrefix
                    + "invalid UTF-8 in the string part starting at header byte " + from, e);
        }
    }

    /** Reads the escape whose backslash is at {@code pos}. */
    private void readEscape(StringBuilder out) throws SafetensorsFormatException {
        int start = pos;
        pos++;
        if (pos >= in.length) {
            throw error("unterminated escape sequence", start);
        }
        byte c = in[pos++];
        switch (c) {
            case '"':
                out.append('"');
                break;
            case '\\':
                out.append('\\');
                break;
            case '/':
                out.append('/');
                break;
            case 'b':
                out.append('\b');
                break;
            case 'f':
                out.append('\f');
                break;
            case 'n':
                out.append('\n');
                break;
            case 'r':
                out.append('\r');
                break;
            case 't':
                out.append('\t');
                break;
            case 'u':
                char unit = readHex4(start);
                if (Character.isHighSurrogate(unit)) {
                    int lowStart = pos;
                    if (pos + 1 < in.length && in[pos] == '\\' && in[pos + 1] == 'u') {
                        pos += 2;
                        char low = readHex4(lowStart);
                        if (!Character.isLowSurrogate(low)) {
                            throw error("high surrogate \\u" + hex(unit) + " is not followed by a low surrogate",
                                    start);
                        }
                        out.append(unit).append(low);
                    } else {
                        throw error("high surrogate \\u" + hex(unit) + " is not followed by a low surrogate",
                                start);
                    }
                } else if (Character.isLowSurrogate(unit)) {
                    throw error("low surrogate \\u" + hex(unit) + " without a preceding high surrogate", start);
                } else {
                    out.append(unit);
                }
                break;
            default:
                throw error("invalid escape sequence '\\" + (c >= 0x20 && c < 0x7F ? (char) c : '?') + "'",
                        start);
        }
    }

    /** Reads the four hex digits after a <code>&#92;u</code>; {@code escapeStart} is where the escape began. */
    private char readHex4(int escapeStart) throws SafetensorsFormatException {
        if (pos + 4 > in.length) {
            throw error("truncated \\u escape", escapeStart);
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(in[pos + i] & 0xFF, 16);
            if (digit < 0 || in[pos + i] < 0) {
                throw error("\\u escape needs four hex digits", escapeStart);
            }
            value = (value << 4) | digit;
        }
        pos += 4;
        return (char) value;
    }

    private void skipWhitespace() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            pos++;
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    /** Describes the byte at {@code at} for a message, with its offset. */
    private String describeByte(int at) {
        if (at >= in.length) {
            return "the end of the header (header byte " + at + ")";
        }
        int b = in[at] & 0xFF;
        String what = b > 0x20 && b < 0x7F ? "'" + (char) b + "'" : String.format("byte 0x%02X", b);
        return what + " at header byte " + at;
    }

    private SafetensorsFormatException error(String message) {
        return new SafetensorsFormatException(errorPrefix + message);
    }

    private SafetensorsFormatException error(String message, int at) {
        return new SafetensorsFormatException(errorPrefix + message + " at header byte " + at);
    }
}
