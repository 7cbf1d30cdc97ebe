package org.seq4j.skipthoughts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.Tokenizer;
import org.seq4j.text.WordVocabulary;

/**
 * The training data of Skip-Thoughts: documents of contiguous sentences, and the triples
 * {@code (s_{i−1}, s_i, s_{i+1})} of neighbouring sentences within a document.
 *
 * <h2>Text files</h2>
 * One sentence per line in reading order, UTF-8 (a name ending in {@code .gz} is read as gzip). A blank
 * line ends a document, and so does the end of a file: a triple never spans two documents, so a document
 * of {@code n} sentences gives {@code n − 2} triples. Sentences are tokenized by the model's
 * {@link Tokenizer}, cut after {@code maxLength} tokens, and mapped to word ids (unknown words to
 * {@code <unk>}); a line that yields no token ends the document like a blank line.
 *
 * <pre>{@code
 * List<List<String>> documents = new ArrayList<>();
 * for (Path f : files) documents.addAll(SentenceTriples.readDocuments(f));
 * WordVocabulary vocabulary = SentenceTriples.vocabulary(documents, tokenizer, 20_000, 30);
 * SentenceTriples all = SentenceTriples.of(documents, tokenizer, vocabulary, 30);
 * SentenceTriples[] parts = all.split(0.05);            // {training, validation}
 * }</pre>
 *
 * <p>Instances are immutable.
 */
public final class SentenceTriples {

    private final WordVocabulary vocabulary;
    private final TripleBatch.Specials specials;
    /** sentences[s]: the word ids of sentence s, documents one after another. */
    private final int[][] sentences;
    /** documentStarts[d]: the first sentence of document d; documentStarts[D] = the sentence count. */
    private final int[] documentStarts;
    /** previous[k], current[k], next[k]: the sentences of triple k. */
    private final int[] previous;
    private final int[] current;
    private final int[] next;

    private SentenceTriples(WordVocabulary vocabulary, List<int[][]> documents) {
        this.vocabulary = vocabulary;
        this.specials = TripleBatch.Specials.of(vocabulary);
        int sentenceCount = 0;
        int tripleCount = 0;
        for (int[][] d : documents) {
            sentenceCount += d.length;
            tripleCount += Math.max(0, d.length - 2);
        }
        this.sentences = new int[sentenceCount][];
        this.documentStarts = new int[documents.size() + 1];
        this.previous = new int[tripleCount];
        this.current = new int[tripleCount];
        this.next = new int[tripleCount];
        int s = 0;
        int k = 0;
        for (int d = 0; d < documents.size(); d++) {
            int[][] doc = documents.get(d);
            documentStarts[d] = s;
            for (int i = 0; i < doc.length; i++) {
                sentences[s + i] = doc[i];
                if (i >= 1 && i + 1 < doc.length) {
                    previous[k] = s + i - 1;
                    current[k] = s + i;
                    next[k] = s + i + 1;
                    k++;
                }
            }
            s += doc.length;
        }
        documentStarts[documents.size()] = s;
    }

    // ----------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads the documents of a text file: its non-blank lines, a blank line (or the end of the file) ending
     * a document; empty documents are left out.
     *
     * @param file UTF-8 text, one sentence per line; gzip if the name ends in {@code .gz}
     * @return the documents, each the list of its lines (stripped)
     * @throws CharacterCodingException if the file is not valid UTF-8
     * @throws IOException              if it cannot be read
     */
    public static List<List<String>> readDocuments(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readDocuments(file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
        }
    }

