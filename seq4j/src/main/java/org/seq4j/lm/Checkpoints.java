package org.seq4j.lm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.io.Checkpoint;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.io.DType;
import org.seq4j.io.JsonFormatException;
import org.seq4j.io.JsonWriter;
import org.seq4j.io.NamedTensor;
import org.seq4j.nn.Parameter;
import org.seq4j.text.CharacterVocabulary;

/**
 * The checkpoint file of a {@link CharLanguageModel}: a {@link Checkpoint} of kind {@code char-lm}.
 *
 * <pre>
 *   tensors    the parameters under their names ({@code embedding.weight}, {@code rnn.weight_ih_l0}, …,
 *              {@code decoder.bias}), F32, PyTorch shapes
 *              with training state also:
 *              state.h, state.c                [L, B, H]  the recurrent state carried into the next chunk
 *              optim.&lt;parameter&gt;.&lt;buffer&gt;      F32, the parameter's shape (e.g. exp_avg, exp_avg_sq)
 *              optim.&lt;parameter&gt;.step          I64 scalar, the optimizer's step count for that parameter
 *              optim.learning_rate             F64 scalar
 *              (the optimizer state as {@link org.seq4j.optim.OptimizerState#toTensors(String)} writes it)
 *   metadata   config (JSON), vocabulary (JSON array of code points)
 *              with training state also: step, training (JSON), rng_state (the dropout generator's
 *              SplitMix64 state), optimizer (description), data_characters, data_crc32c
 *              and the entries of the checkpoint format: format, seq4j.kind, seq4j.version, seq4j.checksum
 *              (CRC-32C over all of the above, see {@link Checkpoint})
 * </pre>
 *
 * <p>Reading checks everything before a model is built: a file that is not safetensors, is truncated,
 * has a wrong checksum, lacks the metadata, lacks a tensor or has one of the wrong shape or type, holds a
 * tensor the model does not have, or holds a non-finite weight or state is refused with a
 * {@link CheckpointFormatException} naming the file and the problem.
 */
final class Checkpoints {

    static final String KIND = "char-lm";
    static final String OPTIM_PREFIX = "optim.";
    static final String STATE_H = "state.h";
    static final String STATE_C = "state.c";

    private Checkpoints() {
    }

    /**
     * The training state a checkpoint holds next to the model.
     *
     * @param config          the training settings
     * @param step            the number of steps done
     * @param rngState        the dropout generator's state
     * @param hidden          (L·B, H) carried hidden state
     * @param cellState       (L·B, H) carried cell state, or (0, H) when the cell has none
     * @param optimizer       a description of the optimizer
     * @param optimizerState  the optimizer state's tensors, named {@code optim.…}
     * @param dataCharacters  code points in the training text
     * @param dataChecksum    CRC-32C of the training text's ids
     */
    record TrainingState(TrainingConfig config, long step, long rngState, FMatrixRMaj hidden,
                         FMatrixRMaj cellState, String optimizer, List<NamedTensor> optimizerState,
                         long dataCharacters, long dataChecksum) {
    }

    /**
     * What a checkpoint file holds.
     *
     * @param model    the model with the saved weights
     * @param training the training state, or null for a weights-only file
     */
    record Contents(CharLanguageModel model, TrainingState training) {
    }

    /** Writes a checkpoint atomically. */
    static void write(Path file, CharLanguageModel model, TrainingState training) throws IOException {
        Checkpoint.Builder out = Checkpoint.builder(KIND);
        for (Parameter p : model.parameters()) {
            out.add(NamedTensor.of(p.name(), p.value(), p.shape()));
        }
        out.putMetadata("config", model.config().toJson());
        out.putMetadata("vocabulary", vocabularyJson(model.vocabulary().codePoints()));
        if (training != null) {
            int layers = model.config().numLayers();
            int hs = model.config().hiddenSize();
            int batch = training.hidden().numRows / layers;
            out.add(NamedTensor.of(STATE_H, training.hidden(), layers, batch, hs));
            if (training.cellState().numRows > 0) {
                out.add(NamedTensor.of(STATE_C, training.cellState(), layers, batch, hs));
            }
            training.optimizerState().forEach(out::add);
            out.putMetadata("step", Long.toString(training.step()));
            out.putMetadata("training", training.config().toJson());
            out.putMetadata("rng_state", Long.toString(training.rngState()));
            out.putMetadata("optimizer", training.optimizer());
            out.putMetadata("data_characters", Long.toString(training.dataCharacters()));
            out.putMetadata("data_crc32c", Long.toString(training.dataChecksum()));
        }
        out.build().write(file);
    }

