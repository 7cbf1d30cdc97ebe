package org.seq4j.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Kernels;
import org.seq4j.tensor.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * k-fold cross-validation of a {@link LogisticRegression} on frozen sentence vectors, with the L2 penalty
 * chosen on inner folds: the classification protocol of SentEval (Conneau and Kiela 2018, its
 * {@code InnerKFoldClassifier}), by which Skip-Thoughts and its successors are compared.
 *
 * <pre>
 *   assign every example to one of k outer folds (stratified, seeded)
 *   for each outer fold f:
 *       train = the examples outside f,  test = the examples in f
 *       assign train to k' inner folds (stratified, seeded anew for f)
 *       for each λ of the grid:  score(λ) = mean over inner folds j of
 *                                accuracy on inner fold j of the model fitted with λ on train minus j
 *       λ_f = argmax_λ score(λ)              ties go to the larger λ (the simpler model)
 *       accuracy_f = accuracy on f of the model fitted with λ_f on all of train
 *   report mean_f accuracy_f ± the sample standard deviation over the k folds, and every λ_f
 * </pre>
 * The test fold is seen by nothing but the last line of its own iteration: neither the choice of λ nor,
 * with a {@link SentenceEncoderFitter}, the encoder's vocabulary.
 *
 * <h2>Choices</h2>
 * <ul>
 *   <li><b>Stratified folds</b>, as SentEval's {@code StratifiedKFold(shuffle=True)}: each class's examples
 *       are shuffled with the seed and dealt to the folds in turn, so every fold holds each class in about
 *       its overall proportion (fold sizes, and each class's count in every fold, differ by at most one).
 *       With imbalanced data (SMS spam: 13 % spam) plain shuffled folds would let a fold's accuracy move
 *       with its share of the rare class, adding that noise to the standard deviation, and could leave a
 *       training part without a class.</li>
 *   <li><b>The λ grid</b> defaults to {@code 1e-6, 1e-5, …, 1e-1}: the grid of SentEval's PyTorch classifier,
 *       {@code 1e-5 … 1e-2}, whose weight decay on the mean cross-entropy is this class's λ exactly, widened
 *       by a decade at each end, because on SMS spam the mean of word2vec vectors chose SentEval's smallest
 *       value in every fold, so the best λ lay outside it. (SentEval's scikit-learn grid,
 *       {@code C = 2⁻² … 2³} on a summed loss, is {@code λ = 1/(C·N)}, about {@code 3e-5 … 9e-4} for
 *       {@code N = 4500}.) With a single λ there is nothing to choose and no inner fold is fitted.</li>
 *   <li><b>Inner folds</b> default to 5 while the outer ones default to 10: SentEval uses its {@code kfold}
 *       for both, but the inner fits dominate the cost ({@code k·k'·|grid|} of the {@code k·(k'·|grid| + 1)}
 *       fits) and 5 folds of 90 % of the data already average λ's score over as many examples.</li>
 *   <li><b>Features standardised</b> by each training part's statistics (the same applied to its test part):
 *       every column divided by its standard deviation (a constant column is left as it is) and, when the
 *       training part is dense (more than a quarter non-zero), its mean subtracted first. A departure from
 *       SentEval, which uses the vectors as they are, so that the comparison measures what the vectors hold
 *       rather than their scale: after scaling, multiplying an encoder's vectors by a constant changes
 *       nothing, and the penalty weighs every feature alike ({@code λ·Σ (w_j·s_j)²} in the raw units).
 *       Centring changes neither the model class nor the optimum (the unpenalised bias absorbs the shift),
 *       only the conditioning of the problem, which a solver needs: uncentred thought vectors and mean word
 *       vectors, whose columns share large common components, left full-batch Adam well above the minimum.
 *       Bag-of-words counts are sparse and stay uncentred, which keeps their sparse training.
 *       {@link Builder#standardize standardize(false)} gives SentEval's raw vectors.</li>
 *   <li><b>The classifier</b> is the given {@link LogisticRegression.Config} with its λ replaced by the
 *       grid's; by default it is solved by L-BFGS to the optimum ({@link LogisticRegression.Solver#LBFGS}),
 *       so that every encoder is compared at its classifier's true minimum. With L-BFGS the grid is a
 *       <i>penalty path</i>: on each inner split the fits run from the largest λ to the smallest, each
 *       starting from the previous solution (a warm start: the same convex minimum, reached in fewer
 *       iterations). With {@link LogisticRegression.Solver#ADAM}, which stops near the optimum rather than
 *       at it, every fit starts from zero so that it depends on its data and λ only.</li>
 *   <li><b>Cost</b>: {@code k·(k'·|grid| + 1)} fits, 310 with the defaults, each of at most
 *       {@link LogisticRegression.Config#maxIterations()} full passes over its training rows (two products
 *       of {@code N·F·C} multiply-adds each for dense vectors); fewer inner folds or a shorter grid trade a
 *       little accuracy for time.</li>
 * </ul>
 *
 * <h2>Determinism and threads</h2>
 * The folds depend on the labels and the seed only: with {@code s₀, s₁, …} the numbers drawn by
 * {@code new SplittableRandom(seed).nextLong()}, the outer folds are
 * {@link #stratifiedFolds stratifiedFolds(labels, C, k, s₀)} and the inner folds of outer fold {@code f}
 * are those of its training labels with seed {@code s_{f+1}}. Every fit is deterministic
 * ({@link LogisticRegression}), so a result depends on the data, the settings and the seed, never on
 * {@link Builder#threads}: the outer folds run in parallel on that many threads, each writing its own
 * slot of the result. Each running fold holds copies of its training and test rows, so memory grows with
 * the thread count. Progress is logged through SLF4J at INFO, one line per outer fold.
 *
 * <pre>{@code
 * CrossValidation cv = CrossValidation.builder().folds(10).seed(1).build();
 * CrossValidation.Result vectors = cv.run(encoder, sentences, labels, 2);
 * CrossValidation.Result bagOfWords = cv.run(BagOfWordsEncoder.fitter(new WordTokenizer(), 1), sentences, labels, 2);
 * System.out.println(vectors + "\n" + bagOfWords);    // e.g. 97.49 ± 0.62 % (10 folds; λ 1e-04 ×10)
 * }</pre>
 * Instances are immutable and may run several cross-validations at once.
 */
public final class CrossValidation {

    private static final Logger LOG = LoggerFactory.getLogger(CrossValidation.class);

    private final int folds;
    private final int innerFolds;
    private final double[] l2Grid;      // ascending, distinct
    private final long seed;
    private final int threads;
    private final LogisticRegression.Config classifier;
    private final boolean standardize;
    private final FitListener listener;
    private final boolean warmStart;    // along the penalty path: only a solver that reaches the optimum

    private CrossValidation(Builder b) {
        this.warmStart = b.classifier.solver() == LogisticRegression.Solver.LBFGS;
        this.folds = b.folds;
        this.innerFolds = b.innerFolds;
        this.l2Grid = b.l2Grid;
        this.seed = b.seed;
        this.threads = b.threads;
        this.classifier = b.classifier;
        this.standardize = b.standardize;
        this.listener = b.listener;
    }

    /**
     * Starts a configuration with the defaults: 10 outer and 5 inner folds, λ grid
     * {@code 1e-6, 1e-5, …, 1e-1}, seed 1, {@link Kernels#threads()} threads, the default
     * {@link LogisticRegression.Config} with the {@link LogisticRegression.Solver#LBFGS} solver.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The number of outer folds.
     *
     * @return {@code k ≥ 2}
     */
    public int folds() {
        return folds;
    }

    /**
     * The number of inner folds that choose λ.
     *
     * @return {@code k' ≥ 2}
     */
    public int innerFolds() {
        return innerFolds;
    }

    /**
     * The values λ is chosen among.
     *
     * @return a new array, ascending
     */
    public double[] l2Grid() {
        return l2Grid.clone();
    }

    /**
     * Whether the features are scaled by their standard deviations over each training part.
     *
     * @return true if they are
     */
    public boolean standardize() {
        return standardize;
    }

    /**
     * The seed of the fold assignments.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    // ---------------------------------------------------------------- runs

    /**
     * Cross-validates on fixed feature vectors.
     *
     * @param features   (N, F) one example per row, every value finite, {@code N ≥ k}; not modified
     * @param labels     N classes in {@code [0, C)}; not modified
     * @param numClasses {@code C ≥ 2}
     * @return the per-fold accuracies and choices of λ
     * @throws IllegalArgumentException if a shape or label is wrong, or there are too few examples for the
     *                                  folds
     */
    public Result run(FMatrixRMaj features, int[] labels, int numClasses) {
        if (features == null) {
            throw new IllegalArgumentException("features must not be null");
        }
        checkLabels(labels, numClasses, features.numRows);
        if (features.numCols < 1) {
            throw new IllegalArgumentException("features must be (N, F) with F ≥ 1 but was "
                    + Tensors.shape(features));
        }
        return run(new FixedFeatures(features), labels, numClasses);
    }

    /**
     * Cross-validates a fixed encoder: encodes every sentence once, then runs on the vectors.
     *
     * @param encoder    the encoder, frozen
     * @param sentences  N raw sentences, {@code N ≥ k}; not modified
     * @param labels     N classes in {@code [0, C)}; not modified
     * @param numClasses {@code C ≥ 2}
     * @return the per-fold accuracies and choices of λ
     * @throws IllegalArgumentException if the lengths disagree, a label is out of range, the encoder's
     *                                  output is not {@code (N, dimension())} or not finite, or there are too
     *                                  few examples for the folds
     */
    public Result run(SentenceEncoder encoder, List<String> sentences, int[] labels, int numClasses) {
        if (encoder == null || sentences == null) {
            throw new IllegalArgumentException("encoder and sentences must not be null");
        }
        checkLabels(labels, numClasses, sentences.size());
        long start = System.nanoTime();
        FMatrixRMaj features = Encodings.encode(encoder, sentences, "the encoder");
        LOG.info("encoded {} sentences into {} dimensions in {} s", sentences.size(), features.numCols,
                seconds(start));
        return run(new FixedFeatures(features), labels, numClasses);
    }

    /**
     * Cross-validates an encoder fitted on the training part of every fold (outer and inner): the test
     * part is encoded by an encoder that never saw it.
     *
     * @param fitter     makes an encoder from training sentences
     * @param sentences  N raw sentences, {@code N ≥ k}; not modified
     * @param labels     N classes in {@code [0, C)}; not modified
     * @param numClasses {@code C ≥ 2}
     * @return the per-fold accuracies and choices of λ
     * @throws IllegalArgumentException if the lengths disagree, a label is out of range, an encoder's output
     *                                  is not {@code (rows, dimension())} or not finite, or there are too few
     *                                  examples for the folds
     */
    public Result run(SentenceEncoderFitter fitter, List<String> sentences, int[] labels, int numClasses) {
        if (fitter == null || sentences == null) {
            throw new IllegalArgumentException("fitter and sentences must not be null");
        }
        checkLabels(labels, numClasses, sentences.size());
        return run(new FittedFeatures(fitter, List.copyOf(sentences)), labels, numClasses);
    }

    private Result run(FoldFeatures data, int[] labels, int numClasses) {
        int n = labels.length;
        int smallestTraining = n - (n + folds - 1) / folds;
        if (n < folds || (l2Grid.length > 1 && smallestTraining < innerFolds)) {
            throw new IllegalArgumentException(n + " examples are too few for " + folds + " folds"
                    + (l2Grid.length > 1 ? " with " + innerFolds + " inner folds" : "") + "; need at least "
                    + Math.max(folds, l2Grid.length > 1 ? minimumExamples() : 0));
        }
        SplittableRandom seeds = new SplittableRandom(seed);
        int[] foldOf = stratifiedFolds(labels, numClasses, folds, seeds.nextLong());
        long[] innerSeeds = new long[folds];
        for (int f = 0; f < folds; f++) {
            innerSeeds[f] = seeds.nextLong();
        }
        FoldOutcome[] outcomes = new FoldOutcome[folds];
        long start = System.nanoTime();
        AtomicInteger finished = new AtomicInteger();
        int workers = Math.min(threads, folds);
        if (workers == 1) {
            for (int f = 0; f < folds; f++) {
                outcomes[f] = runFold(f, data, labels, numClasses, foldOf, innerSeeds[f], start, finished);
            }
        } else {
            AtomicInteger threadNumber = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "seq4j-cross-validation-" + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<FoldOutcome>> futures = new ArrayList<>(folds);
                for (int f = 0; f < folds; f++) {
                    int fold = f;
                    futures.add(pool.submit(() -> runFold(fold, data, labels, numClasses, foldOf, innerSeeds[fold],
                            start, finished)));
                }
                for (int f = 0; f < folds; f++) {
                    outcomes[f] = await(futures.get(f));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        double[] accuracies = new double[folds];
        double[] chosen = new double[folds];
        double[][] inner = new double[folds][];
        int[] predictions = new int[n];
        for (int f = 0; f < folds; f++) {
            accuracies[f] = outcomes[f].accuracy;
            chosen[f] = outcomes[f].l2;
            inner[f] = outcomes[f].innerAccuracies;
            int[] test = outcomes[f].testRows;
            for (int i = 0; i < test.length; i++) {
                predictions[test[i]] = outcomes[f].predictions[i];
            }
        }
        Result result = new Result(l2Grid, foldOf, accuracies, chosen, inner, predictions);
        LOG.info("{}-fold cross-validation of {} examples: {} in {} s", folds, n, result, seconds(start));
        return result;
    }

    private int minimumExamples() {
        // the smallest N whose smallest training part, N − ceil(N/k), holds k' examples
        int n = folds;
        while (n - (n + folds - 1) / folds < innerFolds) {
            n++;
        }
        return n;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a fold", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** One outer fold: λ chosen on inner folds of its training part, then the refit scored on its test part. */
    private FoldOutcome runFold(int f, FoldFeatures data, int[] labels, int numClasses, int[] foldOf, long innerSeed,
                                long start, AtomicInteger finished) {
        int[] train = select(foldOf, f, false);
        int[] test = select(foldOf, f, true);
        int[] trainLabels = gather(labels, train);
        double[] innerAccuracies = new double[l2Grid.length];
        int best = 0;
        if (l2Grid.length > 1) {
            int[] innerFoldOf = stratifiedFolds(trainLabels, numClasses, innerFolds, innerSeed);
            for (int j = 0; j < innerFolds; j++) {
                int[] innerTrain = gather(train, select(innerFoldOf, j, false));
                int[] innerTest = gather(train, select(innerFoldOf, j, true));
                FMatrixRMaj[] x = scaled(data.features(innerTrain, innerTest));
                int[] innerTrainLabels = gather(labels, innerTrain);
                int[] innerTestLabels = gather(labels, innerTest);
                LogisticRegression previous = null;
                for (int g = l2Grid.length - 1; g >= 0; g--) {   // the penalty path, strongest first
                    LogisticRegression model = LogisticRegression.fit(x[0], innerTrainLabels, numClasses,
                            withL2(classifier, l2Grid[g]), warmStart ? previous : null);
                    if (listener != null) {
                        listener.fitted(f, j, l2Grid[g], innerTrain, innerTest);
                    }
                    innerAccuracies[g] += accuracy(model.predict(x[1]), innerTestLabels) / innerFolds;
                    previous = model;
                }
            }
            for (int g = 1; g < l2Grid.length; g++) {
                if (innerAccuracies[g] >= innerAccuracies[best]) {
                    best = g;
                }
            }
        } else {
            innerAccuracies[0] = Double.NaN;
        }
        FMatrixRMaj[] x = scaled(data.features(train, test));
        LogisticRegression model = LogisticRegression.fit(x[0], trainLabels, numClasses,
                withL2(classifier, l2Grid[best]));
        if (listener != null) {
            listener.fitted(f, -1, l2Grid[best], train, test);
        }
        int[] predictions = model.predict(x[1]);
        double accuracy = accuracy(predictions, gather(labels, test));
        LOG.info("fold {}/{}: λ {} (inner accuracy {}), test accuracy {} ({} of {} folds done, {} s)", f + 1, folds,
                formatL2(l2Grid[best]), String.format(Locale.ROOT, "%.4f", innerAccuracies[best]),
                String.format(Locale.ROOT, "%.4f", accuracy), finished.incrementAndGet(), folds, seconds(start));
        return new FoldOutcome(test, predictions, accuracy, l2Grid[best], innerAccuracies);
    }

    /**
     * Standardises every column of both parts by the training part's statistics, in place, when
     * {@link Builder#standardize} is on: divides it by its standard deviation (1 for a constant column) and,
     * when the training part is dense, first subtracts its mean.
     */
    private FMatrixRMaj[] scaled(FMatrixRMaj[] parts) {
        if (standardize) {
            FMatrixRMaj train = parts[0];
            int n = train.numRows;
            int f = train.numCols;
            double[] mean = new double[f];
            double[] squares = new double[f];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < f; j++) {
                    mean[j] += train.data[r * f + j];
                }
            }
            for (int j = 0; j < f; j++) {
                mean[j] /= n;
            }
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < f; j++) {
                    double d = train.data[r * f + j] - mean[j];
                    squares[j] += d * d;
                }
            }
            float[] inverse = new float[f];
            float[] shift = new float[f];
            boolean centre = !LogisticObjective.isSparse(train);
            for (int j = 0; j < f; j++) {
                double std = Math.sqrt(squares[j] / n);
                inverse[j] = std > 0 ? (float) (1.0 / std) : 1f;
                shift[j] = centre ? (float) mean[j] : 0f;
            }
            for (FMatrixRMaj part : parts) {
                for (int r = 0; r < part.numRows; r++) {
                    for (int j = 0; j < f; j++) {
                        part.data[r * f + j] = (part.data[r * f + j] - shift[j]) * inverse[j];
                    }
                }
            }
        }
        return parts;
    }

    private record FoldOutcome(int[] testRows, int[] predictions, double accuracy, double l2,
                               double[] innerAccuracies) {
    }

    /**
     * Assigns examples to stratified folds: each class's examples, in index order, are shuffled
     * (Fisher–Yates, seeded) and dealt to the folds in turn, the deal continuing from one class to the next.
     * Every fold then holds {@code floor(N/k)} or {@code ceil(N/k)} examples, and each class's count in a
     * fold differs from its count in any other by at most one.
     *
     * @param labels     N classes in {@code [0, C)}; not modified
     * @param numClasses {@code C ≥ 1}
     * @param folds      {@code k ≥ 1}
     * @param seed       the seed of the shuffles
     * @return a new array: the fold, in {@code [0, k)}, of every example
     * @throws IllegalArgumentException if a label is out of range or a count is below 1
     */
    public static int[] stratifiedFolds(int[] labels, int numClasses, int folds, long seed) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (numClasses < 1 || folds < 1) {
            throw new IllegalArgumentException("numClasses and folds must be at least 1 but were " + numClasses
                    + " and " + folds);
        }
        ClassWeights.counts(labels, numClasses);   // checks the labels
        SplittableRandom random = new SplittableRandom(seed);
        int[] foldOf = new int[labels.length];
        int[] members = new int[labels.length];
        int dealt = 0;
        for (int c = 0; c < numClasses; c++) {
            int count = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members[count++] = i;
                }
            }
            for (int i = count - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = members[i];
                members[i] = members[j];
                members[j] = swap;
            }
            for (int i = 0; i < count; i++) {
                foldOf[members[i]] = dealt++ % folds;
            }
        }
        return foldOf;
    }

    // ---------------------------------------------------------------- features of a fold

    /** The features of a training part and a test part, given as row indices of the data. */
    private interface FoldFeatures {
        /** Returns {train features (rows, F), test features (rows, F)}, both new. */
        FMatrixRMaj[] features(int[] trainRows, int[] testRows);
    }

    /** Rows of one matrix. */
    private record FixedFeatures(FMatrixRMaj all) implements FoldFeatures {
        FixedFeatures {
            Encodings.checkFinite(all, "features");
        }

        @Override
        public FMatrixRMaj[] features(int[] trainRows, int[] testRows) {
            return new FMatrixRMaj[] {rows(all, trainRows), rows(all, testRows)};
        }

        private static FMatrixRMaj rows(FMatrixRMaj all, int[] indices) {
            FMatrixRMaj out = new FMatrixRMaj(indices.length, all.numCols);
            Tensors.gatherRows(all, indices, out);
            return out;
        }
    }

    /** An encoder fitted on the training rows' sentences encodes both parts. */
    private record FittedFeatures(SentenceEncoderFitter fitter, List<String> sentences) implements FoldFeatures {
        @Override
        public FMatrixRMaj[] features(int[] trainRows, int[] testRows) {
            List<String> train = pick(sentences, trainRows);
            SentenceEncoder encoder = fitter.fit(train);
            if (encoder == null) {
                throw new IllegalArgumentException("the fitter returned no encoder");
            }
            return new FMatrixRMaj[] {Encodings.encode(encoder, train, "the fitted encoder"),
                    Encodings.encode(encoder, pick(sentences, testRows), "the fitted encoder")};
        }

        private static List<String> pick(List<String> sentences, int[] rows) {
            List<String> picked = new ArrayList<>(rows.length);
            for (int r : rows) {
                picked.add(sentences.get(r));
            }
            return picked;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void checkLabels(int[] labels, int numClasses, int n) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (labels.length != n) {
            throw new IllegalArgumentException("there must be one label per example (" + n + ") but there were "
                    + labels.length);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2 but was " + numClasses);
        }
        ClassWeights.counts(labels, numClasses);   // checks the range
    }

    /** The indices i (ascending) with foldOf[i] == f (inside) or != f. */
    private static int[] select(int[] foldOf, int f, boolean inside) {
        int count = 0;
        for (int v : foldOf) {
            count += (v == f) == inside ? 1 : 0;
        }
        int[] out = new int[count];
        int k = 0;
        for (int i = 0; i < foldOf.length; i++) {
            if ((foldOf[i] == f) == inside) {
                out[k++] = i;
            }
        }
        return out;
    }

    private static int[] gather(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    private static double accuracy(int[] predicted, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }

    private static LogisticRegression.Config withL2(LogisticRegression.Config c, double l2) {
        LogisticRegression.Config.Builder b = LogisticRegression.Config.builder().l2(l2).learningRate(c.learningRate())
                .maxIterations(c.maxIterations()).tolerance(c.tolerance()).balanced(c.balanced()).solver(c.solver());
        if (c.classWeights() != null) {
            b.classWeights(c.classWeights());
        }
        return b.build();
    }

    private static String formatL2(double l2) {
        return String.format(Locale.ROOT, "%.0e", l2);
    }

    private static String seconds(long start) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9);
    }

    /** Told of every classifier fit: the rows it was trained on and the rows it was scored on. */
    interface FitListener {
        /**
         * @param outerFold the outer fold
         * @param innerFold the inner fold, or -1 for the refit on the whole training part
         * @param l2        the fit's λ
         * @param trainRows the rows of the data the classifier was trained on
         * @param scoredRows the rows it was then scored on
         */
        void fitted(int outerFold, int innerFold, double l2, int[] trainRows, int[] scoredRows);
    }

    // ---------------------------------------------------------------- result

    /**
     * The outcome of a cross-validation: every outer fold's test accuracy and chosen λ, the inner scores
     * that chose it, and the out-of-fold prediction of every example. Immutable.
     */
    public static final class Result {

        private final double[] l2Grid;
        private final int[] foldOf;
        private final double[] accuracies;
        private final double[] chosenL2;
        private final double[][] innerAccuracies;
        private final int[] predictions;

        private Result(double[] l2Grid, int[] foldOf, double[] accuracies, double[] chosenL2,
                       double[][] innerAccuracies, int[] predictions) {
            this.l2Grid = l2Grid;
            this.foldOf = foldOf;
            this.accuracies = accuracies;
            this.chosenL2 = chosenL2;
            this.innerAccuracies = innerAccuracies;
            this.predictions = predictions;
        }

        /**
         * The number of outer folds.
         *
         * @return {@code k}
         */
        public int folds() {
            return accuracies.length;
        }

        /**
         * The test accuracy of every outer fold.
         *
         * @return a new array of {@code k} accuracies in {@code [0, 1]}
         */
        public double[] accuracies() {
            return accuracies.clone();
        }

        /**
         * The mean test accuracy over the folds.
         *
         * @return {@code (1/k) Σ_f accuracy_f}
         */
        public double mean() {
            double sum = 0;
            for (double a : accuracies) {
                sum += a;
            }
            return sum / accuracies.length;
        }

        /**
         * The sample standard deviation of the folds' test accuracies.
         *
         * @return {@code sqrt(Σ_f (accuracy_f − mean)² / (k − 1))}
         */
        public double standardDeviation() {
            double mean = mean();
            double sum = 0;
            for (double a : accuracies) {
                sum += (a - mean) * (a - mean);
            }
            return Math.sqrt(sum / (accuracies.length - 1));
        }

        /**
         * The λ chosen on the inner folds of every outer fold.
         *
         * @return a new array of {@code k} values of the grid
         */
        public double[] chosenL2() {
            return chosenL2.clone();
        }

        /**
         * The grid λ was chosen among.
         *
         * @return a new array, ascending
         */
        public double[] l2Grid() {
            return l2Grid.clone();
        }

        /**
         * The mean inner-fold accuracy of every λ of the grid, for one outer fold: the scores the choice was
         * made on.
         *
         * @param fold an outer fold in {@code [0, k)}
         * @return a new array, one score per grid value (NaN when the grid has one value and no inner fold
         *         was fitted)
         * @throws IndexOutOfBoundsException if the fold is out of range
         */
        public double[] innerAccuracies(int fold) {
            return innerAccuracies[fold].clone();
        }

        /**
         * The outer fold of every example.
         *
         * @return a new array of N folds in {@code [0, k)}
         */
        public int[] foldOf() {
            return foldOf.clone();
        }

        /**
         * The examples of one outer fold's test part.
         *
         * @param fold an outer fold in {@code [0, k)}
         * @return a new array of indices, ascending
         * @throws IndexOutOfBoundsException if the fold is out of range
         */
        public int[] testIndices(int fold) {
            return select(foldOf, Objects.checkIndex(fold, accuracies.length), true);
        }

        /**
         * The out-of-fold prediction of every example: the class given by the model of the fold that tested
         * it (for confusion matrices and F1 through {@link ClassificationMetrics}).
         *
         * @return a new array of N classes
         */
        public int[] predictions() {
            return predictions.clone();
        }

        /**
         * Describes the result.
         *
         * @return e.g. {@code 97.49 ± 0.62 % (10 folds; λ 1e-04 ×7, 1e-03 ×3)}: mean and sample standard
         *         deviation of the folds' accuracies in percent, and how often each λ was chosen
         */
        @Override
        public String toString() {
            TreeMap<Double, Integer> counts = new TreeMap<>();
            for (double l2 : chosenL2) {
                counts.merge(l2, 1, Integer::sum);
            }
            StringBuilder choices = new StringBuilder();
            counts.forEach((l2, count) -> choices.append(choices.length() == 0 ? "" : ", ")
                    .append(formatL2(l2)).append(" ×").append(count));
            return String.format(Locale.ROOT, "%.2f ± %.2f %% (%d folds; λ %s)", 100 * mean(),
                    100 * standardDeviation(), folds(), choices);
        }
    }

    // ---------------------------------------------------------------- configuration

    /** Builds a {@link CrossValidation}; the checks run in {@link #build()}. */
    public static final class Builder {
        private int folds = 10;
        private int innerFolds = 5;
        private double[] l2Grid = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1};
        private long seed = 1;
        private int threads = Kernels.threads();
        private LogisticRegression.Config classifier = LogisticRegression.Config.builder()
                .solver(LogisticRegression.Solver.LBFGS).build();
        private boolean standardize = true;
        private FitListener listener;

        private Builder() {
        }

        /**
         * Sets the number of outer folds.
         *
         * @param value {@code k ≥ 2} (default 10)
         * @return this builder
         */
        public Builder folds(int value) {
            this.folds = value;
            return this;
        }

        /**
         * Sets the number of inner folds that choose λ.
         *
         * @param value {@code k' ≥ 2} (default 5)
         * @return this builder
         */
        public Builder innerFolds(int value) {
            this.innerFolds = value;
            return this;
        }

        /**
         * Sets the values λ is chosen among.
         *
         * @param values one or more distinct, finite, non-negative values in any order (default
         *               {@code 1e-6, 1e-5, …, 1e-1}); copied
         * @return this builder
         */
        public Builder l2Grid(double... values) {
            this.l2Grid = values == null ? null : values.clone();
            return this;
        }

        /**
         * Sets the seed of the outer and inner fold assignments.
         *
         * @param value any seed (default 1)
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Sets how many outer folds run at once; the result does not depend on it.
         *
         * @param value at least 1 (default {@link Kernels#threads()})
         * @return this builder
         */
        public Builder threads(int value) {
            this.threads = value;
            return this;
        }

        /**
         * Sets the classifier's training settings; its λ is replaced by the grid's.
         *
         * @param value the settings (default
         *              {@code LogisticRegression.Config.builder().solver(LogisticRegression.Solver.LBFGS).build()})
         * @return this builder
         */
        public Builder classifier(LogisticRegression.Config value) {
            this.classifier = value;
            return this;
        }

        /**
         * Sets whether every feature is divided by its standard deviation over the training part before
         * each fit (see the class documentation).
         *
         * @param value true to scale the features (default true)
         * @return this builder
         */
        public Builder standardize(boolean value) {
            this.standardize = value;
            return this;
        }

        /** Registers a listener told of every classifier fit (for tests). */
        Builder listener(FitListener value) {
            this.listener = value;
            return this;
        }

        /**
         * Validates the settings.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a value is out of range or the grid repeats a value
         */
        public CrossValidation build() {
            if (folds < 2) {
                throw new IllegalArgumentException("folds must be at least 2 but was " + folds);
            }
            if (innerFolds < 2) {
                throw new IllegalArgumentException("innerFolds must be at least 2 but was " + innerFolds);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1 but was " + threads);
            }
            if (classifier == null) {
                throw new IllegalArgumentException("classifier must not be null");
            }
            if (l2Grid == null || l2Grid.length == 0) {
                throw new IllegalArgumentException("the λ grid must hold at least one value but was "
                        + Arrays.toString(l2Grid));
            }
            double[] sorted = l2Grid.clone();
            Arrays.sort(sorted);
            for (int g = 0; g < sorted.length; g++) {
                if (!(sorted[g] >= 0) || !Double.isFinite(sorted[g])) {
                    throw new IllegalArgumentException("the λ grid must hold finite, non-negative values but was "
                            + Arrays.toString(l2Grid));
                }
                if (g > 0 && sorted[g] == sorted[g - 1]) {
                    throw new IllegalArgumentException("the λ grid must hold distinct values but repeats " + sorted[g]
                            + ": " + Arrays.toString(l2Grid));
                }
            }
            Builder copy = new Builder();
            copy.folds = folds;
            copy.innerFolds = innerFolds;
            copy.l2Grid = sorted;
            copy.seed = seed;
            copy.threads = threads;
            copy.classifier = classifier;
            copy.standardize = standardize;
            copy.listener = listener;
            return new CrossValidation(copy);
        }
    }
}
