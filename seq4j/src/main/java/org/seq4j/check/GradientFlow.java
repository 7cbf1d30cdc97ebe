package org.seq4j.check;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.Complex_F32;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F32;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F32;
import org.seq4j.nn.Parameter;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.ElmanCell;
import org.seq4j.rnn.GruCell;
import org.seq4j.rnn.LstmCell;
import org.seq4j.rnn.RecurrentCell;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.tensor.Tensors;

/**
 * Gradient-flow diagnostics of a recurrent layer: how the gradient of a loss at the last step shrinks or
 * grows on its way back through time, the spectra of the recurrent weights that decide it, and how
 * saturated the gates of an LSTM or GRU (or the tanh units of an Elman RNN) are.
 *
 * <h2>Why the gradient vanishes or explodes (Elman RNN)</h2>
 * The Elman cell computes {@code h_t = f(a_t)}, {@code a_t = W_ih·x_t + W_hh·h_{t−1} + b} (column
 * vectors; {@code f = tanh}). One step back:
 * <pre>
 *   ∂h_t/∂h_{t−1} = diag(f′(a_t))·W_hh                                       (H, H)
 *   ∂L/∂h_{t−1}   = (∂h_t/∂h_{t−1})ᵀ·∂L/∂h_t = W_hhᵀ·(f′(a_t) ⊙ ∂L/∂h_t)
 * </pre>
 * so the gradient of a loss at step {@code T−1}, seen {@code d} steps earlier, is the product
 * <pre>
 *   ∂L/∂h_{T−1−d} = W_hhᵀ·diag(f′(a_{T−d}))·W_hhᵀ·diag(f′(a_{T−d+1})) ⋯ W_hhᵀ·diag(f′(a_{T−1}))·∂L/∂h_{T−1}
 * </pre>
 * The gradient is multiplied by {@code W_hhᵀ} (through the nonlinearity) at every step back. Where the
 * nonlinearity is nearly linear ({@code f′ ≈ 1}: small pre-activations) the norm behaves like
 * {@code ρ(W_hh)^d}, {@code ρ} the spectral radius (the largest |eigenvalue|): it <b>vanishes</b>
 * exponentially when {@code ρ < 1} and <b>explodes</b> when {@code ρ > 1}. In general
 * {@code |f′| ≤ 1} for tanh, so {@code ‖∂L/∂h_{T−1−d}‖ ≤ σ_max(W_hh)^d·‖∂L/∂h_{T−1}‖} with
 * {@code σ_max} the largest singular value: {@code σ_max < 1} is enough for the gradient to vanish, and
 * {@code σ_max > 1} is needed for it to explode (Bengio et al., 1994; Pascanu et al., 2013). Saturated
 * units ({@code |h| ≈ 1}, so {@code f′ = 1 − h² ≈ 0}) shrink it further, whatever the spectral radius:
 * {@link GradientFlowReport#gateSaturation} counts them.
 *
 * <h2>The cures</h2>
 * The LSTM's cell state is updated additively, {@code c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t}, so along the cell
 * state
 * <pre>
 *   ∂c_t/∂c_{t−1} = diag(f_t)        (plus the paths through h_{t−1} into the gates)
 * </pre>
 * — a diagonal of forget-gate values and no matrix product: with {@code f_t ≈ 1} the error is carried
 * back unchanged over many steps (the constant error carousel of Hochreiter &amp; Schmidhuber, 1997). The
 * GRU has the same kind of path, {@code ∂h_t/∂h_{t−1} ∋ diag(z_t)}. An exploding gradient is cured
 * instead by clipping its norm before the update ({@code GradientClipping.clipByGlobalNorm}, Pascanu et
 * al., 2013): it bounds the step but does nothing for a vanishing gradient.
 *
 * <h2>What is measured</h2>
 * {@link #measure(RecurrentLayer, FMatrixRMaj, int, FMatrixRMaj)} runs the layer one step at a time over
 * its own cells (the one-step API of {@link ElmanCell}, {@link LstmCell}, {@link GruCell}, which
 * computes what the layer computes), puts the loss gradient at the top layer's last step, and walks the
 * steps back, recording for every layer {@code k} and distance {@code d = T−1−t} from the loss step the
 * whole gradient into {@code h_{k,t}} (from step {@code t+1} and, below the top, from layer {@code k+1});
 * distance {@code T} is the initial state {@code h_0}. For an LSTM it also records the whole gradient
 * into {@code c_{k,t}}. The forward pass has no dropout, the initial states are zero and every sequence
 * has length {@code T}.
 */
public final class GradientFlow {

