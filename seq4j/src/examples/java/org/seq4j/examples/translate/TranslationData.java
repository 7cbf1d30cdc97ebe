package org.seq4j.examples.translate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.seq4j.examples.cli.CliException;
import org.seq4j.seq2seq.ParallelCorpus;
import org.seq4j.seq2seq.TranslationPairs;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

/**
 * The example's sentence pairs: read (the bundled Tatoeba pairs, {@code --data} split every 20th pair into
 * the test set, or {@code --train} and {@code --test} files), tokenised and cut to 50 tokens as the PyTorch
 * peer does.
 */
final class TranslationData {

    /** The bundled Tatoeba English–German pairs (gzip) on the class path. */
    static final String BUNDLED = "/translate/eng-deu-50k.txt.gz";
    static final String BUNDLED_NAME = "the bundled Tatoeba English-German pairs";

    final String description;
    final TranslationPairs train;   // every training pair, some perhaps with an empty side
    final TranslationPairs test;

    private TranslationData(String description, TranslationPairs train, TranslationPairs test) {
        this.description = description;
        this.train = train;
        this.test = test;
    }

    /**
     * Reads the pairs.
     *
     * @param data  a file to split, or null
     * @param train a training file (with {@code test}), or null
     * @param test  a test file, or null
     * @param needTrain whether the training pairs are used (eval reads only the test pairs)
     */
    static TranslationData read(Path data, Path train, Path test, boolean needTrain) throws IOException {
        WordTokenizer tokenizer = new WordTokenizer();
        List<String> notes = new ArrayList<>();
        if (test != null) {
            ParallelCorpus testCorpus = read(test, "--test", notes);
            ParallelCorpus trainCorpus = train != null && needTrain ? read(train, "--train", notes) : null;
            return new TranslationData((train != null ? "--train " + train + ", " : "") + "--test " + test
                    + described(notes), trainCorpus == null ? null : tokenize(trainCorpus, tokenizer),
                    tokenize(testCorpus, tokenizer));
        }
        ParallelCorpus corpus = data == null ? readBundled() : read(data, "--data", notes);
        String name = data == null ? BUNDLED_NAME : data.toString();
        return new TranslationData(name + " (pair i is a test pair when i % " + ParallelCorpus.TEST_PERIOD + " == 0)"
                + described(notes),
                needTrain ? tokenize(corpus.trainSplit(ParallelCorpus.TEST_PERIOD), tokenizer) : null,
                tokenize(corpus.testSplit(ParallelCorpus.TEST_PERIOD), tokenizer));
    }

    private static String described(List<String> notes) {
        return notes.isEmpty() ? "" : "; " + String.join("; ", notes);
    }

    private static TranslationPairs tokenize(ParallelCorpus corpus, WordTokenizer tokenizer) {
        return TranslationPairs.tokenize(corpus, tokenizer, TranslationPairs.DEFAULT_MAX_LENGTH);
    }

    private static ParallelCorpus read(Path file, String flag, List<String> notes) throws IOException {
        ParallelCorpus corpus = ParallelCorpus.read(file);
        if (corpus.skippedLines() > 0) {
            notes.add(String.format(Locale.ROOT, "%s: skipped %d line(s) without a tab (the first: line %d)", flag,
                    corpus.skippedLines(), corpus.firstSkippedLine()));
        }
        return corpus;
    }

    static ParallelCorpus readBundled() throws IOException {
        try (InputStream in = TranslationData.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IOException("the bundled data " + BUNDLED + " is not on the class path");
            }
            return ParallelCorpus.read(in, BUNDLED_NAME, true);
        }
    }

    /** The test pairs as a decoder takes them, with their words for {@code <unk>} replacement and plots. */
    static final class TestSet {
        final List<int[]> sources;              // (N) source ids, never empty
        final List<List<String>> sourceWords;   // (N) one word per source position
        final List<List<String>> references;    // (N) target tokens, cut to 50

        TestSet(TranslationPairs pairs, WordVocabulary sourceVocabulary) {
            if (pairs.size() == 0) {
                throw CliException.input("the test set is empty; give more pairs (every 20th pair of --data is a "
                        + "test pair) or a --test file with pairs");
            }
            this.sources = pairs.decodingSources(sourceVocabulary);
            List<List<String>> words = new ArrayList<>(pairs.size());
            for (List<String> s : pairs.sources()) {
                words.add(s.isEmpty() ? List.of("<unk>") : s);
            }
            this.sourceWords = words;
            this.references = pairs.targets();
        }

        int size() {
            return sources.size();
        }
    }
}
