package org.seq4j.embed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.seq4j.kernel.VectorMath;
import org.seq4j.random.SplitMix64;
import org.seq4j.random.Word2VecRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains word2vec vectors from text files with lock-free multithreaded SGD ("Hogwild"), following
 * {@code TrainModelThread} of {@code word2vec.c} step by step.
 *
 * <h2>Corpus</h2>
 * UTF-8 text files, read as one stream; tokens are separated by ASCII whitespace and every line is a
 * sentence (windows never cross a line end). The corpus is never held in memory: one pass counts the
 * {@link Word2VecVocabulary}, then each epoch streams the files again. The stream is split into
 * {@code threads} consecutive byte ranges, one per thread (each thread takes the lines that start in its
 * range), as {@code word2vec.c} splits its training file.
 *
 * <h2>Algorithm (per thread, per sentence)</h2>
 * <pre>
 *   read words of the line; drop words outside the vocabulary; drop word w with probability
 *       1 - keep(w),  keep(w) = (sqrt(c_w / (s·N)) + 1) · s·N / c_w        (s = sample, N = Σ counts)
 *   for each centre position i:
 *       b = rand % window;  the context is positions i-window+b .. i+window-b, except i
 *       skip-gram: for each context word o:   h = syn0[o];   output layers predict word i from h;
 *                                             syn0[o] += neu1e
 *       CBOW:      h = mean of syn0[o] over the context;   output layers predict word i from h;
 *                  every syn0[o] += neu1e      (word2vec.c does not divide neu1e by the context size)
 *   alpha = alpha0 · (1 - wordsDone / (epochs·N + 1)), at least alpha0 · 1e-4, updated every 10,000 words
 * </pre>
 * with the output layers of {@link SgdKernels}. Skip-gram thus lets each context word predict the
 * centre word, as {@code word2vec.c} and gensim do; over a corpus this is the same set of (centre,
 * context) pairs as the centre predicting each context word. Each thread's random numbers come from
 * {@code word2vec.c}'s generator ({@link Word2VecRandom}), seeded from {@link Word2VecConfig#seed()};
 * with one thread the result is fully determined by the seed. With several threads the updates race (as
 * in {@code word2vec.c}) and results differ slightly from run to run.
 *
 * <h2>The batched update ({@link Word2VecConfig.Update#BATCHED})</h2>
 * Ji et al., "Parallelizing Word2Vec in Shared and Distributed Memory" (2019), "HogBatch": the same
 * reading, vocabulary, subsampling, window shrinking and learning rate as above, negative sampling only,
 * but the input vectors of several predictions share one draw of {@code K} noise words and form one
 * minibatch step of {@link BatchedSgdKernels} (objective and gradient written out there):
 * <pre>
 *   skip-gram: for each centre position i: b = rand % window; the context words o_1 .. o_C of the shrunk
 *              window (in window order) are cut into minibatches of at most B = batchSize:
 *                  draw K noise words (dropping those equal to word i, as word2vec.c does)
 *                  X = [syn0[o_r]] (n, E);  S = X·Uᵀ with U = [syn1neg[word i]; syn1neg[noise]] (K+1, E)
 *                  G = alpha·(labels - σ(S));   syn0[o_r] += (G·U)_r;   U += Gᵀ·X   (from the old values)
 *   CBOW:      consecutive centre positions (those with a non-empty context) are collected B at a time:
 *                  h_r = mean of syn0 over centre r's shrunk window (before the minibatch's updates)
 *                  draw K noise words, shared; a noise word equal to row r's centre word is left out of row r
 *                  the same step with X = [h_r] and per-row positives; every syn0[o] of centre r's
 *                  context += (G·U)_r (word2vec.c's rule, not divided by the context size)
 * </pre>
 * A minibatch of one input takes word2vec.c's step exactly ({@link SgdKernels#negativeSampling}) with
 * noise words drawn in the same order, so {@code batchSize = 1} trains exactly as the exact update. Each
 * noise row is then read and written once per minibatch instead of once per prediction, and {@code K}
 * noise words are drawn per minibatch instead of per prediction. Across threads the minibatch updates race
 * as the exact ones do (Hogwild). The scores are computed with the JDK's Vector API when the JVM has the
 * module {@code jdk.incubator.vector} ({@link RowDots}); the vectors then differ in their last bits from a
 * run without it.
 *
 * <p>Non-finite values: every 10,000 words a thread checks the input vectors of the
 * sentence it has just trained, and after the last epoch every input vector is checked; a NaN or infinite
 * element stops training with a {@link Word2VecDivergedException} (all threads stop at their next check),
 * so no model with a non-finite vector is returned. The checks allocate nothing.
 *
 * <p>Input vectors start uniform in {@code [-0.5/E, 0.5/E)}, output tables at zero. Nothing is allocated
 * per word or per window: each thread owns its sentence and vector buffers. Progress (percent done,
 * words/sec per thread, current learning rate, time left) is logged through SLF4J at INFO every few
 * seconds.
 */
public final class Word2VecTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(Word2VecTrainer.class);

    /** Words a thread processes between updates of the shared word count and the learning rate. */
    static final int WORDS_PER_UPDATE = 10_000;
    /** The learning rate stops decaying at this fraction of its starting value. */
    static final double MIN_ALPHA_FRACTION = 1e-4;

    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final Word2VecConfig config;

    /**
     * Creates a trainer.
     *
     * @param config the training settings
     */
    public Word2VecTrainer(Word2VecConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Counts the vocabulary of the files and trains on them.
     *
     * @param files corpus files (UTF-8, one sentence per line), read in order; not modified
     * @return the trained model
     * @throws IOException                if a file cannot be read
     * @throws CorpusFormatException      if a file is not UTF-8 text
     * @throws IllegalArgumentException   if {@code files} is empty or the vocabulary is empty (or has a
     *                                    single word with hierarchical softmax)
     * @throws Word2VecDivergedException  if a word vector becomes NaN or infinite
     */
    public Word2VecModel train(List<Path> files) throws IOException {
        Word2VecVocabulary vocabulary = Word2VecVocabulary.count(files, config.minCount(), config.maxVocabSize());
        return train(files, vocabulary);
    }

    /**
     * Trains on the files with a vocabulary counted before (for example on the same files).
     *
     * @param files      corpus files, read in order; not modified
     * @param vocabulary the words to learn vectors for; words of the files outside it are skipped
     * @return the trained model
     * @throws IOException               if a file cannot be read
     * @throws IllegalArgumentException  if {@code files} or the vocabulary is empty, or the vocabulary has a
     *                                   single word with hierarchical softmax
     * @throws Word2VecDivergedException if a word vector becomes NaN or infinite
     */
    public Word2VecModel train(List<Path> files, Word2VecVocabulary vocabulary) throws IOException {
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(vocabulary, "vocabulary");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("files must not be empty");
        }
        if (vocabulary.size() == 0) {
            throw new IllegalArgumentException("the vocabulary is empty: no word occurs at least minCount = "
                    + config.minCount() + " times");
        }
        long startNanos = System.nanoTime();
        List<Path> copy = List.copyOf(files);
        Word2VecModel model = Word2VecModel.initialise(config, vocabulary);
        Run run = new Run(config, model, copy);
        run.trainAll();
        for (int w = 0; w < vocabulary.size(); w++) {
            run.checkFinite(w);
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long words = vocabulary.totalCount() * config.epochs();
        LOG.info(String.format(Locale.ROOT, "training done: %d words in %.1f s, %.0f words/sec",
                words, seconds, words / seconds));
        return model.withTraining(words, seconds);
    }

    /** State shared by the threads of one training run. */
    static final class Run {
        final Word2VecConfig config;
        final Word2VecModel model;
        final List<Path> files;
        final long[] fileOffsets;
        final float[] keep;                 // (V) subsampling keep threshold per word
        final UnigramTable noise;           // noise distribution, or null
        final long trainWords;              // Σ counts
        final AtomicLong wordCountActual = new AtomicLong();
        final AtomicLong lastLogNanos = new AtomicLong();
        final long startNanos = System.nanoTime();
        /** Set when a thread failed: the others stop at their next check. */
        volatile boolean stopped;
        /** Whether {@link #advance} logs progress (off for a partition: its trainer logs the whole run). */
        boolean logProgress = true;

        Run(Word2VecConfig config, Word2VecModel model, List<Path> files) throws IOException {
            this.config = config;
            this.model = model;
            this.files = files;
            this.fileOffsets = TokenReader.fileOffsets(files);
            Word2VecVocabulary vocab = model.vocabulary();
            int v = vocab.size();
            this.trainWords = vocab.totalCount();
            this.keep = new float[v];
            double threshold = config.sample() * trainWords;
            for (int w = 0; w < v; w++) {
                long c = vocab.count(w);
                keep[w] = config.sample() > 0 ? (float) ((Math.sqrt(c / threshold) + 1) * threshold / c) : 1f;
            }
            this.noise = config.negative() > 0 ? new UnigramTable(counts(vocab)) : null;
            lastLogNanos.set(startNanos);
        }

        static long[] counts(Word2VecVocabulary vocab) {
            long[] c = new long[vocab.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = vocab.count(i);
            }
            return c;
        }

        void trainAll() throws IOException {
            int threads = config.threads();
            long total = fileOffsets[files.size()];
            SplitMix64 seeds = new SplitMix64(config.seed());
            Worker[] workers = new Worker[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Worker(this, total * t / threads, total * (t + 1) / threads, seeds.nextLong());
            }
            LOG.info("training {} on {} words ({} distinct) for {} epochs with {} threads",
                    config.architecture(), trainWords, model.vocabulary().size(), config.epochs(), threads);
            if (threads == 1) {
                workers[0].runEpochs();
                return;
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] running = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                Worker w = workers[t];
                running[t] = new Thread(() -> {
                    try {
                        w.runEpochs();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        stopped = true;
                    }
                }, "word2vec-" + t);
                running[t].start();
            }
            try {
                for (Thread th : running) {
                    th.join();
                }
            } catch (InterruptedException e) {
                for (Thread th : running) {
                    th.interrupt();
                }
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training", e);
            }
            Throwable e = failure.get();
            if (e instanceof IOException) {
                throw (IOException) e;
            } else if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            } else if (e instanceof Error) {
                throw (Error) e;
            } else if (e != null) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Checks that the input vector of word {@code w} is finite.
         *
         * @throws Word2VecDivergedException naming the word and the first non-finite element
         */
        void checkFinite(int w) {
            float[] row = model.syn0()[w];
            for (int i = 0; i < row.length; i++) {
                if (!Float.isFinite(row[i])) {
                    String word = model.vocabulary().word(w);
                    throw new Word2VecDivergedException(word, String.format(Locale.ROOT,
                            "training diverged: the vector of '%s' is %s at [%d] after about %,d of %,d training "
                                    + "words, with alpha starting at %.3g", word, row[i], i,
                            wordCountActual.get(), (long) config.epochs() * trainWords, config.alpha()));
                }
            }
        }

        /** Adds a thread's new words to the shared count; returns the learning rate for the new total. */
        float advance(long newWords) {
            long actual = wordCountActual.addAndGet(newWords);
            double total = (double) config.epochs() * trainWords + 1;
            double alpha = config.alpha() * (1 - actual / total);
            alpha = Math.max(alpha, config.alpha() * MIN_ALPHA_FRACTION);
            long now = System.nanoTime();
            long last = lastLogNanos.get();
            if (logProgress && now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now) && LOG.isInfoEnabled()) {
                double elapsed = (now - startNanos) / 1e9;
                double done = Math.min(1.0, actual / total);
                LOG.info(String.format(Locale.ROOT,
                        "progress %5.1f%%  words/sec/thread %,.0f  alpha %.6f  elapsed %.0f s  eta %.0f s",
                        100 * done, actual / elapsed / config.threads(), alpha, elapsed,
                        done > 0 ? elapsed * (1 - done) / done : Double.NaN));
            }
            return (float) alpha;
        }
    }

    /** One training thread: its byte range, its random stream and its buffers. */
    static final class Worker {
        private final Run run;
        private final long from;
        private final long to;
        private final Word2VecRandom random;
        private final int[] sentence;       // (maxSentenceLength) word ids after subsampling
        private final float[] neu1;         // (E) CBOW hidden vector
        private final float[] neu1e;        // (E) error for the hidden vector
        private final int[] negatives;      // (K) drawn noise words
        private final float[] scores;       // (V) full softmax workspace, or null
        private final float[] nsScores;     // (K + 2) negative-sampling scores
        private final float[] hsScores;     // (max L) hierarchical-softmax scores
        // the batched update (null for the exact one); B = rows of a minibatch
        private final int[] contexts;       // (2·window) skip-gram: context words of the current centre word
        private final float[][] batchInputs;   // (B) the minibatch's input rows: syn0 rows or CBOW hidden rows
        private final int[] batchPositives;    // (B) each row's positive (centre) word
        private final float[][] batchInputSteps;  // (B, E) the step for each input row
        private final float[] batchGradients;  // (B·(K+1)) g of every score
        private final float[][] batchColumns;  // (K+1) the output rows of a minibatch's columns
        private final RowDots dots;            // the scores' dot products
        private final float[][] cbowHidden;    // (B, E) CBOW: hidden vectors of the minibatch
        private final int[] cbowCentres;       // (B) CBOW: sentence position of each row's centre word
        private final int[] cbowShrinks;       // (B) CBOW: each row's window shrink b

        Worker(Run run, long from, long to, long seed) {
            this.run = run;
            this.from = from;
            this.to = to;
            this.random = new Word2VecRandom(seed);
            Word2VecConfig c = run.config;
            this.sentence = new int[c.maxSentenceLength()];
            this.neu1 = new float[c.vectorSize()];
            this.neu1e = new float[c.vectorSize()];
            this.negatives = new int[c.negative()];
            this.scores = c.fullSoftmax() ? new float[run.model.vocabulary().size()] : null;
            this.nsScores = new float[c.negative() + 2];
            this.hsScores = new float[c.hierarchicalSoftmax() ? run.model.tree().maxCodeLength() : 0];
            if (c.update() == Word2VecConfig.Update.BATCHED) {
                boolean cbow = c.architecture() == Word2VecConfig.Architecture.CBOW;
                int rows = cbow ? c.batchSize() : Math.min(c.batchSize(), 2 * c.window());
                this.contexts = new int[2 * c.window()];
                this.batchInputs = new float[rows][];
                this.batchPositives = new int[rows];
                this.batchInputSteps = new float[rows][c.vectorSize()];
                this.batchGradients = new float[rows * (c.negative() + 1)];
                this.batchColumns = new float[c.negative() + 1][];
                this.dots = RowDots.best();
                this.cbowHidden = cbow ? new float[rows][c.vectorSize()] : null;
                this.cbowCentres = cbow ? new int[rows] : null;
                this.cbowShrinks = cbow ? new int[rows] : null;
            } else {
                this.contexts = null;
                this.batchInputs = null;
                this.batchPositives = null;
                this.batchInputSteps = null;
                this.batchGradients = null;
                this.batchColumns = null;
                this.dots = null;
                this.cbowHidden = null;
                this.cbowCentres = null;
                this.cbowShrinks = null;
            }
        }

        /** The buffer {@link #trainSentence} reads: {@code (maxSentenceLength)} word ids. */
        int[] sentence() {
            return sentence;
        }

        /** This thread's random stream (subsampling, window shrinking, noise words). */
        Word2VecRandom random() {
            return random;
        }

        void runEpochs() throws IOException {
            Word2VecConfig c = run.config;
            Word2VecVocabulary vocab = run.model.vocabulary();
            float[] keep = run.keep;
            boolean subsample = c.sample() > 0;
            int maxLength = sentence.length;
            float alpha = (float) c.alpha();
            try (TokenReader reader = new TokenReader(run.files, run.fileOffsets, from, to)) {
                byte[] buf = reader.buffer();
                for (int epoch = 0; epoch < c.epochs(); epoch++) {
                    if (epoch > 0) {
                        reader.rewind();
                    }
                    long wordCount = 0;
                    long lastWordCount = 0;
                    int lastLength = 0;
                    boolean eof = false;
                    while (!eof) {
                        if (wordCount - lastWordCount > WORDS_PER_UPDATE) {
                            for (int i = 0; i < lastLength; i++) {
                                run.checkFinite(sentence[i]);
                            }
                            if (run.stopped) {
                                return;
                            }
                            alpha = run.advance(wordCount - lastWordCount);
                            lastWordCount = wordCount;
                        }
                        int length = 0;
                        while (true) {
                            int n = reader.next();
                            if (n == TokenReader.END_OF_INPUT) {
                                eof = true;
                                break;
                            }
                            if (n == TokenReader.END_OF_LINE) {
                                if (length > 0) {
                                    break;
                                }
                                continue;
                            }
                            int w = vocab.indexOf(buf, reader.tokenStart(), n);
                            if (w < 0) {
                                continue;
                            }
                            wordCount++;
                            if (subsample && keep[w] < random.nextFraction()) {
                                continue;
                            }
                            sentence[length++] = w;
                            if (length >= maxLength) {
                                break;
                            }
                        }
                        if (length > 0) {
                            trainSentence(length, alpha);
                        }
                        lastLength = length;
                    }
                    for (int i = 0; i < lastLength; i++) {
                        run.checkFinite(sentence[i]);
                    }
                    alpha = run.advance(wordCount - lastWordCount);
                }
            }
        }

        /** Trains on {@code sentence[0, length)}: one skip-gram or CBOW step per centre word. */
        void trainSentence(int length, float alpha) {
            Word2VecConfig c = run.config;
            if (c.update() == Word2VecConfig.Update.BATCHED) {
                if (c.architecture() == Word2VecConfig.Architecture.CBOW) {
                    trainSentenceCbowBatched(length, alpha);
                } else {
                    trainSentenceSkipGramBatched(length, alpha);
                }
                return;
            }
            Word2VecModel m = run.model;
            int e = c.vectorSize();
            int window = c.window();
            float[][] syn0 = m.syn0();
            boolean cbow = c.architecture() == Word2VecConfig.Architecture.CBOW;
            for (int pos = 0; pos < length; pos++) {
                int word = sentence[pos];
                int b = random.nextIndex(window);
                if (cbow) {
                    Arrays.fill(neu1, 0f);
                    Arrays.fill(neu1e, 0f);
                    int cw = 0;
                    for (int a = b; a < window * 2 + 1 - b; a++) {
                        int ci = pos - window + a;
                        if (a == window || ci < 0 || ci >= length) {
                            continue;
                        }
                        VectorMath.axpy(1f, syn0[sentence[ci]], neu1, e);
                        cw++;
                    }
                    if (cw == 0) {
                        continue;
                    }
                    float inv = 1f / cw;
                    for (int i = 0; i < e; i++) {
                        neu1[i] *= inv;
                    }
                    predict(neu1, word, alpha);
                    for (int a = b; a < window * 2 + 1 - b; a++) {
                        int ci = pos - window + a;
                        if (a == window || ci < 0 || ci >= length) {
                            continue;
                        }
                        VectorMath.axpy(1f, neu1e, syn0[sentence[ci]], e);
                    }
                } else {
                    for (int a = b; a < window * 2 + 1 - b; a++) {
                        int ci = pos - window + a;
                        if (a == window || ci < 0 || ci >= length) {
                            continue;
                        }
                        float[] input = syn0[sentence[ci]];
                        predict(input, word, alpha);
                        VectorMath.addAndClear(neu1e, input, e);   // leaves neu1e zero for the next pair
                    }
                }
            }
        }

        /** All enabled output layers predict {@code word} from {@code h}; errors go to {@code neu1e}. */
        void predict(float[] h, int word, float alpha) {
            Word2VecConfig c = run.config;
            Word2VecModel m = run.model;
            int e = c.vectorSize();
            boolean exact = c.exactSigmoid();
            if (c.hierarchicalSoftmax()) {
                SgdKernels.hierarchicalSoftmax(h, m.syn1(), m.tree(), word, alpha, neu1e, e, exact, hsScores);
            }
            if (c.negative() > 0) {
                int count = drawNegatives(word);
                SgdKernels.negativeSampling(h, m.syn1neg(), word, negatives, count, alpha, neu1e, e, exact,
                        nsScores);
            }
            if (c.fullSoftmax()) {
                SgdKernels.fullSoftmax(h, m.softmaxOut(), word, m.vocabulary().size(), alpha, scores, neu1e, e);
            }
        }

        /**
         * Draws {@code K} noise words into {@code negatives}, leaving out those equal to {@code word} (-1:
         * none), as word2vec.c does; returns how many were kept.
         */
        int drawNegatives(int word) {
            UnigramTable noise = run.noise;
            int k = run.config.negative();
            int count = 0;
            for (int d = 0; d < k; d++) {
                // word2vec.c: table[(r >> 16) % table_size], from the same 48 high bits of r
                int target = noise.sample(random.next() >>> 16);
                if (target != word) {
                    negatives[count++] = target;
                }
            }
            return count;
        }

        /**
         * Skip-gram with the batched update: the context words of each centre word, at most
         * {@code batchInputs.length} at a time, share one draw of noise words.
         */
        void trainSentenceSkipGramBatched(int length, float alpha) {
            Word2VecConfig c = run.config;
            int e = c.vectorSize();
            int window = c.window();
            float[][] syn0 = run.model.syn0();
            float[][] syn1neg = run.model.syn1neg();
            boolean exact = c.exactSigmoid();
            int maxRows = batchInputs.length;
            for (int pos = 0; pos < length; pos++) {
                int word = sentence[pos];
                int b = random.nextIndex(window);
                int n = 0;
                for (int a = b; a < window * 2 + 1 - b; a++) {
                    int ci = pos - window + a;
                    if (a != window && ci >= 0 && ci < length) {
                        contexts[n++] = sentence[ci];
                    }
                }
                for (int start = 0; start < n; start += maxRows) {
                    int rows = Math.min(maxRows, n - start);
                    if (rows == 1) {
                        // a minibatch of one: word2vec.c's step itself
                        float[] input = syn0[contexts[start]];
                        predict(input, word, alpha);
                        VectorMath.addAndClear(neu1e, input, e);
                        continue;
                    }
                    int count = drawNegatives(word);
                    for (int r = 0; r < rows; r++) {
                        batchInputs[r] = syn0[contexts[start + r]];
                        batchPositives[r] = word;
                    }
                    BatchedSgdKernels.negativeSampling(dots, batchInputs, batchPositives, rows, syn1neg, negatives,
                            count, alpha, exact, batchInputSteps, batchGradients, batchColumns, e);
                    for (int r = 0; r < rows; r++) {
                        VectorMath.axpy(1f, batchInputSteps[r], batchInputs[r], e);
                    }
                }
            }
        }

        /**
         * CBOW with the batched update: the hidden vectors of up to {@code batchInputs.length} consecutive
         * centre words (with a non-empty context) share one draw of noise words.
         */
        void trainSentenceCbowBatched(int length, float alpha) {
            Word2VecConfig c = run.config;
            int e = c.vectorSize();
            int window = c.window();
            float[][] syn0 = run.model.syn0();
            int rows = 0;
            for (int pos = 0; pos < length; pos++) {
                int b = random.nextIndex(window);
                float[] h = cbowHidden[rows];
                Arrays.fill(h, 0f);
                int cw = 0;
                for (int a = b; a < window * 2 + 1 - b; a++) {
                    int ci = pos - window + a;
                    if (a != window && ci >= 0 && ci < length) {
                        VectorMath.axpy(1f, syn0[sentence[ci]], h, e);
                        cw++;
                    }
                }
                if (cw == 0) {
                    continue;
                }
                float inv = 1f / cw;
                for (int i = 0; i < e; i++) {
                    h[i] *= inv;
                }
                batchInputs[rows] = h;
                batchPositives[rows] = sentence[pos];
                cbowCentres[rows] = pos;
                cbowShrinks[rows] = b;
                rows++;
                if (rows == cbowHidden.length) {
                    cbowStep(rows, length, alpha);
                    rows = 0;
                }
            }
            if (rows > 0) {
                cbowStep(rows, length, alpha);
            }
        }

        /** One CBOW minibatch of {@code rows} hidden vectors; each row's step goes to its context words. */
        private void cbowStep(int rows, int length, float alpha) {
            Word2VecConfig c = run.config;
            int e = c.vectorSize();
            int window = c.window();
            float[][] syn0 = run.model.syn0();
            float[] step;
            if (rows == 1) {
                // a minibatch of one: word2vec.c's step itself (neu1e is zero here)
                predict(batchInputs[0], batchPositives[0], alpha);
                step = neu1e;
            } else {
                int count = drawNegatives(-1);
                BatchedSgdKernels.negativeSampling(dots, batchInputs, batchPositives, rows, run.model.syn1neg(),
                        negatives, count, alpha, c.exactSigmoid(), batchInputSteps, batchGradients, batchColumns, e);
                step = null;
            }
            for (int r = 0; r < rows; r++) {
                float[] d = step != null ? step : batchInputSteps[r];
                int pos = cbowCentres[r];
                int b = cbowShrinks[r];
                for (int a = b; a < window * 2 + 1 - b; a++) {
                    int ci = pos - window + a;
                    if (a != window && ci >= 0 && ci < length) {
                        VectorMath.axpy(1f, d, syn0[sentence[ci]], e);
                    }
                }
            }
            if (step != null) {
                Arrays.fill(neu1e, 0f);
            }
        }
    }
}
