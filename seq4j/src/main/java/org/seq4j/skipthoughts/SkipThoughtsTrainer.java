package org.seq4j.skipthoughts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.seq4j.data.BucketBatcher;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.lm.TrainingDivergedException;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.NonFiniteGradientException;
import org.seq4j.optim.OptimizerState;
import org.seq4j.text.SpecialToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link SkipThoughtsModel} on the triples of a {@link SentenceTriples}, as the paper does: Adam,
 * batches of triples, gradients clipped by their global norm.
 *
 * <pre>
 *   epoch e: the training triples in batches of B, bucketed by the length of the middle sentence
 *            ({@link BucketBatcher} with buckets of one batch, seeded by (seed, e); the N mod B triples left
 *            over are a different random choice every epoch)
 *   step:    zero gradients; forward (loss L = CE_prev + CE_next); backward; clip by global norm; Adam step
 * </pre>
 *
 * <h2>Validation</h2>
 * {@link #evaluate()} runs the decoders over the held-out triples (teacher forcing, no gradients) and
 * reports their perplexity, {@code exp(Σ −log p(target) / N)} over every target token of both neighbours
 * ({@code N} tokens: the words and {@code <eos>}), beside the perplexity on the same tokens of a unigram
 * model estimated from the training targets with add-one smoothing over the V outputs. A decoder that uses
 * its context and the words so far must do much better than the unigram model.
 *
 * <h2>Exact resume</h2>
 * A step depends only on the step number (which fixes the epoch and the batch of its plan) and on the
 * parameters and Adam's state: {@link #save(Path)} writes those (with the settings and fingerprints of the
 * data) and {@link #resume} continues bit-identically. A steady-state {@link #step()} allocates nothing
 * (the plan of an epoch is made when the epoch begins).
 *
 * <p>Progress is logged through SLF4J ({@code org.seq4j.skipthoughts.SkipThoughtsTrainer}, INFO): step,
 * epoch, training loss, triples per second and the estimated time left; each evaluation with both
 * perplexities. A step whose loss, gradient or updated parameter is not finite throws a
 * {@link TrainingDivergedException}; the trainer then refuses further steps and saves. Not thread-safe.
 */
public final class SkipThoughtsTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SkipThoughtsTrainer.class);

    /** The training loss reported in summaries is the mean over this many most recent steps. */
    public static final int RECENT_LOSS_WINDOW = 20;

    /** Seconds between two progress lines at most (one is also logged at the end of every epoch). */
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final SkipThoughtsModel model;
    private final SkipThoughtsTrainingConfig config;
    private final SentenceTriples train;
    private final SentenceTriples validation;
    private final Adam optimizer;
    private final BucketBatcher batcher;
    private final int batchesPerEpoch;
    private final TripleBatch batch = new TripleBatch();
    private final SkipThoughtsModel.Cache cache;
    /** log p of each id under the unigram model of the training targets (add-one smoothing). */
    private final double[] unigramLogProbabilities;
    private long step;
    private int[][] plan;
    private int planEpoch = -1;
    private long trainNanos;
    private long trainTriples;
    private final float[] recentLosses = new float[RECENT_LOSS_WINDOW];
    private int recentCount;
    private TrainingDivergedException stopped;

    private SkipThoughtsTrainer(SkipThoughtsModel model, SentenceTriples train, SentenceTriples validation,
                                SkipThoughtsTrainingConfig config) {
        if (model == null || train == null || validation == null || config == null) {
            throw new IllegalArgumentException("model, training and validation triples and config must not be null");
        }
        if (!train.vocabulary().equals(model.vocabulary()) || !validation.vocabulary().equals(model.vocabulary())) {
            throw new IllegalArgumentException("the triples must be numbered with the model's vocabulary");
        }
        if (train.size() < config.batchSize()) {
            throw new IllegalArgumentException("the training data must hold at least one batch of "
                    + config.batchSize() + " triples but holds " + train.size());
        }
        if (validation.size() < 1) {
            throw new IllegalArgumentException("the validation data must hold at least one triple (a document "
                    + "of three sentences) but holds none");
        }
        this.model = model;
        this.config = config;
        this.train = train;
        this.validation = validation;
        this.optimizer = new Adam(model.parameters(), AdamConfig.adam().learningRate(config.learningRate()).build());
        this.batcher = BucketBatcher.builder(train.middleSentences()).batchSize(config.batchSize())
                .padIndex(model.vocabulary().id(SpecialToken.PAD)).seed(config.seed()).bucketBatches(1)
                .dropLast(true).build();
        this.batchesPerEpoch = batcher.numBatches();
        this.cache = model.newCache();
        this.unigramLogProbabilities = unigram(train.targetCounts());
    }

    private static double[] unigram(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double[] logP = new double[counts.length];
        double denominator = Math.log(total + (double) counts.length);
        for (int i = 0; i < counts.length; i++) {
            logP[i] = Math.log(counts[i] + 1.0) - denominator;
        }
        return logP;
    }

    /**
     * Starts training from step 0.
     *
     * @param model      the model; its parameters are trained in place
     * @param train      the training triples, numbered with the model's vocabulary
     * @param validation the held-out triples, numbered with the model's vocabulary
     * @param config     the training settings
     * @return the trainer, at step 0
     * @throws IllegalArgumentException if the data is numbered with another vocabulary, holds fewer training
     *                                  triples than a batch, or no validation triple
     */
    public static SkipThoughtsTrainer create(SkipThoughtsModel model, SentenceTriples train,
                                             SentenceTriples validation, SkipThoughtsTrainingConfig config) {
        return new SkipThoughtsTrainer(model, train, validation, config);
    }

    /**
     * Continues a run saved by {@link #save(Path)}: the model, the settings, the step and Adam's state come
     * from the file, so that the following steps are bit-identical to those of the run that saved it.
     *
     * @param checkpoint the file
     * @param train      the same training triples (checked against the file's fingerprint)
     * @param validation the same validation triples (checked likewise)
     * @param epochs     the total number of epochs to train to, or 0 to keep the saved setting
     * @return the trainer, at the saved step
     * @throws CheckpointFormatException if the file is not a training checkpoint of a skip-thoughts model
     * @throws IOException               if it cannot be read
     * @throws IllegalArgumentException  if the data is not the data of the saved run
     */
    public static SkipThoughtsTrainer resume(Path checkpoint, SentenceTriples train, SentenceTriples validation,
                                             int epochs) throws IOException {
        Checkpoints.Contents contents = Checkpoints.read(checkpoint);
        Checkpoints.TrainingState saved = contents.training();
        if (saved == null) {
            throw new CheckpointFormatException(checkpoint + " holds a model without training state (saved by "
                    + "SkipThoughtsModel.save); training cannot be resumed from it");
        }
        SkipThoughtsTrainingConfig config = epochs > 0 ? saved.config().withEpochs(epochs) : saved.config();
        if (train.size() != saved.trainTriples() || train.fingerprint() != saved.trainFingerprint()) {
            throw new IllegalArgumentException("the training data (" + train.size() + " triples) is not the data "
                    + "the checkpoint was trained on (" + saved.trainTriples() + " triples, or another fingerprint)");
        }
        if (validation.size() != saved.validationTriples()
                || validation.fingerprint() != saved.validationFingerprint()) {
            throw new IllegalArgumentException("the validation data (" + validation.size() + " triples) is not the "
                    + "checkpoint's (" + saved.validationTriples() + " triples, or another fingerprint)");
        }
        SkipThoughtsModel model = contents.model();
        if (!train.vocabulary().equals(model.vocabulary())) {
            throw new IllegalArgumentException("the triples must be numbered with the checkpoint's vocabulary");
        }
        SkipThoughtsTrainer trainer = new SkipThoughtsTrainer(model, train, validation, config);
        try {
            trainer.optimizer.importState(OptimizerState.fromTensors(Checkpoints.OPTIM_PREFIX,
                    saved.optimizerState(), model.parameters()));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(checkpoint + ": bad optimizer state: " + e.getMessage(), e);
        }
        trainer.step = saved.step();
        return trainer;
    }

    /**
     * Saves the model and the training state as one safetensors checkpoint, atomically; the file also serves
     * {@link SkipThoughtsModel#load(Path)}.
     *
     * @param file the target; replaced if it exists
     * @throws IOException           if writing fails; an existing file is then unchanged
     * @throws IllegalStateException if training stopped with a {@link TrainingDivergedException}
     */
    public void save(Path file) throws IOException {
        checkNotStopped("save");
        Checkpoints.write(file, model, new Checkpoints.TrainingState(config, step, optimizer.toString(),
                optimizer.exportState().toTensors(Checkpoints.OPTIM_PREFIX), train.size(), train.fingerprint(),
                validation.size(), validation.fingerprint()));
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * Runs one training step on the next batch.
     *
     * @return the batch's loss {@code CE_prev + CE_next}, in nats
     * @throws TrainingDivergedException if the loss, a gradient or an updated parameter is not finite
     * @throws IllegalStateException     if training stopped before with a {@link TrainingDivergedException}
     */
    public float step() {
        checkNotStopped("step");
        long start = System.nanoTime();
        int epoch = (int) (step / batchesPerEpoch);
        if (epoch != planEpoch) {
            plan = batcher.plan(epoch);
            planEpoch = epoch;
        }
        train.batch(plan[(int) (step % batchesPerEpoch)], batch);
        optimizer.zeroGrad();
        float loss = (float) model.forward(batch, cache).loss();
        if (!Float.isFinite(loss)) {
            throw stop(new TrainingDivergedException(step + 1, null, "training stopped at step " + (step + 1)
                    + ": the training loss is " + loss + " (the parameters are those after step " + step + ")",
                    null));
        }
        model.backward(cache);
        try {
            GradientClipping.clipByGlobalNorm(model.parameters(), config.clipNorm());
        } catch (NonFiniteGradientException e) {
            throw stop(new TrainingDivergedException(step + 1, e.parameterName(), "training stopped at step "
                    + (step + 1) + ": the gradient of '" + e.parameterName() + "' is " + e.value() + " at "
                    + Arrays.toString(e.index()) + " (the parameters are those after step " + step + ")", e));
        }
        optimizer.step();
        step++;
        checkParametersFinite();
        recentLosses[(recentCount++) % RECENT_LOSS_WINDOW] = loss;
        trainTriples += batch.batchSize();
        trainNanos += System.nanoTime() - start;
        return loss;
    }

    /** After the optimizer step every parameter must be finite; allocates nothing unless one is not. */
    private void checkParametersFinite() {
        Parameters parameters = model.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            float[] v = p.value().data;
            for (int j = 0, n = p.numElements(); j < n; j++) {
                if (!Float.isFinite(v[j])) {
                    throw stop(new TrainingDivergedException(step, p.name(), "training stopped at step " + step
                            + ": the optimizer step made parameter '" + p.name() + "' " + v[j] + " at element "
                            + j + " (an update overflowed; the learning rate is " + optimizer.learningRate() + ")",
                            null));
                }
            }
        }
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

    /**
     * The decoders' perplexity on the validation triples beside a unigram model's on the same tokens (see
     * the class documentation). Does not change the training state.
     *
     * @return both perplexities and the number of tokens
     */
    public Perplexity evaluate() {
        return perplexity(model, validation, config.batchSize(), unigramLogProbabilities);
    }

    /** The perplexities of a model and of a unigram model over every target of the triples. */
    static Perplexity perplexity(SkipThoughtsModel model, SentenceTriples triples, int batchSize,
                                 double[] unigramLogProbabilities) {
        BucketBatcher order = BucketBatcher.builder(triples.middleSentences()).batchSize(batchSize)
                .padIndex(model.vocabulary().id(SpecialToken.PAD)).seed(0).bucketBatches(1).build();
        TripleBatch b = new TripleBatch();
        SkipThoughtsModel.Cache c = model.newCache();
        double nats = 0;
        double unigramNats = 0;
        long tokens = 0;
        for (int[] triples1 : order.plan(0)) {
            triples.batch(triples1, b);
            nats += model.forward(b, c).totalNats();
            tokens += b.targetCount();
            for (int[] target : new int[][] {b.previous.target, b.next.target}) {
                for (int id : target) {
                    if (id != TripleBatch.IGNORE_INDEX) {
                        unigramNats -= unigramLogProbabilities[id];
                    }
                }
            }
        }
        return new Perplexity(Math.exp(nats / tokens), Math.exp(unigramNats / tokens), tokens);
    }

    /**
     * Trains until the configured number of epochs is done or the time limit has passed, whichever comes
     * first; evaluates at the end of every epoch and at the end, and saves a checkpoint then if a file is
     * given.
     *
     * @param timeLimit  the longest time to train, or null for none
     * @param checkpoint the file to save to at the end of every epoch and at the end, or null
     * @return the summary of the run
     * @throws IOException               if a checkpoint cannot be written
     * @throws TrainingDivergedException if a step finds a non-finite value (see {@link #step()})
     */
    public Summary train(Duration timeLimit, Path checkpoint) throws IOException {
        long totalSteps = (long) config.epochs() * batchesPerEpoch;
        long wallStart = System.nanoTime();
        long deadline = timeLimit == null ? Long.MAX_VALUE : wallStart + timeLimit.toNanos();
        long firstStep = step;
        long lastLog = wallStart;
        double windowLoss = 0;
        int windowSteps = 0;
        Perplexity last = null;
        LOG.info("training {} ({} parameters) from step {} to {} ({} epochs of {} batches of {} triples): {} "
                        + "training and {} validation triples, {}", model, model.parameters().numElements(), step,
                totalSteps, config.epochs(), batchesPerEpoch, config.batchSize(), train.size(), validation.size(),
                optimizer);
        while (step < totalSteps && System.nanoTime() < deadline) {
            windowLoss += step();
            windowSteps++;
            boolean epochEnd = step % batchesPerEpoch == 0;
            long now = System.nanoTime();
            if (epochEnd || now - lastLog >= LOG_INTERVAL_NANOS) {
                double perStep = (double) (now - wallStart) / (step - firstStep);
                long eta = Math.round(Math.min(perStep * (totalSteps - step), Math.max(0, deadline - now)) / 1e9);
                LOG.info("step {}/{} (epoch {})  loss {}  {} triples/s  ETA {}", step, totalSteps,
                        String.format(Locale.ROOT, "%.2f", (double) step / batchesPerEpoch),
                        String.format(Locale.ROOT, "%.4f", windowLoss / windowSteps),
                        String.format(Locale.ROOT, "%,.0f", sentencesPerSecond()), formatDuration(eta));
                windowLoss = 0;
                windowSteps = 0;
                lastLog = now;
            }
            if (epochEnd) {
                last = evaluateAndSave(checkpoint);
            }
        }
        if (last == null || step % batchesPerEpoch != 0) {
            last = evaluateAndSave(checkpoint);
        }
        Summary summary = new Summary(step, (double) step / batchesPerEpoch, recentTrainingLoss(), last,
                sentencesPerSecond());
        LOG.info("done at step {} ({} epochs): training loss {}, validation perplexity {} (unigram {}), "
                        + "{} triples/s", step, String.format(Locale.ROOT, "%.2f", summary.epochs()),
                String.format(Locale.ROOT, "%.4f", summary.trainLoss()),
                String.format(Locale.ROOT, "%.2f", last.perplexity()),
                String.format(Locale.ROOT, "%.2f", last.unigramPerplexity()),
                String.format(Locale.ROOT, "%,.1f", summary.sentencesPerSecond()));
        return summary;
    }

    private Perplexity evaluateAndSave(Path checkpoint) throws IOException {
        long start = System.nanoTime();
        Perplexity p = evaluate();
        if (!Double.isFinite(p.perplexity())) {
            throw stop(new TrainingDivergedException(step, null, "training stopped at step " + step
                    + ": the validation perplexity is " + p.perplexity(), null));
        }
        LOG.info("step {}: validation perplexity {} (unigram model {}) over {} tokens, in {} s", step,
                String.format(Locale.ROOT, "%.2f", p.perplexity()),
                String.format(Locale.ROOT, "%.2f", p.unigramPerplexity()), p.tokens(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        if (checkpoint != null) {
            save(checkpoint);
            LOG.info("saved {}", checkpoint);
        }
        return p;
    }

    private static String formatDuration(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60)
                : seconds >= 60 ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60)
                : seconds + "s";
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * The number of steps done (including those before a resume).
     *
     * @return the step count
     */
    public long stepCount() {
        return step;
    }

    /**
     * The number of batches of an epoch.
     *
     * @return {@code ⌊training triples / B⌋}
     */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /**
     * The mean training loss of the last {@link #RECENT_LOSS_WINDOW} steps of this trainer (fewer if fewer
     * ran).
     *
     * @return the loss {@code CE_prev + CE_next} in nats, NaN before the first step
     */
    public double recentTrainingLoss() {
        int n = Math.min(recentCount, RECENT_LOSS_WINDOW);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += recentLosses[i];
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * Training throughput: triples (each an encoded sentence with its two neighbours decoded) per second of
     * step time, over the steps this trainer ran.
     *
     * @return the rate, 0 before the first step
     */
    public double sentencesPerSecond() {
        return trainNanos == 0 ? 0 : trainTriples / (trainNanos / 1e9);
    }

    /**
     * The model being trained.
     *
     * @return the model
     */
    public SkipThoughtsModel model() {
        return model;
    }

    /**
     * The training settings.
     *
     * @return the settings
     */
    public SkipThoughtsTrainingConfig config() {
        return config;
    }

    /**
     * The optimizer, Adam over the model's parameters.
     *
     * @return the optimizer
     */
    public Adam optimizer() {
        return optimizer;
    }

    /**
     * The decoders' validation perplexity beside a unigram model's.
     *
     * @param perplexity        {@code exp} of the decoders' mean cross-entropy per target token
     * @param unigramPerplexity the same for the unigram model of the training targets
     * @param tokens            the number of target tokens (words and {@code <eos>} of both neighbours)
     */
    public record Perplexity(double perplexity, double unigramPerplexity, long tokens) {
    }

    /**
     * The result of {@link #train}.
     *
     * @param steps              the step count at the end
     * @param epochs             the epochs done, {@code steps / batchesPerEpoch}
     * @param trainLoss          the mean training loss of the last steps ({@link #recentTrainingLoss()})
     * @param validation         the last evaluation
     * @param sentencesPerSecond training triples per second of step time
     */
    public record Summary(long steps, double epochs, double trainLoss, Perplexity validation,
                          double sentencesPerSecond) {
    }
}
