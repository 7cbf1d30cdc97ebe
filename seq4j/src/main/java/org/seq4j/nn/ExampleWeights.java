package org.seq4j.nn;

/** The check of the per-example weights that the losses take. */
final class ExampleWeights {

    private ExampleWeights() {
    }

    /** Checks null, or N finite, non-negative weights. */
    static void check(float[] weights, int n) {
        if (weights == null) {
            return;
        }
        if (weights.length != n) {
            throw new IllegalArgumentException(
                    "exampleWeights must have N = " + n + " entries but had " + weights.length);
        }
        for (int i = 0; i < n; i++) {
            if (!(weights[i] >= 0f) || !Float.isFinite(weights[i])) {
                throw new IllegalArgumentException(
                        "exampleWeights[" + i + "] must be finite and non-negative but was " + weights[i]);
            }
        }
    }
}
