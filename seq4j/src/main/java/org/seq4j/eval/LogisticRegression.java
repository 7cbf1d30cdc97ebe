package org.seq4j.eval;

import java.util.Arrays;
import java.util.Locale;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.Lbfgs;
import org.seq4j.optim.Optimizer;
import org.seq4j.tensor.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multinomial logistic regression with an L2 penalty: a linear classifier of fixed feature vectors (bag-of-
 * words counts, sentence encodings), the baseline and the probe of the scenario examples.
 *
 * <pre>
 *   z    = x·Wᵀ + b                               x: (N, F)   W: (C, F)   b: (C)   z: (N, C)
 *   p    = softmax(z)                              row by row
 *   J    = Σ_n w_{y_n} · (−log p(n, y_n)) / Σ_n w_{y_n}  +  (λ/2)·‖W‖²_F
 *   ŷ(n) = argmax_c z(n, c)
 * </pre>
 * The loss is {@code torch.nn.CrossEntropyLoss(weight=w)} (class weights {@code w}, all 1 by default; see
 * {@link ClassWeights#balanced}); the bias is not penalised. With a mean loss, λ relates to scikit-learn's
 * {@code LogisticRegression(C=…)} (a summed loss plus {@code ½‖W‖²}) as {@code λ = 1 / (C·N)}.
 *
 * <h2>Training</h2>
 * {@link #fit} starts from {@code W = 0, b = 0} and minimizes {@code J} with full-batch steps (every step
 * sees all {@code N} examples, so there is no sampling and no seed): the result depends only on the data and
 * the configuration, and not on the number of threads. {@code J} is convex, so its minimum is the model;
 * the {@link Config#solver() solver} decides how close training gets to it.
 * <ul>
 *   <li>{@link Solver#ADAM} (the default): {@link Adam} steps of a fixed learning rate, stopping after
 *       {@link Config#maxIterations()} steps or once one step lowers {@code J} by less than
 *       {@code tolerance · max(1, J)}. Each step moves every weight by about the learning rate, so it ends
 *       near the optimum rather than at it, and how near depends on the features' scale and correlation.</li>
 *   <li>{@link Solver#LBFGS}: {@link Lbfgs}, to the optimum (every gradient entry below 1e-6, or no further
 *       decrease) in tens of iterations of the same cost; the choice for comparing features, where the
 *       comparison must not depend on how well a fixed-step optimizer copes with each feature set.</li>
 * </ul>
 * Progress and the result are logged through SLF4J at DEBUG.
 *
 * <p>Sparse features are cheap: when at most a quarter of the training matrix is non-zero (bag-of-words
 * counts), training keeps it in compressed sparse rows and each step costs {@code O(nnz·C)} rather than
 * {@code O(N·F·C)}. The caller still passes an ordinary dense {@code FMatrixRMaj}.
 *
 * <pre>{@code
 * LogisticRegression model = LogisticRegression.fit(trainFeatures, trainLabels, C,
 *         LogisticRegression.Config.builder().l2(1e-4).build());
 * int[] predicted = model.predict(testFeatures);
 * ClassificationMetrics metrics = ClassificationMetrics.of(testLabels, predicted, C);
 * }</pre>
 *
 * <p>A fitted model is read-only for {@link #logits}, {@link #probabilities} and {@link #predict}, which
 * may run on several threads at once; {@link #parameters()} exposes its weight and bias (for
 * {@code nn.StateDict}, say), which must then not be changed while predictions run.
 */
public final class LogisticRegression {

    private static final Logger LOG = LoggerFactory.getLogger(LogisticRegression.class);
    private static final int LOG_EVERY = 50;
    /** L-BFGS keeps this many pairs (the usual 10; the objective is smooth and convex). */
    private static final int LBFGS_HISTORY = 10;
    /** L-BFGS stops once every gradient entry is below this: far below what moves a prediction. */
    private static final double LBFGS_GRADIENT_TOLERANCE = 1e-6;

    /** How {@link #fit} minimizes the objective. */
    public enum Solver {
        /** Full-batch {@link Adam} steps of a fixed learning rate: near the optimum, not at it. */
        ADAM,
        /** Full-batch {@link Lbfgs}: to the optimum, in tens of evaluations; the learning rate is unused. */
        LBFGS
    }

    private final Linear linear;   // weight (C, F), bias (C)
    private final int iterations;
    private final double objective;

    private LogisticRegression(Linear linear, int iterations, double objective) {
        this.linear = linear;
        this.iterations = iterations;
        this.objective = objective;
    }

    /**
     * Fits the model to a labelled set (see the class documentation).
     *
     * @param features   (N, F) feature vectors, every value finite, N ≥ 1; not modified
     * @param labels     N classes, each in {@code [0, C)}; not modified
     * @param numClasses {@code C}, at least 2
     * @param config     the training settings
     * @return the fitted model
     * @throws IllegalArgumentException if a shape is wrong, a label is out of range, a feature is not finite,
     *                                  or the config's class weights are not C
     * @throws ArithmeticException      if the objective stops being finite (a learning rate far too large)
     */
    public static LogisticRegression fit(FMatrixRMaj features, int[] labels, int numClasses, Config config) {
        return fit(features, labels, numClasses, config, null);
    }

    /**
     * As {@link #fit(FMatrixRMaj, int[], int, Config)}, starting from a fitted model's weight and bias rather
     * than from zero (a warm start, e.g. along a path of penalties).
     *
     * @param start a model of the same F and C whose parameters are copied as the start, or null for zero
     */
    static LogisticRegression fit(FMatrixRMaj features, int[] labels, int numClasses, Config config,
                                  LogisticRegression start) {
        if (features == null || labels == null || config == null) {
            throw new IllegalArgumentException("features, labels and config must not be null");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2 but was " + numClasses);
        }
        if (features.numRows < 1 || features.numCols < 1 || features.numRows != labels.length) {
            throw new IllegalArgumentException("features must be (N, F) with N = " + labels.length
                    + " labels and N, F ≥ 1 but was " + Tensors.shape(features));
        }
        checkFinite(features);
        ClassWeights.counts(labels, numClasses);   // checks the labels
        CrossEntropyLoss.Builder loss = CrossEntropyLoss.builder();
        if (config.balanced) {
            loss.classWeights(ClassWeights.balanced(labels, numClasses));
        } else if (config.classWeights != null) {
            if (config.classWeights.length != numClasses) {
                throw new IllegalArgumentException("the config has " + config.classWeights.length
                        + " class weights but there are " + numClasses + " classes");
            }
            loss.classWeights(config.classWeights);
        }

        int numFeatures = features.numCols;
        Linear linear = new Linear(new Parameter("weight", numClasses, numFeatures), new Parameter("bias", numClasses));
        LogisticObjective objective = new LogisticObjective(linear, features, labels, loss.build(), config.l2);
        if (start != null) {
            if (start.numFeatures() != numFeatures || start.numClasses() != numClasses) {
                throw new IllegalArgumentException("the start must have F = " + numFeatures + ", C = " + numClasses
                        + " but had F = " + start.numFeatures() + ", C = " + start.numClasses());
            }
            linear.weight().value().setTo(start.linear.weight().value());
            linear.bias().orElseThrow().value().setTo(start.linear.bias().orElseThrow().value());
        }
        long begin = System.nanoTime();
        int iteration;
        double value;
        if (config.solver == Solver.LBFGS) {
            Lbfgs.Result r = Lbfgs.minimize(linear.parameters(), objective::valueAndGradient,
                    new Lbfgs.Config(LBFGS_HISTORY, config.maxIterations, LBFGS_GRADIENT_TOLERANCE, config.tolerance));
            iteration = r.iterations();
            value = r.value();
        } else {
            Optimizer adam = new Adam(linear.parameters(), AdamConfig.adam().learningRate(config.learningRate).build());
            double previous = Double.POSITIVE_INFINITY;
            value = Double.NaN;
            iteration = 0;
            while (iteration < config.maxIterations) {
                value = objective.valueAndGradient();
                if (!Double.isFinite(value)) {
                    throw new ArithmeticException("the logistic-regression objective became " + value
                            + " at iteration " + iteration + "; lower the learning rate (" + config.learningRate + ")");
                }
                if (previous - value >= 0 && previous - value < config.tolerance * Math.max(1.0, value)) {
                    break;
                }
                previous = value;
                adam.step();
                iteration++;
                if (iteration % LOG_EVERY == 0) {
                    LOG.debug("iteration {}/{}: objective {}", iteration, config.maxIterations,
                            String.format(Locale.ROOT, "%.6f", value));
                }
            }
            if (iteration == config.maxIterations) {
                value = objective.value();
            }
        }
        LOG.debug("logistic regression ({}): N={} F={} C={} λ={}, {} iterations, objective {} ({} s)", config.solver,
                features.numRows, numFeatures, numClasses, config.l2, iteration,
                String.format(Locale.ROOT, "%.6f", value),
                String.format(Locale.ROOT, "%.2f", (System.nanoTime() - begin) / 1e9));
        return new LogisticRegression(linear, iteration, value);
    }

    private static void checkFinite(FMatrixRMaj features) {
        int size = features.getNumElements();
        for (int i = 0; i < size; i++) {
            if (!Float.isFinite(features.data[i])) {
                throw new IllegalArgumentException("features must be finite but features(" + i / features.numCols
                        + ", " + i % features.numCols + ") was " + features.data[i]);
            }
        }
    }

    /**
     * The number of classes.
     *
     * @return {@code C}
     */
    public int numClasses() {
        return linear.outFeatures();
    }

    /**
     * The number of features.
     *
     * @return {@code F}
     */
    public int numFeatures() {
        return linear.inFeatures();
    }

    /**
     * The number of optimizer steps training took.
     *
     * @return at most {@link Config#maxIterations()}
     */
    public int iterations() {
        return iterations;
    }

    /**
     * The training objective {@code J} at the fitted parameters.
     *
     * @return the weighted mean cross-entropy plus the penalty, on the training set
     */
    public double objective() {
        return objective;
    }

    /**
     * The weight {@code (C, F)} and bias {@code (C)}, named {@code weight} and {@code bias} as
     * {@code torch.nn.Linear}'s.
     *
     * @return the registry of the model's parameters (the live values)
     */
    public Parameters parameters() {
        return linear.parameters();
    }

    /**
     * The class scores {@code z = x·Wᵀ + b}.
     *
     * @param features (N, F); not modified
     * @param logits   (N, C); overwritten
     * @throws IllegalArgumentException if a shape is wrong
     */
    public void logits(FMatrixRMaj features, FMatrixRMaj logits) {
        linear.forward(features, logits);
    }

    /**
     * The class probabilities {@code softmax(x·Wᵀ + b)}, row by row.
     *
     * @param features      (N, F); not modified
     * @param probabilities (N, C); overwritten
     * @throws IllegalArgumentException if a shape is wrong
     */
    public void probabilities(FMatrixRMaj features, FMatrixRMaj probabilities) {
        linear.forward(features, probabilities);
        CrossEntropyLoss.probabilities(probabilities, probabilities);
    }

    /**
     * The most likely class of every row.
     *
     * @param features (N, F); not modified
     * @return a new array of N classes in {@code [0, C)} (the first of equal maxima)
     * @throws IllegalArgumentException if a shape is wrong
     */
    public int[] predict(FMatrixRMaj features) {
        if (features == null) {
            throw new IllegalArgumentException("features must be (N, " + numFeatures() + ") but was null");
        }
        FMatrixRMaj logits = new FMatrixRMaj(features.numRows, numClasses());
        linear.forward(features, logits);
        int[] classes = new int[features.numRows];
        CrossEntropyLoss.predictedClasses(logits, classes);
        return classes;
    }

    /**
     * Describes the model.
     *
     * @return e.g. {@code LogisticRegression(F=3512, C=2, iterations=180, objective=0.0412)}
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LogisticRegression(F=%d, C=%d, iterations=%d, objective=%.4g)",
                numFeatures(), numClasses(), iterations, objective);
    }

    /**
     * The training settings of {@link #fit}; immutable, validated by {@link Builder#build()}.
     */
    public static final class Config {

        private final double l2;
        private final double learningRate;
        private final int maxIterations;
        private final double tolerance;
        private final boolean balanced;
        private final float[] classWeights;
        private final Solver solver;

        private Config(Builder b) {
            this.solver = b.solver;
            this.l2 = b.l2;
            this.learningRate = b.learningRate;
            this.maxIterations = b.maxIterations;
            this.tolerance = b.tolerance;
            this.balanced = b.balanced;
            this.classWeights = b.classWeights == null ? null : b.classWeights.clone();
        }

        /**
         * Starts a configuration with the defaults: λ = 1e-4, the Adam solver with learning rate 0.05, at most
         * 500 iterations, tolerance 1e-7, no class weights.
         *
         * @return a builder
         */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * The L2 penalty.
         *
         * @return λ ≥ 0
         */
        public double l2() {
            return l2;
        }

        /**
         * The solver.
         *
         * @return {@link Solver#ADAM} or {@link Solver#LBFGS}
         */
        public Solver solver() {
            return solver;
        }

        /**
         * Adam's learning rate.
         *
         * @return γ &gt; 0
         */
        public double learningRate() {
            return learningRate;
        }

        /**
         * The most optimizer steps.
         *
         * @return at least 1
         */
        public int maxIterations() {
            return maxIterations;
        }

        /**
         * The relative decrease of the objective below which training stops (for L-BFGS: the decrease of one
         * iteration; it also stops once every gradient entry is below 1e-6).
         *
         * @return ≥ 0; 0 runs all {@link #maxIterations()} steps unless a step changes nothing
         */
        public double tolerance() {
            return tolerance;
        }

        /**
         * Whether the classes are weighted by {@link ClassWeights#balanced} of the training labels.
         *
         * @return true for balanced weights
         */
        public boolean balanced() {
            return balanced;
        }

        /**
         * The fixed class weights.
         *
         * @return a copy of the weights, or null when none were given (all 1, or balanced)
         */
        public float[] classWeights() {
            return classWeights == null ? null : classWeights.clone();
        }

        /**
         * Describes the settings.
         *
         * @return e.g. {@code Config[l2=1.0E-4, learningRate=0.05, maxIterations=500, tolerance=1.0E-7, ...]}
         */
        @Override
        public String toString() {
            return "Config[l2=" + l2 + ", solver=" + solver + ", learningRate=" + learningRate + ", maxIterations=" + maxIterations
                    + ", tolerance=" + tolerance + ", classWeights="
                    + (balanced ? "balanced" : classWeights == null ? "none" : Arrays.toString(classWeights)) + "]";
        }

        /** Builds a {@link Config}; the checks run in {@link #build()}. */
        public static final class Builder {
            private double l2 = 1e-4;
            private double learningRate = 0.05;
            private int maxIterations = 500;
            private double tolerance = 1e-7;
            private boolean balanced;
            private float[] classWeights;
            private Solver solver = Solver.ADAM;

            private Builder() {
            }

            /**
             * Sets the solver.
             *
             * @param value {@link Solver#ADAM} (default) or {@link Solver#LBFGS}
             * @return this builder
             */
            public Builder solver(Solver value) {
                this.solver = value;
                return this;
            }

            /**
             * Sets the L2 penalty on the weight.
             *
             * @param value λ, finite and ≥ 0 (default 1e-4)
             * @return this builder
             */
            public Builder l2(double value) {
                this.l2 = value;
                return this;
            }

            /**
             * Sets Adam's learning rate.
             *
             * @param value γ, finite and &gt; 0 (default 0.05)
             * @return this builder
             */
            public Builder learningRate(double value) {
                this.learningRate = value;
                return this;
            }

            /**
             * Sets the most optimizer steps.
             *
             * @param value at least 1 (default 500)
             * @return this builder
             */
            public Builder maxIterations(int value) {
                this.maxIterations = value;
                return this;
            }

            /**
             * Sets the relative decrease of the objective below which training stops.
             *
             * @param value finite and ≥ 0 (default 1e-7)
             * @return this builder
             */
            public Builder tolerance(double value) {
                this.tolerance = value;
                return this;
            }

            /**
             * Weighs the classes by {@link ClassWeights#balanced} of the training labels (replacing fixed
             * weights given before).
             *
             * @param value true for balanced weights (default false)
             * @return this builder
             */
            public Builder balanced(boolean value) {
                this.balanced = value;
                if (value) {
                    this.classWeights = null;
                }
                return this;
            }

            /**
             * Weighs the classes by fixed weights (replacing balanced weights chosen before).
             *
             * @param weights one finite, non-negative weight per class, or null for none; copied
             * @return this builder
             */
            public Builder classWeights(float... weights) {
                this.classWeights = weights == null ? null : weights.clone();
                if (weights != null) {
                    this.balanced = false;
                }
                return this;
            }

            /**
             * Validates the settings.
             *
             * @return the configuration
             * @throws IllegalArgumentException if a value is out of range
             */
            public Config build() {
                if (!(l2 >= 0) || !Double.isFinite(l2)) {
                    throw new IllegalArgumentException("l2 must be finite and non-negative but was " + l2);
                }
                if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                    throw new IllegalArgumentException("learningRate must be finite and positive but was "
                            + learningRate);
                }
                if (solver == null) {
                    throw new IllegalArgumentException("solver must not be null");
                }
                if (maxIterations < 1) {
                    throw new IllegalArgumentException("maxIterations must be at least 1 but was " + maxIterations);
                }
                if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
                    throw new IllegalArgumentException("tolerance must be finite and non-negative but was "
                            + tolerance);
                }
                if (classWeights != null) {
                    for (int c = 0; c < classWeights.length; c++) {
                        if (!(classWeights[c] >= 0) || !Float.isFinite(classWeights[c])) {
                            throw new IllegalArgumentException("class weights must be finite and non-negative but "
                                    + "weight " + c + " was " + classWeights[c]);
                        }
                    }
                }
                return new Config(this);
            }
        }
    }
}
