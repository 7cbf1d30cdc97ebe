package org.seq4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.data.TokenBatch;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameters;
import org.seq4j.optim.Adam;
import org.seq4j.optim.AdamConfig;
import org.seq4j.optim.GradientClipping;
import org.seq4j.optim.Optimizer;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.LastStep;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.rnn.RecurrentStack;

/**
 * The compositions of docs/composing.md, run: every {@code java} block of that page stands in this file
 * verbatim ({@link #docsShowOnlyCodeThatIsCompiledHere}), inside methods that train each model a little and
 * check that it learns or that its gradients are right.
 */
class ComposingTest {

    // Shape letters of the snippets: B batch, T time, V vocabulary, E embedding, H hidden, C classes.
    private static final int V = 12;
    private static final int E = 8;
    private static final int H = 16;
    private static final int C = 3;

    /** Sequences of tokens 1..V−1 (0 is padding) whose class is the first token mod C. */
    private static int[][] sequences(SplittableRandom random, int count, int maxLength) {
        int[][] sequences = new int[count][];
        for (int i = 0; i < count; i++) {
            sequences[i] = new int[1 + random.nextInt(maxLength)];
            for (int t = 0; t < sequences[i].length; t++) {
                sequences[i][t] = 1 + random.nextInt(V - 1);
            }
        }
        return sequences;
    }

    // ------------------------------------------------------------------------------------------------
    // N→1: a classifier over variable-length sequences

    /** The classifier of the page, its buffers, and one training step. */
    private static final class Classifier {
        final Embedding embedding;
        final RecurrentLayer gru;
        final LastStep last;
        final Linear fc;
        final CrossEntropyLoss loss;
        final Parameters model;
        final RecurrentLayer.Cache rnn;
        final LastStep.Cache summary;

        Classifier() {
            SplittableRandom random = new SplittableRandom(1);
            // Embedding → GRU → each sequence's last state → Linear → weighted cross-entropy
            embedding = new Embedding(V, E, 0, random);                  // index 0 is padding
            RecurrentConfig config = RecurrentConfig.of(CellType.GRU, E, H);
            gru = new RecurrentLayer(config, 2);
            last = new LastStep(config);                                  // PyTorch's h_n of the top layer
            fc = new Linear(last.outputSize(), C, random);
            loss = CrossEntropyLoss.builder().classWeights(1f, 2f, 1f).build();
            model = new Parameters().addAll("embedding.", embedding.parameters())
                    .addAll("rnn.", gru.parameters()).addAll("fc.", fc.parameters());
            rnn = gru.newCache();                                         // one cache per forward kept alive
            summary = last.newCache();
        }

        double step(TokenBatch batch, int[] labels) {
            int b = batch.batchSize();
            int[] tokens = batch.tokens();                                // (T·B), time-major, padded with 0
            FMatrixRMaj x = new FMatrixRMaj(tokens.length, E);            // (T·B, E)
            FMatrixRMaj logits = new FMatrixRMaj(b, C);                   // (B, C)
            FMatrixRMaj probabilities = new FMatrixRMaj(b, C);
            FMatrixRMaj dLogits = new FMatrixRMaj(b, C);
            FMatrixRMaj dSummary = new FMatrixRMaj(b, last.outputSize());
            FMatrixRMaj dx = new FMatrixRMaj(tokens.length, E);

            // forward
            embedding.forward(tokens, x);
            gru.forward(x, b, batch.lengths(), null, null, null, rnn);
            last.forward(rnn.output(), b, batch.lengths(), summary);     // (B, H)
            fc.forward(summary.summary(), logits);
            double value = loss.forward(logits, labels, probabilities);

            // backward: every backward adds into the parameters' gradients
            model.zeroGrad();
            loss.backward(probabilities, labels, 1.0, dLogits);
            fc.backward(summary.summary(), dLogits, dSummary);
            last.backward(summary, dSummary);                             // scatters into (T·B, H)
            gru.backward(rnn, summary.dOutput(), null, null);
            dx.setTo(rnn.dx());
            embedding.backward(tokens, dx);
            return value;
        }
    }

