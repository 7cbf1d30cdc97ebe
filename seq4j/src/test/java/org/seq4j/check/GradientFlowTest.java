package org.seq4j.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.Test;
import org.seq4j.nn.Init;
import org.seq4j.nn.Parameter;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.RecurrentCell;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.testing.TestMatrices;

class GradientFlowTest {

    /** Float32 eigen and singular value decompositions of small matrices: a few ulps of the largest value. */
    private static final double DECOMPOSITION_TOLERANCE = 1e-5;
    /** Norms accumulated in double from float32 backward passes of up to 40 steps. */
    private static final double NORM_RTOL = 1e-4;

    // ----------------------------------------------------------------------------------------------
    // Spectra

    @Test
    void spectralRadiusOfAMatrixWithKnownEigenvalues() {
        // W = S·diag(0.5, −1.2, 0.3, 0.9)·S⁻¹: eigenvalues as given, ρ = 1.2 (a negative one)
        FMatrixRMaj s = TestMatrices.uniform(4, 4, 0.3, new SplittableRandom(1));
        for (int i = 0; i < 4; i++) {
            s.add(i, i, 1f);
        }
        FMatrixRMaj sInverse = s.copy();
        assertTrue(CommonOps_FDRM.invert(sInverse));
        FMatrixRMaj diagonal = CommonOps_FDRM.diag(0.5f, -1.2f, 0.3f, 0.9f);
        FMatrixRMaj w = new FMatrixRMaj(4, 4);
        CommonOps_FDRM.mult(s, diagonal, w);
        FMatrixRMaj product = new FMatrixRMaj(4, 4);
        CommonOps_FDRM.mult(w, sInverse, product);
        assertEquals(1.2, GradientFlow.spectralRadius(product), 1e-4);

        // a scaled rotation has the complex pair 1.1·(0.6 ± 0.8i), modulus 1.1, and σ_max = 1.1 too
        FMatrixRMaj rotation = new FMatrixRMaj(2, 2, true, 0.66f, -0.88f, 0.88f, 0.66f);
        assertEquals(1.1, GradientFlow.spectralRadius(rotation), DECOMPOSITION_TOLERANCE);
        assertEquals(1.1, GradientFlow.largestSingularValue(rotation), DECOMPOSITION_TOLERANCE);
    }

    @Test
    void aNonNormalMatrixHasASingularValueFarAboveItsSpectralRadius() {
        // [[a, b], [0, a]]: both eigenvalues a; σ² are the eigenvalues of AᵀA = [[a², ab], [ab, a² + b²]]
        double a = 0.5;
        double b = 3;
        FMatrixRMaj m = new FMatrixRMaj(2, 2, true, (float) a, (float) b, 0f, (float) a);
        double trace = 2 * a * a + b * b;
        double determinant = a * a * (a * a + b * b) - a * a * b * b;
        double sigmaMax = Math.sqrt((trace + Math.sqrt(trace * trace - 4 * determinant)) / 2);
        assertEquals(a, GradientFlow.spectralRadius(m), 1e-3);   // a defective eigenvalue: √ε accuracy
        assertEquals(sigmaMax, GradientFlow.largestSingularValue(m), sigmaMax * DECOMPOSITION_TOLERANCE);
    }

