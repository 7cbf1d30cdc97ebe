package org.seq4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.examples.Probes;
import org.seq4j.examples.Probes.Result;

/** The shared handler and checks of the example mains. */
class CliTest {

    @TempDir
    Path dir;

    /** A main whose work throws the given failure. */
    private static Probes.Main throwing(Throwable failure) {
        return (args, out, err) -> Cli.run("demo", "usage: demo", args, out, err, (a, o) -> {
            o.println("partial output");
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        });
    }

    @Test
    void everyFailureBecomesOneLineWithItsExitStatus() {
        record Case(Throwable failure, int status, String fragment) {
        }
        List<Case> cases = List.of(
                new Case(CliException.usage("--x must be 1"), 2, "demo: --x must be 1; see 'examples/run demo --help'"),
                new Case(CliException.input("the file is empty"), 2, "demo: the file is empty"),
                new Case(CliException.failure("it diverged", null), 1, "demo: it diverged"),
                new Case(new OutOfMemoryError("Java heap space"), 1, "ran out of memory"),
                new Case(new ArithmeticException("long overflow"), 1, "numeric failure: long overflow"),
                new Case(new IllegalArgumentException("hiddenSize must be at least 1"), 2, "hiddenSize must be"),
                new Case(new java.nio.file.NoSuchFileException("/x/y"), 2, "no such file: /x/y"),
                new Case(new IOException("disk full"), 1, "input/output error: disk full"),
                new Case(new IllegalStateException("line one\nline two\n\tat somewhere"), 1,
                        "unexpected error: IllegalStateException: line one line two at somewhere"),
                new Case(new NullPointerException(), 1, "unexpected error: NullPointerException"),
                new Case(new StackOverflowError(), 1, "unexpected error: StackOverflowError"));
        for (Case c : cases) {
            Result r = Probes.run(throwing(c.failure()));
            assertEquals(c.status(), r.status(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().contains(c.fragment()), r::toString);
            assertEquals("partial output\n", r.out());
        }
        Result oom = Probes.run(throwing(new OutOfMemoryError()));
        assertTrue(oom.err().contains("-Xmx") && oom.err().contains("SEQ4J_JAVA_OPTS"), oom::toString);
    }

    @Test
    void verboseAddsTheStackTraceHelpPrintsTheUsage() {
        Result verbose = Probes.run(throwing(new ArithmeticException("x")), "a", "--verbose", "b");
        assertEquals(1, verbose.status());
        assertTrue(verbose.err().lines().count() > 1 && verbose.err().contains("\tat "), verbose::toString);
        assertFalse(verbose.err().lines().findFirst().orElseThrow().contains("--verbose for the stack trace"));
        Result help = Probes.run(throwing(new ArithmeticException("x")), "a", "--help");
        assertEquals(0, help.status());
        assertEquals("usage: demo\n", help.out());
        assertEquals("", help.err());
        String[][] seen = new String[1][];
        Probes.run((args, out, err) -> Cli.run("demo", "u", args, out, err, (a, o) -> seen[0] = a),
                "--verbose", "x", "--verbose");
        assertEquals(List.of("x"), List.of(seen[0]));
    }

    @Test
    void optionsAreStrict() {
        Options.Spec spec = Options.spec("--").values("size", "rate", "name").switches("force").positionals(1, "FILE");
        Options o = spec.parse(new String[] {"--size", "+12", "--rate", "-2.5e-3", "file", "--force"}, 0);
        assertEquals(12, o.intValue("size", 0, 1, 100));
        assertEquals(-2.5e-3, o.doubleValue("rate", 0, -1, 1));
        assertEquals(List.of("file"), o.positionals());
        assertTrue(o.has("force"));
        assertEquals(7, o.intValue("missing", 7, 1, 2), "a default is not range-checked");
        assertEquals(Map.of("size", "+12", "rate", "-2.5e-3", "name", "x"),
                o.withDefaults(Map.of("size", "1", "name", "x")).values());
        for (String bad : new String[] {"1e3", "1.0", "0x10", " 5", "5 ", "", "١٢"}) {
            Options b = spec.parse(new String[] {"--size", bad}, 0);
            assertThrows(CliException.class, () -> b.intValue("size", 0, 0, 1000), bad);
        }
        for (String bad : new String[] {"NaN", "Infinity", "-Infinity", "1e400", "1f", "1d", "0x1p3", "--1", "."}) {
            Options b = spec.parse(new String[] {"--rate", bad}, 0);
            assertThrows(CliException.class, () -> b.doubleValue("rate", 0, -Double.MAX_VALUE, Double.MAX_VALUE), bad);
        }
        assertThrows(CliException.class, () -> spec.parse(new String[] {"--size", "1", "--size", "1"}, 0));
        assertThrows(CliException.class, () -> spec.parse(new String[] {"--force", "--force"}, 0));
        assertThrows(CliException.class, () -> spec.parse(new String[] {"--size"}, 0));
        assertThrows(CliException.class, () -> spec.parse(new String[] {"--name", "--force"}, 0));
        assertThrows(CliException.class, () -> spec.parse(new String[] {"a", "b"}, 0));
        CliException unknown = assertThrows(CliException.class, () -> spec.parse(new String[] {"--sise", "1"}, 0));
        assertTrue(unknown.getMessage().endsWith("did you mean --size?"), unknown.getMessage());
        assertEquals(2, unknown.exitStatus());
    }

    @Test
    void sameFileSeesLinksAndOtherSpellings() throws IOException {
        Path a = Files.writeString(dir.resolve("a.txt"), "a");
        Files.createDirectory(dir.resolve("d"));
        assertTrue(PathChecks.sameFile(a, dir.resolve("d/../a.txt")));
        assertTrue(PathChecks.sameFile(a, Files.createSymbolicLink(dir.resolve("l"), a)));
        assertTrue(PathChecks.sameFile(dir.resolve("new.txt"), dir.resolve("./new.txt")));
        assertFalse(PathChecks.sameFile(a, dir.resolve("new.txt")));
        assertFalse(PathChecks.sameFile(a, Files.writeString(dir.resolve("b.txt"), "a")));
    }

    @Test
    void textFilesAreReadStrictlyAndWithoutAByteOrderMark() throws IOException {
        Path bom = Files.write(dir.resolve("bom.txt"), new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', 'i'});
        assertEquals("hi", TextFiles.readUtf8("--data", bom, 16));
        Path accents = Files.writeString(dir.resolve("ok.txt"), "été\t日本\r\n😀\f", StandardCharsets.UTF_8);
        assertEquals("été\t日本\r\n😀\f", TextFiles.readUtf8("--data", accents, 16));
        // the invalid byte comes first: reported, not the control character after it
        Path mixed = Files.write(dir.resolve("mixed.txt"), new byte[] {'a', (byte) 0xFF, 0, 'b'});
        CliException e = assertThrows(CliException.class, () -> TextFiles.readUtf8("--data", mixed, 16));
        assertTrue(e.getMessage().contains("offset 1 (0xFF 0x00 0x62)"), e.getMessage());
        Path cut = Files.write(dir.resolve("cut.txt"), new byte[] {'a', 'b', (byte) 0xE6, (byte) 0x97});
        e = assertThrows(CliException.class, () -> TextFiles.readUtf8("--data", cut, 16));
        assertTrue(e.getMessage().contains("offset 2"), e.getMessage());
        // more than the heap can hold is refused before reading
        e = assertThrows(CliException.class, () -> TextFiles.readUtf8("--data", bom, 1e18));
        assertTrue(e.getMessage().contains("needs about"), e.getMessage());
    }
}
