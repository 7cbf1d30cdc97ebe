package org.seq4j.lm;

import java.util.Map;

/** Typed reads from a {@link FlatJson} object, with messages naming the field. */
final class Fields {

    private Fields() {
    }

    static Object get(Map<String, Object> fields, String name) {
        Object v = fields.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return v;
    }

    static String string(Map<String, Object> fields, String name) {
        if (get(fields, name) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("field '" + name + "' must be a string");
    }

    static String number(Map<String, Object> fields, String name) {
        if (get(fields, name) instanceof FlatJson.Num n) {
            return n.literal();
        }
        throw new IllegalArgumentException("field '" + name + "' must be a number");
    }

    static int intValue(Map<String, Object> fields, String name) {
        try {
            return Integer.parseInt(number(fields, name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' must be an int but was " + number(fields, name));
        }
    }

    static long longValue(Map<String, Object> fields, String name) {
        try {
            return Long.parseLong(number(fields, name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' must be a long but was " + number(fields, name));
        }
    }

    static float floatValue(Map<String, Object> fields, String name) {
        return Float.parseFloat(number(fields, name));
    }

    static double doubleValue(Map<String, Object> fields, String name) {
        return Double.parseDouble(number(fields, name));
    }

    static boolean booleanValue(Map<String, Object> fields, String name) {
        if (get(fields, name) instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("field '" + name + "' must be true or false");
    }

    static int[] intArray(Map<String, Object> fields, String name) {
        if (get(fields, name) instanceof int[] a) {
            return a;
        }
        throw new IllegalArgumentException("field '" + name + "' must be an array of integers");
    }
}
