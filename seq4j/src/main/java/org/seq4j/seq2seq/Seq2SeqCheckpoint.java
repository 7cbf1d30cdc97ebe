package org.seq4j.seq2seq;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import org.seq4j.io.Checkpoint;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.io.DType;
import org.seq4j.io.JsonFormatException;
import org.seq4j.io.NamedTensor;
import org.seq4j.nn.Parameter;
import org.seq4j.text.SpecialToken;
import org.seq4j.text.Vocabulary;
import org.seq4j.text.WordVocabulary;

/**
 * A translator saved to one file: a {@link Seq2SeqModel}, its source and target {@link WordVocabulary}, and,
 * when {@link Seq2SeqTrainer#save} wrote it, the training state that lets {@link Seq2SeqTrainer#resume}
 * continue the run exactly. A {@link Checkpoint} of kind {@code seq2seq}:
 *
 * <pre>
 *   tensors    the parameters under their PyTorch names ({@code src_emb.weight}, {@code encoder.weight_ih_l0},
 *              …, {@code out.bias}), F32, PyTorch shapes
 *              with training state also: optim.&lt;parameter&gt;.exp_avg, .exp_avg_sq (F32), .step (I64),
 *              optim.learning_rate (F64): Adam's state ({@link org.seq4j.optim.OptimizerState#toTensors})
 *   metadata   config (JSON), source_vocabulary, target_vocabulary (the vocabularies' JSON)
 *              with training state also: training (JSON settings), epoch (epochs done), batch_in_epoch
 *              (batches done of the next one), step, rng_state (the dropout and sampling stream's SplitMix64
 *              state), optimizer (description), data_pairs, data_crc32c (the training pairs' fingerprint),
 *              epoch_loss_sum, epoch_target_tokens, epoch_source_tokens (the epoch in progress so far)
 * </pre>
 *
 * <p>Reading checks everything before a model is returned (the checksum, the configuration, the
 * vocabularies against the configuration, every tensor's name, type, shape and finiteness, no tensor
 * unaccounted for) and refuses anything else with a {@link CheckpointFormatException} naming the file and
 * the problem. Writing is atomic.
 *
 * <pre>
 *   static Seq2SeqCheckpoint load(Path file)                              model and vocabularies
 *   static void save(Path file, Seq2SeqModel model, WordVocabulary source, WordVocabulary target)
 *   Seq2SeqModel model()   WordVocabulary sourceVocabulary()   WordVocabulary targetVocabulary()
 *   boolean hasTrainingState()   int epochs()
 * </pre>
 */
public final class Seq2SeqCheckpoint {

    static final String KIND = "seq2seq";
    static final String OPTIM_PREFIX = "optim.";

    private final Seq2SeqModel model;
    private final WordVocabulary sourceVocabulary;
    private final WordVocabulary targetVocabulary;
    private final TrainingState training;

    private Seq2SeqCheckpoint(Seq2SeqModel model, WordVocabulary sourceVocabulary, WordVocabulary targetVocabulary,
                              TrainingState training) {
        this.model = model;
        this.sourceVocabulary = sourceVocabulary;
        this.targetVocabulary = targetVocabulary;
        this.training = training;
    }

    /**
     * The training state a checkpoint holds next to the model.
     *
     * @param config            the training settings
     * @param epoch             epochs completed
     * @param batchInEpoch      batches completed of the next epoch
     * @param step              optimizer steps done
     * @param rngState          the SplitMix64 state of the dropout and sampling stream
     * @param optimizer         a description of the optimizer
     * @param optimizerState    the optimizer state's tensors, named {@code optim.…}
     * @param dataPairs         the number of training pairs
     * @param dataChecksum      CRC-32C of the training pairs
     * @param epochLossSum      Σ loss·tokens of the epoch in progress
     * @param epochTargetTokens target tokens of the epoch in progress
     * @param epochSourceTokens source tokens of the epoch in progress
     */
    record TrainingState(Seq2SeqTrainingConfig config, int epoch, int batchInEpoch, long step, long rngState,
                         String optimizer, List<NamedTensor> optimizerState, long dataPairs, long dataChecksum,
                         double epochLossSum, long epochTargetTokens, long epochSourceTokens) {
    }

    /**
     * Reads a checkpoint written by {@link #save} or {@link Seq2SeqTrainer#save}: the model and its
     * vocabularies (a training state, if any, is checked and then left aside).
     *
     * @param file the file
     * @return the checkpoint
     * @throws CheckpointFormatException if the file is not a valid seq2seq checkpoint (the message says why)
     * @throws IOException               if the file cannot be read
     */
    public static Seq2SeqCheckpoint load(Path file) throws IOException {
        return read(Checkpoint.read(file, KIND));
    }

