package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.io.SafetensorsBytes.assertFormatError;
import static org.seq4j.io.SafetensorsBytes.concat;
import static org.seq4j.io.SafetensorsBytes.entry;
import static org.seq4j.io.SafetensorsBytes.file;
import static org.seq4j.io.SafetensorsBytes.lengthField;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** One test per validation rule of the reader, each checking what the message says. */
class SafetensorsValidationTest {

    private static final String VALID_ENTRY = entry("a", "F32", "[2]", 0, 8);

    // ------------------------------------------------------------------------------ header length

    @Test
    void rejectsInputShorterThanTheLengthField() {
        assertFormatError(new byte[5], "input is 5 bytes, shorter than the 8-byte header length field");
        assertFormatError(new byte[0], "input is 0 bytes");
    }

    @Test
    void rejectsHeaderLengthBelowTwo() {
        assertFormatError(concat(lengthField(0), "{}".getBytes(StandardCharsets.US_ASCII)),
                "header length 0 is less than 2");
        assertFormatError(concat(lengthField(1), "{}".getBytes(StandardCharsets.US_ASCII)),
                "header length 1 is less than 2");
    }

    @Test
    void rejectsHeaderLengthAboveTheLimit() {
        assertFormatError(concat(lengthField(100_000_001L), new byte[16]),
                "header length 100000001 exceeds the limit of 100000000 bytes");
        assertFormatError(concat(lengthField(-1L), new byte[16]),
                "header length 18446744073709551615 exceeds the limit of 100000000 bytes");
    }

    @Test
    void rejectsHeaderLengthBeyondTheInput() {
        assertFormatError(concat(lengthField(50), "{}".getBytes(StandardCharsets.US_ASCII)),
                "header length 50 exceeds the 2 bytes that follow the length field");
    }

    // ---------------------------------------------------------------------------- UTF-8 and JSON syntax

    @Test
    void rejectsInvalidUtf8() {
        byte[] stray = {'{', '"', 'a', (byte) 0xFF, '"', ':', '{', '}', '}'};
        assertFormatError(file(stray, new byte[0]), "invalid UTF-8 in the string part starting at header byte 2");
        byte[] overlong = {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', ':', '{', '}', '}'};
        assertFormatError(file(overlong, new byte[0]), "invalid UTF-8");
        byte[] encodedSurrogate = {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ':', '{', '}', '}'};
        assertFormatError(file(encodedSurrogate, new byte[0]), "invalid UTF-8");
        byte[] truncatedSequence = {'{', '"', (byte) 0xE2, (byte) 0x80, '"', ':', '{', '}', '}'};
        assertFormatError(file(truncatedSequence, new byte[0]), "invalid UTF-8");
        byte[] outsideString = {'{', (byte) 0xC3, (byte) 0xA9, '}'};
        assertFormatError(file(outsideString, new byte[0]), "expected a string key but found byte 0xC3 at header byte 1");
    }

    @Test
    void rejectsHeaderNotStartingWithBrace() {
        assertFormatError(file(" {}", 0), "header must start with '{' but starts with byte 0x20");
        assertFormatError(file("[]", 0), "header must start with '{' but starts with byte 0x5B");
        assertFormatError(file("  ", 0), "header must start with '{'");
    }

    @Test
    void rejectsSyntaxErrorsWithTheirPosition() {
        String missingComma = "{\"a\":{\"dtype\":\"F32\" \"shape\":[2],\"data_offsets\":[0,8]}}";
        assertFormatError(file(missingComma, 8), "expected ',' or '}' but found '\"' at header byte "
                + missingComma.indexOf("\"shape\""));
        assertFormatError(file("{\"__metadata__\":{\"k\":\"v\",}}", 0),
                "expected a string key but found '}' at header byte 25");
        assertFormatError(file("{\"a\" {}}", 0), "expected ':' after key \"a\" but found '{' at header byte 5");
        assertFormatError(file("{\"a\":", 0), "unexpected end of the header, expected a value");
        assertFormatError(file("{" + VALID_ENTRY, 8), "expected ',' or '}' but found the end of the header");
        assertFormatError(file("{\"a\":@}", 0), "expected a value but found '@' at header byte 5");
        assertFormatError(file("{\"a\":{\"shape\":[1,2}}}", 0), "expected ',' or ']' but found '}'");
    }

