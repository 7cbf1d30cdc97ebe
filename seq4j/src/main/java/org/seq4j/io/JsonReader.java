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
 * A strict pull parser for JSON (RFC 8259) in UTF-8: the one JSON reader of seq4j, used for safetensors
 * headers, checkpoint metadata and vocabulary files.
 *
 * <p>It accepts exactly the JSON texts of RFC 8259 (any value at the top level, surrounded by optional
 * whitespace) and rejects everything the RFC's grammar rejects, with a message giving the byte offset:
 * numbers with a leading zero ({@code 00}, {@code 01}, {@code -01}), a leading {@code +} or {@code .},
 * a {@code .} or an exponent without digits, {@code NaN} and {@code Infinity}; literals other than
 * {@code true}, {@code false} and {@code null}; single quotes, comments, trailing commas, missing
 * commas or colons; unescaped control characters and invalid escapes in strings; invalid UTF-8 (and a
 * byte-order mark); and anything after the top-level value. Where the RFC leaves the choice to the
 * parser, it also rejects: duplicate keys within one object, unpaired surrogates in <code>&#92;u</code>
 * escapes (which no UTF-8 text can hold), integers beyond the range of a {@code long}
 * ({@link #nextLong()}) and numbers beyond the range of a {@code double} ({@link #nextDouble()}).
 * Numbers can also be read as their literal text ({@link #nextNumber()}), so that a value written with
 * {@link Double#toString(double)} or {@link Float#toString(float)} reads back bit for bit.
 *
 * <p>The caller walks the document with {@link #peek()}, {@code begin/end} and {@code next} calls in the
 * order of the expected schema, so that a value of the wrong type is reported as soon as it is seen and no
 * tree is built: memory stays proportional to what the caller keeps, and nesting depth costs no stack.
 * Calling a method that the document position does not allow (for example {@link #nextName()} inside an
 * array) is a programming error and throws {@link IllegalStateException}; every problem in the input
 * throws {@link JsonFormatException}.
 *
 * <pre>{@code
 * JsonReader json = new JsonReader("{\"name\":\"x\",\"sizes\":[1,2]}", "config: ");
 * json.beginObject();
 * while (json.hasNext()) {
 *     switch (json.nextName()) {
 *         case "name" -> name = json.nextString();
 *         case "sizes" -> { json.beginArray(); while (json.hasNext()) { sizes.add(json.nextInt()); } json.endArray(); }
 *         default -> json.skipValue();
 *     }
 * }
 * json.endObject();
 * json.endDocument();
 * }</pre>
 */
public final class JsonReader {

    /** The type of the next value. */
    public enum Kind {
        /** An object, <code>{...}</code>. */
        OBJECT("an object"),
        /** An array, {@code [...]}. */
        ARRAY("an array"),
        /** A string. */
        STRING("a string"),
        /** A number. */
        NUMBER("a number"),
        /** {@code true} or {@code false}. */
        BOOLEAN("a boolean"),
        /** {@code null}. */
        NULL("null");

        private final String withArticle;

        Kind(String withArticle) {
            this.withArticle = withArticle;
        }

        /**
         * The kind with its article, for messages.
         *
         * @return e.g. {@code "an array"}
         */
        public String withArticle() {
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
    /** Names the input in messages: "header" gives "at header byte 5", "the end of the header". */
    private final String documentName;
    private final List<Scope> scopes = new ArrayList<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;
    private boolean topLevelDone;

    /**
     * Creates a reader over a whole document.
     *
     * @param utf8        the UTF-8 bytes of the document; not modified, not copied
     * @param errorPrefix put in front of every error message, e.g. the name of the file and a colon
     */
    public JsonReader(byte[] utf8, String errorPrefix) {
        this(utf8, errorPrefix, "");
    }

    /**
     * Creates a reader over a whole document given as text; offsets in messages count its UTF-8 bytes.
     *
     * @param json        the document
     * @param errorPrefix put in front of every error message, e.g. the name of the file and a colon
     */
    public JsonReader(String json, String errorPrefix) {
        this(json.getBytes(StandardCharsets.UTF_8), errorPrefix, "");
    }

    /**
     * Creates a reader whose messages name the document, e.g. "at header byte 5".
     *
     * @param documentName what the input is, e.g. {@code "header"}; empty for plain "byte 5"
     */
    JsonReader(byte[] in, String errorPrefix, String documentName) {
        this.in = in;
        this.errorPrefix = errorPrefix;
        this.documentName = documentName;
    }

    /**
     * The byte offset of the next unread byte.
     *
     * @return the offset, from 0
     */
    public int position() {
        return pos;
    }

    /**
     * The type of the next value, after skipping whitespace; reads nothing else.
     *
     * @return the kind of the value that starts at {@link #position()}
     * @throws JsonFormatException if no value can start here
     */
    public Kind peek() throws JsonFormatException {
        checkValueAllowed();
        skipWhitespace();
        if (pos >= in.length) {
            throw error("unexpected end of the " + documentNoun() + ", expected a value");
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
                return Kind.NUMBER;
            case 't':
            case 'f':
                return Kind.BOOLEAN;
            case 'n':
                return Kind.NULL;
            default:
                if (b >= '0' && b <= '9') {
                    return Kind.NUMBER;
                }
                throw error("expected a value but found " + describeByte(pos));
        }
    }

    /**
     * Consumes the {@code [} of an array.
     *
     * @throws JsonFormatException if the next value is not an array
     */
    public void beginArray() throws JsonFormatException {
        begin(false);
    }

    /**
     * Consumes the {@code ]} of the current array; {@link #hasNext()} must have returned false.
     *
     * @throws JsonFormatException if the array does not end here
     */
    public void endArray() throws JsonFormatException {
        end(false);
    }

    /**
     * Consumes the <code>{</code> of an object.
     *
     * @throws JsonFormatException if the next value is not an object
     */
    public void beginObject() throws JsonFormatException {
        begin(true);
    }

    /**
     * Consumes the <code>}</code> of the current object; {@link #hasNext()} must have returned false.
     *
     * @throws JsonFormatException if the object does not end here
     */
    public void endObject() throws JsonFormatException {
        end(true);
    }

    /**
     * Whether the current object or array has another element; consumes the separating comma.
     *
     * @return true if an element (in an object: a key) follows
     * @throws JsonFormatException if neither a comma nor the closing bracket follows an element
     */
    public boolean hasNext() throws JsonFormatException {
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
     * @return the key
     * @throws JsonFormatException if no string key follows, or the object already has this key
     */
    public String nextName() throws JsonFormatException {
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
     * @return the string
     * @throws JsonFormatException if the next value is not a well-formed string
     */
    public String nextString() throws JsonFormatException {
        expectKind(Kind.STRING);
        String value = readString();
        valueDone();
        return value;
    }

    /**
     * Reads {@code true} or {@code false}.
     *
     * @return the value
     * @throws JsonFormatException if the next value is not one of these literals
     */
    public boolean nextBoolean() throws JsonFormatException {
        expectKind(Kind.BOOLEAN);
        boolean value = in[pos] == 't';
        readLiteral(value ? "true" : "false");
        valueDone();
        return value;
    }

    /**
     * Reads {@code null}.
     *
     * @throws JsonFormatException if the next value is not {@code null}
     */
    public void nextNull() throws JsonFormatException {
        expectKind(Kind.NULL);
        readLiteral("null");
        valueDone();
    }

    /**
     * Reads a number as its literal text, checked against the JSON grammar.
     *
     * @return the literal, e.g. {@code -0.002} or {@code 1E+30}; {@link Double#parseDouble(String)},
     *         {@link Float#parseFloat(String)} and {@link java.math.BigDecimal#BigDecimal(String)} accept it
     * @throws JsonFormatException if the next value is not a well-formed number
     */
    public String nextNumber() throws JsonFormatException {
        expectKind(Kind.NUMBER);
        int start = pos;
        scanNumber();
        valueDone();
        return new String(in, start, pos - start, StandardCharsets.US_ASCII);
    }

    /**
     * Reads an integer that fits in a {@code long} (the range of the magnitude: up to
     * {@link Long#MAX_VALUE}).
     *
     * @return the value
     * @throws JsonFormatException if the next value is not a number, has a fraction or an exponent, or is
     *                             out of range
     */
    public long nextLong() throws JsonFormatException {
        expectKind(Kind.NUMBER);
        int start = pos;
        if (scanNumber()) {
            throw error("number with a fraction or an exponent; only integers are allowed", start);
        }
        int i = start;
        boolean negative = in[i] == '-';
        if (negative) {
            i++;
        }
        long value = 0;
        for (; i < pos; i++) {
            int digit = in[i] - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                throw error("integer out of range (more than " + Long.MAX_VALUE + " in magnitude)", start);
            }
            value = value * 10 + digit;
        }
        valueDone();
        return negative ? -value : value;
    }

    /**
     * Reads an integer that fits in an {@code int}.
     *
     * @return the value
     * @throws JsonFormatException if the next value is not a number, has a fraction or an exponent, or is
     *                             out of the range of an {@code int}
     */
    public int nextInt() throws JsonFormatException {
        int start = skipWhitespaceFrom(pos);
        long value = nextLong();
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw error("integer " + value + " out of the range of an int", start);
        }
        return (int) value;
    }

    /**
     * Reads a number as the nearest {@code double} ({@link Double#parseDouble(String)} of its literal).
     *
     * @return the value, finite
     * @throws JsonFormatException if the next value is not a number, or is too large for a double
     */
    public double nextDouble() throws JsonFormatException {
        int start = skipWhitespaceFrom(pos);
        double value = Double.parseDouble(nextNumber());
        if (Double.isInfinite(value)) {
            throw error("number out of the range of a double", start);
        }
        return value;
    }

    /**
     * Reads a number as the nearest {@code float} ({@link Float#parseFloat(String)} of its literal).
     *
     * @return the value, finite
     * @throws JsonFormatException if the next value is not a number, or is too large for a float
     */
    public float nextFloat() throws JsonFormatException {
        int start = skipWhitespaceFrom(pos);
        float value = Float.parseFloat(nextNumber());
        if (Float.isInfinite(value)) {
            throw error("number out of the range of a float", start);
        }
        return value;
    }

    /**
     * Reads and discards the next value, with everything nested in it (checking it as strictly as the
     * other reads).
     *
     * @throws JsonFormatException if the value is malformed
     */
    public void skipValue() throws JsonFormatException {
        int depth = 0;
        while (true) {
            switch (peek()) {
                case OBJECT -> {
                    beginObject();
                    depth++;
                }
                case ARRAY -> {
                    beginArray();
                    depth++;
                }
                case STRING -> nextString();
                case NUMBER -> nextNumber();
                case BOOLEAN -> nextBoolean();
                case NULL -> nextNull();
            }
            // close the containers that are complete; stop before the next value to read
            while (depth > 0) {
                if (hasNext()) {
                    if (currentScope().object) {
                        nextName();
                    }
                    break;
                }
                end(currentScope().object);
                depth--;
            }
            if (depth == 0) {
                return;
            }
        }
    }

    /**
     * Checks that only whitespace follows the top-level value.
     *
     * @throws JsonFormatException if anything else follows
     */
    public void endDocument() throws JsonFormatException {
        if (!topLevelDone || !scopes.isEmpty()) {
            throw new IllegalStateException("endDocument() before the top-level value was read");
        }
        skipWhitespace();
        if (pos < in.length) {
            throw error("unexpected " + describeByte(pos) + " after the end of the top-level value");
        }
    }

    // ------------------------------------------------------------------------------------------------

    private void begin(boolean object) throws JsonFormatException {
        expectKind(object ? Kind.OBJECT : Kind.ARRAY);
        pos++;
        scopes.add(new Scope(object));
    }

    private void end(boolean object) throws JsonFormatException {
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
    private String readString() throws JsonFormatException {
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
    private void appendRun(StringBuilder out, int from, int to) throws JsonFormatException {
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
            throw new JsonFormatException(errorPrefix
                    + "invalid UTF-8 in the string part starting at " + place() + from, e);
        }
    }

    /** Reads the escape whose backslash is at {@code pos}. */
    private void readEscape(StringBuilder out) throws JsonFormatException {
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
    private char readHex4(int escapeStart) throws JsonFormatException {
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

    /** Checks that the next value is of the given kind; leaves {@code pos} at its first byte. */
    private void expectKind(Kind kind) throws JsonFormatException {
        if (peek() != kind) {
            throw error("expected " + kind.withArticle() + " but found " + describeByte(pos));
        }
    }

    /** Reads the literal {@code true}, {@code false} or {@code null} that starts at {@code pos}. */
    private void readLiteral(String literal) throws JsonFormatException {
        int start = pos;
        for (int i = 0; i < literal.length(); i++) {
            if (pos + i >= in.length || in[pos + i] != literal.charAt(i)) {
                throw error("invalid literal (expected " + literal + ")", start);
            }
        }
        pos += literal.length();
    }

    /**
     * Reads a number that starts at {@code pos} following RFC 8259's grammar,
     * {@code [-] (0 | [1-9][0-9]*) [. [0-9]+] [(e|E) [+|-] [0-9]+]}; leaves {@code pos} after it.
     *
     * @return whether it has a fraction or an exponent
     */
    private boolean scanNumber() throws JsonFormatException {
        int start = pos;
        if (in[pos] == '-') {
            pos++;
        }
        if (pos >= in.length || !isDigit(in[pos])) {
            throw error("expected a digit after '-' but found " + describeByte(pos));
        }
        if (in[pos] == '0' && pos + 1 < in.length && isDigit(in[pos + 1])) {
            throw error("number with a leading zero", start);
        }
        skipDigits();
        boolean fractionOrExponent = false;
        if (pos < in.length && in[pos] == '.') {
            pos++;
            if (pos >= in.length || !isDigit(in[pos])) {
                throw error("expected a digit after the decimal point but found " + describeByte(pos));
            }
            skipDigits();
            fractionOrExponent = true;
        }
        if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (pos < in.length && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            if (pos >= in.length || !isDigit(in[pos])) {
                throw error("expected a digit in the exponent but found " + describeByte(pos));
            }
            skipDigits();
            fractionOrExponent = true;
        }
        return fractionOrExponent;
    }

    private void skipDigits() {
        while (pos < in.length && isDigit(in[pos])) {
            pos++;
        }
    }

    private void skipWhitespace() {
        pos = skipWhitespaceFrom(pos);
    }

    /** The first offset at or after {@code from} that is not JSON whitespace (space, tab, LF, CR). */
    private int skipWhitespaceFrom(int from) {
        int p = from;
        while (p < in.length) {
            byte b = in[p];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                break;
            }
            p++;
        }
        return p;
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
            return endOfInput() + " (" + place() + at + ")";
        }
        int b = in[at] & 0xFF;
        String what = b > 0x20 && b < 0x7F ? "'" + (char) b + "'" : String.format("byte 0x%02X", b);
        return what + " at " + place() + at;
    }

    /** "header byte " or "byte ", for positions in messages. */
    private String place() {
        return documentName.isEmpty() ? "byte " : documentName + " byte ";
    }

    /** "the end of the header" or "the end of the input". */
    private String endOfInput() {
        return "the end of the " + documentNoun();
    }

    private String documentNoun() {
        return documentName.isEmpty() ? "input" : documentName;
    }

    private JsonFormatException error(String message) {
        return new JsonFormatException(errorPrefix + message);
    }

    private JsonFormatException error(String message, int at) {
        return new JsonFormatException(errorPrefix + message + " at " + place() + at);
    }
}
