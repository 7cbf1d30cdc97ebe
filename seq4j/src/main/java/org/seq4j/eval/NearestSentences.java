package org.seq4j.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.kernel.VectorMath;
import org.seq4j.tensor.Tensors;

/**
 * Nearest-neighbour retrieval of sentences by cosine similarity: a corpus is encoded once, its vectors
 * normalised, and each query ranks every corpus sentence.
 *
 * <pre>
 *   x̂ = x / ‖x‖₂   (0 stays 0)          corpus: (M, D) rows, query q: (D)
 *   cos(q, i) = q̂ · x̂_i                  in [−1, 1]; 0 when either vector is zero
 *   nearest(q, k) = the k corpus sentences of largest cos(q, i), ties to the lower index
 * </pre>
 * Each query is one pass over the {@code (M, D)} table with a bounded heap, {@code O(M·D + M·log k)};
 * every dot product is summed in the same order, so identical corpus vectors get identical scores and
 * the order of equal scores is always the corpus order. The corpus vectors take {@code 4·M·D} bytes.
 *
 * <p>A query may be excluded from its own answer: {@link #nearestTo(int, int)} never returns the query's
 * own index, and {@link #nearest(List, int, boolean)} can skip every corpus sentence whose text equals the
 * query's ({@link String#equals}: the same characters exactly). Instances are immutable and answer queries
 * from several threads at once (if the encoder may be called so).
 */
public final class NearestSentences {

    private final SentenceEncoder encoder;   // null when built from vectors
    private final List<String> corpus;       // (M)
    private final float[] unit;              // (M, D) L2-normalised rows
    private final int dimension;             // D

    private NearestSentences(SentenceEncoder encoder, List<String> corpus, FMatrixRMaj vectors) {
        this.encoder = encoder;
        this.corpus = corpus;
        this.dimension = vectors.numCols;
        this.unit = new float[corpus.size() * dimension];
        System.arraycopy(vectors.data, 0, unit, 0, unit.length);
        for (int i = 0; i < corpus.size(); i++) {
            normalise(unit, i * dimension, dimension);
        }
    }

    /**
     * Encodes a corpus once for queries by sentence or by vector.
     *
     * @param encoder the encoder of the corpus and of the queries
     * @param corpus  M ≥ 1 raw sentences; copied
     * @return the index
     * @throws IllegalArgumentException if an argument is null, the corpus is empty, or the encoder's output
     *                                  is not {@code (M, D)} or not finite
     */
    public static NearestSentences of(SentenceEncoder encoder, List<String> corpus) {
        if (encoder == null || corpus == null) {
            throw new IllegalArgumentException("encoder and corpus must not be null");
        }
        List<String> copy = List.copyOf(corpus);
        checkNotEmpty(copy);
        return new NearestSentences(encoder, copy, Encodings.encode(encoder, copy, "the encoder"));
    }

    /**
     * Indexes a corpus already encoded; queries are then by vector or by corpus index only.
     *
     * @param corpus  M ≥ 1 sentences; copied
     * @param vectors {@code (M, D)} their vectors, finite; copied
     * @return the index
     * @throws IllegalArgumentException if an argument is null, the corpus is empty, or the vectors are not
     *                                  {@code (M, D)} with {@code D ≥ 1}, or not finite
     */
    public static NearestSentences of(List<String> corpus, FMatrixRMaj vectors) {
        if (corpus == null || vectors == null) {
            throw new IllegalArgumentException("corpus and vectors must not be null");
        }
        List<String> copy = List.copyOf(corpus);
        checkNotEmpty(copy);
        if (vectors.numRows != copy.size() || vectors.numCols < 1) {
            throw new IllegalArgumentException("vectors must be (M, D) with M = " + copy.size()
                    + " sentences and D ≥ 1 but was " + Tensors.shape(vectors));
        }
        Encodings.checkFinite(vectors, "vectors");
        return new NearestSentences(null, copy, vectors);
    }

    /**
     * The number of corpus sentences.
     *
     * @return {@code M}
     */
    public int size() {
        return corpus.size();
    }

    /**
     * The length of the vectors.
     *
     * @return {@code D}
     */
    public int dimension() {
        return dimension;
    }

    /**
     * A corpus sentence.
     *
     * @param index in {@code [0, M)}
     * @return the sentence
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public String sentence(int index) {
        return corpus.get(index);
    }

    /**
     * The corpus sentences nearest to a sentence, which may itself be in the corpus.
     *
     * @param query a raw sentence
     * @param k     how many to return, ≥ 0
     * @return up to {@code k} neighbours, nearest first
     * @throws IllegalArgumentException if {@code k < 0} or the index was built from vectors (no encoder)
     */
    public List<Neighbour> nearest(String query, int k) {
        return nearest(List.of(query), k, false).get(0);
    }