    /** Sigmoid gates count as saturated below this value or above one minus it. */
    static final double SIGMOID_SATURATION = 0.05;
    /** Tanh gates count as saturated below minus this value or above it. */
    static final double TANH_SATURATION = 0.95;

    private GradientFlow() {
    }

    // ----------------------------------------------------------------------------------------------
    // Gradient norms against the distance from the loss step

    /**
     * Measures the gradient norms and gate statistics for a loss whose gradient with respect to the top
     * layer's last hidden state is {@code u_b}, a random unit vector for each sequence {@code b} (drawn
     * from a seeded stream): {@code L = Σ_b u_b · h_{T−1,b}}. Every sequence's gradient then has norm 1 at
     * distance 0, and the norms read as the gain of the backward pass.
     *
     * @param layer     a unidirectional layer; its parameter values are not modified, and its gradients
     *                  are left as they were
     * @param x         (T·B, I) input, time-major; not modified
     * @param batchSize the batch size {@code B}, at least 1
     * @param seed      seed of the random directions {@code u_b}
     * @return the report
     * @throws IllegalArgumentException if an argument is null, a shape is wrong or the layer is
     *                                  bidirectional
     */
    public static GradientFlowReport measure(RecurrentLayer layer, FMatrixRMaj x, int batchSize, long seed) {
        if (layer == null) {
            throw new IllegalArgumentException("layer must not be null");
        }
        int hs = layer.config().hiddenSize();
        FMatrixRMaj direction = new FMatrixRMaj(Math.max(batchSize, 0), hs);   // (B, H)
        SplittableRandom random = new SplittableRandom(seed);
        for (int b = 0; b < direction.numRows; b++) {
            double norm;
            do {
                double sum = 0;
                for (int j = 0; j < hs; j++) {
                    float v = (float) gaussian(random);
                    direction.data[b * hs + j] = v;
                    sum += (double) v * v;
                }
                norm = Math.sqrt(sum);
            } while (!(norm > 0));
            for (int j = 0; j < hs; j++) {
                direction.data[b * hs + j] = (float) (direction.data[b * hs + j] / norm);
            }
        }
        return measure(layer, x, batchSize, direction);
    }

