package org.seq4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.seq4j.tensor.Layouts;

class TokenBatchTest {

    private static final int PAD = -1;

    @Test
    void padsIntoATimeMajorMatrix() {
        TokenBatch batch = TokenBatch.of(new int[][] {{1, 2, 3}, {4}, {5, 6}}, PAD);
        assertEquals(3, batch.batchSize());
        assertEquals(3, batch.maxLength());
        // row t holds step t of the three sequences
        assertArrayEquals(new int[] {
            1, 4, 5,
            2, PAD, 6,
            3, PAD, PAD,
        }, batch.tokens());
        assertArrayEquals(new int[] {3, 1, 2}, batch.lengths());
        assertArrayEquals(new int[] {0, 1, 2}, batch.exampleIndices());
        assertEquals(6, batch.numTokens());
        assertEquals(6, batch.token(1, 2));
        assertEquals(PAD, batch.token(2, 1));
        assertTrue(batch.isPadding(1, 1));
        assertFalse(batch.isPadding(0, 1));
        assertEquals(PAD, batch.padIndex());
    }

    @Test
    void paddingFollowsTheLengthsNotThePadValue() {
        // token 0 is both a real token and the pad index: the lengths decide
        TokenBatch batch = TokenBatch.of(new int[][] {{0, 0}, {7}}, 0);
        assertFalse(batch.isPadding(1, 0));
        assertTrue(batch.isPadding(1, 1));
        assertEquals(3, batch.numTokens());
    }

    @Test
    void gatherTakesExamplesFromTheDataSetAndRemembersThem() {
        int[][] dataset = {{10}, {20, 21}, {30, 31, 32}, {40}};
        TokenBatch batch = TokenBatch.gather(dataset, new int[] {2, 0, 2}, 0);
        assertArrayEquals(new int[] {2, 0, 2}, batch.exampleIndices());
        assertEquals(0, batch.exampleIndex(1));
        assertArrayEquals(new int[] {3, 1, 3}, batch.lengths());
        assertArrayEquals(new int[] {30, 10, 30, 31, 0, 31, 32, 0, 32}, batch.tokens());
    }

    @Test
    void batchFirstPaddingConvertsToTheSameMatrix() {
        int[][] sequences = {{1, 2, 3, 4}, {5, 6}, {7, 8, 9}};
        int[] batchFirst = {
            1, 2, 3, 4,
            5, 6, 0, 0,
            7, 8, 9, 0,
        };
        int[] timeMajor = new int[12];
        Layouts.batchFirstToTimeMajor(batchFirst, 3, timeMajor);
        assertArrayEquals(timeMajor, TokenBatch.of(sequences, 0).tokens());
    }

    @Test
    void isImmutable() {
        int[][] sequences = {{1, 2}, {3}};
        int[] examples = {1, 0};
        TokenBatch batch = TokenBatch.gather(sequences, examples, 0);
        TokenBatch same = TokenBatch.gather(new int[][] {{1, 2}, {3}}, new int[] {1, 0}, 0);
        sequences[0][0] = 99;
        examples[0] = 0;
        batch.tokens()[0] = 99;
        batch.lengths()[0] = 99;
        batch.exampleIndices()[0] = 99;
        assertEquals(same, batch);
        assertEquals(same.hashCode(), batch.hashCode());
        assertNotEquals(TokenBatch.of(new int[][] {{1, 2}, {3}}, 0), batch);  // other example indices
        assertEquals("TokenBatch[T=2, B=2, lengths=[1, 2], examples=[1, 0]]", batch.toString());
    }

    @Test
    void rejectsEmptyInputWithTheNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenBatch.of(new int[][] {{1}, {}}, 0));
        assertEquals("sequence 1 must hold at least one token but was empty", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenBatch.of(new int[][] {{1}, null}, 0));
        assertThrows(IllegalArgumentException.class, () -> TokenBatch.of(new int[0][], 0));
        e = assertThrows(IllegalArgumentException.class,
                () -> TokenBatch.gather(new int[][] {{1}}, new int[] {0, 1}, 0));
        assertEquals("exampleIndices[1] must be in [0, 1) but was 1", e.getMessage());
        TokenBatch batch = TokenBatch.of(new int[][] {{1}}, 0);
        assertThrows(IndexOutOfBoundsException.class, () -> batch.token(1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> batch.isPadding(0, -1));
    }
}