    /**
     * Saves a model and its vocabularies without training state, atomically.
     *
     * @param file   the target; replaced if it exists
     * @param model  the model
     * @param source the source vocabulary ({@code <pad>} = 0, {@code Vs} tokens)
     * @param target the target vocabulary ({@code <pad>}, {@code <bos>}, {@code <eos>} = 0, 1, 2, {@code Vt}
     *               tokens)
     * @throws IllegalArgumentException if an argument is null or a vocabulary does not fit the model
     * @throws IOException              if writing fails; an existing file is then unchanged
     */
    public static void save(Path file, Seq2SeqModel model, WordVocabulary source, WordVocabulary target)
            throws IOException {
        if (file == null || model == null) {
            throw new IllegalArgumentException("file and model must not be null");
        }
        checkVocabularies(model.config(), source, target);
        write(file, model, source, target, null);
    }

    /**
     * The model, with the saved weights.
     *
     * @return the model
     */
    public Seq2SeqModel model() {
        return model;
    }

    /**
     * The source vocabulary.
     *
     * @return the vocabulary of {@code Vs} tokens
     */
    public WordVocabulary sourceVocabulary() {
        return sourceVocabulary;
    }

    /**
     * The target vocabulary.
     *
     * @return the vocabulary of {@code Vt} tokens
     */
    public WordVocabulary targetVocabulary() {
        return targetVocabulary;
    }

    /**
     * Tells whether a trainer saved the file (so that {@link Seq2SeqTrainer#resume} can continue it).
     *
     * @return true if the file holds a training state
     */
    public boolean hasTrainingState() {
        return training != null;
    }

    /**
     * The number of epochs the saved model was trained for.
     *
     * @return the completed epochs of the training state, or 0 without one
     */
    public int epochs() {
        return training == null ? 0 : training.epoch();
    }

    TrainingState training() {
        return training;
    }

    /**
     * Checks that the vocabularies fit a configuration: the sizes, {@code <pad>} at 0 in both, and
     * {@code <bos>}, {@code <eos>} at 1, 2 in the target vocabulary.
     */
    static void checkVocabularies(Seq2SeqConfig config, WordVocabulary source, WordVocabulary target) {
        if (source == null || target == null) {
            throw new IllegalArgumentException("the source and target vocabularies must not be null");
        }
        if (source.size() != config.sourceVocabularySize() || target.size() != config.targetVocabularySize()) {
            throw new IllegalArgumentException("the vocabularies must have " + config.sourceVocabularySize()
                    + " and " + config.targetVocabularySize() + " tokens (the model's Vs, Vt) but had "
                    + source.size() + " and " + target.size());
        }
        checkSpecial(source, SpecialToken.PAD, Seq2SeqModel.PAD_INDEX, "source");
        checkSpecial(target, SpecialToken.PAD, Seq2SeqModel.PAD_INDEX, "target");
        checkSpecial(target, SpecialToken.BOS, Seq2SeqModel.BOS_INDEX, "target");
        checkSpecial(target, SpecialToken.EOS, Seq2SeqModel.EOS_INDEX, "target");
    }

    private static void checkSpecial(Vocabulary vocabulary, SpecialToken special, int index, String side) {
        if (!vocabulary.has(special) || vocabulary.id(special) != index) {
            throw new IllegalArgumentException("the " + side + " vocabulary must hold " + special.text() + " at index "
                    + index + " but " + (vocabulary.has(special) ? "holds it at " + vocabulary.id(special)
                    : "has none"));
        }
    }

    /** Writes a checkpoint atomically. */
    static void write(Path file, Seq2SeqModel model, WordVocabulary source, WordVocabulary target,
                      TrainingState training) throws IOException {
        Checkpoint.Builder out = Checkpoint.builder(KIND);
        for (Parameter p : model.parameters()) {
            out.add(NamedTensor.of(p.name(), p.value(), p.shape()));
        }
        out.putMetadata("config", model.config().toJson());
        out.putMetadata("source_vocabulary", source.toJson());
        out.putMetadata("target_vocabulary", target.toJson());
        if (training != null) {
            training.optimizerState().forEach(out::add);
            out.putMetadata("training", training.config().toJson());
            out.putMetadata("epoch", Integer.toString(training.epoch()));
            out.putMetadata("batch_in_epoch", Integer.toString(training.batchInEpoch()));
            out.putMetadata("step", Long.toString(training.step()));
            out.putMetadata("rng_state", Long.toString(training.rngState()));
            out.putMetadata("optimizer", training.optimizer());
            out.putMetadata("data_pairs", Long.toString(training.dataPairs()));
            out.putMetadata("data_crc32c", Long.toString(training.dataChecksum()));
            out.putMetadata("epoch_loss_sum", Double.toString(training.epochLossSum()));
            out.putMetadata("epoch_target_tokens", Long.toString(training.epochTargetTokens()));
            out.putMetadata("epoch_source_tokens", Long.toString(training.epochSourceTokens()));
        }
        out.build().write(file);
    }

