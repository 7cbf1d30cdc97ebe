package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.text.WhitespaceTokenizer;

class CrossValidationTest {

    /** Few, fast fits: the tests check the protocol, not the optimum. */
    private static final LogisticRegression.Config QUICK = LogisticRegression.Config.builder().maxIterations(60)
            .learningRate(0.1).build();

    /** Two Gaussian classes in F dimensions, centres ±separation along the first axis; labels alternate. */
    private static FMatrixRMaj blobs(int n, int f, double separation, int[] labels, SplittableRandom random) {
        FMatrixRMaj x = new FMatrixRMaj(n, f);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int j = 0; j < f; j++) {
                x.data[i * f + j] = (float) random.nextGaussian();
            }
            x.data[i * f] += (float) (labels[i] == 0 ? -separation : separation);
        }
        return x;
    }

    private static CrossValidation.Builder quick() {
        return CrossValidation.builder().folds(5).innerFolds(3).l2Grid(1e-4, 1e-2).classifier(QUICK).threads(1);
    }

    @Test
    void stratifiedFoldsBalanceSizesAndClasses() {
        SplittableRandom random = new SplittableRandom(4);
        int[] labels = new int[103];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(10) < 2 ? 1 : random.nextInt(10) < 5 ? 2 : 0;   // imbalanced
        }
        int k = 7;
        int[] foldOf = CrossValidation.stratifiedFolds(labels, 3, k, 11);
        int[] sizes = new int[k];
        int[][] perClass = new int[3][k];
        for (int i = 0; i < labels.length; i++) {
            sizes[foldOf[i]]++;
            perClass[labels[i]][foldOf[i]]++;
        }
        assertTrue(max(sizes) - min(sizes) <= 1, Arrays.toString(sizes));
        for (int[] counts : perClass) {
            assertTrue(max(counts) - min(counts) <= 1, Arrays.toString(counts));
        }
        assertArrayEquals(foldOf, CrossValidation.stratifiedFolds(labels, 3, k, 11), "same seed, same folds");
        assertFalse(Arrays.equals(foldOf, CrossValidation.stratifiedFolds(labels, 3, k, 12)), "another seed");
        // the deal is shuffled: class 0's members are not in index order fold 0, 1, 2, ...
        int[] inOrder = new int[labels.length];
        int dealt = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 0) {
                inOrder[i] = dealt++ % k;
            }
        }
        int differ = 0;
        for (int i = 0; i < labels.length; i++) {
            differ += labels[i] == 0 && inOrder[i] != foldOf[i] ? 1 : 0;
        }
        assertTrue(differ > 10, "only " + differ + " examples moved by the shuffle");
    }

    @Test
    void separableClassesGiveFullAccuracy() {
        int[] labels = new int[200];
        FMatrixRMaj x = blobs(200, 5, 6.0, labels, new SplittableRandom(1));
        CrossValidation.Result result = quick().build().run(x, labels, 2);
        assertEquals(5, result.folds());
        assertTrue(result.mean() >= 0.995, result.toString());
        for (double a : result.accuracies()) {
            assertTrue(a >= 0.97, result.toString());
        }
    }

    @Test
    void labelsIndependentOfTheFeaturesGiveChance() {
        SplittableRandom random = new SplittableRandom(2);
        int n = 400;
        int[] labels = new int[n];
        FMatrixRMaj x = blobs(n, 10, 0.0, labels, random);
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(2);   // pure label noise
        }
        CrossValidation.Result result = quick().build().run(x, labels, 2);
        assertEquals(0.5, result.mean(), 0.08, result.toString());
    }

    @Test
    void theTestFoldIsSeenOnlyByTheFinalScoring() {
        int n = 60;
        int[] labels = new int[n];
        FMatrixRMaj x = blobs(n, 3, 1.0, labels, new SplittableRandom(3));
        List<Fit> fits = Collections.synchronizedList(new ArrayList<>());
        CrossValidation cv = quick().threads(2)
                .listener((outer, inner, l2, train, scored) -> fits.add(new Fit(outer, inner, l2, train, scored)))
                .build();
        CrossValidation.Result result = cv.run(x, labels, 2);
        int k = cv.folds();
        int grid = cv.l2Grid().length;
        assertEquals(k * (cv.innerFolds() * grid + 1), fits.size(), "fits");
        for (int f = 0; f < k; f++) {
            Set<Integer> test = toSet(result.testIndices(f));
            Set<Integer> seenInner = new HashSet<>();
            int finals = 0;
            for (Fit fit : fits) {
                if (fit.outer != f) {
                    continue;
                }
                for (int i : fit.train) {
                    assertFalse(test.contains(i), "fold " + f + " inner " + fit.inner + " trained on test row " + i);
                }
                if (fit.inner >= 0) {
                    for (int i : fit.scored) {
                        assertFalse(test.contains(i), "fold " + f + " chose λ on test row " + i);
                        seenInner.add(i);
                    }
                    Set<Integer> overlap = toSet(fit.train);
                    overlap.retainAll(toSet(fit.scored));
                    assertTrue(overlap.isEmpty(), "an inner fold scored rows it trained on: " + overlap);
                    assertEquals(n - test.size(), fit.train.length + fit.scored.length, "inner parts cover training");
                } else {
                    finals++;
                    assertEquals(test, toSet(fit.scored), "the refit is scored on the test fold");
                    assertEquals(n - test.size(), fit.train.length, "the refit trains on the whole training part");
                    assertEquals(result.chosenL2()[f], fit.l2);
                }
            }
            assertEquals(1, finals);
            assertEquals(n - test.size(), seenInner.size(), "the inner test folds cover the training part");
        }
    }

    private record Fit(int outer, int inner, double l2, int[] train, int[] scored) {
    }

    @Test
    void aFitterNeverSeesTheTestFold() {
        int n = 40;
        List<String> sentences = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            sentences.add((labels[i] == 0 ? "red" : "blue") + " s" + i);   // every sentence unique
        }
        List<List<String>> fitted = Collections.synchronizedList(new ArrayList<>());
        SentenceEncoderFitter recording = training -> {
            fitted.add(List.copyOf(training));
            return BagOfWordsEncoder.fit(new WhitespaceTokenizer(), training, 1);
        };
        CrossValidation cv = quick().folds(4).build();
        CrossValidation.Result result = cv.run(recording, sentences, labels, 2);
        assertEquals(4 * (3 + 1), fitted.size(), "one fit per inner fold and one per outer fold");
        // every fit's sentences avoid one outer test fold: the one it belongs to
        for (List<String> training : fitted) {
            Set<String> seen = new HashSet<>(training);
            boolean avoidsSomeFold = false;
            for (int f = 0; f < 4; f++) {
                boolean avoids = true;
                for (int i : result.testIndices(f)) {
                    avoids &= !seen.contains(sentences.get(i));
                }
                avoidsSomeFold |= avoids;
            }
            assertTrue(avoidsSomeFold, "a fit saw a sentence of every test fold");
        }
        assertEquals(1.0, result.mean(), 1e-12, "red/blue is separable: " + result);
    }

    @Test
    void theChoiceIsTheBestInnerScoreTiesToTheLargerPenalty() {
        int n = 80;
        int[] labels = new int[n];
        FMatrixRMaj x = blobs(n, 30, 0.8, labels, new SplittableRandom(5));
        CrossValidation cv = quick().l2Grid(1.0, 1e-5, 1e-2, 1e-1).build();
        assertArrayEquals(new double[] {1e-5, 1e-2, 1e-1, 1.0}, cv.l2Grid());
        CrossValidation.Result result = cv.run(x, labels, 2);
        for (int f = 0; f < result.folds(); f++) {
            double[] scores = result.innerAccuracies(f);
            int best = 0;
            for (int g = 1; g < scores.length; g++) {
                best = scores[g] >= scores[best] ? g : best;
            }
            assertEquals(cv.l2Grid()[best], result.chosenL2()[f], "fold " + f + ": " + Arrays.toString(scores));
            for (double s : scores) {
                assertTrue(s >= 0 && s <= 1);
            }
        }
    }

    @Test
    void aSinglePenaltyFitsNoInnerFold() {
        int n = 30;
        int[] labels = new int[n];
        FMatrixRMaj x = blobs(n, 2, 3.0, labels, new SplittableRandom(6));
        List<Integer> inner = Collections.synchronizedList(new ArrayList<>());
        CrossValidation.Result result = quick().l2Grid(1e-3).listener((o, i, l2, tr, sc) -> inner.add(i)).build()
                .run(x, labels, 2);
        assertEquals(List.of(-1, -1, -1, -1, -1), inner);
        assertTrue(Double.isNaN(result.innerAccuracies(0)[0]));
        assertArrayEquals(new double[] {1e-3, 1e-3, 1e-3, 1e-3, 1e-3}, result.chosenL2());
    }

    @Test
    void resultsAreDeterministicAndIndependentOfThreads() {
        int n = 90;
        int[] labels = new int[n];
        FMatrixRMaj x = blobs(n, 6, 0.7, labels, new SplittableRandom(7));
        CrossValidation.Result one = quick().threads(1).build().run(x, labels, 2);
        CrossValidation.Result again = quick().threads(1).build().run(x, labels, 2);
        CrossValidation.Result three = quick().threads(3).build().run(x, labels, 2);
        for (CrossValidation.Result other : List.of(again, three)) {
            assertArrayEquals(one.accuracies(), other.accuracies());
            assertArrayEquals(one.chosenL2(), other.chosenL2());
            assertArrayEquals(one.foldOf(), other.foldOf());
            assertArrayEquals(one.predictions(), other.predictions());
            for (int f = 0; f < one.folds(); f++) {
                assertArrayEquals(one.innerAccuracies(f), other.innerAccuracies(f));
            }
        }
        CrossValidation.Result otherSeed = quick().seed(2).build().run(x, labels, 2);
        assertFalse(Arrays.equals(one.foldOf(), otherSeed.foldOf()));
    }

    @Test
    void denseFeaturesAreCentredSoThatAnOffsetChangesNothing() {
        int n = 80;
        int[] labels = new int[n];
        FMatrixRMaj x = blobs(n, 5, 0.8, labels, new SplittableRandom(12));
        FMatrixRMaj shifted = x.copy();
        for (int i = 0; i < shifted.data.length; i++) {
            shifted.data[i] += 8f;   // a common offset, as uncentred encoder outputs have
        }
        CrossValidation cv = quick().build();
        CrossValidation.Result original = cv.run(x, labels, 2);
        CrossValidation.Result offset = cv.run(shifted, labels, 2);
        // the same minimum (the bias absorbs the offset), up to the rounding of the shifted floats
        assertArrayEquals(original.chosenL2(), offset.chosenL2());
        assertArrayEquals(original.accuracies(), offset.accuracies(), 1.0 / n);
    }

    @Test
    void scaledFeaturesMakeTheResultIndependentOfTheEncodersScale() {
        int n = 80;
        int[] labels = new int[n];
        FMatrixRMaj x = blobs(n, 5, 0.8, labels, new SplittableRandom(10));
        FMatrixRMaj small = x.copy();
        for (int i = 0; i < small.data.length; i++) {
            small.data[i] *= 0x1p-10f;   // a power of two: the scaled values are bit for bit those of x
        }
        CrossValidation cv = quick().build();
        assertTrue(cv.standardize());
        CrossValidation.Result original = cv.run(x, labels, 2);
        CrossValidation.Result scaled = cv.run(small, labels, 2);
        assertArrayEquals(original.predictions(), scaled.predictions());
        assertArrayEquals(original.chosenL2(), scaled.chosenL2());
        // without scaling, the tiny features need weights 1024 times as large: the λ choice sees another problem
        CrossValidation raw = quick().standardize(false).build();
        assertFalse(Arrays.equals(raw.run(x, labels, 2).predictions(), raw.run(small, labels, 2).predictions())
                && Arrays.equals(raw.run(x, labels, 2).chosenL2(), raw.run(small, labels, 2).chosenL2()),
                "raw features of another scale should change the fits");
    }

    @Test
    void summaryFiguresMatchThePredictions() {
        int n = 70;
        int[] labels = new int[n];
        FMatrixRMaj x = blobs(n, 4, 0.6, labels, new SplittableRandom(8));
        CrossValidation.Result result = quick().build().run(x, labels, 2);
        int[] predictions = result.predictions();
        double[] accuracies = result.accuracies();
        double sum = 0;
        for (int f = 0; f < result.folds(); f++) {
            int[] test = result.testIndices(f);
            int correct = 0;
            for (int i : test) {
                correct += predictions[i] == labels[i] ? 1 : 0;
            }
            assertEquals((double) correct / test.length, accuracies[f], 1e-12);
            sum += accuracies[f];
        }
        double mean = sum / result.folds();
        double squares = 0;
        for (double a : accuracies) {
            squares += (a - mean) * (a - mean);
        }
        assertEquals(mean, result.mean(), 1e-12);
        assertEquals(Math.sqrt(squares / (result.folds() - 1)), result.standardDeviation(), 1e-12);
        assertTrue(result.toString().matches("\\d+\\.\\d\\d ± \\d+\\.\\d\\d % \\(5 folds; λ .*\\)"), result.toString());
    }

    @Test
    void aFixedEncoderIsEncodedOnceAndGivesTheSameResultAsItsVectors() {
        int n = 50;
        int[] labels = new int[n];
        FMatrixRMaj x = blobs(n, 3, 1.5, labels, new SplittableRandom(9));
        List<String> sentences = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sentences.add(Integer.toString(i));
        }
        int[] calls = new int[1];
        SentenceEncoder lookup = new SentenceEncoder() {
            @Override
            public int dimension() {
                return 3;
            }

            @Override
            public void encode(List<String> batch, FMatrixRMaj out) {
                calls[0]++;
                out.reshape(batch.size(), 3);
                for (int r = 0; r < batch.size(); r++) {
                    System.arraycopy(x.data, Integer.parseInt(batch.get(r)) * 3, out.data, r * 3, 3);
                }
            }
        };
        CrossValidation cv = quick().build();
        CrossValidation.Result byEncoder = cv.run(lookup, sentences, labels, 2);
        assertEquals(1, calls[0]);
        assertArrayEquals(cv.run(x, labels, 2).predictions(), byEncoder.predictions());
    }

    @Test
    void badInputIsRefusedWithTheNumbers() {
        int[] labels = {0, 1, 0, 1, 0, 1};
        FMatrixRMaj x = new FMatrixRMaj(6, 2);
        CrossValidation cv = quick().innerFolds(5).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cv.run(x, labels, 2));
        assertTrue(e.getMessage().contains("6 examples are too few for 5 folds with 5 inner folds; need at least 7"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cv.run(new FMatrixRMaj(5, 2), labels, 2));
        assertTrue(e.getMessage().contains("one label per example (5) but there were 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cv.run(x, new int[] {0, 1, 2, 0, 1, 0}, 2));
        assertTrue(e.getMessage().contains("2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> quick().folds(1).build());
        assertThrows(IllegalArgumentException.class, () -> quick().innerFolds(1).build());
        assertThrows(IllegalArgumentException.class, () -> quick().threads(0).build());
        e = assertThrows(IllegalArgumentException.class, () -> quick().l2Grid(1e-3, 1e-3).build());
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> quick().l2Grid(-1).build());
        assertThrows(IllegalArgumentException.class, () -> quick().l2Grid().build());
        FMatrixRMaj bad = new FMatrixRMaj(20, 2);
        bad.data[7] = Float.NaN;
        int[] twenty = new int[20];
        twenty[0] = 1;
        e = assertThrows(IllegalArgumentException.class, () -> quick().folds(2).innerFolds(2).build().run(bad, twenty, 2));
        assertTrue(e.getMessage().contains("row 3, column 1 was NaN"), e.getMessage());
        SentenceEncoder wrongShape = new SentenceEncoder() {
            @Override
            public int dimension() {
                return 4;
            }

            @Override
            public void encode(List<String> sentences, FMatrixRMaj out) {
                out.reshape(sentences.size(), 3);
            }
        };
        List<String> sentences = Collections.nCopies(20, "x");
        e = assertThrows(IllegalArgumentException.class, () -> cv.run(wrongShape, sentences, twenty, 2));
        assertTrue(e.getMessage().contains("must be (20, 4) but was (20, 3)"), e.getMessage());
    }

    private static Set<Integer> toSet(int[] values) {
        Set<Integer> set = new HashSet<>();
        for (int v : values) {
            set.add(v);
        }
        return set;
    }

    private static int max(int[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    private static int min(int[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }
}
