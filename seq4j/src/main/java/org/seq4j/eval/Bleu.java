package org.seq4j.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.seq4j.text.WordTokenizer;

/**
 * BLEU-4 (Papineni et al., "BLEU: a Method for Automatic Evaluation of Machine Translation", ACL 2002) with
 * one reference per hypothesis: the corpus score and a smoothed sentence score, both on the 0–100 scale.
 *
 * <pre>
 *   count_n(h)   = the n-grams of a token list h with their multiplicities            n = 1 … 4
 *   m_n          = Σ_i Σ_g min(count_n(h_i)[g], count_n(r_i)[g])    clipped matches over the corpus
 *   t_n          = Σ_i max(|h_i| − n + 1, 0)                        n-grams of the hypotheses
 *   c = Σ_i |h_i|,  r = Σ_i |r_i|
 *   BP           = 1 if c ≥ r, else exp(1 − r / c)
 *   corpus BLEU  = 100 · BP · exp(¼ Σ_n log(m_n / t_n)),   and 0 if some m_n = 0 (no smoothing)
 *
 *   sentence BLEU (add-one, "BLEU+1" of Lin and Och 2004), one pair h, r:
 *   p_1 = m_1 / t_1;   p_n = (m_n + 1) / (t_n + 1) for n = 2 … 4
 *   sentence BLEU = 100 · BP · exp(¼ Σ_n log p_n),   and 0 if h is empty or m_1 = 0
 * </pre>
 * The corpus figure is that of the seq2seq peer benchmark's {@code bleu.py} (the {@code corpus_bleu} of its
 * {@code torch_seq2seq.py}) to the last digit it prints: the same sums in double precision, the same
 * tokenisation ({@link #tokenize}, {@link #tokenizeHypothesis}) and line conventions
 * ({@link #corpusOfLines}). The sentence score is meant for comparing or choosing single outputs: summed
 * over a corpus it is not the corpus score (the counts are pooled before the ratios are taken), and a
 * hypothesis shorter than {@code n} tokens gets {@code p_n = 1} from the smoothing (the brevity penalty
 * still applies).
 *
 * <p>The methods take token lists and never modify them; what a token is (case, punctuation) is the
 * caller's choice, or that of {@link #tokenize}.
 */
public final class Bleu {

    /** The highest n-gram order, 4: BLEU-4. */
    public static final int MAX_ORDER = 4;

    /** The token a hypothesis may hold for an unknown word; {@link #tokenizeHypothesis} keeps it whole. */
    public static final String UNKNOWN_TOKEN = "<unk>";

    private static final WordTokenizer TOKENIZER = new WordTokenizer();

    private Bleu() {
    }

    /**
     * Lower-cases a text and splits it into runs of word characters and single other characters that are
     * not white space: Python's {@code re.findall(r"\w+|[^\w\s]", text.lower())}, the tokenisation of
     * {@code bleu.py}, exactly; that is {@link WordTokenizer} (see there for the character classes).
     *
     * @param text the text; not modified
     * @return the tokens in text order; empty for a blank text
     */
    public static List<String> tokenize(CharSequence text) {
        return TOKENIZER.tokenize(text);
    }

