package org.seq4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.seq4j.embed.AnalogyEvaluation;
import org.seq4j.embed.WordSimilarityEvaluation;
import org.seq4j.embed.WordVectors;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.cli.PathChecks;

/**
 * Scores word vectors: analogy accuracy on {@code questions-words.txt} (overall, semantic, syntactic and
 * per section, with the questions answered out of the total) and Spearman/Pearson correlations on
 * WordSim-353 and SimLex-999, with gensim's conventions (see {@link AnalogyEvaluation}).
 *
 * <pre>
 *   word2vec-eval VECTORS [-restrict 30000] [-sections]
 * </pre>
 * {@code VECTORS} is a word2vec text or binary file (told apart automatically), sorted by descending
 * frequency as word2vec.c, gensim and fastText write them.
 */
public final class Word2VecEvalMain {

    static final String USAGE = String.join("\n",
            "usage: word2vec-eval VECTORS [-restrict N] [-sections]",
            "  VECTORS        word2vec text or binary file, most frequent word first",
            "  -restrict N    analogies use only the N most frequent words (30000, as compute-accuracy)",
            "  -sections      also print the accuracy of every analogy section",
            "  --verbose      print the stack trace of a failure; --help prints this text");

    private static final Options.Spec OPTIONS = Options.spec("-").values("restrict").switches("sections")
            .positionals(1, "VECTORS file");

    private Word2VecEvalMain() {
    }

    /**
     * Runs the evaluation and exits with its status.
     *
     * @param args the arguments above
     */
    public static void main(String[] args) {
        Cli.exit(run(args, Cli.stdout(), Cli.stderr()));
    }

    /**
     * Runs the evaluation without exiting the JVM.
     *
     * @param args the arguments above
     * @param out  the scores
     * @param err  the one-line message of a failure
     * @return the exit status: 0 done, 2 bad usage or input, 1 a failure
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("word2vec-eval", USAGE, args, out, err, (a, o) -> evaluate(a, o));
    }

    private static void evaluate(String[] args, PrintStream out) throws IOException {
        Options options = OPTIONS.parse(args, 0);
        int restrict = options.intValue("restrict", AnalogyEvaluation.DEFAULT_RESTRICT_VOCAB, 1, Integer.MAX_VALUE);
        boolean sections = options.has("sections");
        if (options.positionals().isEmpty()) {
            throw CliException.usage("missing VECTORS file");
        }
        Path vectorsFile = Options.toPath("VECTORS", options.positionals().get(0));
        PathChecks.inputFile("VECTORS", vectorsFile);
        WordVectors vectors = WordVectors.read(vectorsFile);
        out.printf(Locale.ROOT, "vectors: %s (%d words x %d)%n", vectorsFile, vectors.size(), vectors.dimension());
        long t0 = System.nanoTime();
        AnalogyEvaluation.Result analogies;
        try (BufferedReader in = resource("questions-words.txt")) {
            analogies = AnalogyEvaluation.evaluate(vectors, in, "questions-words.txt", restrict, true);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (sections) {
            for (AnalogyEvaluation.Section s : analogies.sections()) {
                print(out, "  " + s.name(), s);
            }
        }
        print(out, "analogy overall", analogies.overall());
        print(out, "analogy semantic", analogies.semantic());
        print(out, "analogy syntactic", analogies.syntactic());
        out.printf(Locale.ROOT, "  (3CosAdd over the %d most frequent words, case-insensitive; %.1f s)%n",
                Math.min(restrict, vectors.size()), seconds);
        for (String[] set : new String[][] {{"WS-353", "wordsim353.tsv"}, {"SimLex-999", "simlex999.txt"}}) {
            WordSimilarityEvaluation.Result r;
            try (BufferedReader in = resource(set[1])) {
                r = WordSimilarityEvaluation.evaluate(vectors, in, WordSimilarityEvaluation.DEFAULT_RESTRICT_VOCAB, true);
            }
            out.printf(Locale.ROOT, "%-18s spearman %.4f  pearson %.4f  (%d pairs, %.1f%% out of vocabulary)%n",
                    set[0], r.spearman(), r.pearson(), r.pairs(), 100 * r.oovRatio());
        }
    }

    private static void print(PrintStream out, String label, AnalogyEvaluation.Section s) {
        out.printf(Locale.ROOT, "%-30s %6.2f%%  (%d correct; %d of %d questions answered)%n",
                label, 100 * s.accuracy(), s.correct(), s.answered(), s.total());
    }

    static BufferedReader resource(String name) throws IOException {
        InputStream in = Word2VecEvalMain.class.getResourceAsStream("/word2vec/" + name);
        if (in == null) {
            throw new IOException("test set /word2vec/" + name + " is not on the class path");
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
