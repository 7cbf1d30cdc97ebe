package org.seq4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.seq4j.embed.AnalogyEvaluation;
import org.seq4j.embed.WordSimilarityEvaluation;
import org.seq4j.embed.WordVectors;
import org.seq4j.embed.WordVectorsFormatException;

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
            "  -sections      also print the accuracy of every analogy section");

    private Word2VecEvalMain() {
    }

    /**
     * Runs the evaluation.
     *
     * @param args the arguments above
     * @throws IOException if a file cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path vectorsFile = null;
        int restrict = AnalogyEvaluation.DEFAULT_RESTRICT_VOCAB;
        boolean sections = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-h", "-help", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    case "-sections" -> sections = true;
                    case "-restrict" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("option -restrict needs a value");
                        }
                        try {
                            restrict = Integer.parseInt(args[++i]);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("-restrict needs an integer but got '" + args[i] + "'");
                        }
                        if (restrict < 1) {
                            throw new IllegalArgumentException("-restrict must be >= 1 but was " + restrict);
                        }
                    }
                    default -> {
                        if (args[i].startsWith("-") || vectorsFile != null) {
                            throw new IllegalArgumentException("unexpected argument " + args[i]);
                        }
                        vectorsFile = Path.of(args[i]);
                    }
                }
            }
            if (vectorsFile == null) {
                throw new IllegalArgumentException("missing VECTORS file");
            }
            if (!Files.isReadable(vectorsFile)) {
                throw new IllegalArgumentException("cannot read " + vectorsFile);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("word2vec-eval: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        WordVectors vectors;
        try {
            vectors = WordVectors.read(vectorsFile);
        } catch (WordVectorsFormatException e) {
            System.err.println("word2vec-eval: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.printf(Locale.ROOT, "vectors: %s (%d words x %d)%n", vectorsFile, vectors.size(), vectors.dimension());
        long t0 = System.nanoTime();
        AnalogyEvaluation.Result analogies;
        try (BufferedReader in = resource("questions-words.txt")) {
            analogies = AnalogyEvaluation.evaluate(vectors, in, "questions-words.txt", restrict, true);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (sections) {
            for (AnalogyEvaluation.Section s : analogies.sections()) {
                print("  " + s.name(), s);
            }
        }
        print("analogy overall", analogies.overall());
        print("analogy semantic", analogies.semantic());
        print("analogy syntactic", analogies.syntactic());
        System.out.printf(Locale.ROOT, "  (3CosAdd over the %d most frequent words, case-insensitive; %.1f s)%n",
                Math.min(restrict, vectors.size()), seconds);
        for (String[] set : new String[][] {{"WS-353", "wordsim353.tsv"}, {"SimLex-999", "simlex999.txt"}}) {
            WordSimilarityEvaluation.Result r;
            try (BufferedReader in = resource(set[1])) {
                r = WordSimilarityEvaluation.evaluate(vectors, in, WordSimilarityEvaluation.DEFAULT_RESTRICT_VOCAB, true);
            }
            System.out.printf(Locale.ROOT, "%-18s spearman %.4f  pearson %.4f  (%d pairs, %.1f%% out of vocabulary)%n",
                    set[0], r.spearman(), r.pearson(), r.pairs(), 100 * r.oovRatio());
        }
    }

    private static void print(String label, AnalogyEvaluation.Section s) {
        System.out.printf(Locale.ROOT, "%-30s %6.2f%%  (%d correct; %d of %d questions answered)%n",
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
