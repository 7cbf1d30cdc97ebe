package org.seq4j.examples.classify;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.data.BucketBatcher;
import org.seq4j.data.TokenBatch;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Heap;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.cli.PathChecks;
import org.seq4j.embed.Word2VecConfig;
import org.seq4j.embed.Word2VecModel;
import org.seq4j.embed.Word2VecTrainer;
import org.seq4j.embed.WordVectors;
import org.seq4j.eval.BagOfWords;
import org.seq4j.eval.ClassWeights;
import org.seq4j.eval.ClassificationMetrics;
import org.seq4j.eval.LogisticRegression;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.Optimizer;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.Tokenizer;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code examples/run classify}: sequence classification (many-to-one) of SMS messages into ham and spam
 * with a word-level GRU or LSTM, beside a bag-of-words logistic regression on the same split.
 *
 * <p>The messages (the bundled SMS Spam Collection, or any {@code label<TAB>text} file) are split 80/20,
 * stratified by class, with a seeded shuffle. Both models read the same word ids: the training messages'
 * words seen at least {@code --min-count} times, others {@code <unk>}. The recurrent model
 * ({@link RnnClassifier}) is trained with a class-weighted cross-entropy on length-bucketed batches; its
 * embedding starts from word2vec vectors trained by seq4j on the training messages plus the bundled
 * word2vec corpus (or random vectors with {@code --word2vec-epochs 0}). The test messages are seen only by
 * the final evaluation.
 *
 * <p>Prints both models' accuracy, the positive class's precision, recall and F1 (spam, or the class given
 * by {@code --positive}), their confusion matrices and per-class reports, and last a line
 * {@code summary key=value …}. Progress goes to the log (standard error). Runs under the examples'
 * {@link Cli#run}: a bad option or input file is one line on standard error and exit status 2.
 */
public final class ClassifyMain {

    static final String NAME = "classify";

    static final String USAGE = String.join("\n",
            "usage: examples/run classify [options]",
            "",
            "Classifies text messages (ham/spam, or any label<TAB>text file) with a word-level GRU/LSTM and",
            "compares it with a bag-of-words logistic regression on the same seeded, stratified split.",
            "",
            "data:",
            "  --data FILE            label<TAB>text lines, UTF-8 (.gz read as gzip); labels any strings,",
            "                         two classes or more (default: the bundled SMS Spam Collection)",
            "  --positive LABEL       the class whose precision/recall/F1 are reported",
            "                         (default: spam if it is a label, else the rarest class)",
            "  --test-fraction F      held-out fraction of every class (default 0.2)",
            "  --min-count N          words seen fewer times in training become <unk> (default 2)",
            "  --max-length N         messages are cut after N words (default 100)",
            "model:",
            "  --cell gru|lstm        recurrent cell (default gru)",
            "  --bidirectional        read each message in both directions",
            "  --embedding E          word vector size (default 64)",
            "  --hidden H             hidden size (default 64)",
            "  --layers L             recurrent layers (default 1)",
            "  --dropout P            dropout on the final states (default 0.3)",
            "  --word2vec-epochs N    the embedding starts from word2vec vectors trained by seq4j for N",
            "                         epochs on the training messages plus the bundled word2vec corpus",
            "                         (default 3, about half the run; 0: random N(0, 1) vectors)",
            "  --word2vec-corpus FILE the text added to the messages for word2vec, UTF-8, one sentence",
            "                         per line (default: the bundled 2.1 M-token corpus of word2vec)",
            "training:",
            "  --epochs N             passes over the training messages (default 8)",
            "  --batch-size B         messages per batch (default 32)",
            "  --lr RATE              Adam learning rate (default 0.003)",
            "  --clip NORM            gradient clipping by global norm (default 5)",
            "  --class-weights balanced|none",
            "                         weights of the loss (default balanced: N / (C·count))",
            "  --baseline-l2 LAMBDA   L2 penalty of the logistic regression (default 1e-4)",
            "  --seed S               seed of the split, the initialisation and the batches (default 1)",
            "  --verbose              print the stack trace of a failure; --help prints this text");

    private static final Logger LOG = LoggerFactory.getLogger(ClassifyMain.class);

    private static final String[] VALUES = {"data", "positive", "test-fraction", "min-count", "max-length",
            "cell", "embedding", "hidden", "layers", "dropout", "word2vec-epochs", "word2vec-corpus", "epochs", "batch-size", "lr",
            "clip", "class-weights", "baseline-l2", "seed"};
    /** The corpus of the word2vec examples, added to the training messages for word2vec by default. */
    private static final String WORD2VEC_CORPUS = "/word2vec/corpus.txt.gz";

    private ClassifyMain() {
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args the command line (see {@code --help})
     */
    public static void main(String[] args) {
        Cli.exit(run(args, Cli.stdout(), Cli.stderr()));
    }

    /**
     * Runs the example under the examples' handler: a mistake is one line on {@code err}.
     *
     * @param args the command line
     * @param out  results
     * @param err  the one-line message of a failure
     * @return 0 when done, 2 for a bad command line or input file, 1 for a failure during the work
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(NAME, USAGE, args, out, err, (a, o) -> new ClassifyMain().classify(Settings.of(a), o));
    }

    private void classify(Settings s, PrintStream out) throws IOException {
        if (s.word2vecCorpus != null) {
            PathChecks.inputFile("--word2vec-corpus", s.word2vecCorpus);
        }
        LabeledTexts data = s.data == null ? LabeledTexts.readBundled() : LabeledTexts.read(s.data);
        int positive = positiveClass(data, s.positive);
        long[] counts = data.counts();
        StringBuilder classCounts = new StringBuilder();
        for (int c = 0; c < data.numClasses(); c++) {
            classCounts.append(c == 0 ? "" : ", ").append(data.classes.get(c)).append(' ').append(counts[c]);
        }
        out.printf(Locale.ROOT, "data: %s, %d messages, %d classes (%s)%n",
                s.data == null ? "SMS Spam Collection (bundled)" : s.data, data.size(), data.numClasses(), classCounts);

        SplittableRandom seeds = new SplittableRandom(s.seed);
        int[][] split = data.split(s.testFraction, seeds.nextLong());
        int[] trainIndices = split[0];
        int[] testIndices = split[1];
        if (testIndices.length == 0 || trainIndices.length == 0) {
            throw CliException.input("the split leaves " + trainIndices.length + " training and " + testIndices.length
                    + " test messages; use more data or another --test-fraction");
        }
        int[] trainLabels = data.labels(trainIndices);
        int[] testLabels = data.labels(testIndices);

        Tokenizer tokenizer = new WordTokenizer();
        List<List<String>> trainWords = tokenize(data, trainIndices, tokenizer);
        List<List<String>> testWords = tokenize(data, testIndices, tokenizer);
        WordVocabulary.Builder vocabularyCounts = WordVocabulary.builder()
                .specials(SpecialToken.PAD, SpecialToken.UNK).minCount(s.minCount);
        trainWords.forEach(vocabularyCounts::addAll);
        WordVocabulary vocabulary = vocabularyCounts.build();
        int[][] trainIds = encode(trainWords, vocabulary, s.maxLength);
        int[][] testIds = encode(testWords, vocabulary, s.maxLength);
        out.printf(Locale.ROOT, "split: seed %d, stratified %.0f/%.0f: %d training and %d test messages; "
                        + "vocabulary %d words (min count %d) + <pad>, <unk>%n", s.seed, 100 * (1 - s.testFraction),
                100 * s.testFraction, trainIndices.length, testIndices.length, vocabulary.size() - 2, s.minCount);

        // the baseline: bag-of-words counts, logistic regression
        long start = System.nanoTime();
        BagOfWords bagOfWords = new BagOfWords(vocabulary);
        Heap.require(4.0 * Math.max(trainIds.length, testIds.length) * bagOfWords.numFeatures(),
                "the bag-of-words features (" + Math.max(trainIds.length, testIds.length) + " messages x "
                        + bagOfWords.numFeatures() + " words, dense floats; a larger --min-count makes fewer words)");
        LogisticRegression baseline = LogisticRegression.fit(bagOfWords.features(trainIds), trainLabels,
                data.numClasses(), LogisticRegression.Config.builder().l2(s.baselineL2).build());
        ClassificationMetrics baselineMetrics = ClassificationMetrics.of(testLabels,
                baseline.predict(bagOfWords.features(testIds)), data.numClasses());
        LOG.info("baseline: {} in {} s", baseline, seconds(start));

        // the recurrent model
        RecurrentConfig config = RecurrentConfig.of(s.cell, s.embedding, s.hidden).withNumLayers(s.layers)
                .withBidirectional(s.bidirectional);
        RnnClassifier model = new RnnClassifier(config, vocabulary.size(), vocabulary.id(SpecialToken.PAD),
                data.numClasses(), s.dropout, seeds.nextLong());
        String embeddingSource = "random N(0, 1)";
        long word2vecSeed = seeds.nextLong();
        if (s.word2vecEpochs > 0) {
            int found = initialiseFromWord2Vec(model, vocabulary, trainWords, s, word2vecSeed);
            embeddingSource = String.format(Locale.ROOT, "word2vec (%d of %d words)", found, vocabulary.size() - 2);
        }
        out.printf(Locale.ROOT, "model: embedding %d (%s) -> %s%s %d x %d layer%s -> last step -> dropout %.2f "
                        + "-> linear %d; %d parameters%n", s.embedding, embeddingSource,
                s.bidirectional ? "bidirectional " : "", s.cell, s.hidden, s.layers, s.layers == 1 ? "" : "s",
                s.dropout, data.numClasses(), model.parameters.numElements());

        start = System.nanoTime();
        train(model, trainIds, trainLabels, vocabulary.id(SpecialToken.PAD), s, seeds.nextLong(), seeds.nextLong());
        double trainSeconds = seconds(start);
        int[] predicted = new int[testIds.length];
        BucketBatcher testBatches = BucketBatcher.builder(testIds).batchSize(s.batchSize)
                .padIndex(vocabulary.id(SpecialToken.PAD)).seed(0).bucketBatches(1).build();
        for (TokenBatch batch : testBatches.epoch(0)) {
            model.predict(batch, predicted);
        }
        ClassificationMetrics metrics = ClassificationMetrics.of(testLabels, predicted, data.numClasses());
        LOG.info("trained in {} s; {} batch shapes cached", String.format(Locale.ROOT, "%.1f", trainSeconds),
                model.numWorkspaces());

        String name = (s.bidirectional ? "bi" : "") + s.cell.name().toLowerCase(Locale.ROOT);
        report(out, data, positive, testIndices.length, name, metrics, baselineMetrics);
    }

    private static void report(PrintStream out, LabeledTexts data, int positive, int testSize, String name,
                               ClassificationMetrics model, ClassificationMetrics baseline) {
        String p = data.classes.get(positive);
        out.println();
        out.printf(Locale.ROOT, "test set: %d messages, %d %s%n", testSize, model.support(positive), p);
        String header = String.format(Locale.ROOT, "%-22s %9s %10s %8s %8s %9s", "model", "accuracy",
                p + " prec", "recall", "F1", "macro-F1");
        out.println(header);
        List<Scored> rows = List.of(new Scored("bag-of-words logreg", baseline), new Scored(name, model));
        for (Scored row : rows) {
            ClassificationMetrics m = row.metrics();
            out.printf(Locale.ROOT, "%-22s %9.4f %10.4f %8.4f %8.4f %9.4f%n", row.name(), m.accuracy(),
                    m.precision(positive), m.recall(positive), m.f1(positive), m.macroF1());
        }
        for (Scored row : rows) {
            out.println();
            out.println(row.name() + ":");
            out.println(indent(row.metrics().confusionTable(data.classes)));
            out.println(indent(row.metrics().report(data.classes)));
        }
        out.println();
        out.printf(Locale.ROOT, "summary model=%s positive=%s test=%d accuracy=%.4f precision=%.4f recall=%.4f "
                        + "f1=%.4f macro_f1=%.4f baseline_accuracy=%.4f baseline_precision=%.4f baseline_recall=%.4f "
                        + "baseline_f1=%.4f baseline_macro_f1=%.4f%n", name, p, testSize, model.accuracy(),
                model.precision(positive), model.recall(positive), model.f1(positive), model.macroF1(),
                baseline.accuracy(), baseline.precision(positive), baseline.recall(positive), baseline.f1(positive),
                baseline.macroF1());
    }

    /** A model's name and its figures on the test set. */
    private record Scored(String name, ClassificationMetrics metrics) {
    }

    private static String indent(String table) {
        return "  " + table.replace("\n", "\n  ");
    }

    /** Trains with Adam on length-bucketed batches, a class-weighted loss and gradient clipping. */
    private static void train(RnnClassifier model, int[][] trainIds, int[] trainLabels, int padIndex, Settings s,
                              long batchSeed, long dropoutSeed) {
        CrossEntropyLoss.Builder lossBuilder = CrossEntropyLoss.builder();
        if (s.balanced) {
            lossBuilder.classWeights(ClassWeights.balanced(trainLabels, model.numClasses()));
        }
        CrossEntropyLoss loss = lossBuilder.build();
        Optimizer adam = new Adam(model.parameters, AdamConfig.adam().learningRate(s.lr).build());
        BucketBatcher batcher = BucketBatcher.builder(trainIds).batchSize(s.batchSize).padIndex(padIndex).seed(batchSeed)
                .bucketBatches(4).build();
        SplittableRandom dropoutRandom = new SplittableRandom(dropoutSeed);
        LOG.info("training on {} messages, {} batches of {} per epoch, {} epochs, {}", trainIds.length,
                batcher.numBatches(), s.batchSize, s.epochs, loss);
        long start = System.nanoTime();
        for (int epoch = 0; epoch < s.epochs; epoch++) {
            double sum = 0;
            int batches = 0;
            for (TokenBatch batch : batcher.epoch(epoch)) {
                model.parameters.zeroGrad();
                sum += model.forwardBackward(batch, trainLabels, loss, dropoutRandom);
                GradientClipping.clipByGlobalNorm(model.parameters, s.clip);
                adam.step();
                batches++;
            }
            double elapsed = seconds(start);
            LOG.info("epoch {}/{}: loss {}, {} messages/s, ETA {} s", epoch + 1, s.epochs,
                    String.format(Locale.ROOT, "%.4f", sum / batches),
                    String.format(Locale.ROOT, "%.0f", (epoch + 1.0) * trainIds.length / elapsed),
                    String.format(Locale.ROOT, "%.0f", elapsed / (epoch + 1) * (s.epochs - epoch - 1)));
        }
    }

    /**
     * Trains word2vec (skip-gram, negative sampling with the batched update, one thread so that the vectors
     * depend only on the seed) on the training messages plus a corpus, and copies the vectors of the vocabulary's
     * words into the embedding, scaled so that their mean squared entry is 1 like the N(0, 1) rows they
     * replace.
     *
     * @return the number of words that got a vector
     */
    private static int initialiseFromWord2Vec(RnnClassifier model, WordVocabulary vocabulary,
                                              List<List<String>> trainWords, Settings s, long seed) throws IOException {
        Path dir = Files.createTempDirectory("seq4j-classify");
        try {
            Path messages = dir.resolve("messages.txt");
            try (BufferedWriter w = Files.newBufferedWriter(messages, StandardCharsets.UTF_8)) {
                for (List<String> words : trainWords) {
                    w.write(String.join(" ", words));
                    w.write('\n');
                }
            }
            Path corpus = s.word2vecCorpus;
            if (corpus == null) {
                corpus = dir.resolve("corpus.txt");
                try (InputStream in = ClassifyMain.class.getResourceAsStream(WORD2VEC_CORPUS)) {
                    if (in == null) {
                        throw new IOException("the word2vec corpus " + WORD2VEC_CORPUS + " is not on the class path");
                    }
                    try (InputStream gz = new GZIPInputStream(in, 1 << 16);
                         OutputStream o = Files.newOutputStream(corpus)) {
                        gz.transferTo(o);
                    }
                }
            }
            long start = System.nanoTime();
            Word2VecConfig config = Word2VecConfig.builder().vectorSize(s.embedding).epochs(s.word2vecEpochs)
                    .minCount(s.minCount).sample(1e-4).update(Word2VecConfig.Update.BATCHED).threads(1).seed(seed)
                    .build();
            Word2VecModel w2v = new Word2VecTrainer(config).train(List.of(messages, corpus));
            WordVectors vectors = w2v.wordVectors();
            LOG.info("word2vec: {} words, {} words trained in {} s", vectors.size(), w2v.trainedWords(), seconds(start));

            float[] table = model.embedding.weight().value().data;   // (V, E)
            int e = s.embedding;
            List<float[]> found = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            double sumSquares = 0;
            for (int id = 0; id < vocabulary.size(); id++) {
                String word = vocabulary.token(id);
                if (vocabulary.specials().size() > id || !vectors.contains(word)) {
                    continue;
                }
                float[] v = vectors.vector(word);
                for (float x : v) {
                    sumSquares += (double) x * x;
                }
                found.add(v);
                ids.add(id);
            }
            if (found.isEmpty()) {
                return 0;
            }
            float scale = (float) Math.sqrt(found.size() * (double) e / sumSquares);
            for (int i = 0; i < found.size(); i++) {
                float[] v = found.get(i);
                int row = ids.get(i) * e;
                for (int j = 0; j < e; j++) {
                    table[row + j] = scale * v[j];
                }
            }
            return found.size();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static List<List<String>> tokenize(LabeledTexts data, int[] indices, Tokenizer tokenizer) {
        List<List<String>> words = new ArrayList<>(indices.length);
        for (int i : indices) {
            words.add(tokenizer.tokenize(data.texts.get(i)));
        }
        return words;
    }

    /** Word ids, cut after {@code maxLength}; a message without a word becomes one {@code <unk>}. */
    private static int[][] encode(List<List<String>> words, WordVocabulary vocabulary, int maxLength) {
        int[][] ids = new int[words.size()][];
        for (int n = 0; n < ids.length; n++) {
            List<String> w = words.get(n);
            ids[n] = w.isEmpty() ? new int[] {vocabulary.id(SpecialToken.UNK)}
                    : vocabulary.encode(w.subList(0, Math.min(w.size(), maxLength)));
        }
        return ids;
    }

    private static int positiveClass(LabeledTexts data, String positive) {
        if (positive != null) {
            int c = data.classes.indexOf(positive);
            if (c < 0) {
                throw CliException.usage("--positive " + positive + " is not a label of the data (labels: "
                        + String.join(", ", data.classes) + ")");
            }
            return c;
        }
        int spam = data.classes.indexOf("spam");
        if (spam >= 0) {
            return spam;
        }
        long[] counts = data.counts();
        int rarest = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] < counts[rarest]) {
                rarest = c;
            }
        }
        return rarest;
    }

    private static double seconds(long start) {
        return Math.round((System.nanoTime() - start) / 1e8) / 10.0;
    }

    /** The checked settings of a run. */
    private record Settings(Path data, String positive, double testFraction, int minCount, int maxLength,
                            CellType cell, boolean bidirectional, int embedding, int hidden, int layers, float dropout,
                            int word2vecEpochs, Path word2vecCorpus, int epochs, int batchSize, double lr, double clip,
                            boolean balanced, double baselineL2, long seed) {

        static Settings of(String[] args) {
            Options o = Options.spec("--").values(VALUES).switches("bidirectional").parse(args, 0);
            CellType cell = switch (o.oneOf("cell", "gru", "gru", "lstm")) {
                case "lstm" -> CellType.LSTM;
                default -> CellType.GRU;
            };
            return new Settings(o.path("data", null),
                    o.string("positive", null),
                    o.doubleValue("test-fraction", 0.2, 0.01, 0.99),
                    o.intValue("min-count", 2, 1, Integer.MAX_VALUE),
                    o.intValue("max-length", 100, 1, 100_000),
                    cell, o.has("bidirectional"),
                    o.intValue("embedding", 64, 1, 4096),
                    o.intValue("hidden", 64, 1, 4096),
                    o.intValue("layers", 1, 1, 16),
                    (float) o.doubleValue("dropout", 0.3, 0, 0.95),
                    o.intValue("word2vec-epochs", 3, 0, 1000),
                    o.path("word2vec-corpus", null),
                    o.intValue("epochs", 8, 0, 100_000),
                    o.intValue("batch-size", 32, 1, 100_000),
                    o.positiveValue("lr", 3e-3, 0, 10),
                    o.positiveValue("clip", 5, 0, 1e9),
                    o.oneOf("class-weights", "balanced", "balanced", "none").equals("balanced"),
                    o.doubleValue("baseline-l2", 1e-4, 0, 1e6),
                    o.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE));
        }
    }
}
