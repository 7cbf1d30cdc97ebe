package org.seq4j.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The confusion matrix of a classifier on a labelled set, and the figures derived from it: accuracy, and
 * per class precision, recall and F1 (the definitions of scikit-learn's {@code classification_report}).
 *
 * <pre>
 *   M[t][p]        number of examples of true class t predicted as class p          M: (C, C)
 *   accuracy     = Σ_c M[c][c] / N
 *   precision(c) = M[c][c] / Σ_t M[t][c]      of the examples predicted c, the fraction that are c
 *   recall(c)    = M[c][c] / Σ_p M[c][p]      of the examples of class c, the fraction found
 *   F1(c)        = 2 · precision(c) · recall(c) / (precision(c) + recall(c))
 *   macro-F1     = (1/C) Σ_c F1(c)
 * </pre>
 * A ratio whose denominator is 0 (precision of a class never predicted, recall of a class absent from the
 * set, F1 when precision and recall are both 0) is 0, as scikit-learn's {@code zero_division=0}. For a binary
 * task the figures of the positive class (spam, say) are the usual precision, recall and F1.
 *
 * <p>Immutable.
 */
public final class ClassificationMetrics {

    private final long[][] confusion;   // (C, C): [true][predicted]
    private final long total;

    private ClassificationMetrics(long[][] confusion) {
        this.confusion = confusion;
        long n = 0;
        for (long[] row : confusion) {
            for (long count : row) {
                n += count;
            }
        }
        this.total = n;
    }

    /**
     * Counts the confusion matrix of predictions against the truth.
     *
     * @param truth      N true class indices, each in {@code [0, C)}; not modified
     * @param predicted  N predicted class indices, each in {@code [0, C)}; not modified
     * @param numClasses {@code C}, at least 1
     * @return the metrics
     * @throws IllegalArgumentException if the arrays are null or of different lengths, {@code C < 1}, or a
     *                                  class index is out of range
     */
    public static ClassificationMetrics of(int[] truth, int[] predicted, int numClasses) {
        if (truth == null || predicted == null) {
            throw new IllegalArgumentException("truth and predicted must not be null");
        }
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth and predicted must have the same length but had "
                    + truth.length + " and " + predicted.length + " entries");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1 but was " + numClasses);
        }
        long[][] confusion = new long[numClasses][numClasses];
        for (int n = 0; n < truth.length; n++) {
            checkClass(truth[n], numClasses, "truth", n);
            checkClass(predicted[n], numClasses, "predicted", n);
            confusion[truth[n]][predicted[n]]++;
        }
        return new ClassificationMetrics(confusion);
    }

    /**
     * Takes a confusion matrix counted elsewhere.
     *
     * @param confusion {@code (C, C)} counts, row = true class, column = predicted class, each ≥ 0; copied,
     *                  not modified
     * @return the metrics
     * @throws IllegalArgumentException if the matrix is empty, not square, or has a negative count
     */
    public static ClassificationMetrics ofConfusionMatrix(long[][] confusion) {
        if (confusion == null || confusion.length == 0) {
            throw new IllegalArgumentException("the confusion matrix must be (C, C) with C ≥ 1 but was "
                    + (confusion == null ? "null" : "empty"));
        }
        int classes = confusion.length;
        long[][] copy = new long[classes][];
        for (int t = 0; t < classes; t++) {
            if (confusion[t] == null || confusion[t].length != classes) {
                throw new IllegalArgumentException("the confusion matrix must be (" + classes + ", " + classes
                        + ") but row " + t + " has " + (confusion[t] == null ? "no" : confusion[t].length) + " entries");
            }
            for (int p = 0; p < classes; p++) {
                if (confusion[t][p] < 0) {
                    throw new IllegalArgumentException("counts must be non-negative but confusion[" + t + "][" + p
                            + "] was " + confusion[t][p]);
                }
            }
            copy[t] = confusion[t].clone();
        }
        return new ClassificationMetrics(copy);
    }

    private static void checkClass(int c, int numClasses, String name, int n) {
        if (c < 0 || c >= numClasses) {
            throw new IllegalArgumentException(name + "[" + n + "] must be a class in [0, " + numClasses
                    + ") but was " + c);
        }
    }

    /**
     * The number of classes.
     *
     * @return {@code C}
     */
    public int numClasses() {
        return confusion.length;
    }

    /**
     * The number of examples counted.
     *
     * @return {@code N}
     */
    public long total() {
        return total;
    }

    /**
     * One entry of the confusion matrix.
     *
     * @param trueClass      the true class, in {@code [0, C)}
     * @param predictedClass the predicted class, in {@code [0, C)}
     * @return the number of examples of {@code trueClass} predicted as {@code predictedClass}
     * @throws IllegalArgumentException if a class is out of range
     */
    public long count(int trueClass, int predictedClass) {
        checkClass(trueClass);
        checkClass(predictedClass);
        return confusion[trueClass][predictedClass];
    }

    /**
     * The confusion matrix.
     *
     * @return a new {@code (C, C)} array, row = true class, column = predicted class
     */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int t = 0; t < confusion.length; t++) {
            copy[t] = confusion[t].clone();
        }
        return copy;
    }

    /**
     * The number of examples of a class in the set.
     *
     * @param c a class in {@code [0, C)}
     * @return {@code Σ_p M[c][p]}
     * @throws IllegalArgumentException if the class is out of range
     */
    public long support(int c) {
        checkClass(c);
        long n = 0;
        for (long count : confusion[c]) {
            n += count;
        }
        return n;
    }

    /**
     * The number of examples predicted as a class.
     *
     * @param c a class in {@code [0, C)}
     * @return {@code Σ_t M[t][c]}
     * @throws IllegalArgumentException if the class is out of range
     */
    public long predictedCount(int c) {
        checkClass(c);
        long n = 0;
        for (long[] row : confusion) {
            n += row[c];
        }
        return n;
    }

    /**
     * The fraction of examples classified correctly.
     *
     * @return {@code Σ_c M[c][c] / N}, or 0 for an empty set
     */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < confusion.length; c++) {
            correct += confusion[c][c];
        }
        return ratio(correct, total);
    }

    /**
     * Precision of a class: of the examples predicted as {@code c}, the fraction that are {@code c}.
     *
     * @param c a class in {@code [0, C)}
     * @return {@code M[c][c] / Σ_t M[t][c]}, or 0 if nothing was predicted as {@code c}
     * @throws IllegalArgumentException if the class is out of range
     */
    public double precision(int c) {
        return ratio(confusion[checkClass(c)][c], predictedCount(c));
    }

    /**
     * Recall of a class: of the examples of class {@code c}, the fraction predicted as {@code c}.
     *
     * @param c a class in {@code [0, C)}
     * @return {@code M[c][c] / Σ_p M[c][p]}, or 0 if the set holds no example of {@code c}
     * @throws IllegalArgumentException if the class is out of range
     */
    public double recall(int c) {
        return ratio(confusion[checkClass(c)][c], support(c));
    }

    /**
     * F1 of a class, the harmonic mean of its precision and recall.
     *
     * @param c a class in {@code [0, C)}
     * @return {@code 2PR / (P + R)}, or 0 if {@code P + R = 0}
     * @throws IllegalArgumentException if the class is out of range
     */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r);
    }

    /**
     * The unweighted mean of the classes' F1.
     *
     * @return {@code (1/C) Σ_c F1(c)}
     */
    public double macroF1() {
        double sum = 0.0;
        for (int c = 0; c < confusion.length; c++) {
            sum += f1(c);
        }
        return sum / confusion.length;
    }

    /**
     * The per-class figures as a text table, one line per class and a last line with the accuracy, as
     * scikit-learn's {@code classification_report}:
     * <pre>
     *   class      precision  recall  f1      support
     *   ham        0.9917     0.9979  0.9948      966
     *   spam       0.9858     0.9456  0.9653      149
     *   accuracy                      0.9910     1115
     * </pre>
     *
     * @param classNames the names of the C classes, in class order; not modified
     * @return the table, lines separated by {@code \n}, without a final line end
     * @throws IllegalArgumentException if there are not C names
     */
    public String report(List<String> classNames) {
        int width = nameWidth(classNames, "accuracy");
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s  %-9s  %-6s  %-6s  %7s",
                "class", "precision", "recall", "f1", "support"));
        for (int c = 0; c < confusion.length; c++) {
            s.append('\n').append(String.format(Locale.ROOT, "%-" + width + "s  %-9.4f  %-6.4f  %-6.4f  %7d",
                    classNames.get(c), precision(c), recall(c), f1(c), support(c)));
        }
        s.append('\n').append(String.format(Locale.ROOT, "%-" + width + "s  %-9s  %-6s  %-6.4f  %7d",
                "accuracy", "", "", accuracy(), total));
        return s.toString();
    }

    /**
     * The confusion matrix as a text table, rows the true classes, columns the predicted ones:
     * <pre>
     *   true \ predicted   ham  spam
     *   ham                964     2
     *   spam                 8   141
     * </pre>
     *
     * @param classNames the names of the C classes, in class order; not modified
     * @return the table, lines separated by {@code \n}, without a final line end
     * @throws IllegalArgumentException if there are not C names
     */
    public String confusionTable(List<String> classNames) {
        String corner = "true \\ predicted";
        int width = nameWidth(classNames, corner);
        int[] columns = new int[confusion.length];
        for (int p = 0; p < confusion.length; p++) {
            columns[p] = Math.max(classNames.get(p).length(), Long.toString(predictedCount(p)).length());
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", corner));
        for (int p = 0; p < confusion.length; p++) {
            s.append(String.format(Locale.ROOT, "  %" + columns[p] + "s", classNames.get(p)));
        }
        for (int t = 0; t < confusion.length; t++) {
            s.append('\n').append(String.format(Locale.ROOT, "%-" + width + "s", classNames.get(t)));
            for (int p = 0; p < confusion.length; p++) {
                s.append(String.format(Locale.ROOT, "  %" + columns[p] + "d", confusion[t][p]));
            }
        }
        return s.toString();
    }

    /**
     * The counts, for logs and test failures.
     *
     * @return e.g. {@code ClassificationMetrics[N=1115, C=2, confusion=[[964, 2], [8, 141]]]}
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ClassificationMetrics[N=").append(total).append(", C=")
                .append(confusion.length).append(", confusion=[");
        for (int t = 0; t < confusion.length; t++) {
            s.append(t == 0 ? "" : ", ").append(Arrays.toString(confusion[t]));
        }
        return s.append("]]").toString();
    }

    private int nameWidth(List<String> classNames, String header) {
        if (classNames == null || classNames.size() != confusion.length) {
            throw new IllegalArgumentException("classNames must hold " + confusion.length + " names but held "
                    + (classNames == null ? "null" : classNames.size()));
        }
        int width = header.length();
        for (String name : classNames) {
            width = Math.max(width, name.length());
        }
        return width;
    }

    private int checkClass(int c) {
        if (c < 0 || c >= confusion.length) {
            throw new IllegalArgumentException("class must be in [0, " + confusion.length + ") but was " + c);
        }
        return c;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }
}
