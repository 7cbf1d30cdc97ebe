package org.seq4j.testing;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;

/** Seeded random matrices and small helpers shared by tests. */
public final class TestMatrices {

    private TestMatrices() {
    }

    /** A (rows, cols) matrix with entries from U(−bound, bound). */
    public static FMatrixRMaj uniform(int rows, int cols, double bound, SplittableRandom random) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.getNumElements(); i++) {
            m.data[i] = (float) random.nextDouble(-bound, bound);
        }
        return m;
    }

    /** {@code Σ_i c_i · y_i} in double: a linear loss whose gradient with respect to {@code y} is {@code c}. */
    public static double dot(FMatrixRMaj c, FMatrixRMaj y) {
        double sum = 0;
        for (int i = 0; i < y.getNumElements(); i++) {
            sum += (double) c.data[i] * y.data[i];
        }
        return sum;
    }

    /** Random class indices in [0, classes). */
    public static int[] indices(int n, int classes, SplittableRandom random) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = random.nextInt(classes);
        }
        return idx;
    }
}
