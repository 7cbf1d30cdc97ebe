package org.seq4j.examples.translate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.seq4j.seq2seq.BeamSearch;
import org.seq4j.seq2seq.GreedySearch;
import org.seq4j.seq2seq.Hypothesis;
import org.seq4j.seq2seq.MaxLength;
import org.seq4j.seq2seq.StepDecoder;
import org.seq4j.text.Vocabulary;

/**
 * Decodes many sentences in batches of similar source length (sorted by length, then restored to the
 * input order), timed: a sentence's translation does not depend on its batch, and short batches waste
 * no steps on padding.
 */
final class Decode {

    /**
     * Sentences per greedy batch. Larger batches make larger products of the output layer (which takes
     * most of a step) and fewer starts (each copies the decoder's weights); sorted by length, a batch's
     * rows still end together. Measured on the bundled pairs (AVX-512, 2 threads): 64 → 256 sentences
     * took greedy decoding from about 2,500 to 4,000 sentences/s, 512 gave no more.
     */
    static final int GREEDY_BATCH = 256;
    /** Sentences per beam-search batch (k rows each): 16 → 128 took beam-5 from about 650 to 1,100 sentences/s. */
    static final int BEAM_BATCH = 128;

    private Decode() {
    }

    /**
     * The n-best lists of every sentence, in input order, and the wall-clock time they took.
     *
     * @param nBest   per sentence, best first (greedy search: one hypothesis)
     * @param seconds the decoding time
     */
    record Result(List<List<Hypothesis>> nBest, double seconds) {

        /** The best hypothesis of every sentence. */
        List<Hypothesis> best() {
            List<Hypothesis> best = new ArrayList<>(nBest.size());
            nBest.forEach(list -> best.add(list.get(0)));
            return best;
        }

        double sentencesPerSecond() {
            return nBest.size() / Math.max(seconds, 1e-9);
        }
    }

    /** What decodes one batch. */
    @FunctionalInterface
    private interface Batch {
        List<List<Hypothesis>> decode(List<int[]> sources);
    }

    static Result greedy(StepDecoder model, List<int[]> sources, boolean keepAttention) {
        GreedySearch greedy = new GreedySearch(MaxLength.DEFAULT, keepAttention);
        return inBatches(sources, GREEDY_BATCH, batch -> {
            List<List<Hypothesis>> out = new ArrayList<>();
            greedy.decode(model, batch).forEach(h -> out.add(List.of(h)));
            return out;
        });
    }

    static Result beam(StepDecoder model, List<int[]> sources, BeamSearch search) {
        return inBatches(sources, BEAM_BATCH, batch -> search.decode(model, batch));
    }

    private static Result inBatches(List<int[]> sources, int batchSize, Batch decoder) {
        long start = System.nanoTime();
        Integer[] order = new Integer[sources.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> sources.get(i).length));   // stable
        List<List<Hypothesis>> out = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            out.add(null);
        }
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            List<int[]> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                batch.add(sources.get(order[i]));
            }
            List<List<Hypothesis>> decoded = decoder.decode(batch);
            for (int i = from; i < to; i++) {
                out.set(order[i], decoded.get(i - from));
            }
        }
        return new Result(out, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The words of a hypothesis, {@code <unk>} replaced by the attended source word when asked (and the
     * model attends).
     *
     * @param sourceWords the words of its source, one per source position; ignored unless
     *                    {@code replaceUnknown}
     */
    static List<String> words(Hypothesis h, Vocabulary target, List<String> sourceWords, boolean replaceUnknown) {
        return replaceUnknown ? h.words(target, sourceWords) : h.words(target);
    }
}
