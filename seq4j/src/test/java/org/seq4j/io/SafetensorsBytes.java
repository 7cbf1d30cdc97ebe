package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds raw safetensors bytes for tests, including invalid ones. */
final class SafetensorsBytes {

    private SafetensorsBytes() {
    }

    /** A file with the given header text (UTF-8, unpadded) and data buffer. */
    static byte[] file(String header, byte[] data) {
        return file(header.getBytes(StandardCharsets.UTF_8), data);
    }

    /** A file with the given raw header bytes (unpadded) and data buffer. */
    static byte[] file(byte[] header, byte[] data) {
        return concat(lengthField(header.length), header, data);
    }

    /** A file with the given header text and a data buffer of {@code dataLength} zero bytes. */
    static byte[] file(String header, int dataLength) {
        return file(header, new byte[dataLength]);
    }

    /** The 8-byte little-endian length field. */
    static byte[] lengthField(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    /** The header JSON of one entry. */
    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":["
                + begin + "," + end + "]}";
    }

    /**
     * Asserts that reading {@code bytes} fails with {@link SafetensorsFormatException} whose message
     * contains every fragment; returns the message.
     */
    static String assertFormatError(byte[] bytes, String... fragments) {
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> TensorFile.read(bytes));
        String message = e.getMessage();
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment),
                    () -> "message should contain <" + fragment + "> but was <" + message + ">");
        }
        return message;
    }

    /** Hex of the first bytes, for failure messages. */
    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 200); i++) {
            sb.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return sb.append(bytes.length > 200 ? "... (" + bytes.length + " bytes)" : "").toString();
    }
}