    /**
     * Measures the gradient norms and gate statistics for a loss at the last step whose gradient with
     * respect to the top layer's last hidden state {@code h_{T−1}} is given.
     *
     * <p>For layer {@code k} and distance {@code d ∈ [0, T]}, the report's
     * {@link GradientFlowReport#hiddenGradientNorm(int, int) hiddenGradientNorm(k, d)} is the root mean
     * square over the batch of the per-sequence norms {@code ‖∂L/∂h_{k,T−1−d}‖₂} (the Frobenius norm of
     * the {@code (B, H)} gradient divided by {@code √B}); {@code d = T} is the initial state. The layer's
     * parameter gradients are saved before and restored after the backward pass, which adds into them.
     *
     * @param layer       a unidirectional layer; its parameter values are not modified, and its gradients
     *                    are left as they were
     * @param x           (T·B, I) input, time-major; not modified
     * @param batchSize   the batch size {@code B}, at least 1
     * @param dLastOutput (B, H) {@code ∂L/∂h_{T−1}} of the top layer; not modified
     * @return the report
     * @throws IllegalArgumentException if an argument is null, a shape is wrong or the layer is
     *                                  bidirectional
     */
    public static GradientFlowReport measure(RecurrentLayer layer, FMatrixRMaj x, int batchSize,
                                             FMatrixRMaj dLastOutput) {
        if (layer == null || x == null || dLastOutput == null) {
            throw new IllegalArgumentException("layer, x and dLastOutput must not be null");
        }
        RecurrentConfig config = layer.config();
        if (config.bidirectional()) {
            throw new IllegalArgumentException("gradient flow needs a unidirectional layer but the layer is "
                    + "bidirectional");
        }
        if (batchSize < 1 || x.numRows % batchSize != 0 || x.numRows == 0 || x.numCols != config.inputSize()) {
            throw new IllegalArgumentException("x must be (T·B, " + config.inputSize() + ") with T ≥ 1 and B = "
                    + batchSize + " but was " + Tensors.shape(x));
        }
        int hs = config.hiddenSize();
        Tensors.checkShape(dLastOutput, batchSize, hs, "dLastOutput");
        int steps = x.numRows / batchSize;
        int layers = config.numLayers();
        CellType type = config.cell();
        boolean lstm = type.hasCellState();

        // forward, layer by layer over all steps: caches[k][t] keeps what step t of layer k's backward needs
        RecurrentCell.StepCache[][] caches = new RecurrentCell.StepCache[layers][steps];
        GateCounts[] gates = new GateCounts[layers];
        FMatrixRMaj zeros = new FMatrixRMaj(batchSize, hs);                   // h_{−1}, c_{−1}: (B, H)
        FMatrixRMaj xt = new FMatrixRMaj(batchSize, config.inputSize());      // (B, I), copied by each step
        for (int k = 0; k < layers; k++) {
            RecurrentCell cell = layer.cell(k, 0);
            gates[k] = type == CellType.RNN_RELU ? null : new GateCounts(type, hs);
            FMatrixRMaj hPrev = zeros;
            FMatrixRMaj cPrev = lstm ? zeros : null;
            for (int t = 0; t < steps; t++) {
                FMatrixRMaj in;
                if (k == 0) {
                    System.arraycopy(x.data, t * batchSize * xt.numCols, xt.data, 0, batchSize * xt.numCols);
                    in = xt;
                } else {
                    in = caches[k - 1][t].hidden();
                }
                RecurrentCell.StepCache step = forwardStep(cell, in, hPrev, cPrev);
                caches[k][t] = step;
                if (gates[k] != null) {
                    gates[k].add(type.gateCount() > 1 ? step.gates() : step.hidden());   // Elman: h_t = tanh(a_t)
                }
                hPrev = step.hidden();
                cPrev = lstm ? step.cellState() : null;
            }
        }

        // backward, step by step in reverse, top layer first within a step
        List<Parameter> parameters = layer.parameters().list();
        List<float[]> savedGradients = new ArrayList<>(parameters.size());
        for (Parameter p : parameters) {
            savedGradients.add(p.grad().data.clone());
        }
        double[][] hidden = new double[layers][steps + 1];
        double[][] cell = lstm ? new double[layers][steps + 1] : null;
        FMatrixRMaj dh = new FMatrixRMaj(batchSize, hs);                      // (B, H) whole ∂L/∂h_{k,t}
        try {
            for (int t = steps - 1; t >= 0; t--) {
                int distance = steps - 1 - t;
                for (int k = layers - 1; k >= 0; k--) {
                    RecurrentCell.StepCache step = caches[k][t];
                    FMatrixRMaj fromAbove = k == layers - 1 ? (t == steps - 1 ? dLastOutput : null)
                            : caches[k + 1][t].dx();
                    FMatrixRMaj fromNext = t == steps - 1 ? null : caches[k][t + 1].dhPrev();
                    FMatrixRMaj dcNext = lstm && t < steps - 1 ? caches[k][t + 1].dcPrev() : null;
                    // dh = fromAbove + fromNext: the whole gradient into h_{k,t}
                    dh.zero();
                    if (fromAbove != null) {
                        Tensors.addTo(fromAbove, dh);
                    }
                    if (fromNext != null) {
                        Tensors.addTo(fromNext, dh);
                    }
                    hidden[k][distance] = rmsNorm(dh);
                    if (lstm) {
                        cell[k][distance] = cellGradientNorm(step, dh, dcNext);
                    }
                    backwardStep(layer.cell(k, 0), step, dh, dcNext);
                }
            }
            for (int k = 0; k < layers; k++) {
                hidden[k][steps] = rmsNorm(caches[k][0].dhPrev());
                if (lstm) {
                    cell[k][steps] = rmsNorm(caches[k][0].dcPrev());
                }
            }
        } finally {
            for (int i = 0; i < parameters.size(); i++) {
                float[] saved = savedGradients.get(i);
                System.arraycopy(saved, 0, parameters.get(i).grad().data, 0, saved.length);
            }
        }
        List<List<GateSaturation>> saturation = new ArrayList<>(layers);
        for (int k = 0; k < layers; k++) {
            saturation.add(gates[k] == null ? List.of() : gates[k].statistics());
        }
        return new GradientFlowReport(type, steps, batchSize, hidden, cell, saturation);
    }

    private static RecurrentCell.StepCache forwardStep(RecurrentCell cell, FMatrixRMaj x, FMatrixRMaj hPrev,
                                                       FMatrixRMaj cPrev) {
        if (cell instanceof LstmCell lstm) {
            return lstm.forward(x, hPrev, cPrev);
        } else if (cell instanceof GruCell gru) {
            return gru.forward(x, hPrev);
        }
        return ((ElmanCell) cell).forward(x, hPrev);
    }

