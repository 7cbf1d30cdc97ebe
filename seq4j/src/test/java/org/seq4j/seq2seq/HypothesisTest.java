package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.WordVocabulary;

class HypothesisTest {

    /** V = 5: <pad> <bos> <eos> <unk> haus; the test model writes <unk> often. */
    private static final WordVocabulary TARGET = WordVocabulary.of(List.of("haus"), SpecialToken.PAD,
            SpecialToken.BOS, SpecialToken.EOS, SpecialToken.UNK);

    @Test
    void replacesEachUnknownWordByTheSourceWordWithTheLargestAttentionWeight() {
        TableStepDecoder model = new TableStepDecoder(TARGET.size(), 8, 61, true, -1f);
        List<int[]> sources = DecodingReference.sources(20, 8, 6, 62);
        List<List<Hypothesis>> beams = BeamSearch.builder().beamSize(3).nBest(3).keepAttention(true).build()
                .decode(model, sources);
        List<Hypothesis> all = new ArrayList<>(new GreedySearch(MaxLength.DEFAULT, true).decode(model, sources));
        beams.forEach(all::addAll);
        int unknown = TARGET.id(SpecialToken.UNK);
        int replaced = 0;
        for (Hypothesis h : all) {
            int[] source = sources.get(h.sourceIndex());
            List<String> sourceWords = new ArrayList<>();
            for (int j = 0; j < source.length; j++) {
                sourceWords.add("w" + j + "_" + source[j]);
            }
            List<String> plain = h.words(TARGET);
            List<String> words = h.words(TARGET, sourceWords);
            FMatrixRMaj attention = h.attention().orElseThrow();
            int[] tokens = h.tokens();
            int[] alignment = h.alignment();
            assertEquals(h.steps(), alignment.length);
            for (int t = 0; t < tokens.length; t++) {
                int best = 0;
                for (int j = 1; j < source.length; j++) {
                    if (attention.get(t, j) > attention.get(t, best)) {
                        best = j;
                    }
                }
                assertEquals(best, alignment[t], "step " + t);
                if (tokens[t] == unknown) {
                    assertEquals("<unk>", plain.get(t));
                    assertEquals(sourceWords.get(best), words.get(t), "step " + t + " of " + h);
                    replaced++;
                } else {
                    assertEquals(TARGET.token(tokens[t]), words.get(t));
                }
            }
        }
        assertTrue(replaced >= 5, "only " + replaced + " <unk> written: choose another seed");
        Hypothesis h = all.get(0);
        assertThrows(IllegalArgumentException.class, () -> h.words(TARGET, List.of()));
    }

    @Test
    void withoutAttentionUnknownWordsStay() {
        TableStepDecoder model = new TableStepDecoder(TARGET.size(), 8, 63, false, -1f);
        List<int[]> sources = DecodingReference.sources(20, 8, 6, 64);
        int unknowns = 0;
        for (Hypothesis h : new GreedySearch(MaxLength.DEFAULT, true).decode(model, sources)) {
            List<String> sourceWords = new ArrayList<>();
            for (int j = 0; j < sources.get(h.sourceIndex()).length; j++) {
                sourceWords.add("w" + j);
            }
            assertEquals(h.words(TARGET), h.words(TARGET, sourceWords));
            assertTrue(h.attention().isEmpty());
            unknowns += h.words(TARGET).stream().filter("<unk>"::equals).count();
        }
        assertTrue(unknowns > 0);
    }
}