    @Test
    void rejectsContentAfterTheHeaderObject() {
        assertFormatError(file("{}x", 0), "unexpected 'x' at header byte 2 after the end of the top-level value");
        assertFormatError(file("{}{}", 0), "unexpected '{' at header byte 2");
        assertFormatError(file(concat("{}".getBytes(StandardCharsets.US_ASCII), new byte[6]), new byte[0]),
                "unexpected byte 0x00 at header byte 2");
    }

    @Test
    void acceptsWhitespaceAndPaddingAroundTokens() throws IOException {
        String header = "{ \"a\" :\n{\t\"dtype\" : \"F32\" ,\r\n \"shape\" : [ 2 ] , \"data_offsets\" : [ 0 , 8 ] } }    ";
        TensorFile f = TensorFile.read(file(header, 8));
        assertArrayEquals(new int[] {2}, f.get("a").shape());
    }

    @Test
    void rejectsNumbersThatAreNotPlainIntegers() {
        assertFormatError(file("{" + entry("a", "F32", "[1.5]", 0, 4) + "}", 4),
                "number with a fraction or an exponent; only integers are allowed at header byte 29");
        assertFormatError(file("{" + entry("a", "F32", "[1e3]", 0, 4) + "}", 4), "fraction or an exponent");
        assertFormatError(file("{" + entry("a", "F32", "[01]", 0, 4) + "}", 4),
                "number with a leading zero at header byte 29");
        assertFormatError(file("{" + entry("a", "F32", "[-]", 0, 4) + "}", 4), "expected a digit after '-'");
        assertFormatError(file("{" + entry("a", "F32", "[99999999999999999999]", 0, 4) + "}", 4),
                "integer out of range");
    }

    @Test
    void rejectsLiterals() {
        assertFormatError(file("{\"__metadata__\":null}", 0),
                "true, false and null are not allowed in a safetensors header, found null at header byte 16");
        assertFormatError(file("{\"__metadata__\":{\"k\":true}}", 0), "true, false and null are not allowed");
    }

    @Test
    void rejectsMalformedStrings() {
        assertFormatError(file("{\"a", 0), "unterminated string at header byte 1");
        assertFormatError(file("{\"a\\x\":{}}", 0), "invalid escape sequence '\\x' at header byte 3");
        assertFormatError(file("{\"a\\u12\":{}}", 0), "\\u escape needs four hex digits at header byte 3");
        assertFormatError(file("{\"a\\u12", 0), "truncated \\u escape at header byte 3");
        assertFormatError(file("{\"\\ud83d\":{}}", 0),
                "high surrogate \\uD83D is not followed by a low surrogate at header byte 2");
        assertFormatError(file("{\"\\ud83d\\u0041\":{}}", 0), "high surrogate \\uD83D is not followed");
        assertFormatError(file("{\"\\ude42x\":{}}", 0),
                "low surrogate \\uDE42 without a preceding high surrogate at header byte 2");
        assertFormatError(file("{\"a\nb\":{}}", 0), "unescaped control character byte 0x0A at header byte 3");
    }

    @Test
    void decodesEscapesInNames() throws IOException {
        String header = "{" + entry("\\u00e9\\ud83d\\ude42\\\"\\\\\\/\\b\\f\\n\\r\\t", "F32", "[]", 0, 4) + "}";
        TensorFile f = TensorFile.read(file(header, 4));
        assertEquals("\u00e9\ud83d\ude42\"\\/\b\f\n\r\t", f.names().get(0));
    }

    // ------------------------------------------------------------------------------ duplicate keys

    @Test
    void rejectsDuplicateTensorNames() {
        String header = "{" + VALID_ENTRY + "," + entry("a", "F32", "[2]", 8, 16) + "}";
        assertFormatError(file(header, 16), "duplicate key \"a\" at header byte " + header.lastIndexOf("\"a\""));
    }

