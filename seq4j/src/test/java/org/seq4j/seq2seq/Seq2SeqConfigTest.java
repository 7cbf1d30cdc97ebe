package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.seq4j.io.JsonFormatException;
import org.seq4j.rnn.CellType;
import org.seq4j.seq2seq.Seq2SeqConfig.Attention;

/** {@link Seq2SeqConfig} and {@link Seq2SeqTrainingConfig}: defaults, validation, names, JSON round trips. */
class Seq2SeqConfigTest {

    @Test
    void defaultsAreTheReferences() {
        Seq2SeqConfig c = Seq2SeqConfig.builder(100, 200).build();
        assertEquals(new Seq2SeqConfig(CellType.GRU, 1, false, 256, 256, Attention.GENERAL, false, 0.1f, 100, 200), c);
        assertEquals(256, c.encoderHiddenSize());
        assertEquals(256, c.decoderInputSize());
        Seq2SeqConfig other = Seq2SeqConfig.builder(100, 200).bidirectional(true).inputFeeding(true).hiddenSize(64)
                .embeddingSize(32).build();
        assertEquals(32, other.encoderHiddenSize());
        assertEquals(96, other.decoderInputSize());
        Seq2SeqTrainingConfig t = Seq2SeqTrainingConfig.builder().build();
        assertEquals(new Seq2SeqTrainingConfig(10, 64, 1e-3, 1.0, 1.0, 1, Seq2SeqTrainingConfig.PLAIN_SHUFFLE, 100), t);
    }

    @Test
    void invalidValuesAreRefusedWithTheNumbers() {
        assertMessage("hiddenSize must be even with a bidirectional encoder (H/2 units per direction) but was 5",
                () -> Seq2SeqConfig.builder(10, 10).bidirectional(true).hiddenSize(5).build());
        assertMessage("input feeding feeds the attentional vector back: it needs attention, but attention is none",
                () -> Seq2SeqConfig.builder(10, 10).attention(Attention.NONE).inputFeeding(true).build());
        assertMessage("dropout must be in [0, 1) but was 1.0", () -> Seq2SeqConfig.builder(10, 10).dropout(1f).build());
        assertMessage("targetVocabularySize must be at least 4 (<pad>, <bos>, <eos> and a word) but was 3",
                () -> Seq2SeqConfig.builder(10, 3).build());
        assertMessage("numLayers must be at least 1 but was 0", () -> Seq2SeqConfig.builder(10, 10).numLayers(0).build());
        assertMessage("teacherForcing must be in [0, 1] but was 1.5",
                () -> Seq2SeqTrainingConfig.builder().teacherForcing(1.5).build());
        assertMessage("learningRate must be finite and > 0 but was 0.0",
                () -> Seq2SeqTrainingConfig.builder().learningRate(0).build());
        assertMessage("clipNorm must be finite and ≥ 0 (0: no clipping) but was -1.0",
                () -> Seq2SeqTrainingConfig.builder().clipNorm(-1).build());
    }

    @Test
    void namesAsOnACommandLine() {
        assertEquals(CellType.GRU, Seq2SeqConfig.parseCell("gru"));
        assertEquals(CellType.LSTM, Seq2SeqConfig.parseCell(" LSTM "));
        assertEquals(CellType.RNN_TANH, Seq2SeqConfig.parseCell("rnn"));
        assertEquals(Attention.CONCAT, Attention.parse("concat"));
        assertEquals(Attention.NONE, Attention.parse("None"));
        assertEquals(GlobalAttention.Score.DOT, Attention.DOT.score().orElseThrow());
        assertEquals(true, Attention.NONE.score().isEmpty());
        assertMessage("cell must be gru, lstm or rnn but was transformer", () -> Seq2SeqConfig.parseCell("transformer"));
        assertMessage("attention must be none, dot, general or concat but was bahdanau",
                () -> Attention.parse("bahdanau"));
    }

    @Test
    void jsonRoundTrips() throws JsonFormatException {
        Seq2SeqConfig c = Seq2SeqConfig.builder(17, 23).cell(CellType.LSTM).numLayers(2).bidirectional(true)
                .embeddingSize(8).hiddenSize(12).attention(Attention.CONCAT).inputFeeding(true).dropout(0.3f).build();
        assertEquals(c, Seq2SeqConfig.fromJson(c.toJson()));
        Seq2SeqTrainingConfig t = Seq2SeqTrainingConfig.builder().epochs(3).batchSize(5).learningRate(0.1 / 3)
                .clipNorm(0).teacherForcing(0.75).seed(-9).bucketBatches(2).logEvery(7).build();
        assertEquals(t, Seq2SeqTrainingConfig.fromJson(t.toJson()));
        Seq2SeqTrainingConfig plain = Seq2SeqTrainingConfig.builder().build();
        assertEquals(Seq2SeqTrainingConfig.PLAIN_SHUFFLE, plain.bucketBatches(), "plain shuffled batches by default");
        assertEquals(plain, Seq2SeqTrainingConfig.fromJson(plain.toJson()));
        assertThrows(JsonFormatException.class, () -> Seq2SeqConfig.fromJson(c.toJson().replace("\"cell\"", "\"kind\"")));
        assertThrows(JsonFormatException.class, () -> Seq2SeqTrainingConfig.fromJson("{\"epochs\":3}"));
        assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqConfig.fromJson(c.toJson().replace("\"LSTM\"", "\"CNN\"")));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable executable) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, executable).getMessage());
    }
}
