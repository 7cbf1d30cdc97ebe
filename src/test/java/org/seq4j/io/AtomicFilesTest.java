package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void replacesTheFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a.bin");
        Files.write(target, new byte[] {9, 9, 9, 9, 9});

        AtomicFiles.write(target, channel -> channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));

        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of(target), list(dir));
    }

    @Test
    void createsAFileWithAVeryLongName(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("x".repeat(200) + ".bin");

        AtomicFiles.write(target, channel -> channel.write(ByteBuffer.wrap(new byte[] {7})));

        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target));
        assertEquals(List.of(target), list(dir));
    }

    @Test
    void failureKeepsTheOldFileAndRemovesTheTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a.bin");
        Files.write(target, new byte[] {5, 6});

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, channel -> {
            channel.write(ByteBuffer.wrap(new byte[1000]));
            throw new IOException("device full");
        }));

        assertEquals("device full", e.getMessage());
        assertArrayEquals(new byte[] {5, 6}, Files.readAllBytes(target));
        assertEquals(List.of(target), list(dir));
    }

    @Test
    void rejectsAPathWithoutAFileName() {
        assertThrows(IllegalArgumentException.class,
                () -> AtomicFiles.write(Path.of("/"), channel -> { }));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
