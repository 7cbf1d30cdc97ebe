package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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

    /**
     * The temporary files that killed saves leave (full size) are removed by the next save of the same target
     * when their process is gone; nothing else is touched.
     */
    @Test
    void theNextSaveRemovesStaleTemporaryFilesOfItsTarget(@TempDir Path dir) throws IOException, InterruptedException {
        Path target = dir.resolve("model.safetensors");
        Files.write(target, new byte[] {1});
        long gone = finishedProcessPid();
        long self = ProcessHandle.current().pid();
        long alive = ProcessHandle.current().parent().orElseThrow().pid();
        List<Path> stale = List.of(
                dir.resolve(".model.safetensors." + gone + "-3.tmp"),          // a killed process
                dir.resolve(".model.safetensors." + self + "-999999.tmp"),     // an earlier process with this PID
                dir.resolve(".model.safetensors." + alive + "-5.tmp"));        // written long before PID reuse
        List<Path> kept = List.of(
                dir.resolve(".model.safetensors." + alive + "-4.tmp"),         // a live process's save
                dir.resolve(".other.safetensors." + gone + "-3.tmp"),          // another target
                dir.resolve(".model.safetensors.tmp"),                         // not named as ours
                dir.resolve(".model.safetensors." + gone + "-x.tmp"),
                dir.resolve(".model.safetensors.-3.tmp"),
                dir.resolve("model.safetensors." + gone + "-3.tmp"));
        for (Path p : stale) {
            Files.write(p, new byte[4096]);
        }
        Files.setLastModifiedTime(stale.get(2), FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
        for (Path p : kept) {
            Files.write(p, new byte[10]);
        }
        Path directoryLikeATemp = Files.createDirectory(dir.resolve(".model.safetensors." + gone + "-7.tmp"));

        AtomicFiles.write(target, channel -> channel.write(ByteBuffer.wrap(new byte[] {2})));

        assertArrayEquals(new byte[] {2}, Files.readAllBytes(target));
        List<Path> expected = new java.util.ArrayList<>(kept);
        expected.add(target);
        expected.add(directoryLikeATemp);
        assertEquals(expected.stream().sorted().toList(), list(dir));
    }

    /** A save under way in this process, here one that encloses another save of the same target, is never stale. */
    @Test
    void aSaveUnderWayKeepsItsTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a.bin");
        AtomicFiles.write(target, outer -> {
            outer.write(ByteBuffer.wrap(new byte[] {1, 1}));
            AtomicFiles.write(target, inner -> inner.write(ByteBuffer.wrap(new byte[] {2})));
            outer.write(ByteBuffer.wrap(new byte[] {1}));
        });
        assertArrayEquals(new byte[] {1, 1, 1}, Files.readAllBytes(target));
        assertEquals(List.of(target), list(dir));
    }

    /** The PID of a process that has ended (as a killed save's process has). */
    private static long finishedProcessPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        assertFalse(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false));
        return p.pid();
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
