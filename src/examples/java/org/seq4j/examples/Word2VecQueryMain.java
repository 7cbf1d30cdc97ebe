package org.seq4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.seq4j.embed.ScoredWord;
import org.seq4j.embed.WordVectors;
import org.seq4j.embed.WordVectorsFormatException;

/**
 * Answers queries on word vectors typed on standard input, one per line:
 * <pre>
 *   paris                 the 10 nearest words
 *   king - man + woman    3CosAdd: words nearest to the normalised sum (inputs excluded)
 *   king - man * woman    the same with 3CosMul (any '*' in the line switches to it)
 * </pre>
 * Usage: {@code word2vec-query VECTORS [-n 10]}. An empty line or end of input quits.
 */
public final class Word2VecQueryMain {

    static final String USAGE = "usage: word2vec-query VECTORS [-n TOP]\n"
            + "  then type a word, or an expression like 'king - man + woman' (use '*' for 3CosMul)";

    private Word2VecQueryMain() {
    }

    /**
     * Runs the query loop.
     *
     * @param args the arguments above
     * @throws IOException if the vectors cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path file = null;
        int top = 10;
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("-n")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("option -n needs a value");
                    }
                    try {
                        top = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("-n needs an integer but got '" + args[i] + "'");
                    }
                    if (top < 1) {
                        throw new IllegalArgumentException("-n must be >= 1 but was " + top);
                    }
                } else if (args[i].startsWith("-") || file != null) {
                    throw new IllegalArgumentException("unexpected argument " + args[i]);
                } else {
                    file = Path.of(args[i]);
                }
            }
            if (file == null) {
                throw new IllegalArgumentException("missing VECTORS file");
            }
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read " + file);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("word2vec-query: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        WordVectors vectors;
        try {
            vectors = WordVectors.read(file);
        } catch (WordVectorsFormatException e) {
            System.err.println("word2vec-query: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.printf(Locale.ROOT, "%d words x %d; enter a word or 'a - b + c' (empty line quits)%n",
                vectors.size(), vectors.dimension());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.isBlank()) {
            answer(vectors, line.strip(), top);
        }
    }

    static void answer(WordVectors vectors, String query, int top) {
        List<String> positive = new ArrayList<>();
        List<String> negative = new ArrayList<>();
        boolean cosMul = query.contains("*");
        char sign = '+';
        for (String token : query.replace("+", " + ").replace("-", " - ").replace("*", " * ").split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (token.equals("+") || token.equals("-") || token.equals("*")) {
                sign = token.equals("-") ? '-' : '+';
                continue;
            }
            if (!vectors.contains(token)) {
                System.out.println("  unknown word: " + token);
                return;
            }
            (sign == '-' ? negative : positive).add(token);
            sign = '+';
        }
        if (positive.isEmpty()) {
            System.out.println("  a query needs at least one word added");
            return;
        }
        long t0 = System.nanoTime();
        List<ScoredWord> answers = cosMul ? vectors.mostSimilarCosMul(positive, negative, top, 0)
                : vectors.mostSimilar(positive, negative, top, 0);
        double ms = (System.nanoTime() - t0) / 1e6;
        for (ScoredWord s : answers) {
            System.out.printf(Locale.ROOT, "  %-20s %.4f%n", s.word(), s.score());
        }
        System.out.printf(Locale.ROOT, "  (%.1f ms)%n", ms);
    }
}
