package org.seq4j.seq2seq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.Tokenizer;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;

/**
 * Sentence pairs as tokens, cut to a maximum length, with the vocabularies and index arrays a translation
 * model trains and decodes on. The steps are those of the PyTorch peer ({@code torch_seq2seq.py}), so
 * that the two number the same words alike and train on the same pairs:
 * <pre>
 *   tokens      tokenizer(sentence)[:maxLength]          per side; WordTokenizer: lower-cased \w+|[^\w\s]
 *   vocabulary  &lt;pad&gt;=0 &lt;bos&gt;=1 &lt;eos&gt;=2 &lt;unk&gt;=3, then the words seen ≥ minCount times on that side of
 *               these pairs, sorted by code point (Python's sorted())
 *   training    the pairs whose two sides both have a token ({@link #withBothSides()})
 *   decoding    a source without tokens becomes the one token &lt;unk&gt; ({@link #decodingSources})
 * </pre>
 * Immutable.
 */
public final class TranslationPairs {

    /** The peer's maximum sentence length, in tokens. */
    public static final int DEFAULT_MAX_LENGTH = 50;

    private final List<List<String>> sources;
    private final List<List<String>> targets;

    private TranslationPairs(List<List<String>> sources, List<List<String>> targets) {
        this.sources = sources;
        this.targets = targets;
    }

    /**
     * Tokenises both sides of every pair and cuts each side after {@code maxLength} tokens.
     *
     * @param corpus    the pairs
     * @param tokenizer the tokenizer of both sides, usually {@link WordTokenizer}
     * @param maxLength the most tokens kept per sentence, at least 1 ({@link #DEFAULT_MAX_LENGTH} in the peer)
     * @return the tokenised pairs, in corpus order
     * @throws IllegalArgumentException if {@code maxLength < 1}
     */
    public static TranslationPairs tokenize(ParallelCorpus corpus, Tokenizer tokenizer, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1 but was " + maxLength);
        }
        List<List<String>> s = new ArrayList<>(corpus.size());
        List<List<String>> t = new ArrayList<>(corpus.size());
        for (int i = 0; i < corpus.size(); i++) {
            s.add(cut(tokenizer.tokenize(corpus.sources().get(i)), maxLength));
            t.add(cut(tokenizer.tokenize(corpus.targets().get(i)), maxLength));
        }
        return new TranslationPairs(List.copyOf(s), List.copyOf(t));
    }

    private static List<String> cut(List<String> tokens, int maxLength) {
        return List.copyOf(tokens.size() > maxLength ? tokens.subList(0, maxLength) : tokens);
    }

    /**
     * The number of pairs.
     *
     * @return N
     */
    public int size() {
        return sources.size();
    }

    /**
     * The source sides.
     *
     * @return an unmodifiable list of N token lists (a list may be empty)
     */
    public List<List<String>> sources() {
        return sources;
    }

    /**
     * The target sides, in the order of the sources.
     *
     * @return an unmodifiable list of N token lists (a list may be empty)
     */
    public List<List<String>> targets() {
        return targets;
    }

    /**
     * The pairs whose source and target both have at least one token: the pairs a model trains on.
     *
     * @return those pairs, in order
     */
    public TranslationPairs withBothSides() {
        List<List<String>> s = new ArrayList<>();
        List<List<String>> t = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (!sources.get(i).isEmpty() && !targets.get(i).isEmpty()) {
                s.add(sources.get(i));
                t.add(targets.get(i));
            }
        }
        return new TranslationPairs(List.copyOf(s), List.copyOf(t));
    }

    /**
     * The vocabulary of the source side.
     *
     * @param minCount the least number of times a word must occur, at least 1
     * @return see {@link #vocabulary}
     * @throws IllegalArgumentException if {@code minCount < 1}
     */
    public WordVocabulary sourceVocabulary(int minCount) {
        return vocabulary(sources, minCount);
    }

    /**
     * The vocabulary of the target side.
     *
     * @param minCount the least number of times a word must occur, at least 1
     * @return see {@link #vocabulary}
     * @throws IllegalArgumentException if {@code minCount < 1}
     */
    public WordVocabulary targetVocabulary(int minCount) {
        return vocabulary(targets, minCount);
    }

    /**
     * A vocabulary in the peer's order: {@code <pad>, <bos>, <eos>, <unk>} (ids 0 to 3), then every word seen
     * at least {@code minCount} times in the sentences, sorted by Unicode code point (as Python sorts
     * strings; not by count). Its counts are 0.
     *
     * @param sentences the token lists; not modified
     * @param minCount  the least number of times a word must occur, at least 1
     * @return the vocabulary
     * @throws IllegalArgumentException if {@code minCount < 1}
     */
    public static WordVocabulary vocabulary(List<? extends List<String>> sentences, int minCount) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be at least 1 but was " + minCount);
        }
        Map<String, int[]> counts = new HashMap<>();
        for (List<String> sentence : sentences) {
            for (String word : sentence) {
                counts.computeIfAbsent(word, w -> new int[1])[0]++;
            }
        }
        List<String> words = new ArrayList<>();
        counts.forEach((word, count) -> {
            if (count[0] >= minCount) {
                words.add(word);
            }
        });
        words.sort(TranslationPairs::compareCodePoints);
        return WordVocabulary.of(words, SpecialToken.PAD, SpecialToken.BOS, SpecialToken.EOS, SpecialToken.UNK);
    }

    /** Orders strings by their code points, as Python compares {@code str} (not by UTF-16 units). */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /**
     * The source sides as indices, unknown words as {@code <unk>} (an empty side stays empty).
     *
     * @param vocabulary the source vocabulary
     * @return N index arrays
     */
    public int[][] encodeSources(WordVocabulary vocabulary) {
        return encode(sources, vocabulary, false);
    }

    /**
     * The target sides as indices, unknown words as {@code <unk>}, without {@code <bos>} or {@code <eos>}
     * (an empty side stays empty).
     *
     * @param vocabulary the target vocabulary
     * @return N index arrays
     */
    public int[][] encodeTargets(WordVocabulary vocabulary) {
        return encode(targets, vocabulary, false);
    }

    /**
     * The source sides as a decoder takes them: indices, unknown words as {@code <unk>}, and a side without
     * tokens as the one token {@code <unk>} (a decoder needs at least one; the peer does the same).
     *
     * @param vocabulary the source vocabulary
     * @return N non-empty index arrays
     */
    public List<int[]> decodingSources(WordVocabulary vocabulary) {
        return List.of(encode(sources, vocabulary, true));
    }

    private static int[][] encode(List<List<String>> side, WordVocabulary vocabulary, boolean nonEmpty) {
        int[][] out = new int[side.size()][];
        for (int i = 0; i < out.length; i++) {
            List<String> words = side.get(i);
            out[i] = nonEmpty && words.isEmpty() ? new int[] {vocabulary.id(SpecialToken.UNK)}
                    : vocabulary.encode(words);
        }
        return out;
    }

    /**
     * Describes the pairs.
     *
     * @return e.g. {@code TranslationPairs[47500 pairs]}
     */
    @Override
    public String toString() {
        return "TranslationPairs[" + size() + " pairs]";
    }
}
