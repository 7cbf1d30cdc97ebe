package org.seq4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonTest {

    @Test
    void roundTripsEveryKindOfValueExactly() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("cell", "LSTM");
        fields.put("quote \"and\" \\ newline\n", "tab\t ü 東 😀 \u0001");
        fields.put("hidden", 128);
        fields.put("seed", -8_000_000_000L);
        fields.put("lr", 0.002);
        fields.put("dropout", 0.1f);
        fields.put("third", 1.0 / 3);
        fields.put("shuffle", true);
        fields.put("vocab", new int[] {10, 32, 0x1F600});
        fields.put("empty", new int[0]);
        String json = FlatJson.write(fields);
        Map<String, Object> back = FlatJson.read(json);
        assertEquals(fields.keySet(), back.keySet());
        assertEquals("LSTM", back.get("cell"));
        assertEquals("tab\t ü 東 😀 \u0001", back.get("quote \"and\" \\ newline\n"));
        assertEquals(128, Integer.parseInt(((FlatJson.Num) back.get("hidden")).literal()));
        assertEquals(-8_000_000_000L, Long.parseLong(((FlatJson.Num) back.get("seed")).literal()));
        assertEquals(0.002, Double.parseDouble(((FlatJson.Num) back.get("lr")).literal()));
        assertEquals(0.1f, Float.parseFloat(((FlatJson.Num) back.get("dropout")).literal()));
        assertEquals(Double.doubleToLongBits(1.0 / 3),
                Double.doubleToLongBits(Double.parseDouble(((FlatJson.Num) back.get("third")).literal())));
        assertEquals(Boolean.TRUE, back.get("shuffle"));
        assertArrayEquals(new int[] {10, 32, 0x1F600}, (int[]) back.get("vocab"));
        assertArrayEquals(new int[0], (int[]) back.get("empty"));
    }

    @Test
    void readsOrdinaryJsonSpacing() {
        Map<String, Object> m = FlatJson.read(" { \"a\" : [ 1 , 2 ] , \"b\" : \"\\u00e9\" }\n");
        assertArrayEquals(new int[] {1, 2}, (int[]) m.get("a"));
        assertEquals("é", m.get("b"));
    }

    @Test
    void rejectsMalformedInputWithTheOffset() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":[1,2.5]}",
                                        "{\"a\":1,\"a\":2}", "[1]", "{\"a\":nope}", "{\"a\":\"\\q\"}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlatJson.read(bad),
                    bad);
            assertEquals(true, e.getMessage().startsWith("bad JSON at offset "), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> FlatJson.write(Map.of("x", Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> FlatJson.write(Map.of("x", new Object())));
    }
}
