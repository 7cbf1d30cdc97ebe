package org.seq4j.embed;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A word2vec corpus file is not UTF-8 text: a byte sequence that is not valid UTF-8 (latin-1 text, for
 * example) or a control character inside a word (a binary file). Raised while counting the vocabulary,
 * before any training; the message names the file and the byte offset.
 */
public final class CorpusFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The corpus file. */
    private final transient Path file;
    /** The offset in the file of the first bad byte. */
    private final long byteOffset;

    /**
     * Creates the exception.
     *
     * @param file       the corpus file
     * @param byteOffset the offset in the file of the first bad byte
     * @param message    what is wrong there, naming the file and the offset
     */
    public CorpusFormatException(Path file, long byteOffset, String message) {
        super(message);
        this.file = file;
        this.byteOffset = byteOffset;
    }

    /**
     * The corpus file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * Where the first bad byte is.
     *
     * @return its offset in the file, from 0
     */
    public long byteOffset() {
        return byteOffset;
    }
}
