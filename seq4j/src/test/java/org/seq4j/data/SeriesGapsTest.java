package org.seq4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SeriesGapsTest {

    private static final double NA = Double.NaN;

    @Test
    void interpolatesLinearlyBetweenObservedNeighbours() {
        double[] series = {1, NA, NA, 4, 10, NA, 6};
        double[] filled = SeriesGaps.interpolate(series);
        assertArrayEquals(new double[] {1, 2, 3, 4, 10, 8, 6}, filled, 1e-12);
        assertEquals(NA, series[1], "the input is not modified");
    }

    @Test
    void gapsAtTheEndsTakeTheNearestObservedValue() {
        assertArrayEquals(new double[] {5, 5, 5, 7, 7}, SeriesGaps.interpolate(new double[] {NA, NA, 5, 7, NA}), 0);
        assertArrayEquals(new double[] {3}, SeriesGaps.interpolate(new double[] {3}), 0);
        assertArrayEquals(new double[0], SeriesGaps.interpolate(new double[0]), 0);
    }

    @Test
    void observedValuesAreCopiedBitForBit() {
        double[] series = {0.1, NA, 0.30000000000000004, -0.0};
        double[] filled = SeriesGaps.interpolate(series);
        assertEquals(Double.doubleToRawLongBits(0.30000000000000004), Double.doubleToRawLongBits(filled[2]));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(filled[3]));
    }

    @Test
    void marksAndCountsTheMissingValues() {
        double[] series = {NA, 2, NA, NA, 5};
        assertArrayEquals(new boolean[] {false, true, false, false, true}, SeriesGaps.observed(series));
        assertEquals(3, SeriesGaps.countMissing(series));
        assertEquals(0, SeriesGaps.countMissing(new double[] {1, 2}));
    }

    @Test
    void rejectsASeriesWithoutValuesOrWithInfinities() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> SeriesGaps.interpolate(new double[] {NA, NA}));
        assertEquals("series must have an observed value but all 2 are missing", none.getMessage());
        IllegalArgumentException infinite = assertThrows(IllegalArgumentException.class,
                () -> SeriesGaps.interpolate(new double[] {1, Double.POSITIVE_INFINITY}));
        assertEquals("series[1] must be finite or NaN (missing) but was Infinity", infinite.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SeriesGaps.observed(null));
    }
}
