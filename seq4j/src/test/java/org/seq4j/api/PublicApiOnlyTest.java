package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tests of this package name no seq4j package but those that {@code module-info.java} exports (imports
 * and qualified names alike).
 */
class PublicApiOnlyTest {

    private static final Pattern EXPORT = Pattern.compile("exports\\s+org\\.seq4j\\.([a-z0-9]+)\\s*;");

    /** org.seq4j.&lt;package&gt;. */
    private static final Pattern REFERENCE = Pattern.compile("org\\.seq4j\\.([a-z0-9]+)");

    /** ApiSurfaceTest names the internal package as the one that must stay unexported; it uses no internals. */
    private static final String SURFACE_TEST = "ApiSurfaceTest.java";

    @Test
    void testsUseOnlyExportedPackages() throws IOException {
        Set<String> exported = new HashSet<>(Set.of("api"));
        Matcher exports = EXPORT.matcher(Files.readString(Path.of("src", "main", "java", "module-info.java")));
        while (exports.find()) {
            exported.add(exports.group(1));
        }
        assertTrue(exported.contains("rnn") && !exported.contains("kernel"), "exports read: " + exported);
        Path directory = Path.of("src", "test", "java", "org", "seq4j", "api");
        assertTrue(Files.isDirectory(directory), "run from the project directory: " + directory.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals(SURFACE_TEST)).sorted().toList();
        }
        for (Path file : files) {
            Matcher m = REFERENCE.matcher(Files.readString(file));
            while (m.find()) {
                if (!exported.contains(m.group(1))) {
                    violations.add(file.getFileName() + ": " + m.group());
                }
            }
        }
        assertTrue(files.size() > 3, "found the package's sources: " + files);
        assertTrue(violations.isEmpty(), "references outside the exported API: " + violations);
    }
}
