package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * BLEU against the figures of the seq2seq peer benchmark's {@code bleu.py} on committed files.
 *
 * <p>{@code src/test/resources/eval/bleu/} holds 36 reference sentences ({@code references.tsv}, an id and
 * the sentence, as the script reads the second column) and four system outputs for them, written for this
 * test: {@code mixed.txt} (paraphrases, an empty line, one- and two-word lines, {@code <unk>} tokens, upper
 * case, a no-break space, a decomposed {@code é}, {@code ½}), {@code short.txt} (short outputs: brevity
 * penalty 0.191), {@code no-fourgram.txt} (paraphrases sharing no 4-gram with their references: BLEU 0)
 * and {@code long-crlf.txt} (longer than the references, Windows line ends). The corpus figures were
 * printed by
 * <pre>
 *   python3 bleu.py src/test/resources/eval/bleu/mixed.txt src/test/resources/eval/bleu/references.tsv
 *   BLEU 44.01 (36 sentences)        short.txt: BLEU 7.88    no-fourgram.txt: BLEU 0.00    long-crlf.txt: BLEU 63.42
 * </pre>
 * ({@code bleu.py} and {@code torch_seq2seq.py} of the peer benchmarks, Python 3.11), and the n-gram counts
 * and sentence scores by {@code src/test/python/bleu_figures.py}, which holds the same computation
 * without the PyTorch import:
 * <pre>
 *   mixed.txt:       BLEU 44.0087 matches [276, 181, 119, 81] totals [323, 288, 254, 220] hyp_len 323 ref_len 396
 *   short.txt:       BLEU  7.8814 matches [141, 58, 27, 8]    totals [149, 114, 79, 45]   hyp_len 149 ref_len 396
 *   no-fourgram.txt: BLEU  0.0000 matches [254, 104, 26, 0]   totals [361, 325, 289, 253] hyp_len 361 ref_len 396
 *   long-crlf.txt:   BLEU 63.4178 matches [396, 348, 312, 276] totals [576, 540, 504, 468] hyp_len 576 ref_len 396
 * </pre>
 */
class BleuTest {

    private static final String DIR = "/eval/bleu/";
    /** The scripts print four decimals: a figure is within half a unit of the fourth (plus rounding). */
    private static final double PRINTED_4 = 0.5e-4 + 1e-9;

    @Test
    void corpusFiguresAreThoseOfBleuPy() throws IOException {
        List<String> references = referenceColumn(read("references.tsv"));
        assertEquals(36, references.size());
        check("mixed.txt", references, "44.01", 44.0087, new long[] {276, 181, 119, 81},
                new long[] {323, 288, 254, 220}, 323);
        check("short.txt", references, "7.88", 7.8814, new long[] {141, 58, 27, 8},
                new long[] {149, 114, 79, 45}, 149);
        check("no-fourgram.txt", references, "0.00", 0, new long[] {254, 104, 26, 0},
                new long[] {361, 325, 289, 253}, 361);
        check("long-crlf.txt", references, "63.42", 63.4178, new long[] {396, 348, 312, 276},
                new long[] {576, 540, 504, 468}, 576);
    }

    private static void check(String file, List<String> references, String printed, double score,
                              long[] matches, long[] totals, long hypothesisLength) throws IOException {
        BleuScore bleu = Bleu.corpusOfLines(hypothesisLines(read(file)), references);
        assertEquals(printed, String.format(Locale.ROOT, "%.2f", bleu.score()), file);
        assertEquals(score, bleu.score(), PRINTED_4, file);
        for (int n = 1; n <= 4; n++) {
            assertEquals(matches[n - 1], bleu.matches(n), file + " matches of order " + n);
            assertEquals(totals[n - 1], bleu.totals(n), file + " totals of order " + n);
        }
        assertEquals(hypothesisLength, bleu.hypothesisLength(), file);
        assertEquals(396, bleu.referenceLength(), file);
        assertEquals(36, bleu.sentences(), file);
        assertTrue(bleu.toString().startsWith("BLEU " + printed + " (36 sentences) "), bleu.toString());
    }

