package org.seq4j.examples.classify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.seq4j.examples.cli.CliException;
import org.seq4j.examples.cli.TextFiles;

/**
 * A labelled text set read from {@code label<TAB>text} lines: the texts, their class indices, and the class
 * names in sorted order (so {@code ham} is 0 and {@code spam} 1). Blank lines are skipped; a line without a
 * tab, or with an empty label, is an input error naming the line (exit status 2). Also read by the
 * skipthoughts example's evaluation.
 */
public final class LabeledTexts {

    /** The SMS Spam Collection, bundled (gzip) with the examples. */
    static final String BUNDLED = "/classify/sms-spam.tsv.gz";

    final List<String> texts;
    final int[] labels;           // (N), in [0, C)
    final List<String> classes;   // (C), sorted

    private LabeledTexts(List<String> texts, int[] labels, List<String> classes) {
        this.texts = texts;
        this.labels = labels;
        this.classes = classes;
    }

    /**
     * The number of labelled texts.
     *
     * @return N
     */
    public int size() {
        return texts.size();
    }

    /**
     * The number of classes.
     *
     * @return C ≥ 2
     */
    public int numClasses() {
        return classes.size();
    }

    /**
     * The texts, in file order.
     *
     * @return an unmodifiable list of N texts
     */
    public List<String> texts() {
        return texts;
    }

    /**
     * The class of every text.
     *
     * @return a new array of N classes in {@code [0, C)}
     */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * The class names, sorted.
     *
     * @return an unmodifiable list of C names
     */
    public List<String> classes() {
        return classes;
    }

    /**
     * Reads a {@code label<TAB>text} file: UTF-8 text, checked by the examples' {@link TextFiles}.
     *
     * @param file the file
     * @return the labelled texts
     * @throws IOException if reading fails
     * @throws org.seq4j.examples.cli.CliException (input) if the file is not such a file
     */
    public static LabeledTexts read(Path file) throws IOException {
        // the text, its lines, tokens and ids: some tens of bytes of heap per byte of text
        return parse(TextFiles.readUtf8("--data", file, 40), "--data " + file);
    }

    /**
     * Reads the bundled SMS Spam Collection from the class path.
     *
     * @return its 5,574 labelled messages
     * @throws IOException if the resource is missing or unreadable
     */
    public static LabeledTexts readBundled() throws IOException {
        try (InputStream in = LabeledTexts.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IOException("the bundled data " + BUNDLED + " is not on the class path");
            }
            return parse(new String(new GZIPInputStream(in).readAllBytes(), StandardCharsets.UTF_8),
                    "the bundled SMS Spam Collection");
        }
    }

    private static LabeledTexts parse(String text, String source) {
        List<String> names = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int number = 1; number <= lines.length; number++) {
            String line = lines[number - 1];
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw CliException.input(source + ", line " + number
                        + ": expected label<TAB>text but found no tab; give one labelled text per line");
            }
            String label = line.substring(0, tab).strip();
            if (label.isEmpty()) {
                throw CliException.input(source + ", line " + number + ": the label before the tab is empty");
            }
            names.add(label);
            texts.add(line.substring(tab + 1));
        }
        TreeMap<String, Integer> index = new TreeMap<>();
        names.forEach(n -> index.put(n, 0));
        if (index.size() < 2) {
            throw CliException.input(source + " must hold at least two classes but holds "
                    + (index.isEmpty() ? "no labelled text" : "only '" + index.firstKey() + "'"));
        }
        List<String> classes = new ArrayList<>(index.keySet());
        for (int c = 0; c < classes.size(); c++) {
            index.put(classes.get(c), c);
        }
        int[] labels = new int[names.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = index.get(names.get(i));
        }
        return new LabeledTexts(List.copyOf(texts), labels, List.copyOf(classes));
    }

    /**
     * A seeded, stratified split: within each class, a shuffled {@code round(fraction · n_c)} of the
     * examples go to the test part, the others to training.
     *
     * @return {training indices, test indices}, each in increasing order
     */
    int[][] split(double testFraction, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] test = new boolean[size()];
        for (int c = 0; c < numClasses(); c++) {
            int[] members = new int[size()];
            int n = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members[n++] = i;
                }
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = members[i];
                members[i] = members[j];
                members[j] = swap;
            }
            int testCount = (int) Math.round(testFraction * n);
            for (int i = 0; i < testCount; i++) {
                test[members[i]] = true;
            }
        }
        int testSize = 0;
        for (boolean t : test) {
            testSize += t ? 1 : 0;
        }
        int[] trainIndices = new int[size() - testSize];
        int[] testIndices = new int[testSize];
        int a = 0;
        int b = 0;
        for (int i = 0; i < test.length; i++) {
            if (test[i]) {
                testIndices[b++] = i;
            } else {
                trainIndices[a++] = i;
            }
        }
        return new int[][] {trainIndices, testIndices};
    }

    /** The class counts. */
    long[] counts() {
        long[] counts = new long[numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** The labels of some examples. */
    int[] labels(int[] indices) {
        return Arrays.stream(indices).map(i -> labels[i]).toArray();
    }
}
