package org.seq4j.examples.truecase;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.PathChecks;
import org.seq4j.examples.cli.TextFiles;

/**
 * The sentences of the truecasing example: the bundled Gutenberg books (one sentence per line, split into
 * training and held-out books) or any text files with one sentence per line.
 */
final class TruecaseData {

    /** Where the bundled books are, on the class path. */
    static final String RESOURCE_DIRECTORY = "/truecase/";

    /**
     * The held-out books: one book of each author with more than one book in the set, so that the test
     * text is of a style the model has seen but with names and words it has not.
     */
    static final List<String> TEST_BOOKS = List.of("austen-persuasion", "chesterton-brown", "shakespeare-macbeth");

    /** The training books: every other book of the set. */
    static final List<String> TRAIN_BOOKS = List.of("austen-emma", "austen-sense", "blake-poems",
            "bryant-stories", "burgess-busterbrown", "carroll-alice", "chesterton-ball", "chesterton-thursday",
            "edgeworth-parents", "melville-moby_dick", "milton-paradise", "shakespeare-caesar",
            "shakespeare-hamlet", "whitman-leaves");

    private TruecaseData() {
    }

    /** Reads the non-blank lines of bundled books, in the given order of books. */
    static List<String> bundledLines(List<String> books) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String book : books) {
            String name = RESOURCE_DIRECTORY + book + ".txt.gz";
            InputStream in = TruecaseData.class.getResourceAsStream(name);
            if (in == null) {
                throw new IOException("the bundled book " + name + " is missing from the class path");
            }
            try (BufferedReader reader = reader(new GZIPInputStream(in))) {
                addLines(reader, lines);
            }
        }
        return lines;
    }

    /**
     * Reads the non-blank lines of a UTF-8 text file, gunzipped if its name ends with {@code .gz}.
     *
     * @param flag how the command line names the file ({@code "--data"})
     * @param file the file
     * @return its non-blank lines, stripped
     * @throws CliException (input) if the file is missing, not a regular readable file, not gzip where its
     *                      name says so, not UTF-8 text, or has no non-blank line
     * @throws IOException  if reading fails otherwise
     */
    static List<String> fileLines(String flag, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        if (file.toString().endsWith(".gz")) {
            PathChecks.inputFile(flag, file);
            try (InputStream raw = Files.newInputStream(file);
                 BufferedReader reader = reader(new GZIPInputStream(raw, 1 << 16))) {
                addLines(reader, lines);
            } catch (ZipException | EOFException e) {
                throw CliException.input(flag + " " + file + " is not a complete gzip file (" + e.getMessage()
                        + "); give a gzip file or plain text without the .gz suffix");
            } catch (CharacterCodingException e) {
                throw CliException.input(flag + " " + file + " does not hold UTF-8 text; convert it first");
            }
        } else {
            // the text, its lines and what is built from them: some tens of bytes of heap per byte of text
            String text = TextFiles.readUtf8(flag, file, 40);
            try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
                addLines(reader, lines);
            }
        }
        if (lines.isEmpty()) {
            throw CliException.input(flag + " " + file + " has no non-blank line; give one sentence per line");
        }
        return lines;
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
    }

    private static void addLines(BufferedReader reader, List<String> lines) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                lines.add(trimmed);
            }
        }
    }

    /**
     * Cuts a line to at most {@code maxLength} code points, at the last space within the limit when there is
     * one (so that no word is cut), else at the limit.
     */
    static String truncate(String line, int maxLength) {
        if (line.codePointCount(0, line.length()) <= maxLength) {
            return line;
        }
        int end = line.offsetByCodePoints(0, maxLength);
        int space = line.lastIndexOf(' ', end);
        return (space > 0 ? line.substring(0, space) : line.substring(0, end)).strip();
    }
}
