package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.seq4j.rnn.CellType;

/**
 * The decoding strategies over a real {@link Seq2SeqModel} (randomly initialised, small): its row selection
 * serves beam search, and a sentence decodes alike in a batch and alone.
 */
class DecodingWithModelTest {

    /**
     * Log-probabilities of one row computed in batches of different sizes may differ in the last bits
     * (another order of the sums of a product); summed over a few steps they stay within this.
     */
    private static final double SCORE_TOLERANCE = 1e-4;

    private static Seq2SeqModel model(CellType cell, Seq2SeqConfig.Attention attention, boolean bidirectional,
                                      boolean inputFeeding) {
        Seq2SeqConfig config = Seq2SeqConfig.builder(15, 12).cell(cell).embeddingSize(8).hiddenSize(12)
                .bidirectional(bidirectional).attention(attention).inputFeeding(inputFeeding).dropout(0.1f).build();
        return new Seq2SeqModel(config, 17);
    }

    @Test
    void beamSearchOverTheModelIsBatchIndependentAndWidthOneIsGreedy() {
        List<int[]> sources = DecodingReference.sources(9, 15, 6, 5);
        sources.forEach(s -> {
            for (int t = 0; t < s.length; t++) {
                s[t] = 1 + s[t] % 14;   // no <pad> in a source
            }
        });
        Seq2SeqModel[] models = {
            model(CellType.GRU, Seq2SeqConfig.Attention.GENERAL, false, false),
            model(CellType.LSTM, Seq2SeqConfig.Attention.CONCAT, true, true),
            model(CellType.GRU, Seq2SeqConfig.Attention.NONE, false, false),
        };
        for (Seq2SeqModel m : models) {
            String name = m.config().toString();
            BeamSearch beam = BeamSearch.builder().beamSize(3).nBest(3).build();
            List<List<Hypothesis>> batched = beam.decode(m, sources);
            List<Hypothesis> greedy = new GreedySearch(MaxLength.DEFAULT, false).decode(m, sources);
            List<List<Hypothesis>> narrow = BeamSearch.builder().beamSize(1).build().decode(m, sources);
            for (int s = 0; s < sources.size(); s++) {
                List<Hypothesis> alone = beam.decode(m, List.of(sources.get(s))).get(0);
                assertEquals(alone.size(), batched.get(s).size(), name);
                for (int i = 0; i < alone.size(); i++) {
                    Hypothesis a = alone.get(i);
                    Hypothesis b = batched.get(s).get(i);
                    assertArrayEquals(a.tokens(), b.tokens(), name + " sentence " + s + " rank " + i);
                    assertEquals(a.finished(), b.finished());
                    assertEquals(a.score(), b.score(), SCORE_TOLERANCE);
                    assertEquals(m.config().attention() == Seq2SeqConfig.Attention.NONE ? 0 : a.steps(),
                            b.alignment().length);
                }
                Hypothesis g = greedy.get(s);
                assertArrayEquals(g.tokens(), narrow.get(s).get(0).tokens(), name + " sentence " + s);
                assertEquals(g.logProbability(), narrow.get(s).get(0).logProbability(), SCORE_TOLERANCE);
            }
        }
    }
}
