package org.seq4j.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks of the files a command reads and writes, made before any work starts, so that a mistake costs
 * nothing: an input must be an existing, readable regular file (not a directory, a device such as
 * {@code /dev/zero} or a pipe); an output must be a file name in an existing, writable directory (not a
 * directory, a device or another non-regular file), and no output may be the same file as an input or
 * another output ({@link Files#isSameFile} where both exist, so a link or a second spelling of a path
 * is caught).
 */
public final class PathChecks {

    private PathChecks() {
    }

    /**
     * A file given on the command line.
     *
     * @param flag how the command line names it ({@code "--data"}, {@code "-output"}, {@code "VECTORS"})
     * @param path the file
     */
    public record Arg(String flag, Path path) {
        /** @return {@code --data x.txt} */
        @Override
        public String toString() {
            return flag + " " + path;
        }
    }

    /**
     * Checks an input file.
     *
     * @param flag how the command line names it
     * @param file the file
     * @throws CliException (input) if it does not exist, is a directory or another non-regular file, or
     *                      cannot be read
     */
    public static void inputFile(String flag, Path file) {
        if (Files.isDirectory(file)) {
            throw CliException.input(flag + " " + file + " is a directory; give a file");
        }
        if (!Files.exists(file)) {
            throw CliException.input(flag + " " + file + ": no such file; check the path");
        }
        if (!Files.isRegularFile(file)) {
            throw CliException.input(flag + " " + file + " is not a regular file (a device, pipe or socket); "
                    + "give a file");
        }
        if (!Files.isReadable(file)) {
            throw CliException.input("cannot read " + flag + " " + file + ": permission denied");
        }
    }

    /**
     * Checks an output file: that it can be created or replaced. Says nothing of whether replacing it is
     * wanted (see {@link #refuseExisting}).
     *
     * @param flag how the command line names it
     * @param file the file
     * @throws CliException (input) if it is a directory or another non-regular file, its directory does not
     *                      exist, or the directory or file is not writable
     */
    public static void outputFile(String flag, Path file) {
        if (Files.isDirectory(file)) {
            throw CliException.input(flag + " " + file + " is a directory; give a file name, e.g. "
                    + file.resolve(defaultName(flag)));
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw CliException.input(flag + " " + file + " is not a regular file (a device, pipe or socket); "
                    + "give a file name");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.exists(parent)) {
            throw CliException.input("the directory of " + flag + " " + file + " does not exist; create it first"
                    + " or choose another place");
        }
        if (!Files.isDirectory(parent)) {
            throw CliException.input("the directory of " + flag + " " + file + " (" + parent
                    + ") is not a directory");
        }
        // the file is written to a temporary file next to it and renamed: the directory must be writable
        if (!Files.isWritable(parent) || (Files.exists(file) && !Files.isWritable(file))) {
            throw CliException.input("cannot write " + flag + " " + file + ": permission denied; choose another "
                    + "place");
        }
    }

    private static String defaultName(String flag) {
        String bare = flag.replaceFirst("^-+", "");
        return switch (bare) {
            case "checkpoint" -> "run.safetensors";
            case "plot" -> "loss.png";
            default -> "vectors.txt";
        };
    }

    /**
     * Refuses to replace an existing output file unless told to.
     *
     * @param output    the output
     * @param overwrite whether replacing it was asked for
     * @param remedy    what to do, e.g. {@code "give --overwrite to replace it or --resume to continue that run"}
     * @throws CliException (input) if the file exists and {@code overwrite} is false
     */
    public static void refuseExisting(Arg output, boolean overwrite, String remedy) {
        if (!overwrite && Files.exists(output.path())) {
            throw CliException.input(output + " already exists; " + remedy);
        }
    }

    /**
     * Checks that no output is an input or another output.
     *
     * @param inputs  the files read
     * @param outputs the files written
     * @throws CliException (input) naming the two arguments that are the same file
     */
    public static void distinct(List<Arg> inputs, List<Arg> outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            Arg out = outputs.get(i);
            for (Arg in : inputs) {
                if (sameFile(out.path(), in.path())) {
                    throw CliException.input(out.flag() + " " + out.path() + " is the same file as " + in.flag() + " "
                            + in.path() + ": writing it would destroy the input; choose another file for "
                            + out.flag());
                }
            }
            for (int j = 0; j < i; j++) {
                Arg other = outputs.get(j);
                if (sameFile(out.path(), other.path())) {
                    throw CliException.input(out.flag() + " and " + other.flag() + " are the same file ("
                            + out.path() + "); give each its own file");
                }
            }
        }
    }

    /**
     * Whether two paths name the same file: {@link Files#isSameFile} when both exist, else the same
     * absolute, normalised path.
     *
     * @param a a path
     * @param b another
     * @return true if they are the same file
     */
    public static boolean sameFile(Path a, Path b) {
        boolean aExists = Files.exists(a);
        boolean bExists = Files.exists(b);
        if (aExists && bExists) {
            try {
                return Files.isSameFile(a, b);
            } catch (IOException e) {
                return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
            }
        }
        if (aExists != bExists) {
            return false;
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
