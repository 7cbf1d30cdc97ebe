package org.seq4j.skipthoughts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.testing.TestMatrices.dot;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.testing.Fixtures;

/**
 * {@link ConditionalGru}: PyTorch's values (the decoder written with torch operations in
 * {@code make_skipthoughts_fixtures.py}), finite differences of every gradient, and the cache life cycle.
 */
class ConditionalGruTest {

    private static final int I = 3;
    private static final int H = 4;
    private static final int K = 2;
    private static final int B = 3;
    private static final int T = 4;

    @Test
    void matchesPyTorch() {
        TensorFile f = Fixtures.load("/fixtures/skipthoughts/conditional_gru.safetensors");
        FMatrixRMaj x = f.get("input").toFlattenedMatrix();          // (T·B, I)
        int b = f.get("context").shape()[0];
        ConditionalGru gru = new ConditionalGru(x.numCols, f.get("h0").shape()[1], f.get("context").shape()[1],
                new SplittableRandom(1));
        for (Parameter p : gru.parameters()) {
            p.value().setTo(Fixtures.matrix(f, p.name()));
        }
        int[] lengths = Fixtures.ints(f, "lengths");
        ConditionalGru.Cache cache = gru.forward(x, b, lengths, Fixtures.matrix(f, "context"),
                Fixtures.matrix(f, "h0"), null);
        Fixtures.assertMatches("output", f.get("output").toFlattenedMatrix(), cache.output());
        Fixtures.assertMatches("h_n", Fixtures.matrix(f, "h_n"), cache.finalHidden());

        gru.parameters().zeroGrad();
        gru.backward(cache, f.get("grad_output").toFlattenedMatrix(), Fixtures.matrix(f, "grad_h_n"));
        for (Parameter p : gru.parameters()) {
            Fixtures.assertMatches("grad." + p.name(), Fixtures.matrix(f, "grad." + p.name()), p.grad());
        }
        Fixtures.assertMatches("grad.input", f.get("grad.input").toFlattenedMatrix(), cache.dx());
        Fixtures.assertMatches("grad.context", Fixtures.matrix(f, "grad.context"), cache.dContext());
        Fixtures.assertMatches("grad.h0", Fixtures.matrix(f, "grad.h0"), cache.dh0());
    }

    /** A decoder, its inputs and a fixed random weighting of output and final state as the loss. */
    private static final class Case {
        final ConditionalGru gru;
        final int[] lengths;
        final FMatrixRMaj x;
        final FMatrixRMaj context;
        final FMatrixRMaj h0;
        final FMatrixRMaj wOut;
        final FMatrixRMaj wH;
        final FMatrixRMaj dx = new FMatrixRMaj(T * B, I);
        final FMatrixRMaj dContext = new FMatrixRMaj(B, K);
        final FMatrixRMaj dh0 = new FMatrixRMaj(B, H);

        Case(int[] lengths, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            this.gru = new ConditionalGru(I, H, K, random);
            for (Parameter p : gru.parameters()) {   // larger than the default: gradients well above the noise
                p.value().setTo(uniform(p.value().numRows, p.value().numCols, 0.8, random));
            }
            this.lengths = lengths;
            this.x = uniform(T * B, I, 1.0, random);
            this.context = uniform(B, K, 1.0, random);
            this.h0 = uniform(B, H, 0.8, random);
            this.wOut = uniform(T * B, H, 0.5, random);
            this.wH = uniform(B, H, 0.5, random);
        }

        double loss() {
            ConditionalGru.Cache c = gru.forward(x, B, lengths, context, h0, null);
            return dot(wOut, c.output()) + dot(wH, c.finalHidden());
        }

        void gradients() {
            gru.parameters().zeroGrad();
            ConditionalGru.Cache c = gru.forward(x, B, lengths, context, h0, null);
            gru.backward(c, wOut, wH);
            dx.setTo(c.dx());
            dContext.setTo(c.dContext());
            dh0.setTo(c.dh0());
        }
    }

    @Test
    void passesGradientCheckOverFullLengths() {
        check(new Case(null, 11));
    }

    @Test
    void passesGradientCheckOverPaddedSequences() {
        check(new Case(new int[] {4, 1, 3}, 12));
    }

    private static void check(Case c) {
        GradientCheck.builder(c::loss).parameters(c.gru.parameters())
                .input("x", c.x, c.dx).input("context", c.context, c.dContext).input("h0", c.h0, c.dh0)
                .build().run(c::gradients).assertPassed();
    }

