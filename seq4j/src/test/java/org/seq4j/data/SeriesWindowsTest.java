package org.seq4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.data.SeriesWindows.Input;
import org.seq4j.data.SeriesWindows.Target;

class SeriesWindowsTest {

    /** Differences 1, 2, …, 7: every window and difference is distinct. */
    private static final double[] SERIES = {1, 2, 4, 7, 11, 16, 22, 29};
    private static final int TRAIN_END = 6;
    /** Float32 matrices: the standardised values are rounded to float. */
    private static final float FLOAT = 1e-6f;

    /** mean and population std of the training values 1, 2, 4, 7, 11, 16. */
    private static final double MEAN = 41.0 / 6;
    private static final double STD = Math.sqrt((sq(1 - MEAN) + sq(2 - MEAN) + sq(4 - MEAN) + sq(7 - MEAN)
            + sq(11 - MEAN) + sq(16 - MEAN)) / 6);
    /** The training differences are 1, 2, 3, 4, 5 (x[1] − x[0] … x[5] − x[4]): mean 3, std √2. */
    private static final double D_MEAN = 3;
    private static final double D_STD = Math.sqrt(2);

    private static double sq(double x) {
        return x * x;
    }

    private static float level(double x) {
        return (float) ((x - MEAN) / STD);
    }

    private static float difference(double d) {
        return (float) ((d - D_MEAN) / D_STD);
    }

    @Test
    void statisticsComeFromTheTrainingPartOnly() {
        SeriesWindows windows = SeriesWindows.fit(SERIES, 2, Input.LEVEL, Target.VALUE, TRAIN_END);
        assertEquals(MEAN, windows.levels().mean(), 1e-12);
        assertEquals(STD, windows.levels().std(), 1e-12);
        assertEquals(D_MEAN, windows.differences().mean(), 1e-12);
        assertEquals(D_STD, windows.differences().std(), 1e-12);

        double[] changedTest = SERIES.clone();
        changedTest[6] = 1000;
        changedTest[7] = -1000;
        SeriesWindows same = SeriesWindows.fit(changedTest, 2, Input.LEVEL, Target.VALUE, TRAIN_END);
        assertEquals(windows.levels(), same.levels());
        assertEquals(windows.differences(), same.differences());
    }

    @Test
    void levelWindowsAreTimeMajorWithTheValueAsTarget() {
        SeriesWindows windows = SeriesWindows.fit(SERIES, 2, Input.LEVEL, Target.VALUE, TRAIN_END);
        assertEquals(2, windows.firstTarget());
        FMatrixRMaj x = new FMatrixRMaj(4, 1);   // (W·B, F) = (2·2, 1)
        FMatrixRMaj y = new FMatrixRMaj(2, 1);
        windows.fill(new int[] {7, 2, 5}, 1, 2, x, y);   // targets 2 and 5
        // row t·B + b: step t of window b; window of 2 is x[0], x[1]; of 5 is x[3], x[4]
        assertArrayEquals(new float[] {level(1), level(7), level(2), level(11)}, x.data, FLOAT);
        assertArrayEquals(new float[] {level(4), level(16)}, y.data, FLOAT);
    }

    @Test
    void differenceWindowsStartOneStepLaterAndPredictTheDifference() {
        SeriesWindows windows = SeriesWindows.fit(SERIES, 2, Input.DIFFERENCE, Target.DIFFERENCE, TRAIN_END);
        assertEquals(3, windows.firstTarget());
        FMatrixRMaj x = new FMatrixRMaj(2, 1);
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        windows.fill(new int[] {3}, 0, 1, x, y);
        // steps 1 and 2: x[1] − x[0] = 1, x[2] − x[1] = 2; target x[3] − x[2] = 3
        assertArrayEquals(new float[] {difference(1), difference(2)}, x.data, FLOAT);
        assertArrayEquals(new float[] {difference(3)}, y.data, FLOAT);
    }

