package org.seq4j.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecurrentConfigTest {

    @Test
    void defaultsAndDerivedSizes() {
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, 10, 20);
        assertEquals(new RecurrentConfig(CellType.LSTM, 10, 20, 1, false, 0f, true), config);
        RecurrentConfig stacked = config.withNumLayers(3).withBidirectional(true).withDropout(0.25f).withBias(false);
        assertEquals(new RecurrentConfig(CellType.LSTM, 10, 20, 3, true, 0.25f, false), stacked);
        assertEquals(2, stacked.numDirections());
        assertEquals(40, stacked.outputSize());
        assertEquals(10, stacked.layerInputSize(0));
        assertEquals(40, stacked.layerInputSize(2));
        assertEquals(3 * 2 * 5, stacked.stateRows(5));
        assertThrows(IllegalArgumentException.class, () -> stacked.layerInputSize(3));
    }

    @Test
    void rejectsOutOfRangeValuesWithTheValue() {
        RecurrentConfig config = RecurrentConfig.of(CellType.GRU, 10, 20);
        assertEquals("hiddenSize must be at least 1 but was 0",
                assertThrows(IllegalArgumentException.class, () -> RecurrentConfig.of(CellType.GRU, 4, 0)).getMessage());
        assertEquals("dropout must be in [0, 1) but was 1.0",
                assertThrows(IllegalArgumentException.class, () -> config.withDropout(1f)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> config.withDropout(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> config.withNumLayers(0));
        assertThrows(IllegalArgumentException.class, () -> RecurrentConfig.of(null, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> RecurrentConfig.of(CellType.RNN_TANH, 0, 1));
    }

    @Test
    void parameterNamesFollowPyTorchStateDictOrder() {
        RecurrentLayer layer = new RecurrentLayer(
                RecurrentConfig.of(CellType.GRU, 3, 4).withNumLayers(2).withBidirectional(true), 1);
        assertEquals(List.of(
                "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"),
                layer.parameters().names());
        assertEquals("weight_ih_l1_reverse[12, 8]", layer.parameters().get("weight_ih_l1_reverse").toString());
        assertEquals(layer.cell(1, 1).weightIh().value(), layer.parameters().get("weight_ih_l1_reverse").value());
    }
}
