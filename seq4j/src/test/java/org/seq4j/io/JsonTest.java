package org.seq4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The JSON reader and writer on their own. */
class JsonTest {

    /**
     * Texts that RFC 8259's grammar rejects (or that the reader rejects where the RFC lets it choose:
     * duplicate keys, unpaired surrogates), each with a piece of the expected message.
     */
    private static final String[][] NOT_JSON = {
        {"00", "leading zero"},
        {"01", "leading zero"},
        {"-01", "leading zero"},
        {"[1, 012]", "leading zero"},
        {"+1", "expected a value"},
        {".5", "expected a value"},
        {"1.", "digit after the decimal point"},
        {"1.e5", "digit after the decimal point"},
        {"1e", "digit in the exponent"},
        {"1e+", "digit in the exponent"},
        {"-", "digit after '-'"},
        {"-a", "digit after '-'"},
        {"NaN", "expected a value"},
        {"Infinity", "expected a value"},
        {"-Infinity", "digit after '-'"},
        {"0x10", "unexpected 'x'"},
        {"1 2", "unexpected '2'"},
        {"tru", "invalid literal"},
        {"True", "expected a value"},
        {"nul", "invalid literal"},
        {"truex", "unexpected 'x'"},
        {"'a'", "expected a value"},
        {"\"a", "unterminated string"},
        {"\"\t\"", "unescaped control character"},
        {"\"\\x\"", "invalid escape"},
        {"\"\\ud83d\"", "not followed by a low surrogate"},
        {"\"\\ude42\"", "without a preceding high surrogate"},
        {"[1,]", "expected a value"},
        {"[1 2]", "expected ',' or ']'"},
        {"{\"a\":1,}", "expected a string key"},
        {"{\"a\" 1}", "expected ':'"},
        {"{a:1}", "expected a string key"},
        {"{\"a\":1,\"a\":2}", "duplicate key"},
        {"[1] // comment", "unexpected '/'"},
        {"/* c */ 1", "expected a value"},
        {"\ufeff1", "expected a value but found byte 0xEF"},
        {"", "unexpected end of the input"},
        {"[", "expected a value"},
        {"{", "expected a string key"},
        {"[1", "expected ',' or ']'"},
    };