    /**
     * Reads the documents of a text stream, as {@link #readDocuments(Path)}.
     *
     * @param in UTF-8 text, one sentence per line; read to its end, not closed
     * @return the documents, each the list of its lines (stripped)
     * @throws CharacterCodingException if the text is not valid UTF-8
     * @throws IOException              if it cannot be read
     */
    public static List<List<String>> readDocuments(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)),
                1 << 16);
        List<List<String>> documents = new ArrayList<>();
        List<String> document = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String sentence = line.strip();
            if (sentence.isEmpty()) {
                if (!document.isEmpty()) {
                    documents.add(document);
                    document = new ArrayList<>();
                }
            } else {
                document.add(sentence);
            }
        }
        if (!document.isEmpty()) {
            documents.add(document);
        }
        return documents;
    }

    /**
     * Builds the vocabulary of the documents: {@code <pad>}, {@code <bos>}, {@code <eos>}, {@code <unk>},
     * then the {@code maxWords} most frequent tokens of the sentences (each cut after {@code maxLength}
     * tokens), ties in order of first appearance.
     *
     * @param documents the documents' raw sentences; not modified
     * @param tokenizer the model's tokenizer
     * @param maxWords  the number of words to keep, at least 1
     * @param maxLength the tokens kept of a sentence, at least 1
     * @return the vocabulary
     * @throws IllegalArgumentException if a limit is below 1 or the documents hold no token
     */
    public static WordVocabulary vocabulary(List<List<String>> documents, Tokenizer tokenizer, int maxWords,
                                            int maxLength) {
        checkLimits(maxLength, tokenizer);
        if (maxWords < 1) {
            throw new IllegalArgumentException("maxWords must be at least 1 but was " + maxWords);
        }
        WordVocabulary.Builder builder = WordVocabulary.builder()
                .specials(SpecialToken.PAD, SpecialToken.BOS, SpecialToken.EOS, SpecialToken.UNK)
                .maxSize(maxWords + 4);
        boolean any = false;
        for (List<String> document : documents) {
            for (String sentence : document) {
                List<String> tokens = tokenizer.tokenize(sentence);
                builder.addAll(tokens.subList(0, Math.min(tokens.size(), maxLength)));
                any |= !tokens.isEmpty();
            }
        }
        if (!any) {
            throw new IllegalArgumentException("the documents hold no token to build a vocabulary from");
        }
        return builder.build();
    }

    /**
     * Tokenizes and numbers the documents.
     *
     * @param documents  the documents' raw sentences in reading order; not modified
     * @param tokenizer  the model's tokenizer
     * @param vocabulary the model's vocabulary, with {@code <pad>}, {@code <bos>}, {@code <eos>} and
     *                   {@code <unk>}
     * @param maxLength  the tokens kept of a sentence, at least 1
     * @return the triples
     * @throws IllegalArgumentException if {@code maxLength} is below 1 or a special token is missing
     */
    public static SentenceTriples of(List<List<String>> documents, Tokenizer tokenizer, WordVocabulary vocabulary,
                                     int maxLength) {
        checkLimits(maxLength, tokenizer);
        if (vocabulary == null || !vocabulary.has(SpecialToken.UNK)) {
            throw new IllegalArgumentException("the vocabulary must have " + SpecialToken.UNK.text());
        }
        List<int[][]> numbered = new ArrayList<>();
        for (List<String> document : documents) {
            List<int[]> run = new ArrayList<>();
            for (String sentence : document) {
                List<String> tokens = tokenizer.tokenize(sentence);
                if (tokens.isEmpty()) {   // nothing to encode: ends the document
                    addDocument(numbered, run);
                    run = new ArrayList<>();
                    continue;
                }
                run.add(vocabulary.encode(tokens.subList(0, Math.min(tokens.size(), maxLength))));
            }
            addDocument(numbered, run);
        }
        return new SentenceTriples(vocabulary, numbered);
    }

    private static void addDocument(List<int[][]> documents, List<int[]> sentences) {
        if (!sentences.isEmpty()) {
            documents.add(sentences.toArray(new int[0][]));
        }
    }

    private static void checkLimits(int maxLength, Tokenizer tokenizer) {
        if (tokenizer == null) {
            throw new IllegalArgumentException("tokenizer must not be null");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1 but was " + maxLength);
        }
    }

    /**
     * Splits every document in two, the first part for training and the last {@code fraction} of its
     * sentences (rounded) for validation, so that no validation sentence is a neighbour of a training one
     * within a triple.
     *
     * @param fraction the share of each document's sentences held out, in {@code [0, 1)}
     * @return {training, validation}
     * @throws IllegalArgumentException if the fraction is out of range
     */
    public SentenceTriples[] split(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1) but was " + fraction);
        }
        List<int[][]> train = new ArrayList<>();
        List<int[][]> validation = new ArrayList<>();
        for (int d = 0; d + 1 < documentStarts.length; d++) {
            int start = documentStarts[d];
            int end = documentStarts[d + 1];
            int held = (int) Math.round((end - start) * fraction);
            addDocument(train, Arrays.asList(Arrays.copyOfRange(sentences, start, end - held)));
            addDocument(validation, Arrays.asList(Arrays.copyOfRange(sentences, end - held, end)));
        }
        return new SentenceTriples[] {new SentenceTriples(vocabulary, train), new SentenceTriples(vocabulary, validation)};
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * The vocabulary the word ids come from.
     *
     * @return the vocabulary
     */
    public WordVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The number of triples.
     *
     * @return the count
     */
    public int size() {
        return current.length;
    }

    /**
     * The number of sentences.
     *
     * @return the count, all documents together
     */
    public int numSentences() {
        return sentences.length;
    }

    /**
     * The number of documents.
     *
     * @return the count
     */
    public int numDocuments() {
        return documentStarts.length - 1;
    }

    /**
     * The number of word tokens of all sentences (after truncation).
     *
     * @return the count
     */
    public long numTokens() {
        long n = 0;
        for (int[] s : sentences) {
            n += s.length;
        }
        return n;
    }

    /**
     * The word ids of a triple's middle sentence, what the encoder reads.
     *
     * @param triple the triple, in {@code [0, size())}
     * @return a copy of the ids
     * @throws IndexOutOfBoundsException if the triple is out of range
     */
    public int[] currentSentence(int triple) {
        return sentences[current[triple]].clone();
    }

    /** The middle sentences of all triples (not copied): the lengths the batches are bucketed by. */
    int[][] middleSentences() {
        int[][] middle = new int[current.length][];
        for (int k = 0; k < middle.length; k++) {
            middle[k] = sentences[current[k]];
        }
        return middle;
    }

    /**
     * Fills a batch with triples.
     *
     * @param triples the triples, each in {@code [0, size())}; not modified
     * @param out     the batch to fill; its earlier contents are replaced
     * @throws IllegalArgumentException if no triple is given or one is out of range
     */
    public void batch(int[] triples, TripleBatch out) {
        if (triples == null || triples.length == 0 || out == null) {
            throw new IllegalArgumentException("at least one triple and a batch are needed");
        }
        int b = triples.length;
        out.indices(b);
        int[] prev = out.previousIndices;
        int[] cur = out.currentIndices;
        int[] nxt = out.nextIndices;
        for (int r = 0; r < b; r++) {
            int k = triples[r];
            if (k < 0 || k >= current.length) {
                throw new IllegalArgumentException("triples[" + r + "] must be in [0, " + current.length
                        + ") but was " + k);
            }
            prev[r] = previous[k];
            cur[r] = current[k];
            nxt[r] = next[k];
        }
        out.fill(sentences, prev, cur, nxt, specials);
    }

    /**
     * How often each id is a decoder target: each triple's two neighbours' words and their {@code <eos>}.
     *
     * @return V counts
     */
    long[] targetCounts() {
        long[] counts = new long[vocabulary.size()];
        for (int k = 0; k < current.length; k++) {
            for (int s : new int[] {previous[k], next[k]}) {
                for (int id : sentences[s]) {
                    counts[id]++;
                }
                counts[specials.eos()]++;
            }
        }
        return counts;
    }

    /**
     * A fingerprint of the data: the CRC-32C of every sentence's ids and every document boundary, so that a
     * resumed run can check it trains on the same triples.
     *
     * @return the checksum
     */
    public long fingerprint() {
        CRC32C crc = new CRC32C();
        byte[] word = new byte[4];
        for (int d = 0; d + 1 < documentStarts.length; d++) {
            put(crc, word, -1);
            for (int s = documentStarts[d]; s < documentStarts[d + 1]; s++) {
                put(crc, word, -2);
                for (int id : sentences[s]) {
                    put(crc, word, id);
                }
            }
        }
        return crc.getValue();
    }

    private static void put(CRC32C crc, byte[] word, int v) {
        for (int i = 0; i < 4; i++) {
            word[i] = (byte) (v >>> (8 * i));
        }
        crc.update(word, 0, 4);
    }

    /**
     * Describes the data.
     *
     * @return e.g. {@code SentenceTriples(42000 triples, 43000 sentences, 12 documents)}
     */
    @Override
    public String toString() {
        return "SentenceTriples(" + size() + " triples, " + numSentences() + " sentences, " + numDocuments()
                + " documents)";
    }
}
