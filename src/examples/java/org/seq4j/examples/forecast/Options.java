package org.seq4j.examples.forecast;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Strict {@code --name value} options: an unknown or repeated option, a missing value and a value out of
 * range are errors ({@link UsageException}, reported as one line with exit status 2).
 */
final class Options {

    /** A bad command line; its message is the one line shown. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code --name value} pairs.
     *
     * @param args    the command line
     * @param allowed the option names without {@code --}
     */
    static Options parse(String[] args, Set<String> allowed) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "' (options are --name value)");
            }
            String name = arg.substring(2);
            if (!allowed.contains(name)) {
                throw new UsageException("unknown option " + arg);
            }
            if (values.containsKey(name)) {
                throw new UsageException("option " + arg + " is given twice");
            }
            if (i + 1 >= args.length) {
                throw new UsageException("option " + arg + " needs a value");
            }
            values.put(name, args[++i]);
        }
        return new Options(values);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int intValue(String name, int fallback, int min, int max) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a whole number from " + min + " to " + max
                + " but was '" + text + "'");
    }

    long longValue(String name, long fallback) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number but was '" + text + "'");
        }
    }

    double doubleValue(String name, double fallback, double min, double max) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(String.format(Locale.ROOT, "--%s must be a number from %s to %s but was '%s'",
                name, plain(min), plain(max), text));
    }

    private static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }
}
