package org.seq4j.embed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.seq4j.text.WhitespaceTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The words of a corpus kept for training, with their counts, sorted by descending count (ties in order
 * of first appearance), so that word {@code 0} is the most frequent, as in {@code word2vec.c} and gensim.
 *
 * <p>Built by one streaming pass over the corpus ({@link #count(List, int, int)}): tokens are split on
 * ASCII whitespace ({@link org.seq4j.text.WhitespaceTokenizer}; see {@link Word2VecTrainer} for the corpus
 * format), words seen fewer than {@code minCount} times are dropped, and then all but the {@code maxSize}
 * most frequent words. As in {@code word2vec.c}, if the counting table grows past {@value #PRUNE_ABOVE}
 * distinct words, the words with the current lowest counts are pruned during counting (the threshold
 * rises by one each time), so that counting a corpus larger than memory stays within bounded memory.
 *
 * <p>The corpus must be UTF-8 text: counting stops with a {@link CorpusFormatException} naming the file and
 * byte offset at the first byte that is not valid UTF-8 or is a control character inside a word (other
 * than the white space that separates words), so that a binary or latin-1 file is refused before
 * training instead of being learnt as words.
 *
 * <p>Immutable after construction; safe to share between threads.
 */
public final class Word2VecVocabulary {

    private static final Logger LOG = LoggerFactory.getLogger(Word2VecVocabulary.class);

    /** Distinct words held while counting before rare words are pruned ({@code word2vec.c}: 0.7 · 30M). */
    static final int PRUNE_ABOVE = 21_000_000;

    private final WordTable table;      // ids = vocabulary indices, counts = corpus counts
    private final long totalCount;      // sum of counts of the kept words
    private final long corpusTokens;    // all tokens of the corpus, kept or not
    private final long corpusLines;     // non-empty lines of the corpus

    private Word2VecVocabulary(WordTable table, long corpusTokens, long corpusLines) {
        this.table = table;
        long sum = 0;
        for (int i = 0; i < table.size(); i++) {
            sum += table.count(i);
        }
        this.totalCount = sum;
        this.corpusTokens = corpusTokens;
        this.corpusLines = corpusLines;
    }

    /**
     * Counts the words of the given UTF-8 text files in one streaming pass and keeps the frequent ones.
     *
     * @param files    corpus files, read in order as one stream; not modified
     * @param minCount words seen fewer times are dropped ({@code >= 1})
     * @param maxSize  keep at most this many most frequent words; {@code 0} for no limit
     * @return the vocabulary, sorted by descending count
     * @throws CorpusFormatException    if a file is not UTF-8 text (names the file and the byte offset)
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException if {@code files} is empty, {@code minCount < 1} or {@code maxSize < 0}
     */
    public static Word2VecVocabulary count(List<Path> files, int minCount, int maxSize) throws IOException {
        Objects.requireNonNull(files, "files");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("files must not be empty");
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1 but was " + minCount);
        }
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must be >= 0 but was " + maxSize);
        }
        List<Path> copy = List.copyOf(files);
        long[] offsets = TokenReader.fileOffsets(copy);
        WordTable counts = new WordTable(1 << 16);
        long tokens = 0;
        long lines = 0;
        int minReduce = 1;
        boolean lineHasTokens = false;
        try (TokenReader reader = new TokenReader(copy, offsets, 0, offsets[copy.size()])) {
            byte[] buf = reader.buffer();
            int n;
            while ((n = reader.next()) != TokenReader.END_OF_INPUT) {
                if (n == TokenReader.END_OF_LINE) {
                    if (lineHasTokens) {
                        lines++;
                    }
                    lineHasTokens = false;
                    continue;
                }
                lineHasTokens = true;
                tokens++;
                checkText(reader, buf, reader.tokenStart(), n);
                counts.addCount(counts.findOrAdd(buf, reader.tokenStart(), n), 1);
                if (counts.size() > PRUNE_ABOVE) {
                    counts = prune(counts, minReduce++);
                }
            }
        }
        if (lineHasTokens) {
            lines++;
        }
        Word2VecVocabulary vocabulary = new Word2VecVocabulary(select(counts, minCount, maxSize), tokens, lines);
        LOG.info("vocabulary: {} words kept of {} distinct (min count {}{}); {} tokens, {} lines",
                vocabulary.size(), counts.size(), minCount, maxSize > 0 ? ", max size " + maxSize : "",
                tokens, lines);
        return vocabulary;
    }

    /** Refuses a token that is not UTF-8 text: the corpus is binary or in another encoding. */
    private static void checkText(TokenReader reader, byte[] buf, int start, int length) throws CorpusFormatException {
        int bad = TokenReader.firstInvalidByte(buf, start, length, length == TokenReader.BUFFER_BYTES);
        if (bad < 0) {
            return;
        }
        int c = buf[bad] & 0xFF;
        long offset = reader.fileOffset(bad);
        Path file = reader.tokenFile();
        throw new CorpusFormatException(file, offset, c < 0x80
                ? String.format(Locale.ROOT, "%s: byte %d is the control character 0x%02X: a binary file, not text",
                        file, offset, c)
                : String.format(Locale.ROOT, "%s: the bytes at offset %d (starting 0x%02X) are not valid UTF-8: "
                        + "the corpus must be UTF-8 text", file, offset, c));
    }

    /**
     * Creates a vocabulary from words and counts given directly (for tests and small experiments).
     *
     * @param words  distinct words, non-empty and without whitespace; not modified
     * @param counts count of each word ({@code >= 1}), same length as {@code words}; not modified
     * @return the vocabulary sorted by descending count, ties kept in the given order
     * @throws IllegalArgumentException if the lengths differ, a word is repeated, empty or contains
     *                                  whitespace, or a count is below 1
     */
    public static Word2VecVocabulary of(List<String> words, long[] counts) {
        Objects.requireNonNull(words, "words");
        Objects.requireNonNull(counts, "counts");
        if (words.size() != counts.length) {
            throw new IllegalArgumentException("counts must have length " + words.size()
                    + " (one per word) but had " + counts.length);
        }
        WordTable table = new WordTable(words.size());
        long total = 0;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            checkWord(w);
            if (counts[i] < 1) {
                throw new IllegalArgumentException("count of '" + w + "' must be >= 1 but was " + counts[i]);
            }
            byte[] b = w.getBytes(StandardCharsets.UTF_8);
            int before = table.size();
            int id = table.findOrAdd(b, 0, b.length);
            if (table.size() == before) {
                throw new IllegalArgumentException("word '" + w + "' appears twice (at " + id + " and " + i + ")");
            }
            table.addCount(id, counts[i]);
            total += counts[i];
        }
        return new Word2VecVocabulary(select(table, 1, 0), total, 0);
    }

    static void checkWord(String w) {
        if (w == null || w.isEmpty()) {
            throw new IllegalArgumentException("words must be non-empty");
        }
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (WhitespaceTokenizer.isSeparator(c)) {
                throw new IllegalArgumentException("word '" + w + "' contains whitespace at index " + i);
            }
        }
    }

    // word2vec.c's ReduceVocab: drops words with count <= minReduce.
    private static WordTable prune(WordTable counts, int minReduce) {
        WordTable kept = new WordTable(counts.size());
        for (int id = 0; id < counts.size(); id++) {
            if (counts.count(id) > minReduce) {
                byte[] b = counts.wordBytes(id);
                kept.addCount(kept.findOrAdd(b, 0, b.length), counts.count(id));
            }
        }
        LOG.info("vocabulary pruned during counting: words seen <= {} times dropped, {} of {} kept",
                minReduce, kept.size(), counts.size());
        return kept;
    }

    // Keeps words with count >= minCount, sorted by descending count (stable), at most maxSize of them.
    private static WordTable select(WordTable counts, int minCount, int maxSize) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < counts.size(); id++) {
            if (counts.count(id) >= minCount) {
                ids.add(id);
            }
        }
        Integer[] order = ids.toArray(new Integer[0]);
        Arrays.sort(order, (a, b) -> Long.compare(counts.count(b), counts.count(a)));
        int n = maxSize > 0 ? Math.min(maxSize, order.length) : order.length;
        WordTable sorted = new WordTable(Math.max(16, n));
        for (int i = 0; i < n; i++) {
            byte[] b = counts.wordBytes(order[i]);
            sorted.addCount(sorted.findOrAdd(b, 0, b.length), counts.count(order[i]));
        }
        return sorted;
    }

    /**
     * Returns the number of words.
     *
     * @return {@code V}
     */
    public int size() {
        return table.size();
    }

    /**
     * Returns a word by index.
     *
     * @param index {@code 0 <= index < size()}; 0 is the most frequent word
     * @return the word
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public String word(int index) {
        Objects.checkIndex(index, size());
        return table.word(index);
    }

    /**
     * Returns the corpus count of a word.
     *
     * @param index {@code 0 <= index < size()}
     * @return how often the word occurs in the corpus
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public long count(int index) {
        Objects.checkIndex(index, size());
        return table.count(index);
    }

    /**
     * Returns the index of a word.
     *
     * @param word the word
     * @return its index, or {@code -1} if it is not in the vocabulary
     */
    public int indexOf(String word) {
        byte[] b = word.getBytes(StandardCharsets.UTF_8);
        return table.find(b, 0, b.length);
    }

    /** The index of the UTF-8 word {@code buf[off, off+len)}, or -1; allocates nothing. */
    int indexOf(byte[] buf, int off, int len) {
        return table.find(buf, off, len);
    }

    /**
     * Returns the sum of the counts of the kept words: the number of corpus tokens that are trained on
     * (before subsampling) in one epoch.
     *
     * @return the total count of the vocabulary words
     */
    public long totalCount() {
        return totalCount;
    }

    /**
     * Returns the number of tokens of the counted corpus, including the words that were dropped.
     *
     * @return corpus tokens, or the total count for a vocabulary made with {@link #of(List, long[])}
     */
    public long corpusTokens() {
        return corpusTokens;
    }

    /**
     * Returns the number of non-empty lines (sentences) of the counted corpus.
     *
     * @return corpus lines, or 0 for a vocabulary made with {@link #of(List, long[])}
     */
    public long corpusLines() {
        return corpusLines;
    }

    /**
     * Returns all words in index order.
     *
     * @return a new list of the {@code V} words
     */
    public List<String> words() {
        List<String> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(table.word(i));
        }
        return out;
    }
}
