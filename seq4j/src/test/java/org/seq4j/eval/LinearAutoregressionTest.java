package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LinearAutoregressionTest {

    @Test
    void recoversAnExactAutoregression() {
        // x[j] = 5 + 3·sin(ωj + 0.2) satisfies x[j] = 2cos(ω)·x[j−1] − x[j−2] + 5·(2 − 2cos ω) exactly
        double omega = 0.7;
        double[] series = IntStream.range(0, 60).mapToDouble(j -> 5 + 3 * Math.sin(omega * j + 0.2)).toArray();
        LinearAutoregression ar = LinearAutoregression.fit(series, 2, IntStream.range(2, 50).toArray());
        assertEquals(2, ar.order());
        assertEquals(2 * Math.cos(omega), ar.coefficient(1), 1e-5);
        assertEquals(-1, ar.coefficient(2), 1e-5);
        assertEquals(5 * (2 - 2 * Math.cos(omega)), ar.intercept(), 1e-4);
        for (int i = 50; i <= 60; i++) {   // out of the fitted range, and the value after the end
            assertEquals(5 + 3 * Math.sin(omega * i + 0.2), ar.forecast(series, i), 1e-4, "x[" + i + "]");
        }
    }

    @Test
    void matchesADoublePrecisionSolveOnATrendingSeasonalSeries() {
        // like Mauna Loa CO2: level ~330, a trend, a yearly cycle and noise; its lags are nearly collinear
        SplittableRandom random = new SplittableRandom(13);
        int n = 900;
        double[] series = new double[n];
        for (int j = 0; j < n; j++) {
            series[j] = 315 + 0.03 * j + 3 * Math.sin(2 * Math.PI * j / 52.0) + 0.4 * random.nextGaussian();
        }
        int order = 26;
        int[] targets = IntStream.range(order, 800).toArray();
        LinearAutoregression ar = LinearAutoregression.fit(series, order, targets);
        double[] reference = normalEquations(series, order, targets);   // {c, a_1, …, a_p}

        int[] test = IntStream.range(800, n).toArray();
        double[] forecasts = ar.forecast(series, test);
        double worst = 0;
        for (int r = 0; r < test.length; r++) {
            double expected = reference[0];
            for (int k = 1; k <= order; k++) {
                expected += reference[k] * series[test[r] - k];
            }
            worst = Math.max(worst, Math.abs(forecasts[r] - expected));
        }
        // the float32 solve, refined in double, forecasts within 0.5% of the noise's std of the exact fit
        assertTrue(worst < 0.002, "largest forecast difference from the double-precision fit: " + worst);
    }

    /** The least-squares fit with an intercept column by the normal equations, all in double. */
    private static double[] normalEquations(double[] series, int order, int[] targets) {
        int p = order + 1;
        double[][] gram = new double[p][p + 1];   // [XᵀX | Xᵀy]
        for (int i : targets) {
            double[] row = new double[p];
            row[0] = 1;
            for (int k = 1; k <= order; k++) {
                row[k] = series[i - k];
            }
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    gram[a][b] += row[a] * row[b];
                }
                gram[a][p] += row[a] * series[i];
            }
        }
        for (int col = 0; col < p; col++) {          // Gauss–Jordan with partial pivoting
            int pivot = col;
            for (int r = col + 1; r < p; r++) {
                if (Math.abs(gram[r][col]) > Math.abs(gram[pivot][col])) {
                    pivot = r;
                }
            }
            double[] swap = gram[col];
            gram[col] = gram[pivot];
            gram[pivot] = swap;
            for (int r = 0; r < p; r++) {
                if (r != col) {
                    double f = gram[r][col] / gram[col][col];
                    for (int c = col; c <= p; c++) {
                        gram[r][c] -= f * gram[col][c];
                    }
                }
            }
        }
        double[] solution = new double[p];
        for (int a = 0; a < p; a++) {
            solution[a] = gram[a][p] / gram[a][a];
        }
        return solution;
    }

    @Test
    void aConstantSeriesIsForecastByItsValue() {
        double[] series = new double[20];
        java.util.Arrays.fill(series, 7.5);
        LinearAutoregression ar = LinearAutoregression.fit(series, 3, IntStream.range(3, 20).toArray());
        assertEquals(7.5, ar.forecast(series, 20), 1e-9);
    }

    @Test
    void forecastsSeveralIndicesAsOne() {
        double[] series = IntStream.range(0, 30).mapToDouble(j -> Math.sqrt(j) + (j % 3)).toArray();
        LinearAutoregression ar = LinearAutoregression.fit(series, 3, IntStream.range(3, 25).toArray());
        int[] targets = {25, 3, 30};
        double[] forecasts = ar.forecast(series, targets);
        assertArrayEquals(new double[] {ar.forecast(series, 25), ar.forecast(series, 3), ar.forecast(series, 30)},
                forecasts, 0);
    }

    @Test
    void rejectsBadArguments() {
        double[] series = IntStream.range(0, 10).mapToDouble(j -> j * j).toArray();
        assertEquals("an autoregression of order 3 needs at least 4 targets but got 3",
                assertThrows(IllegalArgumentException.class,
                        () -> LinearAutoregression.fit(series, 3, new int[] {3, 4, 5})).getMessage());
        assertEquals("a target index must be in [3, 10) (its 3 lags before it) but was 2",
                assertThrows(IllegalArgumentException.class,
                        () -> LinearAutoregression.fit(series, 3, new int[] {2, 4, 5, 6})).getMessage());
        double[] gap = series.clone();
        gap[4] = Double.NaN;
        assertEquals("series[4] must be finite but was NaN", assertThrows(IllegalArgumentException.class,
                () -> LinearAutoregression.fit(gap, 1, new int[] {2, 3, 5, 6})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinearAutoregression.fit(series, 0, new int[] {1, 2}));
        LinearAutoregression ar = LinearAutoregression.fit(series, 2, new int[] {2, 3, 4, 5});
        assertThrows(IllegalArgumentException.class, () -> ar.forecast(series, 11));
        assertThrows(IllegalArgumentException.class, () -> ar.forecast(series, 1));
        assertThrows(IllegalArgumentException.class, () -> ar.coefficient(3));
    }
}
