package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public surface, checked on the sources: every package is exported except the kernels (a new package
 * needs a decision), and no two public classes share a simple name. {@link PublicApiOnlyTest} checks that
 * the tests of this package use only what is exported.
 */
class ApiSurfaceTest {

    private static final Path MAIN = Path.of("src/main/java");
    /** Packages deliberately not exported: raw-array kernels, worker threads, Vector API code. */
    private static final Set<String> INTERNAL = Set.of("org.seq4j.kernel");

    private static final Pattern EXPORT = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);

    @Test
    void everyPackageButTheKernelsIsExported() {
        Set<String> exported = exportedPackages();
        Set<String> packages = new TreeSet<>();
        for (Path file : javaFiles(MAIN)) {
            if (!file.getFileName().toString().equals("module-info.java")) {
                packages.add(MAIN.relativize(file.getParent()).toString().replace('/', '.'));
            }
        }
        Set<String> expected = new TreeSet<>(packages);
        expected.removeAll(INTERNAL);
        assertEquals(expected, new TreeSet<>(exported), "exported packages of module-info.java");
    }

    @Test
    void noTwoPublicClassesShareASimpleName() {
        Map<String, List<String>> byName = new TreeMap<>();
        for (Path file : javaFiles(MAIN)) {
            Matcher m = PUBLIC_TYPE.matcher(read(file));
            if (m.find()) {
                byName.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(MAIN.relativize(file).toString());
            }
        }
        assertTrue(byName.size() > 10, "found only " + byName.size() + " public types under " + MAIN);
        Map<String, List<String>> shared = new TreeMap<>();
        byName.forEach((name, files) -> {
            if (files.size() > 1) {
                shared.put(name, files);
            }
        });
        assertTrue(shared.isEmpty(), "public classes sharing a simple name: " + shared);
    }

    private static Set<String> exportedPackages() {
        Set<String> exported = new TreeSet<>();
        Matcher m = EXPORT.matcher(read(MAIN.resolve("module-info.java")));
        while (m.find()) {
            exported.add(m.group(1));
        }
        assertFalse(exported.isEmpty(), "module-info.java exports nothing");
        return exported;
    }

    private static List<Path> javaFiles(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
