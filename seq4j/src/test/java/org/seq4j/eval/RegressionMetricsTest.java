package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RegressionMetricsTest {

    @Test
    void rootMeanSquaredAndMeanAbsoluteErrors() {
        double[] predicted = {1, 2, 3, 4};
        double[] actual = {2, 2, 1, 8};        // errors −1, 0, 2, −4: squares 1, 0, 4, 16
        assertEquals(Math.sqrt(21.0 / 4), RegressionMetrics.rmse(predicted, actual), 1e-15);
        assertEquals(7.0 / 4, RegressionMetrics.mae(predicted, actual), 1e-15);
        assertEquals(0, RegressionMetrics.rmse(actual, actual));
    }

    @Test
    void theUnitsAreTheData() {
        // scaling the data scales the errors
        assertEquals(2 * RegressionMetrics.rmse(new double[] {1, 3}, new double[] {2, 1}),
                RegressionMetrics.rmse(new double[] {2, 6}, new double[] {4, 2}), 1e-15);
    }

    @Test
    void rejectsMismatchedEmptyOrNonFiniteInput() {
        assertEquals("predicted and actual must have the same, non-zero length but had 2 and 1",
                assertThrows(IllegalArgumentException.class,
                        () -> RegressionMetrics.rmse(new double[2], new double[1])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.mae(new double[0], new double[0]));
        assertEquals("predicted[1] and actual[1] must be finite but were NaN and 0.0",
                assertThrows(IllegalArgumentException.class,
                        () -> RegressionMetrics.rmse(new double[] {0, Double.NaN}, new double[2])).getMessage());
    }
}
