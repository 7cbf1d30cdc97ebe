package org.seq4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.seq4j.embed.CorpusFormatException;
import org.seq4j.embed.ScoredWord;
import org.seq4j.embed.Word2VecConfig;
import org.seq4j.embed.Word2VecDivergedException;
import org.seq4j.embed.Word2VecModel;
import org.seq4j.embed.Word2VecTrainer;
import org.seq4j.embed.Word2VecVocabulary;
import org.seq4j.embed.WordVectors;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Heap;
import org.seq4j.examples.cli.PathChecks;

/**
 * Trains word2vec vectors with the flags of the original {@code word2vec} tool and saves them.
 *
 * <pre>
 *   word2vec -train FILE -output FILE [-size 100] [-window 5] [-sample 1e-3] [-hs 0] [-negative 5]
 *            [-threads N] [-iter 5] [-min-count 5] [-alpha 0.025] [-binary 0] [-cbow 0] [-seed 1]
 *            [-trainer exact|batched] [-batch N]
 * </pre>
 * {@code -trainer batched} takes minibatch steps with shared noise words (HogBatch, negative sampling only)
 * instead of word2vec.c's pair-by-pair steps; {@code -batch} caps the inputs per minibatch (default
 * {@code 2·window}: a whole skip-gram window).
 * With no arguments it trains on the bundled corpus (public-domain text: State of the Union addresses,
 * Gutenberg books and the King James Bible, normalised to lower-case word tokens) and shows
 * {@code king - man + woman} and some nearest neighbours. The last line printed is
 * {@code summary words=N vocab=V seconds=S words_per_sec=W train_seconds=T train_words_per_sec=X}, where
 * {@code N} counts the corpus words trained on over all epochs, {@code S} the seconds of counting and
 * training, and {@code T} those of training alone.
 *
 * <p>It runs under {@link Cli#run}: a mistake is one line on standard error and exit status 2 (bad usage
 * or input) or 1 (training diverged or failed), the stack trace only with {@code --verbose}. Before
 * training it checks every flag (each given once), that {@code -train} is a text file and {@code -output}
 * a writable file that is not the corpus, counts the vocabulary (refusing text that is not UTF-8, an empty
 * corpus, or a {@code -min-count} above every count) and checks that the tables fit the Java heap.
 */
public final class Word2VecMain {

    static final String BUNDLED_CORPUS = "/word2vec/corpus.txt.gz";

    private Word2VecMain() {
    }

    /**
     * Runs the tool and exits with its status.
     *
     * @param args the flags above
     */
    public static void main(String[] args) {
        Cli.exit(run(args, Cli.stdout(), Cli.stderr()));
    }