    @Test
    void paddedStepsCarryTheStateAndIgnoreTheirGradient() {
        Case c = new Case(new int[] {4, 2, 3}, 13);
        ConditionalGru.Cache cache = c.gru.forward(c.x, B, c.lengths, c.context, c.h0, null);
        // sequence 1 has 2 steps: its final state is its output at step 1, its rows at steps 2, 3 are zero
        for (int j = 0; j < H; j++) {
            assertEquals(cache.output().get(1 * B + 1, j), cache.finalHidden().get(1, j));
            assertEquals(0f, cache.output().get(2 * B + 1, j));
            assertEquals(0f, cache.output().get(3 * B + 1, j));
        }
        // a gradient in a padded row changes nothing
        FMatrixRMaj d = c.wOut.copy();
        c.gru.parameters().zeroGrad();
        c.gru.backward(cache, d, c.wH);
        float[] reference = c.gru.parameters().get("weight_hh").grad().data.clone();
        d.set(3 * B + 1, 0, 1e6f);
        c.gru.parameters().zeroGrad();
        c.gru.backward(c.gru.forward(c.x, B, c.lengths, c.context, c.h0, cache), d, c.wH);
        assertArrayEquals(reference, c.gru.parameters().get("weight_hh").grad().data);
        assertEquals(0f, cache.dx().get(3 * B + 1, 0));
    }

    @Test
    void aCacheReusedForSmallerShapesComputesWhatANewOneComputes() {
        Case big = new Case(null, 14);
        ConditionalGru.Cache reused = big.gru.forward(big.x, B, null, big.context, big.h0, null);
        big.gru.backward(reused, big.wOut, big.wH);
        // two steps of one sequence, into the cache of a larger shape, then into a fresh cache
        FMatrixRMaj x = uniform(2, I, 1.0, new SplittableRandom(3));
        FMatrixRMaj context = uniform(1, K, 1.0, new SplittableRandom(4));
        big.gru.forward(x, 1, null, context, null, reused);
        ConditionalGru.Cache fresh = big.gru.forward(x, 1, null, context, null, null);
        assertArrayEquals(Arrays.copyOf(fresh.output().data, 2 * H), Arrays.copyOf(reused.output().data, 2 * H));
        assertEquals(2, reused.output().numRows);
        FMatrixRMaj dOut = uniform(2, H, 1.0, new SplittableRandom(5));
        big.gru.parameters().zeroGrad();
        big.gru.backward(fresh, dOut, null);
        float[] expected = big.gru.parameters().get("weight_ih").grad().data.clone();
        big.gru.parameters().zeroGrad();
        big.gru.backward(reused, dOut, null);
        assertArrayEquals(expected, big.gru.parameters().get("weight_ih").grad().data);
        assertArrayEquals(Arrays.copyOf(fresh.dContext().data, K), Arrays.copyOf(reused.dContext().data, K));
    }

    @Test
    void enforcesTheCacheLifeCycleAndTheShapes() {
        Case c = new Case(null, 15);
        ConditionalGru.Cache empty = c.gru.newCache();
        assertThrows(IllegalStateException.class, () -> c.gru.backward(empty, c.wOut, null));
        assertThrows(IllegalStateException.class, empty::output);
        ConditionalGru.Cache cache = c.gru.forward(c.x, B, null, c.context, null, null);
        assertThrows(IllegalStateException.class, cache::dx);
        c.gru.backward(cache, c.wOut, null);
        assertThrows(IllegalStateException.class, () -> c.gru.backward(cache, c.wOut, null));
        ConditionalGru other = new ConditionalGru(I, H, K, new SplittableRandom(2));
        assertThrows(IllegalArgumentException.class, () -> other.forward(c.x, B, null, c.context, null, cache));
        assertThrows(IllegalArgumentException.class, () -> other.backward(cache, c.wOut, null));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.gru.forward(c.x, B, null, new FMatrixRMaj(B, K + 1), null, null));
        assertTrue(e.getMessage().contains("context must be (3, 2) but was (3, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> c.gru.forward(new FMatrixRMaj(7, I), B, null, c.context, null, null));
        assertTrue(e.getMessage().contains("x must be (T·B, 3) with B = 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> c.gru.forward(c.x, B, new int[] {4, 0, 2}, c.context, null, null));
        FMatrixRMaj nan = c.x.copy();
        nan.set(3 * B + 1, 0, Float.NaN);   // a padded row of sequence 1 (length 2)
        e = assertThrows(IllegalArgumentException.class,
                () -> c.gru.forward(nan, B, new int[] {4, 2, 4}, c.context, null, null));
        assertTrue(e.getMessage().contains("must be finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConditionalGru(0, H, K, new SplittableRandom(1)));
    }
}
