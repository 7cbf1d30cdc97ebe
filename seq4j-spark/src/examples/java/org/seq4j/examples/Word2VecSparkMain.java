package org.seq4j.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.seq4j.embed.Word2VecDivergedException;
import org.seq4j.embed.Word2VecVocabulary;
import org.seq4j.embed.WordVectors;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.PathChecks;
import org.seq4j.spark.SparkWord2Vec;

/**
 * Trains word2vec on Apache Spark ({@link SparkWord2Vec}) with the flags of {@code examples/run word2vec}:
 * <pre>
 *   word2vec-spark -train FILE|DIR -output FILE [--master local[2]] [--partitions N] [--syncs-per-epoch S]
 *                  [--sync average|sum|sqrt]
 *                  [the word2vec flags: -size -window -sample -hs -negative -iter -min-count -alpha -binary
 *                   -cbow -seed -trainer -batch]
 * </pre>
 * {@code -train} is a text file, a directory of text files (Spark reads every file in it) or a URI that
 * Spark reads ({@code hdfs://...}); {@code -output} is written by the driver. Without
 * {@code --master} the master comes from {@code spark-submit} (or {@code local[2]} when there is none).
 * Ends with the line of {@code examples/run word2vec}:
 * {@code summary words=N vocab=V seconds=S words_per_sec=W train_seconds=T train_words_per_sec=X}, where
 * {@code seconds} counts from the start of the vocabulary count and {@code train_seconds} the training alone.
 */
public final class Word2VecSparkMain {

    static final String USAGE = String.join("\n",
            "usage: word2vec-spark -train FILE|DIR -output FILE [--master M] [--partitions N] [--syncs-per-epoch S]"
                    + " [--sync average|sum|sqrt] [word2vec options]",
            "  -train FILE|DIR|URI  training text (a directory: every file in it; hdfs://... as Spark reads it),",
            "                       one sentence per line",
            "  -output FILE         where the vectors go (text, or binary with -binary 1), written by the driver",
            "  --master M           Spark master (default: spark-submit's, else local[2])",
            "  --partitions N       partitions that train at the same time (default 2)",
            "  --syncs-per-epoch S  synchronisations of the tables per epoch (default 4)",
            "  --sync MODE          rows k partitions changed: averaged (average, default), their updates added (sum)",
            "                       or added and divided by sqrt(k) (sqrt); see docs/spark.md",
            "  and the options of 'examples/run word2vec --help' (-threads is ignored: one task per partition)",
            "ends with: summary words=N vocab=V seconds=S words_per_sec=W train_seconds=T train_words_per_sec=X");

    /** A URI with a scheme ({@code hdfs://}, {@code s3a://}, {@code file:/}): passed to Spark as it is. */
    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:/");

    private Word2VecSparkMain() {
    }

    /**
     * Runs the tool and exits with its status.
     *
     * @param args the flags above
     */
    public static void main(String[] args) {
        Cli.exit(run(args, Cli.stdout(), Cli.stderr()));
    }

    /** The flags this main reads itself; the rest go to the word2vec example's parser. */
    private static final Set<String> SPARK_FLAGS = Set.of("--master", "-train", "--partitions", "--syncs-per-epoch",
            "--sync");

    /**
     * Runs the tool without exiting the JVM.
     *
     * @param args the flags above
     * @param out  the summary line
     * @param err  the one-line message of a failure
     * @return the exit status: 0 done, 2 bad usage or input, 1 a failure during training
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("word2vec-spark", USAGE, args, out, err, (a, o) -> train(a, o));
    }

    private static void train(String[] args, PrintStream out) throws IOException {
        String master = null;
        String train = null;
        int partitions = 2;
        int syncs = 4;
        SparkWord2Vec.Sync sync = SparkWord2Vec.Sync.AVERAGE;
        List<String> rest = new ArrayList<>();
        Set<String> given = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (SPARK_FLAGS.contains(args[i]) && !given.add(args[i])) {
                throw CliException.usage(args[i] + " is given twice; give it once");
            }
            switch (args[i]) {
                case "--master" -> master = value(args, i++);
                case "-train" -> train = value(args, i++);
                case "--partitions" -> partitions = count(args[i], value(args, i++));
                case "--syncs-per-epoch" -> syncs = count(args[i], value(args, i++));
                case "--sync" -> sync = sync(value(args, i++));
                default -> rest.add(args[i]);
            }
        }
        Word2VecMain.Options o;
        try {
            o = Word2VecMain.Options.parse(rest.toArray(new String[0]));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (train == null) {
            throw CliException.usage("-train FILE|DIR is required (the bundled demo is 'examples/run word2vec')");
        }
        if (o.output == null) {
            throw CliException.usage("-train needs -output");
        }
        String corpus = train;
        if (!URI.matcher(train).lookingAt()) {     // a local file or directory; a URI is Spark's to read
            Path local = Path.of(train);
            if (!Files.isDirectory(local)) {
                PathChecks.inputFile("-train", local);
            }
            corpus = local.toAbsolutePath().toUri().toString();
        }
        PathChecks.outputFile("-output", o.output);
        if (o.config.fullSoftmax()) {
            throw CliException.usage("the full softmax is not supported on Spark");
        }
        SparkConf conf = new SparkConf().setAppName("seq4j word2vec");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[2]");
        }
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            long start = System.nanoTime();
            JavaRDD<String> lines = spark.textFile(corpus, partitions);
            Word2VecVocabulary vocabulary = SparkWord2Vec.countVocabulary(lines, o.config.minCount(),
                    o.config.maxVocabSize());
            if (vocabulary.size() == 0 || (o.config.hierarchicalSoftmax() && vocabulary.size() < 2)) {
                throw CliException.input(String.format(Locale.ROOT, "-train %s has %d words that occur -min-count %d"
                        + " times or more; give a larger corpus or a smaller -min-count", train, vocabulary.size(),
                        o.config.minCount()));
            }
            long trainStart = System.nanoTime();
            WordVectors vectors;
            try {
                vectors = new SparkWord2Vec(o.config, partitions, syncs, sync).train(lines, vocabulary);
            } catch (Word2VecDivergedException e) {
                throw CliException.failure(e.getMessage() + "; nothing was written to " + o.output
                        + "; give a smaller -alpha", e);
            }
            long end = System.nanoTime();
            if (o.binary) {
                vectors.writeBinary(o.output);
            } else {
                vectors.writeText(o.output);
            }
            long words = (long) o.config.epochs() * vocabulary.totalCount();
            double seconds = (end - start) / 1e9;
            double trainSeconds = (end - trainStart) / 1e9;
            out.printf(Locale.ROOT,
                    "summary words=%d vocab=%d seconds=%.1f words_per_sec=%.0f train_seconds=%.1f train_words_per_sec=%.0f%n",
                    words, vocabulary.size(), seconds, words / seconds, trainSeconds, words / trainSeconds);
        }
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw CliException.usage("option " + args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static SparkWord2Vec.Sync sync(String value) {
        return switch (value) {
            case "sum" -> SparkWord2Vec.Sync.SUM;
            case "average" -> SparkWord2Vec.Sync.AVERAGE;
            case "sqrt" -> SparkWord2Vec.Sync.SQRT;
            default -> throw CliException.usage("--sync must be 'average', 'sum' or 'sqrt' but was '" + value + "'");
        };
    }

    private static int count(String flag, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CliException.usage(flag + " must be a whole number >= 1 but was '" + value + "'");
    }
}
