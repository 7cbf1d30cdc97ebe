package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VocabularyTest {

    @Test
    void numbersDistinctCodePointsInAscendingOrder() {
        Vocabulary v = Vocabulary.of("hello world");
        assertEquals(8, v.size());
        assertArrayEquals(" dehlorw".codePoints().toArray(), v.codePoints());
        assertEquals(0, v.id(' '));
        assertEquals('w', v.codePoint(7));
        assertEquals(-1, v.id('z'));
    }

    @Test
    void accentsCjkAndEmojiRoundTripAsSingleSymbols() {
        String text = "café naïve 東京 😀👍🏽 x";
        Vocabulary v = Vocabulary.of(text);
        int[] ids = v.encode(text);
        assertEquals(text.codePointCount(0, text.length()), ids.length);
        assertEquals(text, v.decode(ids));
        // the emoji outside the BMP is one symbol, not two surrogate halves
        assertTrue(v.contains(0x1F600));
        assertEquals(-1, v.id(Character.highSurrogate(0x1F600)));
        assertEquals(0x1F600, v.codePoint(v.encode("😀")[0]));
    }

    @Test
    void sameSetOfCharactersGivesSameNumbering() {
        Vocabulary a = Vocabulary.of("banana split");
        Vocabulary b = Vocabulary.of("tips lab an a");
        assertEquals(a, b);
        assertArrayEquals(a.encode("plan"), b.encode("plan"));
        assertEquals(a, Vocabulary.ofCodePoints(a.codePoints()));
    }

    @Test
    void rejectsUnknownCharactersAndBadInput() {
        Vocabulary v = Vocabulary.of("abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("abé"));
        assertTrue(e.getMessage().contains("U+00E9"), e.getMessage());
        assertTrue(e.getMessage().contains("at code point 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> v.decode(new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(""));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.ofCodePoints(new int[] {98, 97}));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.ofCodePoints(new int[] {-1}));
    }
}
