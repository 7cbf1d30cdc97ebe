package org.seq4j.embed;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.seq4j.io.AtomicFiles;
import org.seq4j.kernel.VectorMath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Word vectors: {@code V} words, each with a vector of {@code E} floats, in one contiguous row-major
 * {@code (V, E)} array; with the word2vec file formats and the similarity queries.
 *
 * <h2>Files</h2>
 * Both formats start with a header line {@code "V E"}. The <b>text</b> format then has one line per word,
 * {@code word v1 v2 ... vE}; files written by {@code word2vec.c} (a space before the line end), gensim
 * and fastText ({@code .vec}) read, as do {@code "\r\n"} line ends. The <b>binary</b> format has per word
 * the UTF-8 word, one space and {@code E} little-endian float32 values, with or without a newline after
 * them ({@code word2vec.c} writes one, gensim none). A malformed file raises
 * {@link WordVectorsFormatException} naming the line or byte offset; a repeated word keeps its first
 * vector (as gensim does). {@link #writeText} and {@link #writeBinary} write to a temporary file in the
 * same folder and rename it, so the target is never left half written.
 *
 * <h2>Queries</h2>
 * Queries use the L2-normalised vectors (computed once, on the first query):
 * <pre>
 *   similarity(a, b)        = â · b̂
 *   mostSimilar(P, N)       : rank words x by x̂ · m̂,  m = mean(â for a in P, -b̂ for b in N)    (3CosAdd)
 *   mostSimilarCosMul(P, N) : rank x by Π_{a in P} (1 + x̂·â)/2 / (Π_{b in N} (1 + x̂·b̂)/2 + 1e-6)  (3CosMul)
 *   analogy(a, b, c)        = mostSimilar([b, c], [a])       "a is to b as c is to ?"
 * </pre>
 * as gensim's {@code most_similar} and {@code most_similar_cosmul} (Levy and Goldberg 2014, eq. 4 with
 * similarities shifted to [0, 1]); the query words themselves are never returned. Each query is one pass
 * over the contiguous table with a top-n heap: about 5 ms for 100,000 words of dimension 100 once the JIT
 * has compiled it (3CosMul, three dot products per row, about 20 ms).
 * Ties are broken towards the more frequent (lower-index) word.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class WordVectors {

    private static final Logger LOG = LoggerFactory.getLogger(WordVectors.class);

    /** Longest word accepted when reading a binary file, in bytes. */
    static final int MAX_WORD_BYTES = 1 << 16;
    private static final int MAX_LINE_BYTES = 1 << 26;

    private final String[] words;            // (V)
    private final float[] vectors;           // (V, E) as given
    private final int dimension;             // E
    private final Map<String, Integer> index;
    private volatile float[] unit;           // (V, E) L2-normalised rows, made on first use

    WordVectors(List<String> words, float[] vectors, int dimension) {
        this.words = words.toArray(new String[0]);
        this.vectors = vectors;
        this.dimension = dimension;
        this.index = new HashMap<>(this.words.length * 2);
        for (int i = 0; i < this.words.length; i++) {
            index.putIfAbsent(this.words[i], i);
        }
    }

    /**
     * Creates word vectors from words and a row-major table.
     *
     * @param words     distinct words, non-empty and without whitespace, most frequent first if the
     *                  frequency-restricted queries and evaluations are to make sense; not modified
     * @param vectors   the {@code (V, E)} table, row {@code i} for word {@code i}; copied
     * @param dimension {@code E >= 1}
     * @return the word vectors
     * @throws IllegalArgumentException if the table length is not {@code V·E} or a word is repeated,
     *                                  empty or contains whitespace
     */
    public static WordVectors of(List<String> words, float[] vectors, int dimension) {
        Objects.requireNonNull(words, "words");
        Objects.requireNonNull(vectors, "vectors");
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1 but was " + dimension);
        }
        if ((long) words.size() * dimension != vectors.length) {
            throw new IllegalArgumentException("vectors must be (V, E) = (" + words.size() + ", " + dimension
                    + "), length " + (long) words.size() * dimension + ", but had length " + vectors.length);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            Word2VecVocabulary.checkWord(w);
            Integer before = seen.putIfAbsent(w, i);
            if (before != null) {
                throw new IllegalArgumentException("word '" + w + "' appears twice (at " + before + " and " + i + ")");
            }
        }
        return new WordVectors(words, vectors.clone(), dimension);
    }

    // ---------------------------------------------------------------- accessors

    /**
     * Returns the number of words.
     *
     * @return {@code V}
     */
    public int size() {
        return words.length;
    }

    /**
     * Returns the vector dimension.
     *
     * @return {@code E}
     */
    public int dimension() {
        return dimension;
    }

    /**
     * Returns a word by row index.
     *
     * @param index {@code 0 <= index < size()}
     * @return the word of that row
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public String word(int index) {
        return words[Objects.checkIndex(index, words.length)];
    }

    /**
     * Returns the row of a word.
     *
     * @param word the word (exact, case-sensitive)
     * @return its row index, or {@code -1} if it has no vector
     */
    public int indexOf(String word) {
        Integer i = index.get(word);
        return i == null ? -1 : i;
    }

    /**
     * Tells whether a word has a vector.
     *
     * @param word the word (exact, case-sensitive)
     * @return whether it is known
     */
    public boolean contains(String word) {
        return index.containsKey(word);
    }

    /**
     * Returns a copy of a word's vector as stored (not normalised).
     *
     * @param word a known word
     * @return a new array of length {@code E}
     * @throws IllegalArgumentException if the word is unknown
     */
    public float[] vector(String word) {
        int i = require(word);
        return Arrays.copyOfRange(vectors, i * dimension, (i + 1) * dimension);
    }

    /**
     * Returns all words in row order.
     *
     * @return a new list of the {@code V} words
     */
    public List<String> words() {
        return List.of(words);
    }

    // ---------------------------------------------------------------- queries

    /**
     * Cosine similarity of two words.
     *
     * @param a a known word
     * @param b a known word
     * @return {@code â · b̂}, in {@code [-1, 1]} (0 if either vector is zero)
     * @throws IllegalArgumentException if a word is unknown
     */
    public double similarity(String a, String b) {
        return similarity(require(a), require(b));
    }

    double similarity(int a, int b) {
        float[] u = unit();
        return VectorMath.dotNaive(u, a * dimension, u, b * dimension, dimension);
    }

    /**
     * The words nearest to a word by cosine similarity, the word itself excluded.
     *
     * @param word a known word
     * @param topN how many to return ({@code >= 0})
     * @return up to {@code topN} words, most similar first
     * @throws IllegalArgumentException if the word is unknown or {@code topN < 0}
     */
    public List<ScoredWord> mostSimilar(String word, int topN) {
        return mostSimilar(List.of(word), List.of(), topN, 0);
    }

    /**
     * The words nearest to the mean of the normalised vectors of {@code positive} and the negated normalised
     * vectors of {@code negative} (3CosAdd for {@code positive = [b, c], negative = [a]}), as gensim's
     * {@code most_similar}; the input words are excluded.
     *
     * @param positive      known words added; not modified
     * @param negative      known words subtracted; not modified
     * @param topN          how many to return ({@code >= 0})
     * @param restrictVocab search only the first this many rows (the most frequent words); 0 for all
     * @return up to {@code topN} words, most similar first, with their cosine similarity to the mean
     * @throws IllegalArgumentException if a word is unknown, both lists are empty, or a count is negative
     */
    public List<ScoredWord> mostSimilar(List<String> positive, List<String> negative, int topN, int restrictVocab) {
        int[] pos = requireAll(positive);
        int[] neg = requireAll(negative);
        checkQuery(pos.length + neg.length, topN, restrictVocab);
        return toScored(nearest(pos, neg, topN, restrictVocab, concat(pos, neg)));
    }

    /**
     * The words nearest to a vector by cosine similarity.
     *
     * @param vector  a vector of length {@code E}; not modified
     * @param topN    how many to return ({@code >= 0})
     * @param exclude words not to return (unknown ones are ignored); not modified
     * @return up to {@code topN} words, most similar first
     * @throws IllegalArgumentException if the vector length is not {@code E} or {@code topN < 0}
     */
    public List<ScoredWord> mostSimilarToVector(float[] vector, int topN, Collection<String> exclude) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector must have length E = " + dimension + " but had " + vector.length);
        }
        checkQuery(1, topN, 0);
        int[] ex = exclude.stream().mapToInt(this::indexOf).filter(i -> i >= 0).toArray();
        float[] query = vector.clone();
        normalise(query, 0, dimension);
        return toScored(nearestToUnit(query, topN, words.length, ex));
    }

    /**
     * Solves "a is to b as c is to ?" by 3CosAdd: {@code mostSimilar([b, c], [a])}.
     *
     * @param a    a known word
     * @param b    a known word
     * @param c    a known word
     * @param topN how many answers to return ({@code >= 0})
     * @return up to {@code topN} answers, best first; {@code a, b, c} excluded
     * @throws IllegalArgumentException if a word is unknown or {@code topN < 0}
     */
    public List<ScoredWord> analogy(String a, String b, String c, int topN) {
        return mostSimilar(List.of(b, c), List.of(a), topN, 0);
    }

    /**
     * Solves "a is to b as c is to ?" by 3CosMul: {@code mostSimilarCosMul([b, c], [a])}.
     *
     * @param a    a known word
     * @param b    a known word
     * @param c    a known word
     * @param topN how many answers to return ({@code >= 0})
     * @return up to {@code topN} answers, best first; {@code a, b, c} excluded
     * @throws IllegalArgumentException if a word is unknown or {@code topN < 0}
     */
    public List<ScoredWord> analogyCosMul(String a, String b, String c, int topN) {
        return mostSimilarCosMul(List.of(b, c), List.of(a), topN, 0);
    }

    /**
     * Ranks words by the multiplicative combination 3CosMul, as gensim's {@code most_similar_cosmul}:
     * {@code Π_{p} (1 + cos(x, p))/2 / (Π_{n} (1 + cos(x, n))/2 + 1e-6)}; the input words are excluded.
     *
     * @param positive      known words, at least one; not modified
     * @param negative      known words; not modified
     * @param topN          how many to return ({@code >= 0})
     * @param restrictVocab search only the first this many rows; 0 for all
     * @return up to {@code topN} words, best first, with their 3CosMul score
     * @throws IllegalArgumentException if a word is unknown, {@code positive} is empty, or a count is negative
     */
    public List<ScoredWord> mostSimilarCosMul(List<String> positive, List<String> negative, int topN,
                                              int restrictVocab) {
        int[] pos = requireAll(positive);
        int[] neg = requireAll(negative);
        if (pos.length == 0) {
            throw new IllegalArgumentException("positive must name at least one word");
        }
        checkQuery(pos.length, topN, restrictVocab);
        return toScored(nearestCosMul(pos, neg, topN, restrictVocab, concat(pos, neg)));
    }

    /**
     * The word that fits least with the others, as gensim's {@code doesnt_match}: the one whose normalised
     * vector has the lowest cosine with the normalised mean of all normalised vectors. Unknown words are
     * ignored.
     *
     * @param candidates words; not modified
     * @return the odd one out
     * @throws IllegalArgumentException if no candidate is known
     */
    public String doesntMatch(List<String> candidates) {
        List<Integer> known = new ArrayList<>();
        for (String w : candidates) {
            int i = indexOf(w);
            if (i >= 0) {
                known.add(i);
            } else {
                LOG.debug("doesntMatch: ignoring unknown word '{}'", w);
            }
        }
        if (known.isEmpty()) {
            throw new IllegalArgumentException("none of the words " + candidates + " is known");
        }
        float[] u = unit();
        float[] mean = new float[dimension];
        for (int i : known) {
            VectorMath.axpy(1f / known.size(), u, i * dimension, mean, 0, dimension);
        }
        normalise(mean, 0, dimension);
        int worst = -1;
        double worstScore = Double.POSITIVE_INFINITY;
        for (int i : known) {
            double s = VectorMath.dot(u, i * dimension, mean, 0, dimension);
            if (s < worstScore) {
                worstScore = s;
                worst = i;
            }
        }
        return words[worst];
    }

    // ---------------------------------------------------------------- index-level queries (evaluation)

    /**
     * 3CosAdd / most-similar on row indices: the {@code topN} rows among the first {@code limit} nearest
     * to {@code mean(û_p) - mean(û_n)}, skipping {@code excluded}. Returns row indices, best first; the
     * scores are written to {@code scoresOut} if it is not null.
     */
    int[] nearest(int[] pos, int[] neg, int topN, int limit, int[] excluded, float[] scoresOut) {
        float[] u = unit();
        float[] mean = new float[dimension];
        float w = 1f / (pos.length + neg.length);
        for (int p : pos) {
            VectorMath.axpy(w, u, p * dimension, mean, 0, dimension);
        }
        for (int n : neg) {
            VectorMath.axpy(-w, u, n * dimension, mean, 0, dimension);
        }
        normalise(mean, 0, dimension);
        TopN top = nearestToUnit(mean, topN, limit <= 0 ? words.length : Math.min(limit, words.length), excluded);
        if (scoresOut != null) {
            System.arraycopy(top.scores, 0, scoresOut, 0, top.size);
        }
        return Arrays.copyOf(top.rows, top.size);
    }

    private TopN nearest(int[] pos, int[] neg, int topN, int limit, int[] excluded) {
        float[] scores = new float[topN];
        int[] rows = nearest(pos, neg, topN, limit, excluded, scores);
        return new TopN(rows, scores, rows.length);
    }

    private TopN nearestToUnit(float[] query, int topN, int limit, int[] excluded) {
        float[] u = unit();
        int e = dimension;
        TopN top = new TopN(topN);
        for (int i = 0; i < limit; i++) {
            float s = VectorMath.dot(u, i * e, query, 0, e);
            if (top.accepts(s) && !contains(excluded, i)) {
                top.offer(i, s);
            }
        }
        top.sort();
        return top;
    }

    private TopN nearestCosMul(int[] pos, int[] neg, int topN, int limit, int[] excluded) {
        float[] u = unit();
        int e = dimension;
        int end = limit <= 0 ? words.length : Math.min(limit, words.length);
        TopN top = new TopN(topN);
        for (int i = 0; i < end; i++) {
            double num = 1;
            for (int p : pos) {
                num *= (1 + VectorMath.dot(u, i * e, u, p * e, e)) / 2.0;
            }
            double den = 1;
            for (int n : neg) {
                den *= (1 + VectorMath.dot(u, i * e, u, n * e, e)) / 2.0;
            }
            float s = (float) (num / (den + 1e-6));
            if (top.accepts(s) && !contains(excluded, i)) {
                top.offer(i, s);
            }
        }
        top.sort();
        return top;
    }

    /** The L2-normalised table (V, E); zero rows stay zero. Not to be modified. */
    float[] unit() {
        float[] u = unit;
        if (u == null) {
            synchronized (this) {
                u = unit;
                if (u == null) {
                    u = vectors.clone();
                    for (int i = 0; i < words.length; i++) {
                        normalise(u, i * dimension, dimension);
                    }
                    unit = u;
                }
            }
        }
        return u;
    }

    private static void normalise(float[] x, int off, int n) {
        double ss = VectorMath.dotNaive(x, off, x, off, n);
        if (ss > 0) {
            float inv = (float) (1.0 / Math.sqrt(ss));
            for (int i = off; i < off + n; i++) {
                x[i] *= inv;
            }
        }
    }

    private static boolean contains(int[] a, int x) {
        for (int v : a) {
            if (v == x) {
                return true;
            }
        }
        return false;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void checkQuery(int inputs, int topN, int restrictVocab) {
        if (inputs == 0) {
            throw new IllegalArgumentException("a query needs at least one word");
        }
        if (topN < 0) {
            throw new IllegalArgumentException("topN must be >= 0 but was " + topN);
        }
        if (restrictVocab < 0) {
            throw new IllegalArgumentException("restrictVocab must be >= 0 but was " + restrictVocab);
        }
    }

    private int require(String word) {
        int i = indexOf(word);
        if (i < 0) {
            throw new IllegalArgumentException("word '" + word + "' is not in the vocabulary");
        }
        return i;
    }

    private int[] requireAll(List<String> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = require(list.get(i));
        }
        return out;
    }

    private List<ScoredWord> toScored(TopN top) {
        List<ScoredWord> out = new ArrayList<>(top.size);
        for (int i = 0; i < top.size; i++) {
            out.add(new ScoredWord(words[top.rows[i]], top.scores[i]));
        }
        return out;
    }

    /**
     * The best {@code n} (row, score) pairs seen: a min-heap on score while filling ({@code heap[0]} is
     * the worst kept), sorted best-first by {@link #sort()}. Lower rows win ties.
     */
    static final class TopN {
        final int[] rows;
        final float[] scores;
        int size;

        TopN(int n) {
            rows = new int[n];
            scores = new float[n];
        }

        TopN(int[] rows, float[] scores, int size) {
            this.rows = rows;
            this.scores = scores;
            this.size = size;
        }

        /** Whether a score could enter (rows are offered in increasing order, so ties lose). */
        boolean accepts(float s) {
            return size < rows.length || (rows.length > 0 && s > scores[0]);
        }

        void offer(int row, float s) {
            if (size < rows.length) {
                int i = size++;
                rows[i] = row;
                scores[i] = s;
                while (i > 0) {
                    int parent = (i - 1) / 2;
                    if (!worse(i, parent)) {
                        break;
                    }
                    swap(i, parent);
                    i = parent;
                }
                return;
            }
            rows[0] = row;
            scores[0] = s;
            siftDown(0);
        }

        // Moves entry i down until neither child ranks below it (the worst entry stays at the root).
        private void siftDown(int i) {
            while (true) {
                int l = 2 * i + 1;
                int r = l + 1;
                int m = i;
                if (l < size && worse(l, m)) {
                    m = l;
                }
                if (r < size && worse(r, m)) {
                    m = r;
                }
                if (m == i) {
                    return;
                }
                swap(i, m);
                i = m;
            }
        }

        // Entry a ranks below entry b: lower score, or the same score and a higher row.
        private boolean worse(int a, int b) {
            return scores[a] < scores[b] || (scores[a] == scores[b] && rows[a] > rows[b]);
        }

        private void swap(int a, int b) {
            int r = rows[a];
            rows[a] = rows[b];
            rows[b] = r;
            float s = scores[a];
            scores[a] = scores[b];
            scores[b] = s;
        }

        /** Sorts best first (heap sort in place). */
        void sort() {
            int n = size;
            while (size > 1) {
                swap(0, size - 1);
                size--;
                siftDown(0);
            }
            size = n;
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes the word2vec text format (as gensim writes it: {@code "V E"}, then {@code word v1 ... vE} per
     * line, values in the shortest form that reads back to the same float). Atomic ({@link AtomicFiles}):
     * written to a temporary file next to {@code path}, forced to the device, then renamed.
     *
     * @param path the file to (over)write
     * @throws IOException if writing fails; {@code path} is then unchanged
     */
    public void writeText(Path path) throws IOException {
        writeAtomically(path, out -> {
            StringBuilder line = new StringBuilder(dimension * 12 + 32);
            out.write((words.length + " " + dimension + "\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < words.length; i++) {
                line.setLength(0);
                line.append(words[i]);
                for (int j = 0; j < dimension; j++) {
                    line.append(' ').append(vectors[i * dimension + j]);
                }
                line.append('\n');
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    /**
     * Writes the word2vec binary format as {@code word2vec.c} writes it: {@code "V E\n"}, then per word the
     * UTF-8 word, a space, {@code E} little-endian float32 values and a newline. Atomic as
     * {@link #writeText}.
     *
     * @param path the file to (over)write
     * @throws IOException if writing fails; {@code path} is then unchanged
     */
    public void writeBinary(Path path) throws IOException {
        writeAtomically(path, out -> {
            out.write((words.length + " " + dimension + "\n").getBytes(StandardCharsets.US_ASCII));
            ByteBuffer row = ByteBuffer.allocate(dimension * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < words.length; i++) {
                out.write(words[i].getBytes(StandardCharsets.UTF_8));
                out.write(' ');
                row.clear();
                row.asFloatBuffer().put(vectors, i * dimension, dimension);
                out.write(row.array());
                out.write('\n');
            }
        });
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static void writeAtomically(Path path, Writer writer) throws IOException {
        AtomicFiles.write(path, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            writer.write(out);
            out.flush(); // the channel stays open: AtomicFiles forces and closes it
        });
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a word2vec file, telling the text format from the binary one by its first vector: if the line
     * after the header is valid UTF-8 text of a word and {@code E} numbers, the file is text.
     *
     * @param path the file
     * @return the word vectors, in file order
     * @throws WordVectorsFormatException if the file is in neither format, holds a value that is not a finite
     *                                    float, or is a directory
     * @throws IOException                if it cannot be read
     */
    public static WordVectors read(Path path) throws IOException {
        checkNotDirectory(path);
        boolean text;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            ByteReader r = new ByteReader(in, path);
            long[] header = r.header();
            byte[] first;
            try {
                first = r.lineBytes(1 << 20);
            } catch (WordVectorsFormatException e) {
                first = null;   // no line end within 1 MB: not text
            }
            text = first != null && looksLikeTextVector(first, (int) header[1]);
        }
        return text ? readText(path) : readBinary(path);
    }

    private static boolean looksLikeTextVector(byte[] line, int dimension) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        String[] parts = s.strip().split("[ \t]+");
        if (parts.length != dimension + 1) {
            return false;
        }
        try {
            for (int i = 1; i < parts.length; i++) {
                Float.parseFloat(parts[i]);
            }
        } catch (NumberFormatException e) {
            return false;
        }
        return true;
    }

    /**
     * Reads the word2vec text format (word2vec.c, gensim, fastText {@code .vec}).
     *
     * @param path the file
     * @return the word vectors, in file order
     * @throws WordVectorsFormatException if the header or a line is malformed, a value is not a finite float
     *                                    ({@code NaN}, {@code Infinity}, or beyond the float range, such as
     *                                    {@code 1e400}), the file ends early, or is a directory
     * @throws IOException                if it cannot be read
     */
    public static WordVectors readText(Path path) throws IOException {
        checkNotDirectory(path);
        long size = Files.size(path);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            ByteReader r = new ByteReader(in, path);
            long[] header = r.header();
            int v = (int) header[0];
            int e = (int) header[1];
            // Each line holds at least a 1-byte word and E separators and 1-byte values.
            checkSize(path, v, e, size - r.position(), 2L * e + 1, "text");
            List<String> words = new ArrayList<>(v);
            float[] vectors = new float[v * e];
            Map<String, Integer> seen = new HashMap<>(v * 2);
            int row = 0;
            for (int i = 0; i < v; i++) {
                long lineNo = r.lineNumber() + 1;
                byte[] bytes = r.lineBytes(MAX_LINE_BYTES);
                if (bytes == null) {
                    throw new WordVectorsFormatException(path + ": the header announces " + v
                            + " vectors but the file ends after " + i);
                }
                String line = decode(bytes, path, "line " + lineNo);
                String[] parts = line.strip().split("[ \t]+");
                if (parts.length != e + 1) {
                    throw new WordVectorsFormatException(path + ": line " + lineNo + " must hold a word and " + e
                            + " values but has " + parts.length + " fields");
                }
                if (seen.putIfAbsent(parts[0], row) != null) {
                    LOG.warn("{}: line {}: word '{}' repeated; keeping its first vector", path, lineNo, parts[0]);
                    continue;
                }
                for (int j = 0; j < e; j++) {
                    float value;
                    try {
                        value = Float.parseFloat(parts[j + 1]);
                    } catch (NumberFormatException ex) {
                        throw new WordVectorsFormatException(path + ": line " + lineNo + ": value " + (j + 1)
                                + " '" + parts[j + 1] + "' is not a number", ex);
                    }
                    if (!Float.isFinite(value)) {
                        throw new WordVectorsFormatException(path + ": line " + lineNo + ": value " + (j + 1)
                                + " of '" + parts[0] + "' is '" + parts[j + 1] + "', not a finite float (word "
                                + "vectors must be finite: no NaN, no infinity, nothing beyond ±3.4e38)");
                    }
                    vectors[row * e + j] = value;
                }
                words.add(parts[0]);
                row++;
            }
            while (true) {
                long lineNo = r.lineNumber() + 1;
                byte[] rest = r.lineBytes(MAX_LINE_BYTES);
                if (rest == null) {
                    break;
                }
                if (!new String(rest, StandardCharsets.UTF_8).isBlank()) {
                    throw new WordVectorsFormatException(path + ": line " + lineNo + ": more vectors than the "
                            + v + " the header announces");
                }
            }
            return new WordVectors(words, row == v ? vectors : Arrays.copyOf(vectors, row * e), e);
        }
    }

    /**
     * Reads the word2vec binary format (word2vec.c, gensim), with or without a newline after each vector.
     *
     * @param path the file
     * @return the word vectors, in file order
     * @throws WordVectorsFormatException if the header or a record is malformed, a value is NaN or infinite,
     *                                    the file ends early, or is a directory
     * @throws IOException                if it cannot be read
     */
    public static WordVectors readBinary(Path path) throws IOException {
        checkNotDirectory(path);
        long size = Files.size(path);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            ByteReader r = new ByteReader(in, path);
            long[] header = r.header();
            int v = (int) header[0];
            int e = (int) header[1];
            checkSize(path, v, e, size - r.position(), 4L * e + 2, "binary");
            List<String> words = new ArrayList<>(v);
            float[] vectors = new float[v * e];
            Map<String, Integer> seen = new HashMap<>(v * 2);
            byte[] wordBuf = new byte[256];
            byte[] rowBytes = new byte[4 * e];
            ByteBuffer rowBuffer = ByteBuffer.wrap(rowBytes).order(ByteOrder.LITTLE_ENDIAN);
            int row = 0;
            for (int i = 0; i < v; i++) {
                int c = r.read();
                while (c == '\n' || c == '\r') {
                    c = r.read();
                }
                long wordStart = r.position() - 1;
                int len = 0;
                while (c != ' ') {
                    if (c < 0) {
                        throw new WordVectorsFormatException(path + ": the header announces " + v
                                + " vectors but the file ends in the word of vector " + (i + 1)
                                + " (byte " + wordStart + ")");
                    }
                    if (c == '\n' && len > 0) {
                        throw new WordVectorsFormatException(path + ": vector " + (i + 1) + " at byte " + wordStart
                                + ": newline inside a word; is this a text-format file?");
                    }
                    if (len == MAX_WORD_BYTES) {
                        throw new WordVectorsFormatException(path + ": vector " + (i + 1) + " at byte " + wordStart
                                + ": no space after " + MAX_WORD_BYTES + " bytes of word");
                    }
                    if (len == wordBuf.length) {
                        wordBuf = Arrays.copyOf(wordBuf, len * 2);
                    }
                    wordBuf[len++] = (byte) c;
                    c = r.read();
                }
                if (len == 0) {
                    throw new WordVectorsFormatException(path + ": vector " + (i + 1) + " at byte " + wordStart
                            + ": empty word");
                }
                String word = decode(Arrays.copyOf(wordBuf, len), path, "word at byte " + wordStart);
                if (!r.readFully(rowBytes)) {
                    throw new WordVectorsFormatException(path + ": the file ends inside the " + e
                            + " values of vector " + (i + 1) + " ('" + word + "')");
                }
                if (seen.putIfAbsent(word, row) != null) {
                    LOG.warn("{}: word '{}' repeated at byte {}; keeping its first vector", path, word, wordStart);
                    continue;
                }
                rowBuffer.clear();
                rowBuffer.asFloatBuffer().get(vectors, row * e, e);
                for (int j = 0; j < e; j++) {
                    if (!Float.isFinite(vectors[row * e + j])) {
                        throw new WordVectorsFormatException(path + ": vector " + (i + 1) + " ('" + word
                                + "', at byte " + wordStart + "): value " + (j + 1) + " is "
                                + vectors[row * e + j] + " (word vectors must be finite)");
                    }
                }
                words.add(word);
                row++;
            }
            return new WordVectors(words, row == v ? vectors : Arrays.copyOf(vectors, row * e), e);
        }
    }

    private static void checkNotDirectory(Path path) throws WordVectorsFormatException {
        if (Files.isDirectory(path)) {
            throw new WordVectorsFormatException(path + " is a directory, not a word-vector file");
        }
    }

    private static void checkSize(Path path, int v, int e, long bytesLeft, long minBytesPerRow, String format)
            throws WordVectorsFormatException {
        if ((long) v * e > Integer.MAX_VALUE - 8) {
            throw new WordVectorsFormatException(path + ": header 'V E' = '" + v + " " + e
                    + "' needs more than 2^31 values");
        }
        if ((long) v * minBytesPerRow - 1 > bytesLeft) {
            throw new WordVectorsFormatException(path + ": the header announces " + v + " vectors of dimension "
                    + e + " but only " + bytesLeft + " bytes follow, too few for the " + format + " format");
        }
    }

    private static String decode(byte[] bytes, Path path, String where) throws WordVectorsFormatException {
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return cb.toString();
        } catch (CharacterCodingException ex) {
            throw new WordVectorsFormatException(path + ": " + where + " is not valid UTF-8", ex);
        }
    }

    /** Byte input with position and line counting. */
    private static final class ByteReader {
        private final InputStream in;
        private final Path path;
        private long position;
        private long lines;

        ByteReader(InputStream in, Path path) {
            this.in = in;
            this.path = path;
        }

        int read() throws IOException {
            int c = in.read();
            if (c >= 0) {
                position++;
            }
            return c;
        }

        boolean readFully(byte[] b) throws IOException {
            int n = in.readNBytes(b, 0, b.length);
            position += n;
            return n == b.length;
        }

        long position() {
            return position;
        }

        long lineNumber() {
            return lines;
        }

        /** The next line without its "\n" (and "\r"), or null at the end of the file. */
        byte[] lineBytes(int max) throws IOException {
            byte[] buf = new byte[128];
            int len = 0;
            int c = read();
            if (c < 0) {
                return null;
            }
            while (c >= 0 && c != '\n') {
                if (len == max) {
                    throw new WordVectorsFormatException(path + ": line " + (lines + 1) + " is longer than "
                            + max + " bytes");
                }
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, len * 2);
                }
                buf[len++] = (byte) c;
                c = read();
            }
            lines++;
            if (len > 0 && buf[len - 1] == '\r') {
                len--;
            }
            return Arrays.copyOf(buf, len);
        }

        /** Reads the header line "V E" and returns {V, E}. */
        long[] header() throws IOException {
            byte[] bytes = lineBytes(256);
            if (bytes == null) {
                throw new WordVectorsFormatException(path + ": empty file; expected a header line 'count dimension'");
            }
            if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                    && (bytes[2] & 0xFF) == 0xBF) {
                throw new WordVectorsFormatException(path + ": the file starts with a UTF-8 byte-order mark "
                        + "(bytes EF BB BF) before the header 'count dimension'; word2vec files have none: "
                        + "remove those 3 bytes");
            }
            String line = new String(bytes, StandardCharsets.UTF_8).strip();
            String[] parts = line.split("[ \t]+");
            long v;
            long e;
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                v = Long.parseLong(parts[0]);
                e = Long.parseLong(parts[1]);
            } catch (NumberFormatException ex) {
                throw new WordVectorsFormatException(path + ": line 1 must be the header 'count dimension' but was '"
                        + abbreviate(line) + "'");
            }
            if (v < 0 || e < 1 || v > Integer.MAX_VALUE || e > Integer.MAX_VALUE) {
                throw new WordVectorsFormatException(path + ": header 'count dimension' must have count >= 0 and"
                        + " dimension >= 1 but was '" + line + "'");
            }
            return new long[] {v, e};
        }

        private static String abbreviate(String s) {
            return s.length() <= 60 ? s : s.substring(0, 60) + "...";
        }
    }
}
