package org.seq4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordVocabularyTest {

    @TempDir
    Path dir;

    private static final List<String> CORPUS = new WordTokenizer().tokenize(
            "The cat sat on the mat. The dog sat on the log! A cat, a dog.");

    @Test
    void specialTokensComeFirstThenWordsByCountThenFirstAppearance() {
        WordVocabulary v = WordVocabulary.builder().specials(SpecialToken.values()).addAll(CORPUS).build();
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>"), v.tokens().subList(0, 4));
        assertEquals(0, v.id(SpecialToken.PAD));
        assertEquals(1, v.id(SpecialToken.BOS));
        assertEquals(2, v.id(SpecialToken.EOS));
        assertEquals(3, v.id(SpecialToken.UNK));
        // the ×4; cat, sat, on, dog, ., a ×2 in order of first appearance; then mat, !, log, "," ×1
        assertEquals(List.of("the", "cat", "sat", "on", ".", "dog", "a", "mat", "log", "!", ","),
                v.tokens().subList(4, v.size()));
        assertEquals(4, v.count(v.id("the")));
        assertEquals(0, v.count(v.id(SpecialToken.PAD)));
        assertEquals("WordVocabulary[4 special tokens, 11 words]", v.toString());
    }

    @Test
    void unknownWordsMapToUnkWhenThereIsOne() {
        WordVocabulary withUnk = WordVocabulary.builder().specials(SpecialToken.PAD, SpecialToken.UNK).addAll(CORPUS).build();
        assertEquals(1, withUnk.id("zebra"));
        assertEquals(-1, withUnk.indexOf("zebra"));
        assertFalse(withUnk.contains("zebra"));
        assertArrayEquals(new int[] {withUnk.id("the"), 1, withUnk.id(".")}, withUnk.encode(List.of("the", "zebra", ".")));
        assertEquals(List.of("<pad>", "the", "<unk>"), withUnk.decode(new int[] {0, 2, 1}));
        assertFalse(withUnk.has(SpecialToken.BOS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withUnk.id(SpecialToken.BOS));
        assertTrue(e.getMessage().contains("no <bos>"), e.getMessage());

        WordVocabulary withoutUnk = WordVocabulary.builder().addAll(CORPUS).build();
        assertEquals(0, withoutUnk.id("the"));
        e = assertThrows(IllegalArgumentException.class, () -> withoutUnk.encode(List.of("the", "zebra")));
        assertTrue(e.getMessage().contains("'zebra'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> withoutUnk.token(withoutUnk.size()));
    }

    @Test
    void minCountAndMaxSizeKeepTheMostFrequentWords() {
        WordVocabulary.Builder b = WordVocabulary.builder().addAll(CORPUS);
        assertEquals(List.of("the", "cat", "sat", "on", ".", "dog", "a"), b.minCount(2).build().tokens());
        assertEquals(List.of("<unk>", "the", "cat"), b.specials(SpecialToken.UNK).maxSize(3).build().tokens());
        assertThrows(IllegalArgumentException.class, () -> b.maxSize(1).build());
        assertThrows(IllegalArgumentException.class, () -> b.maxSize(0).minCount(0).build());
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.builder().minCount(5).addAll(CORPUS).build());
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.builder().add(""));
    }

    /** A literal "<unk>" in a preprocessed corpus (Penn Treebank style) counts as the special token. */
    @Test
    void aSpecialTokensTextInTheCorpusIsThatToken() {
        List<String> ptb = new WhitespaceTokenizer().tokenize("the <unk> sat on the <unk>");
        WordVocabulary v = WordVocabulary.builder().specials(SpecialToken.UNK).addAll(ptb).build();
        assertEquals(List.of("<unk>", "the", "sat", "on"), v.tokens());
        assertEquals(2, v.count(0));
        WordVocabulary plain = WordVocabulary.builder().addAll(ptb).build();
        assertEquals(List.of("the", "<unk>", "sat", "on"), plain.tokens());
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.of(List.of("a", "<pad>"), SpecialToken.PAD));
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.of(List.of("a", "b", "a")));
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.of(List.of()));
    }

    @Test
    void savesAndLoadsItsJson() throws IOException {
        WordVocabulary v = WordVocabulary.builder().specials(SpecialToken.PAD, SpecialToken.EOS)
                .addAll(List.of("naïve", "\"quoted\"", "東京", "😀", "naïve")).build();
        Path file = dir.resolve("words.json");
        v.save(file);
        assertEquals("{\"format\":\"seq4j.vocabulary\",\"version\":1,\"kind\":\"words\",\"specials\":[\"<pad>\",\"<eos>\"],"
                + "\"tokens\":[\"naïve\",\"\\\"quoted\\\"\",\"東京\",\"😀\"],\"counts\":[0,0,2,1,1,1]}",
                Files.readString(file, StandardCharsets.UTF_8));
        WordVocabulary back = WordVocabulary.load(file);
        assertEquals(v, back);
        assertEquals(2, back.count(2));
        assertEquals(v, WordVocabulary.fromJson(v.toJson()));
        assertEquals(WordVocabulary.of(List.of("x")), WordVocabulary.of(List.of("x")));
    }

    /** Everything but the exact format is refused, with a message saying what is wrong. */
    @Test
    void corruptFilesAreRefused() throws IOException {
        String ok = "{\"format\":\"seq4j.vocabulary\",\"version\":1,\"kind\":\"words\",\"specials\":[\"<pad>\"],"
                + "\"tokens\":[\"a\",\"b\"],\"counts\":[0,3,1]}";
        assertEquals(List.of("<pad>", "a", "b"), WordVocabulary.fromJson(ok).tokens());
        String[][] cases = {
            {ok.substring(0, 40), "end of the input"},
            {ok.replace("\"counts\":[0,3,1]", "\"counts\":[0,03,1]"), "leading zero"},
            {ok.replace("seq4j.vocabulary", "other"), "not a seq4j vocabulary"},
            {ok.replace("\"version\":1", "\"version\":2"), "version 2"},
            {ok.replace("\"kind\":\"words\"", "\"kind\":\"characters\""), "not of words"},
            {ok.replace("[\"<pad>\"]", "[\"<mask>\"]"), "unknown special token '<mask>'"},
            {ok.replace("[\"<pad>\"]", "[\"<unk>\",\"<pad>\"]"), "in the order"},
            {ok.replace("[\"a\",\"b\"]", "[\"a\",\"a\"]"), "appears twice"},
            {ok.replace("[\"a\",\"b\"]", "[\"a\",\"<pad>\"]"), "special token <pad>"},
            {ok.replace("[\"a\",\"b\"]", "[\"a\",\"\"]"), "non-empty"},
            {ok.replace("[0,3,1]", "[0,3]"), "one entry per id"},
            {ok.replace("[0,3,1]", "[0,3,-1]"), "must be >= 0"},
            {ok.replace("[0,3,1]", "[0,3,1.5]"), "only integers"},
            {ok.replace(",\"counts\":[0,3,1]", ""), "no 'counts'"},
            {ok.replace("\"tokens\"", "\"words\""), "unknown field 'words'"},
            {ok.replace("\"tokens\":[\"a\",\"b\"]", "\"tokens\":[\"a\",2]"), "expected a string"},
            {ok + " x", "unexpected 'x'"},
            {"[]", "expected an object"},
        };
        for (String[] c : cases) {
            VocabularyFormatException e = assertThrows(VocabularyFormatException.class,
                    () -> WordVocabulary.fromJson(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        Path file = dir.resolve("bad.json");
        Files.write(file, new byte[] {'{', (byte) 0xC3, '}'});
        VocabularyFormatException e = assertThrows(VocabularyFormatException.class, () -> WordVocabulary.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }
}
