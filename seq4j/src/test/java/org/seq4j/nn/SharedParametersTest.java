package org.seq4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.testing.TestMatrices.indices;
import static org.seq4j.testing.TestMatrices.uniform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.Sgd;

/**
 * Modules built over existing parameters, and a registry holding a shared parameter once: iteration, counts,
 * zeroing, optimizers and clipping see it once; its other names are aliases; every use adds into its one
 * gradient.
 */
class SharedParametersTest {

    private static final int V = 6;
    private static final int E = 3;

    @Test
    void aParameterRegisteredTwiceIsKeptOnceUnderItsFirstName() {
        Parameter table = new Parameter("weight", V, E);
        Parameter bias = new Parameter("bias", V);
        Parameters registry = new Parameters().add(table.withName("embedding.weight"))
                .add(table.withName("decoder.weight")).add(bias.withName("decoder.bias"));

        assertEquals(2, registry.size());
        assertEquals(List.of("embedding.weight", "decoder.bias"), registry.names());
        assertEquals(Map.of("decoder.weight", "embedding.weight"), registry.aliases());
        assertEquals(List.of("embedding.weight", "decoder.weight", "decoder.bias"), registry.stateDictNames());
        assertEquals(V * E + V, registry.numElements());
        assertTrue(registry.contains("decoder.weight"));
        assertSame(registry.get("embedding.weight"), registry.get("decoder.weight"));
        assertSame(table.value(), registry.get(0).value());
        List<String> iterated = new ArrayList<>();
        registry.forEach(p -> iterated.add(p.name()));
        assertEquals(List.of("embedding.weight", "decoder.bias"), iterated);
        assertEquals(2, registry.list().size());
        assertEquals("[embedding.weight[6, 3], decoder.bias[6]] aliases {decoder.weight=embedding.weight}",
                registry.toString());

        table.grad().data[0] = 1f;
        registry.zeroGrad();
        assertEquals(0f, table.grad().data[0]);
    }

