package org.seq4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

/**
 * Reading, tokenising, splitting and numbering as the PyTorch peer does, against what the peer's own code
 * produced ({@code src/test/python/make_translation_data_fixtures.py}).
 */
class TranslationDataFixtureTest {

    private static final String DIR = "/fixtures/translation/";

    private static List<String> lines(String name) throws IOException {
        try (InputStream in = TranslationDataFixtureTest.class.getResourceAsStream(DIR + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static String joined(List<String> tokens) {
        return String.join(" ", tokens);
    }

    @Test
    void readsAndTokenisesTheHardCasesAsThePeer() throws IOException, URISyntaxException {
        Path file = Path.of(TranslationDataFixtureTest.class.getResource(DIR + "tricky.tsv").toURI());
        ParallelCorpus corpus = ParallelCorpus.read(file);
        assertEquals(2, corpus.skippedLines(), "the line without a tab and the blank line");
        assertEquals(2, corpus.firstSkippedLine());   // line 2 has no tab, line 5 is blank (line 3 ends with a lone \r)
        TranslationPairs pairs = TranslationPairs.tokenize(corpus, new WordTokenizer(), 4);
        List<String> expected = lines("tricky.expected.txt");
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            actual.add("pair\t" + i + "\t" + joined(pairs.sources().get(i)) + "\t" + joined(pairs.targets().get(i)));
        }
        actual.add("vocab_src\t" + joined(pairs.sourceVocabulary(1).tokens()));
        actual.add("vocab_tgt\t" + joined(pairs.targetVocabulary(1).tokens()));
        assertEquals(expected, actual);
    }

    @Test
    void splitsAndNumbersTheBundledPairsAsThePeer() throws IOException, NoSuchAlgorithmException {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : lines("eng-deu.expected.txt")) {
            String[] kv = line.split("\t");
            expected.put(kv[0], kv[1]);
        }
        ParallelCorpus corpus;
        try (InputStream in = getClass().getResourceAsStream("/translate/eng-deu-50k.txt.gz")) {
            corpus = ParallelCorpus.read(in, "eng-deu-50k.txt.gz", true);
        }
        WordTokenizer tokenizer = new WordTokenizer();
        TranslationPairs train = TranslationPairs.tokenize(corpus.trainSplit(ParallelCorpus.TEST_PERIOD), tokenizer,
                TranslationPairs.DEFAULT_MAX_LENGTH);
        TranslationPairs test = TranslationPairs.tokenize(corpus.testSplit(ParallelCorpus.TEST_PERIOD), tokenizer,
                TranslationPairs.DEFAULT_MAX_LENGTH);
        WordVocabulary source = train.sourceVocabulary(2);
        WordVocabulary target = train.targetVocabulary(2);
        TranslationPairs both = train.withBothSides();
        int[][] s = both.encodeSources(source);
        int[][] t = both.encodeTargets(target);
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            ids.append(join(s[i])).append('\t').append(join(t[i])).append('\n');
        }
        Map<String, String> actual = new LinkedHashMap<>();
        actual.put("pairs", String.valueOf(corpus.size()));
        actual.put("train_pairs", String.valueOf(both.size()));
        actual.put("test_pairs", String.valueOf(test.size()));
        actual.put("src_vocab", String.valueOf(source.size()));
        actual.put("tgt_vocab", String.valueOf(target.size()));
        actual.put("src_itos_sha256", sha256(String.join("\n", source.tokens())));
        actual.put("tgt_itos_sha256", sha256(String.join("\n", target.tokens())));
        actual.put("train_ids_sha256", sha256(ids.toString()));
        assertEquals(expected, actual);
    }

    private static String join(int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            b.append(i == 0 ? "" : " ").append(ids[i]);
        }
        return b.toString();
    }

    private static String sha256(String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
