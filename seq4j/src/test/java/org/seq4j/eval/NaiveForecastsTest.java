package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NaiveForecastsTest {

    private static final double[] SERIES = {10, 11, 12, 13, 14, 15, 16};

    @Test
    void lastValueIsTheValueBefore() {
        assertArrayEquals(new double[] {13, 10, 16}, NaiveForecasts.lastValue(SERIES, new int[] {4, 1, 7}), 0);
    }

    @Test
    void seasonalNaiveIsTheValueOneSeasonEarlier() {
        assertArrayEquals(new double[] {11, 13, 14}, NaiveForecasts.seasonalNaive(SERIES, new int[] {4, 6, 7}, 3), 0);
        assertArrayEquals(NaiveForecasts.lastValue(SERIES, new int[] {2, 5}),
                NaiveForecasts.seasonalNaive(SERIES, new int[] {2, 5}, 1), 0);
    }

    @Test
    void rejectsIndicesWithoutTheValueTheyNeed() {
        assertEquals("a target index must be in [3, 7] (the value 3 steps before it) but was 2",
                assertThrows(IllegalArgumentException.class,
                        () -> NaiveForecasts.seasonalNaive(SERIES, new int[] {2}, 3)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> NaiveForecasts.lastValue(SERIES, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> NaiveForecasts.lastValue(SERIES, new int[] {8}));
        assertThrows(IllegalArgumentException.class, () -> NaiveForecasts.seasonalNaive(SERIES, new int[] {3}, 0));
    }
}
