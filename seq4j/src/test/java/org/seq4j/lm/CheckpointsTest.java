package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.io.Checkpoint;
import org.seq4j.io.CheckpointFormatException;
import org.seq4j.io.JsonFormatException;
import org.seq4j.io.NamedTensor;
import org.seq4j.io.TensorFile;
import org.seq4j.rnn.CellType;
import org.seq4j.text.CharacterVocabulary;
import org.seq4j.text.SpecialToken;

class CheckpointsTest {

    @TempDir
    Path dir;
    private Path file;
    private byte[] bytes;

    @BeforeEach
    void saveATrainingCheckpoint() throws IOException {
        CharLmTrainer trainer = CharLmTrainer.create(CharLmTrainerTest.newModel(CellType.LSTM, 0.1f),
                CharLmTrainerTest.TEXT, CharLmTrainerTest.smallConfig(), CharLmTrainerTest.ADAM);
        trainer.step();
        trainer.step();
        file = dir.resolve("run.safetensors");
        trainer.save(file);
        bytes = Files.readAllBytes(file);
    }

    @Test
    void holdsPyTorchNamedWeightsOptimizerStateAndMetadata() throws IOException {
        TensorFile in = TensorFile.read(file);
        assertTrue(in.names().containsAll(List.of("embedding.weight", "rnn.weight_ih_l0", "rnn.bias_hh_l1",
                "decoder.weight", "decoder.bias", "state.h", "state.c",
                "optim.rnn.weight_ih_l0.exp_avg", "optim.rnn.weight_ih_l0.exp_avg_sq",
                "optim.decoder.bias.step", "optim.learning_rate")), in.names().toString());
        assertArrayEquals(new int[] {2, 4, 16}, in.get("state.h").shape());
        assertArrayEquals(new long[] {2}, in.get("optim.decoder.bias.step").toLongArray());
        Map<String, String> meta = in.metadata();
        assertEquals("char-lm", meta.get("seq4j.kind"));
        assertEquals("2", meta.get("step"));
        assertTrue(meta.get("config").contains("\"cell\":\"LSTM\""), meta.get("config"));
        assertTrue(meta.get("vocabulary").startsWith("{\"code_points\":[10,32,46,"), meta.get("vocabulary"));
        assertTrue(meta.containsKey("rng_state"));
        assertTrue(meta.get("optimizer").startsWith("Adam"), meta.get("optimizer"));
    }

    /** The metadata JSON is the text checkpoints have always held, so that every checkpoint still loads. */
    @Test
    void metadataJsonKeepsItsFormat() throws IOException {
        CharLmConfig config = new CharLmConfig(CellType.GRU, 5, 0, 8, 3, 0.1f);
        assertEquals("{\"cell\":\"GRU\",\"vocab_size\":5,\"embedding_size\":0,\"hidden_size\":8,"
                + "\"num_layers\":3,\"dropout\":0.1}", config.toJson());
        assertEquals(config, CharLmConfig.fromJson(" { \"dropout\" : 0.1, \"num_layers\":3, \"hidden_size\":8,"
                + "\"embedding_size\":0,\"vocab_size\":5,\"cell\":\"GRU\"}\n"));
        TrainingConfig training = CharLmTrainerTest.smallConfig().toBuilder().seed(-8_000_000_000L).build();
        assertEquals("{\"batch_size\":" + training.batchSize() + ",\"seq_length\":" + training.seqLength()
                + ",\"val_fraction\":" + training.valFraction() + ",\"clipping\":\"" + training.clipping().name()
                + "\",\"clip_threshold\":" + training.clipThreshold() + ",\"seed\":-8000000000}", training.toJson());
        assertEquals(training, TrainingConfig.fromJson(training.toJson()));
        for (String bad : new String[] {"{\"cell\":\"GRU\",\"vocab_size\":05}", "{\"cell\":\"GRU\"} x", "[1]"}) {
            assertThrows(JsonFormatException.class, () -> CharLmConfig.fromJson(bad), bad);
        }
    }

