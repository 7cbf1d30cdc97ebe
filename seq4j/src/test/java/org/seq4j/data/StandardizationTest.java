package org.seq4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StandardizationTest {

    @Test
    void fitsTheMeanAndPopulationStandardDeviationOfTheRange() {
        double[] values = {100, 2, 4, 4, 4, 5, 5, 7, 9, -100};
        Standardization s = Standardization.fit(values, 1, 9);   // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, std 2
        assertEquals(5.0, s.mean(), 1e-12);
        assertEquals(2.0, s.std(), 1e-12);
        assertEquals(1.5, s.standardize(8), 1e-12);
        assertEquals(8.0, s.restore(1.5), 1e-12);
    }

    @Test
    void standardizeAndRestoreAreInverse() {
        Standardization s = new Standardization(340.25, 12.5);
        for (double x : new double[] {-3, 0, 315.7, 371.5}) {
            assertEquals(x, s.restore(s.standardize(x)), 1e-12);
        }
    }

    @Test
    void aConstantRangeOnlyCentres() {
        Standardization s = Standardization.fit(new double[] {3, 3, 3}, 0, 3);
        assertEquals(new Standardization(3, 1), s);
    }

    @Test
    void rejectsBadStatisticsAndRanges() {
        assertEquals("std must be positive and finite but was 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Standardization(0, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Standardization(Double.NaN, 1));
        assertEquals("the range [from, to) must be a non-empty part of [0, 3) but was [2, 2)",
                assertThrows(IllegalArgumentException.class,
                        () -> Standardization.fit(new double[3], 2, 2)).getMessage());
        assertEquals("values[1] must be finite but was NaN", assertThrows(IllegalArgumentException.class,
                () -> Standardization.fit(new double[] {1, Double.NaN}, 0, 2)).getMessage());
    }
}