    @Test
    void corpusScoreFollowsItsDefinition() throws IOException {
        BleuScore bleu = Bleu.corpusOfLines(hypothesisLines(read("short.txt")),
                referenceColumn(read("references.tsv")));
        double logMean = 0;
        for (int n = 1; n <= 4; n++) {
            logMean += Math.log(bleu.precision(n)) / 4;
        }
        assertEquals(Math.exp(1 - 396.0 / 149), bleu.brevityPenalty(), 1e-15);
        assertEquals(100 * bleu.brevityPenalty() * Math.exp(logMean), bleu.score(), 1e-12);
        assertEquals(141.0 / 149, bleu.precision(1), 1e-15);
    }

    @Test
    void sentenceScoresAreAddOneSmoothed() throws IOException {
        List<String> hypotheses = hypothesisLines(read("mixed.txt"));
        List<String> references = referenceColumn(read("references.tsv"));
        // src/test/python/bleu_figures.py, "sentence i" (1-based)
        int[] lines = {1, 2, 5, 7, 8, 12, 15, 16, 21, 26, 30, 36};
        double[] expected = {100, 54.2751, 31.9446, 0, 9.5696, 76.7566, 0.0123, 12.1714, 100, 53.9290,
                58.3224, 58.4436};
        for (int k = 0; k < lines.length; k++) {
            int i = lines[k] - 1;
            double s = Bleu.sentence(Bleu.tokenizeHypothesis(hypotheses.get(i)), Bleu.tokenize(references.get(i)));
            assertEquals(expected[k], s, PRINTED_4, "sentence " + lines[k]);
        }
    }

    @Test
    void sentenceScoreEdgeCases() {
        List<String> ref = List.of("the", "cat", "sat", "on", "the", "mat");
        assertEquals(100, Bleu.sentence(ref, ref), 1e-12);
        assertEquals(0, Bleu.sentence(List.of(), ref));
        assertEquals(0, Bleu.sentence(List.of("dog"), ref));
        // one matching token: p1 = 1, p2..p4 = (0 + 1)/(0 + 1) = 1, BP = exp(1 − 6)
        assertEquals(100 * Math.exp(-5), Bleu.sentence(List.of("cat"), ref), 1e-12);
        // clipping: "the the the" has 2 matches of "the" out of 3
        double p1 = 2.0 / 3;
        double p2 = (0 + 1.0) / (2 + 1);
        double p3 = (0 + 1.0) / (1 + 1);
        double p4 = 1;
        double expected = 100 * Math.exp(1 - 6.0 / 3) * Math.exp((Math.log(p1) + Math.log(p2) + Math.log(p3)
                + Math.log(p4)) / 4);
        assertEquals(expected, Bleu.sentence(List.of("the", "the", "the"), ref), 1e-12);
        // an empty reference: nothing matches
        assertEquals(0, Bleu.sentence(List.of("a"), List.of()));
    }

    @Test
    void corpusEdgeCases() {
        List<String> ref = List.of("a", "b", "c", "d");
        BleuScore empty = Bleu.corpus(List.of(), List.of());
        assertEquals(0, empty.score());
        assertEquals(0, empty.sentences());
        BleuScore same = Bleu.corpus(List.of(ref), List.of(ref));
        assertEquals(100, same.score(), 1e-12);
        assertEquals(1, same.brevityPenalty());
        // three tokens have no 4-gram: no smoothing, so 0
        assertEquals(0, Bleu.corpus(List.of(List.of("a", "b", "c")), List.of(ref)).score());
        // an empty hypothesis adds to the reference length only
        BleuScore withEmpty = Bleu.corpus(List.of(ref, List.of()), List.of(ref, List.of("x", "y")));
        assertEquals(4, withEmpty.hypothesisLength());
        assertEquals(6, withEmpty.referenceLength());
        assertEquals(100 * Math.exp(1 - 6.0 / 4), withEmpty.score(), 1e-12);
        assertEquals(0, Bleu.corpus(List.of(List.of()), List.of(ref)).brevityPenalty());
    }

