package org.seq4j.examples.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.seq4j.embed.CorpusFormatException;
import org.seq4j.embed.WordVectorsFormatException;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.io.JsonFormatException;
import org.seq4j.io.SafetensorsFormatException;
import org.seq4j.nn.StateDictMismatchException;
import org.seq4j.seq2seq.ParallelCorpusFormatException;
import org.seq4j.text.VocabularyFormatException;

/**
 * The top-level handler every example main runs under.
 *
 * <pre>
 *   public static void main(String[] args) { Cli.exit(run(args, Cli.stdout(), Cli.stderr())); }
 *   public static int run(String[] args, PrintStream out, PrintStream err) {
 *       return Cli.run("charrnn", USAGE, args, out, err, (a, o) -&gt; ...);
 *   }
 * </pre>
 * {@link #run} answers {@code --help} (also {@code -h} and {@code -help}) anywhere on the command line
 * with the usage on {@code out} (exit status 0), takes {@code --verbose} out of the arguments, runs the
 * command, and turns whatever it throws into one line on {@code err}, {@code NAME: problem; what to do},
 * and an exit status: 2 for bad usage or input ({@link CliException#usage}, {@link CliException#input},
 * {@link IllegalArgumentException} from a library check, a file that is missing or in the wrong format),
 * 1 for a failure during the work ({@link CliException#failure}, {@link OutOfMemoryError},
 * {@link ArithmeticException}, an I/O error, anything unexpected). The stack trace follows only with
 * {@code --verbose}. Nothing calls {@link System#exit}, so tests drive the mains in-process.
 */
public final class Cli {

    /** The option that adds the stack trace to a failure. */
    public static final String VERBOSE = "--verbose";

    private Cli() {
    }

    /** The work of a command. */
    @FunctionalInterface
    public interface Command {
        /**
         * Does the work.
         *
         * @param args the command line without {@code --verbose}
         * @param out  where results go
         * @throws Exception any failure; the handler reports it
         */
        void run(String[] args, PrintStream out) throws Exception;
    }

    /**
     * Runs a command under the handler.
     *
     * @param name    the example's name, the prefix of every message ({@code "charrnn"})
     * @param usage   the text {@code --help} prints
     * @param args    the command line; not modified
     * @param out     results and the usage
     * @param err     the one-line message of a failure (and the stack trace with {@code --verbose})
     * @param command the work
     * @return the exit status: 0 done, 2 bad usage or input, 1 failure during the work
     */
    public static int run(String name, String usage, String[] args, PrintStream out, PrintStream err,
                          Command command) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean verbose = rest.remove(VERBOSE);
        while (rest.remove(VERBOSE)) {
            // given twice: harmless
        }
        if (Options.asksForHelp(rest)) {
            out.println(usage);
            out.flush();
            return 0;
        }
        try {
            command.run(rest.toArray(new String[0]), out);
            out.flush();
            return 0;
        } catch (Throwable t) {   // the top level: everything becomes one line
            out.flush();
            Report report = report(t);
            String line = name + ": " + oneLine(report.message);
            if (report.helpHint) {
                line += "; see 'examples/run " + name + " --help'";
            } else if (!verbose && report.traceHint) {
                line += " (run with " + VERBOSE + " for the stack trace)";
            }
            err.println(line);
            if (verbose) {
                t.printStackTrace(err);
            }
            err.flush();
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return report.status;
        }
    }

    /** What one failure is reported as. */
    private record Report(String message, int status, boolean helpHint, boolean traceHint) {
    }

    private static Report report(Throwable t) {
        if (t instanceof CliException e) {
            return new Report(e.getMessage(), e.exitStatus(), e.showHelpHint(), false);
        }
        if (t instanceof UncheckedIOException e && e.getCause() != null) {
            return report(e.getCause());
        }
        if (t instanceof OutOfMemoryError) {
            return new Report("ran out of memory: the Java heap (" + Heap.describeMaxHeap() + ") is too small for "
                    + "these settings; choose smaller sizes or raise the heap, e.g. " + Heap.javaOptsHint(
                    2 * Runtime.getRuntime().maxMemory()), CliException.FAILURE, false, false);
        }
        if (t instanceof CheckpointFormatException || t instanceof WordVectorsFormatException
                || t instanceof CorpusFormatException || t instanceof SafetensorsFormatException
                || t instanceof JsonFormatException || t instanceof VocabularyFormatException
                || t instanceof StateDictMismatchException || t instanceof ParallelCorpusFormatException
                || t instanceof CharacterCodingException) {
            return new Report(message(t), CliException.BAD_INPUT, false, false);
        }
        if (t instanceof NoSuchFileException e) {
            return new Report("no such file: " + e.getFile() + "; check the path", CliException.BAD_INPUT,
                    false, false);
        }
        if (t instanceof AccessDeniedException e) {
            return new Report("permission denied: " + e.getFile() + "; check the file's permissions",
                    CliException.BAD_INPUT, false, false);
        }
        if (t instanceof FileSystemException e) {
            return new Report("cannot use " + e.getFile() + (e.getReason() != null ? ": " + e.getReason() : "")
                    + (e.getOtherFile() != null ? " (" + e.getOtherFile() + ")" : ""), CliException.FAILURE,
                    false, true);
        }
        if (t instanceof IOException) {
            return new Report("input/output error: " + message(t) + "; check the disk and the files",
                    CliException.FAILURE, false, true);
        }
        if (t instanceof IllegalArgumentException) {
            return new Report(message(t), CliException.BAD_INPUT, true, false);
        }
        if (t instanceof ArithmeticException) {
            return new Report("numeric failure: " + message(t), CliException.FAILURE, false, true);
        }
        if (t instanceof InterruptedException) {
            return new Report("interrupted", CliException.FAILURE, false, false);
        }
        return new Report("unexpected error: " + t.getClass().getSimpleName()
                + (t.getMessage() != null ? ": " + t.getMessage() : ""), CliException.FAILURE, false, true);
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** The message on one line: line breaks and tabs become spaces. */
    static String oneLine(String message) {
        return message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ").replace('\t', ' ');
    }

    /**
     * Standard output as UTF-8, flushed at every line.
     *
     * @return the stream
     */
    public static PrintStream stdout() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    }

    /**
     * Standard error as UTF-8, flushed at every line.
     *
     * @return the stream
     */
    public static PrintStream stderr() {
        return new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    }

    /**
     * Ends the process with a status; returns normally for 0, so that the JVM ends as usual.
     *
     * @param status the exit status of {@link #run}
     */
    public static void exit(int status) {
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * A byte count for people: {@code 512 B}, {@code 3.4 MB}, {@code 2.1 GB} (powers of 1024).
     *
     * @param bytes the count
     * @return the text
     */
    public static String bytes(double bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f B", bytes) : String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }
}
