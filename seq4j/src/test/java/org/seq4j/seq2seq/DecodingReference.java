package org.seq4j.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plain, unbatched decoders written directly from their definitions, over the prefix functions of
 * {@link TableStepDecoder}: the oracles of the decoding tests.
 */
final class DecodingReference {

    private DecodingReference() {
    }

    /** One output: the written tokens (without {@code <eos>}), whether it ended with {@code <eos>}, its scores. */
    record Output(int[] tokens, boolean finished, double logProbability, double score) {
        @Override
        public String toString() {
            return Arrays.toString(tokens) + (finished ? " <eos>" : "") + " logP " + logProbability + " score " + score;
        }
    }

    static int[] append(int[] a, int v) {
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    /** Greedy search of one sentence. */
    static Output greedy(TableStepDecoder m, int[] source, int maxLength) {
        int[] fed = {TableStepDecoder.BOS};
        double logP = 0;
        for (int t = 0; t < maxLength; t++) {
            float[] lp = m.logProbabilities(source, fed);
            int best = 0;
            for (int v = 1; v < lp.length; v++) {
                if (lp[v] > lp[best]) {
                    best = v;
                }
            }
            logP += lp[best];
            if (best == TableStepDecoder.EOS) {
                return new Output(Arrays.copyOfRange(fed, 1, fed.length), true, logP, logP);
            }
            fed = append(fed, best);
        }
        return new Output(Arrays.copyOfRange(fed, 1, fed.length), false, logP, logP);
    }

    /**
     * Every output of at most {@code maxLength} steps (those that end with {@code <eos>} and those that reach
     * the limit without it), best normalised score first.
     */
    static List<Output> exhaustive(TableStepDecoder m, int[] source, int maxLength, double alpha) {
        List<Output> all = new ArrayList<>();
        enumerate(m, source, new int[] {TableStepDecoder.BOS}, 0, maxLength, alpha, all);
        all.sort(Comparator.comparingDouble(Output::score).reversed());
        return all;
    }

    private static void enumerate(TableStepDecoder m, int[] source, int[] fed, double logP, int maxLength,
                                  double alpha, List<Output> all) {
        float[] lp = m.logProbabilities(source, fed);
        int steps = fed.length;   // this step's token is the fed.length-th written
        for (int v = 0; v < lp.length; v++) {
            double p = logP + lp[v];
            int[] written = Arrays.copyOfRange(fed, 1, fed.length);
            if (v == TableStepDecoder.EOS) {
                all.add(new Output(written, true, p, p / Math.pow(steps, alpha)));
            } else if (steps == maxLength) {
                all.add(new Output(append(written, v), false, p, p / Math.pow(steps, alpha)));
            } else {
                enumerate(m, source, append(fed, v), p, maxLength, alpha, all);
            }
        }
    }

    /** A candidate of the reference beam search: (score, tokens with <bos>). */
    private record Beam(double score, int[] tokens) {
    }

    /**
     * The beam search of {@code torch_seq2seq.py}, one sentence, transcribed line by line; returns every
     * finished hypothesis, best normalised score first (ties in finishing order).
     */
    static List<Output> beam(TableStepDecoder m, int[] source, int maxLength, int k, double alpha) {
        List<Beam> beams = List.of(new Beam(0, new int[] {TableStepDecoder.BOS}));
        List<Output> finished = new ArrayList<>();
        for (int step = 0; step < maxLength; step++) {
            List<Beam> cand = new ArrayList<>();
            for (Beam b : beams) {
                float[] lp = m.logProbabilities(source, b.tokens());
                Integer[] order = new Integer[lp.length];
                for (int v = 0; v < order.length; v++) {
                    order[v] = v;
                }
                Arrays.sort(order, (x, y) -> Float.compare(lp[y], lp[x]));   // stable: ties by index
                for (int j = 0; j < Math.min(k, lp.length); j++) {
                    cand.add(new Beam(b.score() + lp[order[j]], append(b.tokens(), order[j])));
                }
            }
            cand.sort(Comparator.comparingDouble(Beam::score).reversed());
            List<Beam> next = new ArrayList<>();
            for (Beam c : cand) {
                int[] toks = c.tokens();
                if (toks[toks.length - 1] == TableStepDecoder.EOS) {
                    finished.add(new Output(Arrays.copyOfRange(toks, 1, toks.length - 1), true, c.score(),
                            c.score() / Math.pow(toks.length - 1, alpha)));
                } else {
                    next.add(c);
                }
                if (next.size() == k) {
                    break;
                }
            }
            beams = next;
            if (finished.size() >= k || beams.isEmpty()) {
                break;
            }
        }
        for (Beam b : beams) {
            int[] toks = b.tokens();
            finished.add(new Output(Arrays.copyOfRange(toks, 1, toks.length), false, b.score(),
                    b.score() / Math.pow(toks.length - 1, alpha)));
        }
        List<Output> ranked = new ArrayList<>(finished);
        ranked.sort(Comparator.comparingDouble(Output::score).reversed());
        return ranked;
    }

    /** Random source sentences of lengths 1 to {@code maxLength} over {@code [0, vocabulary)}. */
    static List<int[]> sources(int count, int vocabulary, int maxLength, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> sources = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] s = new int[1 + random.nextInt(maxLength)];
            for (int t = 0; t < s.length; t++) {
                s[t] = random.nextInt(vocabulary);
            }
            sources.add(s);
        }
        return sources;
    }

    static Output of(Hypothesis h) {
        return new Output(h.tokens(), h.finished(), h.logProbability(), h.score());
    }
}