    @Test
    void tokenizationIsThatOfPython() {
        // Python 3.11: re.findall(r"\w+|[^\w\s]", text.lower())
        assertEquals(List.of("don", "'", "t", "stop", ",", "it", "'", "s", "3", ".", "14", "!"),
                Bleu.tokenize("Don't stop, it's 3.14!"));
        // No (other number) is \w; a combining mark is not, nor connector punctuation other than _
        assertEquals(List.of("x²", "½", "naïve"), Bleu.tokenize("x² ½ naïve"));
        assertEquals(List.of("cafe", "\u0301"), Bleu.tokenize("cafe\u0301"));
        assertEquals(List.of("snake_case", "a", "\u203f", "b"), Bleu.tokenize("snake_case a\u203fb"));
        assertEquals(List.of("a", "\u200d", "b"), Bleu.tokenize("a\u200db"));
        // no-break spaces and the information separators are white space
        assertEquals(List.of("a", "b", "c"), Bleu.tokenize("a\u00a0b\u2007c"));
        assertEquals(List.of("a", "b"), Bleu.tokenize("a\u001cb"));
        // lower-casing: İ becomes i + U+0307; a final sigma
        assertEquals(List.of("i", "\u0307", "stanbul"), Bleu.tokenize("İstanbul"));
        assertEquals(List.of("οδος"), Bleu.tokenize("ΟΔΟΣ"));
        assertEquals(List.of("\ufeff", "hi"), Bleu.tokenize("\ufeffhi"));
        assertEquals(List.of("東京に行く", "。"), Bleu.tokenize("東京に行く。"));
        assertEquals(List.of("😀", "x"), Bleu.tokenize("😀x"));
        assertEquals(List.of(), Bleu.tokenize(" \t\n"));
        // a hypothesis keeps a literal <unk> whole, and only that
        assertEquals(List.of("some", "<unk>", "words", "<", "unk", ">", "x", "<", "unk", ">"),
                Bleu.tokenizeHypothesis("Some <unk> words <UNK> x<unk>"));
    }

    @Test
    void rejectsMismatchedInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bleu.corpus(List.of(List.of("a")), List.of()));
        assertEquals("one reference per hypothesis: 1 hypotheses but 0 references", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Bleu.corpusOfLines(Arrays.asList("a", null), List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> Bleu.sentence(null, List.of()));
        BleuScore score = Bleu.corpus(List.of(List.of("a")), List.of(List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> score.precision(5));
        assertThrows(IllegalArgumentException.class, () -> score.matches(0));
    }

    private static String read(String name) throws IOException {
        try (InputStream in = BleuTest.class.getResourceAsStream(DIR + name)) {
            assertNotNull(in, "missing test resource " + DIR + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The lines of a text read as Python reads a text file: \r\n, \r and \n end a line. */
    private static List<String> pythonLines(String text) {
        String normalised = text.replace("\r\n", "\n").replace('\r', '\n');
        return new ArrayList<>(List.of(normalised.split("\n", -1)));
    }

    /** bleu.py: {@code open(hyp).read().split("\n")}, a last empty string dropped. */
    private static List<String> hypothesisLines(String text) {
        List<String> lines = pythonLines(text);
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** bleu.py's read_pairs: the second tab-separated field of every line that has one. */
    private static List<String> referenceColumn(String text) {
        List<String> references = new ArrayList<>();
        for (String line : pythonLines(text)) {
            String[] fields = line.split("\t", -1);
            if (fields.length >= 2) {
                references.add(fields[1]);
            }
        }
        return references;
    }
}