    /** A vocabulary numbered by frequency (not ascending) keeps its numbering through a checkpoint. */
    @Test
    void aVocabularyInAnyOrderRoundTrips() throws IOException {
        CharacterVocabulary byCount = CharacterVocabulary.builder().add(CharLmTrainerTest.TEXT).build();
        CharLanguageModel model = new CharLanguageModel(CharLmConfig.of(CellType.GRU, byCount.size(), 8), byCount, 3);
        Path weights = dir.resolve("by-count.safetensors");
        model.save(weights);
        CharLanguageModel loaded = CharLanguageModel.load(weights);
        assertEquals(byCount, loaded.vocabulary());
        assertArrayEquals(byCount.encode("the"), loaded.vocabulary().encode("the"));
        CharacterVocabulary withPad = CharacterVocabulary.builder().specials(SpecialToken.PAD)
                .add(CharLmTrainerTest.TEXT).build();
        assertThrows(IllegalArgumentException.class,
                () -> new CharLanguageModel(CharLmConfig.of(CellType.GRU, withPad.size(), 8), withPad, 3));
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        for (int cut : new int[] {1, 100, bytes.length / 2, bytes.length - 5}) {
            Files.write(file, java.util.Arrays.copyOf(bytes, cut));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> CharLanguageModel.load(file), "cut at " + cut);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
    }

