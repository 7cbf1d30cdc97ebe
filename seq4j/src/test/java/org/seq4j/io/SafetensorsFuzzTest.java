package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.io.SafetensorsBytes.assertFormatError;
import static org.seq4j.io.SafetensorsBytes.concat;
import static org.seq4j.io.SafetensorsBytes.file;
import static org.seq4j.io.SafetensorsBytes.hex;
import static org.seq4j.io.SafetensorsBytes.lengthField;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Feeds the reader malformed input of many kinds. Every input must either be read or be rejected with
 * {@link SafetensorsFormatException}; any other exception (an index, negative size, number format or
 * class cast exception, an out-of-memory or stack overflow error) fails the test with the input in hex.
 * Whatever is read must survive a write and a second read unchanged.
 */
class SafetensorsFuzzTest {

    /** A small valid file with every dtype, a scalar, an empty tensor and metadata. */
    private static byte[] validFile() {
        return TensorFile.builder()
                .putMetadata("format", "pt")
                .putMetadata("n\u00e9", "\ud83d\ude42\n")
                .add(NamedTensor.of("weight", new float[] {1, -2, 3.5f, 0, 1e-3f, -7}, 2, 3))
                .add(NamedTensor.of("bias", new double[] {0.5, -0.25}, 2))
                .add(NamedTensor.of("ids", new long[] {1, 1L << 40, -3}, 3))
                .add(NamedTensor.of("count", new int[] {12}))
                .add(NamedTensor.of("none", new float[0], 0, 3))
                .build()
                .toBytes();
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] valid = validFile();
        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertFormatError(truncated);
        }
    }

    /** Replacement bytes tried at every position: JSON syntax, digits, signs, letters, UTF-8 edge cases. */
    private static final byte[] INTERESTING = "{}[],:\"\\ \t\n0189-+.eEuFIx_".getBytes(StandardCharsets.US_ASCII);

    @Test
    void singleByteMutationsAtEveryPositionAreReadOrRejected() {
        byte[] valid = validFile();
        int dataStart = 8 + (int) ByteBuffer.wrap(valid, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SplittableRandom random = new SplittableRandom(404);
        byte[] edgeBytes = {0x00, 0x1F, 0x7F, (byte) 0x80, (byte) 0xC0, (byte) 0xC3, (byte) 0xE2, (byte) 0xED,
            (byte) 0xF0, (byte) 0xF4, (byte) 0xFF};
        int dataMutations = 0;
        for (int pos = 0; pos < valid.length; pos++) {
            byte[] replacements = concat(INTERESTING, edgeBytes, randomBytes(random, 8));
            for (byte replacement : replacements) {
                if (replacement == valid[pos]) {
                    continue;
                }
                byte[] mutated = valid.clone();
                mutated[pos] = replacement;
                int at = pos;
                boolean read = readOrReject(mutated,
                        () -> String.format("byte %d set to 0x%02x", at, replacement & 0xFF));
                if (pos >= dataStart) {
                    assertTrue(read, "a change in the data buffer must still read, byte " + pos);
                    dataMutations++;
                }
            }
        }
        assertTrue(dataMutations > 0);
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void randomBytesAreRejected() {
        SplittableRandom random = new SplittableRandom(101);
        for (int trial = 0; trial < 5000; trial++) {
            byte[] bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            int n = trial;
            readOrReject(bytes, () -> "random trial " + n);
        }
        for (int trial = 0; trial < 5000; trial++) {
            // A plausible length and an opening brace, so that parsing gets past the first checks.
            byte[] header = new byte[2 + random.nextInt(100)];
            random.nextBytes(header);
            header[0] = '{';
            byte[] data = new byte[random.nextInt(40)];
            int n = trial;
            readOrReject(file(header, data), () -> "random header trial " + n);
        }
    }

    private static final String[] TOKENS = {
        "{", "}", "[", "]", ",", ":", " ", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"",
        "\"F32\"", "\"F64\"", "\"I32\"", "\"I64\"", "\"BF16\"", "\"a\"", "\"b\"", "\"\\u00e9\"", "\"\\ud83d\"",
        "\"\\\"", "0", "1", "4", "8", "16", "-1", "1.5", "1e2", "01", "true", "null", "9223372036854775807",
        "99999999999999999999", "\"", "\\",
    };

    @Test
    void randomTokenSequencesAreReadOrRejected() {
        SplittableRandom random = new SplittableRandom(202);
        for (int trial = 0; trial < 10000; trial++) {
            StringBuilder header = new StringBuilder("{");
            int tokens = random.nextInt(40);
            for (int i = 0; i < tokens; i++) {
                header.append(TOKENS[random.nextInt(TOKENS.length)]);
            }
            if (random.nextBoolean()) {
                header.append('}');
            }
            int n = trial;
            readOrReject(file(header.toString(), random.nextInt(40)), () -> "token trial " + n);
        }
    }

    /**
     * Headers that are valid JSON with the right structure, but random dtypes, shapes and offsets (some
     * negative, huge, overlapping or out of range), to exercise the semantic checks.
     */
    @Test
    void randomWellFormedHeadersAreReadOrRejected() {
        SplittableRandom random = new SplittableRandom(303);
        String[] dtypes = {"F32", "F64", "I32", "I64", "U8", "BF16"};
        long[] special = {0, 1, -1, 8, 1L << 31, (1L << 31) - 1, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE + 1};
        int accepted = 0;
        for (int trial = 0; trial < 10000; trial++) {
            StringBuilder header = new StringBuilder("{");
            int tensors = random.nextInt(4);
            long offset = 0;
            for (int t = 0; t < tensors; t++) {
                String dtype = dtypes[random.nextInt(dtypes.length)];
                int rank = random.nextInt(4);
                StringBuilder shape = new StringBuilder("[");
                long elements = 1;
                for (int d = 0; d < rank; d++) {
                    long dim = random.nextInt(10) == 0 ? special[random.nextInt(special.length)] : random.nextInt(4);
                    elements *= dim;
                    shape.append(d == 0 ? "" : ",").append(dim);
                }
                shape.append(']');
                int size = dtype.endsWith("64") ? 8 : dtype.endsWith("32") ? 4 : dtype.equals("U8") ? 1 : 2;
                long begin = random.nextInt(5) == 0 ? special[random.nextInt(special.length)] : offset;
                long end = random.nextInt(5) == 0 ? special[random.nextInt(special.length)] : begin + elements * size;
                offset = random.nextInt(4) == 0 ? offset : end;
                header.append(t == 0 ? "" : ",").append(SafetensorsBytes.entry("t" + random.nextInt(4), dtype,
                        shape.toString(), begin, end));
            }
            header.append('}');
            int dataLength = (int) Math.max(0, Math.min(offset, 200)) + (random.nextBoolean() ? 0 : random.nextInt(8));
            int n = trial;
            accepted += readOrReject(file(header.toString(), dataLength), () -> "structured trial " + n) ? 1 : 0;
        }
        assertTrue(accepted > 500, "only " + accepted + " structured headers were valid; the generator is off");
    }

    @Test
    void hugeDeclaredSizesAreRejectedBeforeAnyDataIsRead() {
        byte[] tail = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647],\"data_offsets\":[0,8589934588]}}"
                .getBytes(StandardCharsets.US_ASCII);
        assertFormatError(concat(lengthField(tail.length), tail), "extend past the end of the data buffer (0 bytes)");
        assertFormatError(concat(lengthField(99_999_999L), tail), "header length 99999999 exceeds the");
    }

    /** Reads {@code input}; returns true if it was valid and false if it was rejected properly. */
    private static boolean readOrReject(byte[] input, Supplier<String> what) {
        TensorFile file;
        try {
            file = TensorFile.read(input);
        } catch (SafetensorsFormatException e) {
            assertNotNull(e.getMessage(), what);
            return false;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError(what.get() + ": unexpected " + e + " for input " + hex(input), e);
        }
        try {
            assertEquals(file, TensorFile.read(file.toBytes()), () -> what.get() + ": read, write and read again");
        } catch (SafetensorsFormatException e) {
            throw new AssertionError(what.get() + ": re-reading what was written failed for input " + hex(input), e);
        }
        return true;
    }
}
