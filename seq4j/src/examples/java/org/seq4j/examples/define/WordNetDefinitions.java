package org.seq4j.examples.define;

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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.seq4j.examples.cli.CliException;

/**
 * WordNet synsets as the define example reads them: a tab-separated file with a header line naming at
 * least the columns {@code lemmas} (the synset's words, space-separated, multi-word lemmas joined by
 * {@code _}) and {@code definition} (the gloss without its usage examples). The bundled
 * {@code wordnet-definitions.tsv.gz} has the columns {@code pos, lemmas, definition}; the five-column
 * {@code wordnet-glosses.tsv.gz} it was cut from reads as well.
 */
final class WordNetDefinitions {

    /** The bundled file, a class-path resource. */
    static final String BUNDLED = "/define/wordnet-definitions.tsv.gz";

    /** The words the example defines: single lower-case words of at least three letters. */
    private static final Pattern WORD = Pattern.compile("[a-z]{3,}");

    /** One synset: its lemmas and its definition. */
    record Synset(List<String> lemmas, String definition) {
    }

    private final List<Synset> synsets;

    private WordNetDefinitions(List<Synset> synsets) {
        this.synsets = List.copyOf(synsets);
    }

    /**
     * Reads the bundled file, or a file of the same format ({@code .gz}: gzip).
     *
     * @param file the file, or null for the bundled one
     * @return the synsets in file order
     * @throws CliException (input) if the file is missing or not in the format
     * @throws IOException     if reading fails otherwise
     */
    static WordNetDefinitions read(Path file) throws IOException {
        String source = file == null ? "the bundled WordNet definitions" : file.toString();
        try (BufferedReader reader = open(file, BUNDLED, source)) {
            return parse(reader, source);
        } catch (CharacterCodingException e) {
            throw CliException.input(source + " is not UTF-8 text");
        }
    }

    /**
     * Opens a UTF-8 text file (gzip if its name ends in {@code .gz}) or a bundled resource.
     *
     * @param file     the file, or null for the resource
     * @param resource the class-path resource read when {@code file} is null
     * @param source   the name used in messages
     * @return a reader that rejects malformed UTF-8
     * @throws CliException (input) if the file does not exist or is not gzip where its name says so
     * @throws IOException     if opening fails otherwise
     */
    static BufferedReader open(Path file, String resource, String source) throws IOException {
        InputStream in;
        if (file == null) {
            in = WordNetDefinitions.class.getResourceAsStream(resource);
            if (in == null) {
                throw CliException.input("the bundled file " + resource + " is not on the class path");
            }
        } else {
            if (Files.isDirectory(file)) {
                throw CliException.input(source + " is a directory");
            }
            try {
                in = Files.newInputStream(file);
            } catch (NoSuchFileException e) {
                throw CliException.input("no such file: " + source);
            }
        }
        if (file == null || file.getFileName().toString().endsWith(".gz")) {
            try {
                in = new GZIPInputStream(in, 1 << 16);
            } catch (java.util.zip.ZipException e) {
                in.close();
                throw CliException.input(source + " is not a gzip file");
            }
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)),
                1 << 16);
    }

    private static WordNetDefinitions parse(BufferedReader reader, String source)
            throws IOException {
        String header = reader.readLine();
        if (header == null) {
            throw CliException.input(source + " is empty");
        }
        List<String> columns = Arrays.asList(header.split("\t", -1));
        int lemmas = columns.indexOf("lemmas");
        int definition = columns.indexOf("definition");
        if (lemmas < 0 || definition < 0) {
            throw CliException.input(source + ": the header line must name the columns 'lemmas' and "
                    + "'definition' (tab-separated) but was '" + abbreviate(header) + "'");
        }
        List<Synset> synsets = new ArrayList<>();
        String line;
        int number = 1;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length != columns.size()) {
                throw CliException.input(source + " line " + number + ": " + fields.length
                        + " tab-separated fields where the header has " + columns.size());
            }
            List<String> words = List.of(fields[lemmas].trim().split(" +"));
            if (fields[lemmas].isBlank() || fields[definition].isBlank()) {
                throw CliException.input(source + " line " + number + ": empty lemmas or definition");
            }
            synsets.add(new Synset(words, fields[definition].trim()));
        }
        if (synsets.isEmpty()) {
            throw CliException.input(source + " holds no synset");
        }
        return new WordNetDefinitions(synsets);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /**
     * The synsets in file order.
     *
     * @return an unmodifiable list
     */
    List<Synset> synsets() {
        return synsets;
    }

    /**
     * The definitions of every word the example can define: single lower-case words of three letters or
     * more ({@code [a-z]{3,}}), each with the distinct definitions of its synsets in file order.
     *
     * @return word → definitions, the words in order of first appearance
     */
    Map<String, List<String>> definitionsByWord() {
        Map<String, List<String>> byWord = new LinkedHashMap<>();
        for (Synset s : synsets) {
            for (String lemma : s.lemmas()) {
                if (WORD.matcher(lemma).matches()) {
                    List<String> definitions = byWord.computeIfAbsent(lemma, k -> new ArrayList<>());
                    if (!definitions.contains(s.definition())) {
                        definitions.add(s.definition());
                    }
                }
            }
        }
        return byWord;
    }
}