    @Test
    void classifierLearnsAndItsGradientsAreRight() {
        SplittableRandom random = new SplittableRandom(7);
        int[][] data = sequences(random, 8, 6);
        int[] labels = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            labels[i] = data[i][0] % C;
        }
        TokenBatch batch = TokenBatch.of(data, 0);
        Classifier c = new Classifier();

        GradientCheck.builder(() -> c.step(batch, labels)).parameters(c.model).build()
                .run(() -> c.step(batch, labels)).assertPassed();

        Optimizer adam = new Adam(c.model, AdamConfig.adam().learningRate(1e-2).build());
        double first = c.step(batch, labels);
        double latest = first;
        for (int i = 0; i < 60; i++) {
            latest = c.step(batch, labels);
            GradientClipping.clipByGlobalNorm(c.model, 5);
            adam.step();
        }
        assertTrue(latest < 0.3 * first, "loss " + first + " -> " + latest);
    }

    // ------------------------------------------------------------------------------------------------
    // N→N: a tagger, one label per step

    @Test
    void taggerLearnsPerStepLabels() {
        SplittableRandom random = new SplittableRandom(3);
        int[][] data = sequences(random, 6, 7);
        TokenBatch batch = TokenBatch.of(data, 0);
        int b = batch.batchSize();
        int[] tokens = batch.tokens();
        // label of step t: whether the token is even; padded steps get the ignore index
        int[] tags = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            tags[i] = batch.isPadding(i / b, i % b) ? CrossEntropyLoss.DEFAULT_IGNORE_INDEX : tokens[i] % 2;
        }

        SplittableRandom init = new SplittableRandom(5);
        // Embedding → bidirectional LSTM → Linear at every step → cross-entropy, padding ignored
        Embedding embedding = new Embedding(V, E, 0, init);
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, E, H).withBidirectional(true);
        RecurrentLayer lstm = new RecurrentLayer(config, 6);
        Linear fc = new Linear(config.outputSize(), 2, init);            // (2H) → 2 tags
        CrossEntropyLoss loss = new CrossEntropyLoss();                   // ignore_index = -100, as PyTorch
        Parameters model = new Parameters().addAll("embedding.", embedding.parameters())
                .addAll("rnn.", lstm.parameters()).addAll("fc.", fc.parameters());

        FMatrixRMaj x = new FMatrixRMaj(tokens.length, E);                // (T·B, E)
        FMatrixRMaj logits = new FMatrixRMaj(tokens.length, 2);           // (T·B, 2)
        FMatrixRMaj probabilities = new FMatrixRMaj(tokens.length, 2);
        FMatrixRMaj dLogits = new FMatrixRMaj(tokens.length, 2);
        FMatrixRMaj dOutput = new FMatrixRMaj(tokens.length, config.outputSize());
        RecurrentLayer.Cache rnn = lstm.newCache();
        Optimizer adam = new Adam(model, AdamConfig.adam().learningRate(1e-2).build());
        double first = Double.NaN;
        double latest = Double.NaN;
        for (int step = 0; step < 80; step++) {
            embedding.forward(tokens, x);
            lstm.forward(x, b, batch.lengths(), null, null, null, rnn);
            fc.forward(rnn.output(), logits);                             // padded rows of output are zero
            latest = loss.forward(logits, tags, probabilities);          // mean over the real steps

            model.zeroGrad();
            loss.backward(probabilities, tags, 1.0, dLogits);             // zero rows at padded steps
            fc.backward(rnn.output(), dLogits, dOutput);
            lstm.backward(rnn, dOutput, null, null);
            embedding.backward(tokens, rnn.dx());
            adam.step();
            first = step == 0 ? latest : first;
        }
        assertTrue(latest < 0.2 * first, "loss " + first + " -> " + latest);
    }

    // ------------------------------------------------------------------------------------------------
    // Encoder-decoder: the decoder starts from the encoder's final state

    /** A GRU encoder and decoder sharing one embedding, the loss of one batch, and its gradients. */
    private static final class EncoderDecoder {
        final Embedding embedding;
        final RecurrentLayer encoder;
        final RecurrentLayer decoder;
        final Linear out;
        final CrossEntropyLoss loss = new CrossEntropyLoss();
        final Parameters model;

        EncoderDecoder() {
            SplittableRandom random = new SplittableRandom(11);
            embedding = new Embedding(V, E, 0, random);
            encoder = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, E, H), 12);
            decoder = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, E, H), 13);
            out = new Linear(H, V, random);
            model = new Parameters().addAll("embedding.", embedding.parameters())
                    .addAll("encoder.", encoder.parameters()).addAll("decoder.", decoder.parameters())
                    .addAll("out.", out.parameters());
        }

        double step(TokenBatch source, TokenBatch decoderInput, int[] targets) {
            int b = source.batchSize();
            FMatrixRMaj xs = new FMatrixRMaj(source.tokens().length, E);          // (S·B, E)
            FMatrixRMaj xt = new FMatrixRMaj(decoderInput.tokens().length, E);    // (T·B, E)
            FMatrixRMaj logits = new FMatrixRMaj(targets.length, V);              // (T·B, V)
            FMatrixRMaj probabilities = new FMatrixRMaj(targets.length, V);
            FMatrixRMaj dLogits = new FMatrixRMaj(targets.length, V);
            FMatrixRMaj dDecoderOutput = new FMatrixRMaj(targets.length, H);

            embedding.forward(source.tokens(), xs);
            RecurrentLayer.Cache enc = encoder.forward(xs, b, source.lengths(), null, null, null, null);
            embedding.forward(decoderInput.tokens(), xt);
            // the decoder's h0 is the encoder's final state: (L·B, H), each sequence's own last step
            RecurrentLayer.Cache dec = decoder.forward(xt, b, decoderInput.lengths(), enc.finalHidden(),
                    null, null, null);
            out.forward(dec.output(), logits);
            double value = loss.forward(logits, targets, probabilities);

            model.zeroGrad();
            loss.backward(probabilities, targets, 1.0, dLogits);
            out.backward(dec.output(), dLogits, dDecoderOutput);
            decoder.backward(dec, dDecoderOutput, null, null);
            embedding.backward(decoderInput.tokens(), dec.dx());
            // the gradient reaches the encoder through the decoder's initial state
            encoder.backward(enc, null, dec.dh0(), null);
            embedding.backward(source.tokens(), enc.dx());
            return value;
        }
    }

    @Test
    void encoderDecoderGradientsFlowThroughTheInitialState() {
        SplittableRandom random = new SplittableRandom(21);
        int[][] sources = sequences(random, 4, 5);
        int[][] inputs = new int[sources.length][];
        int[][] outputs = new int[sources.length][];
        int bos = 1;
        int eos = 2;
        for (int i = 0; i < sources.length; i++) {
            // copy the source: decoder input <bos> y1..yn, targets y1..yn <eos>
            int n = sources[i].length;
            inputs[i] = new int[n + 1];
            outputs[i] = new int[n + 1];
            inputs[i][0] = bos;
            System.arraycopy(sources[i], 0, inputs[i], 1, n);
            System.arraycopy(sources[i], 0, outputs[i], 0, n);
            outputs[i][n] = eos;
        }
        TokenBatch source = TokenBatch.of(sources, 0);
        TokenBatch decoderInput = TokenBatch.of(inputs, 0);
        TokenBatch decoderOutput = TokenBatch.of(outputs, 0);
        int[] targets = decoderOutput.tokens().clone();
        for (int i = 0; i < targets.length; i++) {
            if (decoderOutput.isPadding(i / decoderOutput.batchSize(), i % decoderOutput.batchSize())) {
                targets[i] = CrossEntropyLoss.DEFAULT_IGNORE_INDEX;
            }
        }
        EncoderDecoder model = new EncoderDecoder();
        GradientCheck.builder(() -> model.step(source, decoderInput, targets)).parameters(model.model).build()
                .run(() -> model.step(source, decoderInput, targets)).assertPassed();
        double before = GradientClipping.globalNorm(new Parameters().addAll("", model.encoder.parameters()));
        assertTrue(before > 0, "the encoder receives gradient through dh0");
    }

    // ------------------------------------------------------------------------------------------------
    // A step-by-step decoder: teacher forcing one step at a time, backward in reverse

    @Test
    void stepByStepDecoderEqualsTheSequenceLayer() {
        int b = 3;
        int steps = 4;
        RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, E, H).withNumLayers(2);
        RecurrentLayer layer = new RecurrentLayer(config, 31);
        SplittableRandom random = new SplittableRandom(32);
        FMatrixRMaj[] xs = new FMatrixRMaj[steps];
        FMatrixRMaj[] dOutputs = new FMatrixRMaj[steps];
        FMatrixRMaj sequence = new FMatrixRMaj(steps * b, E);
        FMatrixRMaj dSequence = new FMatrixRMaj(steps * b, H);
        for (int t = 0; t < steps; t++) {
            xs[t] = new FMatrixRMaj(b, E);
            dOutputs[t] = new FMatrixRMaj(b, H);
            for (int i = 0; i < b * E; i++) {
                xs[t].data[i] = (float) random.nextDouble(-1, 1);
                sequence.data[t * b * E + i] = xs[t].data[i];
            }
            for (int i = 0; i < b * H; i++) {
                dOutputs[t].data[i] = (float) random.nextDouble(-1, 1);
                dSequence.data[t * b * H + i] = dOutputs[t].data[i];
            }
        }
        // the same weights stepped one step at a time
        RecurrentStack stack = new RecurrentStack(layer);
        RecurrentStack.Cache[] caches = new RecurrentStack.Cache[steps];
        for (int t = 0; t < steps; t++) {
            caches[t] = stack.newCache();
        }

        // forward: step t reads the state step t − 1 left (null: zeros)
        FMatrixRMaj h = null;                                             // (L·B, H)
        FMatrixRMaj c = null;                                             // (L·B, H), LSTM only
        for (int t = 0; t < steps; t++) {
            stack.forward(xs[t], h, c, null, caches[t]);                  // null random: no dropout
            h = caches[t].hidden();
            c = caches[t].cellState();
            // caches[t].output(): (B, H), the top layer's h_t, e.g. for attention and the output layer
        }
        // backward: in reverse, carrying dh and dc from step t + 1 to step t
        stack.parameters().zeroGrad();
        FMatrixRMaj dh = null;
        FMatrixRMaj dc = null;
        for (int t = steps - 1; t >= 0; t--) {
            stack.backward(caches[t], dOutputs[t], dh, dc);               // adds into the gradients
            dh = caches[t].dhPrev();
            dc = caches[t].dcPrev();
        }

        FMatrixRMaj stepGradient = layer.parameters().get("weight_hh_l1").grad().copy();
        layer.parameters().zeroGrad();
        RecurrentLayer.Cache whole = layer.forward(sequence, b);
        layer.backward(whole, dSequence, null, null);
        FMatrixRMaj sequenceGradient = layer.parameters().get("weight_hh_l1").grad();
        for (int i = 0; i < stepGradient.getNumElements(); i++) {
            assertEquals(sequenceGradient.data[i], stepGradient.data[i], 1e-5, "weight_hh_l1 gradient " + i);
        }
        for (int i = 0; i < b * H; i++) {
            assertEquals(whole.finalHidden().data[b * H + i], h.data[b * H + i], 1e-6, "final top state " + i);
        }
    }

    // ------------------------------------------------------------------------------------------------

    @Test
    void docsShowOnlyCodeThatIsCompiledHere() throws java.io.IOException {
        String page = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/composing.md"));
        String source = normalise(java.nio.file.Files.readString(
                java.nio.file.Path.of("src/test/java/org/seq4j/api/ComposingTest.java")));
        java.util.regex.Matcher blocks = java.util.regex.Pattern.compile("```java\\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(page);
        int count = 0;
        while (blocks.find()) {
            count++;
            String block = normalise(blocks.group(1));
            assertTrue(source.contains(block), "docs/composing.md block " + count + " is not in ComposingTest:\n"
                    + blocks.group(1));
        }
        assertTrue(count >= 4, "found " + count + " java blocks in docs/composing.md");
    }

    /** Lines stripped of leading and trailing blanks, blank lines dropped. */
    private static String normalise(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                out.append(trimmed).append('\n');
            }
        }
        return out.toString();
    }
}
