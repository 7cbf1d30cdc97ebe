package org.seq4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.io.NamedTensor;
import org.seq4j.io.TensorFile;

class StateDictTest {

    /** weight [2, 3] = 0..5, bias [2] = {10, 11}. */
    private static Parameters linear(String prefix) {
        Parameter weight = new Parameter("weight", 2, 3);
        Parameter bias = new Parameter("bias", 2);
        for (int i = 0; i < 6; i++) {
            weight.value().data[i] = i;
        }
        bias.value().data[0] = 10;
        bias.value().data[1] = 11;
        return new Parameters().addAll(prefix, Parameters.of(weight, bias));
    }

    @Test
    void tensorsHavePyTorchNamesShapesAndValues() {
        TensorFile file = StateDict.toTensorFile(linear("head."));
        assertEquals(List.of("head.weight", "head.bias"), file.names());
        assertArrayEquals(new int[] {2, 3}, file.get("head.weight").shape());
        assertArrayEquals(new int[] {2}, file.get("head.bias").shape(), "a (1, C) bias is written as [C]");
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, file.get("head.weight").toFloatArray());
        assertArrayEquals(new float[] {10, 11}, file.get("head.bias").toFloatArray());
        assertEquals(Map.of("format", "pt"), file.metadata());
    }

    @Test
    void everyBitRoundTrips(@TempDir Path dir) throws IOException {
        Parameters saved = linear("");
        float[] special = {-Float.MAX_VALUE, -0f, Float.MIN_NORMAL, Float.MIN_VALUE, Float.MAX_VALUE, 1e-40f};
        System.arraycopy(special, 0, saved.get("weight").value().data, 0, 6);
        Path file = dir.resolve("m.safetensors");
        StateDict.save(saved, file);
        Parameters loaded = new Parameters().add(new Parameter("weight", 2, 3)).add(new Parameter("bias", 2));
        StateDictReport report = StateDict.load(loaded, file, true);
        assertTrue(report.isComplete());
        assertEquals(List.of("weight", "bias"), report.loaded());
        for (int i = 0; i < 6; i++) {
            assertEquals(Float.floatToRawIntBits(special[i]),
                    Float.floatToRawIntBits(loaded.get("weight").value().data[i]), "element " + i);
        }
        assertArrayEquals(new float[] {10, 11}, loaded.get("bias").value().data);
    }

    @Test
    void nonFiniteValuesAreMismatchesAndNothingIsLoaded() throws StateDictMismatchException {
        Parameters saved = linear("");
        saved.get("weight").value().data[4] = Float.NaN;
        saved.get("bias").value().data[0] = Float.NEGATIVE_INFINITY;
        TensorFile file = StateDict.toTensorFile(saved);
        Parameters parameters = new Parameters().add(new Parameter("weight", 2, 3)).add(new Parameter("bias", 2));
        StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                () -> StateDict.load(parameters, file, true));
        assertEquals(List.of("weight", "bias"), e.mismatched());
        assertTrue(e.getMessage().contains("weight: holds NaN at [1, 1]"), e.getMessage());
        assertTrue(e.getMessage().contains("bias: holds -Infinity at [0]"), e.getMessage());
        assertArrayEquals(new float[6], parameters.get("weight").value().data, "a strict load changes nothing");

        saved.get("weight").value().data[4] = 4f;
        StateDictReport report = StateDict.load(parameters, StateDict.toTensorFile(saved), false);
        assertEquals(List.of("weight"), report.loaded());
        assertEquals(List.of("bias"), report.mismatched());
        assertArrayEquals(new float[2], parameters.get("bias").value().data, "the non-finite tensor is not loaded");
    }

    @Test
    void otherDTypesAreMismatches() {
        TensorFile file = TensorFile.builder()
                .add(NamedTensor.of("weight", new double[6], 2, 3))
                .add(NamedTensor.of("bias", new long[2], 2))
                .build();
        Parameters parameters = linear("");
        StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                () -> StateDict.load(parameters, file, true));
        assertEquals(List.of("weight", "bias"), e.mismatched());
        assertTrue(e.getMessage().contains("weight: file F64 [2, 3], parameter F32 [2, 3]"), e.getMessage());
        assertTrue(e.getMessage().contains("bias: file I64 [2], parameter F32 [2]"), e.getMessage());
        assertEquals(List.of(), e.missing());
        assertEquals(List.of(), e.unexpected());
        assertEquals(List.of(), e.report().loaded());
    }

    @Test
    void nonStrictLoadOfAnUnrelatedFileChangesNothing() throws StateDictMismatchException {
        Parameters parameters = linear("");
        TensorFile file = TensorFile.builder().add(NamedTensor.of("other", new float[] {1})).build();
        StateDictReport report = StateDict.load(parameters, file, false);
        assertEquals(List.of("weight", "bias"), report.missing());
        assertEquals(List.of("other"), report.unexpected());
        assertEquals(List.of(), report.loaded());
        assertArrayEquals(new float[] {10, 11}, parameters.get("bias").value().data);
        assertEquals("state dict: 0 loaded, 2 missing, 1 unexpected, 0 mismatched\n  missing: [weight, bias]\n"
                + "  unexpected: [other]", report.toString());
    }

    @Test
    void anEmptyRegistryMatchesAnEmptyFile() throws StateDictMismatchException {
        TensorFile file = StateDict.toTensorFile(new Parameters());
        assertEquals(0, file.size());
        assertTrue(StateDict.load(new Parameters(), file, true).isComplete());
    }

    @Test
    void aParameterUnderTwoNamesIsWrittenTwiceAndLoadedOnce() throws StateDictMismatchException {
        Parameter table = new Parameter("weight", 3, 2);
        Parameters tied = new Parameters().add(table.withName("embedding.weight"))
                .add(table.withName("decoder.weight"));
        table.value().data[4] = 7;
        TensorFile file = StateDict.toTensorFile(tied);
        assertEquals(List.of("embedding.weight", "decoder.weight"), file.names());
        assertEquals(7f, file.get("decoder.weight").toFloatArray()[4]);

        table.value().data[4] = 0;
        StateDictReport report = StateDict.load(tied, file, true);
        assertEquals(List.of("embedding.weight", "decoder.weight"), report.loaded());
        assertEquals(7f, table.value().data[4]);
    }
}
