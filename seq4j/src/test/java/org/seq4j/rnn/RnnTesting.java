package org.seq4j.rnn;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;

/** Seeded random tensors and a weighted-sum loss for the recurrent tests. */
final class RnnTesting {

    private RnnTesting() {
    }

    /** A (rows, cols) matrix with entries uniform in (−scale, scale). */
    static FMatrixRMaj uniform(SplittableRandom random, int rows, int cols, double scale) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) ((2 * random.nextDouble() - 1) * scale);
        }
        return m;
    }

    /** Σ value ⊙ weight in double: a loss whose gradient with respect to value is weight. */
    static double weightedSum(FMatrixRMaj value, FMatrixRMaj weight) {
        double sum = 0.0;
        int n = value.getNumElements();
        for (int i = 0; i < n; i++) {
            sum += (double) value.data[i] * weight.data[i];
        }
        return sum;
    }

    /** Largest absolute difference between two matrices of the same shape. */
    static float maxAbsDiff(FMatrixRMaj a, FMatrixRMaj b) {
        if (a.numRows != b.numRows || a.numCols != b.numCols) {
            throw new AssertionError("shapes differ: (" + a.numRows + ", " + a.numCols + ") vs ("
                    + b.numRows + ", " + b.numCols + ")");
        }
        float max = 0f;
        for (int i = 0; i < a.getNumElements(); i++) {
            max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
        }
        return max;
    }
}