    /**
     * Runs the tool without exiting the JVM.
     *
     * @param args the flags above
     * @param out  the demo's queries and the summary line
     * @param err  the one-line message of a failure
     * @return the exit status: 0 done, 2 bad usage or input, 1 a failure during training
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("word2vec", Options.USAGE, args, out, err, (a, o) -> train(a, o));
    }

    private static void train(String[] args, PrintStream out) throws IOException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (o.train != null) {
            PathChecks.inputFile("-train", o.train);
        }
        if (o.output != null) {
            PathChecks.outputFile("-output", o.output);
            if (o.train != null) {
                PathChecks.distinct(List.of(new PathChecks.Arg("-train", o.train)),
                        List.of(new PathChecks.Arg("-output", o.output)));
            }
        }
        Path corpus = o.train;
        boolean demo = corpus == null;
        if (demo) {
            corpus = Files.createTempFile("seq4j-word2vec-corpus", ".txt");
            corpus.toFile().deleteOnExit();
            try (InputStream in = Word2VecMain.class.getResourceAsStream(BUNDLED_CORPUS)) {
                if (in == null) {
                    throw CliException.failure("the bundled corpus " + BUNDLED_CORPUS + " is not on the class path; "
                            + "give a corpus with -train FILE", null);
                }
                try (InputStream gz = new GZIPInputStream(in, 1 << 16);
                     OutputStream copy = Files.newOutputStream(corpus)) {
                    gz.transferTo(copy);
                }
            }
            out.println("training on the bundled corpus (" + Files.size(corpus) / 1_000_000 + " MB)");
        }
        long start = System.nanoTime();
        Word2VecVocabulary vocabulary = countVocabulary(corpus, o.config);
        checkMemory(vocabulary.size(), o.config);
        Word2VecModel model;
        try {
            model = new Word2VecTrainer(o.config).train(List.of(corpus), vocabulary);
        } catch (Word2VecDivergedException e) {
            throw CliException.failure(e.getMessage() + "; "
                    + (o.output != null ? "nothing was written to " + o.output : "nothing was written")
                    + "; give a smaller -alpha (the default is 0.025 for skip-gram, 0.05 for CBOW)", e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        WordVectors vectors = model.wordVectors();
        if (o.output != null) {
            if (o.binary) {
                vectors.writeBinary(o.output);
            } else {
                vectors.writeText(o.output);
            }
        }
        if (demo) {
            show(vectors, out);
            Files.deleteIfExists(corpus);
        }
        out.printf(Locale.ROOT,
                "summary words=%d vocab=%d seconds=%.1f words_per_sec=%.0f train_seconds=%.1f train_words_per_sec=%.0f%n",
                model.trainedWords(), model.vocabulary().size(), seconds, model.trainedWords() / seconds,
                model.trainingSeconds(), model.trainedWords() / model.trainingSeconds());
    }

    /** Counts the words, refusing a corpus that is not text or leaves nothing to train on. */
    private static Word2VecVocabulary countVocabulary(Path corpus, Word2VecConfig config) throws IOException {
        Word2VecVocabulary vocabulary;
        try {
            vocabulary = Word2VecVocabulary.count(List.of(corpus), config.minCount(), config.maxVocabSize());
        } catch (CorpusFormatException e) {
            throw CliException.input("-train " + e.getMessage() + "; give a UTF-8 text file (iconv -f latin1 "
                    + "-t utf-8 converts latin-1)", e);
        }
        if (vocabulary.corpusTokens() == 0) {
            throw CliException.input("-train " + corpus + " holds no words (it is empty or only white space); give "
                    + "a text with words");
        }
        if (vocabulary.size() == 0) {
            throw CliException.input(String.format(Locale.ROOT, "no word of -train %s occurs -min-count %d times or "
                    + "more (the corpus has %,d words); lower -min-count", corpus, config.minCount(),
                    vocabulary.corpusTokens()));
        }
        if (config.hierarchicalSoftmax() && vocabulary.size() < 2) {
            throw CliException.input("-hs 1 needs at least 2 distinct words but -train " + corpus + " has "
                    + vocabulary.size() + " at -min-count " + config.minCount() + "; lower -min-count or use -hs 0");
        }
        return vocabulary;
    }

    /** Refuses a vocabulary and vector size whose tables would not fit the Java heap, before allocating them. */
    private static void checkMemory(int words, Word2VecConfig config) {
        double v = words;
        double e = config.vectorSize();
        if (v * e > Integer.MAX_VALUE - 64) {
            throw CliException.input(String.format(Locale.ROOT, "-size %d with %,d words makes a table of %.3g "
                    + "numbers, more than a Java array holds (2^31); lower -size, or raise -min-count", config.vectorSize(),
                    words, v * e));
        }
        int outputTables = (config.negative() > 0 ? 1 : 0) + (config.hierarchicalSoftmax() ? 1 : 0)
                + (config.fullSoftmax() ? 1 : 0);
        // the input vectors and every output table, the word vectors handed out (a copy) and their normalised
        // copy for queries, a row of V scores per thread for the full softmax, and per thread the minibatch
        // rows (steps and CBOW hidden vectors) of the batched update
        double bytes = 4 * v * e * (1 + outputTables + 2) + (config.fullSoftmax() ? 4 * v * config.threads() : 0)
                + (config.update() == Word2VecConfig.Update.BATCHED
                        ? 4 * 2 * (double) config.batchSize() * e * config.threads() : 0);
        Heap.require(bytes, String.format(Locale.ROOT, "-size %d with %,d words", config.vectorSize(), words));
    }

