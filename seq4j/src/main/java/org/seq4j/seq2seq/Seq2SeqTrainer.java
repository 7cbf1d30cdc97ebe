package org.seq4j.seq2seq;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.seq4j.data.BucketBatcher;
import org.seq4j.io.Checkpoint;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.lm.TrainingDivergedException;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.NonFiniteGradientException;
import org.seq4j.optim.Optimizer;
import org.seq4j.optim.OptimizerState;
import org.seq4j.random.SplitMix64;
import org.seq4j.text.WordVocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link Seq2SeqModel} on sentence pairs as the reference does: epochs over seeded, shuffled
 * batches (plain, or drawn from length buckets: {@link Seq2SeqTrainingConfig#bucketBatches}); per batch,
 * zero the gradients, forward with teacher forcing (or scheduled sampling), backward, clip the global
 * gradient norm, one Adam step.
 *
 * <pre>
 *   epoch e:  the batches of BucketBatcher.plan(e) over the source lengths (seed and e fix the order)
 *   batch:    loss = mean cross-entropy over the batch's target tokens y_1 … y_n &lt;eos&gt;
 *             zeroGrad; forward; backward; clipByGlobalNorm(clipNorm); Adam step
 * </pre>
 *
 * <h2>Exact resume</h2>
 * Everything a batch depends on is saved by {@link #save}: the parameters, Adam's state, the position
 * (epochs and batches done), and the state of the one random stream ({@link SplitMix64}, seeded from the
 * settings' seed) that draws the dropout masks and the sampling choices. {@link #resume} therefore continues
 * a run bit for bit: one epoch, save, resume, one epoch gives the parameters of two epochs in a row. The
 * checkpoint is a {@link Seq2SeqCheckpoint} (model and vocabularies too), so the same file serves
 * translation. A steady-state {@link #step()} allocates nothing (batches of one shape; a batch of another
 * shape grows or replaces buffers).
 *
 * <h2>Progress</h2>
 * Logged through SLF4J ({@code org.seq4j.seq2seq.Seq2SeqTrainer}, INFO): every
 * {@link Seq2SeqTrainingConfig#logEvery()} batches and at the end of every epoch, the training loss (mean
 * over target tokens), the throughput in tokens per second (source and target tokens over the time of the
 * training steps, the reference's measure) and the estimated time left. {@link #train} tells a listener
 * after every epoch (validation BLEU, checkpoints).
 *
 * <h2>Non-finite values</h2>
 * A loss or a gradient that is NaN or infinite stops training with a {@link TrainingDivergedException}
 * naming the step (and the parameter); the trainer then refuses further steps and saves.
 *
 * <h2>API</h2>
 * <pre>
 *   static Seq2SeqTrainer create(Seq2SeqModel model, WordVocabulary source, WordVocabulary target,
 *                                int[][] sources, int[][] targets, Seq2SeqTrainingConfig config)
 *   static Seq2SeqTrainer resume(Path checkpoint, int[][] sources, int[][] targets)
 *   static Seq2SeqTrainer resume(Path checkpoint, int[][] sources, int[][] targets, int epochs)
 *   void save(Path file)
 *   float step()                  EpochSummary trainEpoch()      List&lt;EpochSummary&gt; train(EpochListener l)
 *   boolean finished()  int epoch()  int batchInEpoch()  int batchesPerEpoch()  long stepCount()
 *   double tokensPerSecond()  Seq2SeqModel model()  WordVocabulary sourceVocabulary(), targetVocabulary()
 *   Seq2SeqTrainingConfig config()
 * </pre>
 * Not thread-safe.
 */
public final class Seq2SeqTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(Seq2SeqTrainer.class);

    /** What one epoch did. */
    public record EpochSummary(int epoch, double trainLoss, long targetTokens, long sourceTokens, double seconds,
                               double tokensPerSecond) {

        /**
         * A summary.
         *
         * @param epoch           the epoch's number, from 1
         * @param trainLoss       the mean training loss over the epoch's target tokens, in nats per token
         * @param targetTokens    the target tokens of the epoch ({@code Σ (n + 1)})
         * @param sourceTokens    the source tokens of the epoch
         * @param seconds         the time of the epoch's training steps in this process
         * @param tokensPerSecond source and target tokens per second of those steps
         */
        public EpochSummary {
        }
    }

    /** Told of every finished epoch by {@link #train}. */
    @FunctionalInterface
    public interface EpochListener {

        /**
         * Called after an epoch, before the next one starts; may evaluate the model or {@link #save} the
         * trainer.
         *
         * @param trainer the trainer, at the end of the epoch
         * @param summary what the epoch did
         */
        void onEpoch(Seq2SeqTrainer trainer, EpochSummary summary);
    }

    private final Seq2SeqModel model;
    private final WordVocabulary sourceVocabulary;
    private final WordVocabulary targetVocabulary;
    private final Seq2SeqTrainingConfig config;
    private final int[][] sources;
    private final int[][] targets;
    private final long dataChecksum;
    private final BucketBatcher batcher;
    private final Optimizer optimizer;
    private final SplitMix64 random;
    private final Seq2SeqModel.TrainingCache cache;
    private int epoch;
    private int batchInEpoch;
    private long step;
    private int[][] plan;
    private int planEpoch = -1;
    // the epoch in progress: Σ loss·tokens and the tokens (saved); the time and tokens of this process
    private double epochLossSum;
    private long epochTargetTokens;
    private long epochSourceTokens;
    private long epochNanos;
    private long epochTimedTokens;
    // the window of the next progress line
    private double windowLossSum;
    private long windowTokens;
    // this trainer's steps: time and tokens, for tokens/s and ETA
    private long trainNanos;
    private long trainTokens;
    private long stepsRun;
    private EpochSummary lastEpoch;
    private TrainingDivergedException stopped;

    private Seq2SeqTrainer(Seq2SeqModel model, WordVocabulary sourceVocabulary, WordVocabulary targetVocabulary,
                           int[][] sources, int[][] targets, Seq2SeqTrainingConfig config) {
        if (model == null || config == null || sources == null || targets == null) {
            throw new IllegalArgumentException("model, sentences and config must not be null");
        }
        Seq2SeqCheckpoint.checkVocabularies(model.config(), sourceVocabulary, targetVocabulary);
        checkPairs(model.config(), sources, targets);
        this.model = model;
        this.sourceVocabulary = sourceVocabulary;
        this.targetVocabulary = targetVocabulary;
        this.config = config;
        this.sources = sources.clone();
        this.targets = targets.clone();
        this.dataChecksum = Seq2SeqCheckpoint.checksum(this.sources, this.targets);
        this.batcher = BucketBatcher.builder(this.sources).batchSize(config.batchSize())
                .bucketBatches(config.bucketBatches()).padIndex(Seq2SeqModel.PAD_INDEX).seed(config.seed()).build();
        this.optimizer = new Adam(model.parameters(), AdamConfig.adam().learningRate(config.learningRate()).build());
        this.random = new SplitMix64(SplitMix64.streamSeed(config.seed(), 1));
        this.cache = model.newTrainingCache();
    }

    private static void checkPairs(Seq2SeqConfig config, int[][] sources, int[][] targets) {
        if (sources.length != targets.length || sources.length == 0) {
            throw new IllegalArgumentException("there must be as many target as source sentences, at least one, "
                    + "but there were " + sources.length + " sources and " + targets.length + " targets");
        }
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] == null || sources[i].length == 0 || targets[i] == null) {
                throw new IllegalArgumentException("pair " + i + " must have a source of at least one token and a "
                        + "target but had " + (sources[i] == null ? "null" : sources[i].length + " source tokens")
                        + " and " + (targets[i] == null ? "a null target" : targets[i].length + " target tokens"));
            }
            checkTokens(sources[i], config.sourceVocabularySize(), "source", i);
            checkTokens(targets[i], config.targetVocabularySize(), "target", i);
        }
    }

    private static void checkTokens(int[] sentence, int size, String side, int pair) {
        for (int t = 0; t < sentence.length; t++) {
            if (sentence[t] < 0 || sentence[t] >= size) {
                throw new IllegalArgumentException("pair " + pair + ": " + side + " token " + t + " must be in [0, "
                        + size + ") but was " + sentence[t]);
            }
        }
    }

    /**
     * Starts training from epoch 0.
     *
     * @param model   the model; its parameters are trained in place
     * @param source  the source vocabulary ({@code <pad>} = 0, the model's Vs tokens)
     * @param target  the target vocabulary ({@code <pad>}, {@code <bos>}, {@code <eos>} = 0, 1, 2, the model's
     *                Vt tokens)
     * @param sources the training sources, token ids without specials, each at least one token; the outer
     *                array is copied, the sentences must not change while the trainer is in use
     * @param targets the training targets, as many, without {@code <bos>}/{@code <eos>} (the model adds them)
     * @param config  the settings
     * @return the trainer, at epoch 0
     * @throws IllegalArgumentException if the vocabularies do not fit the model, the pairs are empty or
     *                                  unequal in number, a source is empty, or a token is out of range
     */
    public static Seq2SeqTrainer create(Seq2SeqModel model, WordVocabulary source, WordVocabulary target,
                                        int[][] sources, int[][] targets, Seq2SeqTrainingConfig config) {
        return new Seq2SeqTrainer(model, source, target, sources, targets, config);
    }

    /**
     * Continues a run saved by {@link #save}: model, vocabularies, settings, position, Adam's state and the
     * random stream come from the file, so that the following steps are those the saved run would have
     * taken.
     *
     * @param checkpoint the file written by {@link #save}
     * @param sources    the same training sources the run used (checked against the file's fingerprint)
     * @param targets    the same training targets
     * @return the trainer, at the saved position
     * @throws CheckpointFormatException if the file is not a training checkpoint or its state is inconsistent
     * @throws IOException               if the file cannot be read
     * @throws IllegalArgumentException  if the pairs are not those the run trained on
     */
    public static Seq2SeqTrainer resume(Path checkpoint, int[][] sources, int[][] targets) throws IOException {
        return resume(checkpoint, sources, targets, 0);
    }

    /**
     * Continues a run saved by {@link #save} for a new total number of epochs (the other settings stay the
     * saved ones, which exact continuation needs).
     *
     * @param checkpoint the file written by {@link #save}
     * @param sources    the same training sources the run used
     * @param targets    the same training targets
     * @param epochs     the total number of epochs to train, at least the epochs already done; 0 keeps the
     *                   saved setting
     * @return the trainer, at the saved position
     * @throws CheckpointFormatException if the file is not a training checkpoint or its state is inconsistent
     * @throws IOException               if the file cannot be read
     * @throws IllegalArgumentException  if the pairs are not those the run trained on, or {@code epochs} is
     *                                   below the epochs done
     */
    public static Seq2SeqTrainer resume(Path checkpoint, int[][] sources, int[][] targets, int epochs)
            throws IOException {
        Seq2SeqCheckpoint contents = Seq2SeqCheckpoint.read(Checkpoint.read(checkpoint, Seq2SeqCheckpoint.KIND));
        Seq2SeqCheckpoint.TrainingState saved = contents.training();
        if (saved == null) {
            throw new CheckpointFormatException(checkpoint + " holds a model without training state (saved by "
                    + "Seq2SeqCheckpoint.save); training cannot be resumed from it");
        }
        Seq2SeqTrainingConfig settings = saved.config();
        if (epochs != 0) {
            if (epochs < saved.epoch()) {
                throw new IllegalArgumentException("epochs must be at least the " + saved.epoch()
                        + " epochs already done but was " + epochs);
            }
            settings = new Seq2SeqTrainingConfig(epochs, settings.batchSize(), settings.learningRate(),
                    settings.clipNorm(), settings.teacherForcing(), settings.seed(), settings.bucketBatches(),
                    settings.logEvery());
        }
        Seq2SeqTrainer trainer = new Seq2SeqTrainer(contents.model(), contents.sourceVocabulary(),
                contents.targetVocabulary(), sources, targets, settings);
        if (trainer.sources.length != saved.dataPairs() || trainer.dataChecksum != saved.dataChecksum()) {
            throw new IllegalArgumentException("the training pairs (" + trainer.sources.length + ") are not those "
                    + "the checkpoint was trained on (" + saved.dataPairs() + " pairs, another fingerprint)");
        }
        if (saved.batchInEpoch() >= trainer.batcher.numBatches()) {
            throw new CheckpointFormatException(checkpoint + ": batch_in_epoch " + saved.batchInEpoch()
                    + " is beyond the " + trainer.batcher.numBatches() + " batches of an epoch");
        }
        try {
            trainer.optimizer.importState(OptimizerState.fromTensors(Seq2SeqCheckpoint.OPTIM_PREFIX,
                    saved.optimizerState(), trainer.model.parameters()));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(checkpoint + ": bad optimizer state: " + e.getMessage(), e);
        }
        trainer.epoch = saved.epoch();
        trainer.batchInEpoch = saved.batchInEpoch();
        trainer.step = saved.step();
        trainer.random.setState(saved.rngState());
        trainer.epochLossSum = saved.epochLossSum();
        trainer.epochTargetTokens = saved.epochTargetTokens();
        trainer.epochSourceTokens = saved.epochSourceTokens();
        return trainer;
    }

    /**
     * Saves the model, the vocabularies and the whole training state as one {@link Seq2SeqCheckpoint} file,
     * atomically (an interrupted save leaves the previous file intact).
     *
     * @param file the target; replaced if it exists
     * @throws IOException           if writing fails; an existing file is then unchanged
     * @throws IllegalStateException if training stopped on a non-finite value (the file is not touched)
     */
    public void save(Path file) throws IOException {
        checkNotStopped("save");
        Seq2SeqCheckpoint.write(file, model, sourceVocabulary, targetVocabulary,
                new Seq2SeqCheckpoint.TrainingState(config, epoch, batchInEpoch, step, random.state(),
                        optimizer.toString(), optimizer.exportState().toTensors(Seq2SeqCheckpoint.OPTIM_PREFIX),
                        sources.length, dataChecksum, epochLossSum, epochTargetTokens, epochSourceTokens));
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * Trains on the next batch; at the last batch of an epoch, closes the epoch ({@link #lastEpoch()}).
     *
     * @return the batch's mean loss over its target tokens
     * @throws IllegalStateException     if all epochs are done, or training stopped before
     * @throws TrainingDivergedException if the loss or a gradient is not finite
     */
    public float step() {
        checkNotStopped("step");
        if (finished()) {
            throw new IllegalStateException("all " + config.epochs() + " epochs are done");
        }
        long start = System.nanoTime();
        if (planEpoch != epoch) {
            plan = batcher.plan(epoch);
            planEpoch = epoch;
        }
        optimizer.zeroGrad();
        model.forward(sources, targets, plan[batchInEpoch], config.teacherForcing(), random, cache);
        double loss = cache.loss();
        if (!Double.isFinite(loss)) {
            throw stop(new TrainingDivergedException(step + 1, null, "training stopped at step " + (step + 1)
                    + " (epoch " + (epoch + 1) + ", batch " + (batchInEpoch + 1) + "): the loss is " + loss, null));
        }
        model.backward(cache);
        Parameters parameters = model.parameters();
        try {
            if (config.clipNorm() > 0) {
                GradientClipping.clipByGlobalNorm(parameters, config.clipNorm());
            } else {
                GradientClipping.checkFinite(parameters);
            }
        } catch (NonFiniteGradientException e) {
            throw stop(new TrainingDivergedException(step + 1, e.parameterName(), "training stopped at step "
                    + (step + 1) + ": the gradient of '" + e.parameterName() + "' is " + e.value() + " at "
                    + Arrays.toString(e.index()), e));
        }
        optimizer.step();
        step++;
        stepsRun++;
        int tokens = cache.targetTokens();
        long sourceTokens = cache.sourceTokens();
        epochLossSum += loss * tokens;
        epochTargetTokens += tokens;
        epochSourceTokens += sourceTokens;
        windowLossSum += loss * tokens;
        windowTokens += tokens;
        long nanos = System.nanoTime() - start;
        trainNanos += nanos;
        trainTokens += tokens + sourceTokens;
        epochNanos += nanos;
        epochTimedTokens += tokens + sourceTokens;
        batchInEpoch++;
        if (batchInEpoch % config.logEvery() == 0 && batchInEpoch < plan.length) {
            LOG.info("epoch {}/{}  batch {}/{}  loss {}  {} tokens/s  ETA {}", epoch + 1, config.epochs(),
                    batchInEpoch, plan.length, String.format(Locale.ROOT, "%.4f", windowLossSum / windowTokens),
                    String.format(Locale.ROOT, "%,.0f", tokensPerSecond()), formatDuration(etaSeconds()));
            windowLossSum = 0;
            windowTokens = 0;
        }
        if (batchInEpoch == plan.length) {
            closeEpoch();
        }
        return (float) loss;
    }

    private void closeEpoch() {
        double seconds = epochNanos / 1e9;
        lastEpoch = new EpochSummary(epoch + 1, epochLossSum / epochTargetTokens, epochTargetTokens,
                epochSourceTokens, seconds, seconds == 0 ? 0 : epochTimedTokens / seconds);
        epoch++;
        batchInEpoch = 0;
        epochLossSum = 0;
        epochTargetTokens = 0;
        epochSourceTokens = 0;
        epochNanos = 0;
        epochTimedTokens = 0;
        windowLossSum = 0;
        windowTokens = 0;
        LOG.info("epoch {}/{} done: train loss {}  {} tokens/s  {} s  ETA {}", lastEpoch.epoch(), config.epochs(),
                String.format(Locale.ROOT, "%.4f", lastEpoch.trainLoss()),
                String.format(Locale.ROOT, "%,.0f", lastEpoch.tokensPerSecond()),
                String.format(Locale.ROOT, "%.1f", seconds), formatDuration(etaSeconds()));
    }

    /**
     * Trains to the end of the current epoch.
     *
     * @return the summary of that epoch
     * @throws IllegalStateException     if all epochs are done, or training stopped before
     * @throws TrainingDivergedException if a loss or a gradient is not finite
     */
    public EpochSummary trainEpoch() {
        int current = epoch;
        while (epoch == current) {
            step();
        }
        return lastEpoch;
    }

    /**
     * Trains the remaining epochs, telling the listener after each.
     *
     * @param listener told after every epoch; may be null
     * @return the summaries of the epochs this call trained
     * @throws IllegalStateException     if training stopped before
     * @throws TrainingDivergedException if a loss or a gradient is not finite
     */
    public List<EpochSummary> train(EpochListener listener) {
        checkNotStopped("train");
        LOG.info("training {} on {} pairs: {} batches of {} per epoch, epochs {} to {}, {}", model, sources.length,
                batcher.numBatches(), config.batchSize(), epoch + 1, config.epochs(), optimizer);
        List<EpochSummary> done = new ArrayList<>();
        while (!finished()) {
            EpochSummary summary = trainEpoch();
            done.add(summary);
            if (listener != null) {
                listener.onEpoch(this, summary);
            }
        }
        return done;
    }

    private long etaSeconds() {
        if (stepsRun == 0) {
            return 0;
        }
        long remaining = (long) (config.epochs() - epoch) * batcher.numBatches() - batchInEpoch;
        return Math.round(trainNanos / 1e9 / stepsRun * remaining);
    }

    private static String formatDuration(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60)
                : seconds >= 60 ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60)
                : seconds + "s";
    }

    private TrainingDivergedException stop(TrainingDivergedException e) {
        stopped = e;
        return e;
    }

    private void checkNotStopped(String action) {
        if (stopped != null) {
            throw new IllegalStateException("cannot " + action + ": " + stopped.getMessage());
        }
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * Tells whether all epochs are done.
     *
     * @return true once {@link #epoch()} reached the settings' epochs
     */
    public boolean finished() {
        return epoch >= config.epochs();
    }

    /**
     * The number of completed epochs (including those before a resume).
     *
     * @return the count
     */
    public int epoch() {
        return epoch;
    }

    /**
     * The number of batches done of the epoch in progress.
     *
     * @return the count, below {@link #batchesPerEpoch()}
     */
    public int batchInEpoch() {
        return batchInEpoch;
    }

    /**
     * The number of batches of every epoch.
     *
     * @return {@code ⌈pairs / batchSize⌉}
     */
    public int batchesPerEpoch() {
        return batcher.numBatches();
    }

    /**
     * The number of optimizer steps done (including those before a resume).
     *
     * @return the count
     */
    public long stepCount() {
        return step;
    }

    /**
     * The summary of the latest completed epoch of this trainer.
     *
     * @return the summary, or null before the first epoch ends
     */
    public EpochSummary lastEpoch() {
        return lastEpoch;
    }

    /**
     * Source and target tokens per second of the training steps this trainer ran.
     *
     * @return the rate, 0 before the first step
     */
    public double tokensPerSecond() {
        return trainNanos == 0 ? 0 : trainTokens / (trainNanos / 1e9);
    }

    /**
     * The model being trained.
     *
     * @return the model
     */
    public Seq2SeqModel model() {
        return model;
    }

    /**
     * The source vocabulary.
     *
     * @return the vocabulary
     */
    public WordVocabulary sourceVocabulary() {
        return sourceVocabulary;
    }

    /**
     * The target vocabulary.
     *
     * @return the vocabulary
     */
    public WordVocabulary targetVocabulary() {
        return targetVocabulary;
    }

    /**
     * The settings.
     *
     * @return the settings
     */
    public Seq2SeqTrainingConfig config() {
        return config;
    }
}
