package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenReaderTest {

    @TempDir
    Path dir;

    /** Reads a range as a list of lines, each a list of tokens. */
    static List<List<String>> read(List<Path> files, long from, long to) throws IOException {
        List<List<String>> lines = new ArrayList<>();
        List<String> line = new ArrayList<>();
        try (TokenReader r = new TokenReader(files, TokenReader.fileOffsets(files), from, to)) {
            int n;
            while ((n = r.next()) != TokenReader.END_OF_INPUT) {
                if (n == TokenReader.END_OF_LINE) {
                    if (!line.isEmpty()) {
                        lines.add(line);
                    }
                    line = new ArrayList<>();
                } else {
                    line.add(new String(r.buffer(), r.tokenStart(), n, StandardCharsets.UTF_8));
                }
            }
        }
        if (!line.isEmpty()) {
            lines.add(line);
        }
        return lines;
    }

    @Test
    void splitsOnAsciiWhitespaceAndLineEnds() throws IOException {
        Path f = dir.resolve("a.txt");
        Files.writeString(f, "  héllo\twörld \r\nsecond  line\n\n\u00e9t\u00e9\flast", StandardCharsets.UTF_8);
        assertEquals(List.of(List.of("héllo", "wörld"), List.of("second", "line"), List.of("été", "last")),
                read(List.of(f), 0, Files.size(f)));
    }

    @Test
    void everyLineGoesToExactlyOneRangeWhateverTheSplitPoints() throws IOException {
        SplittableRandom r = new SplittableRandom(9);
        List<Path> files = new ArrayList<>();
        List<List<String>> expected = new ArrayList<>();
        int word = 0;
        for (int f = 0; f < 3; f++) {
            StringBuilder text = new StringBuilder();
            int lines = f == 1 ? 0 : 40;   // an empty file in the middle
            for (int l = 0; l < lines; l++) {
                List<String> line = new ArrayList<>();
                int n = 1 + r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    String w = "w" + word++;
                    line.add(w);
                    text.append(w).append(i + 1 < n ? " " : "");
                }
                expected.add(line);
                boolean last = l == lines - 1;
                if (!(last && f == 2)) {   // the last file has no final newline
                    text.append(last || r.nextBoolean() ? "\n" : "\r\n");
                }
            }
            Path p = dir.resolve("f" + f + ".txt");
            Files.writeString(p, text.toString());
            files.add(p);
        }
        long total = TokenReader.fileOffsets(files)[files.size()];
        for (int trial = 0; trial < 30; trial++) {
            int parts = 1 + r.nextInt(7);
            long[] cuts = new long[parts + 1];
            cuts[parts] = total;
            for (int i = 1; i < parts; i++) {
                cuts[i] = r.nextLong(total + 1);
            }
            Arrays.sort(cuts);
            List<List<String>> all = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                all.addAll(read(files, cuts[i], cuts[i + 1]));
            }
            assertEquals(expected, all, "cuts " + Arrays.toString(cuts));
        }
    }

    @Test
    void tokensLongerThanTheBufferAreCut() throws IOException {
        Path f = dir.resolve("long.txt");
        String longWord = "x".repeat(TokenReader.BUFFER_BYTES + 10);
        Files.writeString(f, "a " + longWord + " b\nc\n");
        List<List<String>> lines = read(List.of(f), 0, Files.size(f));
        assertEquals(3, lines.get(0).size());
        assertEquals("a", lines.get(0).get(0));
        assertEquals(TokenReader.BUFFER_BYTES, lines.get(0).get(1).length());
        assertEquals("b", lines.get(0).get(2));
        assertEquals(List.of("c"), lines.get(1));
    }
}
