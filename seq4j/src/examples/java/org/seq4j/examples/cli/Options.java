package org.seq4j.examples.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strictly parsed command line: {@code PREFIX name value} options, {@code PREFIX name} switches and
 * positional arguments.
 *
 * <pre>
 *   Options o = Options.spec("--").values("data", "hidden").switches("overwrite").parse(args, 1);
 *   int hidden = o.intValue("hidden", 128, 1, 65536);
 * </pre>
 * Refused, each with a one-line {@link CliException#usage}: an unknown option, an option given twice
 * (never "the last one wins"), an option without its value (also when the next argument is another
 * option), more positional arguments than allowed, and values that do not parse or lie outside their
 * range: a whole number must be written as one ({@code 1e10} and {@code 2.5} are refused where an
 * integer is needed), a number must be a finite decimal ({@code NaN}, {@code Infinity}, {@code 0x10},
 * {@code 1f} are refused).
 */
public final class Options {

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Set<String> HELP = Set.of("--help", "-help", "-h");

    private final String prefix;
    private final Map<String, String> values;
    private final Set<String> switches;
    private final List<String> positionals;

    private Options(String prefix, Map<String, String> values, Set<String> switches, List<String> positionals) {
        this.prefix = prefix;
        this.values = values;
        this.switches = switches;
        this.positionals = positionals;
    }

    /**
     * Whether a command line asks for the usage ({@code --help}, {@code -help} or {@code -h} anywhere).
     *
     * @param args the arguments
     * @return true if one of them is a help option
     */
    static boolean asksForHelp(List<String> args) {
        for (String a : args) {
            if (HELP.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts the description of a command line.
     *
     * @param prefix what starts an option name: {@code "--"} (charrnn) or {@code "-"} (word2vec's flags)
     * @return the spec, with no option allowed yet
     */
    public static Spec spec(String prefix) {
        return new Spec(prefix);
    }

    /** The options a command line may hold. */
    public static final class Spec {
        private final String prefix;
        private final Set<String> valueNames = new LinkedHashSet<>();
        private final Set<String> switchNames = new LinkedHashSet<>();
        private int maxPositionals;
        private String positionalName = "argument";

        private Spec(String prefix) {
            this.prefix = prefix;
        }

        /**
         * Allows options that take a value.
         *
         * @param names their names without the prefix
         * @return this spec
         */
        public Spec values(String... names) {
            Collections.addAll(valueNames, names);
            return this;
        }

        /**
         * Allows options without a value.
         *
         * @param names their names without the prefix
         * @return this spec
         */
        public Spec switches(String... names) {
            Collections.addAll(switchNames, names);
            return this;
        }

        /**
         * Allows positional arguments.
         *
         * @param max  how many at most
         * @param name what they are, for messages ({@code "VECTORS file"})
         * @return this spec
         */
        public Spec positionals(int max, String name) {
            this.maxPositionals = max;
            this.positionalName = name;
            return this;
        }

        /**
         * Parses {@code args[from, args.length)}.
         *
         * @param args the command line; not modified
         * @param from the first argument to parse (after a sub-command)
         * @return the options
         * @throws CliException (usage) on an unknown, repeated or incomplete option or an extra argument
         */
        public Options parse(String[] args, int from) {
            Map<String, String> values = new LinkedHashMap<>();
            Set<String> switches = new LinkedHashSet<>();
            List<String> positionals = new ArrayList<>();
            for (int i = from; i < args.length; i++) {
                String arg = args[i];
                String name = arg.startsWith(prefix) ? arg.substring(prefix.length()) : null;
                if (name != null && valueNames.contains(name)) {
                    if (i + 1 >= args.length || isOption(args[i + 1])) {
                        throw CliException.usage(arg + " needs a value");
                    }
                    String value = args[++i];
                    String earlier = values.putIfAbsent(name, value);
                    if (earlier != null) {
                        throw CliException.usage(arg + " is given twice ('" + earlier + "' and '" + value
                                + "'); give it once");
                    }
                } else if (name != null && switchNames.contains(name)) {
                    if (!switches.add(name)) {
                        throw CliException.usage(arg + " is given twice; give it once");
                    }
                } else if (arg.startsWith("-") && arg.length() > 1) {
                    throw CliException.usage("unknown option '" + arg + "'" + suggestion(arg));
                } else if (positionals.size() < maxPositionals) {
                    positionals.add(arg);
                } else {
                    throw CliException.usage(maxPositionals == 0 ? "unexpected argument '" + arg + "'"
                            : "unexpected argument '" + arg + "' (only one " + positionalName + " is taken)");
                }
            }
            return new Options(prefix, values, switches, positionals);
        }

        /** Whether an argument is one of this command line's options (so it cannot be a value). */
        private boolean isOption(String arg) {
            if (HELP.contains(arg) || arg.equals(Cli.VERBOSE)) {
                return true;
            }
            if (!arg.startsWith(prefix)) {
                return false;
            }
            String name = arg.substring(prefix.length());
            return valueNames.contains(name) || switchNames.contains(name);
        }

        /** ", did you mean --x?" for a near miss (one edit away, or another prefix), else "". */
        private String suggestion(String arg) {
            String bare = arg;
            while (bare.startsWith("-")) {
                bare = bare.substring(1);
            }
            List<String> all = new ArrayList<>(valueNames);
            all.addAll(switchNames);
            for (String known : all) {
                if (known.equals(bare) || editDistanceAtMostOne(known, bare)) {
                    return "; did you mean " + prefix + known + "?";
                }
            }
            return "";
        }

        private static boolean editDistanceAtMostOne(String a, String b) {
            if (Math.abs(a.length() - b.length()) > 1) {
                return false;
            }
            int i = 0;
            int j = 0;
            int edits = 0;
            while (i < a.length() && j < b.length()) {
                if (a.charAt(i) == b.charAt(j)) {
                    i++;
                    j++;
                    continue;
                }
                if (++edits > 1) {
                    return false;
                }
                if (a.length() > b.length()) {
                    i++;
                } else if (a.length() < b.length()) {
                    j++;
                } else {
                    i++;
                    j++;
                }
            }
            return edits + (a.length() - i) + (b.length() - j) <= 1;
        }
    }

    /**
     * A copy in which absent options take the given values (the demo's settings under the user's).
     *
     * @param defaults option name → value; not modified
     * @return the new options
     */
    public Options withDefaults(Map<String, String> defaults) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        merged.putAll(values);
        return new Options(prefix, merged, switches, positionals);
    }

    /**
     * Whether an option or switch was given.
     *
     * @param name its name without the prefix
     * @return true if given
     */
    public boolean has(String name) {
        return values.containsKey(name) || switches.contains(name);
    }

    /**
     * The options given with a value, in command-line order.
     *
     * @return name → value, unmodifiable
     */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /**
     * The positional arguments.
     *
     * @return them in order, unmodifiable
     */
    public List<String> positionals() {
        return Collections.unmodifiableList(positionals);
    }

    /**
     * A text value.
     *
     * @param name     the option
     * @param fallback the value when absent
     * @return the value
     */
    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /**
     * A path value.
     *
     * @param name     the option
     * @param fallback the value when absent (may be null)
     * @return the path
     * @throws CliException (usage) if the value is empty or not a path
     */
    public Path path(String name, Path fallback) {
        if (!values.containsKey(name)) {
            return fallback;
        }
        return toPath(flag(name), values.get(name));
    }

    /**
     * A path from a text.
     *
     * @param what  what it is, for the message ({@code "--data"})
     * @param value the text
     * @return the path
     * @throws CliException (usage) if the text is empty or not a path
     */
    public static Path toPath(String what, String value) {
        if (value.isBlank()) {
            throw CliException.usage(what + " needs a file name but was empty");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw CliException.usage(what + " is not a valid path: '" + value + "'");
        }
    }

    /**
     * A whole number in a range.
     *
     * @param name     the option
     * @param fallback the value when absent (not checked)
     * @param min      the smallest allowed value
     * @param max      the largest allowed value
     * @return the value
     * @throws CliException (usage) if the value is not a whole number in {@code [min, max]}
     */
    public long longValue(String name, long fallback, long min, long max) {
        if (!values.containsKey(name)) {
            return fallback;
        }
        String text = values.get(name);
        String range = " from " + min + " to " + max;
        if (!INTEGER.matcher(text).matches()) {
            throw CliException.usage(flag(name) + " must be a whole number" + range + " but was '" + text + "'");
        }
        long v;
        try {
            v = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {  // more digits than a long holds
            throw CliException.usage(flag(name) + " must be a whole number" + range + " but was '" + text + "'");
        }
        if (v < min || v > max) {
            throw CliException.usage(flag(name) + " must be" + range + " but was " + v);
        }
        return v;
    }

    /**
     * A whole number in a range, as an {@code int}.
     *
     * @param name     the option
     * @param fallback the value when absent
     * @param min      the smallest allowed value
     * @param max      the largest allowed value
     * @return the value
     * @throws CliException (usage) if the value is not a whole number in {@code [min, max]}
     */
    public int intValue(String name, int fallback, int min, int max) {
        return (int) longValue(name, fallback, min, max);
    }

    /**
     * A finite decimal number in a range.
     *
     * @param name     the option
     * @param fallback the value when absent (not checked)
     * @param min      the smallest allowed value
     * @param max      the largest allowed value
     * @return the value
     * @throws CliException (usage) if the value is not a finite decimal number in {@code [min, max]}
     */
    public double doubleValue(String name, double fallback, double min, double max) {
        if (!values.containsKey(name)) {
            return fallback;
        }
        return parseDouble(flag(name), values.get(name), min, max, range(min, max));
    }

    /**
     * A finite decimal number in a range, with a lower bound that is excluded.
     *
     * @param name     the option
     * @param fallback the value when absent (not checked)
     * @param above    the value must be greater than this
     * @param max      the largest allowed value
     * @return the value
     * @throws CliException (usage) if the value is not a finite decimal number in {@code (above, max]}
     */
    public double positiveValue(String name, double fallback, double above, double max) {
        if (!values.containsKey(name)) {
            return fallback;
        }
        String range = " greater than " + number(above) + (max < Double.MAX_VALUE ? " and at most " + number(max) : "");
        double v = parseDouble(flag(name), values.get(name), above, max, range);
        if (!(v > above)) {
            throw CliException.usage(flag(name) + " must be" + range + " but was " + values.get(name));
        }
        return v;
    }

    private static String range(double min, double max) {
        return max < Double.MAX_VALUE ? " from " + number(min) + " to " + number(max) : " of at least " + number(min);
    }

    private static double parseDouble(String flag, String text, double min, double max, String range) {
        if (!DECIMAL.matcher(text).matches()) {
            throw CliException.usage(flag + " must be a finite number" + range + " but was '" + text + "'");
        }
        double v = Double.parseDouble(text);
        if (!(v >= min && v <= max)) {   // also catches 1e400, which parses to Infinity
            throw CliException.usage(flag + " must be" + range + " but was " + text);
        }
        return v;
    }

    /**
     * A {@code 0|1} value (word2vec's boolean flags).
     *
     * @param name     the option
     * @param fallback the value when absent
     * @return the value
     * @throws CliException (usage) if the value is neither 0 nor 1
     */
    public boolean zeroOrOne(String name, boolean fallback) {
        if (!values.containsKey(name)) {
            return fallback;
        }
        return switch (values.get(name)) {
            case "0" -> false;
            case "1" -> true;
            default -> throw CliException.usage(flag(name) + " must be 0 or 1 but was '" + values.get(name) + "'");
        };
    }

    /**
     * One of a set of words.
     *
     * @param name     the option
     * @param fallback the value when absent
     * @param allowed  the allowed words
     * @return the value
     * @throws CliException (usage) if the value is not one of them
     */
    public String oneOf(String name, String fallback, String... allowed) {
        if (!values.containsKey(name)) {
            return fallback;
        }
        String v = values.get(name);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw CliException.usage(flag(name) + " must be " + String.join(", ", allowed).replaceAll(", ([^,]*)$",
                " or $1") + " but was '" + v + "'");
    }

    /**
     * The option as written on the command line.
     *
     * @param name its name
     * @return the prefix and the name, e.g. {@code --hidden}
     */
    public String flag(String name) {
        return prefix + name;
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }
}
