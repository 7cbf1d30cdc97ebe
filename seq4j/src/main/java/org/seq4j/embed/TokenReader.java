package org.seq4j.embed;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.seq4j.text.WhitespaceTokenizer;

/**
 * Streams the whitespace-separated tokens of a byte range of a corpus, without allocating per token.
 *
 * <p>The corpus is one or more files read as a single byte stream, the end of every file acting as a
 * line end. Tokens are those of {@link WhitespaceTokenizer}: maximal runs of bytes other than ASCII
 * whitespace (space, tab, newline, carriage return, form feed, vertical tab); since UTF-8 never uses
 * those byte values inside a multi-byte character, this splits UTF-8 text correctly, and a
 * {@code "\r\n"} line end reads as {@code "\n"}. A newline ends a sentence.
 *
 * <p>A reader covers the lines that <em>start</em> in {@code [from, to)}: it skips a partial first line
 * and reads past {@code to} to finish its last one. Splitting {@code [0, total)} into consecutive ranges
 * (as {@code word2vec.c} gives each thread {@code file_size / threads} bytes) therefore hands every line
 * to exactly one reader. A token longer than the read buffer ({@value #BUFFER_BYTES} bytes) is cut at
 * that length and its remainder skipped.
 */
final class TokenReader implements Closeable {

    /** {@link #next()} result: the range is exhausted. */
    static final int END_OF_INPUT = -1;
    /** {@link #next()} result: a line (sentence) ended. */
    static final int END_OF_LINE = -2;

    static final int BUFFER_BYTES = 1 << 16;

    private final List<Path> files;
    private final long[] fileStart;      // (files + 1) global offset of each file; last = total bytes
    private final long from;
    private final long to;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private final ByteBuffer byteBuffer = ByteBuffer.wrap(buf);

    private FileChannel channel;
    private int fileIndex;
    private long bufFilePos;             // position in the current file of buf[0]
    private int bufLen;
    private int cur;
    private boolean lineStart;
    private boolean lineOpen;
    private boolean skipRestOfToken;
    private int tokenStart;
    private boolean exhausted;

    /**
     * @param files     the corpus files in order; not modified
     * @param fileStart global byte offset of each file, and the total size at index {@code files.size()}
     * @param from      first global byte position of the range
     * @param to        end (exclusive) of the range
     */
    TokenReader(List<Path> files, long[] fileStart, long from, long to) throws IOException {
        this.files = files;
        this.fileStart = fileStart;
        this.from = from;
        this.to = to;
        rewind();
    }

    /** Global byte offsets of the files: {@code [0, size(f0), size(f0)+size(f1), ..., total]}. */
    static long[] fileOffsets(List<Path> files) throws IOException {
        long[] offsets = new long[files.size() + 1];
        for (int i = 0; i < files.size(); i++) {
            offsets[i + 1] = offsets[i] + Files.size(files.get(i));
        }
        return offsets;
    }

    /** Positions the reader at the start of its range again (for the next epoch). */
    void rewind() throws IOException {
        close();
        exhausted = false;
        skipRestOfToken = false;
        fileIndex = 0;
        while (fileIndex < files.size() && fileStart[fileIndex + 1] <= from) {
            fileIndex++;
        }
        if (fileIndex == files.size() || from >= to) {
            exhausted = true;
            return;
        }
        long local = from - fileStart[fileIndex];
        channel = FileChannel.open(files.get(fileIndex), StandardOpenOption.READ);
        bufLen = 0;
        cur = 0;
        lineOpen = false;
        if (local == 0) {
            bufFilePos = 0;
            lineStart = true;
            return;
        }
        // Start inside a file: begin at the line start that follows the byte before 'from'.
        bufFilePos = local - 1;
        lineStart = false;
        while (true) {
            if (cur == bufLen && !fill()) {
                exhausted = !openNextFile();
                return;
            }
            if (buf[cur++] == '\n') {
                lineStart = true;
                return;
            }
        }
    }

