package org.seq4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.seq4j.embed.ScoredWord;
import org.seq4j.embed.WordVectors;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.cli.PathChecks;

/**
 * Answers queries on word vectors typed on standard input, one per line:
 * <pre>
 *   paris                 the 10 nearest words
 *   king - man + woman    3CosAdd: words nearest to the normalised sum (inputs excluded)
 *   king - man * woman    the same with 3CosMul (any '*' in the line switches to it)
 *   ice-cream             a hyphenated word: operators are only + - * standing alone, between spaces
 *   "-" + 'x'             quotes make a word of anything, even an operator
 * </pre>
 * Usage: {@code word2vec-query VECTORS [-n 10]}. An empty line or end of input quits. A word the vectors
 * do not hold is reported, with a hint when it looks like operators written without spaces
 * ({@code king-man+woman}).
 */
public final class Word2VecQueryMain {

    static final String USAGE = String.join("\n",
            "usage: word2vec-query VECTORS [-n TOP]",
            "  then type one query per line (an empty line or the end of input quits):",
            "    paris                the TOP nearest words",
            "    king - man + woman   3CosAdd: the words nearest to the normalised sum (query words excluded)",
            "    king - man * woman   the same with 3CosMul (any '*' switches to it)",
            "  operators are + - * standing alone: put spaces around them, so that ice-cream or e-mail is one",
            "  word; quote a word to take it literally, e.g. \"-\" or 'c++'",
            "  -n TOP        answers per query (10)",
            "  --verbose     print the stack trace of a failure; --help prints this text");

    private static final Options.Spec OPTIONS = Options.spec("-").values("n").positionals(1, "VECTORS file");

    private Word2VecQueryMain() {
    }

    /**
     * Runs the query loop on standard input and exits with its status.
     *
     * @param args the arguments above
     */
    public static void main(String[] args) {
        Cli.exit(run(args, Cli.stdout(), Cli.stderr()));
    }

    /**
     * Runs the query loop on standard input without exiting the JVM.
     *
     * @param args the arguments above
     * @param out  the answers
     * @param err  the one-line message of a failure
     * @return the exit status: 0 done, 2 bad usage or input, 1 a failure
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /**
     * Runs the query loop on the given queries without exiting the JVM.
     *
     * @param args    the arguments above
     * @param queries the query lines, UTF-8
     * @param out     the answers
     * @param err     the one-line message of a failure
     * @return the exit status: 0 done, 2 bad usage or input, 1 a failure
     */
    public static int run(String[] args, InputStream queries, PrintStream out, PrintStream err) {
        return Cli.run("word2vec-query", USAGE, args, out, err, (a, o) -> query(a, queries, o));
    }

    private static void query(String[] args, InputStream queries, PrintStream out) throws IOException {
        Options options = OPTIONS.parse(args, 0);
        int top = options.intValue("n", 10, 1, 1_000_000);
        if (options.positionals().isEmpty()) {
            throw CliException.usage("missing VECTORS file");
        }
        Path file = Options.toPath("VECTORS", options.positionals().get(0));
        PathChecks.inputFile("VECTORS", file);
        WordVectors vectors = WordVectors.read(file);
        out.printf(Locale.ROOT, "%d words x %d; enter a word or 'a - b + c' (empty line quits)%n",
                vectors.size(), vectors.dimension());
        BufferedReader in = new BufferedReader(new InputStreamReader(queries, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.isBlank()) {
            answer(vectors, line.strip(), top, out);
        }
    }

    /** A parsed query: the words added and subtracted, and whether 3CosMul was asked for. */
    record Query(List<String> positive, List<String> negative, boolean cosMul) {
    }

    /**
     * Parses a query line: words separated by white space; {@code +}, {@code -} and {@code *} standing alone
     * are operators (a word is subtracted after {@code -}, added otherwise; any {@code *} asks for 3CosMul);
     * a word in double or single quotes is taken literally.
     *
     * @param line the query
     * @return the query
     * @throws IllegalArgumentException if a quote is not closed or an operator has no word after it
     */
    static Query parse(String line) {
        List<String> positive = new ArrayList<>();
        List<String> negative = new ArrayList<>();
        boolean cosMul = false;
        char sign = '+';
        boolean pendingOperator = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            String word;
            if (c == '"' || c == '\'') {
                int close = line.indexOf(c, i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("the quote " + c + " at column " + (i + 1) + " is not closed");
                }
                word = line.substring(i + 1, close);
                i = close + 1;
                if (word.isEmpty()) {
                    throw new IllegalArgumentException("an empty quoted word at column " + (close) + "");
                }
            } else {
                int end = i;
                while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
                    end++;
                }
                String token = line.substring(i, end);
                i = end;
                if (token.equals("+") || token.equals("-") || token.equals("*")) {
                    cosMul |= token.equals("*");
                    sign = token.equals("-") ? '-' : '+';
                    pendingOperator = true;
                    continue;
                }
                word = token;
            }
            (sign == '-' ? negative : positive).add(word);
            sign = '+';
            pendingOperator = false;
        }
        if (pendingOperator) {
            throw new IllegalArgumentException("the query ends with an operator; give a word after it");
        }
        return new Query(positive, negative, cosMul);
    }

    static void answer(WordVectors vectors, String line, int top, PrintStream out) {
        Query query;
        try {
            query = parse(line);
        } catch (IllegalArgumentException e) {
            out.println("  " + e.getMessage());
            return;
        }
        List<String> words = new ArrayList<>(query.positive());
        words.addAll(query.negative());
        for (String word : words) {
            if (!vectors.contains(word)) {
                out.println("  unknown word: " + word + operatorHint(vectors, word));
                return;
            }
        }
        if (query.positive().isEmpty()) {
            out.println("  a query needs at least one word added");
            return;
        }
        long t0 = System.nanoTime();
        List<ScoredWord> answers = query.cosMul()
                ? vectors.mostSimilarCosMul(query.positive(), query.negative(), top, 0)
                : vectors.mostSimilar(query.positive(), query.negative(), top, 0);
        double ms = (System.nanoTime() - t0) / 1e6;
        for (ScoredWord s : answers) {
            out.printf(Locale.ROOT, "  %-20s %.4f%n", s.word(), s.score());
        }
        out.printf(Locale.ROOT, "  (%.1f ms)%n", ms);
    }

    /** For "king-man+woman" whose pieces are all words: a hint to put spaces around the operators. */
    private static String operatorHint(WordVectors vectors, String word) {
        String spaced = word.replaceAll("([+*-])", " $1 ").strip().replaceAll("\\s+", " ");
        if (spaced.equals(word)) {
            return "";
        }
        for (String piece : spaced.split(" ")) {
            if (!piece.matches("[+*-]") && !vectors.contains(piece)) {
                return "";
            }
        }
        return " (operators need spaces around them: " + spaced + ")";
    }
}