    /**
     * Tokenises one line of a system's output as {@code bleu.py} does: splits it at white space, keeps a
     * piece that is exactly {@value #UNKNOWN_TOKEN} as one token (it can match nothing in a reference
     * tokenised by {@link #tokenize}), and tokenises every other piece with {@link #tokenize}.
     *
     * @param line one hypothesis; not modified
     * @return its tokens
     */
    public static List<String> tokenizeHypothesis(CharSequence line) {
        List<String> tokens = new ArrayList<>();
        String s = line.toString();
        int i = 0;
        int n = s.length();
        while (i < n) {
            int cp = s.codePointAt(i);
            if (WordTokenizer.isWhiteSpace(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int end = i;
            while (end < n) {
                int c = s.codePointAt(end);
                if (WordTokenizer.isWhiteSpace(c)) {
                    break;
                }
                end += Character.charCount(c);
            }
            String piece = s.substring(i, end);
            if (piece.equals(UNKNOWN_TOKEN)) {
                tokens.add(piece);
            } else {
                tokens.addAll(tokenize(piece));
            }
            i = end;
        }
        return tokens;
    }

    /**
     * Corpus BLEU of lines of text, tokenised as {@code bleu.py} tokenises them: each hypothesis with
     * {@link #tokenizeHypothesis}, each reference with {@link #tokenize}. {@code bleu.py HYP REF_TSV} reads
     * the hypotheses as the lines of HYP (a last empty line dropped; an empty line in between is an empty
     * hypothesis) and the references as the second tab-separated field of the lines of REF_TSV that have
     * one; given those lines, this method returns its figure.
     *
     * @param hypotheses one line of output per sentence; not modified
     * @param references the reference of each, in the same order; not modified
     * @return the score and its counts
     * @throws IllegalArgumentException if the lists differ in size or hold null
     */
    public static BleuScore corpusOfLines(List<String> hypotheses, List<String> references) {
        checkSameSize(hypotheses, references);
        List<List<String>> h = new ArrayList<>(hypotheses.size());
        List<List<String>> r = new ArrayList<>(references.size());
        for (int i = 0; i < hypotheses.size(); i++) {
            h.add(tokenizeHypothesis(requireLine(hypotheses.get(i), "hypothesis", i)));
            r.add(tokenize(requireLine(references.get(i), "reference", i)));
        }
        return corpus(h, r);
    }

    /**
     * Corpus BLEU-4 of tokenised hypotheses against one tokenised reference each (see the class comment):
     * clipped n-gram matches and n-gram totals summed over the corpus, the geometric mean of the four
     * precisions, the brevity penalty on the summed lengths; 0 when some order has no match.
     *
     * @param hypotheses the token list of each hypothesis (may be empty); not modified
     * @param references the token list of each reference, in the same order; not modified
     * @return the score and its counts
     * @throws IllegalArgumentException if the lists differ in size or hold null
     */
    public static BleuScore corpus(List<? extends List<String>> hypotheses,
                                   List<? extends List<String>> references) {
        checkSameSize(hypotheses, references);
        long[] matches = new long[MAX_ORDER];
        long[] totals = new long[MAX_ORDER];
        long hypothesisLength = 0;
        long referenceLength = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> h = requireTokens(hypotheses.get(i), "hypothesis", i);
            List<String> r = requireTokens(references.get(i), "reference", i);
            hypothesisLength += h.size();
            referenceLength += r.size();
            addCounts(h, r, matches, totals);
        }
        return new BleuScore(corpusScore(matches, totals, hypothesisLength, referenceLength), matches, totals,
                hypothesisLength, referenceLength, hypotheses.size());
    }

    /**
     * Sentence BLEU-4 with add-one smoothing of the orders 2 to 4 (see the class comment), on the 0–100
     * scale: 100 for a hypothesis equal to its reference, 0 for an empty one or one without a matching
     * token.
     *
     * @param hypothesis the hypothesis tokens; not modified
     * @param reference  the reference tokens; not modified
     * @return the smoothed score in [0, 100]
     * @throws IllegalArgumentException if an argument is null or holds null
     */
    public static double sentence(List<String> hypothesis, List<String> reference) {
        List<String> h = requireTokens(hypothesis, "hypothesis", -1);
        List<String> r = requireTokens(reference, "reference", -1);
        long[] matches = new long[MAX_ORDER];
        long[] totals = new long[MAX_ORDER];
        addCounts(h, r, matches, totals);
        if (h.isEmpty() || matches[0] == 0) {
            return 0;
        }
        double logPrecision = Math.log((double) matches[0] / totals[0]);
        for (int n = 1; n < MAX_ORDER; n++) {
            logPrecision += Math.log((matches[n] + 1.0) / (totals[n] + 1.0));
        }
        return 100 * brevityPenalty(h.size(), r.size()) * Math.exp(logPrecision / MAX_ORDER);
    }

    /** 100 · BP · exp(mean log precision), or 0 if an order has no match: corpus_bleu of bleu.py. */
    static double corpusScore(long[] matches, long[] totals, long hypothesisLength, long referenceLength) {
        double logPrecision = 0;
        for (int n = 0; n < MAX_ORDER; n++) {
            if (matches[n] == 0) {
                return 0;
            }
            logPrecision += Math.log((double) matches[n] / totals[n]);
        }
        return 100 * brevityPenalty(hypothesisLength, referenceLength) * Math.exp(logPrecision / MAX_ORDER);
    }

    /** BP = 1 if c ≥ r, else exp(1 − r / c) (0 for c = 0). */
    static double brevityPenalty(long hypothesisLength, long referenceLength) {
        if (hypothesisLength >= referenceLength) {
            return 1;
        }
        return hypothesisLength == 0 ? 0 : Math.exp(1 - (double) referenceLength / hypothesisLength);
    }

    /** Adds the clipped matches and the totals of the orders 1 … 4 of one pair. */
    private static void addCounts(List<String> h, List<String> r, long[] matches, long[] totals) {
        for (int n = 1; n <= MAX_ORDER; n++) {
            totals[n - 1] += Math.max(h.size() - n + 1, 0);
            if (h.size() < n || r.size() < n) {
                continue;
            }
            Map<List<String>, int[]> reference = ngramCounts(r, n);
            long clipped = 0;
            for (Map.Entry<List<String>, int[]> e : ngramCounts(h, n).entrySet()) {
                int[] inReference = reference.get(e.getKey());
                if (inReference != null) {
                    clipped += Math.min(e.getValue()[0], inReference[0]);
                }
            }
            matches[n - 1] += clipped;
        }
    }

    private static Map<List<String>, int[]> ngramCounts(List<String> tokens, int n) {
        Map<List<String>, int[]> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.computeIfAbsent(tokens.subList(i, i + n), k -> new int[1])[0]++;
        }
        return counts;
    }

    private static void checkSameSize(List<?> hypotheses, List<?> references) {
        if (hypotheses == null || references == null) {
            throw new IllegalArgumentException("hypotheses and references must not be null");
        }
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("one reference per hypothesis: " + hypotheses.size()
                    + " hypotheses but " + references.size() + " references");
        }
    }

    private static String requireLine(String line, String what, int index) {
        if (line == null) {
            throw new IllegalArgumentException(what + " " + index + " is null");
        }
        return line;
    }

    /** Checks a token list; {@code index} is its position in a corpus, or −1 for a single sentence. */
    private static List<String> requireTokens(List<String> tokens, String what, int index) {
        String name = index < 0 ? what : what + " " + index;
        if (tokens == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        for (String t : tokens) {
            if (t == null) {
                throw new IllegalArgumentException(name + " holds a null token");
            }
        }
        return tokens;
    }
}
