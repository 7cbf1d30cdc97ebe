package org.seq4j.lm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small JSON dialect of checkpoint metadata: one object whose values are strings, numbers, booleans
 * or arrays of integers (no nesting, no null).
 *
 * <p>Numbers are kept as their literal text, so that a {@code double} written with
 * {@link Double#toString(double)} reads back bit for bit through {@link Double#parseDouble(String)}.
 * Malformed input throws {@link IllegalArgumentException} with the offset of the problem.
 */
final class FlatJson {

    /**
     * A number as read: its literal text, to be parsed by the caller at the precision it needs.
     *
     * @param literal the JSON number text, e.g. {@code 0.002} or {@code -8000000000}
     */
    record Num(String literal) {
    }

    private FlatJson() {
    }

    /**
     * Writes an object.
     *
     * @param fields names and values (String, Number, Boolean or int[]) in output order; not modified
     * @return the JSON text
     * @throws IllegalArgumentException on a value of another type
     */
    static String write(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            writeString(e.getKey(), out);
            out.append(':');
            Object v = e.getValue();
            if (v instanceof String s) {
                writeString(s, out);
            } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
                out.append(v);
            } else if (v instanceof Float || v instanceof Double) {
                double d = ((Number) v).doubleValue();
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException(e.getKey() + ": JSON has no " + d);
                }
                out.append(v);
            } else if (v instanceof int[] array) {
                out.append('[');
                for (int i = 0; i < array.length; i++) {
                    out.append(i > 0 ? "," : "").append(array[i]);
                }
                out.append(']');
            } else {
                throw new IllegalArgumentException(e.getKey() + ": cannot write a "
                        + (v == null ? "null" : v.getClass().getSimpleName()) + " as flat JSON");
            }
        }
        return out.append('}').toString();
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Reads an object.
     *
     * @param json the JSON text
     * @return names to values: String for strings, {@link Num} for numbers, Boolean, int[]
     * @throws IllegalArgumentException if the text is not such an object
     */
    static Map<String, Object> read(String json) {
        return new Reader(json).object();
    }

    private static final class Reader {
        private final String in;
        private int pos;

        Reader(String in) {
            this.in = in;
        }

        Map<String, Object> object() {
            Map<String, Object> fields = new LinkedHashMap<>();
            skipSpace();
            expect('{');
            skipSpace();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    skipSpace();
                    String name = string();
                    skipSpace();
                    expect(':');
                    skipSpace();
                    if (fields.put(name, value()) != null) {
                        throw error("duplicate key \"" + name + "\"");
                    }
                    skipSpace();
                    char c = next();
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        pos--;
                        throw error("expected ',' or '}'");
                    }
                }
            }
            skipSpace();
            if (pos != in.length()) {
                throw error("unexpected text after the object");
            }
            return fields;
        }

        private Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '[') {
                return intArray();
            }
            if (in.startsWith("true", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (in.startsWith("false", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            return new Num(number());
        }

        private String number() {
            int start = pos;
            while (pos < in.length() && "+-0123456789.eE".indexOf(in.charAt(pos)) >= 0) {
                pos++;
            }
            String literal = in.substring(start, pos);
            try {
                Double.parseDouble(literal);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("expected a value");
            }
            return literal;
        }

        private int[] intArray() {
            expect('[');
            skipSpace();
            int[] values = new int[8];
            int count = 0;
            if (peek() == ']') {
                pos++;
                return new int[0];
            }
            while (true) {
                skipSpace();
                int start = pos;
                String literal = number();
                int v;
                try {
                    v = Integer.parseInt(literal);
                } catch (NumberFormatException e) {
                    pos = start;
                    throw error("expected an integer in the array");
                }
                if (count == values.length) {
                    values = java.util.Arrays.copyOf(values, 2 * count);
                }
                values[count++] = v;
                skipSpace();
                char c = next();
                if (c == ']') {
                    return java.util.Arrays.copyOf(values, count);
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder s = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return s.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> s.append(e);
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'u' -> {
                        if (pos + 4 > in.length()) {
                            throw error("truncated \\u escape");
                        }
                        try {
                            s.append((char) Integer.parseInt(in.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw error("bad escape");
                    }
                }
            }
        }

        private void skipSpace() {
            while (pos < in.length() && " \t\r\n".indexOf(in.charAt(pos)) >= 0) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= in.length()) {
                throw error("unexpected end");
            }
            return in.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at offset " + pos + ": " + what);
        }
    }
}
