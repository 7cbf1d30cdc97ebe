package org.seq4j.lm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.kernel.VectorMath;
import org.seq4j.nn.Parameter;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.NonFiniteGradientException;
import org.seq4j.optim.Optimizer;
import org.seq4j.optim.OptimizerState;
import org.seq4j.random.SplitMix64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link CharLanguageModel} on a text the way char-rnn does.
 *
 * <pre>
 *   text     → ids; the last valFraction of them held out for validation
 *   training ids → B contiguous streams, read in chunks of T steps (see the batching below)
 *   step s:  chunk k = s mod K (the state is reset to zero when k = 0, where the streams wrap around)
 *            zero gradients; forward over the chunk from the carried state; backward (truncated at the
 *            chunk start); carry the final state on; clip the gradients; optimizer step
 * </pre>
 * Batching: stream {@code b} of the {@code n} training ids is {@code ids[b·S, (b+1)·S]} with
 * {@code S = ⌊(n − 1)/B⌋}; chunk {@code k} holds steps {@code k·T … k·T + T − 1} of every stream, targets
 * shifted by one, and there are {@code K = ⌊S/T⌋} chunks.
 *
 * <p>Validation reads the held-out text the same way (B streams, chunks of T, state carried, no dropout)
 * and reports the mean cross-entropy and bits per character ({@link #evaluate()}).
 *
 * <p>Everything a step depends on is a function of the step number and of state saved by
 * {@link #save(Path)}: parameters, optimizer state, carried recurrent state, and the state of the dropout
 * generator ({@link SplitMix64}, seeded from {@link TrainingConfig#seed()}). {@link #resume} therefore
 * continues a run bit-identically. A steady-state {@link #step()} allocates nothing.
 *
 * <h2>Non-finite values and divergence</h2>
 * A step stops with a {@link TrainingDivergedException} naming the step, and the parameter where there is
 * one, at the first of:
 * <ul>
 *   <li>a training loss that is NaN or infinite (checked after the forward pass, before anything changes);</li>
 *   <li>a gradient that is NaN or infinite (checked before the optimizer step, by the clipping, or on its
 *       own when clipping is off);</li>
 *   <li>a parameter that is NaN or infinite after the optimizer step (an update that overflowed);</li>
 *   <li>divergence: the mean training loss of the last {@link #RECENT_LOSS_WINDOW} steps above
 *       {@link #DIVERGENCE_FACTOR}{@code · max(ln V, 1)} nats, where {@code ln V} is the loss of predicting
 *       every character as equally likely, about where a fresh model starts: a model that does four times
 *       worse than knowing nothing has diverged;</li>
 *   <li>a validation loss that is NaN or infinite (checked before the listener hears of it, so that a
 *       listener saving checkpoints at evaluations never saves that state).</li>
 * </ul>
 * Then the trainer refuses further steps and {@link #save(Path)} ({@link IllegalStateException}): the last
 * checkpoint saved before is the last good state. These checks read every gradient and parameter once per
 * step and allocate nothing.
 *
 * <p>Progress is logged through SLF4J ({@code org.seq4j.lm.CharLmTrainer}, INFO): step, training loss,
 * validation loss, training characters per second and the estimated time left. Not thread-safe.
 */
public final class CharLmTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(CharLmTrainer.class);

    /** The training loss reported in summaries is the mean over this many most recent steps. */
    public static final int RECENT_LOSS_WINDOW = 10;

    /**
     * Training stops as diverged when the mean loss of the last {@link #RECENT_LOSS_WINDOW} steps exceeds
     * this many times {@code max(ln V, 1)} nats (see the class documentation).
     */
    public static final double DIVERGENCE_FACTOR = 4;

    private final CharLanguageModel model;
    private final TrainingConfig config;
    private final Optimizer optimizer;
    private final CharStreams train;
    private final CharStreams validation;
    private final ChunkWorkspace trainSpace;
    private final ChunkWorkspace evalSpace;
    private final SplitMix64 dropoutRandom;
    private final long dataCharacters;
    private final long dataChecksum;
    private long step;
    private long trainNanos;
    private long trainCharacters;
    private final float[] recentLosses = new float[RECENT_LOSS_WINDOW];
    private int recentCount;
    /** The mean recent loss above which training has diverged: DIVERGENCE_FACTOR · max(ln V, 1). */
    private final double divergenceThreshold;
    /** Why training stopped, or null while it is healthy. */
    private TrainingDivergedException stopped;

    private CharLmTrainer(CharLanguageModel model, CharSequence text, TrainingConfig config,
                          Function<Parameters, Optimizer> optimizerFactory) {
        if (model == null || text == null || config == null || optimizerFactory == null) {
            throw new IllegalArgumentException("model, text, config and optimizer factory must not be null");
        }
        this.model = model;
        this.config = config;
        int[] ids = model.vocabulary().encode(text);
        int valLength = (int) (ids.length * config.valFraction());
        int[] trainIds = Arrays.copyOfRange(ids, 0, ids.length - valLength);
        int[] valIds = Arrays.copyOfRange(ids, ids.length - valLength, ids.length);
        this.train = new CharStreams(trainIds, config.batchSize(), config.seqLength(), "the training text");
        this.validation = new CharStreams(valIds, config.batchSize(), config.seqLength(),
                "the validation text (the last " + config.valFraction() + " of the text)");
        this.dataCharacters = ids.length;
        this.dataChecksum = Checkpoints.checksum(ids);
        this.optimizer = optimizerFactory.apply(model.parameters());
        if (optimizer == null || optimizer.parameters() != model.parameters()) {
            throw new IllegalArgumentException("the optimizer factory must build an optimizer over the registry "
                    + "it is given (the model's parameters)");
        }
        this.trainSpace = model.newWorkspace(config.batchSize(), config.seqLength());
        this.evalSpace = model.newWorkspace(config.batchSize(), config.seqLength());
        this.dropoutRandom = new SplitMix64(config.seed());
        this.divergenceThreshold = DIVERGENCE_FACTOR * Math.max(Math.log(model.config().vocabSize()), 1);
    }

    /**
     * Starts training a model from step 0.
     *
     * @param model            the model; its parameters are trained in place
     * @param text             the whole text; the last {@code config.valFraction()} is held out; every
     *                         character must be in the model's vocabulary
     * @param config           the training settings
     * @param optimizerFactory builds the optimizer over the registry it is given, e.g.
     *                         {@code p -> new Adam(p, AdamConfig.adam().learningRate(2e-3).build())}
     * @return the trainer, at step 0
     * @throws IllegalArgumentException if a character is not in the vocabulary, or the training or validation
     *                                  part is too short for one chunk of {@code B·T + 1} characters
     */
    public static CharLmTrainer create(CharLanguageModel model, CharSequence text, TrainingConfig config,
                                       Function<Parameters, Optimizer> optimizerFactory) {
        return new CharLmTrainer(model, text, config, optimizerFactory);
    }

    /**
     * Continues a run saved by {@link #save(Path)}: the model, the training settings, the step, the optimizer
     * state, the carried recurrent state and the dropout generator come from the file, so that the
     * following steps are bit-identical to those of the run that saved it.
     *
     * @param checkpoint       the file written by {@link #save(Path)}
     * @param text             the same text the run trained on (checked against the file's fingerprint)
     * @param optimizerFactory builds the same kind of optimizer as the saved run's; its state is replaced
     *                         by the saved one
     * @return the trainer, at the saved step
     * @throws CheckpointFormatException if the file is not a valid training checkpoint
     * @throws IOException               if the file cannot be read
     * @throws IllegalArgumentException  if the text is not the one the run trained on, or the optimizer does
     *                                   not match the saved state
     */
    public static CharLmTrainer resume(Path checkpoint, CharSequence text,
                                       Function<Parameters, Optimizer> optimizerFactory) throws IOException {
        Checkpoints.Contents contents = Checkpoints.read(checkpoint);
        Checkpoints.TrainingState saved = contents.training();
        if (saved == null) {
            throw new CheckpointFormatException(checkpoint + " holds a model without training state "
                    + "(saved by CharLanguageModel.save); training cannot be resumed from it");
        }
        CharLmTrainer trainer = new CharLmTrainer(contents.model(), text, saved.config(), optimizerFactory);
        if (trainer.dataCharacters != saved.dataCharacters() || trainer.dataChecksum != saved.dataChecksum()) {
            throw new IllegalArgumentException("the text (" + trainer.dataCharacters + " characters) is not the "
                    + "one the checkpoint was trained on (" + saved.dataCharacters() + " characters, "
                    + "a different fingerprint)");
        }
        OptimizerState state;
        try {
            state = OptimizerState.fromTensors(Checkpoints.OPTIM_PREFIX, saved.optimizerState(),
                    trainer.model.parameters());
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(checkpoint + ": bad optimizer state: " + e.getMessage(), e);
        }
        trainer.optimizer.importState(state);
        trainer.step = saved.step();
        trainer.dropoutRandom.setState(saved.rngState());
        trainer.trainSpace.h.setTo(saved.hidden());
        trainer.trainSpace.c.setTo(saved.cellState());
        return trainer;
    }

    /**
     * Saves the model and the whole training state as one safetensors file, atomically (a temporary file
     * renamed over the target, so an interrupted save leaves the previous file intact). The file also
     * serves {@link CharLanguageModel#load(Path)}.
     *
     * @param file the target; replaced if it exists
     * @throws IOException           if writing fails; an existing file is then unchanged
     * @throws IllegalStateException if training stopped with a {@link TrainingDivergedException} (the file is
     *                               not touched)
     */
    public void save(Path file) throws IOException {
        checkNotStopped("save");
        Checkpoints.write(file, model, new Checkpoints.TrainingState(config, step, dropoutRandom.state(),
                trainSpace.h, trainSpace.c, optimizer.toString(),
                optimizer.exportState().toTensors(Checkpoints.OPTIM_PREFIX), dataCharacters, dataChecksum));
    }

    // ----------------------------------------------------------------------------------------------

    /**
     * Runs one training step on the next chunk.
     *
     * @return the step's mean training loss, in nats per character
     * @throws TrainingDivergedException if the loss, a gradient or an updated parameter is not finite, or the
     *                                   recent loss shows divergence (see the class documentation)
     * @throws IllegalStateException     if training stopped before with a {@link TrainingDivergedException}
     */
    public float step() {
        checkNotStopped("step");
        long start = System.nanoTime();
        int chunk = (int) (step % train.numChunks());
        if (chunk == 0) {
            trainSpace.resetState();   // the streams wrap around: a new start
        }
        train.fill(chunk, trainSpace.inputs, trainSpace.targets);
        optimizer.zeroGrad();
        float loss = (float) model.forward(trainSpace, dropoutRandom);
        if (!Float.isFinite(loss)) {
            throw stop(new TrainingDivergedException(step + 1, null, "training stopped at step " + (step + 1)
                    + ": the training loss is " + loss + " (the parameters are those after step " + step + ")",
                    null));
        }
        model.backward(trainSpace);
        model.carryState(trainSpace);
        try {
            switch (config.clipping()) {
                case VALUE -> GradientClipping.clipByValue(model.parameters(), config.clipThreshold());
                case GLOBAL_NORM -> GradientClipping.clipByGlobalNorm(model.parameters(), config.clipThreshold());
                case NONE -> GradientClipping.checkFinite(model.parameters());
            }
        } catch (NonFiniteGradientException e) {
            throw stop(new TrainingDivergedException(step + 1, e.parameterName(), "training stopped at step "
                    + (step + 1) + ": the gradient of '" + e.parameterName() + "' is " + e.value() + " at "
                    + Arrays.toString(e.index()) + " (the parameters are those after step " + step + ")", e));
        }
        optimizer.step();
        step++;
        checkParametersFinite();
        recentLosses[(recentCount++) % RECENT_LOSS_WINDOW] = loss;
        trainCharacters += trainSpace.rows;
        trainNanos += System.nanoTime() - start;
        if (recentCount >= RECENT_LOSS_WINDOW) {
            double recent = recentTrainingLoss();
            if (recent > divergenceThreshold) {
                throw stop(new TrainingDivergedException(step, null, String.format(Locale.ROOT,
                        "training diverged at step %d: the mean training loss of the last %d steps is %.4g nats, "
                                + "above %.4g = %.0f·max(ln V, 1) with V = %d characters", step, RECENT_LOSS_WINDOW,
                        recent, divergenceThreshold, DIVERGENCE_FACTOR, model.config().vocabSize()), null));
            }
        }
        return loss;
    }

    /** After the optimizer step: every parameter value must be finite. Allocates nothing unless one is not. */
    private void checkParametersFinite() {
        Parameters parameters = model.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            float[] v = p.value().data;
            int j = VectorMath.firstNonFinite(v, p.numElements());
            if (j >= 0) {
                int[] shape = p.shape();
                int[] index = shape.length == 1 ? new int[] {j} : new int[] {j / shape[1], j % shape[1]};
                throw stop(new TrainingDivergedException(step, p.name(), "training stopped at step " + step
                        + ": the optimizer step made parameter '" + p.name() + "' " + v[j] + " at "
                        + Arrays.toString(index) + " (an update overflowed; the learning rate is "
                        + optimizer.learningRate() + ")", null));
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
     * The loss on the held-out text: every chunk of its B streams, state carried, no dropout. Does not
     * change the training state.
     *
     * @return the validation loss and bits per character
     */
    public Evaluation evaluate() {
        return model.evaluate(validation, evalSpace);
    }

    /**
     * Trains until the schedule's step count is reached or its time limit has passed, whichever comes first;
     * evaluates every {@code schedule.evalEvery()} steps and at the end, logs every
     * {@code schedule.logEvery()} steps.
     *
     * @param schedule how long to train and how often to report
     * @param listener told of every step and evaluation; may be null
     * @return the summary of the run
     * @throws TrainingDivergedException if a step or an evaluation finds a non-finite value or divergence (see
     *                                   the class documentation); the listener has not heard of that step's
     *                                   evaluation
     * @throws IllegalStateException     if training stopped before with a {@link TrainingDivergedException}
     */
    public TrainingSummary train(TrainingSchedule schedule, TrainingListener listener) {
        TrainingListener events = listener != null ? listener : new TrainingListener() { };
        long totalSteps = schedule.totalSteps();
        long wallStart = System.nanoTime();
        long deadline = deadline(wallStart, schedule.timeLimit());
        long firstStep = step;
        Evaluation last = null;
        long lastEvalStep = -1;
        LOG.info("training {} from step {} to {}: {} training and {} validation characters, B={} T={}, {}",
                model, step, totalSteps, train.targetsPerPass(), validation.targetsPerPass(),
                config.batchSize(), config.seqLength(), optimizer);
        double windowLoss = 0;
        int windowSteps = 0;
        while (step < totalSteps && System.nanoTime() < deadline) {
            float loss = step();
            windowLoss += loss;
            windowSteps++;
            events.onStep(step, loss);
            boolean evaluateNow = schedule.evalEvery() > 0 && step % schedule.evalEvery() == 0;
            if (evaluateNow) {
                last = checkFinite(evaluate());
                lastEvalStep = step;
                events.onEvaluation(step, last);
            }
            if (step % schedule.logEvery() == 0 || evaluateNow) {
                long elapsed = System.nanoTime() - wallStart;
                long etaSeconds = Math.round((double) elapsed / (step - firstStep) * (totalSteps - step) / 1e9);
                etaSeconds = Math.min(etaSeconds, Math.max(0, (deadline - System.nanoTime()) / 1_000_000_000L));
                LOG.info("step {}/{}  loss {}{}  {} chars/s  ETA {}", step, totalSteps,
                        String.format(Locale.ROOT, "%.4f", windowLoss / windowSteps),
                        evaluateNow ? String.format(Locale.ROOT, "  val %.4f (%.3f bpc)", last.loss(),
                                last.bitsPerCharacter()) : "",
                        String.format(Locale.ROOT, "%,.0f", charactersPerSecond()), formatDuration(etaSeconds));
                windowLoss = 0;
                windowSteps = 0;
            }
        }
        if (lastEvalStep != step) {
            last = checkFinite(evaluate());
            events.onEvaluation(step, last);
        }
        TrainingSummary summary = new TrainingSummary(step, recentTrainingLoss(), last.loss(),
                last.bitsPerCharacter(), charactersPerSecond());
        LOG.info("done at step {}: training loss {}, validation loss {} ({} bpc), {} chars/s", step,
                String.format(Locale.ROOT, "%.4f", summary.trainLoss()),
                String.format(Locale.ROOT, "%.4f", summary.valLoss()),
                String.format(Locale.ROOT, "%.4f", summary.valBitsPerCharacter()),
                String.format(Locale.ROOT, "%,.0f", summary.charactersPerSecond()));
        return summary;
    }

    /** The validation result, if its loss is finite. */
    private Evaluation checkFinite(Evaluation evaluation) {
        if (!Double.isFinite(evaluation.loss())) {
            throw stop(new TrainingDivergedException(step, null, "training stopped at step " + step
                    + ": the validation loss is " + evaluation.loss(), null));
        }
        return evaluation;
    }

    /** The nanoTime at which a time limit ends: Long.MAX_VALUE for none or one beyond the range of a long. */
    private static long deadline(long start, Duration limit) {
        if (limit == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Math.addExact(start, limit.toNanos());
        } catch (ArithmeticException e) {   // a limit of centuries: no limit
            return Long.MAX_VALUE;
        }
    }

    private static String formatDuration(long seconds) {
        return seconds >= 3600 ? String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60)
                : seconds >= 60 ? String.format("%dm%02ds", seconds / 60, seconds % 60)
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
     * The mean training loss of the last {@link #RECENT_LOSS_WINDOW} steps of this trainer (fewer if fewer
     * were run).
     *
     * @return the loss in nats per character, NaN before the first step
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
     * Training characters per second of training-step time (evaluation and anything between steps
     * excluded), over the steps this trainer ran.
     *
     * @return the rate, 0 before the first step
     */
    public double charactersPerSecond() {
        return trainNanos == 0 ? 0 : trainCharacters / (trainNanos / 1e9);
    }

    /**
     * The model being trained.
     *
     * @return the model
     */
    public CharLanguageModel model() {
        return model;
    }

    /**
     * The training settings.
     *
     * @return the settings
     */
    public TrainingConfig config() {
        return config;
    }

    /**
     * The optimizer.
     *
     * @return the optimizer over the model's parameters
     */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * Number of chunks in one pass over the training text, K.
     *
     * @return K
     */
    public int chunksPerEpoch() {
        return train.numChunks();
    }

}
