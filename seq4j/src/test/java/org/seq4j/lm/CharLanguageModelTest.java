package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.seq4j.check.GradientCheck;
import org.seq4j.io.JsonFormatException;
import org.seq4j.nn.Parameter;
import org.seq4j.random.SplitMix64;
import org.seq4j.rnn.CellType;
import org.seq4j.text.CharacterVocabulary;

class CharLanguageModelTest {

    private static final String TEXT = "the quick brown fox jumps over the lazy dog. ";

    /** A model whose gradient is checked over one chunk: B = 3, T = 4, with a non-zero initial state. */
    private static void checkGradients(CharLmConfig config) {
        CharacterVocabulary vocabulary = CharacterVocabulary.of(TEXT);
        CharLanguageModel model = new CharLanguageModel(config, vocabulary, 11);
        ChunkWorkspace ws = model.newWorkspace(3, 4);
        new CharStreams(vocabulary.encode(TEXT), 3, 4, "text").fill(1, ws.inputs, ws.targets);
        SplitMix64 init = new SplitMix64(5);
        for (int i = 0; i < ws.h.getNumElements(); i++) {
            ws.h.data[i] = (float) (init.nextDouble() - 0.5);
        }
        for (int i = 0; i < ws.c.getNumElements(); i++) {
            ws.c.data[i] = (float) (init.nextDouble() - 0.5);
        }
        // the same dropout masks in every evaluation: a fresh stream with the same seed each time
        GradientCheck.builder(() -> model.forward(ws, new SplitMix64(3)))
                .parameters(model.parameters())
                .build()
                .run(() -> {
                    model.parameters().zeroGrad();
                    model.forward(ws, new SplitMix64(3));
                    model.backward(ws);
                })
                .assertPassed();
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void gradientsOfEveryCellMatchFiniteDifferences(CellType cell) {
        checkGradients(new CharLmConfig(cell, CharacterVocabulary.of(TEXT).size(), 5, 6, 2, 0f));
    }

    @Test
    void gradientsWithOneHotInputAndDropoutMatchFiniteDifferences() {
        int v = CharacterVocabulary.of(TEXT).size();
        checkGradients(new CharLmConfig(CellType.LSTM, v, 0, 6, 2, 0.3f));
        checkGradients(new CharLmConfig(CellType.GRU, v, 4, 5, 1, 0.25f));
    }

    @Test
    void parametersHavePyTorchNamesAndShapes() {
        CharLanguageModel model = new CharLanguageModel(
                CharLmConfig.of(CellType.LSTM, 65, 128).withNumLayers(2), oneOf(65), 1);
        List<String> names = model.parameters().names();
        assertEquals(List.of("embedding.weight",
                "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
                "decoder.weight", "decoder.bias"), names);
        assertArrayEquals(new int[] {65, 128}, model.parameters().get("embedding.weight").shape());
        assertArrayEquals(new int[] {512, 128}, model.parameters().get("rnn.weight_ih_l0").shape());
        assertArrayEquals(new int[] {65, 128}, model.parameters().get("decoder.weight").shape());
        assertArrayEquals(new int[] {65}, model.parameters().get("decoder.bias").shape());
        // the size of the PyTorch model of the quality bar (nn.Embedding(65,128), 2-layer LSTM, Linear)
        assertEquals(65 * 128 + 2 * (512 * 128 + 512 * 128 + 2 * 512) + 65 * 128 + 65,
                model.parameters().numElements());
        CharLanguageModel oneHot = new CharLanguageModel(
                CharLmConfig.of(CellType.GRU, 65, 32).withEmbeddingSize(0), oneOf(65), 1);
        assertEquals("rnn.weight_ih_l0", oneHot.parameters().names().get(0));
        assertArrayEquals(new int[] {96, 65}, oneHot.parameters().get("rnn.weight_ih_l0").shape());
    }

    @Test
    void sameSeedSameWeightsDifferentSeedDifferentWeights() {
        CharLmConfig config = CharLmConfig.of(CellType.GRU, 10, 8);
        CharLanguageModel a = new CharLanguageModel(config, oneOf(10), 42);
        CharLanguageModel b = new CharLanguageModel(config, oneOf(10), 42);
        CharLanguageModel c = new CharLanguageModel(config, oneOf(10), 43);
        for (Parameter p : a.parameters()) {
            assertArrayEquals(p.value().data, b.parameters().get(p.name()).value().data, p.name());
        }
        assertTrue(a.parameters().get("decoder.weight").value().data[0]
                != c.parameters().get("decoder.weight").value().data[0]);
    }

    @Test
    void evaluationCarriesTheStateAcrossChunksAndMatchesItsParts() {
        CharacterVocabulary vocabulary = CharacterVocabulary.of(TEXT);
        CharLanguageModel model = new CharLanguageModel(CharLmConfig.of(CellType.LSTM, vocabulary.size(), 8),
                vocabulary, 3);
        String text = TEXT.repeat(3);
        Evaluation e = model.evaluate(text, 2, 5);
        // an untrained model is close to uniform: about ln V nats per character
        assertEquals(Math.log(vocabulary.size()), e.loss(), 0.3);
        assertEquals(e.loss() / Math.log(2), e.bitsPerCharacter(), 1e-12);
        CharStreams streams = new CharStreams(vocabulary.encode(text), 2, 5, "text");
        assertEquals(streams.targetsPerPass(), e.characters());
        // the same sum, chunk by chunk, with the state carried by hand
        ChunkWorkspace ws = model.newWorkspace(2, 5);
        double total = 0;
        for (int k = 0; k < streams.numChunks(); k++) {
            streams.fill(k, ws.inputs, ws.targets);
            total += model.forward(ws, null) * 10;
            model.carryState(ws);
        }
        assertEquals(total / streams.targetsPerPass(), e.loss(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> model.evaluate("fox!", 1, 1));
    }

    @Test
    void rejectsAConfigThatDoesNotFitTheVocabulary() throws JsonFormatException {
        assertThrows(IllegalArgumentException.class,
                () -> new CharLanguageModel(CharLmConfig.of(CellType.LSTM, 5, 8), oneOf(6), 1));
        assertThrows(IllegalArgumentException.class, () -> new CharLmConfig(CellType.LSTM, 5, -1, 8, 1, 0f));
        assertThrows(IllegalArgumentException.class, () -> new CharLmConfig(CellType.LSTM, 5, 4, 8, 0, 0f));
        assertThrows(IllegalArgumentException.class, () -> new CharLmConfig(CellType.LSTM, 5, 4, 8, 1, 1f));
        assertEquals(new CharLmConfig(CellType.GRU, 5, 0, 8, 3, 0.5f),
                CharLmConfig.fromJson(new CharLmConfig(CellType.GRU, 5, 0, 8, 3, 0.5f).toJson()));
    }

    /** A vocabulary of {@code n} letters. */
    static CharacterVocabulary oneOf(int n) {
        int[] codePoints = new int[n];
        for (int i = 0; i < n; i++) {
            codePoints[i] = 0x100 + i;
        }
        return CharacterVocabulary.ofCodePoints(codePoints);
    }
}