    /**
     * Advances to the next token or line end.
     *
     * @return the token length ({@code > 0}; the token is {@code buffer()[tokenStart(), +length)}),
     *         {@link #END_OF_LINE} or {@link #END_OF_INPUT}
     */
    int next() throws IOException {
        if (exhausted) {
            return END_OF_INPUT;
        }
        while (true) {
            if (lineStart) {
                if (fileStart[fileIndex] + bufFilePos + cur >= to) {
                    exhausted = true;
                    close();
                    return END_OF_INPUT;
                }
                lineStart = false;
            }
            if (cur == bufLen && !fill()) {
                boolean wasOpen = lineOpen;
                if (!openNextFile()) {
                    exhausted = true;
                    return wasOpen ? END_OF_LINE : END_OF_INPUT;
                }
                if (wasOpen) {
                    return END_OF_LINE;
                }
                continue;
            }
            byte c = buf[cur];
            if (c == '\n') {
                cur++;
                lineStart = true;
                lineOpen = false;
                skipRestOfToken = false;
                return END_OF_LINE;
            }
            if (isSpace(c)) {
                cur++;
                skipRestOfToken = false;
                continue;
            }
            if (skipRestOfToken) {
                cur++;
                continue;
            }
            lineOpen = true;
            int s = cur;
            while (true) {
                if (cur == bufLen) {
                    if (s > 0) {
                        System.arraycopy(buf, s, buf, 0, bufLen - s);
                        bufFilePos += s;
                        bufLen -= s;
                        cur -= s;
                        s = 0;
                    } else if (bufLen == buf.length) {
                        skipRestOfToken = true;
                        break;
                    }
                    if (!fillAppend()) {
                        break;
                    }
                }
                if (isSpace(buf[cur])) {
                    break;
                }
                cur++;
            }
            tokenStart = s;
            return cur - s;
        }
    }

    /** The read buffer holding the current token; not to be modified. */
    byte[] buffer() {
        return buf;
    }

    /** Start of the current token in {@link #buffer()}. */
    int tokenStart() {
        return tokenStart;
    }

    /** The file holding the current token. */
    Path tokenFile() {
        return files.get(fileIndex);
    }

    /** The offset of {@code buffer()[i]} in {@link #tokenFile()}, for an index {@code i} of the current token. */
    long fileOffset(int i) {
        return bufFilePos + i;
    }

    /**
     * Finds the first byte of {@code b[off, off + len)} that makes it other than the UTF-8 text of a word:
     * a control character (a C0 byte or DEL; white space never occurs inside a token) or the start of a
     * sequence that is not valid UTF-8 (a stray continuation byte, an overlong form, a surrogate, a value
     * above U+10FFFF, a sequence cut short). Allocates nothing.
     *
     * @param truncated the token was cut at the buffer length: a sequence cut short at its end is accepted
     * @return the index of that byte, or -1 if the bytes are a valid word
     */
    static int firstInvalidByte(byte[] b, int off, int len, boolean truncated) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7F) {
                    return i;
                }
                i++;
                continue;
            }
            int following;
            int lo = 0x80;
            int hi = 0xBF;        // the allowed range of the second byte
            if (c >= 0xC2 && c <= 0xDF) {
                following = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                following = 2;
                lo = c == 0xE0 ? 0xA0 : 0x80;     // no overlong forms
                hi = c == 0xED ? 0x9F : 0xBF;     // no surrogates
            } else if (c >= 0xF0 && c <= 0xF4) {
                following = 3;
                lo = c == 0xF0 ? 0x90 : 0x80;     // no overlong forms
                hi = c == 0xF4 ? 0x8F : 0xBF;     // nothing above U+10FFFF
            } else {
                return i;                         // a continuation byte, 0xC0, 0xC1 or 0xF5 and above
            }
            for (int k = 1; k <= following; k++) {
                if (i + k >= end) {
                    return truncated ? -1 : i;
                }
                int d = b[i + k] & 0xFF;
                if (k == 1 ? d < lo || d > hi : d < 0x80 || d > 0xBF) {
                    return i;
                }
            }
            i += following + 1;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /** A token separator: ASCII white space, as {@link WhitespaceTokenizer} splits. */
    static boolean isSpace(byte c) {
        return WhitespaceTokenizer.isSeparator(c);
    }

    // Discards the consumed buffer and reads more of the current file; false at its end.
    private boolean fill() throws IOException {
        bufFilePos += bufLen;
        bufLen = 0;
        cur = 0;
        return fillAppend();
    }

    // Reads more of the current file after buf[bufLen); false at its end or if the buffer is full.
    private boolean fillAppend() throws IOException {
        if (channel == null || bufLen == buf.length) {
            return false;
        }
        while (true) {
            byteBuffer.limit(buf.length).position(bufLen);
            int n = channel.read(byteBuffer, bufFilePos + bufLen);
            if (n < 0) {
                return false;
            }
            if (n > 0) {
                bufLen += n;
                return true;
            }
        }
    }

    private boolean openNextFile() throws IOException {
        close();
        fileIndex++;
        bufFilePos = 0;
        bufLen = 0;
        cur = 0;
        lineOpen = false;
        skipRestOfToken = false;
        lineStart = true;
        if (fileIndex >= files.size()) {
            fileIndex = files.size() - 1;
            bufFilePos = fileStart[files.size()] - fileStart[fileIndex];
            return false;
        }
        channel = FileChannel.open(files.get(fileIndex), StandardOpenOption.READ);
        return true;
    }
}
