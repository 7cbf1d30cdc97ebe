package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

class ParallelCorpusTest {

    @TempDir
    Path dir;

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void readsPlainAndGzipFilesAndSplitsEveryTwentiethPairIntoTheTestSet() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 45; i++) {
            text.append("source ").append(i).append('\t').append("target ").append(i).append("\tnote\n");
            if (i == 7) {
                text.append("a line without a tab\n");
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        Path plain = Files.write(dir.resolve("pairs.tsv"), bytes);
        Path zipped = Files.write(dir.resolve("pairs.tsv.gz"), gzip(bytes));
        for (Path file : List.of(plain, zipped)) {
            ParallelCorpus corpus = ParallelCorpus.read(file);
            assertEquals(45, corpus.size());
            assertEquals(1, corpus.skippedLines());
            assertEquals(9, corpus.firstSkippedLine());
            assertEquals("target 44", corpus.targets().get(44));
            ParallelCorpus test = corpus.testSplit(20);
            ParallelCorpus train = corpus.trainSplit(20);
            assertEquals(List.of("source 0", "source 20", "source 40"), test.sources());
            assertEquals(42, train.size());
            assertEquals("source 1", train.sources().get(0));
            assertEquals("target 21", train.targets().get(19));
        }
        assertThrows(IllegalArgumentException.class, () -> ParallelCorpus.read(plain).testSplit(1));
    }

    @Test
    void refusesBadBytesWithTheLineNumber() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.tsv"), new byte[] {'a', '\t', 'b', '\n', 'c', '\r', '\n', 'd', '\t',
                                                                          (byte) 0xE9, '\n'});
        ParallelCorpusFormatException e = assertThrows(ParallelCorpusFormatException.class,
                () -> ParallelCorpus.read(latin1));
        assertEquals(3, e.lineNumber());
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("UTF-8"), e.getMessage());

        Path notGzip = Files.write(dir.resolve("plain.tsv.gz"), "a\tb\n".getBytes(StandardCharsets.UTF_8));
        e = assertThrows(ParallelCorpusFormatException.class, () -> ParallelCorpus.read(notGzip));
        assertTrue(e.getMessage().contains("not gzip"), e.getMessage());

        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            many.append("source sentence ").append(i).append("\ttarget sentence ").append(i * 7919).append('\n');
        }
        byte[] zipped = gzip(many.toString().getBytes(StandardCharsets.UTF_8));
        Path cut = Files.write(dir.resolve("cut.tsv.gz"), Arrays.copyOf(zipped, zipped.length / 2));
        e = assertThrows(ParallelCorpusFormatException.class, () -> ParallelCorpus.read(cut));
        assertTrue(e.getMessage().contains("corrupt or cut short"), e.getMessage());
        assertTrue(e.lineNumber() > 0);

        Path empty = Files.write(dir.resolve("empty.tsv"), new byte[0]);
        e = assertThrows(ParallelCorpusFormatException.class, () -> ParallelCorpus.read(empty));
        assertTrue(e.getMessage().contains("no source<TAB>target line"), e.getMessage());
        Path noTabs = Files.writeString(dir.resolve("notabs.tsv"), "one\ntwo\n");
        assertThrows(ParallelCorpusFormatException.class, () -> ParallelCorpus.read(noTabs));
    }

    @Test
    void cutsSentencesAndNumbersWordsByCodePointAboveTheMinimumCount() {
        ParallelCorpus corpus = ParallelCorpus.of(List.of("b a b c", "A b, d!", ""), List.of("x y", "y", "z"));
        TranslationPairs pairs = TranslationPairs.tokenize(corpus, new WordTokenizer(), 3);
        assertEquals(List.of(List.of("b", "a", "b"), List.of("a", "b", ","), List.of()), pairs.sources());
        WordVocabulary source = pairs.sourceVocabulary(2);
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "a", "b"), source.tokens());
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "x", "y", "z"), pairs.targetVocabulary(1).tokens());
        assertEquals(2, pairs.withBothSides().size());
        assertArrayEquals(new int[] {4, 5, 3}, pairs.encodeSources(source)[1]);
        assertEquals(0, pairs.encodeSources(source)[2].length);
        assertArrayEquals(new int[] {source.id(SpecialToken.UNK)}, pairs.decodingSources(source).get(2));
        // code points, not UTF-16 units: U+E000 < U+FF41 < U+1D400 (a surrogate pair starting 0xD835)
        List<String> words = new ArrayList<>(List.of("\uD835\uDC00", "\uFF41", "\uE000"));
        words.sort(TranslationPairs::compareCodePoints);
        assertEquals(List.of("\uE000", "\uFF41", "\uD835\uDC00"), words);
        assertThrows(IllegalArgumentException.class, () -> pairs.sourceVocabulary(0));
        assertThrows(IllegalArgumentException.class, () -> TranslationPairs.tokenize(corpus, new WordTokenizer(), 0));
        assertThrows(IllegalArgumentException.class, () -> ParallelCorpus.of(List.of("a"), List.of()));
    }
}
