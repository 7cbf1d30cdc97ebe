package org.seq4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    private static final double EXACT = 1e-12;

    @Test
    void binaryFiguresMatchTheHandCount() {
        // 10 examples, positive class 1: TP = 3, FN = 1, FP = 2, TN = 4
        int[] truth = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
        int[] predicted = {1, 1, 1, 0, 1, 1, 0, 0, 0, 0};
        ClassificationMetrics m = ClassificationMetrics.of(truth, predicted, 2);
        assertArrayEquals(new long[][] {{4, 2}, {1, 3}}, m.confusionMatrix());
        assertEquals(10, m.total());
        assertEquals(0.7, m.accuracy(), EXACT);
        assertEquals(3.0 / 5, m.precision(1), EXACT);
        assertEquals(3.0 / 4, m.recall(1), EXACT);
        assertEquals(2 * 0.6 * 0.75 / 1.35, m.f1(1), EXACT);        // = 2/3
        assertEquals(4.0 / 5, m.precision(0), EXACT);
        assertEquals(4.0 / 6, m.recall(0), EXACT);
        assertEquals(2 * 0.8 * (4.0 / 6) / (0.8 + 4.0 / 6), m.f1(0), EXACT);
        assertEquals((m.f1(0) + m.f1(1)) / 2, m.macroF1(), EXACT);
        assertEquals(4, m.support(1));
        assertEquals(5, m.predictedCount(1));
        assertEquals(2, m.count(0, 1));
    }

    @Test
    void multiClassFiguresMatchTheHandCount() {
        int[] truth = {0, 0, 1, 1, 1, 2, 2, 2, 2};
        int[] predicted = {0, 1, 1, 1, 2, 2, 2, 0, 2};
        ClassificationMetrics m = ClassificationMetrics.of(truth, predicted, 3);
        assertArrayEquals(new long[][] {{1, 1, 0}, {0, 2, 1}, {1, 0, 3}}, m.confusionMatrix());
        assertEquals(6.0 / 9, m.accuracy(), EXACT);
        assertEquals(1.0 / 2, m.precision(0), EXACT);
        assertEquals(2.0 / 3, m.precision(1), EXACT);
        assertEquals(3.0 / 4, m.precision(2), EXACT);
        assertEquals(1.0 / 2, m.recall(0), EXACT);
        assertEquals(2.0 / 3, m.recall(1), EXACT);
        assertEquals(3.0 / 4, m.recall(2), EXACT);
        assertEquals((0.5 + 2.0 / 3 + 0.75) / 3, m.macroF1(), EXACT);   // P = R per class, so F1 = P
    }

    @Test
    void undefinedRatiosAreZero() {
        // class 2 never occurs and is never predicted; class 1 is never predicted
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1}, new int[] {0, 0}, 3);
        assertEquals(0.0, m.precision(1));
        assertEquals(0.0, m.recall(1));
        assertEquals(0.0, m.f1(1));
        assertEquals(0.0, m.precision(2));
        assertEquals(0.0, m.recall(2));
        assertEquals(0.5, m.precision(0), EXACT);
        assertEquals(1.0, m.recall(0), EXACT);
        assertEquals(0.0, ClassificationMetrics.of(new int[0], new int[0], 2).accuracy());
    }

    @Test
    void aConfusionMatrixGivesTheSameFigures() {
        int[] truth = {1, 1, 0, 0, 0};
        int[] predicted = {1, 0, 0, 1, 0};
        ClassificationMetrics counted = ClassificationMetrics.of(truth, predicted, 2);
        ClassificationMetrics given = ClassificationMetrics.ofConfusionMatrix(new long[][] {{2, 1}, {1, 1}});
        assertEquals(counted.toString(), given.toString());
        assertEquals(counted.f1(1), given.f1(1), EXACT);
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.ofConfusionMatrix(new long[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.ofConfusionMatrix(new long[][] {{1, -1}, {0, 0}}));
    }

    @Test
    void tablesNameTheClasses() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 0, 1, 1, 1}, new int[] {0, 1, 1, 1, 0}, 2);
        assertEquals(String.join("\n",
                "true \\ predicted  ham  spam",
                "ham                 1     1",
                "spam                1     2"), m.confusionTable(List.of("ham", "spam")));
        assertEquals(String.join("\n",
                "class     precision  recall  f1      support",
                "ham       0.5000     0.5000  0.5000        2",
                "spam      0.6667     0.6667  0.6667        3",
                "accuracy                     0.6000        5"), m.report(List.of("ham", "spam")));
        assertThrows(IllegalArgumentException.class, () -> m.report(List.of("ham")));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[2], new int[3], 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.of(new int[] {0, 2}, new int[] {0, 1}, 2));
        assertEquals("truth[1] must be a class in [0, 2) but was 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[1], new int[1], 0));
        ClassificationMetrics m = ClassificationMetrics.of(new int[1], new int[1], 2);
        assertThrows(IllegalArgumentException.class, () -> m.precision(2));
    }
}