    @Test
    void rejectsDuplicateFieldsAndMetadata() {
        assertFormatError(file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\"}}", 0), "duplicate key \"dtype\"");
        assertFormatError(file("{\"__metadata__\":{},\"__metadata__\":{}}", 0), "duplicate key \"__metadata__\"");
        assertFormatError(file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0), "duplicate key \"k\"");
    }

    @Test
    void detectsDuplicatesAfterUnescaping() {
        String header = "{" + VALID_ENTRY + "," + entry("\\u0061", "F32", "[2]", 8, 16) + "}";
        assertFormatError(file(header, 16), "duplicate key \"a\"");
    }

    // ------------------------------------------------------------------------------ entry structure

    @Test
    void rejectsEntryThatIsNotAnObject() {
        assertFormatError(file("{\"a\":[1]}", 0),
                "tensor \"a\" must be an object with dtype, shape and data_offsets but was an array (at header byte 5)");
        assertFormatError(file("{\"a\":\"F32\"}", 0), "tensor \"a\" must be an object", "but was a string");
    }

    @Test
    void rejectsMissingFields() {
        assertFormatError(file("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor \"a\": missing field \"dtype\"");
        assertFormatError(file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8), "tensor \"a\": missing field \"shape\"");
        assertFormatError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "tensor \"a\": missing field \"data_offsets\"");
    }

    @Test
    void rejectsUnknownFields() {
        assertFormatError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offset\":[0,8]}}", 8),
                "tensor \"a\": unknown field \"data_offset\" (expected dtype, shape and data_offsets)");
    }

    @Test
    void rejectsDTypeOfWrongTypeOrUnsupported() {
        assertFormatError(file("{\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
                "tensor \"a\": dtype must be a string but was a number");
        assertFormatError(file("{" + entry("a", "BF16", "[2]", 0, 4) + "}", 4),
                "tensor \"a\": unsupported dtype \"BF16\" (supported: [F32, F64, I32, I64])");
        assertFormatError(file("{" + entry("a", "f32", "[2]", 0, 8) + "}", 8), "unsupported dtype \"f32\"");
    }

    @Test
    void rejectsShapeOfWrongType() {
        assertFormatError(file("{" + entry("a", "F32", "2", 0, 8) + "}", 8),
                "tensor \"a\": shape must be an array of integers but was a number");
        assertFormatError(file("{" + entry("a", "F32", "[\"2\"]", 0, 8) + "}", 8),
                "tensor \"a\": shape element 0 must be an integer but was a string");
        assertFormatError(file("{" + entry("a", "F32", "[2,[1]]", 0, 8) + "}", 8),
                "tensor \"a\": shape element 1 must be an integer but was an array");
    }

    @Test
    void rejectsNegativeAndOversizedDimensions() {
        assertFormatError(file("{" + entry("a", "F32", "[2,-1]", 0, 8) + "}", 8),
                "tensor \"a\": shape dimension 1 is negative (-1)");
        assertFormatError(file("{" + entry("a", "F32", "[3000000000,0]", 0, 0) + "}", 0),
                "tensor \"a\": shape dimension 0 is 3000000000, more than the supported 2147483647");
    }

    @Test
    void rejectsMalformedDataOffsets() {
        String prefix = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";
        assertFormatError(file(prefix + "8}}", 8),
                "tensor \"a\": data_offsets must be an array of two integers [begin, end] but was a number");
        assertFormatError(file(prefix + "[]}}", 8), "data_offsets must be an array of two integers [begin, end] but has 0 elements");
        assertFormatError(file(prefix + "[0]}}", 8), "but has 1 element");
        assertFormatError(file(prefix + "[0,8,16]}}", 8), "but has more than two elements");
        assertFormatError(file(prefix + "[\"0\",8]}}", 8),
                "tensor \"a\": data_offsets element 0 must be an integer but was a string");
        assertFormatError(file(prefix + "[-8,0]}}", 8), "tensor \"a\": data_offsets [-8, 0] must not be negative");
    }

    // ------------------------------------------------------------------------- offsets and sizes

    @Test
    void rejectsBeginAfterEnd() {
        assertFormatError(file("{" + entry("a", "F32", "[0]", 8, 4) + "}", 8),
                "tensor \"a\": data_offsets [8, 4] have begin > end");
    }

    @Test
    void rejectsByteRangeThatDoesNotMatchTheShape() {
        assertFormatError(file("{" + entry("a", "F32", "[2,3]", 0, 20) + "}", 24),
                "tensor \"a\": shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] span 20");
        assertFormatError(file("{" + entry("s", "F64", "[]", 0, 4) + "}", 8),
                "tensor \"s\": shape [] of F64 needs 8 bytes but data_offsets [0, 4] span 4");
        assertFormatError(file("{" + entry("e", "I64", "[3,0]", 0, 8) + "}", 8),
                "tensor \"e\": shape [3, 0] of I64 needs 0 bytes");
    }

    @Test
    void rejectsShapesWhoseByteCountOverflows() {
        String huge = "[2147483647,2147483647,2147483647]";
        assertFormatError(file("{" + entry("a", "F64", huge, 0, 8) + "}", 8),
                "tensor \"a\": shape [2147483647, 2147483647, 2147483647] of F64 has more bytes than a 64-bit offset can address");
        // Wraps to exactly 0 bytes in 64-bit arithmetic: 2^32 * 2^32 * 4.
        assertFormatError(file("{" + entry("b", "F32", "[65536,65536,65536,65536]", 0, 0) + "}", 0),
                "has more bytes than a 64-bit offset can address");
    }

    @Test
    void rejectsRangesPastTheDataBuffer() {
        assertFormatError(file("{" + entry("a", "F32", "[4]", 0, 16) + "}", 8),
                "tensor \"a\": data_offsets [0, 16] extend past the end of the data buffer (8 bytes)");
        assertFormatError(file("{" + entry("a", "I64", "[1]", 9223372036854775799L, 9223372036854775807L) + "}", 8),
                "extend past the end of the data buffer");
    }

    @Test
    void rejectsOverlappingTensors() {
        String header = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}";
        assertFormatError(file(header, 12), "tensor \"a\" [0, 8] and tensor \"b\" [4, 12] overlap in the data buffer");
        String same = "{" + entry("x", "I32", "[2]", 0, 8) + "," + entry("y", "F32", "[2]", 0, 8) + "}";
        assertFormatError(file(same, 8), "tensor \"x\" [0, 8] and tensor \"y\" [0, 8] overlap");
        String reversed = "{" + entry("late", "F32", "[4]", 8, 24) + "," + entry("early", "F64", "[2]", 0, 16) + "}";
        assertFormatError(file(reversed, 24), "tensor \"early\" [0, 16] and tensor \"late\" [8, 24] overlap");
    }

    @Test
    void acceptsEmptyTensorsAnywhereAndUncoveredBytes() throws IOException {
        // Empty ranges hold no byte, so they overlap nothing; bytes 12..19 belong to no tensor.
        String header = "{" + entry("a", "F32", "[2]", 4, 12) + "," + entry("e1", "F32", "[0]", 8, 8) + ","
                + entry("e2", "I64", "[0,5]", 8, 8) + "," + entry("e3", "F64", "[0]", 20, 20) + "}";
        TensorFile f = TensorFile.read(file(header, 20));
        assertEquals(4, f.size());
        assertEquals(0, f.get("e2").elementCount());
        assertArrayEquals(new int[] {0, 5}, f.get("e2").shape());
    }

    // ------------------------------------------------------------------------------------ metadata

    @Test
    void rejectsMetadataThatIsNotAnObjectOfStrings() {
        assertFormatError(file("{\"__metadata__\":\"pt\"}", 0),
                "__metadata__ must be an object of strings but was a string (at header byte 16)");
        assertFormatError(file("{\"__metadata__\":{\"epoch\":3}}", 0),
                "__metadata__ value for key \"epoch\" must be a string but was a number");
        assertFormatError(file("{\"__metadata__\":{\"k\":{}}}", 0), "must be a string but was an object");
    }

    // ------------------------------------------------------------------------------------- sources

    @Test
    void messagesNameTheFile(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("broken.safetensors");
        Files.write(p, file("{" + entry("a", "F32", "[3]", 0, 8) + "}", 8));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> TensorFile.read(p));
        assertTrue(e.getMessage().startsWith(p + ": tensor \"a\": shape [3] of F32 needs 12 bytes"), e.getMessage());
        byte[] bytes = file("{" + entry("a", "F32", "[3]", 0, 8) + "}", 8);
        assertTrue(assertFormatError(bytes).startsWith("safetensors data: "));
    }

    @Test
    void longNamesAreShortenedInMessages() {
        String name = "n".repeat(1000);
        String message = assertFormatError(file("{" + entry(name, "BF16", "[]", 0, 2) + "}", 2),
                "(1000 chars)", "unsupported dtype");
        assertTrue(message.length() < 300, message);
    }

    /**
     * A tensor larger than one Java array is rejected before anything is allocated. The file is sparse,
     * so it takes no disk space; sparse files are reliable on Linux file systems.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void rejectsTensorsLargerThanAnArrayWithoutAllocating(@TempDir Path dir) throws IOException {
        long bytes = 1L << 31;
        String header = "{" + entry("big", "F32", "[536870912]", 0, bytes) + "}";
        Path p = dir.resolve("big.safetensors");
        Files.write(p, file(header, 0));
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(raf.length() + bytes);
        }
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> TensorFile.read(p));
        assertTrue(e.getMessage().contains("tensor \"big\": 2147483648 bytes is more than the largest tensor this"
                + " reader supports (2147483639 bytes)"), e.getMessage());
    }
}
