package org.seq4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.seq4j.embed.ScoredWord;
import org.seq4j.embed.Word2VecConfig;
import org.seq4j.embed.Word2VecModel;
import org.seq4j.embed.Word2VecTrainer;
import org.seq4j.embed.WordVectors;

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
 */
public final class Word2VecMain {

    static final String BUNDLED_CORPUS = "/word2vec/corpus.txt.gz";

    private Word2VecMain() {
    }

    /**
     * Runs the tool.
     *
     * @param args the flags above
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("word2vec: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        Path corpus = o.train;
        boolean demo = corpus == null;
        if (demo) {
            corpus = Files.createTempFile("seq4j-word2vec-corpus", ".txt");
            corpus.toFile().deleteOnExit();
            try (InputStream in = Word2VecMain.class.getResourceAsStream(BUNDLED_CORPUS)) {
                if (in == null) {
                    System.err.println("word2vec: bundled corpus " + BUNDLED_CORPUS + " is not on the class path");
                    System.exit(1);
                    return;
                }
                try (InputStream gz = new GZIPInputStream(in, 1 << 16);
                     OutputStream out = Files.newOutputStream(corpus)) {
                    gz.transferTo(out);
                }
            }
            System.out.println("training on the bundled corpus (" + Files.size(corpus) / 1_000_000 + " MB)");
        }
        long start = System.nanoTime();
        Word2VecModel model = new Word2VecTrainer(o.config).train(List.of(corpus));
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
            show(vectors);
            Files.deleteIfExists(corpus);
        }
        System.out.printf(Locale.ROOT,
                "summary words=%d vocab=%d seconds=%.1f words_per_sec=%.0f train_seconds=%.1f train_words_per_sec=%.0f%n",
                model.trainedWords(), model.vocabulary().size(), seconds, model.trainedWords() / seconds,
                model.trainingSeconds(), model.trainedWords() / model.trainingSeconds());
    }

    private static void show(WordVectors v) {
        if (v.contains("king") && v.contains("man") && v.contains("woman")) {
            List<ScoredWord> add = v.analogy("man", "king", "woman", 10);
            List<ScoredWord> mul = v.analogyCosMul("man", "king", "woman", 10);
            System.out.println("king - man + woman          3CosAdd                 3CosMul");
            for (int i = 0; i < add.size(); i++) {
                System.out.printf(Locale.ROOT, "  %2d                        %-14s %.3f   %-14s %.3f%n", i + 1,
                        add.get(i).word(), add.get(i).score(), mul.get(i).word(), mul.get(i).score());
            }
        }
        System.out.println("nearest neighbours:");
        for (String w : new String[] {"god", "king", "war", "ship", "whale", "sister", "love", "bread"}) {
            if (!v.contains(w)) {
                continue;
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-8s", w));
            for (ScoredWord s : v.mostSimilar(w, 7)) {
                line.append(' ').append(s.word());
            }
            System.out.println(line);
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
                "ends with: summary words=N vocab=V seconds=S words_per_sec=W train_seconds=T train_words_per_sec=X",
                "  (S: counting and training; T: training alone)");

        Path train;
        Path output;
        boolean binary;
        boolean help;
        Word2VecConfig config;

        static Options parse(String[] args) {
            Options o = new Options();
            Word2VecConfig.Builder b = Word2VecConfig.builder();
            Double alpha = null;
            boolean cbow = false;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("-h") || flag.equals("-help") || flag.equals("--help")) {
                    o.help = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag.startsWith("-") ? "option " + flag + " needs a value"
                            : "unexpected argument '" + flag + "'");
                }
                String value = args[++i];
                switch (flag) {
                    case "-train" -> o.train = Path.of(value);
                    case "-output" -> o.output = Path.of(value);
                    case "-size" -> b.vectorSize(intValue(flag, value));
                    case "-window" -> b.window(intValue(flag, value));
                    case "-sample" -> b.sample(doubleValue(flag, value));
                    case "-hs" -> b.hierarchicalSoftmax(flagValue(flag, value));
                    case "-negative" -> b.negative(intValue(flag, value));
                    case "-threads" -> b.threads(intValue(flag, value));
                    case "-iter" -> b.epochs(intValue(flag, value));
                    case "-min-count" -> b.minCount(intValue(flag, value));
                    case "-alpha" -> alpha = doubleValue(flag, value);
                    case "-binary" -> o.binary = flagValue(flag, value);
                    case "-cbow" -> cbow = flagValue(flag, value);
                    case "-seed" -> b.seed(longValue(flag, value));
                    case "-trainer" -> b.update(switch (value) {
                        case "exact" -> Word2VecConfig.Update.EXACT;
                        case "batched" -> Word2VecConfig.Update.BATCHED;
                        default -> throw new IllegalArgumentException(
                                "-trainer must be exact or batched but was '" + value + "'");
                    });
                    case "-batch" -> b.batchSize(intValue(flag, value));
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (o.train != null && o.output == null) {
                throw new IllegalArgumentException("-train needs -output");
            }
            if (o.train != null && !Files.isReadable(o.train)) {
                throw new IllegalArgumentException("cannot read training file " + o.train);
            }
            b.architecture(cbow ? Word2VecConfig.Architecture.CBOW : Word2VecConfig.Architecture.SKIP_GRAM);
            if (alpha != null) {
                b.alpha(alpha);
            }
            o.config = b.build();
            return o;
        }

        private static int intValue(String flag, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs an integer but got '" + value + "'");
            }
        }

        private static long longValue(String flag, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs an integer but got '" + value + "'");
            }
        }

        private static double doubleValue(String flag, String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number but got '" + value + "'");
            }
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