    private static void backwardStep(RecurrentCell cell, RecurrentCell.StepCache step, FMatrixRMaj dh,
                                     FMatrixRMaj dcNext) {
        if (cell instanceof LstmCell lstm) {
            lstm.backward(step, dh, null, dcNext);
        } else if (cell instanceof GruCell gru) {
            gru.backward(step, dh, null);
        } else {
            ((ElmanCell) cell).backward(step, dh, null);
        }
    }

    /**
     * RMS over the batch of ‖∂L/∂c_t‖, the whole gradient into c_t: dcNext + dh ⊙ o_t ⊙ (1 − tanh²(c_t)),
     * the path from step t + 1 and the path through h_t = o_t ⊙ tanh(c_t).
     */
    private static double cellGradientNorm(RecurrentCell.StepCache step, FMatrixRMaj dh, FMatrixRMaj dcNext) {
        int batch = dh.numRows;
        int hs = dh.numCols;
        float[] gates = step.gates().data;   // (B, 4H): i, f, g, o
        float[] c = step.cellState().data;   // (B, H)
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < hs; j++) {
                double o = gates[b * 4 * hs + 3 * hs + j];
                double tanhC = Math.tanh(c[b * hs + j]);
                double v = dh.data[b * hs + j] * o * (1 - tanhC * tanhC);
                if (dcNext != null) {
                    v += dcNext.data[b * hs + j];
                }
                sum += v * v;
            }
        }
        return Math.sqrt(sum / batch);
    }

    /** √(Σ m² / rows): the root mean square over the rows of the rows' L2 norms. */
    private static double rmsNorm(FMatrixRMaj m) {
        double sum = 0;
        int n = m.getNumElements();
        for (int i = 0; i < n; i++) {
            sum += (double) m.data[i] * m.data[i];
        }
        return Math.sqrt(sum / m.numRows);
    }

    /** A standard normal draw (Box–Muller, one of the pair). */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();   // (0, 1]
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    // ----------------------------------------------------------------------------------------------
    // Spectra of the recurrent weights

    /**
     * The spectra of every {@code weight_hh} of a layer: for each layer and direction, in the order of
     * the layer's parameters, one entry per gate block (LSTM {@code i, f, g, o}; GRU {@code r, z, n};
     * none for an Elman cell, whose one block is the whole matrix) and one for the whole matrix (block
     * {@code "all"}; its spectral radius is NaN unless the matrix is square, i.e. an Elman cell).
     *
     * @param layer the layer; not modified
     * @return the entries
     * @throws IllegalArgumentException if the layer is null
     * @throws IllegalStateException    if an eigen or singular value decomposition fails
     */
    public static List<WeightSpectrum> spectra(RecurrentLayer layer) {
        if (layer == null) {
            throw new IllegalArgumentException("layer must not be null");
        }
        RecurrentConfig config = layer.config();
        int hs = config.hiddenSize();
        String[] blocks = gateNames(config.cell());
        List<WeightSpectrum> out = new ArrayList<>();
        for (int k = 0; k < config.numLayers(); k++) {
            for (int d = 0; d < config.numDirections(); d++) {
                String name = "weight_hh_l" + k + (d == 1 ? "_reverse" : "");
                FMatrixRMaj weight = layer.cell(k, d).weightHh().value();   // (G·H, H)
                if (blocks.length > 1) {
                    FMatrixRMaj block = new FMatrixRMaj(hs, hs);
                    for (int g = 0; g < blocks.length; g++) {
                        System.arraycopy(weight.data, g * hs * hs, block.data, 0, hs * hs);
                        out.add(new WeightSpectrum(name, blocks[g], spectralRadius(block),
                                largestSingularValue(block)));
                    }
                }
                double radius = weight.numRows == weight.numCols ? spectralRadius(weight) : Double.NaN;
                out.add(new WeightSpectrum(name, WeightSpectrum.WHOLE, radius, largestSingularValue(weight)));
            }
        }
        return out;
    }

    /**
     * The spectral radius {@code ρ(W) = max |λ_i|} of a square matrix, from EJML's eigenvalue
     * decomposition ({@code DecompositionFactory_FDRM.eig}); complex eigenvalues count by their modulus.
     *
     * @param square (n, n); not modified
     * @return the largest eigenvalue modulus
     * @throws IllegalArgumentException if the matrix is null, empty or not square, or holds a value that is
     *                                  not finite
     * @throws IllegalStateException    if the decomposition fails to converge
     */
    public static double spectralRadius(FMatrixRMaj square) {
        checkFinite(square, "square");
        if (square.numRows != square.numCols) {
            throw new IllegalArgumentException("the matrix must be square but was " + Tensors.shape(square));
        }
        EigenDecomposition_F32<FMatrixRMaj> eig = DecompositionFactory_FDRM.eig(square.numRows, false);
        if (!eig.decompose(square.copy())) {
            throw new IllegalStateException("the eigenvalue decomposition of a " + Tensors.shape(square)
                    + " matrix did not converge");
        }
        double radius = 0;
        for (int i = 0; i < eig.getNumberOfEigenvalues(); i++) {
            Complex_F32 lambda = eig.getEigenvalue(i);
            radius = Math.max(radius, Math.hypot(lambda.real, lambda.imaginary));
        }
        return radius;
    }

    /**
     * The largest singular value {@code σ_max(W) = ‖W‖₂}, the spectral norm, from EJML's singular value
     * decomposition ({@code DecompositionFactory_FDRM.svd}).
     *
     * @param matrix (m, n); not modified
     * @return the largest singular value
     * @throws IllegalArgumentException if the matrix is null or empty, or holds a value that is not finite
     * @throws IllegalStateException    if the decomposition fails to converge
     */
    public static double largestSingularValue(FMatrixRMaj matrix) {
        checkFinite(matrix, "matrix");
        SingularValueDecomposition_F32<FMatrixRMaj> svd =
                DecompositionFactory_FDRM.svd(matrix.numRows, matrix.numCols, false, false, true);
        if (!svd.decompose(matrix.copy())) {
            throw new IllegalStateException("the singular value decomposition of a " + Tensors.shape(matrix)
                    + " matrix did not converge");
        }
        double largest = 0;
        for (float s : svd.getSingularValues()) {
            largest = Math.max(largest, s);
        }
        return largest;
    }

    private static void checkFinite(FMatrixRMaj m, String name) {
        if (m == null || m.getNumElements() == 0) {
            throw new IllegalArgumentException(name + " must be a non-empty matrix but was "
                    + (m == null ? "null" : Tensors.shape(m)));
        }
        for (int i = 0; i < m.getNumElements(); i++) {
            if (!Float.isFinite(m.data[i])) {
                throw new IllegalArgumentException(name + " must be finite but element " + i + " is " + m.data[i]);
            }
        }
    }

    /** The gate blocks' names in packed order: LSTM i, f, g, o; GRU r, z, n; an Elman cell's one block h. */
    static String[] gateNames(CellType type) {
        return switch (type) {
            case LSTM -> new String[] {"i", "f", "g", "o"};
            case GRU -> new String[] {"r", "z", "n"};
            case RNN_TANH, RNN_RELU -> new String[] {"h"};
        };
    }

    /** Running counts of the gate activations (an Elman cell's: h_t) of one layer, block by block. */
    private static final class GateCounts {
        private final String[] names;
        /** Per block: whether it is a tanh block (LSTM g, GRU n, Elman h), else a sigmoid gate. */
        private final boolean[] tanh;
        private final int hs;
        private final double[] sum;
        private final long[] low;
        private final long[] high;
        private long count;

        GateCounts(CellType type, int hs) {
            this.names = gateNames(type);
            this.tanh = new boolean[names.length];
            for (int g = 0; g < names.length; g++) {
                tanh[g] = names[g].equals("g") || names[g].equals("n") || names[g].equals("h");
            }
            this.hs = hs;
            this.sum = new double[names.length];
            this.low = new long[names.length];
            this.high = new long[names.length];
        }

        /** Adds one step's gates, (B, G·H). */
        void add(FMatrixRMaj gates) {
            int gw = names.length * hs;
            for (int b = 0; b < gates.numRows; b++) {
                for (int g = 0; g < names.length; g++) {
                    double lowBound = tanh[g] ? -TANH_SATURATION : SIGMOID_SATURATION;
                    double highBound = tanh[g] ? TANH_SATURATION : 1 - SIGMOID_SATURATION;
                    int off = b * gw + g * hs;
                    for (int j = 0; j < hs; j++) {
                        float v = gates.data[off + j];
                        sum[g] += v;
                        if (v < lowBound) {
                            low[g]++;
                        } else if (v > highBound) {
                            high[g]++;
                        }
                    }
                }
            }
            count += (long) gates.numRows * hs;
        }

        List<GateSaturation> statistics() {
            List<GateSaturation> out = new ArrayList<>(names.length);
            for (int g = 0; g < names.length; g++) {
                out.add(new GateSaturation(names[g], tanh[g] ? GateSaturation.Activation.TANH
                        : GateSaturation.Activation.SIGMOID, sum[g] / count, (double) low[g] / count,
                        (double) high[g] / count));
            }
            return out;
        }
    }
}
