package org.seq4j.examples.truecase;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

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
     * @throws DataException if the file is missing, unreadable, not UTF-8 or has no non-blank line
     */
    static List<String> fileLines(Path file) throws DataException {
        List<String> lines = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             BufferedReader reader = reader(file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
            addLines(reader, lines);
        } catch (NoSuchFileException e) {
            throw new DataException("cannot read " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new DataException(file + " is not UTF-8 text");
        } catch (ZipException e) {
            throw new DataException(file + " is not a gzip file: " + e.getMessage());
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new DataException(file + " has no non-blank line");
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

    /** A data file that cannot be used: reported in one line, exit code 2. */
    static final class DataException extends Exception {
        private static final long serialVersionUID = 1L;

        DataException(String message) {
            super(message);
        }
    }
}
