package org.seq4j.text;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The classic truecasing baseline: every word gets the casing it has most often in the training text, and
 * the first letter of a sentence is a capital.
 *
 * <pre>
 *   training:    count every form of every word: form(w) = the most frequent spelling among the words
 *                whose lower case is w (ties: the form seen first)
 *   prediction:  1. each word w of the lower-case line takes the casing of form(w); a word never seen
 *                   stays in lower case
 *                2. with sentence starts: the first letter of the line, and the first letter after each
 *                   sentence-ending mark (. ! ?), become capitals (only letters and digits end the search:
 *                   quotes, brackets and spaces between are skipped; a digit first cancels it)
 * </pre>
 * A word is a maximal run of non-white-space characters ({@link Character#isWhitespace(int)}), so with
 * tokenised text ({@code `` Ah , Mr. Knightley !}) punctuation marks are words of their own. Characters are
 * code points and cases are those of {@link CaseLabels}. Step 2 can only add capitals: a word whose
 * usual form is capitalised stays so mid-sentence.
 *
 * <p>Built with {@link #builder()} from training lines; immutable and thread-safe once built.
 */
public final class MostFrequentCasing {

    /** The marks after which the next letter starts a sentence. */
    public static final String SENTENCE_END = ".!?";

    /** Lower-case word → its most frequent form, for the words whose form has a capital. */
    private final Map<String, String> capitalised;
    private final int words;
    private final boolean sentenceStarts;

    private MostFrequentCasing(Map<String, String> capitalised, int words, boolean sentenceStarts) {
        this.capitalised = capitalised;
        this.words = words;
        this.sentenceStarts = sentenceStarts;
    }

    /**
     * Starts counting the forms of words.
     *
     * @return an empty builder that capitalises sentence starts
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The number of distinct words (in lower case) seen in training.
     *
     * @return the vocabulary size
     */
    public int numWords() {
        return words;
    }

    /**
     * Tells whether the first letters of sentences become capitals (step 2).
     *
     * @return true if they do
     */
    public boolean capitalisesSentenceStarts() {
        return sentenceStarts;
    }

    /**
     * The most frequent form of a word in the training text.
     *
     * @param word a word, in any case
     * @return its most frequent spelling, or the word in lower case if that is it or the word was never seen
     */
    public String form(String word) {
        String lower = CaseLabels.lowerCase(word);
        return capitalised.getOrDefault(lower, lower);
    }

    /**
     * Predicts the case labels of a line.
     *
     * @param text the line, usually in lower case (any case is read as its lower case); not modified
     * @return one label per code point of {@code text}, {@link CaseLabels#UPPER} or {@link CaseLabels#KEEP}
     * @throws IllegalArgumentException if {@code text} is null
     */
    public int[] labels(CharSequence text) {
        String lower = CaseLabels.lowerCase(text);
        int[] codePoints = lower.codePoints().toArray();
        int[] labels = new int[codePoints.length];
        forEachWord(codePoints, (start, end) -> {
            String form = capitalised.get(new String(codePoints, start, end - start));
            if (form != null) {
                System.arraycopy(CaseLabels.labels(form), 0, labels, start, end - start);
            }
        });
        if (sentenceStarts) {
            boolean start = true;
            for (int j = 0; j < codePoints.length; j++) {
                int c = codePoints[j];
                if (Character.isLetterOrDigit(c)) {
                    if (start && CaseLabels.isCased(c)) {
                        labels[j] = CaseLabels.UPPER;
                    }
                    start = false;
                } else if (SENTENCE_END.indexOf(c) >= 0) {
                    start = true;
                }
            }
        }
        return labels;
    }

    /**
     * Restores the capitals of a line: {@link CaseLabels#apply} of its lower case and {@link #labels}.
     *
     * @param text the line, in any case; not modified
     * @return the line as the baseline would write it
     * @throws IllegalArgumentException if {@code text} is null
     */
    public String truecase(CharSequence text) {
        String lower = CaseLabels.lowerCase(text);
        return CaseLabels.apply(lower, labels(lower));
    }

    /** Receives the code-point range {@code [start, end)} of a word. */
    private interface WordVisitor {
        void visit(int start, int end);
    }

    /** Calls the visitor on every maximal run of non-white-space code points, in order. */
    private static void forEachWord(int[] codePoints, WordVisitor visitor) {
        int i = 0;
        while (i < codePoints.length) {
            if (Character.isWhitespace(codePoints[i])) {
                i++;
                continue;
            }
            int end = i;
            while (end < codePoints.length && !Character.isWhitespace(codePoints[end])) {
                end++;
            }
            visitor.visit(i, end);
            i = end;
        }
    }

    /**
     * Describes the baseline.
     *
     * @return e.g. {@code MostFrequentCasing[12034 words, 1570 capitalised, sentence starts]}
     */
    @Override
    public String toString() {
        return "MostFrequentCasing[" + words + " words, " + capitalised.size() + " capitalised"
                + (sentenceStarts ? ", sentence starts" : "") + "]";
    }

    /** Counts the forms of the words of training lines, then builds a {@link MostFrequentCasing}. Not thread-safe. */
    public static final class Builder {

        /** Lower-case word → form → count, the forms in order of first appearance. */
        private final Map<String, Map<String, long[]>> counts = new HashMap<>();
        private boolean sentenceStarts = true;

        private Builder() {
        }

        /**
         * Counts the words of a training line.
         *
         * @param line a line of correctly cased text; not modified
         * @return this builder
         * @throws IllegalArgumentException if {@code line} is null
         */
        public Builder add(CharSequence line) {
            if (line == null) {
                throw new IllegalArgumentException("line must not be null");
            }
            int[] codePoints = line.codePoints().toArray();
            forEachWord(codePoints, (start, end) -> {
                String form = new String(codePoints, start, end - start);
                counts.computeIfAbsent(CaseLabels.lowerCase(form), w -> new LinkedHashMap<>())
                        .computeIfAbsent(form, f -> new long[1])[0]++;
            });
            return this;
        }

        /**
         * Sets whether the first letters of sentences become capitals (default true).
         *
         * @param capitalise false for the word forms alone
         * @return this builder
         */
        public Builder capitaliseSentenceStarts(boolean capitalise) {
            this.sentenceStarts = capitalise;
            return this;
        }

        /**
         * Builds the baseline from the words counted so far (the builder can go on counting).
         *
         * @return the baseline
         */
        public MostFrequentCasing build() {
            Map<String, String> capitalised = new HashMap<>();
            counts.forEach((lower, forms) -> {
                String best = null;
                long bestCount = 0;
                for (Map.Entry<String, long[]> form : forms.entrySet()) {
                    if (form.getValue()[0] > bestCount) {       // strictly more: ties keep the first seen
                        best = form.getKey();
                        bestCount = form.getValue()[0];
                    }
                }
                if (!best.equals(lower)) {
                    capitalised.put(lower, best);
                }
            });
            return new MostFrequentCasing(capitalised, counts.size(), sentenceStarts);
        }
    }
}
