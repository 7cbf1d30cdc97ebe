package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class EmbeddingSpaceMapTest {

    /**
     * A known map recovered from exact pairs: the targets are rounded to float32 (relative 6e-8), and the
     * refined solve should lose little more than that through the conditioning of the random design.
     */
    private static final double RECOVERY_TOLERANCE = 2e-5;
    /** Against a closed form computed in double. */
    private static final double ORACLE_TOLERANCE = 1e-4;

    private static FMatrixRMaj gaussian(int rows, int cols, double shift, SplittableRandom random) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (shift + random.nextGaussian());
        }
        return m;
    }

    /** y = W·x + b for every row, in double, rounded to float. */
    private static FMatrixRMaj mapRows(FMatrixRMaj x, double[][] w, double[] b) {
        FMatrixRMaj y = new FMatrixRMaj(x.numRows, w.length);
        for (int r = 0; r < x.numRows; r++) {
            for (int k = 0; k < w.length; k++) {
                double sum = b[k];
                for (int j = 0; j < x.numCols; j++) {
                    sum += w[k][j] * x.get(r, j);
                }
                y.set(r, k, (float) sum);
            }
        }
        return y;
    }

    private static double[][] randomMap(int t, int s, SplittableRandom random) {
        double[][] w = new double[t][s];
        for (double[] row : w) {
            for (int j = 0; j < s; j++) {
                row[j] = random.nextGaussian() / Math.sqrt(s);
            }
        }
        return w;
    }

    @Test
    void recoversAKnownAffineMap() {
        SplittableRandom random = new SplittableRandom(1);
        int n = 400;
        int s = 24;
        int t = 37;
        FMatrixRMaj x = gaussian(n, s, 3.0, random);   // off-centre, so the intercept matters
        double[][] w = randomMap(t, s, random);
        double[] b = new double[t];
        for (int k = 0; k < t; k++) {
            b[k] = 5 * random.nextGaussian();
        }
        EmbeddingSpaceMap map = EmbeddingSpaceMap.fit(x, mapRows(x, w, b), 0.0, true);
        assertEquals(s, map.sourceDimension());
        assertEquals(t, map.targetDimension());
        assertEquals(n, map.pairs());
        FMatrixRMaj weight = map.weight();
        float[] bias = map.bias();
        double worst = 0;
        for (int k = 0; k < t; k++) {
            for (int j = 0; j < s; j++) {
                worst = Math.max(worst, Math.abs(weight.get(k, j) - w[k][j]));
            }
            worst = Math.max(worst, Math.abs(bias[k] - b[k]) / 5);
        }
        assertTrue(worst < RECOVERY_TOLERANCE, "worst error " + worst);
        assertEquals(1.0, map.rSquared(), 1e-9);
    }

    @Test
    void withoutInterceptTheBiasIsZeroAndALinearMapIsRecovered() {
        SplittableRandom random = new SplittableRandom(2);
        FMatrixRMaj x = gaussian(200, 10, 0.0, random);
        double[][] w = randomMap(6, 10, random);
        EmbeddingSpaceMap map = EmbeddingSpaceMap.fit(x, mapRows(x, w, new double[6]), 0.0, false);
        assertArrayEquals(new float[6], map.bias());
        FMatrixRMaj weight = map.weight();
        for (int k = 0; k < 6; k++) {
            for (int j = 0; j < 10; j++) {
                assertEquals(w[k][j], weight.get(k, j), RECOVERY_TOLERANCE);
            }
        }
    }

    @Test
    void ridgeMatchesTheClosedFormAndShrinks() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 30;
        int s = 8;
        int t = 3;
        FMatrixRMaj x = gaussian(n, s, 1.0, random);
        FMatrixRMaj y = gaussian(n, t, -2.0, random);   // noise: no exact map
        double alpha = 4.0;
        EmbeddingSpaceMap map = EmbeddingSpaceMap.fit(x, y, alpha, true);
        // oracle: centre, then W^T = (Xc^T Xc + αI)^-1 Xc^T Yc in double
        double[] xMean = new double[s];
        double[] yMean = new double[t];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < s; j++) {
                xMean[j] += x.get(r, j) / (double) n;
            }
            for (int k = 0; k < t; k++) {
                yMean[k] += y.get(r, k) / (double) n;
            }
        }
        double[][] a = new double[s][s + t];   // [Xc^T Xc + αI | Xc^T Yc]
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < s; i++) {
                double xi = x.get(r, i) - xMean[i];
                for (int j = 0; j < s; j++) {
                    a[i][j] += xi * (x.get(r, j) - xMean[j]);
                }
                for (int k = 0; k < t; k++) {
                    a[i][s + k] += xi * (y.get(r, k) - yMean[k]);
                }
            }
        }
        for (int i = 0; i < s; i++) {
            a[i][i] += alpha;
        }
        gaussJordan(a, s);
        FMatrixRMaj weight = map.weight();
        float[] bias = map.bias();
        double normRidge = 0;
        for (int k = 0; k < t; k++) {
            double b = yMean[k];
            for (int j = 0; j < s; j++) {
                assertEquals(a[j][s + k], weight.get(k, j), ORACLE_TOLERANCE, "W(" + k + ", " + j + ")");
                b -= a[j][s + k] * xMean[j];
                normRidge += weight.get(k, j) * weight.get(k, j);
            }
            assertEquals(b, bias[k], ORACLE_TOLERANCE, "b(" + k + ")");
        }
        FMatrixRMaj plain = EmbeddingSpaceMap.fit(x, y, 0.0, true).weight();
        double normPlain = 0;
        for (float v : plain.data) {
            normPlain += v * v;
        }
        assertTrue(normRidge < normPlain, "ridge ‖W‖² " + normRidge + " vs plain " + normPlain);
        assertTrue(map.rSquared() < 1 && map.rSquared() > 0, "R² " + map.rSquared());
    }

    /** Reduces [A | B] to [I | A^-1 B] with partial pivoting; A is the first n columns. */
    private static void gaussJordan(double[][] a, int n) {
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                pivot = Math.abs(a[r][c]) > Math.abs(a[pivot][c]) ? r : pivot;
            }
            double[] swap = a[c];
            a[c] = a[pivot];
            a[pivot] = swap;
            double p = a[c][c];
            for (int j = 0; j < a[c].length; j++) {
                a[c][j] /= p;
            }
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = a[r][c];
                    for (int j = 0; j < a[r].length; j++) {
                        a[r][j] -= f * a[c][j];
                    }
                }
            }
        }
    }

    @Test
    void ridgeAllowsFewerPairsThanDimensions() {
        SplittableRandom random = new SplittableRandom(4);
        FMatrixRMaj x = gaussian(5, 12, 0.0, random);
        FMatrixRMaj y = gaussian(5, 4, 0.0, random);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingSpaceMap.fit(x, y, 0.0, true));
        assertTrue(e.getMessage().contains("needs at least 13 pairs but got 5"), e.getMessage());
        EmbeddingSpaceMap map = EmbeddingSpaceMap.fit(x, y, 1e-3, true);
        for (float v : map.weight().data) {
            assertTrue(Float.isFinite(v));
        }
        assertTrue(map.rSquared() > 0.99, "5 pairs in 12 dimensions are fitted almost exactly: " + map.rSquared());
    }

    @Test
    void linearlyDependentSourceColumnsNeedARidgeTerm() {
        SplittableRandom random = new SplittableRandom(7);
        FMatrixRMaj x = gaussian(50, 4, 0.0, random);
        for (int r = 0; r < 50; r++) {
            x.set(r, 3, x.get(r, 0) - 2 * x.get(r, 1));
        }
        FMatrixRMaj y = gaussian(50, 2, 0.0, random);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingSpaceMap.fit(x, y, 0.0, true));
        assertTrue(e.getMessage().contains("linearly dependent") && e.getMessage().contains("ridge"), e.getMessage());
        for (float v : EmbeddingSpaceMap.fit(x, y, 0.1, true).weight().data) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void mismatchedDimensionsAreRefusedWithTheShapes() {
        SplittableRandom random = new SplittableRandom(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingSpaceMap.fit(gaussian(10, 3, 0, random), gaussian(11, 2, 0, random), 0, true));
        assertTrue(e.getMessage().contains("same pairs") && e.getMessage().contains("(10, 3)")
                && e.getMessage().contains("(11, 2)"), e.getMessage());
        FMatrixRMaj bad = gaussian(10, 2, 0, random);
        bad.set(4, 1, Float.POSITIVE_INFINITY);
        e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingSpaceMap.fit(gaussian(10, 3, 0, random), bad, 0, true));
        assertTrue(e.getMessage().contains("target(4, 1) was Infinity"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingSpaceMap.fit(gaussian(10, 3, 0, random), gaussian(10, 2, 0, random), -1, true));

        EmbeddingSpaceMap map = EmbeddingSpaceMap.fit(gaussian(10, 3, 0, random), gaussian(10, 2, 0, random), 0, true);
        e = assertThrows(IllegalArgumentException.class, () -> map.apply(new float[4]));
        assertTrue(e.getMessage().contains("source dimension S = 3 but had 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> map.apply(new FMatrixRMaj(2, 4), new FMatrixRMaj(2, 2)));
        assertTrue(e.getMessage().contains("S = 3 but were (2, 4)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> map.apply(new FMatrixRMaj(2, 3), new FMatrixRMaj(2, 3)));
        assertTrue(e.getMessage().contains("out must be (2, 2) but was (2, 3)"), e.getMessage());
        WordVectors threeD = WordVectors.of(List.of("a"), new float[3], 3);
        WordVectors fiveD = WordVectors.of(List.of("a"), new float[5], 5);
        e = assertThrows(IllegalArgumentException.class, () -> map.expand(threeD, fiveD));
        assertTrue(e.getMessage().contains("3-dimensional source vectors to 2 dimensions but the source has 3 and the "
                + "target 5"), e.getMessage());
    }

    @Test
    void wordSpacesAreFittedOnSharedWordsAndExpandedWithTheRest() {
        SplittableRandom random = new SplittableRandom(6);
        int s = 4;
        int t = 3;
        double[][] w = randomMap(t, s, random);
        double[] b = {0.5, -1, 2};
        // the source knows w0..w29; the target (a model) knows <unk>, w0..w19 and "only-model"
        List<String> sourceWords = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sourceWords.add("w" + i);
        }
        FMatrixRMaj sourceTable = gaussian(30, s, 0, random);
        FMatrixRMaj mapped = mapRows(sourceTable, w, b);
        List<String> targetWords = new ArrayList<>(List.of("<unk>"));
        float[] targetTable = new float[22 * t];
        for (int i = 0; i < 20; i++) {
            targetWords.add("w" + i);
            System.arraycopy(mapped.data, i * t, targetTable, (i + 1) * t, t);
        }
        targetWords.add("only-model");
        for (int k = 0; k < t; k++) {
            targetTable[k] = 7f;                      // <unk>: far off the map, must not be fitted
            targetTable[21 * t + k] = -7f;
        }
        WordVectors source = WordVectors.of(sourceWords, sourceTable.data, s);
        WordVectors target = WordVectors.of(targetWords, targetTable, t);

        EmbeddingSpaceMap map = EmbeddingSpaceMap.fit(source, target, 0.0, true);
        assertEquals(20, map.pairs());
        for (int k = 0; k < t; k++) {
            assertEquals(b[k], map.bias()[k], 1e-4);
        }
        EmbeddingSpaceMap.Expansion expansion = map.expand(source, target);
        assertEquals(22, expansion.targetWords());
        assertEquals(10, expansion.mappedWords());
        WordVectors expanded = expansion.vectors();
        assertEquals(32, expanded.size());
        assertEquals(targetWords, expanded.words().subList(0, 22));
        assertEquals(List.of("w20", "w21", "w22", "w23", "w24", "w25", "w26", "w27", "w28", "w29"),
                expanded.words().subList(22, 32));
        assertArrayEquals(target.vector("<unk>"), expanded.vector("<unk>"));
        assertArrayEquals(target.vector("w3"), expanded.vector("w3"));
        for (int i = 20; i < 30; i++) {
            float[] expected = new float[t];
            System.arraycopy(mapped.data, i * t, expected, 0, t);
            assertArrayEquals(expected, expanded.vector("w" + i), 1e-4f, "w" + i);
            assertArrayEquals(map.apply(source.vector("w" + i)), expanded.vector("w" + i), 1e-5f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddingSpaceMap.fit(source,
                WordVectors.of(List.of("other"), new float[t], t), 0.0, true));
        assertTrue(e.getMessage().contains("share no word"), e.getMessage());
    }
}
