package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    /** Sums of a few dozen doubles. */
    static final double TOLERANCE = 1e-12;

    /**
     * Vectors built so that b - a + c is nearest to d: countries and capitals with a shared offset.
     * Row order is the frequency order: "Rare" is the least frequent word.
     */
    static WordVectors geography() {
        List<String> words = List.of("france", "paris", "italy", "rome", "spain", "madrid", "France", "Rare");
        float[] t = {
            1, 0, 0, 0,
            1, 1, 0, 0,
            0, 0, 1, 0,
            0, 1, 1, 0,
            0, 0, 0, 1,
            0, 1, 0, 1,
            -1, 0, 0, 0,     // "France" is the rarer casing: never used case-insensitively
            0, 0, 1, 1};
        return WordVectors.of(words, t, 4);
    }

    @Test
    void analogyAccuracyFollowsGensimConventions() throws IOException {
        String questions = String.join("\n",
                ": capital-common-countries",
                "France Paris Italy Rome",       // correct (case-insensitive)
                "italy rome spain madrid",       // correct
                "spain madrid france paris",     // correct
                "paris france rome italy",       // answered: rome - paris + france -> italy? (expected italy)
                "france paris unknown rome",     // out of vocabulary: skipped
                "not a question",                // ignored: not four words
                ": gram1-adjective-to-adverb",
                "france paris italy rare",       // Rare is beyond restrictVocab = 7: skipped
                "");
        AnalogyEvaluation.Result r = AnalogyEvaluation.evaluate(geography(), new BufferedReader(new StringReader(questions)),
                "test", 7, true);
        assertEquals(2, r.sections().size());
        AnalogyEvaluation.Section s = r.sections().get(0);
        assertEquals("capital-common-countries", s.name());
        assertEquals(5, s.total());
        assertEquals(4, s.answered());
        assertEquals(4, s.correct());
        assertEquals(new AnalogyEvaluation.Section("gram1-adjective-to-adverb", 0, 0, 1), r.sections().get(1));
        assertEquals(r.overall().correct(), r.semantic().correct());
        assertEquals(6, r.overall().total());
        assertEquals(0, r.syntactic().answered());

        // Case-sensitively, "France Paris Italy Rome" has no "Italy"/"Rome": skipped.
        AnalogyEvaluation.Result cs = AnalogyEvaluation.evaluate(geography(), new BufferedReader(new StringReader(questions)),
                "test", 7, false);
        assertEquals(3, cs.sections().get(0).answered());
    }

    @Test
    void questionBeforeSectionIsAnError() {
        assertThrows(IOException.class, () -> AnalogyEvaluation.evaluate(geography(),
                new BufferedReader(new StringReader("a b c d\n")), "test", 10, true));
    }

    @Test
    void wordPairsSkipOovAndComments() throws IOException {
        String pairs = String.join("\n",
                "# comment",
                "# Word 1\tWord 2\tHuman (mean)",
                "france\tparis\t8.0",
                "PARIS\trome\t3.5",
                "italy\trome\t9.0",
                "spain\tnowhere\t1.0",
                "bad line",
                "");
        WordSimilarityEvaluation.Result r = WordSimilarityEvaluation.evaluate(geography(),
                new BufferedReader(new StringReader(pairs)), 300_000, true);
        assertEquals(3, r.pairs());
        assertEquals(1, r.oov());
        assertEquals(0.25, r.oovRatio(), TOLERANCE);
        WordVectors v = geography();
        double[] model = {v.similarity("france", "paris"), v.similarity("paris", "rome"), v.similarity("italy", "rome")};
        assertEquals(WordSimilarityEvaluation.pearson(new double[] {8, 3.5, 9}, model), r.pearson(), TOLERANCE);
    }

    @Test
    void spearmanUsesAverageRanksForTies() {
        assertArrayEquals(new double[] {1.5, 1.5, 3, 4.5, 4.5}, WordSimilarityEvaluation.ranks(new double[] {2, 2, 5, 7, 7}),
                TOLERANCE);
        // scipy.stats.spearmanr([1, 2, 2, 3], [10, 20, 30, 40]).correlation = 0.9486832980505138
        assertEquals(0.9486832980505138, WordSimilarityEvaluation.spearman(new double[] {1, 2, 2, 3},
                new double[] {10, 20, 30, 40}), TOLERANCE);
        // scipy.stats.pearsonr([1, 2, 4], [1, 3, 2])[0] = 0.32732683535398854
        assertEquals(0.32732683535398854, WordSimilarityEvaluation.pearson(new double[] {1, 2, 4},
                new double[] {1, 3, 2}), TOLERANCE);
        assertEquals(Double.NaN, WordSimilarityEvaluation.spearman(new double[] {1}, new double[] {2}));
    }
}
