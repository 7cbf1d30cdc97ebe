package org.seq4j.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.seq4j.tensor.Tensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A linear map from one word-embedding space to another, fitted by least squares on the words both spaces
 * know: the vocabulary expansion of Skip-Thoughts (Kiros et al. 2015, section 2.2), which maps word2vec
 * vectors into a model's word-embedding space so that the model can encode words it never saw in training.
 *
 * <pre>
 *   source: x_w ∈ R^S (word2vec, any WordVectors)      target: y_w ∈ R^T (a model's embedding rows)
 *   ŷ(x)   = W·x + b                                   W: (T, S)   b: (T), or b = 0 without intercept
 *   fit:   minimise Σ_{w ∈ shared} ‖W·x_w + b − y_w‖² + α·‖W‖²_F     over W, b (b not penalised)
 * </pre>
 * With an intercept the pairs are centred by their means ({@code x̄, ȳ}, in double) and
 * {@code b = ȳ − W·x̄}; Skip-Thoughts fitted the same model with scikit-learn's {@code LinearRegression()}
 * (intercept, {@code α = 0}). The ridge term {@code α ≥ 0} is added as {@code S} extra rows
 * {@code √α·I} of the design with zero targets, so one solve covers both cases, and it keeps the problem
 * well posed when there are fewer shared words than source dimensions.
 *
 * <h2>Solver and precision</h2>
 * EJML's Householder QR in float32 ({@link DecompositionFactory_FDRM#qr}) factors the design
 * {@code X = Q·R} once, never forming the normal equations {@code XᵀX} (which would square the condition
 * number, ruinous in float32); the thin {@code Q} is formed explicitly so that {@code Qᵀ·Y} for all
 * {@code T} target columns is one matrix product ({@link Tensors#multTransA}; EJML's least-squares solvers
 * apply the reflectors to one column at a time, some 40 times slower for hundreds of columns), and
 * {@code Wᵀ = R⁻¹·Qᵀ·Y} is a back substitution in double. The solution is then refined once against the
 * residual computed in double: {@code Wᵀ ← Wᵀ + R⁻¹·Qᵀ·(Y − X·Wᵀ)}, which brings it close to the accuracy
 * the float32 data allow (a known map is recovered to about {@code 1e-7} absolute error on well-conditioned
 * data), without the cost or the extra dependency of a double-precision decomposition. Linearly dependent
 * source columns (a diagonal entry of {@code R} below {@code 1e-6} of the largest) are refused unless a
 * ridge term makes the problem well posed. Cost: {@code O(N·S²)} for the factorisation and {@code O(N·S·T)}
 * for the products, the double-precision residual the largest part.
 *
 * <h2>Expansion</h2>
 * {@link #expand} gives the target space's table for every word either space knows: the target's own
 * vectors for its words (unchanged), then {@code W·x_w + b} for each word only the source knows, in the
 * source's order, with counts of each ({@link Expansion}). Immutable once fitted; safe to share between
 * threads.
 */
public final class EmbeddingSpaceMap {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingSpaceMap.class);

    /** Refinement steps against the double-precision residual. */
    private static final int REFINEMENTS = 1;
    /** A diagonal entry of R below this fraction of the largest means linearly dependent source columns. */
    private static final double RANK_TOLERANCE = 1e-6;

    private final FMatrixRMaj weight;   // W: (T, S)
    private final float[] bias;         // b: (T)
    private final int pairs;
    private final double rSquared;

    private EmbeddingSpaceMap(FMatrixRMaj weight, float[] bias, int pairs, double rSquared) {
        this.weight = weight;
        this.bias = bias;
        this.pairs = pairs;
        this.rSquared = rSquared;
    }

    /**
     * Fits the map on pairs of vectors.
     *
     * @param source    {@code (N, S)} source vectors, one pair per row, finite; not modified
     * @param target    {@code (N, T)} the target vectors of the same pairs, finite; not modified
     * @param ridge     {@code α ≥ 0}, the penalty on {@code ‖W‖²_F}
     * @param intercept whether to fit the bias {@code b} (otherwise {@code b = 0})
     * @return the fitted map
     * @throws IllegalArgumentException if the row counts differ, a matrix has no column, a value is not
     *                                  finite, α is negative or not finite, or without a ridge term there are
     *                                  fewer pairs than unknowns per target column
     */
    public static EmbeddingSpaceMap fit(FMatrixRMaj source, FMatrixRMaj target, double ridge, boolean intercept) {
        if (source == null || target == null) {
            throw new IllegalArgumentException("source and target must not be null");
        }
        if (source.numRows != target.numRows) {
            throw new IllegalArgumentException("source and target must hold the same pairs, one per row, but source"
                    + " was " + Tensors.shape(source) + " and target " + Tensors.shape(target));
        }
        if (source.numCols < 1 || target.numCols < 1 || source.numRows < 1) {
            throw new IllegalArgumentException("source (N, S) and target (N, T) need N, S, T ≥ 1 but were "
                    + Tensors.shape(source) + " and " + Tensors.shape(target));
        }
        if (!(ridge >= 0) || !Double.isFinite(ridge)) {
            throw new IllegalArgumentException("ridge must be finite and non-negative but was " + ridge);
        }
        checkFinite(source, "source");
        checkFinite(target, "target");
        int n = source.numRows;
        int s = source.numCols;
        int t = target.numCols;
        int unknowns = s + (intercept ? 1 : 0);
        if (ridge == 0 && n < unknowns) {
            throw new IllegalArgumentException("an unregularised map from " + s + " dimensions"
                    + (intercept ? " with an intercept" : "") + " needs at least " + unknowns + " pairs but got " + n
                    + "; give a ridge term α > 0 or more shared words");
        }

        double[] sourceMean = new double[s];
        double[] targetMean = new double[t];
        if (intercept) {
            columnMeans(source, sourceMean);
            columnMeans(target, targetMean);
        }
        int rows = ridge > 0 ? n + s : n;
        FMatrixRMaj design = new FMatrixRMaj(rows, s);      // X: (N [+ S], S), centred, ridge rows below
        double[] y = new double[rows * t];                   // Y: (N [+ S], T), centred, zeros below
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < s; j++) {
                design.data[r * s + j] = (float) (source.data[r * s + j] - sourceMean[j]);
            }
            for (int k = 0; k < t; k++) {
                y[r * t + k] = target.data[r * t + k] - targetMean[k];
            }
        }
        if (ridge > 0) {
            float root = (float) Math.sqrt(ridge);
            for (int j = 0; j < s; j++) {
                design.data[(n + j) * s + j] = root;
            }
        }
        double[] w = solveRefined(design, y, t);             // Wᵀ: (S, T)

        FMatrixRMaj weight = new FMatrixRMaj(t, s);
        float[] bias = new float[t];
        for (int k = 0; k < t; k++) {
            double b = targetMean[k];
            for (int j = 0; j < s; j++) {
                weight.data[k * s + j] = (float) w[j * t + k];
                b -= w[j * t + k] * sourceMean[j];
            }
            bias[k] = (float) b;
        }
        double rSquared = rSquared(design, y, w, n, t);
        LOG.info("embedding-space map: {} pairs, {} → {} dimensions, ridge {}, {}intercept: R² = {}", n, s, t,
                ridge, intercept ? "" : "no ", String.format(Locale.ROOT, "%.4f", rSquared));
        return new EmbeddingSpaceMap(weight, bias, n, rSquared);
    }

    /**
     * Fits the map on the words both spaces know: every word of {@code target} that {@code source} also
     * holds, in {@code target}'s order (words of one space only, such as a model's special tokens, take no
     * part).
     *
     * @param source    the space mapped from, e.g. word2vec vectors
     * @param target    the space mapped to, e.g. a model's embedding rows as {@code WordVectors.of(words,
     *                  table, E)}
     * @param ridge     {@code α ≥ 0}
     * @param intercept whether to fit the bias
     * @return the fitted map
     * @throws IllegalArgumentException if an argument is null, no word is shared, or as
     *                                  {@link #fit(FMatrixRMaj, FMatrixRMaj, double, boolean)}
     */
    public static EmbeddingSpaceMap fit(WordVectors source, WordVectors target, double ridge, boolean intercept) {
        if (source == null || target == null) {
            throw new IllegalArgumentException("source and target must not be null");
        }
        List<String> shared = new ArrayList<>();
        for (String word : target.words()) {
            if (source.contains(word)) {
                shared.add(word);
            }
        }
        if (shared.isEmpty()) {
            throw new IllegalArgumentException("the source (" + source.size() + " words) and the target ("
                    + target.size() + " words) share no word to fit the map on");
        }
        FMatrixRMaj x = new FMatrixRMaj(shared.size(), source.dimension());
        FMatrixRMaj y = new FMatrixRMaj(shared.size(), target.dimension());
        for (int r = 0; r < shared.size(); r++) {
            String word = shared.get(r);
            System.arraycopy(source.vector(word), 0, x.data, r * x.numCols, x.numCols);
            System.arraycopy(target.vector(word), 0, y.data, r * y.numCols, y.numCols);
        }
        return fit(x, y, ridge, intercept);
    }

    /**
     * argmin ‖X·Wᵀ − Y‖ for T right-hand sides: Householder QR of X in float32, {@code Wᵀ = R⁻¹·Qᵀ·Y}, then
     * refined against the residual in double.
     */
    private static double[] solveRefined(FMatrixRMaj design, double[] y, int t) {
        int rows = design.numRows;
        int s = design.numCols;
        QRDecomposition<FMatrixRMaj> qr = DecompositionFactory_FDRM.qr(rows, s);
        if (!qr.decompose(design.copy())) {
            throw new IllegalArgumentException("the least-squares problem of the map could not be decomposed ("
                    + rows + " rows, " + s + " source dimensions)");
        }
        FMatrixRMaj q = qr.getQ(null, true);                // Q: (rows, S), orthonormal columns
        FMatrixRMaj r = qr.getR(null, true);                // R: (S, S), upper triangular
        double largest = 0;
        for (int j = 0; j < s; j++) {
            largest = Math.max(largest, Math.abs(r.get(j, j)));
        }
        for (int j = 0; j < s; j++) {
            if (!(Math.abs(r.get(j, j)) > RANK_TOLERANCE * largest)) {
                throw new IllegalArgumentException("the source vectors of the pairs are linearly dependent (their "
                        + s + " columns have rank below " + s + "); give a ridge term α > 0");
            }
        }
        FMatrixRMaj rhs = new FMatrixRMaj(rows, t);         // Y, then the residual Y − X·Wᵀ: (rows, T)
        FMatrixRMaj projected = new FMatrixRMaj(s, t);      // Qᵀ·rhs: (S, T)
        double[] w = new double[s * t];                     // Wᵀ: (S, T)
        double[] fitted = new double[t];
        double[] delta = new double[s];
        for (int pass = 0; pass <= REFINEMENTS; pass++) {
            for (int row = 0; row < rows; row++) {          // residual in double (Y itself on the first pass)
                if (pass > 0) {
                    Arrays.fill(fitted, 0.0);
                    for (int j = 0; j < s; j++) {
                        double xj = design.data[row * s + j];
                        if (xj != 0.0) {
                            for (int k = 0; k < t; k++) {
                                fitted[k] += xj * w[j * t + k];
                            }
                        }
                    }
                }
                for (int k = 0; k < t; k++) {
                    rhs.data[row * t + k] = (float) (y[row * t + k] - (pass > 0 ? fitted[k] : 0.0));
                }
            }
            Tensors.multTransA(q, rhs, projected);
            for (int k = 0; k < t; k++) {                   // back substitution R·δ = Qᵀ·rhs, column k, in double
                for (int j = s - 1; j >= 0; j--) {
                    double sum = projected.data[j * t + k];
                    for (int i = j + 1; i < s; i++) {
                        sum -= r.data[j * s + i] * delta[i];
                    }
                    delta[j] = sum / r.data[j * s + j];
                    w[j * t + k] += delta[j];
                }
            }
        }
        for (double v : w) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("the map's least-squares solution is not finite");
            }
        }
        return w;
    }

    /**
     * 1 − Σ residual² / Σ (y − ȳ)² over the N pairs' centred targets (the ridge rows excluded); the fitted
     * values come from one float32 product, ample for a diagnostic.
     */
    private static double rSquared(FMatrixRMaj design, double[] y, double[] w, int n, int t) {
        int s = design.numCols;
        FMatrixRMaj weightT = new FMatrixRMaj(s, t);       // Wᵀ: (S, T)
        for (int i = 0; i < w.length; i++) {
            weightT.data[i] = (float) w[i];
        }
        FMatrixRMaj fitted = new FMatrixRMaj(design.numRows, t);
        Tensors.mult(design, weightT, fitted);
        double[] yMean = new double[t];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < t; k++) {
                yMean[k] += y[r * t + k] / n;
            }
        }
        double residual = 0;
        double total = 0;
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < t; k++) {
                double e = y[r * t + k] - fitted.data[r * t + k];
                double d = y[r * t + k] - yMean[k];
                residual += e * e;
                total += d * d;
            }
        }
        return total > 0 ? 1 - residual / total : residual == 0 ? 1 : Double.NEGATIVE_INFINITY;
    }

    private static void columnMeans(FMatrixRMaj m, double[] mean) {
        for (int r = 0; r < m.numRows; r++) {
            for (int j = 0; j < m.numCols; j++) {
                mean[j] += m.data[r * m.numCols + j];
            }
        }
        for (int j = 0; j < m.numCols; j++) {
            mean[j] /= m.numRows;
        }
    }

    private static void checkFinite(FMatrixRMaj m, String name) {
        for (int i = 0; i < m.getNumElements(); i++) {
            if (!Float.isFinite(m.data[i])) {
                throw new IllegalArgumentException(name + " must be finite but " + name + "(" + i / m.numCols + ", "
                        + i % m.numCols + ") was " + m.data[i]);
            }
        }
    }

    // ---------------------------------------------------------------- accessors

    /**
     * The dimension of the space mapped from.
     *
     * @return {@code S}
     */
    public int sourceDimension() {
        return weight.numCols;
    }

    /**
     * The dimension of the space mapped to.
     *
     * @return {@code T}
     */
    public int targetDimension() {
        return weight.numRows;
    }

    /**
     * The number of pairs (shared words) the map was fitted on.
     *
     * @return {@code N ≥ 1}
     */
    public int pairs() {
        return pairs;
    }

    /**
     * How much of the targets' variance the map explains on the pairs it was fitted on.
     *
     * @return {@code 1 − Σ‖ŷ_w − y_w‖² / Σ‖y_w − ȳ‖²}, 1 for a perfect fit (with no intercept, {@code ȳ} is
     *         still the mean)
     */
    public double rSquared() {
        return rSquared;
    }

    /**
     * The matrix {@code W}.
     *
     * @return a new {@code (T, S)} matrix
     */
    public FMatrixRMaj weight() {
        return weight.copy();
    }

    /**
     * The bias {@code b}.
     *
     * @return a new array of {@code T} values (zeros without intercept)
     */
    public float[] bias() {
        return bias.clone();
    }

    // ---------------------------------------------------------------- mapping

    /**
     * Maps one vector: {@code W·x + b}, summed in double.
     *
     * @param source a vector of length {@code S}; not modified
     * @return a new vector of length {@code T}
     * @throws IllegalArgumentException if the length is not {@code S}
     */
    public float[] apply(float[] source) {
        int s = sourceDimension();
        if (source == null || source.length != s) {
            throw new IllegalArgumentException("the vector to map must have the source dimension S = " + s
                    + " but had " + (source == null ? "none" : source.length));
        }
        float[] out = new float[targetDimension()];
        for (int k = 0; k < out.length; k++) {
            double sum = bias[k];
            for (int j = 0; j < s; j++) {
                sum += (double) weight.data[k * s + j] * source[j];
            }
            out[k] = (float) sum;
        }
        return out;
    }

    /**
     * Maps rows: {@code out = x·Wᵀ + b}.
     *
     * @param source {@code (N, S)}; not modified
     * @param out    {@code (N, T)}; overwritten
     * @throws IllegalArgumentException if a shape is wrong
     */
    public void apply(FMatrixRMaj source, FMatrixRMaj out) {
        if (source == null || source.numCols != sourceDimension()) {
            throw new IllegalArgumentException("the rows to map must be (N, S) with S = " + sourceDimension()
                    + " but were " + (source == null ? "null" : Tensors.shape(source)));
        }
        Tensors.checkShape(out, source.numRows, targetDimension(), "out");
        Tensors.multTransB(source, weight, out);
        int t = targetDimension();
        for (int r = 0; r < out.numRows; r++) {
            for (int k = 0; k < t; k++) {
                out.data[r * t + k] += bias[k];
            }
        }
    }

    /**
     * Extends a target space with every word only the source knows, mapped: the target's words keep their
     * vectors and order, the source-only words follow in the source's order with {@code W·x_w + b}.
     *
     * @param source the space mapped from, of dimension {@code S}
     * @param target the space mapped to, of dimension {@code T}
     * @return the expanded table and its counts
     * @throws IllegalArgumentException if an argument is null or a dimension differs from the map's
     */
    public Expansion expand(WordVectors source, WordVectors target) {
        if (source == null || target == null) {
            throw new IllegalArgumentException("source and target must not be null");
        }
        if (source.dimension() != sourceDimension() || target.dimension() != targetDimension()) {
            throw new IllegalArgumentException("the map takes " + sourceDimension() + "-dimensional source vectors to "
                    + targetDimension() + " dimensions but the source has " + source.dimension()
                    + " and the target " + target.dimension());
        }
        List<String> words = new ArrayList<>(target.words());
        List<String> added = new ArrayList<>();
        for (String word : source.words()) {
            if (!target.contains(word)) {
                added.add(word);
            }
        }
        int s = sourceDimension();
        int t = targetDimension();
        FMatrixRMaj x = new FMatrixRMaj(added.size(), s);
        for (int r = 0; r < added.size(); r++) {
            System.arraycopy(source.vector(added.get(r)), 0, x.data, r * s, s);
        }
        FMatrixRMaj mapped = new FMatrixRMaj(added.size(), t);
        if (!added.isEmpty()) {
            apply(x, mapped);
        }
        float[] table = new float[(target.size() + added.size()) * t];
        for (int i = 0; i < target.size(); i++) {
            System.arraycopy(target.vector(target.word(i)), 0, table, i * t, t);
        }
        System.arraycopy(mapped.data, 0, table, target.size() * t, added.size() * t);
        words.addAll(added);
        Expansion expansion = new Expansion(WordVectors.of(words, table, t), target.size(), added.size());
        LOG.info("vocabulary expansion: {} words of the target + {} mapped from the source = {} encodable words",
                expansion.targetWords(), expansion.mappedWords(), expansion.vectors().size());
        return expansion;
    }

    /**
     * The outcome of {@link #expand}: the target space's table for every word either space knows.
     *
     * @param vectors     the {@code (targetWords + mappedWords, T)} vectors, the target's words first
     * @param targetWords the target's own words, kept as they were
     * @param mappedWords the words only the source knew, mapped by the map
     */
    public record Expansion(WordVectors vectors, int targetWords, int mappedWords) {
    }

    /**
     * Describes the map.
     *
     * @return e.g. {@code EmbeddingSpaceMap[300 → 620, 19536 pairs, R²=0.6412]}
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "EmbeddingSpaceMap[%d → %d, %d pairs, R²=%.4f]", sourceDimension(),
                targetDimension(), pairs, rSquared);
    }
}