    @Test
    void bothFeaturesSitSideBySideLevelFirst() {
        SeriesWindows windows = SeriesWindows.fit(SERIES, 1, Input.LEVEL_AND_DIFFERENCE, Target.VALUE, TRAIN_END);
        assertEquals(2, windows.features());
        FMatrixRMaj x = new FMatrixRMaj(2, 2);   // (W·B, F) = (1·2, 2)
        windows.fill(new int[] {4, 7}, 0, 2, x, null);
        // window of 4 is x[3] = 7 (difference 3); window of 7 is x[6] = 22 (difference 6)
        assertArrayEquals(new float[] {level(7), difference(3), level(22), difference(6)}, x.data, FLOAT);
    }

    @Test
    void forecastMapsTheStandardisedTargetBackToTheSeries() {
        for (Target target : Target.values()) {
            SeriesWindows windows = SeriesWindows.fit(SERIES, 3, Input.LEVEL, target, TRAIN_END);
            for (int i = windows.firstTarget(); i < SERIES.length; i++) {
                assertEquals(SERIES[i], windows.forecast(i, windows.standardizedTarget(i)), 1e-9, target + " " + i);
            }
        }
        SeriesWindows differences = SeriesWindows.fit(SERIES, 3, Input.LEVEL, Target.DIFFERENCE, TRAIN_END);
        // an output of 0 is the mean training difference added to the last value
        assertEquals(SERIES[6] + D_MEAN, differences.forecast(7, 0), 1e-12);
    }

    @Test
    void copiesTheSeries() {
        double[] series = SERIES.clone();
        SeriesWindows windows = SeriesWindows.fit(series, 2, Input.LEVEL, Target.DIFFERENCE, TRAIN_END);
        series[6] = 0;
        assertEquals(SERIES[6] + D_MEAN, windows.forecast(7, 0), 1e-12);
    }

    @Test
    void rejectsIndicesWithoutAFullWindowAndWrongShapes() {
        SeriesWindows windows = SeriesWindows.fit(SERIES, 2, Input.DIFFERENCE, Target.VALUE, TRAIN_END);
        assertEquals("target index must be in [3, 8) (a full window before it) but was 2",
                assertThrows(IllegalArgumentException.class,
                        () -> windows.fill(new int[] {2}, 0, 1, new FMatrixRMaj(2, 1), null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> windows.forecast(8, 0));
        assertEquals("x must be (4, 1) but was (2, 1)", assertThrows(IllegalArgumentException.class,
                () -> windows.fill(new int[] {3, 4}, 0, 2, new FMatrixRMaj(2, 1), null)).getMessage());
        assertEquals("y must be (2, 1) but was (1, 1)", assertThrows(IllegalArgumentException.class,
                () -> windows.fill(new int[] {3, 4}, 0, 2, new FMatrixRMaj(4, 1), new FMatrixRMaj(1, 1))).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> windows.fill(new int[] {3, 4}, 1, 2, new FMatrixRMaj(4, 1), null));
    }

    @Test
    void rejectsGapsAndATrainingPartShorterThanAWindow() {
        assertEquals("series[1] must be finite but was NaN (fill the gaps first)",
                assertThrows(IllegalArgumentException.class, () -> SeriesWindows.fit(
                        new double[] {1, Double.NaN, 3, 4}, 1, Input.LEVEL, Target.VALUE, 4)).getMessage());
        assertEquals("the training part must hold a window of 5 and a target, from index 6, but trainEnd was 6",
                assertThrows(IllegalArgumentException.class, () -> SeriesWindows.fit(
                        SERIES, 5, Input.DIFFERENCE, Target.VALUE, TRAIN_END)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SeriesWindows.fit(SERIES, 0, Input.LEVEL, Target.VALUE, TRAIN_END));
        assertThrows(IllegalArgumentException.class,
                () -> SeriesWindows.fit(SERIES, 2, Input.LEVEL, Target.VALUE, 9));
    }
}
