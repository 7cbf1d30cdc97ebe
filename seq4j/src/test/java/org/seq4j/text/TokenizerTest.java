package org.seq4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {

    @Test
    void wordTokenizerSplitsWordsAndPunctuationAndLowerCases() {
        Tokenizer t = new WordTokenizer();
        // Python: re.findall(r"\w+|[^\w\s]", text.lower())
        assertEquals(List.of("don", "'", "t", "stop", ",", "it", "'", "s", "3", ".", "14", "!"),
                t.tokenize("Don't stop, it's 3.14!"));
        assertEquals(List.of("je", "suis", "déjà", "là", ".", "über", "straße", "—", "ok", "?"),
                t.tokenize("  Je suis DÉJÀ là.\nÜber Straße — ok?\t"));
        // CJK has no spaces: a run of ideographs and kana is one \w+ token, as in Python
        assertEquals(List.of("東京に行く", "。"), t.tokenize("東京に行く。"));
        assertEquals(List.of("snake_case", "x2", "😀", "😀"), t.tokenize("snake_case x2 😀😀"));
        assertEquals(List.of(), t.tokenize(" \n\t "));
        assertEquals(List.of("Hello", ",", "World"), new WordTokenizer(false).tokenize("Hello, World"));
        // Python's \w, not java.util.regex's Unicode class: a combining mark is not a word character,
        // superscripts and vulgar fractions are; Python's white space includes U+001C and the no-break space
        assertEquals(List.of("cafe", "\u0301", "x²", "½"), t.tokenize("cafe\u0301 x² ½"));
        assertEquals(List.of("a", "b", "c"), t.tokenize("a\u00a0b\u001cc"));
        assertTrue(WordTokenizer.isWordCharacter('_') && WordTokenizer.isWordCharacter('²'));
        assertFalse(WordTokenizer.isWordCharacter(0x0301) || WordTokenizer.isWordCharacter('-'));
        assertTrue(WordTokenizer.isWhiteSpace(0x85) && WordTokenizer.isWhiteSpace(0x2007));
        assertFalse(WordTokenizer.isWhiteSpace(0x200b) || WordTokenizer.isWhiteSpace(0xfeff));
    }

    @Test
    void whitespaceTokenizerSplitsOnAsciiWhitespaceOnlyAsWord2Vec() {
        Tokenizer t = new WhitespaceTokenizer();
        assertEquals(List.of("héllo", "wörld", "second", "Line,", "été", "last"),
                t.tokenize("  héllo\twörld \r\nsecond  Line,\n\n\u00e9t\u00e9\flast"));
        // a no-break space and other Unicode spaces are part of a token, as in word2vec.c
        assertEquals(List.of("a\u00a0b", "c\u2003d"), t.tokenize("a\u00a0b\u000bc\u2003d "));
        assertEquals(List.of(), t.tokenize(""));
        for (int c = 0; c < 0x3000; c++) {
            boolean ascii = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
            assertEquals(ascii, WhitespaceTokenizer.isSeparator(c), "U+" + Integer.toHexString(c));
        }
        // a UTF-8 byte of a multi-byte character, sign-extended, is never a separator
        for (byte b = Byte.MIN_VALUE; b < 0; b++) {
            assertFalse(WhitespaceTokenizer.isSeparator(b));
        }
        assertTrue(WhitespaceTokenizer.isSeparator((byte) ' '));
    }
}
