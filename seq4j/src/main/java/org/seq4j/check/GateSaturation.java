package org.seq4j.check;

/**
 * How saturated one gate block of an LSTM or GRU layer (or the hidden state of a tanh Elman RNN) was over
 * a batch: the mean activation and the fractions of activations in the flat ends of the nonlinearity,
 * where its derivative is small and little gradient passes.
 * <pre>
 *   sigmoid gates (LSTM i, f, o; GRU r, z)        low: a &lt; 0.05     high: a &gt; 0.95     (σ′ &lt; 0.048)
 *   tanh blocks   (LSTM g; GRU n; Elman RNN h)    low: a &lt; −0.95    high: a &gt; 0.95     (tanh′ &lt; 0.098)
 * </pre>
 * A forget gate that is mostly high keeps the cell state (and its gradient) over many steps; one that
 * is mostly low forgets within a step. Saturated units of an Elman RNN pass almost no gradient back.
 *
 * @param gate         the gate block's name: {@code i, f, g, o} (LSTM), {@code r, z, n} (GRU) or {@code h}
 *                     (the hidden state {@code h_t = tanh(a_t)} of an Elman RNN)
 * @param activation   the block's nonlinearity
 * @param mean         the mean activation over every step, sequence and unit
 * @param fractionLow  the fraction of activations below the low threshold
 * @param fractionHigh the fraction of activations above the high threshold
 */
public record GateSaturation(String gate, Activation activation, double mean, double fractionLow,
                             double fractionHigh) {

    /** The nonlinearity of a gate block, which sets its saturation thresholds. */
    public enum Activation {
        /** The logistic sigmoid, values in [0, 1]: saturated below 0.05 or above 0.95. */
        SIGMOID,
        /** The hyperbolic tangent, values in [−1, 1]: saturated below −0.95 or above 0.95. */
        TANH
    }

    /**
     * The fraction of activations at either end.
     *
     * @return {@code fractionLow + fractionHigh}
     */
    public double fractionSaturated() {
        return fractionLow + fractionHigh;
    }
}
