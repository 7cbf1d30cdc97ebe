package org.seq4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharacterVocabularyTest {

    @TempDir
    Path dir;

    @Test
    void numbersDistinctCodePointsInAscendingOrder() {
        CharacterVocabulary v = CharacterVocabulary.of("hello world");
        assertEquals(8, v.size());
        assertArrayEquals(" dehlorw".codePoints().toArray(), v.codePoints());
        assertEquals(0, v.indexOf(' '));
        assertEquals('w', v.codePoint(7));
        assertEquals(-1, v.indexOf('z'));
        assertEquals(List.of(), v.specials());
        assertEquals(3, v.count(v.id('l')));
        assertEquals(1, v.count(v.id('w')));
    }

    @Test
    void accentsCjkAndEmojiRoundTripAsSingleSymbols() {
        String text = "café naïve 東京 😀👍🏽 x";
        CharacterVocabulary v = CharacterVocabulary.of(text);
        int[] ids = v.encode(text);
        assertEquals(text.codePointCount(0, text.length()), ids.length);
        assertEquals(text, v.decode(ids));
        // the emoji outside the BMP is one symbol, not two surrogate halves
        assertTrue(v.contains(0x1F600));
        assertEquals(-1, v.indexOf(Character.highSurrogate(0x1F600)));
        assertEquals(0x1F600, v.codePoint(v.encode("😀")[0]));
        assertEquals("😀", v.token(v.id(0x1F600)));
    }

    @Test
    void sameSetOfCharactersGivesSameNumbering() {
        CharacterVocabulary a = CharacterVocabulary.of("banana split");
        CharacterVocabulary b = CharacterVocabulary.of("tips lab an a");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertArrayEquals(a.encode("plan"), b.encode("plan"));
        assertEquals(a, CharacterVocabulary.ofCodePoints(a.codePoints()));
    }

    @Test
    void rejectsUnknownCharactersAndBadInput() {
        CharacterVocabulary v = CharacterVocabulary.of("abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("abé"));
        assertTrue(e.getMessage().contains("U+00E9"), e.getMessage());
        assertTrue(e.getMessage().contains("(character 3 of the text)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> v.id('é'));
        assertThrows(IllegalArgumentException.class, () -> v.decode(new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> CharacterVocabulary.of(""));
        assertThrows(IllegalArgumentException.class, () -> CharacterVocabulary.ofCodePoints(new int[] {97, 98, 97}));
        assertThrows(IllegalArgumentException.class, () -> CharacterVocabulary.ofCodePoints(new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> CharacterVocabulary.ofCodePoints(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> v.id(SpecialToken.PAD));
    }

    /** Any order of distinct code points is a numbering; checkpoints store code points in id order. */
    @Test
    void codePointsInIdOrderRoundTrip() {
        CharacterVocabulary v = CharacterVocabulary.ofCodePoints(new int[] {'z', 'a', 0x1F600});
        assertEquals(0, v.id('z'));
        assertEquals(2, v.id(0x1F600));
        assertArrayEquals(new int[] {'z', 'a', 0x1F600}, v.codePoints());
        assertArrayEquals(new int[] {1, 0, 2}, v.encode("az😀"));
        assertNotEquals(v, CharacterVocabulary.ofCodePoints(new int[] {'a', 'z', 0x1F600}));
    }

    @Test
    void builderOrdersByCountThenFirstAppearanceAfterTheSpecialTokens() {
        CharacterVocabulary v = CharacterVocabulary.builder().specials(SpecialToken.UNK, SpecialToken.PAD)
                .add("abracadabra").add("!?").build();
        // a ×5, then b and r ×2 (b first), then c and d ×1 (c first), then ! and ?
        assertEquals(List.of(SpecialToken.PAD, SpecialToken.UNK), v.specials());
        assertEquals(0, v.id(SpecialToken.PAD));
        assertEquals(1, v.id(SpecialToken.UNK));
        assertArrayEquals("abrcd!?".codePoints().toArray(), v.codePoints());
        assertEquals(5, v.count(2));
        assertEquals(0, v.count(0));
        // unknown characters become <unk>; special tokens decode to their text
        assertArrayEquals(new int[] {2, 1, 3}, v.encode("axb"));
        assertEquals("<pad>a<unk>", v.decode(new int[] {0, 2, 1}));
        assertThrows(IllegalArgumentException.class, () -> v.codePoint(1));
        assertEquals(-1, v.indexOf('x'));
        assertEquals("CharacterVocabulary[2 special tokens, 7 characters]", v.toString());
    }

    @Test
    void builderAppliesMinCountAndMaxSize() {
        CharacterVocabulary.Builder b = CharacterVocabulary.builder().add("abracadabra");
        assertArrayEquals("abr".codePoints().toArray(), b.minCount(2).build().codePoints());
        assertArrayEquals("ab".codePoints().toArray(), b.minCount(1).maxSize(2).build().codePoints());
        CharacterVocabulary withSpecials = b.specials(SpecialToken.BOS, SpecialToken.EOS).maxSize(4).build();
        assertEquals(4, withSpecials.size());
        assertArrayEquals("ab".codePoints().toArray(), withSpecials.codePoints());
        assertThrows(IllegalArgumentException.class, () -> b.maxSize(2).build());
        assertThrows(IllegalArgumentException.class, () -> b.maxSize(-1).build());
        assertThrows(IllegalArgumentException.class, () -> b.maxSize(0).minCount(0).build());
        assertThrows(IllegalArgumentException.class, () -> CharacterVocabulary.builder().build());
    }

    @Test
    void savesAndLoadsItsJson() throws IOException {
        CharacterVocabulary v = CharacterVocabulary.builder().specials(SpecialToken.values()).add("naïve 😀 text").build();
        Path file = dir.resolve("chars.json");
        v.save(file);
        CharacterVocabulary back = CharacterVocabulary.load(file);
        assertEquals(v, back);
        for (int id = 0; id < v.size(); id++) {
            assertEquals(v.count(id), back.count(id));
        }
        assertEquals(v, CharacterVocabulary.fromJson(v.toJson()));
        assertTrue(Files.readString(file).startsWith("{\"format\":\"seq4j.vocabulary\",\"version\":1,"
                + "\"kind\":\"characters\",\"specials\":[\"<pad>\",\"<bos>\",\"<eos>\",\"<unk>\"],\"code_points\":[101,"));
        // a word vocabulary is not a character vocabulary
        VocabularyFormatException e = assertThrows(VocabularyFormatException.class,
                () -> CharacterVocabulary.fromJson(WordVocabulary.of(List.of("a")).toJson()));
        assertTrue(e.getMessage().contains("is a vocabulary of words, not of characters"), e.getMessage());
        String ok = v.toJson();
        for (String bad : new String[] {
            ok.replace("\"code_points\":[101,", "\"code_points\":[101,101,"),     // repeated, and counts short
            ok.replace("\"code_points\":[101,", "\"code_points\":[-5,"),          // not a code point
            ok.replace("\"code_points\":[101,", "\"code_points\":[4294967397,"),  // beyond an int
        }) {
            assertThrows(VocabularyFormatException.class, () -> CharacterVocabulary.fromJson(bad), bad);
        }
    }
}
