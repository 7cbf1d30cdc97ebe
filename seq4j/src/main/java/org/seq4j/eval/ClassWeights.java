package org.seq4j.eval;

/**
 * Class counts and class weights for imbalanced data, to pass to a weighted loss
 * ({@code CrossEntropyLoss.builder().classWeights(...)}) or to {@link LogisticRegression.Config}.
 *
 * <pre>
 *   n_c          number of labels equal to c            N = Σ_c n_c
 *   balanced:    w_c = N / (C · n_c)                     (1 for a class with no label)
 * </pre>
 * The balanced weights are scikit-learn's {@code class_weight="balanced"}: every class then weighs as much
 * in the loss as if the classes were equally frequent, and a class of average frequency has weight 1.
 */
public final class ClassWeights {

    private ClassWeights() {
    }

    /**
     * Counts the labels of each class.
     *
     * @param labels     class indices, each in {@code [0, C)}; not modified
     * @param numClasses {@code C}, at least 1
     * @return a new array of C counts
     * @throws IllegalArgumentException if {@code labels} is null, {@code C < 1} or a label is out of range
     */
    public static long[] counts(int[] labels, int numClasses) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1 but was " + numClasses);
        }
        long[] counts = new long[numClasses];
        for (int n = 0; n < labels.length; n++) {
            if (labels[n] < 0 || labels[n] >= numClasses) {
                throw new IllegalArgumentException("labels[" + n + "] must be a class in [0, " + numClasses
                        + ") but was " + labels[n]);
            }
            counts[labels[n]]++;
        }
        return counts;
    }

    /**
     * The balanced class weights {@code w_c = N / (C · n_c)}.
     *
     * @param labels     class indices, each in {@code [0, C)}; not modified
     * @param numClasses {@code C}, at least 1
     * @return a new array of C positive weights; 1 for a class that has no label
     * @throws IllegalArgumentException if {@code labels} is null, {@code C < 1} or a label is out of range
     */
    public static float[] balanced(int[] labels, int numClasses) {
        long[] counts = counts(labels, numClasses);
        float[] weights = new float[numClasses];
        for (int c = 0; c < numClasses; c++) {
            weights[c] = counts[c] == 0 ? 1f : (float) ((double) labels.length / ((double) numClasses * counts[c]));
        }
        return weights;
    }
}
