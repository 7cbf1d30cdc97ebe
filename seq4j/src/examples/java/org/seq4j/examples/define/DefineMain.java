package org.seq4j.examples.define;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.data.BucketBatcher;
import org.seq4j.data.TokenBatch;
import org.seq4j.embed.Word2VecConfig;
import org.seq4j.embed.Word2VecTrainer;
import org.seq4j.embed.WordVectors;
import org.seq4j.embed.WordVectorsFormatException;
import org.seq4j.eval.Bleu;
import org.seq4j.eval.BleuScore;
import org.seq4j.examples.cli.Cli;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.Options;
import org.seq4j.examples.cli.PathChecks;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.Optimizer;
import org.seq4j.random.SplitMix64;
import org.seq4j.tensor.Tensors;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.Tokenizer;
import org.seq4j.text.WhitespaceTokenizer;
import org.seq4j.text.WordTokenizer;
import org.seq4j.text.WordVocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The define example (one to many): from a word's word2vec vector, an LSTM writes the word's WordNet
 * definition; the words are split, by a seeded shuffle, into training words and held-out words.
 *
 * <pre>
 *   1. words: the single-word WordNet lemmas ([a-z]{3,}) most frequent in the word2vec corpus, each with the
 *      definitions of up to K of its synsets (WordNet's file order), tokenised by WordTokenizer, cut to
 *      --max-length tokens; a seeded shuffle holds out a fraction of the words (all their senses).
 *   2. vectors: word2vec skip-gram trained by seq4j on the bundled corpus plus the definitions of every
 *      synset that holds no held-out word (one thread: deterministic), cached in the output directory.
 *   3. model: DefinitionDecoder (InitialState → LSTM → Linear), trained on the training words' definitions
 *      with Adam and gradient clipping.
 *   4. held-out words: per-token perplexity of their definitions (beside a unigram model's), and
 *      corpus BLEU of a greedy definition per word (beside the definition of the nearest training word
 *      by cosine); each hypothesis is scored against the one of the word's definitions it is closest to
 *      (by smoothed sentence BLEU), the same rule for both.
 * </pre>
 * The output directory receives the cached vectors and, for {@code bleu.py}, the hypotheses and the
 * references chosen for them.
 */
public final class DefineMain {

    private static final Logger LOG = LoggerFactory.getLogger(DefineMain.class);

    static final String NAME = "define";
    private static final String BUNDLED_CORPUS = "/word2vec/corpus.txt.gz";

    static final String USAGE = String.join("\n",
            "usage: examples/run define [options]",
            "",
            "Generates WordNet definitions of words from their word2vec vectors with an LSTM whose initial",
            "state is a projection of the vector, and scores held-out words against baselines.",
            "",
            "data:",
            "  --out DIR           output directory: cached vectors, generated definitions (default define-out)",
            "  --data FILE         WordNet definitions, TSV with a header naming 'lemmas' and 'definition'",
            "                      (default: the bundled WordNet 3.0 definitions)",
            "  --corpus FILE       word2vec text, one sentence per line (.gz: gzip; default: the bundled corpus)",
            "  --vectors FILE      word vectors to use (word2vec text or binary) instead of training them",
            "  --words N           words to define: the most frequent lemmas of the corpus (default 4000)",
            "  --heldout X         fraction of the words held out (default 0.1)",
            "  --senses K          definitions per word, in WordNet's order (default 3)",
            "  --max-length N      tokens kept of a definition (default 20)",
            "  --vocab N           decoder vocabulary, 4 special tokens included (default 2000)",
            "model and training:",
            "  --embedding N       token embedding size E (default 64)",
            "  --hidden N          LSTM hidden size H (default 128)",
            "  --layers N          LSTM layers (default 1)",
            "  --dropout X         dropout on embeddings, between layers and before the output (default 0.1)",
            "  --feed-vector 0|1   also give the vector to every step, beside the token (default 0)",
            "  --epochs N          training epochs (default 10)",
            "  --batch N           definitions per batch (default 64)",
            "  --lr X              Adam learning rate (default 0.005)",
            "  --clip X            clip the global gradient norm to X (default 5)",
            "  --w2v-dim N         word2vec vector size (default 100)",
            "  --w2v-epochs N      word2vec epochs (default 3)",
            "  --show N            generated definitions to print (default 12)",
            "  --seed N            seed of the split, the weights, dropout and word2vec (default 1)");

    private static final String[] OPTIONS = {"out", "data", "corpus", "vectors", "words", "heldout", "senses",
        "max-length", "vocab", "embedding", "hidden", "layers", "dropout", "feed-vector", "epochs", "batch", "lr",
        "clip", "w2v-dim", "w2v-epochs", "show", "seed"};

    /** Word2vec settings that are not options: word2vec.c's defaults, with a minimum count of 5. */
    private static final int W2V_MIN_COUNT = 5;
    private static final int EVAL_BATCH = 64;

    private final Settings settings;
    private final PrintStream out;

    private DefineMain(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Runs the example and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Cli.exit(run(args, Cli.stdout(), Cli.stderr()));
    }

    /**
     * Runs the example without exiting the JVM.
     *
     * @param args the command line; not modified
     * @param out  the figures, the generated definitions, the summary line and the usage
     * @param err  the one-line message of a failure
     * @return the exit status: 0 done, 2 bad usage or input, 1 a failure during the work
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(NAME, USAGE, args, out, err, (a, o) -> new DefineMain(Settings.parse(a), o).execute());
    }

    // ----------------------------------------------------------------------------------------------
    // Options

    /** The validated command line. */
    record Settings(Path outDir, Path data, Path corpus, Path vectors, int words, double heldout, int senses,
                    int maxLength, int vocab, int embedding, int hidden, int layers, float dropout,
                    boolean feedVector, int epochs, int batch, double lr, double clip, int w2vDim, int w2vEpochs,
                    int show, long seed) {

        /** Parses and checks the options, and that the input files exist and are readable. */
        static Settings parse(String[] args) {
            Options o = Options.spec("--").values(OPTIONS).parse(args, 0);
            Settings s = new Settings(o.path("out", Path.of("define-out")), o.path("data", null),
                    o.path("corpus", null), o.path("vectors", null), o.intValue("words", 4000, 2, 1_000_000),
                    o.doubleValue("heldout", 0.1, 0.001, 0.9), o.intValue("senses", 3, 1, 100),
                    o.intValue("max-length", 20, 1, 1000), o.intValue("vocab", 2000, 5, 10_000_000),
                    o.intValue("embedding", 64, 1, 100_000), o.intValue("hidden", 128, 1, 100_000),
                    o.intValue("layers", 1, 1, 16), (float) o.doubleValue("dropout", 0.1, 0, 0.95),
                    o.zeroOrOne("feed-vector", false), o.intValue("epochs", 10, 0, 100_000),
                    o.intValue("batch", 64, 1, 100_000), o.positiveValue("lr", 0.005, 0, 10),
                    o.positiveValue("clip", 5, 0, 1e9), o.intValue("w2v-dim", 100, 1, 10_000),
                    o.intValue("w2v-epochs", 3, 1, 1000), o.intValue("show", 12, 0, 1_000_000),
                    o.intValue("seed", 1, 0, Integer.MAX_VALUE));
            for (String input : List.of("data", "corpus", "vectors")) {
                if (o.has(input)) {
                    PathChecks.inputFile("--" + input, o.path(input, null));
                }
            }
            if (Files.exists(s.outDir()) && !Files.isDirectory(s.outDir())) {
                throw CliException.input("--out " + s.outDir() + " is not a directory; give a directory");
            }
            return s;
        }
    }

    // ----------------------------------------------------------------------------------------------
    // The run

    /** A word with its definitions as tokens (cut to the maximum length). */
    private record Word(String text, List<List<String>> definitions) {
    }

    private void execute() throws IOException {
        long startNanos = System.nanoTime();
        Settings s = settings;
        // 1. words, definitions and the split
        WordNetDefinitions wordnet = WordNetDefinitions.read(s.data());
        Map<String, Long> corpusCounts = countCorpus(s.corpus());
        List<Word> words = selectWords(wordnet, corpusCounts);
        if (words.size() < 2) {
            throw CliException.input("only " + words.size() + " WordNet words occur at least " + W2V_MIN_COUNT
                    + " times in the corpus; at least 2 are needed");
        }
        shuffle(words, new SplittableRandom(SplitMix64.streamSeed(s.seed(), 1)));
        int heldoutCount = Math.max(1, Math.min(words.size() - 1, (int) Math.round(words.size() * s.heldout())));
        List<Word> test = words.subList(0, heldoutCount);
        List<Word> train = words.subList(heldoutCount, words.size());
        Set<String> heldout = new HashSet<>();
        test.forEach(w -> heldout.add(w.text()));

        // 2. word vectors
        WordVectors vectors = wordVectors(wordnet, heldout);
        List<Word> missing = words.stream().filter(w -> !vectors.contains(w.text())).toList();
        if (!missing.isEmpty()) {
            throw CliException.input("the word vectors have no vector for " + missing.size()
                    + " of the words, e.g. '" + missing.get(0).text() + "'");
        }
        FMatrixRMaj trainVectors = unitVectors(vectors, train);   // (N_train, F)
        FMatrixRMaj testVectors = unitVectors(vectors, test);     // (N_test, F)

        // 3. vocabulary and sequences
        WordVocabulary vocabulary = buildVocabulary(train);
        int pad = vocabulary.id(SpecialToken.PAD);
        int bos = vocabulary.id(SpecialToken.BOS);
        int eos = vocabulary.id(SpecialToken.EOS);
        int unk = vocabulary.id(SpecialToken.UNK);
        Sequences trainSet = sequences(train, vocabulary);
        Sequences testSet = sequences(test, vocabulary);
        out.printf(Locale.ROOT, "%d words (%d training, %d held out), %d training definitions (%d tokens), "
                        + "%d held-out definitions (%d tokens); vocabulary %d; vectors %d-dimensional%n",
                words.size(), train.size(), test.size(), trainSet.size(), trainSet.tokens(), testSet.size(),
                testSet.tokens(), vocabulary.size(), vectors.dimension());

        // 4. training
        DefinitionDecoder model = new DefinitionDecoder(vectors.dimension(), vocabulary.size(), pad, s.embedding(),
                s.hidden(), s.layers(), s.dropout(), s.feedVector(),
                new SplittableRandom(SplitMix64.streamSeed(s.seed(), 2)));
        train(model, trainSet, trainVectors, testSet, testVectors, pad);

        // 5. evaluation
        double modelPerplexity = Math.exp(testSet.negativeLogLikelihood(model, testVectors, pad) / testSet.tokens());
        double unigramPerplexity = unigramPerplexity(trainSet, testSet, vocabulary.size(), pad, bos);
        double shuffledPerplexity = Math.exp(testSet.negativeLogLikelihood(model, rotate(testVectors), pad)
                / testSet.tokens());
        int[][] generated = model.greedy(testVectors, bos, eos, new int[] {pad, bos, unk}, s.maxLength());
        List<String> modelHypotheses = new ArrayList<>();
        for (int[] ids : generated) {
            modelHypotheses.add(String.join(" ", vocabulary.decode(ids)));
        }
        int[] nearest = nearestTrainingWord(testVectors, trainVectors);
        List<String> nearestHypotheses = new ArrayList<>();
        for (int n : nearest) {
            nearestHypotheses.add(String.join(" ", train.get(n).definitions().get(0)));
        }
        List<String> modelReferences = closestReferences(modelHypotheses, test);
        List<String> nearestReferences = closestReferences(nearestHypotheses, test);
        BleuScore modelBleu = Bleu.corpusOfLines(modelHypotheses, modelReferences);
        BleuScore nearestBleu = Bleu.corpusOfLines(nearestHypotheses, nearestReferences);
        Files.createDirectories(s.outDir());
        writeLines(s.outDir().resolve("model-hypotheses.txt"), modelHypotheses);
        writeReferences(s.outDir().resolve("model-references.tsv"), test, modelReferences);
        writeLines(s.outDir().resolve("nearest-hypotheses.txt"), nearestHypotheses);
        writeReferences(s.outDir().resolve("nearest-references.tsv"), test, nearestReferences);

        out.printf(Locale.ROOT, "held-out perplexity per word (token, <eos> included): model %.2f, unigram %.2f; "
                        + "the model given another held-out word's vector: %.2f%n", modelPerplexity, unigramPerplexity,
                shuffledPerplexity);
        out.println("held-out corpus BLEU-4 (each hypothesis against the closest of the word's definitions):");
        out.println("  model (greedy)          " + modelBleu);
        out.println("  nearest training word   " + nearestBleu);
        out.println("generated definitions of held-out words:");
        for (int i = 0; i < Math.min(s.show(), test.size()); i++) {
            Word w = test.get(i);
            out.printf(Locale.ROOT, "  %-14s model:   %s%n", w.text(), modelHypotheses.get(i));
            out.printf(Locale.ROOT, "  %-14s nearest: %s (%s)%n", "", nearestHypotheses.get(i),
                    train.get(nearest[i]).text());
            out.printf(Locale.ROOT, "  %-14s wordnet: %s%n", "", String.join(" | ",
                    w.definitions().stream().map(d -> String.join(" ", d)).toList()));
        }
        LOG.info(String.format(Locale.ROOT, "done in %.0f s; hypotheses and references in %s",
                (System.nanoTime() - startNanos) / 1e9, s.outDir()));
        out.printf(Locale.ROOT, "summary words=%d heldout=%d perplexity=%.2f unigram_perplexity=%.2f "
                        + "other_vector_perplexity=%.2f bleu=%.2f nearest_bleu=%.2f%n", words.size(), test.size(),
                modelPerplexity, unigramPerplexity, shuffledPerplexity, modelBleu.score(), nearestBleu.score());
    }

    /** Counts the whitespace-separated tokens of the word2vec corpus. */
    private Map<String, Long> countCorpus(Path corpus) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        Tokenizer tokenizer = new WhitespaceTokenizer();
        String source = corpus == null ? "the bundled corpus" : corpus.toString();
        try (BufferedReader reader = WordNetDefinitions.open(corpus, BUNDLED_CORPUS, source)) {
            String line;
            while ((line = reader.readLine()) != null) {
                for (String t : tokenizer.tokenize(line)) {
                    counts.merge(t, 1L, Long::sum);
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw CliException.input(source + " is not UTF-8 text");
        }
        return counts;
    }

    /**
     * The words to define: WordNet words seen at least W2V_MIN_COUNT times in the corpus, most frequent
     * first (ties alphabetical), the first --words of them, each with up to --senses definitions as tokens.
     */
    private List<Word> selectWords(WordNetDefinitions wordnet, Map<String, Long> corpusCounts) {
        Tokenizer tokenizer = new WordTokenizer();
        List<Map.Entry<String, List<String>>> candidates = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : wordnet.definitionsByWord().entrySet()) {
            if (corpusCounts.getOrDefault(e.getKey(), 0L) >= W2V_MIN_COUNT) {
                candidates.add(e);
            }
        }
        candidates.sort(Comparator.<Map.Entry<String, List<String>>>comparingLong(
                e -> -corpusCounts.get(e.getKey())).thenComparing(Map.Entry::getKey));
        List<Word> words = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : candidates.subList(0, Math.min(settings.words(), candidates.size()))) {
            List<List<String>> definitions = new ArrayList<>();
            for (String d : e.getValue().subList(0, Math.min(settings.senses(), e.getValue().size()))) {
                List<String> tokens = tokenizer.tokenize(d);
                if (!tokens.isEmpty()) {
                    definitions.add(List.copyOf(tokens.subList(0, Math.min(settings.maxLength(), tokens.size()))));
                }
            }
            if (!definitions.isEmpty()) {
                words.add(new Word(e.getKey(), definitions));
            }
        }
        return words;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Word vectors

    /**
     * The word vectors: those of --vectors, or the cached ones of an earlier run with the same settings, or
     * new ones trained on the corpus plus the definitions of the synsets that hold no held-out word.
     */
    private WordVectors wordVectors(WordNetDefinitions wordnet, Set<String> heldout)
            throws IOException {
        Settings s = settings;
        if (s.vectors() != null) {
            try {
                return WordVectors.read(s.vectors());
            } catch (java.nio.file.NoSuchFileException e) {
                throw CliException.input("no such file: " + s.vectors());
            } catch (WordVectorsFormatException e) {
                throw CliException.input(s.vectors() + ": " + e.getMessage());
            }
        }
        List<String> sortedHeldout = new ArrayList<>(heldout);
        Collections.sort(sortedHeldout);
        String key = String.join("\n", "seq4j define word vectors", "corpus " + describe(s.corpus()),
                "data " + describe(s.data()), "held-out words " + sortedHeldout.hashCode() + " " + sortedHeldout.size(),
                "skip-gram dim " + s.w2vDim() + " epochs " + s.w2vEpochs() + " min-count " + W2V_MIN_COUNT
                        + " seed " + s.seed()) + "\n";
        Files.createDirectories(s.outDir());
        Path cache = s.outDir().resolve("vectors.bin");
        Path keyFile = s.outDir().resolve("vectors.key");
        if (Files.isRegularFile(cache) && Files.isRegularFile(keyFile)
                && Files.readString(keyFile, StandardCharsets.UTF_8).equals(key)) {
            try {
                WordVectors cached = WordVectors.read(cache);
                LOG.info("word vectors: {} words read from the cache {}", cached.size(), cache);
                return cached;
            } catch (WordVectorsFormatException e) {
                LOG.warn("the cached word vectors {} are unreadable ({}); training them again", cache, e.getMessage());
            }
        }
        Path text = s.outDir().resolve("word2vec-text.txt");
        long definitionLines = writeWord2VecText(text, wordnet, heldout);
        Word2VecConfig config = Word2VecConfig.builder().architecture(Word2VecConfig.Architecture.SKIP_GRAM)
                .vectorSize(s.w2vDim()).epochs(s.w2vEpochs()).minCount(W2V_MIN_COUNT).threads(1)
                .seed(s.seed() + 1).build();
        LOG.info("word vectors: training word2vec ({}) on the corpus plus {} definitions", config, definitionLines);
        WordVectors trained;
        try {
            trained = new Word2VecTrainer(config).train(List.of(text)).wordVectors();
        } finally {
            Files.deleteIfExists(text);
        }
        trained.writeBinary(cache);
        Files.writeString(keyFile, key, StandardCharsets.UTF_8);
        return trained;
    }

    private static String describe(Path file) throws IOException {
        return file == null ? "bundled" : file.toAbsolutePath() + " " + Files.size(file) + " bytes "
                + Files.getLastModifiedTime(file);
    }

    /**
     * Writes the word2vec text: the corpus as it is, then the definition of every synset none of whose
     * lemmas is held out, lower-cased, as tokens of [a-z0-9'] (the corpus's normalisation).
     */
    private long writeWord2VecText(Path text, WordNetDefinitions wordnet, Set<String> heldout)
            throws IOException {
        long definitions = 0;
        String source = settings.corpus() == null ? "the bundled corpus" : settings.corpus().toString();
        try (BufferedReader reader = WordNetDefinitions.open(settings.corpus(), BUNDLED_CORPUS, source);
             BufferedWriter writer = Files.newBufferedWriter(text, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                writer.write(line);
                writer.write('\n');
            }
            for (WordNetDefinitions.Synset synset : wordnet.synsets()) {
                if (synset.lemmas().stream().anyMatch(heldout::contains)) {
                    continue;
                }
                String normalised = normaliseForWord2Vec(synset.definition());
                if (!normalised.isEmpty()) {
                    writer.write(normalised);
                    writer.write('\n');
                    definitions++;
                }
            }
        }
        return definitions;
    }

    /** Lower case, runs of [a-z0-9'] with the outer apostrophes stripped, joined by one space. */
    static String normaliseForWord2Vec(String text) {
        StringBuilder sb = new StringBuilder();
        String s = text.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length()) {
            int j = i;
            while (j < s.length() && isWord2VecChar(s.charAt(j))) {
                j++;
            }
            int from = i;
            int to = j;
            while (from < to && s.charAt(from) == '\'') {
                from++;
            }
            while (to > from && s.charAt(to - 1) == '\'') {
                to--;
            }
            if (to > from) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(s, from, to);
            }
            i = Math.max(j, i + 1);
        }
        return sb.toString();
    }

    private static boolean isWord2VecChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'';
    }

    /** (N, F): the words' vectors scaled to unit length. */
    private static FMatrixRMaj unitVectors(WordVectors vectors, List<Word> words) {
        int dim = vectors.dimension();
        FMatrixRMaj m = new FMatrixRMaj(words.size(), dim);
        for (int i = 0; i < words.size(); i++) {
            float[] v = vectors.vector(words.get(i).text());
            double norm = 0;
            for (float x : v) {
                norm += (double) x * x;
            }
            float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
            for (int j = 0; j < dim; j++) {
                m.data[i * dim + j] = v[j] * scale;
            }
        }
        return m;
    }

    /** The rows moved down by one, the last first: each word gets another word's vector. */
    private static FMatrixRMaj rotate(FMatrixRMaj vectors) {
        FMatrixRMaj rotated = new FMatrixRMaj(vectors.numRows, vectors.numCols);
        int n = vectors.getNumElements();
        int cols = vectors.numCols;
        System.arraycopy(vectors.data, 0, rotated.data, cols, n - cols);
        System.arraycopy(vectors.data, n - cols, rotated.data, 0, cols);
        return rotated;
    }

    /** For each test vector the training word of largest cosine (ties: the earlier one). */
    private static int[] nearestTrainingWord(FMatrixRMaj testVectors, FMatrixRMaj trainVectors) {
        FMatrixRMaj cosines = new FMatrixRMaj(testVectors.numRows, trainVectors.numRows);   // (N_test, N_train)
        Tensors.multTransB(testVectors, trainVectors, cosines);
        int[] nearest = new int[testVectors.numRows];
        for (int i = 0; i < nearest.length; i++) {
            int best = 0;
            for (int j = 1; j < cosines.numCols; j++) {
                if (cosines.get(i, j) > cosines.get(i, best)) {
                    best = j;
                }
            }
            nearest[i] = best;
        }
        return nearest;
    }

    // ----------------------------------------------------------------------------------------------
    // Vocabulary, sequences, training

    private WordVocabulary buildVocabulary(List<Word> train) {
        WordVocabulary.Builder builder = WordVocabulary.builder()
                .specials(SpecialToken.PAD, SpecialToken.BOS, SpecialToken.EOS, SpecialToken.UNK)
                .maxSize(settings.vocab());
        for (Word w : train) {
            w.definitions().forEach(builder::addAll);
        }
        return builder.build();
    }

    /** Decoder inputs {@code <bos> y…}, targets {@code y… <eos>}, and the word of each definition. */
    private record Sequences(int[][] inputs, int[][] targets, int[] word) {

        int size() {
            return inputs.length;
        }

        long tokens() {
            long n = 0;
            for (int[] t : targets) {
                n += t.length;
            }
            return n;
        }

        /** (T·B) time-major targets of a batch, the pad id at padded steps. */
        int[] batchTargets(TokenBatch batch, int pad) {
            int b = batch.batchSize();
            int[] result = new int[batch.maxLength() * b];
            Arrays.fill(result, pad);
            for (int i = 0; i < b; i++) {
                int[] t = targets[batch.exampleIndex(i)];
                for (int step = 0; step < t.length; step++) {
                    result[step * b + i] = t[step];
                }
            }
            return result;
        }

        /** (B, F) the vectors of a batch's words. */
        FMatrixRMaj batchVectors(TokenBatch batch, FMatrixRMaj vectors, FMatrixRMaj into) {
            int dim = vectors.numCols;
            into.reshape(batch.batchSize(), dim);
            for (int i = 0; i < batch.batchSize(); i++) {
                System.arraycopy(vectors.data, word[batch.exampleIndex(i)] * dim, into.data, i * dim, dim);
            }
            return into;
        }

        /** Σ of −log p over every target token, in batches, without dropout. */
        double negativeLogLikelihood(DefinitionDecoder model, FMatrixRMaj vectors, int pad) {
            double sum = 0;
            FMatrixRMaj batchVectors = new FMatrixRMaj(1, vectors.numCols);
            for (int from = 0; from < size(); from += EVAL_BATCH) {
                int[] indices = new int[Math.min(EVAL_BATCH, size() - from)];
                for (int i = 0; i < indices.length; i++) {
                    indices[i] = from + i;
                }
                TokenBatch batch = TokenBatch.gather(inputs, indices, pad);
                sum += model.forward(batch, batchTargets(batch, pad),
                        batchVectors(batch, vectors, batchVectors), null) * batch.numTokens();
            }
            return sum;
        }
    }

    private static Sequences sequences(List<Word> words, WordVocabulary vocabulary) {
        int bos = vocabulary.id(SpecialToken.BOS);
        int eos = vocabulary.id(SpecialToken.EOS);
        List<int[]> inputs = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int w = 0; w < words.size(); w++) {
            for (List<String> definition : words.get(w).definitions()) {
                int[] ids = vocabulary.encode(definition);
                int[] input = new int[ids.length + 1];
                int[] target = new int[ids.length + 1];
                input[0] = bos;
                System.arraycopy(ids, 0, input, 1, ids.length);
                System.arraycopy(ids, 0, target, 0, ids.length);
                target[ids.length] = eos;
                inputs.add(input);
                targets.add(target);
                owners.add(w);
            }
        }
        return new Sequences(inputs.toArray(new int[0][]), targets.toArray(new int[0][]),
                owners.stream().mapToInt(Integer::intValue).toArray());
    }

    private void train(DefinitionDecoder model, Sequences trainSet, FMatrixRMaj trainVectors, Sequences testSet,
                       FMatrixRMaj testVectors, int pad) {
        Settings s = settings;
        BucketBatcher batcher = BucketBatcher.builder(trainSet.inputs()).batchSize(s.batch()).padIndex(pad)
                .seed(SplitMix64.streamSeed(s.seed(), 3)).build();
        Optimizer adam = new Adam(model.parameters(), AdamConfig.adam().learningRate(s.lr()).build());
        SplittableRandom dropoutRandom = new SplittableRandom(SplitMix64.streamSeed(s.seed(), 4));
        FMatrixRMaj batchVectors = new FMatrixRMaj(1, trainVectors.numCols);
        long trainTokens = trainSet.tokens();
        long startNanos = System.nanoTime();
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            double lossSum = 0;
            long tokens = 0;
            long epochNanos = System.nanoTime();
            long lastLog = epochNanos;
            for (TokenBatch batch : batcher.epoch(epoch)) {
                int[] targets = trainSet.batchTargets(batch, pad);
                model.parameters().zeroGrad();
                double loss = model.forwardBackward(batch, targets,
                        trainSet.batchVectors(batch, trainVectors, batchVectors), dropoutRandom);
                GradientClipping.clipByGlobalNorm(model.parameters(), s.clip());
                adam.step();
                lossSum += loss * batch.numTokens();
                tokens += batch.numTokens();
                long now = System.nanoTime();
                if (now - lastLog > 10_000_000_000L) {
                    lastLog = now;
                    double rate = tokens / ((now - epochNanos) / 1e9);
                    double left = ((s.epochs() - epoch) * (double) trainTokens - tokens) / rate;
                    LOG.info(String.format(Locale.ROOT, "epoch %d/%d: %.0f%%, loss %.3f, %.0f tokens/s, "
                                    + "about %.0f s left", epoch + 1, s.epochs(), 100.0 * tokens / trainTokens, lossSum / tokens, rate, left));
                }
            }
            double heldoutPerplexity = Math.exp(testSet.negativeLogLikelihood(model, testVectors, pad)
                    / testSet.tokens());
            double seconds = (System.nanoTime() - epochNanos) / 1e9;
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            LOG.info(String.format(Locale.ROOT, "epoch %d/%d done: training loss %.3f (perplexity %.1f), held-out "
                            + "perplexity %.1f; %.0f s, %.0f tokens/s, about %.0f s left", epoch + 1, s.epochs(),
                    lossSum / tokens, Math.exp(lossSum / tokens), heldoutPerplexity, seconds, tokens / seconds,
                    elapsed / (epoch + 1) * (s.epochs() - epoch - 1)));
            out.printf(Locale.ROOT, "epoch %d: training loss %.3f, held-out perplexity %.2f%n", epoch + 1,
                    lossSum / tokens, heldoutPerplexity);
        }
    }

    /**
     * Perplexity of the held-out targets under the unigram model of the training targets, with add-one
     * smoothing over the V − 2 ids that can be targets (all but padding and {@code <bos>}).
     */
    private static double unigramPerplexity(Sequences trainSet, Sequences testSet, int vocabulary, int pad, int bos) {
        long[] counts = new long[vocabulary];
        long total = 0;
        for (int[] t : trainSet.targets()) {
            for (int id : t) {
                counts[id]++;
                total++;
            }
        }
        int outcomes = vocabulary - 2;
        double nll = 0;
        long n = 0;
        for (int[] t : testSet.targets()) {
            for (int id : t) {
                if (id == pad || id == bos) {
                    throw new IllegalStateException("a target is padding or <bos>");
                }
                nll -= Math.log((counts[id] + 1.0) / (total + outcomes));
                n++;
            }
        }
        return Math.exp(nll / n);
    }

    /**
     * For each hypothesis, the one of its word's definitions with the highest smoothed sentence BLEU (the
     * first on ties), as a line of text.
     */
    private static List<String> closestReferences(List<String> hypotheses, List<Word> words) {
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> h = Bleu.tokenizeHypothesis(hypotheses.get(i));
            String best = null;
            double bestScore = -1;
            for (List<String> definition : words.get(i).definitions()) {
                String reference = String.join(" ", definition);
                double score = Bleu.sentence(h, Bleu.tokenize(reference));
                if (score > bestScore) {
                    bestScore = score;
                    best = reference;
                }
            }
            chosen.add(best);
        }
        return chosen;
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** {@code word<TAB>reference} per line: the REF_TSV that bleu.py reads. */
    private static void writeReferences(Path file, List<Word> words, List<String> references) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            lines.add(words.get(i).text() + "\t" + references.get(i));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