    @Test
    void aFlippedBitInTheWeightsIsDetected() throws IOException {
        bytes[bytes.length - 1000] ^= 0x10;
        Files.write(file, bytes);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> CharLanguageModel.load(file));
        assertTrue(e.getMessage().startsWith(file + " is corrupted: its contents do not match the checksum"),
                e.getMessage());
    }

    /** Same-length edits of the metadata, each of which the old tensor-only checksum let through. */
    @Test
    void anEditedMetadataEntryIsDetected() throws IOException {
        String[][] edits = {
                {"\\\"dropout\\\":0.1", "\\\"dropout\\\":0.9"},        // the model's dropout
                {"\\\"code_points\\\":[10,32,", "\\\"code_points\\\":[10,31,"},   // the vocabulary
                {"\"step\":\"2\"", "\"step\":\"3\""},                         // the step count
                {"\"optimizer\":\"Adam", "\"optimizer\":\"Adag"},                // a description
                {"\"format\":\"pt\"", "\"format\":\"px\""},                   // a reserved entry
        };
        for (String[] edit : edits) {
            Files.write(file, replaceOnce(bytes, edit[0], edit[1]));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> CharLanguageModel.load(file), edit[1]);
            assertTrue(e.getMessage().startsWith(file + " is corrupted: its contents do not match the checksum"),
                    e.getMessage());
        }
    }

    /** Format 1 (checksum over the tensors only) is refused with a message that says so. */
    @Test
    void aCheckpointOfTheEarlierFormatIsRefusedWithAMessageSayingSo() throws IOException {
        TensorFile current = TensorFile.read(file);
        java.util.LinkedHashMap<String, String> meta = new java.util.LinkedHashMap<>(current.metadata());
        meta.remove("seq4j.checksum");
        meta.put("seq4j.version", "1");
        meta.put("checksum", "12345");
        TensorFile.of(current.tensors(), meta).write(file);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> CharLanguageModel.load(file));
        assertTrue(e.getMessage().startsWith(file + " is a checkpoint of format 1, written by an earlier seq4j"),
                e.getMessage());
        assertTrue(e.getMessage().contains("train the model again"), e.getMessage());
    }

    /** Non-finite weights or state are refused with the tensor's name, even under a valid checksum. */
    @Test
    void aNonFiniteWeightOrStateIsRefusedWithTheTensorName() throws IOException {
        Checkpoint original = Checkpoint.read(file, Checkpoints.KIND);
        String[] names = {"rnn.weight_hh_l1", "decoder.bias", "state.c", "optim.decoder.weight.exp_avg_sq"};
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        for (int k = 0; k < names.length; k++) {
            List<NamedTensor> tensors = new ArrayList<>();
            for (NamedTensor t : original.tensors()) {
                if (t.name().equals(names[k])) {
                    float[] values = t.toFloatArray();
                    values[values.length - 1] = bad[k];
                    t = NamedTensor.of(t.name(), values, t.shape());
                }
                tensors.add(t);
            }
            rewrite(original, tensors);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> CharLmTrainer.resume(file, CharLmTrainerTest.TEXT, CharLmTrainerTest.ADAM), names[k]);
            assertTrue(e.getMessage().startsWith(file + ": tensor \"" + names[k] + "\" holds " + bad[k] + " at ["),
                    e.getMessage());
        }
    }

    @Test
    void aDirectoryIsRefusedWithAMessage() {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> CharLanguageModel.load(dir));
        assertEquals(dir + " is a directory, not a checkpoint file", e.getMessage());
    }

    private static byte[] replaceOnce(byte[] bytes, String from, String to) {
        assertEquals(from.length(), to.length());
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "exactly one " + from + " in the header");
        byte[] edited = bytes.clone();
        byte[] replacement = to.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(replacement, 0, edited, at, replacement.length);
        return edited;
    }

    @Test
    void aDamagedHeaderIsRefused() throws IOException {
        bytes[20] = '!';
        Files.write(file, bytes);
        assertThrows(CheckpointFormatException.class, () -> CharLanguageModel.load(file));
    }

    @Test
    void garbageAndEmptyFilesAreRefused() throws IOException {
        Files.write(file, new byte[0]);
        assertThrows(CheckpointFormatException.class, () -> CharLanguageModel.load(file));
        Files.writeString(file, "ROMEO: what is this file?\n".repeat(20));
        assertThrows(CheckpointFormatException.class, () -> CharLanguageModel.load(file));
    }

    @Test
    void aForeignSafetensorsFileIsRefused() throws IOException {
        TensorFile.builder().putMetadata("format", "pt")
                .add(NamedTensor.of("weight", new float[] {1, 2, 3, 4}, 2, 2)).build().write(file);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> CharLanguageModel.load(file));
        assertEquals(file + " is not a seq4j checkpoint: its metadata has no 'seq4j.kind'", e.getMessage());
    }

    @Test
    void missingOrMisshapenTensorsAreRefusedEvenWithAValidChecksum() throws IOException {
        Checkpoint original = Checkpoint.read(file, Checkpoints.KIND);
        // without decoder.bias
        rewrite(original, original.tensors().stream().filter(t -> !t.name().equals("decoder.bias")).toList());
        CheckpointFormatException missing = assertThrows(CheckpointFormatException.class,
                () -> CharLanguageModel.load(file));
        assertTrue(missing.getMessage().contains("has no tensor \"decoder.bias\""), missing.getMessage());
        // decoder.bias with a wrong shape
        List<NamedTensor> tensors = new ArrayList<>();
        for (NamedTensor t : original.tensors()) {
            tensors.add(t.name().equals("decoder.bias") ? NamedTensor.of("decoder.bias", new float[3], 3) : t);
        }
        rewrite(original, tensors);
        CheckpointFormatException shape = assertThrows(CheckpointFormatException.class,
                () -> CharLanguageModel.load(file));
        int v = CharacterVocabulary.of(CharLmTrainerTest.TEXT).size();
        assertTrue(shape.getMessage().contains("tensor \"decoder.bias\" must be F32 [" + v + "] but is F32 [3]"),
                shape.getMessage());
        // an extra tensor
        List<NamedTensor> extra = new ArrayList<>(original.tensors());
        extra.add(NamedTensor.of("head.weight", new float[2], 2));
        rewrite(original, extra);
        CheckpointFormatException unexpected = assertThrows(CheckpointFormatException.class,
                () -> CharLanguageModel.load(file));
        assertTrue(unexpected.getMessage().contains("'head.weight'"), unexpected.getMessage());
    }

    @Test
    void savingAgainReplacesTheFileAtomicallyWithoutLeftovers() throws IOException {
        CharLanguageModel model = CharLanguageModel.load(file);
        model.parameters().get("decoder.bias").value().data[0] = 42f;
        model.save(file);
        assertEquals(42f, CharLanguageModel.load(file).parameters().get("decoder.bias").value().data[0]);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        // a save that cannot complete leaves the previous file as it was
        Path blocked = dir.resolve("missing-directory").resolve("x.safetensors");
        assertThrows(IOException.class, () -> model.save(blocked));
        assertEquals(42f, CharLanguageModel.load(file).parameters().get("decoder.bias").value().data[0]);
    }

    /** Writes a checkpoint with the original's metadata and these tensors, with a valid checksum. */
    private void rewrite(Checkpoint original, List<NamedTensor> tensors) throws IOException {
        Checkpoint.Builder out = Checkpoint.builder(Checkpoints.KIND);
        original.metadata().forEach(out::putMetadata);
        tensors.forEach(out::add);
        out.build().write(file);
    }
}
