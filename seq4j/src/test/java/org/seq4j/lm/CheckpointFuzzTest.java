package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.io.Checkpoint;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.rnn.CellType;
import org.seq4j.text.CharacterVocabulary;

/**
 * Every byte of a small training checkpoint's length field, header and metadata changed, one at a time:
 * each variant must be rejected with {@link CheckpointFormatException}, or load to exactly the same model
 * (every parameter bit for bit, vocabulary, configuration) and training state (settings, step, random
 * state, carried state, optimizer state, fingerprint of the text). A sample of tensor bytes is changed too:
 * those the checksum must always catch.
 */
class CheckpointFuzzTest {

    /** JSON whitespace: the only bytes of a header whose change may go unnoticed, because it changes nothing. */
    private static final byte[] WHITESPACE = {' ', '\t', '\n', '\r'};

    /** Tensor bytes changed, at random places with random nonzero masks. */
    private static final int TENSOR_SAMPLES = 400;

    @TempDir
    Path dir;
    private Path file;
    private byte[] original;
    private int headerEnd;
    private Checkpoints.Contents expected;

    @BeforeEach
    void saveASmallTrainingCheckpoint() throws IOException {
        CharacterVocabulary vocabulary = CharacterVocabulary.of(CharLmTrainerTest.TEXT);
        // LSTM (state.h and state.c), dropout, Adam (buffers and step counts per parameter)
        CharLanguageModel model = new CharLanguageModel(
                new CharLmConfig(CellType.LSTM, vocabulary.size(), 3, 4, 1, 0.1f), vocabulary, 11);
        CharLmTrainer trainer = CharLmTrainer.create(model, CharLmTrainerTest.TEXT,
                CharLmTrainerTest.smallConfig(), CharLmTrainerTest.ADAM);
        trainer.step();
        file = dir.resolve("fuzz.safetensors");
        trainer.save(file);
        original = Files.readAllBytes(file);
        headerEnd = 8 + (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong();
        expected = Checkpoints.read(file);
        assertSameContents(expected, read(original), "the file read from memory");
        assertNotNull(expected.training());
    }

    @Test
    void everyChangeOfTheHeaderIsRejectedOrLoadsTheSameCheckpoint() throws IOException {
        int rejected = 0;
        int harmless = 0;
        for (int at = 0; at < headerEnd; at++) {
            // four single-bit flips: bits 0, 2, 4, 6 at even offsets, 1, 3, 5, 7 at odd ones
            for (int bit = at % 2; bit < 8; bit += 2) {
                if (loadVariant(at, (byte) (original[at] ^ (1 << bit)))) {
                    harmless++;
                } else {
                    rejected++;
                }
            }
            // and JSON whitespace in its place: a space, or a tab for a space
            if (loadVariant(at, original[at] == ' ' ? (byte) '\t' : (byte) ' ')) {
                harmless++;
            } else {
                rejected++;
            }
        }
        assertEquals(5 * headerEnd, rejected + harmless);
        // The writer pads the header with spaces to a multiple of 8 bytes: a tab for such a space is harmless;
        // every other change is rejected (a space inside a string, the optimizer's description, is content).
        assertEquals(trailingSpaces(), harmless, "harmless changes");
    }

    @Test
    void everySampledChangeOfTheTensorsIsCaughtByTheChecksum() throws IOException {
        SplittableRandom random = new SplittableRandom(15);
        for (int i = 0; i < TENSOR_SAMPLES; i++) {
            int at = headerEnd + random.nextInt(original.length - headerEnd);
            byte changed = (byte) (original[at] ^ (1 + random.nextInt(255)));
            CheckpointFormatException e = reject(at, changed);
            assertTrue(e.getMessage().startsWith(file + " is corrupted: its contents do not match the checksum"),
                    "byte " + at + ": " + e.getMessage());
        }
    }

    /**
     * Loads the file with byte {@code at} replaced; returns true if it loaded (after checking that it loads
     * exactly as the original), false if it was rejected with {@link CheckpointFormatException}.
     */
    private boolean loadVariant(int at, byte value) throws IOException {
        byte[] variant = original.clone();
        variant[at] = value;
        Checkpoints.Contents loaded;
        try {
            loaded = read(variant);
        } catch (CheckpointFormatException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError(describe(at, value) + " threw " + e, e);
        }
        // Accepted: only a change of JSON whitespace for other JSON whitespace may be, and it must be harmless.
        assertTrue(isWhitespace(original[at]) && isWhitespace(value), describe(at, value) + " was accepted");
        assertSameContents(expected, loaded, describe(at, value));
        return true;
    }

    private CheckpointFormatException reject(int at, byte value) throws IOException {
        byte[] variant = original.clone();
        variant[at] = value;
        try {
            read(variant);
        } catch (CheckpointFormatException e) {
            return e;
        }
        return fail(describe(at, value) + " was accepted");
    }

    /** Reads as {@link CharLanguageModel#load} and {@link CharLmTrainer#resume} do, from memory (fast). */
    private Checkpoints.Contents read(byte[] bytes) throws CheckpointFormatException {
        return Checkpoints.read(Checkpoint.read(bytes, Checkpoints.KIND, file.toString()));
    }

    private String describe(int at, byte value) {
        return String.format("byte %d (0x%02x → 0x%02x)", at, original[at] & 0xFF, value & 0xFF);
    }

    private static boolean isWhitespace(byte b) {
        for (byte w : WHITESPACE) {
            if (b == w) {
                return true;
            }
        }
        return false;
    }

    private int trailingSpaces() {
        int n = 0;
        while (original[headerEnd - 1 - n] == ' ') {
            n++;
        }
        return n;
    }

    /** Everything a load hands to the model and the trainer, compared bit for bit. */
    private static void assertSameContents(Checkpoints.Contents a, Checkpoints.Contents b, String what) {
        assertEquals(a.model().config(), b.model().config(), what);
        assertEquals(a.model().vocabulary(), b.model().vocabulary(), what);
        CharLmTrainerTest.assertBitIdentical(a.model().parameters(), b.model().parameters());
        Checkpoints.TrainingState s = a.training();
        Checkpoints.TrainingState t = b.training();
        assertEquals(s.config(), t.config(), what);
        assertEquals(s.step(), t.step(), what);
        assertEquals(s.rngState(), t.rngState(), what);
        assertBitIdentical(s.hidden(), t.hidden(), what);
        assertBitIdentical(s.cellState(), t.cellState(), what);
        assertEquals(s.optimizer(), t.optimizer(), what);
        assertEquals(s.optimizerState(), t.optimizerState(), what);
        assertEquals(s.dataCharacters(), t.dataCharacters(), what);
        assertEquals(s.dataChecksum(), t.dataChecksum(), what);
    }

    private static void assertBitIdentical(FMatrixRMaj a, FMatrixRMaj b, String what) {
        assertEquals(a.numRows, b.numRows, what);
        assertEquals(a.numCols, b.numCols, what);
        int[] bitsA = new int[a.getNumElements()];
        int[] bitsB = new int[b.getNumElements()];
        for (int i = 0; i < bitsA.length; i++) {
            bitsA[i] = Float.floatToRawIntBits(a.data[i]);
            bitsB[i] = Float.floatToRawIntBits(b.data[i]);
        }
        assertArrayEquals(bitsA, bitsB, what);
    }
}
