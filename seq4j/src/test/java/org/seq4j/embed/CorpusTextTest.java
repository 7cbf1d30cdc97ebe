package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corpus must be UTF-8 text: binary and latin-1 files are refused while counting, at their byte offset. */
class CorpusTextTest {

    @TempDir
    Path dir;

    private static int firstInvalid(byte[] b) {
        return TokenReader.firstInvalidByte(b, 0, b.length, false);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void validUtf8WordsOfEveryLengthPass() {
        for (String word : new String[] {"word", "été", "ice-cream", "日本語", "😀x", "\u007e", "\u0080\u07ff\uffff"}) {
            assertEquals(-1, firstInvalid(word.getBytes(StandardCharsets.UTF_8)), word);
        }
    }

    @Test
    void invalidSequencesAndControlCharactersAreFoundAtTheirFirstByte() {
        assertEquals(3, firstInvalid(bytes('c', 'a', 'f', 0xE9)));                 // latin-1 é
        assertEquals(1, firstInvalid(bytes('a', 0x80, 'b')));                      // stray continuation byte
        assertEquals(0, firstInvalid(bytes(0xC0, 0xAF)));                          // overlong '/'
        assertEquals(0, firstInvalid(bytes(0xE0, 0x80, 0xAF)));                    // overlong 3-byte form
        assertEquals(0, firstInvalid(bytes(0xED, 0xA0, 0x80)));                    // a UTF-16 surrogate
        assertEquals(0, firstInvalid(bytes(0xF4, 0x90, 0x80, 0x80)));              // above U+10FFFF
        assertEquals(0, firstInvalid(bytes(0xF5, 0x80, 0x80, 0x80)));
        assertEquals(1, firstInvalid(bytes('x', 0xE6, 0x97)));                     // cut short at the end
        assertEquals(2, firstInvalid(bytes('a', 'b', 0x00, 'c')));                 // NUL: binary
        assertEquals(0, firstInvalid(bytes(0x7F, 'E', 'L', 'F')));                 // an ELF header
        assertEquals(1, firstInvalid(bytes('a', 0x1B, '[', 'm')));                 // escape sequence
        // a token cut at the buffer length may end inside a character
        assertEquals(-1, TokenReader.firstInvalidByte(bytes('x', 0xE6, 0x97), 0, 3, true));
    }

    @Test
    void countingRefusesLatin1TextWithTheByteOffset() throws IOException {
        Path file = dir.resolve("latin1.txt");
        Files.write(file, "the cat\nun caf\u00e9 noir\n".getBytes(StandardCharsets.ISO_8859_1));
        CorpusFormatException e = assertThrows(CorpusFormatException.class,
                () -> Word2VecVocabulary.count(List.of(file), 1, 0));
        assertEquals(14, e.byteOffset());
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains("offset 14") && e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void countingRefusesBinaryDataInTheSecondFileWithItsOwnOffset() throws IOException {
        Path text = dir.resolve("a.txt");
        Files.writeString(text, "some words here\n");
        Path binary = dir.resolve("b.bin");
        Files.write(binary, bytes('o', 'k', ' ', 'b', 'i', 'n', 0x00, 0x01, '\n'));
        CorpusFormatException e = assertThrows(CorpusFormatException.class,
                () -> Word2VecVocabulary.count(List.of(text, binary), 1, 0));
        assertEquals(binary, e.file());
        assertEquals(6, e.byteOffset());
        assertTrue(e.getMessage().contains("control character 0x00"), e.getMessage());
    }

    @Test
    void aLongWordWithMultiByteCharactersAcrossTheBufferEdgeIsAccepted() throws IOException {
        // 'é' is two bytes: a word of them cut at an odd buffer length ends inside one
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("a ".getBytes(StandardCharsets.UTF_8));
        out.write("x".getBytes(StandardCharsets.UTF_8));
        out.write("é".repeat(TokenReader.BUFFER_BYTES).getBytes(StandardCharsets.UTF_8));
        out.write(" b\n".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("long.txt");
        Files.write(file, out.toByteArray());
        Word2VecVocabulary v = Word2VecVocabulary.count(List.of(file), 1, 0);
        assertEquals(3, v.size());
    }
}