    /**
     * The corpus sentences nearest to each of several sentences, encoded together.
     *
     * @param queries      raw sentences; not modified
     * @param k            how many to return per query, ≥ 0
     * @param excludeQuery whether to skip the corpus sentences whose text equals the query's
     * @return one list per query, each of up to {@code k} neighbours, nearest first
     * @throws IllegalArgumentException if an argument is null, {@code k < 0}, the encoder's output is not
     *                                  {@code (Q, D)} or not finite, or the index was built from vectors
     */
    public List<List<Neighbour>> nearest(List<String> queries, int k, boolean excludeQuery) {
        if (queries == null) {
            throw new IllegalArgumentException("queries must not be null");
        }
        checkK(k);
        if (encoder == null) {
            throw new IllegalArgumentException("this index was built from vectors and has no encoder: query it by "
                    + "vector or by corpus index");
        }
        List<String> copy = List.copyOf(queries);
        FMatrixRMaj vectors = Encodings.encode(encoder, copy, "the encoder");
        List<List<Neighbour>> answers = new ArrayList<>(copy.size());
        float[] q = new float[dimension];
        for (int i = 0; i < copy.size(); i++) {
            System.arraycopy(vectors.data, i * dimension, q, 0, dimension);
            String text = copy.get(i);
            answers.add(search(q, k, excludeQuery ? text : null, -1));
        }
        return answers;
    }

    /**
     * The corpus sentences nearest to a corpus sentence, the sentence itself excluded (other copies of the
     * same text are not).
     *
     * @param index the query's index in {@code [0, M)}
     * @param k     how many to return, ≥ 0
     * @return up to {@code k} neighbours, nearest first
     * @throws IllegalArgumentException if {@code k < 0}
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public List<Neighbour> nearestTo(int index, int k) {
        checkK(k);
        Objects.checkIndex(index, corpus.size());
        float[] q = new float[dimension];
        System.arraycopy(unit, index * dimension, q, 0, dimension);
        return search(q, k, null, index);
    }

    /**
     * The corpus sentences nearest to a vector.
     *
     * @param vector  a vector of length {@code D}, finite; not modified
     * @param k       how many to return, ≥ 0
     * @param exclude a corpus index not to return, or −1 for none
     * @return up to {@code k} neighbours, nearest first
     * @throws IllegalArgumentException if the vector's length is not {@code D}, a value is not finite, or
     *                                  {@code k < 0}
     */
    public List<Neighbour> nearest(float[] vector, int k, int exclude) {
        if (vector == null || vector.length != dimension) {
            throw new IllegalArgumentException("vector must have length D = " + dimension + " but had "
                    + (vector == null ? "none" : vector.length));
        }
        for (int j = 0; j < dimension; j++) {
            if (!Float.isFinite(vector[j])) {
                throw new IllegalArgumentException("vector must be finite but vector[" + j + "] was " + vector[j]);
            }
        }
        checkK(k);
        return search(vector.clone(), k, null, exclude);
    }

    /** The top k by cosine, skipping index {@code exclude} and sentences equal to {@code excludeText}. */
    private List<Neighbour> search(float[] query, int k, String excludeText, int exclude) {
        normalise(query, 0, dimension);
        int m = corpus.size();
        // a min-heap of the best k so far: its head is the worst kept (lowest score, then highest index)
        PriorityQueue<Neighbour> heap = new PriorityQueue<>(Math.max(1, k + 1),
                (a, b) -> a.cosine != b.cosine ? Double.compare(a.cosine, b.cosine) : Integer.compare(b.index, a.index));
        if (k > 0) {
            for (int i = 0; i < m; i++) {
                if (i == exclude || (excludeText != null && excludeText.equals(corpus.get(i)))) {
                    continue;
                }
                float score = VectorMath.dot(query, 0, unit, i * dimension, dimension);
                if (heap.size() < k) {
                    heap.add(new Neighbour(i, corpus.get(i), score));
                } else if (score > heap.peek().cosine) {   // equal scores keep the lower index already kept
                    heap.poll();
                    heap.add(new Neighbour(i, corpus.get(i), score));
                }
            }
        }
        List<Neighbour> best = new ArrayList<>(heap);
        best.sort((a, b) -> a.cosine != b.cosine ? Double.compare(b.cosine, a.cosine) : Integer.compare(a.index, b.index));
        return best;
    }

    /**
     * A corpus sentence found for a query.
     *
     * @param index    its index in the corpus
     * @param sentence its text
     * @param cosine   its cosine similarity to the query, in {@code [−1, 1]}
     */
    public record Neighbour(int index, String sentence, double cosine) {
    }

    // ---------------------------------------------------------------- helpers

    private static void normalise(float[] x, int offset, int length) {
        double sum = 0;
        for (int j = 0; j < length; j++) {
            sum += (double) x[offset + j] * x[offset + j];
        }
        if (sum > 0) {
            float scale = (float) (1.0 / Math.sqrt(sum));
            for (int j = 0; j < length; j++) {
                x[offset + j] *= scale;
            }
        }
    }

    private static void checkNotEmpty(List<String> corpus) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("the corpus must hold at least one sentence");
        }
    }

    private static void checkK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be at least 0 but was " + k);
        }
    }

    /**
     * Describes the index.
     *
     * @return e.g. {@code NearestSentences[M=5000, D=2400]}
     */
    @Override
    public String toString() {
        return "NearestSentences[M=" + corpus.size() + ", D=" + dimension + "]";
    }
}
