package org.seq4j.eval;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/** Encoding sentences with a checked result: what the sentence evaluations share. */
final class Encodings {

    private Encodings() {
    }

    /**
     * Encodes sentences into a new matrix and checks what the encoder wrote.
     *
     * @param encoder   the encoder
     * @param sentences raw sentences; not modified
     * @param what      the encoder's name in error messages
     * @return a new {@code (N, D)} matrix
     * @throws IllegalArgumentException if the output is not {@code (N, D)} or not finite
     */
    static FMatrixRMaj encode(SentenceEncoder encoder, List<String> sentences, String what) {
        int d = encoder.dimension();
        FMatrixRMaj out = new FMatrixRMaj(sentences.size(), d);
        encoder.encode(sentences, out);
        Tensors.checkShape(out, sentences.size(), d, what + "'s output");
        checkFinite(out, what + "'s vectors");
        return out;
    }

    /**
     * Checks that every value is finite.
     *
     * @param x    the matrix; not modified
     * @param what its name in the error message
     * @throws IllegalArgumentException naming the first value that is not finite
     */
    static void checkFinite(FMatrixRMaj x, String what) {
        int size = x.getNumElements();
        for (int i = 0; i < size; i++) {
            if (!Float.isFinite(x.data[i])) {
                throw new IllegalArgumentException(what + " must be finite but row " + i / x.numCols + ", column "
                        + i % x.numCols + " was " + x.data[i]);
            }
        }
    }
}
