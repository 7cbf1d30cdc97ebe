package org.seq4j.embed;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Word-analogy accuracy on a file in the format of {@code questions-words.txt} (Mikolov et al. 2013):
 * sections introduced by {@code ": name"} lines, then one question {@code "a b c d"} per line, read
 * "a is to b as c is to d".
 *
 * <p>Follows gensim's {@code KeyedVectors.evaluate_word_analogies} exactly:
 * <ul>
 *   <li>only the first {@code restrictVocab} vectors (the most frequent words) are used; a question with
 *       a word outside them is skipped and counted as not answered (word2vec.c's {@code compute-accuracy}
 *       uses 30,000, gensim's default is 300,000);</li>
 *   <li>case-insensitive matching upper-cases both the questions and the vocabulary, a word standing for
 *       its most frequent casing;</li>
 *   <li>the answer is the best of the 5 nearest words by 3CosAdd ({@code b - a + c}, cosine over
 *       normalised vectors, the rows of {@code a, b, c} excluded) that is not one of {@code a, b, c}
 *       in another casing;</li>
 *   <li>lines that are not four words are ignored; sections named {@code gram...} are syntactic, the
 *       others semantic.</li>
 * </ul>
 */
public final class AnalogyEvaluation {

    /** The vocabulary restriction of word2vec.c's {@code compute-accuracy}: the 30,000 most frequent words. */
    public static final int DEFAULT_RESTRICT_VOCAB = 30_000;

    private static final int CANDIDATES = 5;

    private AnalogyEvaluation() {
    }

    /**
     * Counts of one section, or of a group of sections.
     *
     * @param name     section name ({@code capital-common-countries}, ...) or group name
     * @param correct  questions answered correctly
     * @param answered questions whose four words are all within the restricted vocabulary
     * @param total    all questions
     */
    public record Section(String name, int correct, int answered, int total) {

        /**
         * Returns the accuracy over the answered questions.
         *
         * @return {@code correct / answered}, or 0 if nothing was answered
         */
        public double accuracy() {
            return answered == 0 ? 0 : correct / (double) answered;
        }

        /**
         * Tells whether this is a syntactic section (its name starts with {@code gram}, as in gensim).
         *
         * @return whether the section is syntactic
         */
        public boolean syntactic() {
            return name.startsWith("gram");
        }
    }

    /**
     * The outcome: per section and overall.
     *
     * @param sections the sections in file order
     */
    public record Result(List<Section> sections) {

        /**
         * Creates the result.
         *
         * @param sections the sections in file order; copied
         */
        public Result {
            sections = List.copyOf(sections);
        }

        /**
         * Returns all sections together.
         *
         * @return the sum over all sections, named {@code total}
         */
        public Section overall() {
            return sum("total", null);
        }

        /**
         * Returns the semantic sections together.
         *
         * @return the sum over the sections not named {@code gram...}, named {@code semantic}
         */
        public Section semantic() {
            return sum("semantic", false);
        }

        /**
         * Returns the syntactic sections together.
         *
         * @return the sum over the sections named {@code gram...}, named {@code syntactic}
         */
        public Section syntactic() {
            return sum("syntactic", true);
        }

        private Section sum(String name, Boolean syntactic) {
            int c = 0;
            int a = 0;
            int t = 0;
            for (Section s : sections) {
                if (syntactic == null || s.syntactic() == syntactic) {
                    c += s.correct();
                    a += s.answered();
                    t += s.total();
                }
            }
            return new Section(name, c, a, t);
        }
    }

    /**
     * Evaluates vectors on an analogy file.
     *
     * @param vectors         the vectors, most frequent word first
     * @param questions       UTF-8 file in the {@code questions-words.txt} format
     * @param restrictVocab   use only the first this many vectors ({@code >= 1})
     * @param caseInsensitive match words ignoring case (upper-casing both sides, as gensim)
     * @return counts per section
     * @throws IOException              if the file cannot be read or a question comes before any section
     * @throws IllegalArgumentException if {@code restrictVocab < 1}
     */
    public static Result evaluate(WordVectors vectors, Path questions, int restrictVocab, boolean caseInsensitive)
            throws IOException {
        try (BufferedReader in = Files.newBufferedReader(questions, StandardCharsets.UTF_8)) {
            return evaluate(vectors, in, questions.toString(), restrictVocab, caseInsensitive);
        }
    }

    /**
     * Evaluates vectors on analogy questions read from a reader.
     *
     * @param vectors         the vectors, most frequent word first
     * @param questions       the questions in the {@code questions-words.txt} format; read to the end, not closed
     * @param sourceName      name of the source for error messages
     * @param restrictVocab   use only the first this many vectors ({@code >= 1})
     * @param caseInsensitive match words ignoring case (upper-casing both sides, as gensim)
     * @return counts per section
     * @throws IOException              if reading fails or a question comes before any section
     * @throws IllegalArgumentException if {@code restrictVocab < 1}
     */
    public static Result evaluate(WordVectors vectors, BufferedReader questions, String sourceName,
                                  int restrictVocab, boolean caseInsensitive) throws IOException {
        Objects.requireNonNull(vectors, "vectors");
        if (restrictVocab < 1) {
            throw new IllegalArgumentException("restrictVocab must be >= 1 but was " + restrictVocab);
        }
        int limit = Math.min(restrictVocab, vectors.size());
        // Key -> row of the most frequent word with that key (gensim fills the map from rare to frequent).
        Map<String, Integer> okVocab = new HashMap<>(limit * 2);
        for (int i = limit - 1; i >= 0; i--) {
            okVocab.put(key(vectors.word(i), caseInsensitive), i);
        }
        List<Section> sections = new ArrayList<>();
        String name = null;
        int correct = 0;
        int answered = 0;
        int total = 0;
        String line;
        int lineNo = 0;
        int[] pos = new int[2];
        int[] neg = new int[1];
        int[] excluded = new int[3];
        while ((line = questions.readLine()) != null) {
            lineNo++;
            if (line.startsWith(": ")) {
                if (name != null) {
                    sections.add(new Section(name, correct, answered, total));
                }
                name = line.substring(2).strip();
                correct = 0;
                answered = 0;
                total = 0;
                continue;
            }
            if (name == null) {
                throw new IOException(sourceName + ": line " + lineNo + ": question before the first ': section' line");
            }
            String[] w = line.strip().split("\\s+");
            if (w.length != 4) {
                continue;
            }
            for (int i = 0; i < 4; i++) {
                w[i] = key(w[i], caseInsensitive);
            }
            total++;
            Integer a = okVocab.get(w[0]);
            Integer b = okVocab.get(w[1]);
            Integer c = okVocab.get(w[2]);
            if (a == null || b == null || c == null || !okVocab.containsKey(w[3])) {
                continue;
            }
            answered++;
            pos[0] = b;
            pos[1] = c;
            neg[0] = a;
            excluded[0] = a;
            excluded[1] = b;
            excluded[2] = c;
            int[] best = vectors.nearest(pos, neg, CANDIDATES, limit, excluded, null);
            String predicted = null;
            for (int row : best) {
                predicted = key(vectors.word(row), caseInsensitive);
                if (!predicted.equals(w[0]) && !predicted.equals(w[1]) && !predicted.equals(w[2])) {
                    break;
                }
            }
            if (w[3].equals(predicted)) {
                correct++;
            }
        }
        if (name != null) {
            sections.add(new Section(name, correct, answered, total));
        }
        return new Result(sections);
    }

    private static String key(String word, boolean caseInsensitive) {
        return caseInsensitive ? word.toUpperCase(Locale.ROOT) : word;
    }
}