    /** Builds the model, vocabularies and training state of a verified checkpoint. */
    static Seq2SeqCheckpoint read(Checkpoint in) throws CheckpointFormatException {
        try {
            Seq2SeqConfig config = Seq2SeqConfig.fromJson(in.metadata("config"));
            WordVocabulary source = WordVocabulary.fromJson(in.metadata("source_vocabulary"));
            WordVocabulary target = WordVocabulary.fromJson(in.metadata("target_vocabulary"));
            checkVocabularies(config, source, target);
            Seq2SeqModel model = new Seq2SeqModel(config, 0L);
            Set<String> expected = new HashSet<>();
            for (Parameter p : model.parameters()) {
                float[] values = in.finiteTensor(p.name(), DType.F32, p.shape()).toFloatArray();
                System.arraycopy(values, 0, p.value().data, 0, values.length);
                expected.add(p.name());
            }
            TrainingState training = null;
            if (in.metadata().containsKey("training")) {
                training = readTraining(in);
                training.optimizerState().forEach(t -> expected.add(t.name()));
            }
            for (String name : in.names()) {
                if (!expected.contains(name)) {
                    throw new CheckpointFormatException(in.source() + " holds a tensor '" + name
                            + "' that is not part of a " + model + (training == null ? "" : " or its training"));
                }
            }
            return new Seq2SeqCheckpoint(model, source, target, training);
        } catch (IllegalArgumentException | JsonFormatException e) {
            throw new CheckpointFormatException(in.source() + " is not a consistent seq2seq checkpoint: "
                    + e.getMessage(), e);
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException e) {   // a vocabulary's own format exception
            throw new CheckpointFormatException(in.source() + " holds a bad vocabulary: " + e.getMessage(), e);
        }
    }

    private static TrainingState readTraining(Checkpoint in) throws CheckpointFormatException, JsonFormatException {
        Seq2SeqTrainingConfig config = Seq2SeqTrainingConfig.fromJson(in.metadata("training"));
        List<NamedTensor> optimizerState = new ArrayList<>();
        for (NamedTensor t : in.tensors()) {
            if (t.name().startsWith(OPTIM_PREFIX)) {
                // names, dtypes and shapes are checked by OptimizerState.fromTensors when resuming
                optimizerState.add(in.requireFinite(t));
            }
        }
        double lossSum;
        try {
            lossSum = Double.parseDouble(in.metadata("epoch_loss_sum"));
        } catch (NumberFormatException e) {
            throw new CheckpointFormatException(in.source() + ": epoch_loss_sum must be a number but was '"
                    + in.metadata("epoch_loss_sum") + "'", e);
        }
        long epoch = in.metadataLong("epoch");
        long batchInEpoch = in.metadataLong("batch_in_epoch");
        if (epoch < 0 || epoch > config.epochs() || batchInEpoch < 0 || !Double.isFinite(lossSum)) {
            throw new CheckpointFormatException(in.source() + ": the training position (epoch " + epoch
                    + ", batch " + batchInEpoch + ", loss sum " + lossSum + ") is out of range");
        }
        return new TrainingState(config, (int) epoch, (int) batchInEpoch, in.metadataLong("step"),
                in.metadataLong("rng_state"), in.metadata("optimizer"), optimizerState, in.metadataLong("data_pairs"),
                in.metadataLong("data_crc32c"), lossSum, in.metadataLong("epoch_target_tokens"),
                in.metadataLong("epoch_source_tokens"));
    }

    /** CRC-32C of the pairs: per pair, the lengths and the token ids, 4 bytes little-endian each. */
    static long checksum(int[][] sources, int[][] targets) {
        CRC32C crc = new CRC32C();
        byte[] word = new byte[4];
        for (int i = 0; i < sources.length; i++) {
            update(crc, word, sources[i].length);
            for (int id : sources[i]) {
                update(crc, word, id);
            }
            update(crc, word, targets[i].length);
            for (int id : targets[i]) {
                update(crc, word, id);
            }
        }
        return crc.getValue();
    }

    private static void update(CRC32C crc, byte[] word, int v) {
        for (int i = 0; i < 4; i++) {
            word[i] = (byte) (v >>> (8 * i));
        }
        crc.update(word, 0, 4);
    }
}
