package org.seq4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.seq4j.examples.Probes.assertRefused;
import static org.seq4j.examples.Probes.assertSucceeded;
import static org.seq4j.examples.Probes.says;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.embed.WordVectors;
import org.seq4j.examples.Probes.Result;

/**
 * Probes of {@code examples/run word2vec-query} and {@code word2vec-eval}: bad command lines and files give
 * one line and status 2; hyphenated words are queryable; a byte-order mark before the header is named.
 */
class Word2VecQueryEvalProbeTest {

    @TempDir
    Path dir;
    Path vectors;

    @BeforeEach
    void writeVectors() throws IOException {
        List<String> words = List.of("ice-cream", "ice", "cream", "cake", "king", "man", "woman", "queen", "-");
        float[] table = new float[words.size() * 3];
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) Math.sin(1 + i * 0.7);
        }
        vectors = dir.resolve("v.txt");
        WordVectors.of(words, table, 3).writeText(vectors);
    }

    private static Probes.Main query(String input) {
        return (args, out, err) -> Word2VecQueryMain.run(args,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, err);
    }

    @Test
    void helpIsAnswered() {
        for (Probes.Main main : List.of(query(""), Word2VecEvalMain::run)) {
            for (String help : new String[] {"--help", "-h", "-help"}) {
                Result r = Probes.run(main, help);
                assertSucceeded(r);
                assertTrue(r.out().startsWith("usage: word2vec-"), r::toString);
            }
        }
        assertTrue(Probes.run(query(""), "--help").out().contains("put spaces around them"));
    }

    @Test
    void badCommandLinesAndFilesOfTheQueryAreOneLine() throws IOException {
        Probes.Main q = query("king\n");
        Files.createDirectory(dir.resolve("folder"));
        assertRefused("word2vec-query", q, dir, 2, says("missing VECTORS file", "--help"));
        assertRefused("word2vec-query", q, dir, 2, says("-n is given twice"), vectors.toString(), "-n", "2", "-n", "3");
        assertRefused("word2vec-query", q, dir, 2, says("-n must be from 1"), vectors.toString(), "-n", "0");
        assertRefused("word2vec-query", q, dir, 2, says("-n must be a whole number"), vectors.toString(), "-n", "1e3");
        assertRefused("word2vec-query", q, dir, 2, says("unknown option '-x'"), vectors.toString(), "-x");
        assertRefused("word2vec-query", q, dir, 2, says("only one VECTORS file"), vectors.toString(), "other");
        assertRefused("word2vec-query", q, dir, 2, says("is a directory"), dir.resolve("folder").toString());
        assertRefused("word2vec-query", q, dir, 2, says("no such file"), dir.resolve("none.txt").toString());
        Path bad = Files.writeString(dir.resolve("bad.txt"), "not a header\n");
        assertRefused("word2vec-query", q, dir, 2, says("bad.txt", "line 1 must be the header"), bad.toString());
    }

    @Test
    void hyphenatedWordsAreQueryableAndOperatorsNeedSpaces() {
        Result r = Probes.run(query("ice-cream\nice-cream - ice + cake\n\"-\" + king\nking-man\nking -\n"),
                vectors.toString(), "-n", "2");
        assertSucceeded(r);
        assertFalse(r.out().contains("unknown word: ice"), r::toString);
        assertTrue(r.out().contains("unknown word: king-man (operators need spaces around them: king - man)"),
                r::toString);
        assertTrue(r.out().contains("the query ends with an operator"), r::toString);
    }

    @Test
    void theQuerySyntax() {
        Word2VecQueryMain.Query q = Word2VecQueryMain.parse("ice-cream - ice + cake");
        assertEquals(List.of("ice-cream", "cake"), q.positive());
        assertEquals(List.of("ice"), q.negative());
        assertFalse(q.cosMul());
        q = Word2VecQueryMain.parse("king - man * woman");
        assertEquals(List.of("king", "woman"), q.positive());
        assertTrue(q.cosMul());
        q = Word2VecQueryMain.parse("'-' - \"c++\"");
        assertEquals(List.of("-"), q.positive());
        assertEquals(List.of("c++"), q.negative());
        assertEquals(List.of("e-mail", "x"), Word2VecQueryMain.parse("  e-mail\tx ").positive());
        assertThrows(IllegalArgumentException.class, () -> Word2VecQueryMain.parse("'open"));
        assertThrows(IllegalArgumentException.class, () -> Word2VecQueryMain.parse("king +"));
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsOneLineNamingIt() throws IOException {
        ByteArrayOutputStream marked = new ByteArrayOutputStream();
        marked.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        marked.write(Files.readAllBytes(vectors));
        Path bom = Files.write(dir.resolve("bom.txt"), marked.toByteArray());
        Result r = assertRefused("word2vec-query", query("king\n"), dir, 2, says("bom.txt", "byte-order mark"),
                bom.toString());
        assertFalse(r.err().contains("\uFEFF"), r::toString);
    }

    @Test
    void badCommandLinesAndFilesOfTheEvaluationAreOneLine() throws IOException {
        Probes.Main eval = Word2VecEvalMain::run;
        Files.createDirectory(dir.resolve("folder"));
        assertRefused("word2vec-eval", eval, dir, 2, says("missing VECTORS file"));
        assertRefused("word2vec-eval", eval, dir, 2, says("-restrict must be from 1"), vectors.toString(), "-restrict", "0");
        assertRefused("word2vec-eval", eval, dir, 2, says("-restrict must be a whole number"), vectors.toString(),
                "-restrict", "1e10");
        assertRefused("word2vec-eval", eval, dir, 2, says("-restrict is given twice"), vectors.toString(),
                "-restrict", "5", "-restrict", "6");
        assertRefused("word2vec-eval", eval, dir, 2, says("-sections is given twice"), vectors.toString(),
                "-sections", "-sections");
        assertRefused("word2vec-eval", eval, dir, 2, says("is a directory"), dir.resolve("folder").toString());
        Path bad = Files.writeString(dir.resolve("bad.txt"), "2 3\nw 1 2\n");
        assertRefused("word2vec-eval", eval, dir, 2, says("bad.txt"), bad.toString());
        Result ok = Probes.run(eval, vectors.toString(), "-sections");
        assertSucceeded(ok);
        assertTrue(ok.out().contains("analogy overall"), ok::toString);
    }
}
