package org.seq4j.eval;

import java.util.List;
import org.ejml.data.FMatrixRMaj;

/**
 * Turns sentences into fixed-length vectors: what the sentence evaluations (classification with frozen
 * vectors, nearest-neighbour retrieval) need from a sentence-embedding model or a baseline.
 *
 * <p>Each encoder tokenizes the raw text itself, the way it was trained to. An encoder is deterministic:
 * the same sentence always gives the same vector.
 */
public interface SentenceEncoder {

    /**
     * The length of every vector.
     *
     * @return {@code D}, at least 1
     */
    int dimension();

    /**
     * Encodes sentences, one row each.
     *
     * @param sentences raw sentences; not modified
     * @param out       {@code (N, D)} output, reshaped if needed; row {@code i} encodes sentence {@code i}
     *                  (a sentence with no known word gives whatever the encoder defines, documented by it,
     *                  but always finite values)
     */
    void encode(List<String> sentences, FMatrixRMaj out);
}
