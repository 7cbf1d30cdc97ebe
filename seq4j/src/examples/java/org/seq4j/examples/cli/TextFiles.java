package org.seq4j.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a whole UTF-8 text file into memory, within bounds: only a regular file (never a device such as
 * {@code /dev/zero}), no more bytes than a {@link String} holds and than the heap can take with what is
 * built from the text, and only text: the first byte that is not valid UTF-8, or a control character other
 * than tab, line feed, vertical tab, form feed and carriage return (a sign of a binary file), is reported
 * with its byte offset. A leading byte-order mark is dropped.
 */
public final class TextFiles {

    /** The most bytes a Java string can be built from here. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    private TextFiles() {
    }

    /**
     * Reads the text.
     *
     * @param flag              how the command line names the file ({@code "--data"})
     * @param file              the file
     * @param heapBytesPerByte  the heap the command needs per byte of text (the text and what it builds from
     *                          it), for the check against the heap
     * @return the text, without a leading byte-order mark
     * @throws CliException (input) if the file is not a readable regular file, too large, empty, not UTF-8
     *                      or binary
     * @throws IOException  if reading fails
     */
    public static String readUtf8(String flag, Path file, double heapBytesPerByte) throws IOException {
        PathChecks.inputFile(flag, file);
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw CliException.input(flag + " " + file + " is " + Cli.bytes(size) + "; at most "
                    + Cli.bytes(MAX_BYTES) + " of text can be read; give a smaller file");
        }
        Heap.require(Math.max(size, 1) * heapBytesPerByte, "reading " + flag + " " + file + " ("
                + Cli.bytes(size) + ")");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // bounded even if the file grows, or reports a size it does not have
            bytes = in.readNBytes((int) Math.min(MAX_BYTES, size + (1 << 16)));
            if (in.read() >= 0) {
                throw CliException.input(flag + " " + file + " grew while it was read; give a file that does "
                        + "not change");
            }
        }
        if (bytes.length == 0) {
            throw CliException.input(flag + " " + file + " is empty; give a text file");
        }
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        long control = firstControlByte(bytes, start);
        long malformed = firstMalformedByte(bytes, start);
        if (malformed >= 0 && (control < 0 || malformed < control)) {
            throw CliException.input(flag + " " + file + " is not UTF-8 text: " + describeByte(bytes, (int) malformed)
                    + " is not valid UTF-8; convert it first, e.g. iconv -f latin1 -t utf-8");
        }
        if (control >= 0) {
            throw CliException.input(flag + " " + file + " looks like a binary file, not text: byte " + control
                    + String.format(Locale.ROOT, " is the control character 0x%02X; give a UTF-8 text file",
                    bytes[(int) control]));
        }
        if (start == bytes.length) {
            throw CliException.input(flag + " " + file + " is empty (only a byte-order mark); give a text file");
        }
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }

    /** The offset of the first C0 control byte other than \t \n \v \f \r, or DEL; -1 if none. */
    static long firstControlByte(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            int b = bytes[i];
            if ((b >= 0 && b < 0x20 && (b < '\t' || b > '\r')) || b == 0x7F) {
                return i;
            }
        }
        return -1;
    }

    /** The offset of the first byte of the first invalid UTF-8 sequence, or -1; allocates a small buffer. */
    static long firstMalformedByte(byte[] bytes, int from) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, bytes.length - from);
        CharBuffer out = CharBuffer.allocate(1 << 13);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                return in.position();
            }
            if (r.isUnderflow()) {
                r = decoder.flush(out.clear());
                return r.isError() ? in.position() : -1;
            }
            out.clear();   // overflow: the decoded characters are not needed, only the check
        }
    }

    private static String describeByte(byte[] bytes, int offset) {
        StringBuilder hex = new StringBuilder();
        for (int i = offset; i < Math.min(bytes.length, offset + 4); i++) {
            hex.append(String.format(Locale.ROOT, " 0x%02X", bytes[i] & 0xFF));
        }
        return "the bytes at offset " + offset + " (" + hex.toString().strip() + ")";
    }
}
