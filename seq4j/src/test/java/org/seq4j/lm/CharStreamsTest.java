package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CharStreamsTest {

    @Test
    void cutsTextIntoContiguousStreamsWithTargetsShiftedByOne() {
        int[] ids = new int[23];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        // B = 2, T = 3: S = (23 − 1) / 2 = 11, K = 11 / 3 = 3
        CharStreams streams = new CharStreams(ids, 2, 3, "text");
        assertEquals(3, streams.numChunks());
        assertEquals(18, streams.targetsPerPass());
        int[] x = new int[6];
        int[] y = new int[6];
        streams.fill(0, x, y);
        // time-major rows t·B + b: stream 0 starts at 0, stream 1 at 11
        assertArrayEquals(new int[] {0, 11, 1, 12, 2, 13}, x);
        assertArrayEquals(new int[] {1, 12, 2, 13, 3, 14}, y);
        streams.fill(2, x, y);
        assertArrayEquals(new int[] {6, 17, 7, 18, 8, 19}, x);
        assertArrayEquals(new int[] {7, 18, 8, 19, 9, 20}, y);
    }

    @Test
    void consecutiveChunksContinueEachStream() {
        int[] ids = new int[1000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        CharStreams streams = new CharStreams(ids, 4, 7, "text");
        int[] x = new int[28];
        int[] y = new int[28];
        int[] previousLast = new int[4];
        for (int k = 0; k < streams.numChunks(); k++) {
            streams.fill(k, x, y);
            for (int b = 0; b < 4; b++) {
                if (k > 0) {
                    assertEquals(previousLast[b] + 1, x[b], "stream " + b + " chunk " + k);
                }
                previousLast[b] = x[6 * 4 + b];
            }
        }
    }

    @Test
    void rejectsTextTooShortForOneChunk() {
        // B·T + 1 = 10 ids fill exactly one chunk; 9 do not
        assertEquals(1, new CharStreams(new int[10], 3, 3, "text").numChunks());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CharStreams(new int[9], 3, 3, "validation text"));
        assertEquals("validation text of 9 characters is too short for 3 streams of 3 steps: "
                + "it needs at least 10", e.getMessage());
    }
}