    @Test
    void spectraCoverEveryGateBlockAndTheWholeMatrix() {
        int hs = 3;
        RecurrentLayer lstm = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, 2, hs).withNumLayers(2), 5L);
        // layer 0: blocks c·I with c = 0.5, −2, 1, 0.25 (i, f, g, o); the whole (4H, H) has σ = √(Σ c²)
        float[] scales = {0.5f, -2f, 1f, 0.25f};
        FMatrixRMaj weight = lstm.cell(0, 0).weightHh().value();
        Arrays.fill(weight.data, 0f);
        for (int g = 0; g < 4; g++) {
            for (int j = 0; j < hs; j++) {
                weight.set(g * hs + j, j, scales[g]);
            }
        }
        List<WeightSpectrum> spectra = GradientFlow.spectra(lstm);
        assertEquals(10, spectra.size(), "two layers of 4 blocks and the whole matrix");
        String[] blocks = {"i", "f", "g", "o"};
        for (int g = 0; g < 4; g++) {
            WeightSpectrum entry = spectra.get(g);
            assertEquals("weight_hh_l0", entry.weight());
            assertEquals(blocks[g], entry.block());
            assertEquals(Math.abs(scales[g]), entry.spectralRadius(), DECOMPOSITION_TOLERANCE);
            assertEquals(Math.abs(scales[g]), entry.largestSingularValue(), DECOMPOSITION_TOLERANCE);
        }
        WeightSpectrum whole = spectra.get(4);
        assertEquals(WeightSpectrum.WHOLE, whole.block());
        assertTrue(Double.isNaN(whole.spectralRadius()), "a (4H, H) matrix has no eigenvalues");
        assertEquals(Math.sqrt(0.25 + 4 + 1 + 0.0625), whole.largestSingularValue(), DECOMPOSITION_TOLERANCE);
        assertEquals("weight_hh_l1", spectra.get(5).weight());

        RecurrentLayer rnn = new RecurrentLayer(RecurrentConfig.of(CellType.RNN_TANH, 2, hs)
                .withBidirectional(true), 5L);
        List<WeightSpectrum> rnnSpectra = GradientFlow.spectra(rnn);
        assertEquals(2, rnnSpectra.size(), "one whole-matrix entry per direction");
        assertEquals("weight_hh_l0_reverse", rnnSpectra.get(1).weight());
        FMatrixRMaj w = rnn.cell(0, 1).weightHh().value();
        assertEquals(GradientFlow.spectralRadius(w), rnnSpectra.get(1).spectralRadius());
        assertTrue(rnnSpectra.get(1).largestSingularValue() >= rnnSpectra.get(1).spectralRadius() - 1e-6);
    }

    @Test
    void decompositionsRejectBadMatrices() {
        assertThrows(IllegalArgumentException.class, () -> GradientFlow.spectralRadius(new FMatrixRMaj(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> GradientFlow.spectralRadius(null));
        FMatrixRMaj nan = new FMatrixRMaj(2, 2);
        nan.set(1, 0, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientFlow.largestSingularValue(nan));
        assertTrue(e.getMessage().contains("element 2"), e.getMessage());
    }

    // ----------------------------------------------------------------------------------------------
    // Gradient norms

    /** An Elman tanh layer with W_hh = ρ·Q (Q a random orthogonal matrix) and no biases. */
    private static RecurrentLayer elman(int hs, double radius, long seed) {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(CellType.RNN_TANH, hs, hs), seed);
        RecurrentCell cell = layer.cell(0, 0);
        Init.orthogonal(cell.weightHh().value(), radius, new SplittableRandom(seed));
        Arrays.fill(cell.biasIh().value().data, 0f);
        Arrays.fill(cell.biasHh().value().data, 0f);
        return layer;
    }

    @Test
    void inTheLinearRegimeTheNormIsTheSpectralRadiusToThePowerOfTheDistance() {
        // zero input and zero biases: h stays 0, f′ = 1, and ∂L/∂h_{T−1−d} = (ρ·Qᵀ)^d·u has norm ρ^d
        int steps = 40;
        int batch = 3;
        for (double radius : new double[] {0.9, 1.0, 1.1}) {
            RecurrentLayer layer = elman(6, radius, 11L);
            assertEquals(radius, GradientFlow.spectralRadius(layer.cell(0, 0).weightHh().value()), 1e-5);
            GradientFlowReport report = GradientFlow.measure(layer, new FMatrixRMaj(steps * batch, 6), batch, 3L);
            assertEquals(steps, report.maxDistance());
            for (int d = 0; d <= steps; d++) {
                double expected = Math.pow(radius, d);
                assertEquals(expected, report.hiddenGradientNorm(0, d), expected * NORM_RTOL,
                        "ρ = " + radius + ", distance " + d);
            }
            assertEquals(radius, report.gainPerStep(0, 0, steps), radius * NORM_RTOL);
        }
    }

    @Test
    void withSmallInputsANonNormalMatrixDecaysAtItsSpectralRadius() {
        // W_hh = S·diag(λ)·S⁻¹ with ρ = 0.95: after the transient of the other eigenvalues the gradient
        // shrinks by ρ per step; small inputs keep tanh nearly linear
        int hs = 4;
        int steps = 60;
        int batch = 2;
        RecurrentLayer layer = elman(hs, 1.0, 7L);
        FMatrixRMaj s = TestMatrices.uniform(hs, hs, 0.4, new SplittableRandom(2));
        for (int i = 0; i < hs; i++) {
            s.add(i, i, 1f);
        }
        FMatrixRMaj sInverse = s.copy();
        assertTrue(CommonOps_FDRM.invert(sInverse));
        FMatrixRMaj scaled = new FMatrixRMaj(hs, hs);
        CommonOps_FDRM.mult(s, CommonOps_FDRM.diag(0.95f, -0.5f, 0.3f, 0.6f), scaled);
        CommonOps_FDRM.mult(scaled, sInverse, layer.cell(0, 0).weightHh().value());
        FMatrixRMaj x = TestMatrices.uniform(steps * batch, hs, 1e-3, new SplittableRandom(4));

        GradientFlowReport report = GradientFlow.measure(layer, x, batch, 9L);
        assertEquals(0.95, report.gainPerStep(0, 20, steps), 0.002);
        assertTrue(report.hiddenGradientNorm(0, steps) < 0.1 * report.hiddenGradientNorm(0, 0),
                "vanished: " + report);
    }

    @Test
    void theNormsAreThoseOfTheLayersOwnBackwardPass() {
        // the gradient d steps back equals dh0 of the layer run over the last d steps from the state the
        // first T − d steps left, with the loss gradient at the last step (top layer); at d = T, for
        // every layer, the whole sequence's dh0 (and dc0)
        int steps = 7;
        int batch = 3;
        int hs = 5;
        for (CellType type : CellType.values()) {
            RecurrentConfig config = RecurrentConfig.of(type, 4, hs).withNumLayers(2);
            RecurrentLayer layer = new RecurrentLayer(config, 21L);
            SplittableRandom random = new SplittableRandom(8);
            FMatrixRMaj x = TestMatrices.uniform(steps * batch, 4, 1.5, random);
            FMatrixRMaj dLast = TestMatrices.uniform(batch, hs, 1.0, random);
            for (Parameter p : layer.parameters()) {
                Arrays.fill(p.grad().data, 0.25f);
            }

            GradientFlowReport report = GradientFlow.measure(layer, x, batch, dLast);
            for (Parameter p : layer.parameters()) {
                for (float g : p.grad().data) {
                    assertEquals(0.25f, g, p.name() + ": the gradients are restored");
                }
            }
            assertEquals(rms(dLast, 0, batch), report.hiddenGradientNorm(1, 0), NORM_RTOL, type.toString());
            for (int d = 1; d <= steps; d++) {
                int first = steps - d;   // steps [0, first) run without gradient, [first, T) with
                FMatrixRMaj h0 = null;
                FMatrixRMaj c0 = null;
                if (first > 0) {
                    FMatrixRMaj head = new FMatrixRMaj(first * batch, 4);
                    System.arraycopy(x.data, 0, head.data, 0, head.getNumElements());
                    RecurrentLayer.Cache headCache = layer.forward(head, batch);
                    h0 = headCache.finalHidden();
                    c0 = type.hasCellState() ? headCache.finalCellState() : null;
                }
                FMatrixRMaj tail = new FMatrixRMaj(d * batch, 4);
                System.arraycopy(x.data, first * batch * 4, tail.data, 0, tail.getNumElements());
                RecurrentLayer.Cache cache = layer.forward(tail, batch, null, h0, c0, null);
                FMatrixRMaj dOutput = new FMatrixRMaj(d * batch, hs);
                System.arraycopy(dLast.data, 0, dOutput.data, (d - 1) * batch * hs, batch * hs);
                layer.backward(cache, dOutput, null, null);
                double expected = rms(cache.dh0(), batch, batch);   // the top layer's rows
                assertEquals(expected, report.hiddenGradientNorm(1, d), expected * NORM_RTOL + 1e-9,
                        type + ", top layer, distance " + d);
                if (type.hasCellState()) {
                    // the whole ∂L/∂c_{t−1} = dc0 + dh0 ⊙ o_{t−1} ⊙ (1 − tanh²(c_{t−1})) (as c0 and h0 of the
                    // tail are independent, dc0 misses the path through h_{t−1} = o_{t−1} ⊙ tanh(c_{t−1}),
                    // from which o_{t−1} = h_{t−1} / tanh(c_{t−1}))
                    FMatrixRMaj dc = new FMatrixRMaj(batch, hs);
                    for (int i = 0; i < batch * hs; i++) {
                        int row = batch * hs + i;   // the top layer's rows of the states
                        double path = 0;
                        if (h0 != null) {
                            double tanhC = Math.tanh(c0.data[row]);
                            double o = h0.data[row] / tanhC;
                            path = cache.dh0().data[row] * o * (1 - tanhC * tanhC);
                        }
                        dc.data[i] = (float) (cache.dc0().data[row] + path);
                    }
                    double expectedDc = rms(dc, 0, batch);
                    assertEquals(expectedDc, report.cellGradientNorm(1, d), expectedDc * NORM_RTOL + 1e-9,
                            "top dc, distance " + d);
                }
                if (d == steps) {
                    double bottom = rms(cache.dh0(), 0, batch);
                    assertEquals(bottom, report.hiddenGradientNorm(0, d), bottom * NORM_RTOL + 1e-9,
                            type + ", bottom layer, h0");
                    if (type.hasCellState()) {
                        for (int k = 0; k < 2; k++) {
                            double dc = rms(cache.dc0(), k * batch, batch);
                            assertEquals(dc, report.cellGradientNorm(k, d), dc * NORM_RTOL + 1e-9, "dc0, layer " + k);
                        }
                    }
                }
            }
            assertEquals(type.hasCellState(), report.hasCellState());
        }
    }

    /** RMS over rows [row, row + rows) of their L2 norms. */
    private static double rms(FMatrixRMaj m, int row, int rows) {
        double sum = 0;
        for (int i = row * m.numCols; i < (row + rows) * m.numCols; i++) {
            sum += (double) m.data[i] * m.data[i];
        }
        return Math.sqrt(sum / rows);
    }

    @Test
    void anLstmCarriesTheGradientAlongItsCellStateWhenTheForgetGateIsOpen() {
        // f ≈ 1 (bias 8), i ≈ 0 (bias −8): ∂c_t/∂c_{t−1} = diag(f_t) ≈ I, so the cell-state gradient
        // survives 50 steps while the hidden-state path (through W_hh) alone would not
        int hs = 4;
        int steps = 50;
        RecurrentLayer lstm = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, 2, hs), 3L);
        float[] bias = lstm.cell(0, 0).biasIh().value().data;
        Arrays.fill(lstm.cell(0, 0).biasHh().value().data, 0f);
        Arrays.fill(bias, 0, hs, -8f);
        Arrays.fill(bias, hs, 2 * hs, 8f);
        FMatrixRMaj x = TestMatrices.uniform(steps * 2, 2, 1.0, new SplittableRandom(5));
        GradientFlowReport report = GradientFlow.measure(lstm, x, 2, 1L);
        double f = 1 / (1 + Math.exp(-8));
        double carried = report.cellGradientNorm(0, steps) / report.cellGradientNorm(0, 1);
        assertTrue(carried > 0.9 * Math.pow(f, steps), "carried " + carried + ": " + report);
        assertTrue(report.hiddenGradientNorm(0, steps) < 1e-2, "h0 is reached only through the gates");
        GateSaturation forget = report.gateSaturation(0).get(1);
        assertEquals("f", forget.gate());
        assertEquals(1.0, forget.fractionHigh(), 1e-3);
    }

    // ----------------------------------------------------------------------------------------------
    // Gate saturation

    @Test
    void gateSaturationCountsOnACraftedInput() {
        // I = 1, H = 2, W_hh = 0, no biases: each gate is a function of the input alone
        //   i: σ(10x), both units    f: σ(0) = 0.5    g: tanh(10x), tanh(−0.1x)    o: σ(−10x), σ(0)
        // inputs x over (T, B) = (3, 2): 1, −1 | 1, 0.5 | 0, 1
        RecurrentLayer lstm = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, 1, 2).withBias(false), 1L);
        Arrays.fill(lstm.cell(0, 0).weightHh().value().data, 0f);
        float[] w = lstm.cell(0, 0).weightIh().value().data;   // (8, 1): i0 i1 f0 f1 g0 g1 o0 o1
        float[] values = {10, 10, 0, 0, 10, -0.1f, -10, 0};
        System.arraycopy(values, 0, w, 0, 8);
        FMatrixRMaj x = new FMatrixRMaj(6, 1, true, 1f, -1f, 1f, 0.5f, 0f, 1f);

        GradientFlowReport report = GradientFlow.measure(lstm, x, 2, 1L);
        List<GateSaturation> gates = report.gateSaturation(0);
        assertEquals(List.of("i", "f", "g", "o"), gates.stream().map(GateSaturation::gate).toList());
        // i: x ∈ {1, 1, 0.5, 1} high, {−1} low, {0} neither; the same for both units
        assertSaturation(gates.get(0), GateSaturation.Activation.SIGMOID, 4 / 6.0, 1 / 6.0);
        assertSaturation(gates.get(1), GateSaturation.Activation.SIGMOID, 0, 0);
        assertEquals(0.5, gates.get(1).mean(), 1e-6);
        // g: unit 0 as i (tanh(5) > 0.95), unit 1 never
        assertSaturation(gates.get(2), GateSaturation.Activation.TANH, 4 / 12.0, 1 / 12.0);
        // o: unit 0 mirrored (σ(−10x)), unit 1 at 0.5
        assertSaturation(gates.get(3), GateSaturation.Activation.SIGMOID, 1 / 12.0, 4 / 12.0);
        assertEquals(5 / 12.0, gates.get(3).fractionSaturated(), 1e-12);
        double meanI = (3 * sigmoid(10) + sigmoid(-10) + sigmoid(5) + 0.5) / 6;
        assertEquals(meanI, gates.get(0).mean(), 1e-6);

        RecurrentLayer gru = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, 1, 2), 1L);
        float[] gruBias = gru.cell(0, 0).biasIh().value().data;   // r0 r1 z0 z1 n0 n1
        Arrays.fill(gru.cell(0, 0).weightIh().value().data, 0f);
        Arrays.fill(gru.cell(0, 0).weightHh().value().data, 0f);
        Arrays.fill(gru.cell(0, 0).biasHh().value().data, 0f);
        System.arraycopy(new float[] {0, 0, 9, 9, -9, 0}, 0, gruBias, 0, 6);
        List<GateSaturation> gruGates = GradientFlow.measure(gru, x, 2, 1L).gateSaturation(0);
        assertEquals(List.of("r", "z", "n"), gruGates.stream().map(GateSaturation::gate).toList());
        assertSaturation(gruGates.get(0), GateSaturation.Activation.SIGMOID, 0, 0);
        assertSaturation(gruGates.get(1), GateSaturation.Activation.SIGMOID, 1, 0);
        assertSaturation(gruGates.get(2), GateSaturation.Activation.TANH, 0, 0.5);

        // Elman: h_t = tanh(10·x_t + h_{t−1}·W_hhᵀ) with W_hh = 0, no biases: unit 0 as i above, unit 1 tanh(0.01x)
        RecurrentLayer rnn = new RecurrentLayer(RecurrentConfig.of(CellType.RNN_TANH, 1, 2).withBias(false), 1L);
        Arrays.fill(rnn.cell(0, 0).weightHh().value().data, 0f);
        System.arraycopy(new float[] {10, 0.01f}, 0, rnn.cell(0, 0).weightIh().value().data, 0, 2);
        List<GateSaturation> hidden = GradientFlow.measure(rnn, x, 2, 1L).gateSaturation(0);
        assertEquals("h", hidden.get(0).gate());
        assertSaturation(hidden.get(0), GateSaturation.Activation.TANH, 4 / 12.0, 1 / 12.0);
        RecurrentLayer relu = new RecurrentLayer(RecurrentConfig.of(CellType.RNN_RELU, 1, 2), 1L);
        assertTrue(GradientFlow.measure(relu, x, 2, 1L).gateSaturation(0).isEmpty());
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static void assertSaturation(GateSaturation s, GateSaturation.Activation activation, double high,
                                         double low) {
        assertEquals(activation, s.activation(), s.gate());
        assertEquals(high, s.fractionHigh(), 1e-12, s.gate() + " high");
        assertEquals(low, s.fractionLow(), 1e-12, s.gate() + " low");
    }

    // ----------------------------------------------------------------------------------------------
    // Validation

    @Test
    void badArgumentsAreRejectedWithTheShapes() {
        RecurrentLayer layer = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, 3, 4), 1L);
        FMatrixRMaj x = new FMatrixRMaj(6, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradientFlow.measure(layer, x, 2, new FMatrixRMaj(2, 5)));
        assertTrue(e.getMessage().contains("(2, 4)") && e.getMessage().contains("(2, 5)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GradientFlow.measure(layer, x, 4, 1L));
        assertTrue(e.getMessage().contains("(6, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradientFlow.measure(layer, new FMatrixRMaj(6, 2), 2, 1L));
        RecurrentLayer bidirectional = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, 3, 4)
                .withBidirectional(true), 1L);
        e = assertThrows(IllegalArgumentException.class, () -> GradientFlow.measure(bidirectional, x, 2, 1L));
        assertTrue(e.getMessage().contains("bidirectional"), e.getMessage());

        GradientFlowReport report = GradientFlow.measure(layer, x, 2, 1L);
        assertThrows(IllegalArgumentException.class, () -> report.hiddenGradientNorm(1, 0));
        assertThrows(IllegalArgumentException.class, () -> report.hiddenGradientNorm(0, 4));
        assertThrows(IllegalArgumentException.class, () -> report.gainPerStep(0, 2, 2));
        assertThrows(IllegalStateException.class, () -> report.cellGradientNorm(0, 0));
        assertFalse(report.hasCellState());
        assertEquals(1.0, report.hiddenGradientNorm(0, 0), 1e-6, "unit directions");
        double[] norms = report.hiddenGradientNorms(0);
        norms[0] = 7;
        assertArrayEquals(new double[] {1.0}, new double[] {report.hiddenGradientNorm(0, 0)}, 1e-6,
                "the array is a copy");
    }
}
