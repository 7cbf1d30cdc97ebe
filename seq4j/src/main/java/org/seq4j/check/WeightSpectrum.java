package org.seq4j.check;

/**
 * The spectral radius and the largest singular value of a recurrent weight, or of one of its gate blocks.
 *
 * <p>For an Elman cell, the spectral radius {@code ρ(W_hh)} decides whether the gradient vanishes
 * ({@code ρ < 1}) or explodes ({@code ρ > 1}) where the nonlinearity is nearly linear, and the largest
 * singular value {@code σ_max(W_hh) ≥ ρ} bounds the growth per step (see {@link GradientFlow}).
 *
 * @param weight               the parameter's name, e.g. {@code weight_hh_l0} or
 *                             {@code weight_hh_l1_reverse}
 * @param block                the gate block ({@code i, f, g, o} for an LSTM, {@code r, z, n} for a GRU),
 *                             or {@link #WHOLE} for the whole matrix
 * @param spectralRadius       the largest eigenvalue modulus of the {@code (H, H)} block; NaN for a whole
 *                             matrix that is not square ({@code (G·H, H)} with {@code G > 1})
 * @param largestSingularValue the largest singular value, the spectral norm {@code ‖W‖₂}
 */
public record WeightSpectrum(String weight, String block, double spectralRadius, double largestSingularValue) {

    /** The block name of an entry that covers the whole matrix. */
    public static final String WHOLE = "all";
}