    @Test
    void namesStayUniqueAcrossNamesAndAliases() {
        Parameter p = new Parameter("p", 2);
        Parameters registry = new Parameters().add(p).add(p.withName("q"));
        assertThrows(IllegalArgumentException.class, () -> registry.add(new Parameter("q", 2)));
        assertThrows(IllegalArgumentException.class, () -> registry.add(p));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.get("r"));
        assertEquals("no parameter named 'r'; have [p, q]", e.getMessage());
    }

    @Test
    void composingChildrenThatShareAParameterKeepsItOnceAndCarriesAliasesThroughPrefixes() {
        SplittableRandom random = new SplittableRandom(3);
        Embedding embedding = new Embedding(V, E, random);
        Linear decoder = new Linear(embedding.weight(), new Parameter("bias", V));
        assertEquals(List.of("weight", "bias"), decoder.parameters().names());
        Parameters model = new Parameters().addAll("embedding.", embedding.parameters())
                .addAll("decoder.", decoder.parameters());
        assertEquals(List.of("embedding.weight", "decoder.bias"), model.names());
        assertEquals(Map.of("decoder.weight", "embedding.weight"), model.aliases());

        Parameters outer = new Parameters().addAll("lm.", model);
        assertEquals(List.of("lm.embedding.weight", "lm.decoder.weight", "lm.decoder.bias"), outer.stateDictNames());
        assertEquals(Map.of("lm.decoder.weight", "lm.embedding.weight"), outer.aliases());
        assertEquals(2, outer.size());
    }

    @Test
    void optimizersAndClippingStepASharedParameterOnce() {
        Parameter table = new Parameter("weight", 2, 2);
        Parameters registry = new Parameters().add(table.withName("a.weight")).add(table.withName("b.weight"));
        table.grad().data[0] = 3f;
        table.grad().data[3] = 4f;
        assertEquals(5.0, GradientClipping.globalNorm(registry), 1e-6);   // not √2·5

        new Sgd(registry, Sgd.Config.builder(0.5).build()).step();
        assertArrayEquals(new float[] {-1.5f, 0f, 0f, -2f}, table.value().data);   // one step of −0.5·g
    }

    @Test
    void gradientsOfEveryUseOfATiedTableAccumulate() {
        SplittableRandom random = new SplittableRandom(4);
        int n = 5;
        Embedding embedding = new Embedding(V, E, random);
        Linear tied = new Linear(embedding.weight(), null);
        // the same computation over an untied copy of the table
        Embedding embeddingCopy = new Embedding(V, E, random);
        embeddingCopy.weight().value().setTo(embedding.weight().value());
        Linear decoderCopy = new Linear(E, V, false, random);
        decoderCopy.weight().value().setTo(embedding.weight().value());

        int[] tokens = indices(n, V, random);
        FMatrixRMaj dLogits = uniform(n, V, 1.0, random);
        FMatrixRMaj x = new FMatrixRMaj(n, E);
        FMatrixRMaj logits = new FMatrixRMaj(n, V);
        FMatrixRMaj dx = new FMatrixRMaj(n, E);
        embedding.forward(tokens, x);
        tied.forward(x, logits);
        tied.backward(x, dLogits, dx);
        embedding.backward(tokens, dx);
        embeddingCopy.forward(tokens, x);
        decoderCopy.forward(x, logits);
        decoderCopy.backward(x, dLogits, dx);
        embeddingCopy.backward(tokens, dx);

        FMatrixRMaj expected = embeddingCopy.weight().grad().copy();
        org.seq4j.tensor.Tensors.addTo(decoderCopy.weight().grad(), expected);
        assertArrayEquals(expected.data, embedding.weight().grad().data, 1e-6f);
        assertSame(embedding.weight().grad(), tied.weight().grad());
    }

    @Test
    void modulesOverExistingParametersCheckTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Linear(new Parameter("w", 4), null));
        assertEquals("weight must be a 2-D parameter [O, I] but was w[4]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Linear(new Parameter("w", 4, 3), new Parameter("b", 3)));
        assertEquals("bias must be a 1-D parameter [4] to match weight w[4, 3] but was b[3]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Linear(new Parameter("w", 4, 3), new Parameter("b", 1, 4)));
        assertThrows(IllegalArgumentException.class, () -> new Linear(null, null));
        assertThrows(IllegalArgumentException.class, () -> new Embedding(new Parameter("w", 4)));
        assertThrows(IllegalArgumentException.class, () -> new Embedding(new Parameter("w", 4, 3), 4));

        Linear linear = new Linear(new Parameter("w", 4, 3), null);
        assertEquals(3, linear.inFeatures());
        assertEquals(4, linear.outFeatures());
        assertFalse(linear.bias().isPresent());
        Embedding table = new Embedding(new Parameter("w", 4, 3), -1);
        assertEquals(4, table.numEmbeddings());
        assertEquals(3, table.embeddingDim());
        assertEquals(3, table.paddingIdx().getAsInt());
    }

    @Test
    void aPaddedTableOverAnExistingParameterKeepsThePaddingRowAndGivesItNoGradient() {
        Parameter weight = new Parameter("w", 3, 2);
        weight.value().setTo(new FMatrixRMaj(new float[][] {{1, 2}, {3, 4}, {5, 6}}));
        Embedding table = new Embedding(weight, 1);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, weight.value().data);   // not zeroed
        FMatrixRMaj out = new FMatrixRMaj(2, 2);
        table.forward(new int[] {1, 2}, out);
        assertArrayEquals(new float[] {3, 4, 5, 6}, out.data);
        table.backward(new int[] {1, 2}, new FMatrixRMaj(new float[][] {{1, 1}, {2, 2}}));
        assertArrayEquals(new float[] {0, 0, 0, 0, 2, 2}, weight.grad().data);
    }
}
