package org.seq4j.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.tensor.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks analytic gradients against central finite differences of the loss.
 *
 * <pre>{@code
 * GradientCheck.Result r = GradientCheck.builder(() -> loss())   // full forward pass + loss, as a double
 *         .parameters(module.parameters())                       // every Parameter (value + grad) is a target
 *         .input("x", x, dx)                                     // any other matrix with its analytic gradient
 *         .build()
 *         .run(() -> { module.parameters().zeroGrad(); forwardAndBackward(); });
 * r.assertPassed();
 * }</pre>
 *
 * <h2>Method</h2>
 * {@link #run(Runnable)} first runs the analytic callback once (it must zero every gradient, then run the
 * forward and backward passes so that the gradient matrices hold {@code ∂L/∂θ}) and copies the gradients.
 * Then, for each checked entry {@code θᵢ} of each target, it evaluates the loss callback at two perturbed
 * float32 values and restores the entry bit-exactly:
 * <pre>
 *   θ⁺ = fl(θᵢ + h),  θ⁻ = fl(θᵢ − h)              (fl: rounding to float32)
 *   nᵢ = (L(θ⁺) − L(θ⁻)) / (θ⁺ − θ⁻)              (the true float32 spacing, computed in double)
 * </pre>
 * The loss callback must recompute everything from the current values (it is called with perturbed
 * entries) and must have no side effects; the loss is evaluated once more after all perturbations and
 * must equal, bit for bit, its value before them, else {@link #run} throws {@link IllegalStateException}.
 * Accumulate the loss in {@code double} inside the callback: the float32 rounding noise of the forward
 * pass is then the only noise left.
 *
 * <p>Each target contributes either all its entries or, if it has more than
 * {@code maxEntriesPerTensor}, that many distinct entries drawn with a seeded {@link SplittableRandom}.
 *
 * <h2>Criteria</h2>
 * With analytic {@code aᵢ}, numeric {@code nᵢ} and the checked entries {@code i = 1..m} of one tensor,
 * the tensor passes when both hold:
 * <pre>
 *   element:  |aᵢ − nᵢ| ≤ atol + rtol · max(|aᵢ|, |nᵢ|)                  for every checked i
 *   tensor:   ‖a − n‖₂  ≤ atol · √m + tensorRtol · max(‖a‖₂, ‖n‖₂)
 * </pre>
 * The element test catches a single wrong entry (a dropped bias term, one time step's input gradient); the
 * tensor test catches a small systematic error spread over a whole matrix (a recurrent weight gradient
 * missing one of T time steps' contributions) that stays below {@code rtol} in every entry. The reported
 * relative error of a tensor is {@code ‖a − n‖₂ / max(‖a‖₂, ‖n‖₂, tiny)}. A non-finite value fails.
 *
 * <h2>Step size and tolerances (float32)</h2>
 * The numeric derivative has two errors: truncation {@code ≈ h²·|L'''|/6}, and the float32 rounding
 * noise of the forward pass {@code ≈ ε·|L|/h} with {@code ε ≈ 6·10⁻⁸} (a few ulps of every float32
 * intermediate reach the double loss). For an {@code O(1)} loss the sum is smallest for {@code h} of a
 * few {@code 10⁻³}. This was measured on 40 seeds each of a two-layer tanh/sigmoid perceptron with a
 * mean-squared error, and of tanh recurrences over {@code T = 6} and {@code T = 10} steps from a non-zero
 * {@code h0} with a softmax read-out and the mean negative log-likelihood, weights {@code U(±0.25)} to
 * {@code U(±1.5)} (the last close to saturation). With the tolerances below, the worst score
 * (error / allowed error) of a correct backward pass was:
 * <pre>
 *   h = 2e-2, 1e-2   up to 1.4: the truncation error fails the near-saturated recurrence
 *   h = 5e-3         at most 0.36 (near-saturated recurrence), at most 0.14 otherwise
 *   h = 3e-3         at most 0.36, and larger noise on small gradients (0.16 instead of 0.09)
 * </pre>
 * Deliberately broken backward passes (a missing bias gradient; one of {@code T} steps' contribution to
 * the recurrent weight gradient dropped; {@code dh_next} not carried through one step; one step's
 * read-out gradient dropped) scored at least 7.9, and above 15 in all but the near-saturated case.
 * The defaults therefore are:
 * <pre>
 *   step        h          = 5e-3
 *   rtol                   = 1e-2     element relative tolerance
 *   atol                   = 1e-4     element absolute tolerance, for entries whose gradient is ~0
 *   tensorRtol             = 2e-3     tensor-level relative tolerance
 *   maxEntriesPerTensor    = 256      tensors up to this size are checked entirely
 * </pre>
 * They assume a loss of order 1 (use mean reductions or scale the loss) and inputs away from kinks: a
 * perturbation of {@code ±h} that crosses a non-differentiable point (relu at 0, a max) makes the numeric
 * derivative meaningless, so keep such inputs at least {@code 2h} from the kink.
 */
public final class GradientCheck {

    /** Default central-difference step {@code h}; see the class Javadoc for how it was chosen. */
    public static final double DEFAULT_STEP = 5e-3;
    /** Default element relative tolerance {@code rtol}. */
    public static final double DEFAULT_RELATIVE_TOLERANCE = 1e-2;
    /** Default element absolute tolerance {@code atol}. */
    public static final double DEFAULT_ABSOLUTE_TOLERANCE = 1e-4;
    /** Default tensor-level relative tolerance {@code tensorRtol}. */
    public static final double DEFAULT_TENSOR_TOLERANCE = 2e-3;
    /** Default maximum number of entries checked per tensor; smaller tensors are checked entirely. */
    public static final int DEFAULT_MAX_ENTRIES_PER_TENSOR = 256;
    /** Default seed for choosing the checked entries of large tensors. */
    public static final long DEFAULT_SEED = 0x5EC4L;

    private static final Logger LOG = LoggerFactory.getLogger(GradientCheck.class);

    private final DoubleSupplier loss;
    private final List<Target> targets;
    private final double step;
    private final double relativeTolerance;
    private final double absoluteTolerance;
    private final double tensorTolerance;
    private final int maxEntriesPerTensor;
    private final long seed;

    private GradientCheck(Builder b, List<Target> targets) {
        this.loss = b.loss;
        this.targets = targets;
        this.step = b.step;
        this.relativeTolerance = b.relativeTolerance;
        this.absoluteTolerance = b.absoluteTolerance;
        this.tensorTolerance = b.tensorTolerance;
        this.maxEntriesPerTensor = b.maxEntriesPerTensor;
        this.seed = b.seed;
    }

    /**
     * Starts a gradient check of the given loss.
     *
     * @param loss computes the full forward pass and the loss, in double, from the current values of every
     *             target; called many times with one entry perturbed; must have no side effects
     * @return a builder with the default options
     * @throws IllegalArgumentException if {@code loss} is null
     */
    public static Builder builder(DoubleSupplier loss) {
        if (loss == null) {
            throw new IllegalArgumentException("loss must not be null");
        }
        return new Builder(loss);
    }

    /**
     * Runs the check: computes the analytic gradients once, then the numeric gradients of every checked
     * entry. Every value is restored bit-exactly afterwards, also when a callback throws.
     *
     * @param analyticGradients zeroes every gradient of the targets, then runs forward and backward so that
     *                          each target's gradient matrix holds {@code ∂L/∂value}
     * @return the result, which passed or not; call {@link Result#assertPassed()} in a test
     * @throws IllegalArgumentException if {@code analyticGradients} is null
     * @throws IllegalStateException    if the loss is not finite at the unperturbed values, or differs after
     *                                  all perturbations have been undone (the loss callback has side effects
     *                                  or is not deterministic)
     */
    public Result run(Runnable analyticGradients) {
        if (analyticGradients == null) {
            throw new IllegalArgumentException("analyticGradients must not be null");
        }
        analyticGradients.run();
        List<float[]> analytic = new ArrayList<>(targets.size());
        for (Target t : targets) {
            analytic.add(Arrays.copyOf(t.grad.data, t.grad.getNumElements()));
        }

        double base = loss.getAsDouble();
        if (!Double.isFinite(base)) {
            throw new IllegalStateException("the loss must be finite at the unperturbed values but was " + base);
        }

        SplittableRandom random = new SplittableRandom(seed);
        List<TensorReport> reports = new ArrayList<>(targets.size());
        for (int k = 0; k < targets.size(); k++) {
            Target t = targets.get(k);
            int[] entries = chooseEntries(t.value.getNumElements(), random.split());
            reports.add(checkTensor(t, analytic.get(k), entries));
        }

        double after = loss.getAsDouble();
        if (Double.compare(base, after) != 0) {
            throw new IllegalStateException("the loss was " + base + " before the perturbations and " + after
                    + " after every value was restored: the loss callback must recompute everything from the"
                    + " current values, deterministically and without side effects");
        }
        Result result = new Result(base, reports);
        LOG.debug("{}", result);
        return result;
    }

    private int[] chooseEntries(int size, SplittableRandom random) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        if (size <= maxEntriesPerTensor) {
            return all;
        }
        // Partial Fisher–Yates: the first maxEntriesPerTensor slots become a uniform sample without repeats.
        for (int i = 0; i < maxEntriesPerTensor; i++) {
            int j = i + random.nextInt(size - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        int[] chosen = Arrays.copyOf(all, maxEntriesPerTensor);
        Arrays.sort(chosen);
        return chosen;
    }

    private TensorReport checkTensor(Target t, float[] analytic, int[] entries) {
        float[] value = t.value.data;
        int cols = t.value.numCols;
        double diffSq = 0.0;
        double analyticSq = 0.0;
        double numericSq = 0.0;
        Entry worst = null;
        for (int i : entries) {
            float original = value[i];
            float plus = (float) (original + step);
            float minus = (float) (original - step);
            double lossPlus;
            double lossMinus;
            try {
                value[i] = plus;
                lossPlus = loss.getAsDouble();
                value[i] = minus;
                lossMinus = loss.getAsDouble();
            } finally {
                value[i] = original;
            }
            double a = analytic[i];
            double n = (lossPlus - lossMinus) / ((double) plus - (double) minus);
            double error = Math.abs(a - n);
            double allowed = absoluteTolerance + relativeTolerance * Math.max(Math.abs(a), Math.abs(n));
            double score = Double.isFinite(a) && Double.isFinite(n) ? error / allowed : Double.POSITIVE_INFINITY;
            if (worst == null || score > worst.score()) {
                worst = new Entry(t.name, i / cols, i % cols, a, n, score);
            }
            diffSq += (a - n) * (a - n);
            analyticSq += a * a;
            numericSq += n * n;
        }
        double diffNorm = Math.sqrt(diffSq);
        double scale = Math.max(Math.sqrt(analyticSq), Math.sqrt(numericSq));
        double relativeError = scale > Double.MIN_NORMAL ? diffNorm / scale : diffNorm > 0 ? 1.0 : 0.0;
        double allowed = absoluteTolerance * Math.sqrt(entries.length) + tensorTolerance * scale;
        double tensorScore = Double.isFinite(diffNorm) ? diffNorm / allowed : Double.POSITIVE_INFINITY;
        return new TensorReport(t.name, t.value.numRows, cols, entries.length, relativeError, tensorScore, worst);
    }

    // ------------------------------------------------------------------------------------------------

    /**
     * Collects the targets and options of a {@link GradientCheck}; {@link #build()} validates them.
     */
    public static final class Builder {

        private final DoubleSupplier loss;
        private final List<Target> targets = new ArrayList<>();
        private double step = DEFAULT_STEP;
        private double relativeTolerance = DEFAULT_RELATIVE_TOLERANCE;
        private double absoluteTolerance = DEFAULT_ABSOLUTE_TOLERANCE;
        private double tensorTolerance = DEFAULT_TENSOR_TOLERANCE;
        private int maxEntriesPerTensor = DEFAULT_MAX_ENTRIES_PER_TENSOR;
        private long seed = DEFAULT_SEED;

        private Builder(DoubleSupplier loss) {
            this.loss = loss;
        }

        /**
         * Adds every parameter of a registry as a target, in registration order: its value is perturbed and
         * its gradient is the analytic gradient. A parameter registered twice under different names (tied
         * weights: same value and gradient matrices) is checked once.
         *
         * @param parameters the registry; values are perturbed during {@link GradientCheck#run} and restored
         * @return this builder
         */
        public Builder parameters(Parameters parameters) {
            for (Parameter p : parameters) {
                parameter(p);
            }
            return this;
        }

        /**
         * Adds one parameter as a target.
         *
         * @param parameter the parameter; its value is perturbed during {@link GradientCheck#run} and restored
         * @return this builder
         */
        public Builder parameter(Parameter parameter) {
            return input(parameter.name(), parameter.value(), parameter.grad());
        }

        /**
         * Adds any matrix that the loss depends on, with the matrix that the analytic callback fills with its
         * gradient.
         *
         * @param name  name used in reports; unique among the targets
         * @param value the matrix; perturbed during {@link GradientCheck#run} and restored
         * @param grad  same shape as {@code value}; filled by the analytic callback, read by the check
         * @return this builder
         */
        public Builder input(String name, FMatrixRMaj value, FMatrixRMaj grad) {
            targets.add(new Target(name, value, grad));
            return this;
        }

        /**
         * Sets the central-difference step {@code h}.
         *
         * @param step positive and at most 1; default {@link #DEFAULT_STEP}
         * @return this builder
         */
        public Builder step(double step) {
            this.step = step;
            return this;
        }

        /**
         * Sets the element tolerances: {@code |a − n| ≤ absolute + relative · max(|a|, |n|)}.
         *
         * @param relative {@code rtol}, in {@code [0, 1)}; default {@link #DEFAULT_RELATIVE_TOLERANCE}
         * @param absolute {@code atol}, positive; default {@link #DEFAULT_ABSOLUTE_TOLERANCE}
         * @return this builder
         */
        public Builder tolerance(double relative, double absolute) {
            this.relativeTolerance = relative;
            this.absoluteTolerance = absolute;
            return this;
        }

        /**
         * Sets the tensor-level relative tolerance:
         * {@code ‖a − n‖₂ ≤ atol·√m + relative · max(‖a‖₂, ‖n‖₂)}.
         *
         * @param relative {@code tensorRtol}, in {@code [0, 1)}; default {@link #DEFAULT_TENSOR_TOLERANCE}
         * @return this builder
         */
        public Builder tensorTolerance(double relative) {
            this.tensorTolerance = relative;
            return this;
        }

        /**
         * Sets how many entries of a tensor are checked at most; larger tensors are sampled.
         *
         * @param maxEntries at least 1; default {@link #DEFAULT_MAX_ENTRIES_PER_TENSOR}
         * @return this builder
         */
        public Builder maxEntriesPerTensor(int maxEntries) {
            this.maxEntriesPerTensor = maxEntries;
            return this;
        }

        /**
         * Sets the seed that chooses the sampled entries of large tensors.
         *
         * @param seed any value; default {@link #DEFAULT_SEED}
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Validates the targets and options.
         *
         * @return the configured check
         * @throws IllegalArgumentException if there is no target, a name is empty or repeated, a gradient's
         *                                  shape differs from its value's, a value is its own gradient, one
         *                                  matrix is registered with two different gradients, or an option
         *                                  is out of range, or a value has no elements
         */
        public GradientCheck build() {
            if (!(step > 0 && step <= 1)) {
                throw new IllegalArgumentException("step must be in (0, 1] but was " + step);
            }
            if (!(relativeTolerance >= 0 && relativeTolerance < 1)) {
                throw new IllegalArgumentException(
                        "relative tolerance must be in [0, 1) but was " + relativeTolerance);
            }
            if (!(absoluteTolerance > 0 && Double.isFinite(absoluteTolerance))) {
                throw new IllegalArgumentException(
                        "absolute tolerance must be positive and finite but was " + absoluteTolerance);
            }
            if (!(tensorTolerance >= 0 && tensorTolerance < 1)) {
                throw new IllegalArgumentException(
                        "tensor tolerance must be in [0, 1) but was " + tensorTolerance);
            }
            if (maxEntriesPerTensor < 1) {
                throw new IllegalArgumentException(
                        "maxEntriesPerTensor must be at least 1 but was " + maxEntriesPerTensor);
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a gradient check needs at least one parameter or input");
            }
            List<Target> unique = new ArrayList<>();
            for (Target t : targets) {
                if (t.name == null || t.name.isEmpty()) {
                    throw new IllegalArgumentException("target names must not be empty");
                }
                if (t.value == null || t.grad == null) {
                    throw new IllegalArgumentException(t.name + ": value and gradient must not be null");
                }
                Tensors.checkSameShape(t.value, t.name, t.grad, t.name + " gradient");
                if (t.value.getNumElements() == 0) {
                    throw new IllegalArgumentException(t.name + " must have at least one element but was "
                            + Tensors.shape(t.value));
                }
                if (t.value == t.grad) {
                    throw new IllegalArgumentException(t.name + ": the gradient must not be the value itself");
                }
                boolean tied = false;
                for (Target u : unique) {
                    if (u.name.equals(t.name)) {
                        throw new IllegalArgumentException("duplicate target name: " + t.name);
                    }
                    if (u.value == t.value) {
                        if (u.grad != t.grad) {
                            throw new IllegalArgumentException(t.name + " has the same value matrix as "
                                    + u.name + " but a different gradient matrix");
                        }
                        tied = true;
                    }
                }
                if (!tied) {
                    unique.add(t);
                }
            }
            return new GradientCheck(this, Collections.unmodifiableList(unique));
        }
    }

    private static final class Target {
        final String name;
        final FMatrixRMaj value;
        final FMatrixRMaj grad;

        Target(String name, FMatrixRMaj value, FMatrixRMaj grad) {
            this.name = name;
            this.value = value;
            this.grad = grad;
        }
    }

    // ------------------------------------------------------------------------------------------------

    /**
     * One checked entry.
     *
     * @param tensor   the target's name
     * @param row      row of the entry
     * @param col      column of the entry
     * @param analytic the analytic gradient
     * @param numeric  the central-difference gradient
     * @param score    {@code |a − n| / (atol + rtol · max(|a|, |n|))}: at most 1 passes; infinite if either
     *                 value is not finite
     */
    public record Entry(String tensor, int row, int col, double analytic, double numeric, double score) {

        /**
         * The absolute difference.
         *
         * @return {@code |analytic − numeric|}
         */
        public double error() {
            return Math.abs(analytic - numeric);
        }

        /**
         * Formats the entry.
         *
         * @return e.g. {@code bias (0, 2): analytic 0 vs numeric 0.7311, |a-n| 0.7311 (score 72.4)}
         */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (%d, %d): analytic %.7g vs numeric %.7g, |a-n| %.3g (score %.3g)",
                    tensor, row, col, analytic, numeric, error(), score);
        }
    }

    /**
     * The outcome for one target tensor.
     *
     * @param name           the target's name
     * @param rows           rows of the tensor
     * @param cols           columns of the tensor
     * @param entriesChecked how many entries were checked
     * @param relativeError  {@code ‖a − n‖₂ / max(‖a‖₂, ‖n‖₂, tiny)} over the checked entries
     * @param tensorScore    {@code ‖a − n‖₂ / (atol·√m + tensorRtol · max(‖a‖₂, ‖n‖₂))}: at most 1 passes
     * @param worst          the entry with the largest element score
     */
    public record TensorReport(String name, int rows, int cols, int entriesChecked, double relativeError,
                               double tensorScore, Entry worst) {

        /**
         * The larger of the tensor score and the worst element score.
         *
         * @return at most 1 if the tensor passed
         */
        public double score() {
            double s = Math.max(tensorScore, worst.score());
            return Double.isNaN(s) ? Double.POSITIVE_INFINITY : s;
        }

        /**
         * Tells whether both criteria held.
         *
         * @return true if every checked entry and the tensor as a whole are within tolerance
         */
        public boolean passed() {
            return score() <= 1.0;
        }

        /**
         * Formats the report.
         *
         * @return name, shape, checked count, relative error and worst entry
         */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (%d, %d) %s: %d entries, relative error %.3g, tensor score %.3g,"
                            + " worst %s", name, rows, cols, passed() ? "ok" : "FAILED", entriesChecked,
                    relativeError, tensorScore, worst);
        }
    }

    /** The outcome of {@link GradientCheck#run}: one {@link TensorReport} per target. */
    public static final class Result {

        private final double loss;
        private final List<TensorReport> tensors;
        private final TensorReport worstTensor;

        private Result(double loss, List<TensorReport> tensors) {
            this.loss = loss;
            this.tensors = Collections.unmodifiableList(tensors);
            TensorReport w = tensors.get(0);
            for (TensorReport r : tensors) {
                if (r.score() > w.score()) {
                    w = r;
                }
            }
            this.worstTensor = w;
        }

        /**
         * The loss at the unperturbed values.
         *
         * @return the loss
         */
        public double loss() {
            return loss;
        }

        /**
         * The reports, in target order.
         *
         * @return an unmodifiable list
         */
        public List<TensorReport> tensors() {
            return tensors;
        }

        /**
         * The tensor with the largest score.
         *
         * @return its report
         */
        public TensorReport worstTensor() {
            return worstTensor;
        }

        /**
         * The worst entry of the worst tensor.
         *
         * @return tensor name, index, analytic and numeric values and score
         */
        public Entry worst() {
            return worstTensor.worst();
        }

        /**
         * Tells whether every tensor passed.
         *
         * @return true if all passed
         */
        public boolean passed() {
            return worstTensor.passed();
        }

        /**
         * Throws if any tensor failed.
         *
         * @throws AssertionError naming the worst tensor, its worst index, the analytic and numeric values,
         *                        followed by the report of every tensor
         */
        public void assertPassed() {
            if (!passed()) {
                throw new AssertionError("gradient check failed at " + worst()
                        + "; tensor relative error " + String.format(Locale.ROOT, "%.3g", worstTensor.relativeError())
                        + "\n" + this);
            }
        }

        /**
         * Formats every tensor report, one per line.
         *
         * @return the reports
         */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("gradient check, loss " + loss + ":");
            for (TensorReport r : tensors) {
                sb.append("\n  ").append(r);
            }
            return sb.toString();
        }
    }
}
