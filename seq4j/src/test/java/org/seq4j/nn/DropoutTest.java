package org.seq4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class DropoutTest {

    private static final float P = 0.3f;

    /** The inverted-dropout loop as the recurrent layer and the language model wrote it before. */
    private static float[] referenceMask(SplittableRandom random, int n, float p) {
        float keep = 1f / (1f - p);
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) {
            mask[i] = random.nextFloat() < p ? 0f : keep;
        }
        return mask;
    }

    @Test
    void trainingDrawsTheMaskOfTheReferenceLoopAndScalesTheKeptEntries() {
        FMatrixRMaj x = uniform(7, 5, 1.0, new SplittableRandom(1));
        FMatrixRMaj y = new FMatrixRMaj(7, 5);
        SplittableRandom random = new SplittableRandom(42);
        Dropout.Cache cache = new Dropout(P).forward(x, y, random);

        float[] expected = referenceMask(new SplittableRandom(42), 35, P);
        assertArrayEquals(expected, cache.mask().data);
        for (int i = 0; i < 35; i++) {
            assertEquals(x.data[i] * expected[i], y.data[i]);
        }
        assertFalse(cache.isIdentity());
        // the stream advanced by exactly N·C draws
        SplittableRandom after = new SplittableRandom(42);
        referenceMask(after, 35, P);
        assertEquals(after.nextLong(), random.nextLong());
    }

    @Test
    void theDropRateIsP() {
        int n = 20_000;
        float[] mask = new float[n];
        float[] out = new float[n];
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        Dropout.apply(P, new SplittableRandom(3), ones, mask, out, n);
        int dropped = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            dropped += mask[i] == 0f ? 1 : 0;
            sum += out[i];
            assertTrue(mask[i] == 0f || mask[i] == 1f / (1f - P));
        }
        // binomial(20 000, 0.3): standard deviation 65 drops; 5 deviations
        assertEquals(0.3 * n, dropped, 325);
        assertEquals(1.0, sum / n, 0.03);   // inverted: the mean is kept
    }

    @Test
    void backwardMultipliesByTheMaskAndMayWorkInPlace() {
        SplittableRandom random = new SplittableRandom(5);
        FMatrixRMaj x = uniform(4, 3, 1.0, random);
        FMatrixRMaj dy = uniform(4, 3, 1.0, random);
        Dropout dropout = new Dropout(0.5f);
        Dropout.Cache cache = dropout.forward(x, x, random);   // in place
        float[] mask = cache.mask().data.clone();
        FMatrixRMaj dx = dy.copy();
        dropout.backward(cache, dx, dx);
        for (int i = 0; i < 12; i++) {
            assertEquals(dy.data[i] * mask[i], dx.data[i]);
        }
    }

    @Test
    void evaluationAndZeroProbabilityAreTheIdentityAndDrawNothing() {
        FMatrixRMaj x = uniform(3, 4, 1.0, new SplittableRandom(6));
        FMatrixRMaj y = new FMatrixRMaj(3, 4);
        FMatrixRMaj dx = new FMatrixRMaj(3, 4);
        Dropout dropout = new Dropout(P);
        Dropout.Cache cache = dropout.forward(x, y, null);
        assertArrayEquals(x.data, y.data);
        assertTrue(cache.isIdentity());
        assertThrows(IllegalStateException.class, cache::mask);
        dropout.backward(cache, x, dx);
        assertArrayEquals(x.data, dx.data);

        SplittableRandom random = new SplittableRandom(7);
        Dropout none = new Dropout(0f);
        none.forward(x, y, random);
        assertArrayEquals(x.data, y.data);
        assertEquals(new SplittableRandom(7).nextLong(), random.nextLong());
    }

    @Test
    void aCacheIsFilledByForwardConsumedByOneBackwardAndKnowsItsModule() {
        SplittableRandom random = new SplittableRandom(8);
        Dropout dropout = new Dropout(P);
        FMatrixRMaj x = uniform(2, 3, 1.0, random);
        FMatrixRMaj y = new FMatrixRMaj(2, 3);
        Dropout.Cache empty = dropout.newCache();
        IllegalStateException never = assertThrows(IllegalStateException.class, () -> dropout.backward(empty, y, y));
        assertEquals("backward needs a forward first", never.getMessage());
        assertThrows(IllegalStateException.class, empty::mask);
        Dropout.Cache cache = dropout.forward(x, y, random);
        FMatrixRMaj mask = cache.mask();
        assertThrows(IllegalArgumentException.class, () -> new Dropout(P).backward(cache, y, y));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(P).forward(x, y, random, cache));
        assertThrows(IllegalArgumentException.class, () -> dropout.backward(cache, new FMatrixRMaj(3, 2), y));
        dropout.backward(cache, y, y);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dropout.backward(cache, y, y));
        assertEquals("backward already ran on this cache; run forward again first", e.getMessage());

        // reused: the same buffer while the shape stays, a new one of the exact size when it changes
        assertSame(cache, dropout.forward(x, y, random, cache));
        assertSame(mask, cache.mask());
        FMatrixRMaj small = uniform(1, 3, 1.0, random);
        dropout.forward(small, small, random, cache);
        assertNotSame(mask, cache.mask());
        assertEquals(3, cache.mask().data.length);
        dropout.backward(cache, small, small);
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1f));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Float.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dropout(P).forward(new FMatrixRMaj(2, 3), new FMatrixRMaj(3, 2), null));
        assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dropout.apply(P, new SplittableRandom(1), new float[4], new float[3], new float[4], 4));
        assertEquals("mask must have at least 4 elements but had 3", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Dropout.apply(P, null, new float[4], new float[4], new float[4], 4));
        assertThrows(IllegalArgumentException.class,
                () -> Dropout.applyMask(new float[2], new float[4], new float[4], 4));
        assertEquals("Dropout(p=0.3)", new Dropout(P).toString());
    }
}
