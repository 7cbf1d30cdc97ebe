package org.seq4j.skipthoughts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.seq4j.io.Checkpoint;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.io.DType;
import org.seq4j.io.JsonFormatException;
import org.seq4j.io.NamedTensor;
import org.seq4j.nn.Parameter;
import org.seq4j.text.VocabularyFormatException;
import org.seq4j.text.WordVocabulary;

/**
 * The checkpoint file of a {@link SkipThoughtsModel}: a {@link Checkpoint} of kind {@code skip-thoughts}.
 *
 * <pre>
 *   tensors    the parameters under their names (embedding.weight, encoder.weight_ih_l0, …, output.bias),
 *              F32, PyTorch shapes
 *              with training state also: optim.&lt;parameter&gt;.{step, exp_avg, exp_avg_sq}, optim.learning_rate
 *              (the optimizer state as {@link org.seq4j.optim.OptimizerState#toTensors(String)} writes it)
 *   metadata   config (JSON), vocabulary (the vocabulary's JSON)
 *              with training state also: step, training (JSON), optimizer (description),
 *              train_triples, train_fingerprint, validation_triples, validation_fingerprint
 * </pre>
 * Reading checks everything before a model is returned: a file that is not a skip-thoughts checkpoint,
 * has a wrong checksum, lacks an entry or a tensor, holds one of the wrong shape or a non-finite weight,
 * or holds a tensor the model does not have, is refused with a {@link CheckpointFormatException} naming
 * the file and the problem.
 */
final class Checkpoints {

    static final String KIND = "skip-thoughts";
    static final String OPTIM_PREFIX = "optim.";

    private Checkpoints() {
    }

    /**
     * The training state a checkpoint holds next to the model.
     *
     * @param config                the training settings
     * @param step                  the number of steps done
     * @param optimizer             a description of the optimizer
     * @param optimizerState        the optimizer state's tensors, named {@code optim.…}
     * @param trainTriples          the number of training triples
     * @param trainFingerprint      {@link SentenceTriples#fingerprint()} of the training triples
     * @param validationTriples     the number of validation triples
     * @param validationFingerprint the fingerprint of the validation triples
     */
    record TrainingState(SkipThoughtsTrainingConfig config, long step, String optimizer,
                         List<NamedTensor> optimizerState, long trainTriples, long trainFingerprint,
                         long validationTriples, long validationFingerprint) {
    }

    /** What a checkpoint file holds: the model, and the training state or null. */
    record Contents(SkipThoughtsModel model, TrainingState training) {
    }

    /** Writes a checkpoint atomically. */
    static void write(Path file, SkipThoughtsModel model, TrainingState training) throws IOException {
        Checkpoint.Builder out = Checkpoint.builder(KIND);
        for (Parameter p : model.parameters()) {
            out.add(NamedTensor.of(p.name(), p.value(), p.shape()));
        }
        out.putMetadata("config", model.config().toJson());
        out.putMetadata("vocabulary", model.vocabulary().toJson());
        if (training != null) {
            training.optimizerState().forEach(out::add);
            out.putMetadata("step", Long.toString(training.step()));
            out.putMetadata("training", training.config().toJson());
            out.putMetadata("optimizer", training.optimizer());
            out.putMetadata("train_triples", Long.toString(training.trainTriples()));
            out.putMetadata("train_fingerprint", Long.toString(training.trainFingerprint()));
            out.putMetadata("validation_triples", Long.toString(training.validationTriples()));
            out.putMetadata("validation_fingerprint", Long.toString(training.validationFingerprint()));
        }
        out.build().write(file);
    }

    /** Reads and validates a checkpoint. */
    static Contents read(Path file) throws IOException {
        Checkpoint in = Checkpoint.read(file, KIND);
        try {
            SkipThoughtsConfig config = SkipThoughtsConfig.fromJson(in.metadata("config"));
            WordVocabulary vocabulary = WordVocabulary.fromJson(in.metadata("vocabulary"));
            SkipThoughtsModel model = new SkipThoughtsModel(config, vocabulary, 0L);
            Set<String> expected = new HashSet<>();
            for (Parameter p : model.parameters()) {
                float[] values = in.finiteTensor(p.name(), DType.F32, p.shape()).toFloatArray();
                System.arraycopy(values, 0, p.value().data, 0, values.length);
                expected.add(p.name());
            }
            TrainingState training = null;
            if (in.metadata().containsKey("step")) {
                List<NamedTensor> optimizerState = new ArrayList<>();
                for (NamedTensor t : in.tensors()) {
                    if (t.name().startsWith(OPTIM_PREFIX)) {
                        // names, dtypes and shapes are checked by OptimizerState.fromTensors when resuming
                        optimizerState.add(in.requireFinite(t));
                        expected.add(t.name());
                    }
                }
                training = new TrainingState(SkipThoughtsTrainingConfig.fromJson(in.metadata("training")),
                        in.metadataLong("step"), in.metadata("optimizer"), optimizerState,
                        in.metadataLong("train_triples"), in.metadataLong("train_fingerprint"),
                        in.metadataLong("validation_triples"), in.metadataLong("validation_fingerprint"));
            }
            for (String name : in.names()) {
                if (!expected.contains(name)) {
                    throw new CheckpointFormatException(in.source() + " holds a tensor '" + name
                            + "' that is not part of a " + model + (training == null
                            ? " (a weights-only checkpoint, without 'step' in its metadata)" : " or its training"));
                }
            }
            return new Contents(model, training);
        } catch (IllegalArgumentException | JsonFormatException | VocabularyFormatException e) {
            throw new CheckpointFormatException(in.source() + " is not a consistent skip-thoughts checkpoint: "
                    + e.getMessage(), e);
        }
    }
}
