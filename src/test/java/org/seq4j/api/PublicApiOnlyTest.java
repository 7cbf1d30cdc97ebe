package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The tests of this package name no seq4j package but the exported ones (imports and qualified names alike). */
class PublicApiOnlyTest {

    private static final Set<String> EXPORTED = Set.of("nn", "rnn", "optim", "io", "check", "text", "data", "api");

    /** org.seq4j.&lt;package&gt; and, for the tensor package, the class named after it. */
    private static final Pattern REFERENCE = Pattern.compile("org\\.seq4j\\.([a-z0-9]+)(\\.([A-Za-z0-9_]+))?");

    @Test
    void testsUseOnlyExportedPackages() throws IOException {
        Path directory = Path.of("src", "test", "java", "org", "seq4j", "api");
        assertTrue(Files.isDirectory(directory), "run from the project directory: " + directory.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            Matcher m = REFERENCE.matcher(Files.readString(file));
            while (m.find()) {
                String pkg = m.group(1);
                boolean allowed = EXPORTED.contains(pkg) || (pkg.equals("tensor") && "Tensors".equals(m.group(3)));
                if (!allowed) {
                    violations.add(file.getFileName() + ": " + m.group());
                }
            }
        }
        assertTrue(files.size() > 3, "found the package's sources: " + files);
        assertTrue(violations.isEmpty(), "references outside the exported API: " + violations);
    }
}