    /** Reads and validates a checkpoint. */
    static Contents read(Path file) throws IOException {
        return read(Checkpoint.read(file, KIND));
    }

    /** Builds the model and training state of a verified checkpoint, checking them against each other. */
    static Contents read(Checkpoint in) throws CheckpointFormatException {
        try {
            CharLmConfig config = CharLmConfig.fromJson(in.metadata("config"));
            CharacterVocabulary vocabulary = CharacterVocabulary.ofCodePoints(
                    Fields.read(in.metadata("vocabulary")).intArray("code_points"));
            CharLanguageModel model = new CharLanguageModel(config, vocabulary, 0L);
            Set<String> expected = new HashSet<>();
            for (Parameter p : model.parameters()) {
                float[] values = in.finiteTensor(p.name(), DType.F32, p.shape()).toFloatArray();
                System.arraycopy(values, 0, p.value().data, 0, values.length);
                expected.add(p.name());
            }
            TrainingState training = null;
            if (in.metadata().containsKey("step")) {
                training = readTraining(in, model);
                expected.add(STATE_H);
                if (training.cellState().numRows > 0) {
                    expected.add(STATE_C);
                }
                training.optimizerState().forEach(t -> expected.add(t.name()));
            }
            for (String name : in.names()) {
                if (!expected.contains(name)) {
                    throw new CheckpointFormatException(in.source() + " holds a tensor '" + name
                            + "' that is not part of a " + model + (training == null
                            ? " (a weights-only checkpoint, without 'step' in its metadata)" : " or its training"));
                }
            }
            return new Contents(model, training);
        } catch (IllegalArgumentException | IllegalStateException | JsonFormatException e) {
            throw new CheckpointFormatException(in.source() + " is not a consistent checkpoint: " + e.getMessage(), e);
        }
    }

    /** The vocabulary metadata: <code>{"code_points":[...]}</code>, the code points in id order. */
    private static String vocabularyJson(int[] codePoints) {
        JsonWriter json = new JsonWriter().beginObject().name("code_points").beginArray();
        for (int c : codePoints) {
            json.value(c);
        }
        return json.endArray().endObject().toString();
    }

    private static TrainingState readTraining(Checkpoint in, CharLanguageModel model)
            throws CheckpointFormatException, JsonFormatException {
        TrainingConfig config = TrainingConfig.fromJson(in.metadata("training"));
        CharLmConfig mc = model.config();
        int[] stateShape = {mc.numLayers(), config.batchSize(), mc.hiddenSize()};
        FMatrixRMaj hidden = in.finiteTensor(STATE_H, DType.F32, stateShape).toFlattenedMatrix();
        hidden.reshape(mc.numLayers() * config.batchSize(), mc.hiddenSize());
        FMatrixRMaj cell = new FMatrixRMaj(0, mc.hiddenSize());
        if (mc.cell().hasCellState()) {
            cell = in.finiteTensor(STATE_C, DType.F32, stateShape).toFlattenedMatrix();
            cell.reshape(mc.numLayers() * config.batchSize(), mc.hiddenSize());
        }
        List<NamedTensor> optimizerState = new ArrayList<>();
        for (NamedTensor t : in.tensors()) {
            if (t.name().startsWith(OPTIM_PREFIX)) {
                // names, dtypes and shapes are checked by OptimizerState.fromTensors when resuming
                optimizerState.add(in.requireFinite(t));
            }
        }
        return new TrainingState(config, in.metadataLong("step"), in.metadataLong("rng_state"),
                hidden, cell, in.metadata("optimizer"), optimizerState,
                in.metadataLong("data_characters"), in.metadataLong("data_crc32c"));
    }

    /** CRC-32C of a sequence of ids (the fingerprint of a training text). */
    static long checksum(int[] ids) {
        CRC32C crc = new CRC32C();
        byte[] word = new byte[8];
        for (int id : ids) {
            putLong(word, id);
            crc.update(word, 0, 4);
        }
        return crc.getValue();
    }

    private static void putLong(byte[] out, long v) {
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
    }
}
