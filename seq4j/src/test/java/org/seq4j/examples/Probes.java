package org.seq4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Drives an example main in-process, the way a careless or hostile user would, and checks what it did:
 * the exit status, the one line on standard error (no stack trace) and that no file in the probe's
 * folder changed, appeared or disappeared.
 */
public final class Probes {

    /** Files larger than this are compared by size and modification time instead of their hash. */
    private static final long HASHED_BYTES = 64L << 20;

    private Probes() {
    }

    /** An example main as the probes call it: {@code int run(String[] args, PrintStream out, PrintStream err)}. */
    @FunctionalInterface
    public interface Main {
        /**
         * Runs the example.
         *
         * @param args the command line
         * @param out  standard output
         * @param err  standard error
         * @return the exit status
         */
        int run(String[] args, PrintStream out, PrintStream err);
    }

    /**
     * What a run printed and returned.
     *
     * @param status the exit status
     * @param out    standard output
     * @param err    standard error
     */
    public record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n--- out:\n" + out + "\n--- err:\n" + err;
        }
    }

    /**
     * Runs a main.
     *
     * @param main the main
     * @param args the command line
     * @return what it printed and returned
     */
    public static Result run(Main main, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = main.run(args, o, e);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs a main that must refuse: checks the status, that standard error is one line starting with
     * {@code name: } and holding every fragment, and that no file of {@code dir} changed.
     *
     * @param name      the example's name
     * @param main      the main
     * @param dir       the probe's folder, compared before and after
     * @param status    the exit status expected
     * @param fragments texts the message must contain
     * @param args      the command line
     * @return the result
     */
    public static Result assertRefused(String name, Main main, Path dir, int status, String[] fragments,
                                       String... args) {
        Map<String, String> before = snapshot(dir);
        Result r = run(main, args);
        assertEquals(status, r.status(), () -> String.join(" ", args) + "\n" + r);
        assertOneLine(name, r);
        for (String fragment : fragments) {
            assertTrue(r.err().contains(fragment), () -> "'" + fragment + "' missing in: " + r.err());
        }
        assertEquals(before, snapshot(dir), () -> "files changed by: " + String.join(" ", args) + "\n" + r);
        return r;
    }

    /**
     * The fragments of a message, for {@link #assertRefused}.
     *
     * @param fragments texts the message must contain
     * @return them
     */
    public static String[] says(String... fragments) {
        return fragments;
    }

    /**
     * Checks that a failure was reported as exactly one line {@code name: ...}, without a stack trace.
     *
     * @param name the example's name
     * @param r    the result
     */
    public static void assertOneLine(String name, Result r) {
        String err = r.err().strip();
        assertFalse(err.isEmpty(), () -> "no message:\n" + r);
        assertEquals(1, err.lines().count(), () -> "more than one line on standard error:\n" + r);
        assertTrue(err.startsWith(name + ": "), () -> "message without the example's name:\n" + r);
        assertFalse(err.contains("\tat ") || err.contains("Exception") || err.contains("Error:"),
                () -> "an exception escaped into the message:\n" + r);
    }

    /**
     * Checks a successful run: status 0 and nothing on standard error.
     *
     * @param r the result
     */
    public static void assertSucceeded(Result r) {
        assertEquals(0, r.status(), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    /**
     * Every regular file under a folder with the SHA-256 of its bytes (or, above 64 MB, its size and
     * modification time), and every sub-folder.
     *
     * @param dir the folder
     * @return relative path → fingerprint, sorted
     */
    public static Map<String, String> snapshot(Path dir) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String key = dir.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    files.put(key + "/", "dir");
                } else if (Files.isRegularFile(p) && Files.size(p) > HASHED_BYTES) {
                    files.put(key, Files.size(p) + " bytes @" + Files.getLastModifiedTime(p));
                } else if (Files.isRegularFile(p)) {
                    files.put(key, sha256(p));
                } else {
                    files.put(key, "other");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether this process can write into a folder whose write permission is removed (it can as root).
     *
     * @param dir a scratch folder
     * @return true if permissions are enforced for this user
     * @throws IOException if the folder cannot be prepared
     */
    public static boolean permissionsEnforced(Path dir) throws IOException {
        Path probe = Files.createDirectories(dir.resolve("permission-probe"));
        try {
            if (!probe.toFile().setWritable(false, false)) {
                return false;
            }
            return !Files.isWritable(probe);
        } finally {
            probe.toFile().setWritable(true, false);
            Files.delete(probe);
        }
    }
}
