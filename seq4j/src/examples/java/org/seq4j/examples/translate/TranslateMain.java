package org.seq4j.examples.translate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.eval.Bleu;
import org.seq4j.eval.BleuScore;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Heap;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.cli.PathChecks;
import org.seq4j.examples.cli.PathChecks.Arg;
import org.seq4j.examples.plot.HeatMap;
import org.seq4j.lm.TrainingDivergedException;
import org.seq4j.rnn.CellType;
import org.seq4j.seq2seq.BeamSearch;
import org.seq4j.seq2seq.GreedySearch;
import org.seq4j.seq2seq.Hypothesis;
import org.seq4j.seq2seq.MaxLength;
import org.seq4j.seq2seq.Seq2SeqCheckpoint;
import org.seq4j.seq2seq.Seq2SeqConfig;
import org.seq4j.seq2seq.Seq2SeqModel;
import org.seq4j.seq2seq.Seq2SeqTrainer;
import org.seq4j.seq2seq.Seq2SeqTrainingConfig;
import org.seq4j.seq2seq.StepDecoder;
import org.seq4j.seq2seq.TranslationPairs;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code examples/run translate}: sequence-to-sequence translation with an attention encoder-decoder
 * ({@link Seq2SeqModel}), trained on sentence pairs, decoded by greedy and beam search, scored by BLEU.
 *
 * <pre>
 *   examples/run translate                        about two minutes of a small attention GRU on the bundled
 *                                                 English–German pairs, then test translations and BLEU
 *   examples/run translate train [options]        train (see --help); last line "summary epochs=… …"
 *   examples/run translate translate --checkpoint M [--beam K] [--alpha X] [--n-best N]
 *                                                 standard input to standard output, one sentence per line
 *   examples/run translate eval --checkpoint M --data F.tsv [--beam K]     BLEU of the test split of F
 * </pre>
 * Pairs, tokens, vocabularies and the split are those of the PyTorch peer ({@code torch_seq2seq.py}; see
 * {@link TranslationPairs}), so the two can be compared on the same test pairs. Every command runs under
 * {@link Cli#run}: a mistake is one line on standard error and exit status 2, a failure during training
 * status 1.
 */
public final class TranslateMain {

    static final String NAME = "translate";
    static final Logger LOG = LoggerFactory.getLogger(TranslateMain.class);

    static final String USAGE = String.join("\n",
            "usage: examples/run translate [train options]   (a two-minute demo on the bundled English-German pairs)",
            "       examples/run translate train [options]",
            "       examples/run translate translate --checkpoint M [--beam K] [--alpha X] [--n-best N] [--replace-unk]",
            "       examples/run translate eval --checkpoint M (--data F.tsv | --test F.tsv) [--beam K] [--alpha X] [--repeat N]",
            "",
            "Pairs are lines 'source<TAB>target[<TAB>anything]' (UTF-8, .gz read as gzip); lines without a tab are",
            "skipped. Tokens: lower-cased words and punctuation marks (\\w+|[^\\w\\s]), at most 50 per sentence.",
            "",
            "train options:",
            "  --data FILE            pairs; pair i is a test pair when i % 20 == 0 (default: the bundled Tatoeba",
            "                         English-German pairs, 50,001)",
            "  --train FILE --test FILE  training and test pairs in two files instead of --data",
            "  --cell gru|lstm|rnn    recurrent cell of encoder and decoder (default gru; rnn is tanh)",
            "  --layers N             layers of encoder and decoder (default 1)",
            "  --bidirectional        the encoder reads both ways (H/2 units per direction)",
            "  --embedding E          word embedding size (default 256)",
            "  --hidden H             hidden size (default 256)",
            "  --attention none|dot|general|concat   Luong attention score, or none (default general)",
            "  --input-feeding        feed the attentional vector to the next decoder step",
            "  --dropout X            dropout on embeddings, between layers and before the output (default 0.1)",
            "  --batch B              sentence pairs per batch (default 64)",
            "  --bucket-batches K     batches per length bucket: each batch is drawn from K·B pairs of similar",
            "                         source length (1 for the least padding); 0 for plain shuffled batches",
            "                         drawn from all pairs alike (default 0)",
            "  --epochs N             passes over the training pairs; with --resume, the total (default 10)",
            "  --lr X                 Adam learning rate (default 0.001)",
            "  --clip X               clip the global gradient norm to X, 0 for none (default 1)",
            "  --min-count N          words seen fewer times in training become <unk> (default 2)",
            "  --teacher-forcing X    probability of feeding the reference token, below 1 for scheduled",
            "                         sampling (default 1)",
            "  --seed N               seed of the weights, the batches and dropout (default 1)",
            "  --checkpoint M         save model, vocabularies and training state after every epoch",
            "  --overwrite            replace an existing --checkpoint",
            "  --resume M             continue a run saved with --checkpoint (which then defaults to M); model and",
            "                         training options given again must equal the run's",
            "  --time-limit S         stop training after S seconds even if epochs remain (default none)",
            "  --beam K --alpha X     the final evaluation's beam search: beam size (default 5; 1 skips it) and",
            "                         length normalisation score / length^X (default 1)",
            "  --beam-limit N         test pairs decoded by beam search, the first N (default 1000, as the peer)",
            "  --replace-unk          replace each <unk> in a translation by the source word attended most",
            "",
            "translate: reads source sentences from standard input, one per line, and writes one translation per",
            "line (tokens joined by single spaces); with --n-best N > 1, N lines 'i ||| translation ||| score' per",
            "sentence (i from 0). --beam 1 is greedy search (default --beam 5, --alpha 1).",
            "eval: BLEU of the test split of --data (or of all of --test) against its targets (default --beam 5);",
            "--repeat N decodes it N times in one run and prints the speed of each pass (the first includes",
            "the JVM's compilation of the decoding code).",
            "",
            "  --plot-attention FILE.png --sentence \"...\"   (translate, train, or the demo) draw the attention of",
            "                         the sentence's translation as a heat map, words on both axes",
            "  --verbose              print the stack trace of a failure; --help prints this text",
            "The last line of train: summary epochs=E train_loss=L bleu_greedy=B bleu_beam=B tokens_per_sec=T",
            "greedy_sentences_per_sec=G beam_sentences_per_sec=S bleu_greedy_subset=B test_pairs=N beam_pairs=M",
            "(train_loss: of the last finished epoch, or the mean of the batches so far when the time limit came",
            "first; tokens: source tokens and target tokens with <eos>, per second of training steps).",
            "Training stops with exit status 1 at the first NaN or infinite loss or gradient.");

    private static final Options.Spec TRAIN_OPTIONS = Options.spec("--").values("data", "train", "test", "cell",
            "layers", "embedding", "hidden", "attention", "dropout", "batch", "epochs", "lr", "clip", "min-count",
            "teacher-forcing", "seed", "bucket-batches", "checkpoint", "resume", "time-limit", "beam", "alpha", "beam-limit",
            "plot-attention", "sentence")
            .switches("bidirectional", "input-feeding", "overwrite", "replace-unk");
    private static final Options.Spec TRANSLATE_OPTIONS = Options.spec("--").values("checkpoint", "beam", "alpha",
            "n-best", "plot-attention", "sentence").switches("replace-unk");
    private static final Options.Spec EVAL_OPTIONS = Options.spec("--").values("checkpoint", "data", "test", "beam",
            "alpha", "repeat").switches("replace-unk");

    /** The demo: a small model that translates short sentences after two minutes on 2 cores. */
    private static final Map<String, String> DEMO = demoSettings();

    private static Map<String, String> demoSettings() {
        Map<String, String> demo = new LinkedHashMap<>();
        demo.put("embedding", "128");
        demo.put("hidden", "256");
        demo.put("epochs", "100");
        demo.put("time-limit", "100");
        demo.put("lr", "0.002");
        demo.put("beam-limit", "300");
        demo.put("sentence", "I think you're right.");
        return demo;
    }

    /** Test pairs shown with their translations after training. */
    private static final int SHOWN = 6;
    /** Test pairs whose greedy BLEU is logged after every epoch. */
    private static final int VALIDATION_PAIRS = 500;
    private static final int MAX_SIZE = 1 << 16;
    private static final double MAX_TIME_LIMIT_SECONDS = 10 * 365.25 * 24 * 3600;

    private final InputStream in;
    private final PrintStream out;

    private TranslateMain(InputStream in, PrintStream out) {
        this.in = in;
        this.out = out;
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
     * Runs the example without exiting the JVM.
     *
     * @param args the command line
     * @param in   the sentences of {@code translate}
     * @param out  translations, figures and the summary line
     * @param err  the one-line message of a failure
     * @return 0 when done, 2 for a bad command line or input, 1 for a failure during training
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return Cli.run(NAME, USAGE, args, out, err, (a, o) -> new TranslateMain(in, o).dispatch(a));
    }

    private void dispatch(String[] args) throws IOException {
        if (args.length == 0 || args[0].startsWith("--")) {
            Options settings = TRAIN_OPTIONS.parse(args, 0).withDefaults(DEMO);
            out.println("Training a small attention " + settings.string("cell", "gru").toUpperCase(Locale.ROOT)
                    + " (E=" + settings.string("embedding", "") + ", H=" + settings.string("hidden", "")
                    + ") for about " + settings.string("time-limit", "")
                    + " seconds, then translating test sentences.\nRun 'examples/run translate --help' for the "
                    + "options.\n");
            train(settings);
        } else if (args[0].equals("train")) {
            train(TRAIN_OPTIONS.parse(args, 1));
        } else if (args[0].equals("translate")) {
            translate(TRANSLATE_OPTIONS.parse(args, 1));
        } else if (args[0].equals("eval")) {
            eval(EVAL_OPTIONS.parse(args, 1));
        } else {
            throw CliException.usage("unknown command '" + args[0] + "' (expected train, translate or eval)");
        }
    }

    // ---------------------------------------------------------------------------------------------- train

    /** The model and training options of {@code train}. */
    private record Settings(CellType cell, int layers, boolean bidirectional, int embedding, int hidden,
                            Seq2SeqConfig.Attention attention, boolean inputFeeding, double dropout, int batch,
                            int epochs, double lr, double clip, int minCount, double teacherForcing, long seed,
                            int bucketBatches) {

        static Settings parse(Options o) {
            CellType cell = Seq2SeqConfig.parseCell(o.oneOf("cell", "gru", "gru", "lstm", "rnn"));
            Seq2SeqConfig.Attention attention = Seq2SeqConfig.Attention.parse(
                    o.oneOf("attention", "general", "none", "dot", "general", "concat"));
            Settings s = new Settings(cell, o.intValue("layers", 1, 1, 100), o.has("bidirectional"),
                    o.intValue("embedding", 256, 1, MAX_SIZE), o.intValue("hidden", 256, 1, MAX_SIZE), attention,
                    o.has("input-feeding"), o.doubleValue("dropout", 0.1, 0, 0.99), o.intValue("batch", 64, 1, 1 << 20),
                    o.intValue("epochs", 10, 1, 1_000_000), o.positiveValue("lr", 1e-3, 0, 10),
                    o.doubleValue("clip", 1, 0, 1e9), o.intValue("min-count", 2, 1, Integer.MAX_VALUE),
                    o.doubleValue("teacher-forcing", 1, 0, 1), o.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                    bucketBatches(o.intValue("bucket-batches", 0, 0, Integer.MAX_VALUE)));
            if (s.bidirectional && s.hidden % 2 != 0) {
                throw CliException.usage("--hidden must be even with --bidirectional (H/2 units per direction) but "
                        + "was " + s.hidden);
            }
            if (s.inputFeeding && attention == Seq2SeqConfig.Attention.NONE) {
                throw CliException.usage("--input-feeding feeds the attentional vector back and needs attention, "
                        + "but --attention is none");
            }
            return s;
        }

        /** {@code --bucket-batches}: 0 stands for plain shuffling. */
        private static int bucketBatches(int flag) {
            return flag == 0 ? Seq2SeqTrainingConfig.PLAIN_SHUFFLE : flag;
        }

        /** The {@code --bucket-batches} value of a configuration's bucket size. */
        private static int bucketFlag(int bucketBatches) {
            return bucketBatches == Seq2SeqTrainingConfig.PLAIN_SHUFFLE ? 0 : bucketBatches;
        }

        Seq2SeqConfig modelConfig(int sourceVocabulary, int targetVocabulary) {
            return Seq2SeqConfig.builder(sourceVocabulary, targetVocabulary).cell(cell).numLayers(layers)
                    .bidirectional(bidirectional).embeddingSize(embedding).hiddenSize(hidden).attention(attention)
                    .inputFeeding(inputFeeding).dropout((float) dropout).build();
        }

        Seq2SeqTrainingConfig trainingConfig() {
            return Seq2SeqTrainingConfig.builder().epochs(epochs).batchSize(batch).learningRate(lr).clipNorm(clip)
                    .teacherForcing(teacherForcing).seed(seed).bucketBatches(bucketBatches).build();
        }

        /** With --resume: every model or training option given must equal the run's. */
        void checkAgainst(Options given, Seq2SeqConfig model, Seq2SeqTrainingConfig training, Path resume,
                          int minCount, WordVocabulary source) {
            Map<String, Object[]> pairs = new LinkedHashMap<>();
            pairs.put("cell", new Object[] {cell, model.cell()});
            pairs.put("layers", new Object[] {layers, model.numLayers()});
            pairs.put("bidirectional", new Object[] {bidirectional, model.bidirectional()});
            pairs.put("embedding", new Object[] {embedding, model.embeddingSize()});
            pairs.put("hidden", new Object[] {hidden, model.hiddenSize()});
            pairs.put("attention", new Object[] {attention, model.attention()});
            pairs.put("input-feeding", new Object[] {inputFeeding, model.inputFeeding()});
            pairs.put("dropout", new Object[] {(float) dropout, model.dropout()});
            pairs.put("batch", new Object[] {batch, training.batchSize()});
            pairs.put("lr", new Object[] {lr, training.learningRate()});
            pairs.put("clip", new Object[] {clip, training.clipNorm()});
            pairs.put("teacher-forcing", new Object[] {teacherForcing, training.teacherForcing()});
            pairs.put("seed", new Object[] {seed, training.seed()});
            pairs.put("bucket-batches", new Object[] {bucketFlag(bucketBatches), bucketFlag(training.bucketBatches())});
            for (Map.Entry<String, Object[]> e : pairs.entrySet()) {
                if (given.has(e.getKey()) && !e.getValue()[0].equals(e.getValue()[1])) {
                    throw CliException.usage("--" + e.getKey() + " " + given.string(e.getKey(), "") + " differs from the"
                            + " run in --resume " + resume + " (" + e.getValue()[1] + "); leave it out to continue the"
                            + " run as it was");
                }
            }
            if (given.has("min-count")) {
                LOG.info("--min-count {} is ignored with --resume: the run's vocabularies ({} source words) are kept",
                        minCount, source.size());
            }
        }
    }

    private void train(Options options) throws IOException {
        // every option first: a typo costs nothing
        Path data = options.path("data", null);
        Path trainFile = options.path("train", null);
        Path testFile = options.path("test", null);
        if ((trainFile == null) != (testFile == null)) {
            throw CliException.usage("--train and --test go together: give both, or --data");
        }
        if (data != null && trainFile != null) {
            throw CliException.usage("give --data (split every 20th pair into the test set) or --train and --test, "
                    + "not both");
        }
        Path resume = options.path("resume", null);
        Path checkpoint = options.path("checkpoint", resume);
        boolean overwrite = options.has("overwrite");
        double timeLimit = options.doubleValue("time-limit", 0, 0, MAX_TIME_LIMIT_SECONDS);
        int beam = options.intValue("beam", 5, 1, 1000);
        double alpha = options.doubleValue("alpha", 1, 0, 100);
        int beamLimit = options.intValue("beam-limit", 1000, 0, Integer.MAX_VALUE);
        boolean replaceUnknown = options.has("replace-unk");
        Plot plot = Plot.of(options);
        Settings settings = Settings.parse(options);

        // then the files, before anything is read or written
        List<Arg> inputs = new ArrayList<>();
        for (Arg a : new Arg[] {new Arg("--data", data), new Arg("--train", trainFile), new Arg("--test", testFile),
                                new Arg("--resume", resume)}) {
            if (a.path() != null) {
                PathChecks.inputFile(a.flag(), a.path());
                inputs.add(a);
            }
        }
        List<Arg> outputs = new ArrayList<>();
        if (checkpoint != null) {
            outputs.add(new Arg("--checkpoint", checkpoint));
        }
        if (plot != null) {
            outputs.add(new Arg("--plot-attention", plot.file));
        }
        for (Arg a : outputs) {
            PathChecks.outputFile(a.flag(), a.path());
        }
        List<Arg> readOnly = new ArrayList<>(inputs);
        readOnly.removeIf(a -> a.flag().equals("--resume") && checkpoint != null && PathChecks.sameFile(a.path(), checkpoint));
        PathChecks.distinct(readOnly, outputs);
        boolean continuing = resume != null && checkpoint != null && PathChecks.sameFile(checkpoint, resume);
        if (checkpoint != null && !continuing) {
            PathChecks.refuseExisting(new Arg("--checkpoint", checkpoint), overwrite, "give --overwrite to replace it, "
                    + "or --resume " + checkpoint + " to continue that run");
        }

        TranslationData pairs = TranslationData.read(data, trainFile, testFile, true);
        TranslationPairs trainPairs = pairs.train.withBothSides();
        if (trainPairs.size() == 0) {
            throw CliException.input("no training pair has words on both sides; give more pairs");
        }
        Seq2SeqTrainer trainer;
        if (resume != null) {
            Seq2SeqCheckpoint saved = Seq2SeqCheckpoint.load(resume);
            if (!saved.hasTrainingState()) {
                throw CliException.input("--resume " + resume + " holds a model without training state (saved for "
                        + "translation only); it cannot be continued");
            }
            WordVocabulary source = saved.sourceVocabulary();
            WordVocabulary target = saved.targetVocabulary();
            if (settings.epochs <= saved.epochs()) {
                throw CliException.usage("--epochs " + settings.epochs + " is not beyond the " + saved.epochs()
                        + " epochs of --resume " + resume + " (with --resume, --epochs is the total to reach)");
            }
            try {
                trainer = Seq2SeqTrainer.resume(resume, trainPairs.encodeSources(source), trainPairs.encodeTargets(target),
                        settings.epochs);
            } catch (IllegalArgumentException e) {
                throw CliException.input("--resume " + resume + " was trained on other pairs (" + e.getMessage()
                        + "); give the run's data", e);
            }
            settings.checkAgainst(options, trainer.model().config(), trainer.config(), resume, settings.minCount,
                    source);
            out.printf(Locale.ROOT, "resuming %s after epoch %d of %d%n", resume, trainer.epoch(), settings.epochs);
        } else {
            WordVocabulary source = pairs.train.sourceVocabulary(settings.minCount);
            WordVocabulary target = pairs.train.targetVocabulary(settings.minCount);
            Seq2SeqConfig config = settings.modelConfig(source.size(), target.size());
            checkMemory(config, settings.batch);
            Seq2SeqModel model = new Seq2SeqModel(config, settings.seed);
            trainer = Seq2SeqTrainer.create(model, source, target, trainPairs.encodeSources(source),
                    trainPairs.encodeTargets(target), settings.trainingConfig());
        }
        WordVocabulary source = trainer.sourceVocabulary();
        WordVocabulary target = trainer.targetVocabulary();
        TranslationData.TestSet test = new TranslationData.TestSet(pairs.test, source);
        out.printf(Locale.ROOT, "data: %s%n", pairs.description);
        out.printf(Locale.ROOT, "pairs: %d for training (%d with an empty side left out), %d for testing; vocabulary:"
                        + " %d source and %d target words with <pad>, <bos>, <eos>, <unk>%n", trainPairs.size(),
                pairs.train.size() - trainPairs.size(), test.size(), source.size(), target.size());
        out.printf(Locale.ROOT, "model: %s, %,d parameters%n", trainer.model(),
                trainer.model().parameters().numElements());

        long start = System.nanoTime();
        List<int[]> validationSources = test.sources.subList(0, Math.min(VALIDATION_PAIRS, test.size()));
        double partialLossSum = 0;   // the batches of the epoch in progress, for a run stopped by the time limit
        int partialBatches = 0;
        boolean epochDone = false;
        try {
            while (!trainer.finished()) {
                partialLossSum += trainer.step();
                partialBatches++;
                if (trainer.batchInEpoch() == 0) {
                    epochDone = true;
                    partialLossSum = 0;
                    partialBatches = 0;
                    Seq2SeqTrainer.EpochSummary epoch = trainer.lastEpoch();
                    Decode.Result greedy = Decode.greedy(trainer.model(), validationSources, false);
                    LOG.info("epoch {}: validation BLEU (greedy, first {} test pairs) {}", epoch.epoch(),
                            validationSources.size(), String.format(Locale.ROOT, "%.2f",
                                    bleu(greedy.best(), test, target, replaceUnknown).score()));
                    if (checkpoint != null) {
                        trainer.save(checkpoint);
                    }
                }
                if (timeLimit > 0 && (System.nanoTime() - start) / 1e9 >= timeLimit && !trainer.finished()) {
                    LOG.info("time limit of {} s reached at epoch {}, batch {} of {}", timeLimit, trainer.epoch() + 1,
                            trainer.batchInEpoch(), trainer.batchesPerEpoch());
                    if (checkpoint != null) {
                        trainer.save(checkpoint);
                    }
                    break;
                }
            }
        } catch (TrainingDivergedException e) {
            throw CliException.failure(e.getMessage() + "; "
                    + (checkpoint != null && Files.exists(checkpoint) ? "the checkpoint " + checkpoint
                    + " keeps the last good epoch; " : "") + "train with a lower --lr or a smaller --clip", e);
        }
        if (checkpoint != null) {
            out.println("checkpoint: " + checkpoint);
        }
        double trainLoss = epochDone ? trainer.lastEpoch().trainLoss()
                : partialBatches > 0 ? partialLossSum / partialBatches : Double.NaN;
        double epochs = trainer.epoch() + trainer.batchInEpoch() / (double) trainer.batchesPerEpoch();
        if (plot != null) {
            plot.draw(trainer.model(), source, target, beam, alpha, replaceUnknown, out);
        }
        evaluate(trainer.model(), target, test, beam, alpha, beamLimit, replaceUnknown, epochs, trainLoss,
                trainer.tokensPerSecond());
    }

    /** Refuses a model whose weights, gradients, Adam state and activations do not fit the heap. */
    private static void checkMemory(Seq2SeqConfig c, int batch) {
        long h = c.hiddenSize();
        long e = c.embeddingSize();
        long gates = c.cell() == CellType.LSTM ? 4 : c.cell() == CellType.GRU ? 3 : 1;
        long recurrent = 2L * c.numLayers() * gates * h * (e + 2 * h + 2);
        long parameters = (c.sourceVocabularySize() + c.targetVocabularySize()) * e + recurrent + 4 * h * h
                + (h + 1) * c.targetVocabularySize();
        long steps = TranslationPairs.DEFAULT_MAX_LENGTH + 1;
        // weights, gradients, Adam's two moments; per target position: logits and their gradient, and about
        // twenty H-wide activations of encoder, decoder and attention
        double bytes = 4.0 * (4 * parameters + batch * steps * (2 * c.targetVocabularySize() + 20 * h * c.numLayers()));
        Heap.require(bytes, String.format(Locale.ROOT, "the model (--embedding %d --hidden %d --layers %d, %d and %d"
                + " words) with --batch %d", e, h, c.numLayers(), c.sourceVocabularySize(), c.targetVocabularySize(),
                batch));
    }

    /** Greedy BLEU on all test pairs, beam BLEU on the first {@code beamLimit}, a few translations, the summary. */
    private void evaluate(Seq2SeqModel model, WordVocabulary target, TranslationData.TestSet test, int beam,
                          double alpha, int beamLimit, boolean replaceUnknown, double epochs, double trainLoss,
                          double tokensPerSecond) {
        Decode.Result greedy = Decode.greedy(model, test.sources, false);
        BleuScore greedyBleu = bleu(greedy.best(), test, target, replaceUnknown);
        int beamPairs = beam > 1 ? Math.min(beamLimit, test.size()) : 0;
        Decode.Result beamed = null;
        BleuScore beamBleu = null;
        BleuScore greedySubset = null;
        if (beamPairs > 0) {
            BeamSearch search = BeamSearch.builder().beamSize(beam).alpha(alpha).build();
            beamed = Decode.beam(model, test.sources.subList(0, beamPairs), search);
            beamBleu = bleu(beamed.best(), test, target, replaceUnknown);
            greedySubset = bleu(greedy.best().subList(0, beamPairs), test, target, replaceUnknown);
        }
        out.println();
        int pool = beamPairs > 0 ? beamPairs : test.size();
        int shown = Math.min(SHOWN, pool);
        for (int i = 0; i < shown; i++) {
            int index = i * (pool / shown);   // spread over the pairs decoded both ways
            out.println("source:    " + String.join(" ", test.sourceWords.get(index)));
            out.println("reference: " + String.join(" ", test.references.get(index)));
            out.println("greedy:    " + String.join(" ", Decode.words(greedy.best().get(index), target,
                    test.sourceWords.get(index), replaceUnknown)));
            if (beamed != null && index < beamPairs) {
                out.println("beam " + beam + ":    " + String.join(" ", Decode.words(beamed.best().get(index), target,
                        test.sourceWords.get(index), replaceUnknown)));
            }
            out.println();
        }
        out.printf(Locale.ROOT, "BLEU greedy: %.2f on %d test pairs (%.1f sentences/s)%n", greedyBleu.score(),
                test.size(), greedy.sentencesPerSecond());
        if (beamed != null) {
            out.printf(Locale.ROOT, "BLEU beam %d (alpha %s): %.2f on the first %d test pairs (greedy there: %.2f; "
                            + "%.1f sentences/s)%n", beam, alpha, beamBleu.score(), beamPairs, greedySubset.score(),
                    beamed.sentencesPerSecond());
        }
        out.printf(Locale.ROOT, "summary epochs=%.2f train_loss=%.4f bleu_greedy=%.2f bleu_beam=%s tokens_per_sec=%.0f "
                        + "greedy_sentences_per_sec=%.1f beam_sentences_per_sec=%s bleu_greedy_subset=%s test_pairs=%d "
                        + "beam_pairs=%d%n", epochs, trainLoss, greedyBleu.score(),
                beamBleu == null ? "-" : String.format(Locale.ROOT, "%.2f", beamBleu.score()), tokensPerSecond,
                greedy.sentencesPerSecond(),
                beamed == null ? "-" : String.format(Locale.ROOT, "%.1f", beamed.sentencesPerSecond()),
                greedySubset == null ? "-" : String.format(Locale.ROOT, "%.2f", greedySubset.score()), test.size(),
                beamPairs);
    }

    /** Corpus BLEU of the first {@code hypotheses.size()} test pairs. */
    private static BleuScore bleu(List<Hypothesis> hypotheses, TranslationData.TestSet test, WordVocabulary target,
                                  boolean replaceUnknown) {
        List<List<String>> words = new ArrayList<>(hypotheses.size());
        for (int i = 0; i < hypotheses.size(); i++) {
            words.add(Decode.words(hypotheses.get(i), target, test.sourceWords.get(i), replaceUnknown));
        }
        return Bleu.corpus(words, test.references.subList(0, hypotheses.size()));
    }

    // ---------------------------------------------------------------------------------------------- translate

    private void translate(Options options) throws IOException {
        Path checkpoint = requireCheckpoint(options);
        int beam = options.intValue("beam", 5, 1, 1000);
        double alpha = options.doubleValue("alpha", 1, 0, 100);
        int nBest = options.intValue("n-best", 1, 1, 1000);
        boolean replaceUnknown = options.has("replace-unk");
        Plot plot = Plot.of(options);
        if (nBest > beam) {
            throw CliException.usage("--n-best " + nBest + " is more than the beam (--beam " + beam + ")");
        }
        PathChecks.inputFile("--checkpoint", checkpoint);
        if (plot != null) {
            PathChecks.outputFile("--plot-attention", plot.file);
            PathChecks.distinct(List.of(new Arg("--checkpoint", checkpoint)), List.of(new Arg("--plot-attention",
                    plot.file)));
        }
        Seq2SeqCheckpoint saved = Seq2SeqCheckpoint.load(checkpoint);
        Seq2SeqModel model = saved.model();
        WordVocabulary source = saved.sourceVocabulary();
        WordVocabulary target = saved.targetVocabulary();
        if (plot != null) {
            plot.draw(model, source, target, beam, alpha, replaceUnknown, out);
            return;
        }
        BeamSearch search = BeamSearch.builder().beamSize(beam).alpha(alpha).nBest(nBest).build();
        WordTokenizer tokenizer = new WordTokenizer();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<List<String>> pending = new ArrayList<>();
        int[] done = {0};
        String line;
        while ((line = reader.readLine()) != null) {
            pending.add(Sentences.words(tokenizer, line));
            // a batch when enough lines are there, or when no more are waiting (typed input)
            if (pending.size() == Decode.GREEDY_BATCH || !reader.ready()) {
                translateBatch(model, source, target, search, nBest, replaceUnknown, pending, done);
                pending.clear();
            }
        }
        translateBatch(model, source, target, search, nBest, replaceUnknown, pending, done);
    }

    private void translateBatch(StepDecoder model, WordVocabulary source, WordVocabulary target, BeamSearch search,
                                int nBest, boolean replaceUnknown, List<List<String>> sentences, int[] done) {
        if (sentences.isEmpty()) {
            return;
        }
        List<int[]> ids = new ArrayList<>(sentences.size());
        sentences.forEach(words -> ids.add(source.encode(words)));
        List<List<Hypothesis>> results = search.beamSize() == 1
                ? Decode.greedy(model, ids, false).nBest() : Decode.beam(model, ids, search).nBest();
        for (int i = 0; i < sentences.size(); i++) {
            List<Hypothesis> list = results.get(i);
            if (nBest == 1) {
                out.println(String.join(" ", Decode.words(list.get(0), target, sentences.get(i), replaceUnknown)));
            } else {
                for (Hypothesis h : list) {
                    out.printf(Locale.ROOT, "%d ||| %s ||| %.4f%n", done[0] + i,
                            String.join(" ", Decode.words(h, target, sentences.get(i), replaceUnknown)), h.score());
                }
            }
        }
        out.flush();
        done[0] += sentences.size();
    }

    // ---------------------------------------------------------------------------------------------- eval

    private void eval(Options options) throws IOException {
        Path checkpoint = requireCheckpoint(options);
        Path data = options.path("data", null);
        Path test = options.path("test", null);
        if ((data == null) == (test == null)) {
            throw CliException.usage("eval needs --data F (its test split: pair i with i % 20 == 0) or --test F "
                    + "(all of it), one of them");
        }
        int beam = options.intValue("beam", 5, 1, 1000);
        double alpha = options.doubleValue("alpha", 1, 0, 100);
        boolean replaceUnknown = options.has("replace-unk");
        int repeat = options.intValue("repeat", 1, 1, 1000);
        PathChecks.inputFile("--checkpoint", checkpoint);
        PathChecks.inputFile(data != null ? "--data" : "--test", data != null ? data : test);
        Seq2SeqCheckpoint saved = Seq2SeqCheckpoint.load(checkpoint);
        TranslationData pairs = TranslationData.read(data, null, test, false);
        TranslationData.TestSet testSet = new TranslationData.TestSet(pairs.test, saved.sourceVocabulary());
        BeamSearch search = beam == 1 ? null : BeamSearch.builder().beamSize(beam).alpha(alpha).build();
        Decode.Result result = null;
        for (int pass = 1; pass <= repeat; pass++) {
            // the same translations every pass; later passes run on code the JIT has compiled
            result = search == null ? Decode.greedy(saved.model(), testSet.sources, false)
                    : Decode.beam(saved.model(), testSet.sources, search);
            if (repeat > 1) {
                out.printf(Locale.ROOT, "pass %d of %d: %.1f sentences/s%n", pass, repeat, result.sentencesPerSecond());
            }
        }
        BleuScore score = bleu(result.best(), testSet, saved.targetVocabulary(), replaceUnknown);
        out.printf(Locale.ROOT, "BLEU %.2f (%s, %d test pairs of %s; %.1f sentences/s)%n", score.score(),
                beam == 1 ? "greedy" : "beam " + beam + ", alpha " + alpha, testSet.size(), pairs.description,
                result.sentencesPerSecond());
    }

    private static Path requireCheckpoint(Options options) {
        Path checkpoint = options.path("checkpoint", null);
        if (checkpoint == null) {
            throw CliException.usage("--checkpoint M is needed: the model to use (saved by 'train --checkpoint M')");
        }
        return checkpoint;
    }

    // ---------------------------------------------------------------------------------------------- plot

    /** {@code --plot-attention FILE.png --sentence "…"}. */
    private record Plot(Path file, String sentence) {

        static Plot of(Options options) {
            Path file = options.path("plot-attention", null);
            String sentence = options.string("sentence", null);
            if (file == null) {
                return null;   // a --sentence alone (the demo's) is not drawn
            }
            if (sentence == null || sentence.isBlank()) {
                throw CliException.usage("--plot-attention needs --sentence \"...\": the sentence to translate");
            }
            return new Plot(file, sentence);
        }

        void draw(Seq2SeqModel model, WordVocabulary source, WordVocabulary target, int beam, double alpha,
                  boolean replaceUnknown, PrintStream out) throws IOException {
            if (model.config().attention() == Seq2SeqConfig.Attention.NONE) {
                throw CliException.input("--plot-attention: the model has no attention (--attention none)");
            }
            List<String> words = Sentences.words(new WordTokenizer(), sentence);
            List<int[]> ids = List.of(source.encode(words));
            Hypothesis h = beam == 1
                    ? new GreedySearch(MaxLength.DEFAULT, true).decode(model, ids).get(0)
                    : BeamSearch.builder().beamSize(beam).alpha(alpha).keepAttention(true).build().decode(model, ids)
                            .get(0).get(0);
            FMatrixRMaj attention = h.attention().orElseThrow();
            List<String> rows = new ArrayList<>(Decode.words(h, target, words, replaceUnknown));
            if (h.finished()) {
                rows.add("<eos>");
            }
            float[][] values = new float[attention.numRows][attention.numCols];
            for (int t = 0; t < values.length; t++) {
                for (int j = 0; j < values[t].length; j++) {
                    values[t][j] = attention.get(t, j);
                }
            }
            List<String> columns = new ArrayList<>();
            for (int j = 0; j < words.size(); j++) {
                columns.add(ids.get(0)[j] == source.id(SpecialToken.UNK) && !words.get(j).equals("<unk>")
                        ? words.get(j) + " (unk)" : words.get(j));
            }
            HeatMap.write(file, "attention: " + sentence, rows, columns, values);
            out.println("translation: " + String.join(" ", rows.subList(0, h.length())));
            out.println("attention plot: " + file);
        }
    }

    /** Tokenising one input sentence. */
    private static final class Sentences {
        private Sentences() {
        }

        /** The sentence's tokens cut to 50, or {@code <unk>} alone for a sentence without any. */
        static List<String> words(WordTokenizer tokenizer, String line) {
            List<String> words = tokenizer.tokenize(line);
            if (words.size() > TranslationPairs.DEFAULT_MAX_LENGTH) {
                words = words.subList(0, TranslationPairs.DEFAULT_MAX_LENGTH);
            }
            return words.isEmpty() ? List.of("<unk>") : List.copyOf(words);
        }
    }
}
