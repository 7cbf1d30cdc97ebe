package org.seq4j.examples.truecase;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.data.BucketBatcher;
import org.seq4j.data.TokenBatch;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.LearningRateSchedule;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.SequenceTagger;
import org.seq4j.text.CaseLabels;
import org.seq4j.text.CharacterVocabulary;
import org.seq4j.text.SpecialToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The character-level truecaser: lower-case characters in, one case label per character out, through a
 * bidirectional LSTM tagger ({@link SequenceTagger}), trained with Adam, global-norm clipping and the
 * cross-entropy of the labels, padded steps ignored.
 *
 * <p>Batches come from a {@link BucketBatcher} (similar lengths together, shuffled every epoch) and are
 * padded to a multiple of {@link #LENGTH_QUANTUM} steps, so that the training loop sees a few shapes
 * {@code (T, B)} only and keeps one set of caches and buffers per shape: at steady state a step allocates
 * nothing but the batcher's small index arrays.
 */
final class Truecaser {

    private static final Logger LOG = LoggerFactory.getLogger(Truecaser.class);

    /** Batches are padded to a multiple of this many steps, so that few shapes (and caches) occur. */
    static final int LENGTH_QUANTUM = 16;
    /** The most positions {@code T·B} of one prediction batch. */
    private static final int PREDICTION_POSITIONS = 1 << 15;
    /** Steps of linear learning-rate warm-up. */
    private static final long WARMUP_STEPS = 50;
    /** The target of padded steps, which the loss ignores. */
    private static final int IGNORE = CrossEntropyLoss.DEFAULT_IGNORE_INDEX;

    /** The model's settings. */
    record Settings(int embedding, int hidden, int layers, int batch, double learningRate, double clip,
                    double upperWeight, long seed) {
    }

    /** How long to train: whole epochs, and optionally no longer than a time limit (seconds, 0 for none). */
    record Schedule(int epochs, double timeLimitSeconds, int logEvery) {
    }

    /** What training did. */
    record TrainingResult(int epochs, long steps, long characters, double lastLoss, double seconds,
                          boolean stoppedByTime) {
    }

    private final CharacterVocabulary vocabulary;
    private final SequenceTagger tagger;
    private final Settings settings;
    private final int padIndex;
    private final CrossEntropyLoss loss;
    /** Training buffers per padded shape, keyed by {@code T·65536 + B}. */
    private final Map<Integer, Workspace> workspaces = new HashMap<>();

    Truecaser(CharacterVocabulary vocabulary, Settings settings) {
        this.vocabulary = vocabulary;
        this.settings = settings;
        this.padIndex = vocabulary.id(SpecialToken.PAD);
        this.loss = CrossEntropyLoss.builder().classWeights(1f, (float) settings.upperWeight()).build();
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, settings.embedding(), settings.hidden())
                .withNumLayers(settings.layers()).withBidirectional(true);
        this.tagger = new SequenceTagger(vocabulary.size(), padIndex, config, CaseLabels.COUNT,
                new SplittableRandom(settings.seed()));
    }

    /** The characters of the lower-case training lines, with {@code <pad>} (id 0) and {@code <unk>}. */
    static CharacterVocabulary vocabulary(List<String> lowerCaseLines) {
        CharacterVocabulary.Builder builder = CharacterVocabulary.builder()
                .specials(SpecialToken.PAD, SpecialToken.UNK);
        lowerCaseLines.forEach(builder::add);
        return builder.build();
    }

    SequenceTagger tagger() {
        return tagger;
    }

    CharacterVocabulary vocabulary() {
        return vocabulary;
    }

    /** The ids of a lower-case line, {@code <unk>} for characters the training text did not have. */
    int[] encode(String lowerCaseLine) {
        return vocabulary.encode(lowerCaseLine);
    }

    /**
     * Trains on lines given as ids and their case labels: per batch, forward, cross-entropy over the real
     * steps, backward, global-norm clipping and an Adam step, the learning rate following a short warm-up
     * and a cosine decay over all the planned steps.
     *
     * @param inputs   the lower-case training lines as ids, each of length ≥ 1
     * @param labels   the case labels of each line, one per id
     * @param schedule how long to train
     */
    TrainingResult train(int[][] inputs, int[][] labels, Schedule schedule) {
        Parameters parameters = tagger.parameters();
        Adam adam = new Adam(parameters, AdamConfig.adam().learningRate(settings.learningRate()).build());
        BucketBatcher batcher = BucketBatcher.builder(inputs).batchSize(Math.min(settings.batch(), inputs.length))
                .padIndex(padIndex).seed(settings.seed()).dropLast(true).build();
        SplittableRandom dropout = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
        long totalSteps = (long) schedule.epochs() * batcher.numBatches();
        // a short warm-up, then a cosine decay to 1/20 of the rate at the last step of the last epoch
        LearningRateSchedule rates = LearningRateSchedule.warmupCosine(settings.learningRate(),
                Math.min(WARMUP_STEPS, totalSteps - 1), totalSteps, settings.learningRate() / 20);
        long start = System.nanoTime();
        long steps = 0;
        long characters = 0;
        double windowLoss = 0;
        long windowCharacters = 0;
        int windowSteps = 0;
        long windowStart = start;
        double lastLoss = Double.NaN;
        int epoch = 0;
        boolean stoppedByTime = false;
        LOG.info("training {} for {} epochs of {} batches of {} sentences{}", tagger, schedule.epochs(),
                batcher.numBatches(), batcher.batchSize(), schedule.timeLimitSeconds() > 0
                        ? String.format(Locale.ROOT, ", at most %.0f s", schedule.timeLimitSeconds()) : "");
        training:
        for (; epoch < schedule.epochs(); epoch++) {
            double epochLoss = 0;
            long epochSteps = 0;
            for (TokenBatch batch : batcher.epoch(epoch)) {
                rates.apply(adam, steps);
                Workspace w = workspace(batch);
                w.fill(batch, labels);
                tagger.forward(w.tokens, w.batch, w.lengths, dropout, w.cache);
                double value = loss.forward(w.cache.logits(), w.targets, w.probabilities);
                parameters.zeroGrad();
                loss.backward(w.probabilities, w.targets, 1.0, w.dLogits);
                tagger.backward(w.cache, w.dLogits);
                GradientClipping.clipByGlobalNorm(parameters, settings.clip());
                adam.step();

                steps++;
                int batchCharacters = batch.numTokens();
                characters += batchCharacters;
                windowLoss += value;
                windowCharacters += batchCharacters;
                windowSteps++;
                epochLoss += value;
                epochSteps++;
                lastLoss = value;
                double elapsed = (System.nanoTime() - start) / 1e9;
                boolean outOfTime = schedule.timeLimitSeconds() > 0 && elapsed >= schedule.timeLimitSeconds();
                if (steps % schedule.logEvery() == 0 || outOfTime || steps == totalSteps) {
                    long now = System.nanoTime();
                    double rate = windowCharacters / Math.max(1e-9, (now - windowStart) / 1e9);
                    double remaining = elapsed / steps * (totalSteps - steps);
                    if (schedule.timeLimitSeconds() > 0) {
                        remaining = Math.min(remaining, schedule.timeLimitSeconds() - elapsed);
                    }
                    LOG.info(String.format(Locale.ROOT, "epoch %d step %d/%d  loss %.4f  %.0f chars/s  "
                                    + "elapsed %.0f s  ETA %.0f s", epoch + 1, steps, totalSteps,
                            windowLoss / windowSteps, rate, elapsed, Math.max(0, remaining)));
                    windowLoss = 0;
                    windowCharacters = 0;
                    windowSteps = 0;
                    windowStart = now;
                }
                if (outOfTime) {
                    stoppedByTime = true;
                    LOG.info("stopped by the time limit in epoch {}", epoch + 1);
                    epoch++;
                    break training;
                }
            }
            LOG.info(String.format(Locale.ROOT, "epoch %d/%d done: mean loss %.4f, %.0f s", epoch + 1,
                    schedule.epochs(), epochLoss / epochSteps, (System.nanoTime() - start) / 1e9));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainingResult(epoch, steps, characters, lastLoss, seconds, stoppedByTime);
    }

    /**
     * Predicts the case labels of lower-case lines, in batches of similar lengths.
     *
     * @param lowerCaseLines the lines, each with at least one character
     * @return the labels of each line, one per code point
     */
    int[][] predict(List<String> lowerCaseLines) {
        int n = lowerCaseLines.size();
        int[][] ids = new int[n][];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            ids[i] = encode(lowerCaseLines.get(i));
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(ids[b].length, ids[a].length));   // longest first
        int[][] predicted = new int[n][];
        SequenceTagger.Cache cache = tagger.newCache();
        int from = 0;
        while (from < n) {
            int longest = ids[order[from]].length;
            int size = Math.max(1, Math.min(settings.batch() * 4, PREDICTION_POSITIONS / longest));
            int to = Math.min(n, from + size);
            int[] examples = new int[to - from];
            for (int i = from; i < to; i++) {
                examples[i - from] = order[i];
            }
            TokenBatch tokens = TokenBatch.gather(ids, examples, padIndex);
            tagger.forward(tokens, cache);
            FMatrixRMaj logits = cache.logits();
            int b = tokens.batchSize();
            for (int j = 0; j < b; j++) {
                int[] labels = new int[tokens.length(j)];
                for (int t = 0; t < labels.length; t++) {
                    int row = t * b + j;
                    labels[t] = logits.get(row, CaseLabels.UPPER) > logits.get(row, CaseLabels.KEEP)
                            ? CaseLabels.UPPER : CaseLabels.KEEP;
                }
                predicted[examples[j]] = labels;
            }
            from = to;
        }
        return predicted;
    }

    private Workspace workspace(TokenBatch batch) {
        int steps = (batch.maxLength() + LENGTH_QUANTUM - 1) / LENGTH_QUANTUM * LENGTH_QUANTUM;
        return workspaces.computeIfAbsent(steps * 65536 + batch.batchSize(),
                key -> new Workspace(steps, batch.batchSize()));
    }

    /** The buffers of training steps of one padded shape {@code (T, B)}, reused by every such step. */
    private final class Workspace {
        final int steps;
        final int batch;
        final SequenceTagger.Cache cache = tagger.newCache();
        final int[] tokens;                 // (T·B), time-major, padded
        final int[] targets;                // (T·B), IGNORE at padded steps
        final int[] lengths;                // (B)
        final FMatrixRMaj probabilities;    // (T·B, 2)
        final FMatrixRMaj dLogits;          // (T·B, 2)

        Workspace(int steps, int batch) {
            this.steps = steps;
            this.batch = batch;
            this.tokens = new int[steps * batch];
            this.targets = new int[steps * batch];
            this.lengths = new int[batch];
            this.probabilities = new FMatrixRMaj(steps * batch, CaseLabels.COUNT);
            this.dLogits = new FMatrixRMaj(steps * batch, CaseLabels.COUNT);
        }

        /** Copies a batch into the padded buffers, with the labels of its examples as targets. */
        void fill(TokenBatch tokenBatch, int[][] labels) {
            for (int b = 0; b < batch; b++) {
                int length = tokenBatch.length(b);
                int[] exampleLabels = labels[tokenBatch.exampleIndex(b)];
                lengths[b] = length;
                for (int t = 0; t < steps; t++) {
                    boolean real = t < length;
                    tokens[t * batch + b] = real ? tokenBatch.token(t, b) : padIndex;
                    targets[t * batch + b] = real ? exampleLabels[t] : IGNORE;
                }
            }
        }
    }
}
