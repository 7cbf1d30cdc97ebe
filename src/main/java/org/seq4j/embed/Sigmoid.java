package org.seq4j.embed;

/**
 * The logistic sigmoid as word2vec training evaluates it.
 *
 * <p>{@code word2vec.c} reads {@code σ(f)} from a table of {@value #TABLE_SIZE} values covering
 * {@code [-MAX_EXP, MAX_EXP)} with {@code MAX_EXP} = {@value #MAX_EXP}:
 * <pre>
 *   table[i] = σ((i / 1000 · 2 - 1) · 6)
 *   σ(f)    ≈ table[(int) ((f + 6) · 83)]       (83 = 1000 / 6 / 2 in integer arithmetic, as in C)
 * </pre>
 * and treats {@code |f| >= MAX_EXP} separately (see the kernels). The {@link #exact} form is the same
 * function computed with {@link Math#exp}.
 */
final class Sigmoid {

    /** Scores beyond ±MAX_EXP are treated as saturated, as in word2vec.c. */
    static final int MAX_EXP = 6;
    static final int TABLE_SIZE = 1000;
    // word2vec.c computes EXP_TABLE_SIZE / MAX_EXP / 2 in integer arithmetic: 83, not 83.33.
    private static final float TABLE_SCALE = TABLE_SIZE / MAX_EXP / 2;

    private static final float[] TABLE = new float[TABLE_SIZE];

    static {
        for (int i = 0; i < TABLE_SIZE; i++) {
            double e = Math.exp((i / (double) TABLE_SIZE * 2 - 1) * MAX_EXP);
            TABLE[i] = (float) (e / (e + 1));
        }
    }

    private Sigmoid() {
    }

    /** σ(f) from the table; requires {@code -MAX_EXP < f < MAX_EXP}. */
    static float table(float f) {
        return TABLE[(int) ((f + MAX_EXP) * TABLE_SCALE)];
    }

    /** σ(f) = 1 / (1 + e^(-f)). */
    static float exact(float f) {
        return (float) (1.0 / (1.0 + Math.exp(-f)));
    }
}
