package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.seq4j.text.CaseLabels;

class CasingEvaluationTest {

    /** Ratios of small counts are exact up to double rounding. */
    private static final double EXACT = 1e-12;

    @Test
    void countsCapitalsAndWords() {
        CasingEvaluation e = new CasingEvaluation();
        // reference "Mr Brown met NASA ." ; predicted "mr Brown Met NAsA ."
        String reference = "Mr Brown met NASA .";
        int[] predicted = CaseLabels.labels("mr Brown Met NAsA .");
        e.add(reference, predicted);
        // capitals: M (missed), B (hit), M of Met (false), N, A, A (hit, hit, hit), S (missed)
        assertEquals(4, e.truePositives());
        assertEquals(1, e.falsePositives());
        assertEquals(2, e.falseNegatives());
        assertEquals(14, e.casedCharacters());
        assertEquals(4, e.words());                     // "." holds no cased character
        assertEquals(1, e.correctWords());              // Brown
        assertEquals(4.0 / 5, e.precision(), EXACT);
        assertEquals(4.0 / 6, e.recall(), EXACT);
        assertEquals(2.0 * 4 / (2 * 4 + 1 + 2), e.f1(), EXACT);
        assertEquals(0.25, e.wordAccuracy(), EXACT);
        assertEquals(1, e.lines());
    }

    @Test
    void labelsOfUncasedCharactersAreNotScored() {
        CasingEvaluation e = new CasingEvaluation();
        e.add("3 cats , 12 dogs", new int[] {1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0});
        assertEquals(0, e.falsePositives());
        assertEquals(2, e.words());
        assertEquals(1.0, e.wordAccuracy(), EXACT);
        assertEquals(0.0, e.precision(), EXACT);        // nothing predicted: 0, not NaN
        assertEquals(0.0, e.recall(), EXACT);
        assertEquals(0.0, e.f1(), EXACT);
    }

    @Test
    void aPerfectPredictionScoresOne() {
        CasingEvaluation e = new CasingEvaluation();
        String reference = "« Ça va ? » dit Émile à l'ONU 😀 .";
        e.add(reference, CaseLabels.labels(reference));
        assertEquals(1.0, e.precision(), EXACT);
        assertEquals(1.0, e.recall(), EXACT);
        assertEquals(1.0, e.f1(), EXACT);
        assertEquals(1.0, e.wordAccuracy(), EXACT);
        assertEquals(6, e.words());
    }

    @Test
    void mergeAddsTheCounts() {
        CasingEvaluation a = new CasingEvaluation();
        CasingEvaluation b = new CasingEvaluation();
        CasingEvaluation both = new CasingEvaluation();
        a.add("The Cat", new int[] {1, 0, 0, 0, 0, 0, 0});
        b.add("a DOG", new int[] {1, 0, 1, 1, 1});
        both.add("The Cat", new int[] {1, 0, 0, 0, 0, 0, 0});
        both.add("a DOG", new int[] {1, 0, 1, 1, 1});
        a.merge(b);
        assertEquals(both.toString(), a.toString());
        assertEquals(both.truePositives(), a.truePositives());
        assertEquals(both.falsePositives(), a.falsePositives());
        assertEquals(both.falseNegatives(), a.falseNegatives());
        assertEquals(2, a.lines());
        assertEquals("precision=0.8000 recall=0.8000 f1=0.8000 word_accuracy=0.5000 (2 lines, 4 words)", a.toString());
    }

    @Test
    void badPredictionsAreRefused() {
        CasingEvaluation e = new CasingEvaluation();
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> e.add("abc", new int[] {0, 0}));
        assertEquals("predicted must have one label per code point of the reference (3) but had 2 entries",
                length.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.add("ab", new int[] {0, 3}));
        assertThrows(IllegalArgumentException.class, () -> e.add(null, new int[0]));
        assertEquals(0, e.lines());
    }
}
