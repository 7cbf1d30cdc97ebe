package org.seq4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
        // Created with CREATE_NEW rather than Files.createTempFile, so that the file gets the default
        // permissions of new files instead of owner-only ones.
        Path temp = null;
        FileChannel channel = null;
        for (int attempt = 0; channel == null; attempt++) {
            temp = directory.resolve("." + baseName + "." + ProcessHandle.current().pid() + "-"
                    + TEMP_COUNTER.incrementAndGet() + ".tmp");
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt + 1 == MAX_TEMP_NAME_ATTEMPTS) {
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
        }
        forceDirectory(directory);
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
