package org.seq4j.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMix64Test {

    @Test
    void matchesSplittableRandomForTheSameSeed() {
        for (long seed : new long[] {0L, 1L, -7L, 0x123456789ABCDEFL}) {
            SplitMix64 ours = new SplitMix64(seed);
            SplittableRandom jdk = new SplittableRandom(seed);
            for (int i = 0; i < 100; i++) {
                assertEquals(jdk.nextLong(), ours.nextLong(), "seed " + seed + " draw " + i);
            }
        }
    }

    @Test
    void restoredStateContinuesTheSameDraws() {
        SplitMix64 rng = new SplitMix64(2024);
        for (int i = 0; i < 17; i++) {
            rng.nextDouble();
        }
        SplitMix64 copy = new SplitMix64(0);
        copy.setState(rng.state());
        for (int i = 0; i < 50; i++) {
            assertEquals(rng.nextLong(), copy.nextLong());
            assertEquals(rng.nextInt(65), copy.nextInt(65));
            assertEquals(rng.nextDouble(), copy.nextDouble());
        }
    }

    @Test
    void streamSeedsDifferPerStream() {
        assertNotEquals(SplitMix64.streamSeed(1, 0), SplitMix64.streamSeed(1, 1));
        assertNotEquals(SplitMix64.streamSeed(1, 0), SplitMix64.streamSeed(2, 0));
        assertEquals(SplitMix64.streamSeed(5, 9), SplitMix64.streamSeed(5, 9));
    }
}
