package org.seq4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class CaseLabelsTest {

    @Test
    void labelsMarkTheUpperCaseCharacters() {
        assertArrayEquals(new int[] {1, 0, 0, 0, 1, 1, 1, 0}, CaseLabels.labels("Mr. IBM!"));
        assertEquals("mr. ibm!", CaseLabels.lowerCase("Mr. IBM!"));
    }

    @Test
    void lowerCaseAndLabelsGiveBackTheText() {
        String text = "Émile said : `` Ça va , Mr O'Brien ? '' — ΑΘΗΝΑ and Straße 12";
        String lower = CaseLabels.lowerCase(text);
        int[] labels = CaseLabels.labels(text);
        assertEquals(text.codePointCount(0, text.length()), labels.length);
        assertEquals(lower.codePointCount(0, lower.length()), labels.length);
        assertEquals(text, CaseLabels.apply(lower, labels));
    }

    @Test
    void charactersOutsideTheBasicPlaneAreOneLabelEach() {
        String text = "A😀b𐐀";               // 𐐀 (U+10400, Deseret capital) lower-cases to U+10428
        int[] labels = CaseLabels.labels(text);
        assertArrayEquals(new int[] {1, 0, 0, 1}, labels);
        String lower = CaseLabels.lowerCase(text);
        assertEquals("a😀b\uD801\uDC28", lower);
        assertEquals(text, CaseLabels.apply(lower, labels));
    }

    @Test
    void theDefaultLocaleDoesNotMatter() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr"));
            assertEquals("istanbul", CaseLabels.lowerCase("ISTANBUL"));     // no dotless ı
            assertEquals("ISTANBUL", CaseLabels.apply("istanbul", new int[] {1, 1, 1, 1, 1, 1, 1, 1}));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void upperLabelsOnUncasedCharactersChangeNothing() {
        assertEquals("A1,", CaseLabels.apply("a1,", new int[] {1, 1, 1}));
    }

    @Test
    void casedCharactersHaveTwoCases() {
        assertTrue(CaseLabels.isCased('a'));
        assertTrue(CaseLabels.isCased('É'));
        assertFalse(CaseLabels.isCased('7'));
        assertFalse(CaseLabels.isCased(','));
        assertFalse(CaseLabels.isCased('ß'));       // no one-code-point upper case
        assertFalse(CaseLabels.isCased('中'));
    }

    @Test
    void badLabelsAreRefusedWithTheNumbers() {
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> CaseLabels.apply("abc", new int[] {0, 1}));
        assertEquals("labels must have one entry per code point (3) but had 2 entries", count.getMessage());
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class,
                () -> CaseLabels.apply("ab", new int[] {0, 2}));
        assertEquals("labels[1] must be KEEP (0) or UPPER (1) but was 2", value.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CaseLabels.labels(null));
    }
}
