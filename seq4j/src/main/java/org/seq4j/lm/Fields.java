package org.seq4j.lm;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.seq4j.io.JsonFormatException;
import org.seq4j.io.JsonReader;

/**
 * A flat JSON object of checkpoint metadata, read through {@link JsonReader}: its values are strings,
 * numbers, booleans or arrays of integers (no nesting, no null). Typed reads name the field in their
 * messages. Numbers are kept as their literal text, so that a {@code double} or a {@code float} written
 * by {@link org.seq4j.io.JsonWriter} reads back bit for bit at the precision the caller asks for.
 */
final class Fields {

    /** A number as read: its literal text. */
    private record Num(String literal) {
    }

    /** Names to values: String, {@link Num}, Boolean or int[]. */
    private final Map<String, Object> values;

    private Fields(Map<String, Object> values) {
        this.values = values;
    }

    /**
     * Reads a flat object.
     *
     * @param json the JSON text
     * @return its fields
     * @throws JsonFormatException if the text is not JSON, or not a flat object of such values
     */
    static Fields read(String json) throws JsonFormatException {
        JsonReader in = new JsonReader(json, "");
        Map<String, Object> values = new LinkedHashMap<>();
        in.beginObject();
        while (in.hasNext()) {
            String name = in.nextName();
            switch (in.peek()) {
                case STRING -> values.put(name, in.nextString());
                case NUMBER -> values.put(name, new Num(in.nextNumber()));
                case BOOLEAN -> values.put(name, in.nextBoolean());
                case ARRAY -> values.put(name, intArray(in));
                default -> throw new JsonFormatException("field '" + name + "' must be a string, a number, a "
                        + "boolean or an array of integers but is " + in.peek().withArticle());
            }
        }
        in.endObject();
        in.endDocument();
        return new Fields(values);
    }

    private static int[] intArray(JsonReader in) throws JsonFormatException {
        int[] values = new int[8];
        int count = 0;
        in.beginArray();
        while (in.hasNext()) {
            if (count == values.length) {
                values = Arrays.copyOf(values, 2 * count);
            }
            values[count++] = in.nextInt();
        }
        in.endArray();
        return Arrays.copyOf(values, count);
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return v;
    }

    String string(String name) {
        if (get(name) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("field '" + name + "' must be a string");
    }

    private String number(String name) {
        if (get(name) instanceof Num n) {
            return n.literal();
        }
        throw new IllegalArgumentException("field '" + name + "' must be a number");
    }

    int intValue(String name) {
        try {
            return Integer.parseInt(number(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' must be an int but was " + number(name));
        }
    }

    long longValue(String name) {
        try {
            return Long.parseLong(number(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' must be a long but was " + number(name));
        }
    }

    float floatValue(String name) {
        float value = Float.parseFloat(number(name));
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("field '" + name + "' must be a finite float but was " + number(name));
        }
        return value;
    }

    double doubleValue(String name) {
        double value = Double.parseDouble(number(name));
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("field '" + name + "' must be a finite double but was "
                    + number(name));
        }
        return value;
    }

    int[] intArray(String name) {
        if (get(name) instanceof int[] a) {
            return a;
        }
        throw new IllegalArgumentException("field '" + name + "' must be an array of integers");
    }
}
