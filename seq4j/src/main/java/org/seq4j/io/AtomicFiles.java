package org.seq4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atomic file replacement, used by every seq4j save (model files, checkpoints, word vectors): a reader
 * of the target sees either the old file or the complete new one, never a part, and a failed save
 * leaves the old file as it was.
 *
 * <pre>
 *   write the body to a new temporary file next to the target    (".NAME.PID-N.tmp", same directory)
 *   force it to the device                                         (FileChannel.force)
 *   rename it over the target                                      (ATOMIC_MOVE)
 *   force the directory to the device, where the platform allows   (so that the rename survives a crash)
 * </pre>
 *
 * On any failure before the rename the temporary file is deleted (a failed deletion is added to the
 * failure as suppressed) and the target is unchanged.
 *
 * <p>A save that is killed (power loss, {@code kill -9}) cannot delete its temporary file. The next save
 * next to the same target therefore first removes the stale temporary files of that target: files named
 * {@code .NAME.PID-N.tmp} as above whose process is gone. A temporary file is stale when no process with
 * its PID is alive ({@link ProcessHandle#of(long)}); when the PID is this process's own but the file is
 * not one of the saves under way in it (a process before this one had the same PID, as happens in
 * containers); or when the process with that PID started more than a minute after the file was last
 * written (the PID was reused). The files of saves under way, in this process or another live one, are
 * left alone. PIDs are those of this machine: a directory shared with other machines may hold temporary
 * files of live saves there, which this rule would take for stale. Failing to remove a stale file is
 * logged, and never fails the save.
 */
public final class AtomicFiles {

    /**
     * Writes the body of a file to a freshly created, empty channel.
     */
    @FunctionalInterface
    public interface ChannelWriter {
        /**
         * Writes the whole body.
         *
         * @param channel open for writing, positioned at 0; the caller closes it
         * @throws IOException if writing fails; the save is then abandoned
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);
    private static final int MAX_TEMP_NAME_ATTEMPTS = 100;
    private static final int MAX_TEMP_BASE_NAME = 64;
    private static final AtomicLong TEMP_COUNTER = new AtomicLong();
    private static final String TEMP_SUFFIX = ".tmp";
    /** The temporary files of the saves under way in this process. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    /** How much later than a temporary file's last write its PID's process must have started to prove reuse. */
    private static final Duration PID_REUSE_MARGIN = Duration.ofMinutes(1);

    private AtomicFiles() {
    }

    /**
     * Replaces {@code target} atomically with what {@code body} writes.
     *
     * @param target the file to create or replace; its directory must exist
     * @param body   writes the new content
     * @throws IOException              if writing, forcing or renaming fails; {@code target} is then unchanged
     * @throws IllegalArgumentException if {@code target} does not name a file
     */
    public static void write(Path target, ChannelWriter body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || absolute.getFileName() == null) {
            throw new IllegalArgumentException("path must name a file but was " + target);
        }
        String baseName = absolute.getFileName().toString();
        if (baseName.length() > MAX_TEMP_BASE_NAME) {
            baseName = baseName.substring(0, MAX_TEMP_BASE_NAME);
        }
        removeStaleTemporaries(directory, baseName);
        // Created with CREATE_NEW rather than Files.createTempFile, so that the file gets the default
        // permissions of new files instead of owner-only ones. Registered as in flight before it exists, so
        // that a concurrent save of the same target never takes it for stale.
        Path temp = null;
        FileChannel channel = null;
        for (int attempt = 0; channel == null; attempt++) {
            temp = directory.resolve("." + baseName + "." + ProcessHandle.current().pid() + "-"
                    + TEMP_COUNTER.incrementAndGet() + TEMP_SUFFIX);
            IN_FLIGHT.add(temp);
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException | RuntimeException e) {
                IN_FLIGHT.remove(temp);
                if (!(e instanceof FileAlreadyExistsException) || attempt + 1 == MAX_TEMP_NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
        try {
            try (FileChannel c = channel) {
                body.writeTo(c);
                c.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable failure) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException deletion) {
                failure.addSuppressed(deletion);
            }
            throw failure;
        } finally {
            IN_FLIGHT.remove(temp);
        }
        forceDirectory(directory);
    }

    /**
     * Removes the stale temporary files of a target (see the class documentation).
     *
     * @param directory the target's directory
     * @param baseName  the target's file name as used in temporary names (at most 64 characters)
     * @return how many files were removed
     */
    static int removeStaleTemporaries(Path directory, String baseName) {
        String prefix = "." + baseName + ".";
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, entry -> {
            String name = entry.getFileName().toString();
            return name.length() > prefix.length() + TEMP_SUFFIX.length() && name.startsWith(prefix)
                    && name.endsWith(TEMP_SUFFIX);
        })) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                long pid = temporaryPid(name.substring(prefix.length(), name.length() - TEMP_SUFFIX.length()));
                if (pid < 0 || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) || !isStale(entry, pid)) {
                    continue;
                }
                try {
                    Files.deleteIfExists(entry);
                    removed++;
                    LOG.info("removed {}, the temporary file of an earlier save that did not finish", entry);
                } catch (IOException e) {
                    LOG.warn("cannot remove the stale temporary file {}: {}", entry, e.toString());
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            LOG.warn("cannot look for stale temporary files in {}: {}", directory, e.toString());
        }
        return removed;
    }

    /** The PID of a temporary file's "PID-N" part, or -1 if the part is not two runs of digits. */
    private static long temporaryPid(String pidAndCounter) {
        int dash = pidAndCounter.indexOf('-');
        if (dash <= 0 || dash == pidAndCounter.length() - 1 || dash > 18
                || !allDigits(pidAndCounter, 0, dash) || !allDigits(pidAndCounter, dash + 1, pidAndCounter.length())) {
            return -1;
        }
        return Long.parseLong(pidAndCounter, 0, dash, 10);
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isStale(Path temp, long pid) throws IOException {
        if (IN_FLIGHT.contains(temp)) {
            return false;
        }
        if (pid == ProcessHandle.current().pid()) {
            return true;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        Optional<Instant> started = process.get().info().startInstant();
        if (started.isEmpty()) {
            return false;
        }
        Instant written = Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS).toInstant();
        return started.get().isAfter(written.plus(PID_REUSE_MARGIN));
    }

    /**
     * Forces a directory's entries to the device. POSIX systems allow opening a directory for reading
     * and syncing it; others (Windows) refuse to open a directory, and there the rename is as durable as
     * the file system makes it: that refusal is logged at debug level, not raised, since the file has
     * been replaced by then.
     */
    private static void forceDirectory(Path directory) throws IOException {
        FileChannel dir;
        try {
            dir = FileChannel.open(directory, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot open directory {} to force the rename to the device: {}", directory, e.toString());
            return;
        }
        try (FileChannel d = dir) {
            d.force(true);
        }
    }
}