    @Test
    void rejectsEverythingRfc8259Rejects() {
        for (String[] c : NOT_JSON) {
            JsonFormatException e = assertThrows(JsonFormatException.class,
                    () -> skipDocument(new JsonReader(c[0], "doc: ")), c[0]);
            assertTrue(e.getMessage().startsWith("doc: ") && e.getMessage().contains(c[1]),
                    c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void rejectsLeadingZerosWithTheirOffset() {
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> new JsonReader("[7, 00]", "").skipValue());
        assertEquals("number with a leading zero at byte 4", e.getMessage());
        e = assertThrows(JsonFormatException.class, () -> new JsonReader(" 01", "").nextLong());
        assertEquals("number with a leading zero at byte 1", e.getMessage());
    }

    @Test
    void acceptsEveryFormOfRfc8259() throws JsonFormatException {
        for (String ok : new String[] {"0", "-0", "1", "-12", "0.5", "-0.25e-3", "1E400", "12e+3", "\"\"",
                " true ", "false", "null", "[]", "{}", "[[[[]]]]", "{\"a\":{\"b\":[1,\"x\",null,true]}}",
                "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude42\"", "\t\r\n [ 1 , 2 ] \n"}) {
            skipDocument(new JsonReader(ok, ""));
        }
    }

    @Test
    void readsNumbersBooleansAndNull() throws JsonFormatException {
        JsonReader r = new JsonReader("[0.1, 1.0E-8, -3, 2147483647, true, false, null, 1e2]", "");
        r.beginArray();
        r.hasNext();
        assertEquals(JsonReader.Kind.NUMBER, r.peek());
        assertEquals(0.1f, r.nextFloat());
        r.hasNext();
        assertEquals(1.0e-8, r.nextDouble());
        r.hasNext();
        assertEquals(-3, r.nextInt());
        r.hasNext();
        assertEquals(Integer.MAX_VALUE, r.nextInt());
        r.hasNext();
        assertEquals(JsonReader.Kind.BOOLEAN, r.peek());
        assertTrue(r.nextBoolean());
        r.hasNext();
        assertFalse(r.nextBoolean());
        r.hasNext();
        assertEquals(JsonReader.Kind.NULL, r.peek());
        r.nextNull();
        r.hasNext();
        assertEquals("1e2", r.nextNumber());
        assertFalse(r.hasNext());
        r.endArray();
        r.endDocument();
        assertThrows(JsonFormatException.class, () -> new JsonReader("2147483648", "").nextInt());
        assertThrows(JsonFormatException.class, () -> new JsonReader("1e400", "").nextDouble());
        assertThrows(JsonFormatException.class, () -> new JsonReader("1e39", "").nextFloat());
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> new JsonReader("1.5", "").nextLong());
        assertEquals("number with a fraction or an exponent; only integers are allowed at byte 0", e.getMessage());
        e = assertThrows(JsonFormatException.class, () -> new JsonReader("\"1\"", "").nextLong());
        assertEquals("expected a number but found '\"' at byte 0", e.getMessage());
    }

    @Test
    void doublesAndFloatsRoundTripBitForBit() throws JsonFormatException {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 2000; trial++) {
            double d = Double.longBitsToDouble(random.nextLong());
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Double.isFinite(d) || !Float.isFinite(f)) {
                continue;
            }
            String json = new JsonWriter().beginArray().value(d).value(f).endArray().toString();
            JsonReader r = new JsonReader(json, "");
            r.beginArray();
            r.hasNext();
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(r.nextDouble()), json);
            r.hasNext();
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(r.nextFloat()), json);
        }
        assertThrows(IllegalArgumentException.class, () -> new JsonWriter().value(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new JsonWriter().value(Float.POSITIVE_INFINITY));
    }

    @Test
    void skipValueSkipsNestedValues() throws JsonFormatException {
        JsonReader r = new JsonReader("{\"skip\":{\"a\":[1,{\"b\":[]},\"s\"],\"c\":{}},\"keep\":true,\"x\":[]}", "");
        r.beginObject();
        r.hasNext();
        assertEquals("skip", r.nextName());
        r.skipValue();
        r.hasNext();
        assertEquals("keep", r.nextName());
        assertTrue(r.nextBoolean());
        r.hasNext();
        assertEquals("x", r.nextName());
        r.skipValue();
        assertFalse(r.hasNext());
        r.endObject();
        r.endDocument();
    }

    @Test
    void writerChecksTheStructure() {
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().value(1));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginArray().name("a"));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginArray().endObject());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().name("a").endObject());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().name("a").name("b"));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().value(1).value(2));
        assertThrows(IllegalArgumentException.class, () -> new JsonWriter().value("a\ud83d"));
        assertEquals("{\"a\":[true,null,1.5,0.1],\"b\":false}", new JsonWriter().beginObject().name("a").beginArray()
                .value(true).nullValue().value(1.5).value(0.1f).endArray().name("b").value(false).endObject().toString());
    }

    /** Reads a whole document, checking it. */
    private static void skipDocument(JsonReader r) throws JsonFormatException {
        r.skipValue();
        r.endDocument();
    }

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
    void readerWalksNestedStructures() throws JsonFormatException {
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
            assertEquals(JsonReader.Kind.NUMBER, r.peek());
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
    void readsIntegerLimits() throws JsonFormatException {
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
        JsonFormatException e = assertThrows(JsonFormatException.class, overflow::nextLong);
        assertTrue(e.getMessage().startsWith("integer out of range"), e.getMessage());
    }

    @Test
    void rejectsTrailingCommaInArray() throws JsonFormatException {
        JsonReader r = reader("[1,]");
        r.beginArray();
        assertTrue(r.hasNext());
        r.nextLong();
        assertTrue(r.hasNext());
        JsonFormatException e = assertThrows(JsonFormatException.class, r::nextLong);
        assertEquals("expected a value but found ']' at byte 3", e.getMessage());
    }

    @Test
    void misuseIsAProgrammingError() throws JsonFormatException {
        JsonReader r = reader("[\"a\"]");
        r.beginArray();
        assertThrows(IllegalStateException.class, r::nextName);
        assertThrows(IllegalStateException.class, r::endObject);
        assertThrows(IllegalStateException.class, reader("{}")::endDocument);
    }

    @Test
    void writtenStringsReadBackUnchanged() throws JsonFormatException {
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
