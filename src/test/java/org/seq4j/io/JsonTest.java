package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The header JSON reader and writer on their own. */
class JsonTest {

    private static JsonReader reader(String json) {
        return new JsonReader(json.getBytes(StandardCharsets.UTF_8), "");
    }

    @Test
    void writerEscapesLikeSerdeJsonAndPythonJson() {
        String json = new JsonWriter().beginObject()
                .name("a\"b\\c/").value("\b\f\n\r\t\u0000\u001f\u007f \u00e9\ud83d\ude42")
                .name("n").beginArray().value(0).value(-5).value(Long.MAX_VALUE).endArray()
                .name("e").beginObject().endObject()
                .name("l").beginArray().endArray()
                .endObject().toString();
        assertEquals("{\"a\\\"b\\\\c/\":\"\\b\\f\\n\\r\\t\\u0000\\u001f\u007f \u00e9\ud83d\ude42\","
                + "\"n\":[0,-5,9223372036854775807],\"e\":{},\"l\":[]}", json);
    }

    @Test
    void readerWalksNestedStructures() throws SafetensorsFormatException {
        JsonReader r = reader(" {\"s\" : \"x\\u0041\\n\", \"a\":[ -12 , 0, 7 ], \"o\":{}, \"e\":[]} ");
        assertEquals(JsonReader.Kind.OBJECT, r.peek());
        r.beginObject();
        assertTrue(r.hasNext());
        assertEquals("s", r.nextName());
        assertEquals(JsonReader.Kind.STRING, r.peek());
        assertEquals("xA\n", r.nextString());
        assertTrue(r.hasNext());
        assertEquals("a", r.nextName());
        r.beginArray();
        long sum = 0;
        int n = 0;
        while (r.hasNext()) {
            assertEquals(JsonReader.Kind.INTEGER, r.peek());
            sum += r.nextLong();
            n++;
        }
        r.endArray();
        assertEquals(3, n);
        assertEquals(-5, sum);
        assertTrue(r.hasNext());
        assertEquals("o", r.nextName());
        r.beginObject();
        assertFalse(r.hasNext());
        r.endObject();
        assertTrue(r.hasNext());
        assertEquals("e", r.nextName());
        r.beginArray();
        assertFalse(r.hasNext());
        r.endArray();
        assertFalse(r.hasNext());
        r.endObject();
        r.endDocument();
    }

    @Test
    void readsIntegerLimits() throws SafetensorsFormatException {
        JsonReader r = reader("[9223372036854775807,-9223372036854775807,-0]");
        r.beginArray();
        r.hasNext();
        assertEquals(Long.MAX_VALUE, r.nextLong());
        r.hasNext();
        assertEquals(-Long.MAX_VALUE, r.nextLong());
        r.hasNext();
        assertEquals(0, r.nextLong());
        assertFalse(r.hasNext());
        r.endArray();
        r.endDocument();
        JsonReader overflow = reader("9223372036854775808");
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, overflow::nextLong);
        assertTrue(e.getMessage().startsWith("integer out of range"), e.getMessage());
    }

    @Test
    void rejectsTrailingCommaInArray() throws SafetensorsFormatException {
        JsonReader r = reader("[1,]");
        r.beginArray();
        assertTrue(r.hasNext());
        r.nextLong();
        assertTrue(r.hasNext());
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, r::nextLong);
        assertEquals("expected a value but found ']' at header byte 3", e.getMessage());
    }

    @Test
    void misuseIsAProgrammingError() throws SafetensorsFormatException {
        JsonReader r = reader("[\"a\"]");
        r.beginArray();
        assertThrows(IllegalStateException.class, r::nextName);
        assertThrows(IllegalStateException.class, r::endObject);
        assertThrows(IllegalStateException.class, reader("{}")::endDocument);
    }

    @Test
    void writtenStringsReadBackUnchanged() throws SafetensorsFormatException {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 2000; trial++) {
            String key = RandomTensors.string(random, 12);
            String value = RandomTensors.string(random, 30);
            String json = new JsonWriter().beginObject().name(key).value(value).endObject().toString();
            JsonReader r = new JsonReader(json.getBytes(StandardCharsets.UTF_8), "");
            r.beginObject();
            assertTrue(r.hasNext());
            assertEquals(key, r.nextName(), "trial " + trial);
            assertEquals(value, r.nextString(), "trial " + trial);
            assertFalse(r.hasNext());
            r.endObject();
            r.endDocument();
        }
    }

    @Test
    void quotesForMessagesAreShortAndEscaped() {
        assertEquals("\"a\\nb\"", JsonWriter.quoteForMessage("a\nb"));
        String longName = "x".repeat(79) + "\ud83d\ude42" + "y".repeat(50);
        String quoted = JsonWriter.quoteForMessage(longName);
        assertEquals("\"" + "x".repeat(79) + "\"...(131 chars)", quoted);
    }

    @Test
    void findsUnpairedSurrogates() {
        assertEquals(-1, JsonWriter.firstUnpairedSurrogate("ok \ud83d\ude42"));
        assertEquals(2, JsonWriter.firstUnpairedSurrogate("ab\ud83d"));
        assertEquals(0, JsonWriter.firstUnpairedSurrogate("\ude42\ud83d"));
        assertEquals(1, JsonWriter.firstUnpairedSurrogate("a\ud83dx"));
    }
}
