package org.seq4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.embed.WordVectors;

/** The example end to end on a local Spark: a directory of two files in, vectors and the summary out. */
class Word2VecSparkMainTest {

    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Word2VecSparkMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trainsOnADirectoryAndWritesTheVectors() throws IOException {
        Path corpus = Files.createDirectory(dir.resolve("corpus"));
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            a.append("the cat sat on the mat with a hat\n");
            b.append("a dog ran to the park with the ball\n");
        }
        Files.writeString(corpus.resolve("a.txt"), a);
        Files.writeString(corpus.resolve("b.txt"), b);
        Path output = dir.resolve("vectors.bin");
        Result r = run("-train", corpus.toString(), "-output", output.toString(), "--master", "local[2]",
                "--partitions", "2", "-size", "8", "-iter", "2", "-binary", "1", "-min-count", "1");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().matches("(?s)summary words=\\d+ vocab=13 seconds=\\S+ words_per_sec=\\d+ "
                + "train_seconds=\\S+ train_words_per_sec=\\d+\\n"), r.out());
        assertTrue(r.out().startsWith("summary words=" + 2 * 400 * 18 + " "), r.out());
        WordVectors v = WordVectors.read(output);
        assertEquals(13, v.size());
        assertEquals(8, v.dimension());
    }

    @Test
    void refusesItsOwnFlagsGivenTwice() {
        for (String[] flag : new String[][] {{"--partitions", "2"}, {"--master", "local[1]"}, {"--sync", "sum"},
                {"--syncs-per-epoch", "2"}, {"-train", "x.txt"}}) {
            Result r = run("-train", "x.txt", "-output", dir.resolve("v.txt").toString(), flag[0], flag[1], flag[0],
                    flag[1]);
            assertEquals(2, r.status(), r.toString());
            assertTrue(r.err().contains(flag[0] + " is given twice"), r.err());
        }
    }

    @Test
    void refusesAMissingTrainFlag() {
        Result r = run("-output", dir.resolve("v.txt").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("-train FILE|DIR is required"), r.err());
        Result noOutput = run("-train", dir.toString());
        assertEquals(2, noOutput.status(), noOutput.toString());
        assertTrue(noOutput.err().contains("-train needs -output"), noOutput.err());
        Result bad = run("-train", "x", "-output", "y", "--partitions", "0");
        assertEquals(2, bad.status(), bad.toString());
        assertTrue(bad.err().contains("--partitions must be a whole number >= 1 but was '0'"), bad.err());
    }
}
