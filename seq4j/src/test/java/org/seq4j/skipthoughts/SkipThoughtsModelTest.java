package org.seq4j.skipthoughts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.seq4j.check.GradientCheck;
import org.seq4j.embed.WordVectors;
import org.seq4j.eval.ConcatenatedEncoder;
import org.seq4j.eval.SentenceEncoder;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.GradientClipping;
import org.seq4j.testing.Fixtures;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.WordVocabulary;

/**
 * {@link SkipThoughtsModel}: one training step against PyTorch (loss, every gradient, the global norm, the
 * parameters after clipping and one Adam step), finite differences through the whole model, sentence
 * vectors, and checkpoints.
 */
class SkipThoughtsModelTest {

    /** &lt;pad&gt; &lt;bos&gt; &lt;eos&gt; &lt;unk&gt; w4 … w10, as in make_skipthoughts_fixtures.py. */
    static WordVocabulary tinyVocabulary() {
        List<String> words = new ArrayList<>();
        for (int i = 4; i <= 10; i++) {
            words.add("w" + i);
        }
        return WordVocabulary.of(words, SpecialToken.PAD, SpecialToken.BOS, SpecialToken.EOS, SpecialToken.UNK);
    }

    /** A [B, L] I64 tensor padded with −1 as B sentences. */
    private static int[][] sentences(TensorFile f, String name) {
        int[] shape = f.get(name).shape();
        int[] flat = Fixtures.ints(f, name);
        int[][] out = new int[shape[0]][];
        for (int b = 0; b < shape[0]; b++) {
            int n = 0;
            while (n < shape[1] && flat[b * shape[1] + n] >= 0) {
                n++;
            }
            out[b] = java.util.Arrays.copyOfRange(flat, b * shape[1], b * shape[1] + n);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(SkipThoughtsConfig.Mode.class)
    void oneTrainingStepMatchesPyTorch(SkipThoughtsConfig.Mode mode) {
        TensorFile f = Fixtures.load("/fixtures/skipthoughts/training_step_" + mode.name().toLowerCase() + ".safetensors");
        WordVocabulary vocabulary = tinyVocabulary();
        SkipThoughtsModel model = new SkipThoughtsModel(new SkipThoughtsConfig(mode, vocabulary.size(),
                Integer.parseInt(f.metadata().get("embedding")), Integer.parseInt(f.metadata().get("dim"))),
                vocabulary, 5);
        for (Parameter p : model.parameters()) {
            p.value().setTo(Fixtures.matrix(f, p.name()));
        }
        TripleBatch batch = TripleBatch.of(sentences(f, "previous"), sentences(f, "current"), sentences(f, "next"),
                vocabulary);
        model.parameters().zeroGrad();
        SkipThoughtsModel.Cache cache = model.forward(batch, null);
        Fixtures.assertMatches("loss", Fixtures.scalar(f, "loss"), cache.loss());
        model.backward(cache);
        for (Parameter p : model.parameters()) {
            Fixtures.assertMatches("grad." + p.name(), Fixtures.matrix(f, "grad." + p.name()), p.grad());
        }
        double clip = Double.parseDouble(f.metadata().get("clip_norm"));
        double norm = GradientClipping.clipByGlobalNorm(model.parameters(), clip);
        Fixtures.assertMatches("total_norm", Fixtures.scalar(f, "total_norm"), norm);
        assertTrue(norm > clip, "the fixture must exercise the clipping: norm " + norm);
        new Adam(model.parameters(), AdamConfig.adam().learningRate(Double.parseDouble(f.metadata().get("lr")))
                .build()).step();
        for (Parameter p : model.parameters()) {
            Fixtures.assertMatches("after." + p.name(), Fixtures.matrix(f, "after." + p.name()), p.value());
        }
    }

    /** A tiny model with weights U(−0.8, 0.8) and a batch of four triples of different lengths. */
    private static SkipThoughtsModel tinyModel(SkipThoughtsConfig.Mode mode, long seed) {
        WordVocabulary vocabulary = tinyVocabulary();
        SkipThoughtsModel model = new SkipThoughtsModel(new SkipThoughtsConfig(mode, vocabulary.size(), 3, 4),
                vocabulary, seed);
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter p : model.parameters()) {
            for (int i = 0; i < p.numElements(); i++) {
                p.value().data[i] = (float) random.nextDouble(-0.8, 0.8);
            }
        }
        java.util.Arrays.fill(model.embedding().weight().value().data, 0, 3, 0f);   // the <pad> row
        return model;
    }

    private static TripleBatch tinyBatch() {
        int[][] previous = {{4, 5}, {6, 7, 8, 3}, {9}, {10, 4, 5}};
        int[][] current = {{5, 6, 7}, {8}, {4, 9, 10, 6}, {7, 7}};
        int[][] next = {{8, 9, 10}, {4}, {5, 6}, {3, 9, 8, 7}};
        return TripleBatch.of(previous, current, next, tinyVocabulary());
    }

    @ParameterizedTest
    @EnumSource(SkipThoughtsConfig.Mode.class)
    void passesGradientCheckThroughBothDecodersAndTheEncoder(SkipThoughtsConfig.Mode mode) {
        SkipThoughtsModel model = tinyModel(mode, 21);
        TripleBatch batch = tinyBatch();
        SkipThoughtsModel.Cache cache = model.newCache();
        GradientCheck.builder(() -> model.forward(batch, cache).loss()).parameters(model.parameters()).build()
                .run(() -> {
                    model.parameters().zeroGrad();
                    model.backward(model.forward(batch, cache));
                }).assertPassed();
    }

    @Test
    void theLossIsTheSumOfTheDecodersMeanCrossEntropies() {
        SkipThoughtsModel model = tinyModel(SkipThoughtsConfig.Mode.UNI, 22);
        TripleBatch batch = tinyBatch();
        SkipThoughtsModel.Cache c = model.forward(batch, null);
        assertEquals(c.previousLoss() + c.nextLoss(), c.loss());
        // targets: the words and <eos> of both neighbours
        assertEquals((2 + 4 + 1 + 3) + 4 + (3 + 1 + 2 + 4) + 4, batch.targetCount());
        assertEquals(c.previousLoss() * 14 + c.nextLoss() * 14, c.totalNats(), 1e-9);
        // an untrained model is about as good as uniform guessing over V = 11 outputs
        assertTrue(c.previousLoss() > 1 && c.previousLoss() < 2 * Math.log(11), "loss " + c.previousLoss());
        model.backward(c);
        assertThrows(IllegalStateException.class, () -> model.backward(c));
        SkipThoughtsModel other = tinyModel(SkipThoughtsConfig.Mode.UNI, 23);
        assertThrows(IllegalArgumentException.class, () -> other.backward(c));
        assertThrows(IllegalArgumentException.class, () -> other.forward(batch, c));
    }

    @Test
    void theEmbeddingPaddingRowGetsNoGradient() {
        SkipThoughtsModel model = tinyModel(SkipThoughtsConfig.Mode.BI, 24);
        model.parameters().zeroGrad();
        model.backward(model.forward(tinyBatch(), null));
        float[] grad = model.embedding().weight().grad().data;
        for (int j = 0; j < 3; j++) {
            assertEquals(0f, grad[j]);
        }
        // <bos> is read by both decoders: its row has a gradient
        assertNotEquals(0f, grad[3]);
    }

    @ParameterizedTest
    @EnumSource(SkipThoughtsConfig.Mode.class)
    void encodesUnitVectorsThatDoNotDependOnTheBatch(SkipThoughtsConfig.Mode mode) {
        SkipThoughtsModel model = tinyModel(mode, 25);
        List<String> sentences = List.of("w4 w5 w6", "W7, w8", "", "w9", "w5 w4 w6", "never seen words");
        FMatrixRMaj all = new FMatrixRMaj(1, 1);
        model.encode(sentences, all);
        assertEquals(6, all.numRows);
        assertEquals(model.dimension(), all.numCols);
        for (int i = 0; i < 6; i++) {
            double norm = 0;
            for (int j = 0; j < all.numCols; j++) {
                norm += all.get(i, j) * all.get(i, j);
            }
            assertEquals(i == 2 ? 0 : 1, norm, 1e-5, "squared norm of sentence " + i);
        }
        // the same vector alone as in a batch; word order matters
        FMatrixRMaj one = new FMatrixRMaj(1, 1);
        model.encode(List.of("w9"), one);
        assertArrayEquals(row(all, 3), one.data, 1e-6f);
        assertNotEquals(row(all, 0)[0], row(all, 4)[0]);
        // "W7, w8" is lower-cased and tokenized into w7 , w8: ',' is <unk>, like every unseen word
        FMatrixRMaj unk = new FMatrixRMaj(1, 1);
        model.encode(List.of("w7 something w8"), unk);
        assertArrayEquals(row(all, 1), unk.data, 1e-6f);
    }

    @Test
    void anExpandedVocabularyReadsWordsBeyondTheModelsOwn() {
        SkipThoughtsModel model = tinyModel(SkipThoughtsConfig.Mode.UNI, 26);
        int e = model.config().embeddingSize();
        WordVectors own = model.wordVectors();
        assertEquals(List.of("w4", "w5", "w6", "w7", "w8", "w9", "w10"), own.words());
        // "rare" gets the embedding of w6; "w4" (in the vocabulary) keeps its own whatever the table says
        float[] table = new float[2 * e];
        System.arraycopy(own.vector("w6"), 0, table, 0, e);
        SentenceEncoder expanded = model.expandedEncoder(WordVectors.of(List.of("rare", "w4"), table, e));
        FMatrixRMaj a = new FMatrixRMaj(1, 1);
        FMatrixRMaj b = new FMatrixRMaj(1, 1);
        expanded.encode(List.of("w5 rare w4", "w5 zzz"), a);
        model.encode(List.of("w5 w6 w4", "w5 zzz"), b);
        assertArrayEquals(b.data, a.data, 1e-6f);
        assertThrows(IllegalArgumentException.class,
                () -> model.expandedEncoder(WordVectors.of(List.of("x"), new float[e + 1], e + 1)));
    }

    @Test
    void combineSkipIsTheTwoUnitVectorsSideBySide() {
        SkipThoughtsModel uni = tinyModel(SkipThoughtsConfig.Mode.UNI, 27);
        SkipThoughtsModel bi = tinyModel(SkipThoughtsConfig.Mode.BI, 28);
        ConcatenatedEncoder combined = ConcatenatedEncoder.of(uni, bi);
        assertEquals(8, combined.dimension());
        List<String> s = List.of("w4 w5", "w6");
        FMatrixRMaj out = new FMatrixRMaj(1, 1);
        FMatrixRMaj u = new FMatrixRMaj(1, 1);
        FMatrixRMaj v = new FMatrixRMaj(1, 1);
        combined.encode(s, out);
        uni.encode(s, u);
        bi.encode(s, v);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(u.get(i, j), out.get(i, j));
                assertEquals(v.get(i, j), out.get(i, 4 + j));
            }
        }
    }

    @Test
    void savesAndLoadsTheWeightsTheConfigurationAndTheVocabulary(@TempDir Path dir) throws IOException {
        SkipThoughtsModel model = tinyModel(SkipThoughtsConfig.Mode.BI, 29);
        Path file = dir.resolve("model.safetensors");
        model.save(file);
        SkipThoughtsModel loaded = SkipThoughtsModel.load(file);
        assertEquals(model.config(), loaded.config());
        assertEquals(model.vocabulary(), loaded.vocabulary());
        for (Parameter p : model.parameters()) {
            assertArrayEquals(p.value().data, loaded.parameters().get(p.name()).value().data, p.name());
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x10;
        Path damaged = dir.resolve("damaged.safetensors");
        Files.write(damaged, bytes);
        assertThrows(CheckpointFormatException.class, () -> SkipThoughtsModel.load(damaged));
    }

    @Test
    void rejectsAVocabularyWithoutTheSpecialTokensOrOfAnotherSize() {
        WordVocabulary noBos = WordVocabulary.of(List.of("a", "b", "c", "d"), SpecialToken.PAD, SpecialToken.EOS,
                SpecialToken.UNK);
        assertThrows(IllegalArgumentException.class,
                () -> new SkipThoughtsModel(SkipThoughtsConfig.uni(noBos.size(), 2, 2), noBos, 1));
        WordVocabulary v = tinyVocabulary();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SkipThoughtsModel(SkipThoughtsConfig.uni(12, 2, 2), v, 1));
        assertTrue(e.getMessage().contains("11 but was 12"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SkipThoughtsConfig.bi(12, 2, 3));
    }

    private static float[] row(FMatrixRMaj m, int r) {
        return java.util.Arrays.copyOfRange(m.data, r * m.numCols, (r + 1) * m.numCols);
    }
}
