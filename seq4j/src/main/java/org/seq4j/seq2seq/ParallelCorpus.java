package org.seq4j.seq2seq;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Sentence pairs for translation, as text: read from a tab-separated file
 * {@code source<TAB>target[<TAB>anything]} (the Tatoeba/manythings format), one pair per line, and split
 * into training and test pairs. Immutable.
 *
 * <h2>Reading</h2>
 * The file is UTF-8, gzip-compressed when its name ends with {@code .gz}. Lines end at {@code \n},
 * {@code \r\n} or a lone {@code \r}. A line is split at its tabs: the first field is the source, the
 * second the target, any further fields (an attribution, say) are ignored. <b>A line with fewer than two
 * fields (no tab, a blank line) is skipped and counted</b> ({@link #skippedLines()},
 * {@link #firstSkippedLine()}), exactly as the PyTorch peer ({@code torch_seq2seq.py}) reads the file, so
 * that pair {@code i} is the same pair for both and the split below agrees. A field may be empty. A line
 * that is not valid UTF-8, a corrupt or truncated gzip stream, or a file with no pair at all is refused
 * with a {@link ParallelCorpusFormatException} naming the line. Nothing else is changed: no trimming, no
 * normalisation (a byte-order mark stays part of the first source, as Python reads it).
 *
 * <h2>Splitting</h2>
 * {@link #testSplit(int) testSplit(20)} keeps the pairs {@code i} (from 0, in file order, skipped lines not
 * counted) with {@code i % 20 == 0}, {@link #trainSplit(int) trainSplit(20)} the others: the deterministic
 * split of the peer.
 */
public final class ParallelCorpus {

    /** The split period of the peer: pair {@code i} is a test pair when {@code i % 20 == 0}. */
    public static final int TEST_PERIOD = 20;

    private final List<String> sources;
    private final List<String> targets;
    private final int skippedLines;
    private final long firstSkippedLine;

    private ParallelCorpus(List<String> sources, List<String> targets, int skippedLines, long firstSkippedLine) {
        this.sources = sources;
        this.targets = targets;
        this.skippedLines = skippedLines;
        this.firstSkippedLine = firstSkippedLine;
    }

    /**
     * Pairs given directly.
     *
     * @param sources the source sentences; not modified
     * @param targets the target sentence of each, in the same order; not modified
     * @return the corpus
     * @throws IllegalArgumentException if the lists differ in size or hold null
     */
    public static ParallelCorpus of(List<String> sources, List<String> targets) {
        if (sources.size() != targets.size()) {
            throw new IllegalArgumentException("one target per source: " + sources.size() + " sources but "
                    + targets.size() + " targets");
        }
        return new ParallelCorpus(List.copyOf(sources), List.copyOf(targets), 0, 0);
    }

    /**
     * Reads a tab-separated file of pairs (see the class comment), gzip-compressed when its name ends with
     * {@code .gz}.
     *
     * @param file the file
     * @return its pairs in file order
     * @throws ParallelCorpusFormatException if a line is not UTF-8, the gzip stream is corrupt or the file holds
     *                                       no pair
     * @throws IOException                   if the file cannot be read
     */
    public static ParallelCorpus read(Path file) throws IOException {
        boolean gzip = file.getFileName() != null && file.getFileName().toString().endsWith(".gz");
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), gzip);
        }
    }

    /**
     * Reads pairs from a stream (a resource, standard input).
     *
     * @param in   the bytes; read to the end, not closed
     * @param name how messages name the stream, e.g. its file name
     * @param gzip whether the bytes are gzip-compressed
     * @return its pairs in order
     * @throws ParallelCorpusFormatException if a line is not UTF-8, the gzip stream is corrupt or the stream holds
     *                                       no pair
     * @throws IOException                   if reading fails
     */
    public static ParallelCorpus read(InputStream in, String name, boolean gzip) throws IOException {
        InputStream bytes;
        try {
            bytes = new BufferedInputStream(gzip ? new GZIPInputStream(nonClosing(in), 1 << 16) : nonClosing(in), 1 << 16);
        } catch (ZipException | EOFException e) {
            throw new ParallelCorpusFormatException(0, name + " is not gzip-compressed (" + e.getMessage()
                    + "); give a .gz file made by gzip, or a plain text file without the .gz ending", e);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> sources = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        int skipped = 0;
        long firstSkipped = 0;
        long lineNumber = 0;
        byte[] line = new byte[256];
        try (InputStream input = bytes) {
            while (true) {
                int length = 0;
                int b = input.read();
                if (b < 0) {
                    break;
                }
                lineNumber++;
                while (b >= 0 && b != '\n' && b != '\r') {
                    if (length == line.length) {
                        line = Arrays.copyOf(line, 2 * length);
                    }
                    line[length++] = (byte) b;
                    b = input.read();
                }
                if (b == '\r') {
                    input.mark(1);
                    if (input.read() != '\n') {
                        input.reset();
                    }
                }
                String text;
                try {
                    text = utf8.decode(ByteBuffer.wrap(line, 0, length)).toString();
                } catch (CharacterCodingException e) {
                    throw new ParallelCorpusFormatException(lineNumber, name + ", line " + lineNumber
                            + ": not UTF-8 text; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)", e);
                }
                int tab = text.indexOf('\t');
                if (tab < 0) {
                    skipped++;
                    firstSkipped = firstSkipped == 0 ? lineNumber : firstSkipped;
                    continue;
                }
                int end = text.indexOf('\t', tab + 1);
                sources.add(text.substring(0, tab));
                targets.add(text.substring(tab + 1, end < 0 ? text.length() : end));
            }
        } catch (ZipException | EOFException e) {
            throw new ParallelCorpusFormatException(lineNumber, name + ": the gzip stream is corrupt or cut short "
                    + "near line " + Math.max(1, lineNumber) + " (" + e.getMessage() + ")", e);
        }
        if (sources.isEmpty()) {
            throw new ParallelCorpusFormatException(0, name + " holds no source<TAB>target line"
                    + (lineNumber == 0 ? " (it is empty)" : " in its " + lineNumber + " lines")
                    + "; give one tab-separated sentence pair per line", null);
        }
        return new ParallelCorpus(List.copyOf(sources), List.copyOf(targets), skipped, firstSkipped);
    }

    private static InputStream nonClosing(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // the caller owns the stream
            }
        };
    }

    /**
     * The number of pairs.
     *
     * @return N
     */
    public int size() {
        return sources.size();
    }

    /**
     * The source sentences.
     *
     * @return an unmodifiable list of N texts
     */
    public List<String> sources() {
        return sources;
    }

    /**
     * The target sentences, in the order of the sources.
     *
     * @return an unmodifiable list of N texts
     */
    public List<String> targets() {
        return targets;
    }

    /**
     * The number of lines skipped when reading because they had fewer than two tab-separated fields.
     *
     * @return the count; 0 for pairs given directly or split
     */
    public int skippedLines() {
        return skippedLines;
    }

    /**
     * The first line skipped when reading.
     *
     * @return its number, from 1, or 0 if none was skipped
     */
    public long firstSkippedLine() {
        return firstSkippedLine;
    }

    /**
     * The test pairs of the deterministic split.
     *
     * @param period the split period, at least 2 ({@link #TEST_PERIOD} for the peer's split)
     * @return the pairs {@code i} with {@code i % period == 0}, in order
     * @throws IllegalArgumentException if {@code period < 2}
     */
    public ParallelCorpus testSplit(int period) {
        return split(period, true);
    }

    /**
     * The training pairs of the deterministic split.
     *
     * @param period the split period, at least 2 ({@link #TEST_PERIOD} for the peer's split)
     * @return the pairs {@code i} with {@code i % period != 0}, in order
     * @throws IllegalArgumentException if {@code period < 2}
     */
    public ParallelCorpus trainSplit(int period) {
        return split(period, false);
    }

    private ParallelCorpus split(int period, boolean test) {
        if (period < 2) {
            throw new IllegalArgumentException("period must be at least 2 but was " + period);
        }
        List<String> s = new ArrayList<>();
        List<String> t = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if ((i % period == 0) == test) {
                s.add(sources.get(i));
                t.add(targets.get(i));
            }
        }
        return new ParallelCorpus(List.copyOf(s), List.copyOf(t), 0, 0);
    }

    /**
     * Describes the corpus.
     *
     * @return e.g. {@code ParallelCorpus[50001 pairs]}
     */
    @Override
    public String toString() {
        return "ParallelCorpus[" + size() + " pairs" + (skippedLines > 0 ? ", " + skippedLines + " lines skipped" : "")
                + "]";
    }
}
