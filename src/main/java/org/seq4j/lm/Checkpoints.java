package org.seq4j.lm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.io.DType;
import org.seq4j.io.JsonFormatException;
import org.seq4j.io.JsonWriter;
import org.seq4j.io.NamedTensor;
import org.seq4j.io.SafetensorsFormatException;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.Parameter;
import org.seq4j.text.CharacterVocabulary;

/**
 * The checkpoint file of a {@link CharLanguageModel}: one safetensors file.
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
 *   metadata   format = pt, seq4j.kind = char-lm, seq4j.version = 1,
 *              config (JSON), vocabulary (JSON array of code points),
 *              checksum (CRC-32C of every tensor's name, shape and elements, in file order)
 *              with training state also: step, training (JSON), rng_state (the dropout generator's
 *              SplitMix64 state), optimizer (description), data_characters, data_crc32c
 * </pre>
 *
 * <p>Reading checks everything before a model is built: a file that is not safetensors, is truncated,
 * has a wrong checksum, lacks the metadata, lacks a tensor or has one of the wrong shape or type is
 * refused with a {@link CheckpointFormatException} naming the file and the problem.
 */
final class Checkpoints {

    static final String KIND = "char-lm";
    static final String VERSION = "1";
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
        TensorFile.Builder out = TensorFile.builder();
        List<NamedTensor> tensors = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            tensors.add(NamedTensor.of(p.name(), p.value(), p.shape()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("seq4j.kind", KIND);
        meta.put("seq4j.version", VERSION);
        meta.put("config", model.config().toJson());
        meta.put("vocabulary", vocabularyJson(model.vocabulary().codePoints()));
        if (training != null) {
            int layers = model.config().numLayers();
            int hs = model.config().hiddenSize();
            int batch = training.hidden().numRows / layers;
            tensors.add(NamedTensor.of(STATE_H, training.hidden(), layers, batch, hs));
            if (training.cellState().numRows > 0) {
                tensors.add(NamedTensor.of(STATE_C, training.cellState(), layers, batch, hs));
            }
            tensors.addAll(training.optimizerState());
            meta.put("step", Long.toString(training.step()));
            meta.put("training", training.config().toJson());
            meta.put("rng_state", Long.toString(training.rngState()));
            meta.put("optimizer", training.optimizer());
            meta.put("data_characters", Long.toString(training.dataCharacters()));
            meta.put("data_crc32c", Long.toString(training.dataChecksum()));
        }
        meta.put("checksum", Long.toString(checksum(tensors)));
        meta.forEach(out::putMetadata);
        tensors.forEach(out::add);
        out.build().write(file);
    }

    /** Reads and validates a checkpoint. */
    static Contents read(Path file) throws IOException {
        TensorFile in;
        try {
            in = TensorFile.read(file);
        } catch (SafetensorsFormatException e) {
            throw new CheckpointFormatException(file + " is not a readable safetensors file (truncated or "
                    + "corrupted?): " + e.getMessage(), e);
        }
        Map<String, String> meta = in.metadata();
        String kind = meta.get("seq4j.kind");
        if (!KIND.equals(kind)) {
            throw new CheckpointFormatException(file + " is not a seq4j character language model checkpoint: "
                    + (kind == null ? "its metadata has no 'seq4j.kind'" : "its 'seq4j.kind' is '" + kind
                    + "', not '" + KIND + "'"));
        }
        if (!VERSION.equals(meta.get("seq4j.version"))) {
            throw new CheckpointFormatException(file + " has checkpoint version '" + meta.get("seq4j.version")
                    + "'; this seq4j reads version " + VERSION);
        }
        String expected = require(file, meta, "checksum");
        long actual = checksum(in.tensors());
        if (!Long.toString(actual).equals(expected)) {
            throw new CheckpointFormatException(file + " is corrupted: the checksum of its tensors is "
                    + actual + " but the file records " + expected);
        }
        try {
            CharLmConfig config = CharLmConfig.fromJson(require(file, meta, "config"));
            CharacterVocabulary vocabulary = CharacterVocabulary.ofCodePoints(
                    Fields.read(require(file, meta, "vocabulary")).intArray("code_points"));
            CharLanguageModel model = new CharLanguageModel(config, vocabulary, 0L);
            int expectedTensors = 0;
            for (Parameter p : model.parameters()) {
                float[] values = tensor(file, in, p.name(), p.shape(), DType.F32).toFloatArray();
                System.arraycopy(values, 0, p.value().data, 0, values.length);
                expectedTensors++;
            }
            TrainingState training = null;
            if (meta.containsKey("step")) {
                training = readTraining(file, in, meta, model);
                expectedTensors += 1 + (training.cellState().numRows > 0 ? 1 : 0)
                        + training.optimizerState().size();
            }
            if (in.size() != expectedTensors) {
                for (String name : in.names()) {
                    if (!model.parameters().contains(name) && !name.startsWith(OPTIM_PREFIX)
                            && !name.equals(STATE_H) && !name.equals(STATE_C)) {
                        throw new CheckpointFormatException(file + " holds a tensor '" + name
                                + "' that is not part of a " + model);
                    }
                }
                throw new CheckpointFormatException(file + " holds " + in.size() + " tensors but a "
                        + (training == null ? "weights-only" : "training") + " checkpoint of this model has "
                        + expectedTensors);
            }
            return new Contents(model, training);
        } catch (IllegalArgumentException | IllegalStateException | JsonFormatException e) {
            throw new CheckpointFormatException(file + " is not a consistent checkpoint: " + e.getMessage(), e);
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

    private static TrainingState readTraining(Path file, TensorFile in, Map<String, String> meta,
                                              CharLanguageModel model)
            throws CheckpointFormatException, JsonFormatException {
        TrainingConfig config = TrainingConfig.fromJson(require(file, meta, "training"));
        CharLmConfig mc = model.config();
        int[] stateShape = {mc.numLayers(), config.batchSize(), mc.hiddenSize()};
        FMatrixRMaj hidden = tensor(file, in, STATE_H, stateShape, DType.F32).toFlattenedMatrix();
        hidden.reshape(mc.numLayers() * config.batchSize(), mc.hiddenSize());
        FMatrixRMaj cell = new FMatrixRMaj(0, mc.hiddenSize());
        if (mc.cell().hasCellState()) {
            cell = tensor(file, in, STATE_C, stateShape, DType.F32).toFlattenedMatrix();
            cell.reshape(mc.numLayers() * config.batchSize(), mc.hiddenSize());
        }
        List<NamedTensor> optimizerState = new ArrayList<>();
        for (NamedTensor t : in.tensors()) {
            if (t.name().startsWith(OPTIM_PREFIX)) {
                optimizerState.add(t);    // checked by OptimizerState.fromTensors when resuming
            }
        }
        return new TrainingState(config, parseLong(file, meta, "step"), parseLong(file, meta, "rng_state"),
                hidden, cell, require(file, meta, "optimizer"), optimizerState,
                parseLong(file, meta, "data_characters"), parseLong(file, meta, "data_crc32c"));
    }

    private static NamedTensor tensor(Path file, TensorFile in, String name, int[] shape, DType dtype)
            throws CheckpointFormatException {
        if (!in.contains(name)) {
            throw new CheckpointFormatException(file + " has no tensor '" + name + "'");
        }
        NamedTensor t = in.get(name);
        if (t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
            throw new CheckpointFormatException(file + ": tensor '" + name + "' must be " + dtype + " "
                    + Arrays.toString(shape) + " but is " + t.dtype() + " " + Arrays.toString(t.shape()));
        }
        return t;
    }

    private static String require(Path file, Map<String, String> meta, String key)
            throws CheckpointFormatException {
        String value = meta.get(key);
        if (value == null) {
            throw new CheckpointFormatException(file + " has no metadata '" + key + "'");
        }
        return value;
    }

    private static long parseLong(Path file, Map<String, String> meta, String key)
            throws CheckpointFormatException {
        String value = require(file, meta, key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CheckpointFormatException(file + ": metadata '" + key + "' must be an integer but was '"
                    + value + "'");
        }
    }

    /** CRC-32C over every tensor's name, dtype, shape and elements (little-endian), in order. */
    static long checksum(List<NamedTensor> tensors) {
        CRC32C crc = new CRC32C();
        byte[] word = new byte[8];
        for (NamedTensor t : tensors) {
            crc.update(t.name().getBytes(StandardCharsets.UTF_8));
            crc.update(t.dtype().name().getBytes(StandardCharsets.UTF_8));
            for (int d : t.shape()) {
                putLong(word, d);
                crc.update(word, 0, 8);
            }
            if (t.dtype() == DType.I64 || t.dtype() == DType.I32) {
                for (long v : t.toLongArray()) {
                    putLong(word, v);
                    crc.update(word, 0, 8);
                }
            } else {
                for (double v : t.toDoubleArray()) {
                    putLong(word, Double.doubleToRawLongBits(v));
                    crc.update(word, 0, 8);
                }
            }
        }
        return crc.getValue();
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
