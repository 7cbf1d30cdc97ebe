package org.seq4j.examples.skipthoughts;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.embed.EmbeddingSpaceMap;
import org.seq4j.embed.Word2VecConfig;
import org.seq4j.embed.WordVectors;
import org.seq4j.eval.BagOfWordsEncoder;
import org.seq4j.eval.ConcatenatedEncoder;
import org.seq4j.eval.CrossValidation;
import org.seq4j.eval.MeanWordVectorEncoder;
import org.seq4j.eval.NearestSentences;
import org.seq4j.eval.SentenceEncoder;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.cli.PathChecks;
import org.seq4j.examples.cli.PathChecks.Arg;
import org.seq4j.examples.cli.TextFiles;
import org.seq4j.examples.classify.LabeledTexts;
import org.seq4j.skipthoughts.SentenceTriples;
import org.seq4j.skipthoughts.SkipThoughtsConfig;
import org.seq4j.skipthoughts.SkipThoughtsModel;
import org.seq4j.skipthoughts.SkipThoughtsTrainer;
import org.seq4j.skipthoughts.SkipThoughtsTrainingConfig;
import org.seq4j.text.Tokenizer;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code examples/run skipthoughts}: Skip-Thoughts sentence vectors (Kiros et al., 2015) — train a model on
 * books, encode sentences, find nearest neighbours, and evaluate the vectors on a labelled set against
 * baselines.
 *
 * <pre>
 *   examples/run skipthoughts                 a few minutes: a small uni-skip model on the bundled books,
 *                                             then nearest neighbours and the SMS-spam evaluation
 *   examples/run skipthoughts train --data FILE… --checkpoint M [options]
 *   examples/run skipthoughts encode --checkpoint M [--expand VECTORS] [--combine M2]
 *   examples/run skipthoughts eval --checkpoint M --data LABELLED.tsv [--folds 10] [--combine M2]
 *   examples/run skipthoughts neighbours --checkpoint M --corpus FILE
 * </pre>
 * Every command runs under {@link Cli#run}: a bad option or file is one line on standard error and exit
 * status 2, a failure during the work exit status 1; the stack trace follows only with {@code --verbose}.
 * Progress goes to the log (standard error); results to standard output, for {@code train} and the demo
 * ending with the line {@code summary epochs=… train_loss=… val_perplexity=… sentences_per_sec=…}.
 */
public final class SkipThoughtsMain {

    static final String NAME = "skipthoughts";

    static final String USAGE = String.join("\n",
            "usage: examples/run skipthoughts                  (demo: train a small model on the bundled books,",
            "                                                   then nearest neighbours and the SMS-spam evaluation)",
            "       examples/run skipthoughts train --data FILE [FILE...] --checkpoint M [options]",
            "       examples/run skipthoughts encode --checkpoint M [--expand VECTORS] [--combine M2]",
            "       examples/run skipthoughts eval --checkpoint M --data LABELLED.tsv [--folds 10] [--combine M2]",
            "       examples/run skipthoughts neighbours --checkpoint M --corpus FILE",
            "",
            "train: learns sentence vectors by predicting each sentence's neighbours",
            "  --data FILE...       UTF-8 text (.gz read as gzip), one sentence per line in reading order; a blank",
            "                       line or the end of a file ends a document (triples never span two)",
            "  --checkpoint M       save the model and the training state here after every epoch and at the end",
            "  --resume M           continue the run saved in M (its settings are kept; --epochs is the total)",
            "  --mode uni|bi        uni-skip (one GRU) or bi-skip (two GRUs of dim/2) (default uni)",
            "  --dim N              thought vector size, also the decoders' hidden size (default 256)",
            "  --embedding E        word embedding size (default 128)",
            "  --vocab N            the N most frequent words; others are <unk> (default 20000)",
            "  --max-length N       sentences are cut after N tokens (default 30)",
            "  --batch B            triples per batch (default 64)",
            "  --epochs N           passes over the training triples (default 1)",
            "  --lr X               Adam learning rate (default 0.002)",
            "  --clip X             clip the global gradient norm to X (default 10, as the paper)",
            "  --seed N             seed of the weights and the batch order (default 1)",
            "  The last 2 % of every document's sentences are held out for the validation perplexity.",
            "",
            "encode: reads sentences from standard input (one per line), writes one vector per line",
            "  --checkpoint M       the model",
            "  --expand VECTORS     word vectors (word2vec text or binary format): words the model never saw are",
            "                       read through a linear map from these vectors into its embedding space",
            "  --combine M2         a second model (bi-skip to M's uni-skip: combine-skip); vectors side by side",
            "",
            "eval: 10-fold cross-validated logistic regression (L-BFGS) on frozen vectors, the L2 penalty chosen on",
            "5 inner folds; prints accuracy ± standard deviation for the skip-thought vectors, a random untrained",
            "encoder of the same architecture, the mean of word2vec vectors and bag of words, and the skip-thought",
            "vectors beside the mean word vectors. word2vec is trained by seq4j on the bundled books and the text",
            "of --data (never its labels); both encoders read words beyond their vocabulary through a vocabulary",
            "expansion from those vectors",
            "  --checkpoint M       the model",
            "  --data FILE          label<TAB>sentence lines, UTF-8",
            "  --folds K            outer folds (default 10)",
            "  --combine M2         evaluate combine-skip: M's and M2's vectors side by side (and two random",
            "                       encoders of their architectures)",
            "",
            "neighbours: reads queries from standard input, prints the 5 nearest corpus sentences by cosine",
            "  --checkpoint M       the model",
            "  --corpus FILE        UTF-8 text, one sentence per line",
            "",
            "  --verbose            print the stack trace of a failure; --help prints this text");

    private static final Logger LOG = LoggerFactory.getLogger(SkipThoughtsMain.class);

    /** The bundled books (Project Gutenberg, one sentence per line; see the README beside them). */
    static final List<String> BUNDLED = List.of("austen-emma", "austen-persuasion", "austen-sense", "carroll-alice",
            "chesterton-brown", "chesterton-thursday", "bryant-stories", "burgess-busterbrown");

    /** The share of every document's sentences held out for validation. */
    static final double VALIDATION_FRACTION = 0.02;

    /** The corpus sentences the demo's neighbour queries are answered from: the held-out ones. */
    static final List<String> DEMO_QUERIES = List.of(
            "I am very glad to see you again .",
            "She did not know what to say .",
            "It was a cold and dark night .",
            "He laughed and shook his head .");

    /**
     * The demo's training settings: a small uni-skip model for one epoch, or {@link #DEMO_TRAINING_TIME} if
     * that comes first (an epoch takes about two and a half minutes on 2 idle cores).
     */
    private static final Map<String, String> DEMO = Map.of("mode", "uni", "dim", "128", "embedding", "64",
            "vocab", "4000", "max-length", "30", "batch", "64", "epochs", "1", "lr", "0.003");

    /** The longest the demo trains. */
    private static final Duration DEMO_TRAINING_TIME = Duration.ofSeconds(100);

    /**
     * The demo's cross-validation: 10 outer folds as the eval command, λ chosen on 3 inner folds rather than
     * 5, which keeps five encoders' evaluations within the demo's few minutes.
     */
    private static final CrossValidation DEMO_CROSS_VALIDATION = CrossValidation.builder().folds(10).innerFolds(3)
            .seed(1).build();

    private static final int NEIGHBOURS = 5;
    private static final int MAX_SIZE = 1 << 16;

    private final InputStream stdin;
    /** The sentences word2vec is trained on for the mean-of-word2vec baseline. */
    private final Corpus word2vecCorpus;

    /** A source of sentences. */
    @FunctionalInterface
    interface Corpus {
        List<String> sentences() throws IOException;
    }

    private SkipThoughtsMain(InputStream stdin, Corpus word2vecCorpus) {
        this.stdin = stdin;
        this.word2vecCorpus = word2vecCorpus;
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args the command line (see {@code --help})
     */
    public static void main(String[] args) {
        Cli.exit(run(args, System.in, Cli.stdout(), Cli.stderr()));
    }

    /**
     * Runs the example under the examples' handler, reading standard input from {@code System.in}.
     *
     * @param args the command line
     * @param out  results
     * @param err  the one-line message of a failure
     * @return 0 when done, 2 for a bad command line or input file, 1 for a failure during the work
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with the text standard input would hold. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in, SkipThoughtsMain::bundledSentences, out, err);
    }

    /** As {@link #run(String[], InputStream, PrintStream, PrintStream)}, with another word2vec corpus (tests). */
    static int run(String[] args, InputStream in, Corpus word2vecCorpus, PrintStream out, PrintStream err) {
        return Cli.run(NAME, USAGE, args, out, err, (a, o) -> new SkipThoughtsMain(in, word2vecCorpus).dispatch(a, o));
    }

    private void dispatch(String[] args, PrintStream out) throws IOException {
        if (args.length == 0) {
            demo(out);
            return;
        }
        switch (args[0]) {
            case "train" -> train(TrainSettings.of(args, null), null, out, true);
            case "encode" -> encode(args, out);
            case "eval" -> evaluate(args, out);
            case "neighbours" -> neighbours(args, out);
            default -> throw CliException.usage(args[0].startsWith("-")
                    ? "options need a command first: train, encode, eval or neighbours (or none for the demo)"
                    : "unknown command '" + args[0] + "'; the commands are train, encode, eval and neighbours");
        }
    }

    // ----------------------------------------------------------------------------------------------
    // demo

    private void demo(PrintStream out) throws IOException {
        TrainSettings s = TrainSettings.of(new String[] {"train"}, DEMO);
        Trained run = train(s, DEMO_TRAINING_TIME, out, false);
        SkipThoughtsModel model = run.trainer.model();

        // nearest neighbours among the held-out sentences (never trained on)
        List<String> corpus = new ArrayList<>();
        for (List<String> document : run.validationDocuments) {
            corpus.addAll(document);
        }
        out.println();
        out.printf(Locale.ROOT, "nearest neighbours among the %d held-out sentences (cosine):%n", corpus.size());
        printNeighbours(NearestSentences.of(model, corpus), DEMO_QUERIES, out);

        out.println();
        LabeledTexts sms = LabeledTexts.readBundled();
        evaluate(List.of(model), sms, "SMS Spam Collection (bundled)", DEMO_CROSS_VALIDATION,
                word2vecCorpus.sentences(), out);
        printSummary(run.summary, out);
    }

    // ----------------------------------------------------------------------------------------------
    // train

    /** A finished training run and the data it held out. */
    private record Trained(SkipThoughtsTrainer trainer, SkipThoughtsTrainer.Summary summary,
                           List<List<String>> validationDocuments) {
    }

    private Trained train(TrainSettings s, Duration timeLimit, PrintStream out, boolean printSummary)
            throws IOException {
        List<List<String>> documents = new ArrayList<>();
        String source;
        if (s.data.isEmpty()) {
            documents.addAll(bundledDocuments());
            source = "the bundled books (" + String.join(", ", BUNDLED) + ")";
        } else {
            for (Path f : s.data) {
                documents.addAll(readDocuments("--data", f));
            }
            source = s.data.size() == 1 ? s.data.get(0).toString() : s.data.size() + " files";
        }
        Tokenizer tokenizer = new WordTokenizer();
        SkipThoughtsModel resumed = s.resume == null ? null : SkipThoughtsModel.load(s.resume);
        WordVocabulary vocabulary = resumed != null ? resumed.vocabulary()
                : SentenceTriples.vocabulary(documents, tokenizer, s.vocab, s.maxLength);
        SentenceTriples all = SentenceTriples.of(documents, tokenizer, vocabulary, s.maxLength);
        SentenceTriples[] parts = all.split(VALIDATION_FRACTION);
        out.printf(Locale.ROOT, "data: %s: %d documents, %d sentences, %,d tokens; %d training and %d validation "
                        + "triples (the last %.0f %% of every document); vocabulary %d words + 4 special tokens%n",
                source, all.numDocuments(), all.numSentences(), all.numTokens(), parts[0].size(), parts[1].size(),
                100 * VALIDATION_FRACTION, vocabulary.size() - 4);
        if (parts[1].size() == 0) {
            throw CliException.input("no validation triple: the held-out end of every document is shorter than "
                    + "three sentences; give longer documents (fewer blank lines) or more text");
        }
        if (parts[0].size() < s.batch) {
            throw CliException.input("the data holds " + parts[0].size() + " training triples, fewer than one batch"
                    + " of " + s.batch + "; give more text or a smaller --batch");
        }
        SkipThoughtsTrainer trainer;
        if (s.resume != null) {
            trainer = SkipThoughtsTrainer.resume(s.resume, parts[0], parts[1], s.epochs);
            s.checkAgainst(trainer);
        } else {
            SkipThoughtsConfig config = new SkipThoughtsConfig(s.mode, vocabulary.size(), s.embedding, s.dim);
            trainer = SkipThoughtsTrainer.create(new SkipThoughtsModel(config, vocabulary, s.seed), parts[0],
                    parts[1], new SkipThoughtsTrainingConfig(s.batch, s.epochs, s.lr, s.clip, s.seed));
        }
        SkipThoughtsModel model = trainer.model();
        out.printf(Locale.ROOT, "model: %s, %,d parameters; Adam lr %s, clipping at global norm %s, batches of %d, "
                        + "%d epochs of %d steps%s%n", model, model.parameters().numElements(),
                trainer.config().learningRate(), trainer.config().clipNorm(), trainer.config().batchSize(),
                trainer.config().epochs(), trainer.batchesPerEpoch(),
                s.resume != null ? ", resumed at step " + trainer.stepCount() : "");
        SkipThoughtsTrainer.Summary summary = trainer.train(timeLimit, s.checkpoint);
        SkipThoughtsTrainer.Perplexity p = summary.validation();
        out.printf(Locale.ROOT, "validation: perplexity %.2f over %,d target tokens of both neighbours; a unigram "
                + "model of the training targets: %.2f%n", p.perplexity(), p.tokens(), p.unigramPerplexity());
        if (s.checkpoint != null) {
            out.println("checkpoint: " + s.checkpoint);
        }
        List<List<String>> held = heldOut(documents, tokenizer);
        if (printSummary) {
            printSummary(summary, out);
        }
        return new Trained(trainer, summary, held);
    }

    /** The raw sentences split off for validation (the same rounding as {@link SentenceTriples#split}). */
    private static List<List<String>> heldOut(List<List<String>> documents, Tokenizer tokenizer) {
        List<List<String>> held = new ArrayList<>();
        for (List<String> document : documents) {
            List<String> kept = new ArrayList<>();
            for (String sentence : document) {
                if (!tokenizer.tokenize(sentence).isEmpty()) {
                    kept.add(sentence);
                }
            }
            int n = (int) Math.round(kept.size() * VALIDATION_FRACTION);
            held.add(kept.subList(kept.size() - n, kept.size()));
        }
        return held;
    }

    private static void printSummary(SkipThoughtsTrainer.Summary summary, PrintStream out) {
        out.printf(Locale.ROOT, "summary epochs=%.2f train_loss=%.4f val_perplexity=%.2f sentences_per_sec=%.1f%n",
                summary.epochs(), summary.trainLoss(), summary.validation().perplexity(), summary.sentencesPerSecond());
    }

    /** The settings of {@code train} (and of the demo). */
    private record TrainSettings(List<Path> data, Path checkpoint, Path resume, SkipThoughtsConfig.Mode mode,
                                 int dim, int embedding, int vocab, int maxLength, int batch, int epochs, double lr,
                                 double clip, long seed, Options given) {

        static TrainSettings of(String[] args, Map<String, String> demo) {
            Options given = Options.spec("--").values("data", "checkpoint", "resume", "mode", "dim", "embedding",
                    "vocab", "max-length", "batch", "epochs", "lr", "clip", "seed")
                    .positionals(Integer.MAX_VALUE, "data file").parse(args, 1);
            Options o = demo == null ? given : given.withDefaults(demo);
            List<Path> data = new ArrayList<>();
            if (o.has("data")) {
                data.add(o.path("data", null));
                for (String p : o.positionals()) {
                    data.add(Options.toPath("--data", p));
                }
            } else if (!o.positionals().isEmpty()) {
                throw CliException.usage("unexpected argument '" + o.positionals().get(0) + "'; data files follow "
                        + "--data");
            }
            Path checkpoint = o.path("checkpoint", null);
            Path resume = o.path("resume", null);
            if (demo == null && data.isEmpty()) {
                throw CliException.usage("train needs --data FILE...");
            }
            if (demo == null && checkpoint == null) {
                throw CliException.usage("train needs --checkpoint M, the file to save the model to");
            }
            List<Arg> inputs = new ArrayList<>();
            for (Path f : data) {
                PathChecks.inputFile("--data", f);
                inputs.add(new Arg("--data", f));
            }
            if (resume != null) {
                PathChecks.inputFile("--resume", resume);
                inputs.add(new Arg("--resume", resume));
            }
            if (checkpoint != null) {
                PathChecks.outputFile("--checkpoint", checkpoint);
                List<Arg> outputs = List.of(new Arg("--checkpoint", checkpoint));
                PathChecks.distinct(resume == null ? inputs : inputs.subList(0, data.size()), outputs);
            }
            SkipThoughtsConfig.Mode mode = o.oneOf("mode", "uni", "uni", "bi").equals("bi")
                    ? SkipThoughtsConfig.Mode.BI : SkipThoughtsConfig.Mode.UNI;
            int dim = o.intValue("dim", 256, 1, MAX_SIZE);
            if (mode == SkipThoughtsConfig.Mode.BI && dim % 2 != 0) {
                throw CliException.usage("--dim must be even for --mode bi (two GRUs of dim/2) but was " + dim);
            }
            return new TrainSettings(data, checkpoint, resume, mode, dim,
                    o.intValue("embedding", 128, 1, MAX_SIZE),
                    o.intValue("vocab", 20_000, 1, 10_000_000),
                    o.intValue("max-length", 30, 1, 10_000),
                    o.intValue("batch", 64, 1, 100_000),
                    o.intValue("epochs", 1, 1, 1_000_000),
                    o.positiveValue("lr", 2e-3, 0, 10),
                    o.positiveValue("clip", 10, 0, 1e9),
                    o.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                    given);
        }

        /** With --resume, the options given again must agree with the saved run. */
        void checkAgainst(SkipThoughtsTrainer trainer) {
            SkipThoughtsModel model = trainer.model();
            SkipThoughtsTrainingConfig t = trainer.config();
            Map<String, String> saved = new LinkedHashMap<>();
            saved.put("mode", model.config().mode() == SkipThoughtsConfig.Mode.BI ? "bi" : "uni");
            saved.put("dim", Integer.toString(model.config().dim()));
            saved.put("embedding", Integer.toString(model.config().embeddingSize()));
            saved.put("vocab", Integer.toString(model.vocabulary().size() - 4));
            saved.put("batch", Integer.toString(t.batchSize()));
            saved.put("lr", Double.toString(t.learningRate()));
            saved.put("clip", Double.toString(t.clipNorm()));
            saved.put("seed", Long.toString(t.seed()));
            for (Map.Entry<String, String> e : saved.entrySet()) {
                String value = given.string(e.getKey(), null);
                if (value != null && !sameValue(value, e.getValue())) {
                    throw CliException.usage("--" + e.getKey() + " " + value + " differs from the resumed run's "
                            + e.getValue() + "; a resumed run keeps its settings (leave the option out)");
                }
            }
        }

        private static boolean sameValue(String given, String saved) {
            try {
                return Double.parseDouble(given) == Double.parseDouble(saved);
            } catch (NumberFormatException e) {
                return given.equals(saved);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------
    // encode

    private void encode(String[] args, PrintStream out) throws IOException {
        Options o = Options.spec("--").values("checkpoint", "expand", "combine").parse(args, 1);
        Path checkpoint = requiredInput(o, "checkpoint", "encode");
        Path expand = optionalInput(o, "expand");
        Path combine = optionalInput(o, "combine");
        WordVectors vectors = expand == null ? null : WordVectors.read(expand);
        SentenceEncoder encoder = encoder(SkipThoughtsModel.load(checkpoint), vectors, "--checkpoint");
        if (combine != null) {
            encoder = ConcatenatedEncoder.of(encoder, encoder(SkipThoughtsModel.load(combine), vectors, "--combine"));
        }
        List<String> sentences = readLines(stdin, "standard input");
        FMatrixRMaj v = new FMatrixRMaj(0, 0);
        int chunk = 10_000;
        StringBuilder line = new StringBuilder();
        for (int start = 0; start < sentences.size(); start += chunk) {
            List<String> part = sentences.subList(start, Math.min(sentences.size(), start + chunk));
            encoder.encode(part, v);
            for (int i = 0; i < part.size(); i++) {
                line.setLength(0);
                for (int j = 0; j < v.numCols; j++) {
                    if (j > 0) {
                        line.append(' ');
                    }
                    line.append(v.data[i * v.numCols + j]);
                }
                out.println(line);
            }
        }
        LOG.info("encoded {} sentences into {} floats each with {}", sentences.size(), encoder.dimension(), encoder);
    }

    /** The model's encoder, through a vocabulary expansion fitted on the vectors if there are any. */
    private static SentenceEncoder encoder(SkipThoughtsModel model, WordVectors vectors, String flag) {
        if (vectors == null) {
            return model;
        }
        WordVectors own = model.wordVectors();
        EmbeddingSpaceMap map = EmbeddingSpaceMap.fit(vectors, own, 0, true);
        EmbeddingSpaceMap.Expansion expansion = map.expand(vectors, own);
        LOG.info("{}: vocabulary expansion fitted on {} shared words (R² {}): the model can now encode {} words, "
                        + "{} of its own and {} mapped from --expand", flag, map.pairs(),
                String.format(Locale.ROOT, "%.3f", map.rSquared()), expansion.vectors().size(),
                expansion.targetWords(), expansion.mappedWords());
        return model.expandedEncoder(expansion.vectors());
    }

    /**
     * The model through a vocabulary expansion from the vectors, or the model alone (with a warning) when the
     * two share too few words to fit the map: at least one more than the vectors' dimension.
     */
    private static SentenceEncoder expandedIfPossible(SkipThoughtsModel model, WordVectors vectors, String name) {
        int shared = 0;
        for (String word : model.wordVectors().words()) {
            shared += vectors.contains(word) ? 1 : 0;
        }
        if (shared <= vectors.dimension()) {
            LOG.warn("{}: no vocabulary expansion: the model and the word vectors share {} words, too few to fit a "
                    + "map from {} dimensions; words beyond the model's vocabulary read as <unk>", name, shared,
                    vectors.dimension());
            return model;
        }
        return encoder(model, vectors, name);
    }

    // ----------------------------------------------------------------------------------------------
    // eval

    private void evaluate(String[] args, PrintStream out) throws IOException {
        Options o = Options.spec("--").values("checkpoint", "data", "folds", "combine").parse(args, 1);
        Path checkpoint = requiredInput(o, "checkpoint", "eval");
        Path data = requiredInput(o, "data", "eval");
        Path combine = optionalInput(o, "combine");
        int folds = o.intValue("folds", 10, 2, 1000);
        LabeledTexts texts = LabeledTexts.read(data);
        if (texts.size() < folds) {
            throw CliException.input("--data " + data + " holds " + texts.size() + " labelled sentences, fewer than "
                    + folds + " folds");
        }
        List<SkipThoughtsModel> models = new ArrayList<>(List.of(SkipThoughtsModel.load(checkpoint)));
        if (combine != null) {
            models.add(SkipThoughtsModel.load(combine));
        }
        evaluate(models, texts, data.toString(), CrossValidation.builder().folds(folds).seed(1).build(),
                word2vecCorpus.sentences(), out);
    }

    /**
     * The evaluation table: the same cross-validation (folds, seed, λ grid) for the models' vectors (one model,
     * or two side by side: combine-skip), random untrained models of the same architectures, the mean of
     * word2vec vectors, bag of words, and the models' vectors beside the mean word vectors.
     *
     * <p>word2vec is trained by seq4j on {@code corpus} and the evaluation's sentences (their text only, never
     * a label: unlabelled text, as the encoders read it too); the same vectors make the mean-of-word2vec
     * baseline and, through a vocabulary expansion fitted to each model's own embeddings, let the trained and
     * the random models read words beyond their vocabularies (Kiros et al. 2015 evaluate with the expansion).
     */
    private static void evaluate(List<SkipThoughtsModel> models, LabeledTexts data, String source,
                                 CrossValidation cv, List<String> corpus, PrintStream out) throws IOException {
        Tokenizer tokenizer = models.get(0).tokenizer();
        List<String> sentences = data.texts();
        int[] labels = data.labels();
        List<String> word2vecText = new ArrayList<>(corpus);
        word2vecText.addAll(sentences);
        Word2VecConfig w2v = Word2VecConfig.builder().vectorSize(100).epochs(3).minCount(2).threads(1).seed(1).build();
        long start = System.nanoTime();
        MeanWordVectorEncoder mean = MeanWordVectorEncoder.train(word2vecText, tokenizer, w2v);
        LOG.info("word2vec for the baseline and the vocabulary expansion: {} words from {} sentences ({} of the corpus,"
                + " {} to encode) in {} s", mean.vectors().size(), word2vecText.size(), corpus.size(), sentences.size(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        List<SentenceEncoder> trained = new ArrayList<>();
        List<SentenceEncoder> random = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        for (SkipThoughtsModel model : models) {
            String mode = model.config().mode() == SkipThoughtsConfig.Mode.BI ? "bi-skip" : "uni-skip";
            trained.add(expandedIfPossible(model, mean.vectors(), mode));
            random.add(expandedIfPossible(new SkipThoughtsModel(model.config(), model.vocabulary(),
                    12345 + random.size()), mean.vectors(), "random " + mode));
            modes.add(mode);
        }
        SentenceEncoder skip = trained.size() == 1 ? trained.get(0) : ConcatenatedEncoder.of(
                trained.toArray(new SentenceEncoder[0]));
        SentenceEncoder untrained = random.size() == 1 ? random.get(0) : ConcatenatedEncoder.of(
                random.toArray(new SentenceEncoder[0]));
        String name = (models.size() == 1 ? "skip-thoughts (" : "combine-skip (") + String.join(" ⊕ ", modes) + ")";
        out.printf(Locale.ROOT, "%s: %d sentences, %d classes; %d-fold cross-validated logistic regression on frozen "
                + "vectors (λ chosen on %d inner folds); word2vec on the books and these sentences (%d words) for the "
                + "mean and the vocabulary expansion%n", source, sentences.size(), data.numClasses(), cv.folds(),
                cv.innerFolds(), mean.vectors().size());
        String format = "  %-44s %6.2f ± %.2f %%   (%d dimensions)%n";
        CrossValidation.Result r = cv.run(skip, sentences, labels, data.numClasses());
        out.printf(Locale.ROOT, format, name, 100 * r.mean(), 100 * r.standardDeviation(), skip.dimension());
        r = cv.run(untrained, sentences, labels, data.numClasses());
        out.printf(Locale.ROOT, format, "random untrained encoder (" + String.join(" ⊕ ", modes) + ")",
                100 * r.mean(), 100 * r.standardDeviation(), untrained.dimension());
        r = cv.run(mean, sentences, labels, data.numClasses());
        out.printf(Locale.ROOT, format, "mean of word2vec vectors", 100 * r.mean(), 100 * r.standardDeviation(),
                mean.dimension());
        r = cv.run(BagOfWordsEncoder.fitter(tokenizer, 1), sentences, labels, data.numClasses());
        out.printf(Locale.ROOT, "  %-44s %6.2f ± %.2f %%   (the training folds' words)%n", "bag of words",
                100 * r.mean(), 100 * r.standardDeviation());
        SentenceEncoder both = ConcatenatedEncoder.of(skip, mean);
        r = cv.run(both, sentences, labels, data.numClasses());
        out.printf(Locale.ROOT, format, name.substring(0, name.indexOf(" (")) + " ⊕ mean of word2vec",
                100 * r.mean(), 100 * r.standardDeviation(), both.dimension());
    }

    // ----------------------------------------------------------------------------------------------
    // neighbours

    private void neighbours(String[] args, PrintStream out) throws IOException {
        Options o = Options.spec("--").values("checkpoint", "corpus").parse(args, 1);
        Path checkpoint = requiredInput(o, "checkpoint", "neighbours");
        Path corpusFile = requiredInput(o, "corpus", "neighbours");
        SkipThoughtsModel model = SkipThoughtsModel.load(checkpoint);
        List<String> corpus = new ArrayList<>();
        for (String line : TextFiles.readUtf8("--corpus", corpusFile, 40).split("\r?\n")) {
            if (!line.isBlank()) {
                corpus.add(line.strip());
            }
        }
        if (corpus.isEmpty()) {
            throw CliException.input("--corpus " + corpusFile + " holds no sentence");
        }
        NearestSentences index = NearestSentences.of(model, corpus);
        List<String> queries = new ArrayList<>();
        for (String q : readLines(stdin, "standard input")) {
            if (!q.isBlank()) {
                queries.add(q.strip());
            }
        }
        printNeighbours(index, queries, out);
    }

    private static void printNeighbours(NearestSentences index, List<String> queries, PrintStream out) {
        List<List<NearestSentences.Neighbour>> answers = index.nearest(queries, NEIGHBOURS, true);
        for (int q = 0; q < queries.size(); q++) {
            out.println("query: " + queries.get(q));
            for (NearestSentences.Neighbour n : answers.get(q)) {
                out.printf(Locale.ROOT, "  %.4f  %s%n", n.cosine(), n.sentence());
            }
        }
    }

    // ----------------------------------------------------------------------------------------------
    // input

    private static Path requiredInput(Options o, String name, String command) {
        Path p = o.path(name, null);
        if (p == null) {
            throw CliException.usage(command + " needs --" + name);
        }
        PathChecks.inputFile("--" + name, p);
        return p;
    }

    private static Path optionalInput(Options o, String name) {
        Path p = o.path(name, null);
        if (p != null) {
            PathChecks.inputFile("--" + name, p);
        }
        return p;
    }

    /** The documents of a data file: gzip if the name ends in .gz, else checked UTF-8 text. */
    private static List<List<String>> readDocuments(String flag, Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".gz")) {
            try {
                return SentenceTriples.readDocuments(file);
            } catch (java.util.zip.ZipException e) {
                throw CliException.input(flag + " " + file + " is not a gzip file: " + e.getMessage(), e);
            }
        }
        String text = TextFiles.readUtf8(flag, file, 40);
        return SentenceTriples.readDocuments(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The bundled books, one document each. */
    static List<List<String>> bundledDocuments() throws IOException {
        List<List<String>> documents = new ArrayList<>();
        for (String book : BUNDLED) {
            String resource = "/skipthoughts/" + book + ".txt.gz";
            try (InputStream in = SkipThoughtsMain.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("the bundled book " + resource + " is not on the class path");
                }
                documents.addAll(SentenceTriples.readDocuments(new GZIPInputStream(in, 1 << 16)));
            }
        }
        return documents;
    }

    /** Every sentence of the bundled books. */
    private static List<String> bundledSentences() throws IOException {
        List<String> sentences = new ArrayList<>();
        for (List<String> document : bundledDocuments()) {
            sentences.addAll(document);
        }
        return sentences;
    }

    /** The lines of a UTF-8 stream (a line of bad UTF-8 is an input error). */
    private static List<String> readLines(InputStream in, String name) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        List<String> lines = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lines.add(line);
        }
        LOG.debug("read {} lines from {}", lines.size(), name);
        return lines;
    }
}