    private static void show(WordVectors v, PrintStream out) {
        if (v.contains("king") && v.contains("man") && v.contains("woman")) {
            List<ScoredWord> add = v.analogy("man", "king", "woman", 10);
            List<ScoredWord> mul = v.analogyCosMul("man", "king", "woman", 10);
            out.println("king - man + woman          3CosAdd                 3CosMul");
            for (int i = 0; i < add.size(); i++) {
                out.printf(Locale.ROOT, "  %2d                        %-14s %.3f   %-14s %.3f%n", i + 1,
                        add.get(i).word(), add.get(i).score(), mul.get(i).word(), mul.get(i).score());
            }
        }
        out.println("nearest neighbours:");
        for (String w : new String[] {"god", "king", "war", "ship", "whale", "sister", "love", "bread"}) {
            if (!v.contains(w)) {
                continue;
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-8s", w));
            for (ScoredWord s : v.mostSimilar(w, 7)) {
                line.append(' ').append(s.word());
            }
            out.println(line);
        }
    }

    /** The command line. */
    static final class Options {
        static final String USAGE = String.join("\n",
                "usage: word2vec [-train FILE -output FILE] [options]",
                "  -train FILE       training text: UTF-8, whitespace-separated words, one sentence per line",
                "                    (without -train: train on the bundled corpus and show a few queries)",
                "  -output FILE      where to save the word vectors",
                "  -size N           vector size (100)",
                "  -window N         maximal skip length between words (5)",
                "  -sample X         subsampling threshold for frequent words (1e-3; 0 = off)",
                "  -hs 0|1           hierarchical softmax (0)",
                "  -negative N       negative samples (5; 0 = off)",
                "  -threads N        training threads (available processors)",
                "  -iter N           training epochs (5)",
                "  -min-count N      discard words seen fewer times (5)",
                "  -alpha X          starting learning rate (0.025 for skip-gram, 0.05 for CBOW)",
                "  -binary 0|1       save in the binary format (0: text)",
                "  -cbow 0|1         CBOW instead of skip-gram (0)",
                "  -seed N           seed of all random choices (1)",
                "  -trainer T        exact: word2vec.c's pair-by-pair steps (default); batched: minibatches",
                "                    whose inputs share one draw of noise words (HogBatch; negative sampling only)",
                "  -batch N          inputs per minibatch of -trainer batched (2 x window: a whole skip-gram window)",
                "  --verbose         print the stack trace of a failure; --help prints this text",
                "each flag is given at most once; training stops with exit status 1 if a vector becomes NaN or",
                "infinite (a learning rate far too large), and nothing is written then",
                "ends with: summary words=N vocab=V seconds=S words_per_sec=W train_seconds=T train_words_per_sec=X",
                "  (S: counting and training; T: training alone)");

        /** Bounds of the flags: beyond them a value is a typo (sizes are checked against the heap later). */
        static final int MAX_THREADS = 1024;
        static final int MAX_WINDOW = 10_000;
        static final int MAX_NEGATIVE = 1000;
        static final int MAX_ITER = 1_000_000;
        static final int MAX_BATCH = 100_000;
        private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

        Path train;
        Path output;
        boolean binary;
        Word2VecConfig config;

        static Options parse(String[] args) {
            Options o = new Options();
            Word2VecConfig.Builder b = Word2VecConfig.builder();
            Double alpha = null;
            boolean cbow = false;
            Set<String> given = new HashSet<>();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (!flag.startsWith("-")) {
                    throw new IllegalArgumentException("unexpected argument '" + flag + "' (flags are -name value)");
                }
                if (i + 1 >= args.length || (args[i + 1].startsWith("-") && !NUMBER.matcher(args[i + 1]).matches())) {
                    throw new IllegalArgumentException("option " + flag + " needs a value");
                }
                String value = args[++i];
                if (!given.add(flag)) {
                    throw new IllegalArgumentException(flag + " is given twice; give it once");
                }
                switch (flag) {
                    case "-train" -> o.train = path(flag, value);
                    case "-output" -> o.output = path(flag, value);
                    case "-size" -> b.vectorSize(intValue(flag, value, 1, Integer.MAX_VALUE / 4));
                    case "-window" -> b.window(intValue(flag, value, 1, MAX_WINDOW));
                    case "-sample" -> b.sample(doubleValue(flag, value, 0, 1));
                    case "-hs" -> b.hierarchicalSoftmax(flagValue(flag, value));
                    case "-negative" -> b.negative(intValue(flag, value, 0, MAX_NEGATIVE));
                    case "-threads" -> b.threads(intValue(flag, value, 1, MAX_THREADS));
                    case "-iter" -> b.epochs(intValue(flag, value, 1, MAX_ITER));
                    case "-min-count" -> b.minCount(intValue(flag, value, 1, Integer.MAX_VALUE));
                    case "-alpha" -> alpha = positiveValue(flag, value);
                    case "-binary" -> o.binary = flagValue(flag, value);
                    case "-cbow" -> cbow = flagValue(flag, value);
                    case "-seed" -> b.seed(longValue(flag, value));
                    case "-trainer" -> b.update(switch (value) {
                        case "exact" -> Word2VecConfig.Update.EXACT;
                        case "batched" -> Word2VecConfig.Update.BATCHED;
                        default -> throw new IllegalArgumentException(
                                "-trainer must be exact or batched but was '" + value + "'");
                    });
                    case "-batch" -> b.batchSize(intValue(flag, value, 1, MAX_BATCH));
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (o.train != null && o.output == null) {
                throw new IllegalArgumentException("-train needs -output");
            }
            b.architecture(cbow ? Word2VecConfig.Architecture.CBOW : Word2VecConfig.Architecture.SKIP_GRAM);
            if (alpha != null) {
                b.alpha(alpha);
            }
            o.config = b.build();
            return o;
        }

        private static Path path(String flag, String value) {
            return org.seq4j.examples.cli.Options.toPath(flag, value);
        }

        private static int intValue(String flag, String value) {
            return intValue(flag, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }

        private static int intValue(String flag, String value, int min, int max) {
            return (int) longValue(flag, value, min, max);
        }

        private static long longValue(String flag, String value) {
            return longValue(flag, value, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        private static long longValue(String flag, String value, long min, long max) {
            return single(flag, value).longValue(flag.substring(1), 0, min, max);
        }

        private static double doubleValue(String flag, String value, double min, double max) {
            return single(flag, value).doubleValue(flag.substring(1), 0, min, max);
        }

        private static double positiveValue(String flag, String value) {
            return single(flag, value).positiveValue(flag.substring(1), 0, 0, Double.MAX_VALUE);
        }

        /** The flag and its value as strict options, whose number parsing refuses NaN, 1e10 for an int, etc. */
        private static org.seq4j.examples.cli.Options single(String flag, String value) {
            String name = flag.substring(1);
            return org.seq4j.examples.cli.Options.spec("-").values(name).parse(new String[] {flag, value}, 0);
        }

        private static boolean flagValue(String flag, String value) {
            return switch (value) {
                case "0" -> false;
                case "1" -> true;
                default -> throw new IllegalArgumentException(flag + " must be 0 or 1 but was '" + value + "'");
            };
        }
    }
}
