package org.seq4j.examples.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.data.BucketBatcher;
import org.seq4j.data.TokenBatch;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.Optimizer;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.LastStep;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;

class RnnClassifierTest {

    private static final int V = 9;       // ids 1..8 are words, 0 is <pad>
    private static final int PAD = 0;

    /** Sequences of words 1..V−1 of lengths 1..maxLength; the class is 1 if word 1 occurs, else 0. */
    private static int[][] sequences(int count, int maxLength, int[] labels, SplittableRandom random) {
        int[][] s = new int[count][];
        for (int i = 0; i < count; i++) {
            s[i] = new int[1 + random.nextInt(maxLength)];
            for (int t = 0; t < s[i].length; t++) {
                s[i][t] = 1 + random.nextInt(V - 1);
                labels[i] |= s[i][t] == 1 ? 1 : 0;
            }
        }
        return s;
    }

    @Test
    void gradientsOfTheWholeClassifierAreRight() {
        for (CellType cell : new CellType[] {CellType.GRU, CellType.LSTM}) {
            for (boolean bidirectional : new boolean[] {false, true}) {
                SplittableRandom random = new SplittableRandom(cell.ordinal() * 2 + (bidirectional ? 1 : 0));
                int[] labels = new int[5];
                int[][] data = sequences(labels.length, 6, labels, random);
                TokenBatch batch = TokenBatch.of(data, PAD);
                RecurrentConfig config = RecurrentConfig.of(cell, 4, 5).withBidirectional(bidirectional);
                RnnClassifier model = new RnnClassifier(config, V, PAD, 2, 0.25f, 3);
                CrossEntropyLoss loss = CrossEntropyLoss.builder().classWeights(0.7f, 1.9f).build();
                // the same dropout mask in every evaluation: a new stream of one seed each time
                GradientCheck.builder(() -> model.loss(batch, labels, loss, new SplittableRandom(11)))
                        .parameters(model.parameters).build()
                        .run(() -> {
                            model.parameters.zeroGrad();
                            model.forwardBackward(batch, labels, loss, new SplittableRandom(11));
                        }).assertPassed();
            }
        }
    }

    @Test
    void learnsToSpotAWordAndReusesTheCachesOfEachShape() {
        SplittableRandom random = new SplittableRandom(4);
        int[] labels = new int[96];
        int[][] data = sequences(labels.length, 10, labels, random);
        RnnClassifier model = new RnnClassifier(RecurrentConfig.of(CellType.GRU, 8, 12), V, PAD, 2, 0f, 5);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        Optimizer adam = new Adam(model.parameters, AdamConfig.adam().learningRate(2e-2).build());
        BucketBatcher batcher = BucketBatcher.builder(data).batchSize(16).padIndex(PAD).seed(1).bucketBatches(1)
                .build();
        for (int epoch = 0; epoch < 15; epoch++) {
            for (TokenBatch batch : batcher.epoch(epoch)) {
                model.parameters.zeroGrad();
                model.forwardBackward(batch, labels, loss, random);
                adam.step();
            }
        }
        // lengths 1..10 in batches of 16, rounded up to multiples of 4: at most 3 shapes
        assertTrue(model.numWorkspaces() <= 3, "shapes: " + model.numWorkspaces());
        int[] predicted = new int[data.length];
        for (TokenBatch batch : batcher.epoch(0)) {
            model.predict(batch, predicted);
        }
        int correct = 0;
        for (int i = 0; i < data.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        assertTrue(correct >= 0.95 * data.length, correct + " of " + data.length + " correct");
    }

    @Test
    void paddingUpToTheWorkspaceShapeChangesNothing() {
        // longest length 5: the batch runs in a workspace of T' = 8 steps, 3 of them padding for every sequence
        int[][] data = {{3, 1, 4, 1, 5}, {2, 6}};
        int[] labels = {1, 0};
        RnnClassifier model = new RnnClassifier(RecurrentConfig.of(CellType.LSTM, 4, 6).withBidirectional(true),
                V, PAD, 2, 0f, 7);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        TokenBatch batch = TokenBatch.of(data, PAD);
        double viaWorkspace = model.loss(batch, labels, loss, null);

        // the same modules composed on the batch as it is, T = 5
        FMatrixRMaj x = new FMatrixRMaj(10, 4);
        model.embedding.forward(batch.tokens(), x);
        RecurrentLayer.Cache rnn = model.rnn.forward(x, 2, batch.lengths(), null, null, null);
        LastStep.Cache last = model.last.forward(rnn.output(), 2, batch.lengths());
        FMatrixRMaj logits = new FMatrixRMaj(2, 2);
        model.fc.forward(last.summary(), logits);
        double reference = loss.forward(logits, labels, new FMatrixRMaj(2, 2));
        assertEquals(reference, viaWorkspace, 1e-6);
        assertEquals(1, model.numWorkspaces());
    }
}
