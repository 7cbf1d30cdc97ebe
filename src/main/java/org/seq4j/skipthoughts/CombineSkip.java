package org.seq4j.skipthoughts;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.eval.SentenceEncoder;

/**
 * combine-skip (Kiros et al., 2015): the vector of a uni-skip model and the vector of a bi-skip model of
 * the same sentence, side by side. Each part is a unit vector (the models normalise their thought vectors),
 * so both weigh alike.
 *
 * <pre>
 *   v(s) = [u(s) ; b(s)]        u: (D_u)   b: (D_b)   v: (D_u + D_b)
 * </pre>
 * Any two {@link SentenceEncoder}s combine the same way (an expanded encoder of a model, for instance).
 * Not thread-safe if the parts are not; encoding allocates two matrices of the parts' vectors.
 */
public final class CombineSkip implements SentenceEncoder {

    private final SentenceEncoder first;
    private final SentenceEncoder second;

    /**
     * Combines two encoders.
     *
     * @param uniSkip the first part, usually a uni-skip model (or its expanded encoder)
     * @param biSkip  the second part, usually a bi-skip model (or its expanded encoder)
     * @throws IllegalArgumentException if a part is null
     */
    public CombineSkip(SentenceEncoder uniSkip, SentenceEncoder biSkip) {
        if (uniSkip == null || biSkip == null) {
            throw new IllegalArgumentException("both encoders must be given");
        }
        this.first = uniSkip;
        this.second = biSkip;
    }

    /**
     * The size of the combined vectors.
     *
     * @return {@code D_u + D_b}
     */
    @Override
    public int dimension() {
        return first.dimension() + second.dimension();
    }

    /**
     * Encodes with both parts and writes their vectors side by side.
     *
     * @param sentences raw sentences; not modified
     * @param out       (N, D_u + D_b), reshaped if needed
     */
    @Override
    public void encode(List<String> sentences, FMatrixRMaj out) {
        FMatrixRMaj a = new FMatrixRMaj(0, 0);
        FMatrixRMaj b = new FMatrixRMaj(0, 0);
        first.encode(sentences, a);
        second.encode(sentences, b);
        int n = sentences.size();
        int da = first.dimension();
        int db = second.dimension();
        out.reshape(n, da + db);
        for (int i = 0; i < n; i++) {
            System.arraycopy(a.data, i * da, out.data, i * (da + db), da);
            System.arraycopy(b.data, i * db, out.data, i * (da + db) + da, db);
        }
    }

    /**
     * Describes the combination.
     *
     * @return e.g. {@code CombineSkip(SkipThoughtsModel(uni-skip, …) ⊕ SkipThoughtsModel(bi-skip, …))}
     */
    @Override
    public String toString() {
        return "CombineSkip(" + first + " ⊕ " + second + ")";
    }
}
