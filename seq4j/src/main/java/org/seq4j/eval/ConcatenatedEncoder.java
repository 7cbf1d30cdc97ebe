package org.seq4j.eval;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.tensor.Tensors;

/**
 * Several encoders side by side: a sentence's vector is the concatenation of its vectors by each, in
 * order, as combine-skip joins the uni-skip and bi-skip vectors, or a model's vectors are joined with the
 * mean of word vectors.
 *
 * <pre>
 *   x(s) = [ x₁(s) ; x₂(s) ; … ; x_m(s) ]          x: (D₁ + … + D_m)
 * </pre>
 * Nothing is rescaled: each part keeps its own scale (SentEval does the same). Immutable; safe to share
 * between threads if every part is.
 */
public final class ConcatenatedEncoder implements SentenceEncoder {

    private final List<SentenceEncoder> parts;
    private final int dimension;

    private ConcatenatedEncoder(List<SentenceEncoder> parts, int dimension) {
        this.parts = parts;
        this.dimension = dimension;
    }

    /**
     * Joins encoders.
     *
     * @param parts one or more encoders, in the order of their columns
     * @return the concatenation
     * @throws IllegalArgumentException if there is no part, a part is null, or the total dimension overflows
     */
    public static ConcatenatedEncoder of(SentenceEncoder... parts) {
        if (parts == null || parts.length == 0) {
            throw new IllegalArgumentException("at least one encoder must be given");
        }
        long dimension = 0;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] == null) {
                throw new IllegalArgumentException("encoder " + i + " is null");
            }
            dimension += parts[i].dimension();
        }
        if (dimension > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the total dimension " + dimension + " is too large");
        }
        return new ConcatenatedEncoder(List.of(parts), (int) dimension);
    }

    /**
     * The parts, in column order.
     *
     * @return an unmodifiable list
     */
    public List<SentenceEncoder> parts() {
        return parts;
    }

    /**
     * The sum of the parts' dimensions.
     *
     * @return {@code D₁ + … + D_m}
     */
    @Override
    public int dimension() {
        return dimension;
    }

    /**
     * Encodes sentences with every part and writes the parts' columns side by side.
     *
     * @param sentences raw sentences; not modified
     * @param out       {@code (N, D₁ + … + D_m)}, reshaped if needed; overwritten
     * @throws IllegalArgumentException if an argument is null or a part's output is not {@code (N, D_i)}
     */
    @Override
    public void encode(List<String> sentences, FMatrixRMaj out) {
        if (sentences == null || out == null) {
            throw new IllegalArgumentException("sentences and out must not be null");
        }
        int n = sentences.size();
        out.reshape(n, dimension);
        int column = 0;
        FMatrixRMaj part = new FMatrixRMaj(1, 1);
        for (int p = 0; p < parts.size(); p++) {
            SentenceEncoder encoder = parts.get(p);
            int d = encoder.dimension();
            part.reshape(n, d);
            encoder.encode(sentences, part);
            Tensors.checkShape(part, n, d, "the output of encoder " + p + " (" + encoder + ")");
            for (int i = 0; i < n; i++) {
                System.arraycopy(part.data, i * d, out.data, i * dimension + column, d);
            }
            column += d;
        }
    }

    /**
     * Describes the encoder.
     *
     * @return e.g. {@code ConcatenatedEncoder[D=2500: …, …]}
     */
    @Override
    public String toString() {
        return "ConcatenatedEncoder[D=" + dimension + ": " + parts + "]";
    }
}
