package org.seq4j.api;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.seq4j.check.GradientCheck;
import org.seq4j.io.TensorFile;
import org.seq4j.nn.CrossEntropyLoss;
import org.seq4j.nn.Embedding;
import org.seq4j.nn.Linear;
import org.seq4j.nn.Parameters;
import org.seq4j.rnn.CellType;
import org.seq4j.rnn.RecurrentConfig;
import org.seq4j.rnn.RecurrentInit;
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.rnn.RecurrentStack;
import org.seq4j.tensor.Tensors;

/**
 * Done-when (c) of the composable-modules issue, from the public API only: a step-by-step LSTM decoder with
 * input feeding and Luong et al. (2015) global dot attention, built from {@link RecurrentStack},
 * {@link Linear} and {@link Embedding}, as OpenNMT builds it:
 * <pre>
 *   memory, (h, c) = encoder(srcEmbedding(source))          memory: (S·B, H), h, c: (L·B, H)
 *   h~_{−1} = 0
 *   x_t   = [tgtEmbedding(y_t) | h~_{t−1}]                   (B, E + H)       input feeding
 *   h_t   = decoder.step(x_t), dropout masks between its layers given explicitly
 *   a_t   = softmax_s(memory_s · h_t)                        (B, S)           dot scores
 *   c_t   = Σ_s a_t(s) · memory_s                            (B, H)           context
 *   h~_t  = tanh(W_c [c_t | h_t])                            (B, H)           attentional vector
 *   loss  = mean cross-entropy(output(h~_t), target_t) over all t (padding ignored)
 * </pre>
 * Backward walks the steps in reverse: the gradient into {@code h~_t} comes from the output layer and from
 * the input of step {@code t+1}; the decoder's {@code dhPrev}/{@code dcPrev} are carried back, and at
 * {@code t = 0} become the gradient of the encoder's final state, the attention's gradient into the memory
 * its output gradient. Matches PyTorch ({@code input_feeding} in {@code make_composition_fixtures.py}) and
 * passes a gradient check.
 */
class InputFeedingDecoderTest {

    private static final int E = 4;
    private static final int H = 5;
    private static final int L = 2;
    private static final int B = 3;

    private static final class Model {
        final TensorFile fixture;
        final int sourceVocabulary;
        final int targetVocabulary;
        final Embedding srcEmbedding;
        final Embedding tgtEmbedding;
        final RecurrentLayer encoder;
        final RecurrentStack decoder;
        final Linear attnCombine = new Linear(2 * H, H, false, new SplittableRandom(5));   // W_c
        final Linear output;
        final CrossEntropyLoss crossEntropy = new CrossEntropyLoss();
        final Parameters parameters;

        // the batch, time-major: source (S·B), targetInput and target (T·B)
        final int[] source;
        final int[] targetInput;
        final int[] target;
        final int sourceSteps;
        final int steps;
        final FMatrixRMaj[] masks;             // per step ((L−1)·B, H)

        // forward buffers
        final FMatrixRMaj sourceEmbedded;      // (S·B, E)
        final FMatrixRMaj targetEmbedded;      // (T·B, E)
        final FMatrixRMaj[] x;                 // per step (B, E + H)
        final FMatrixRMaj[] weights;           // per step (B, S), attention weights a_t
        final FMatrixRMaj[] joined;            // per step (B, 2H) = [c_t | h_t]
        final FMatrixRMaj attentional;         // (T·B, H), row t·B + b: h~_t
        final FMatrixRMaj probabilities;       // (T·B, V)
        final RecurrentStack.Cache[] decoded;  // per step, caller-owned
        RecurrentLayer.Cache encoded;

        // backward buffers
        final FMatrixRMaj dLogits;             // (T·B, V)
        final FMatrixRMaj dAttentionalAll;     // (T·B, H)
        final FMatrixRMaj dAttentional = new FMatrixRMaj(B, H);
        final FMatrixRMaj dJoined = new FMatrixRMaj(B, 2 * H);
        final FMatrixRMaj dTop = new FMatrixRMaj(B, H);
        final FMatrixRMaj dWeights;            // (B, S)
        final FMatrixRMaj dScores;             // (B, S)
        final FMatrixRMaj dMemory;             // (S·B, H)
        final FMatrixRMaj dTargetEmbedded;     // (T·B, E)
        final FMatrixRMaj dFeed = new FMatrixRMaj(B, H);

        Model(TensorFile fixture) {
            this.fixture = fixture;
            sourceVocabulary = Integer.parseInt(fixture.metadata().get("source_vocabulary"));
            targetVocabulary = Integer.parseInt(fixture.metadata().get("target_vocabulary"));
            srcEmbedding = new Embedding(sourceVocabulary, E, new SplittableRandom(1));
            tgtEmbedding = new Embedding(targetVocabulary, E, new SplittableRandom(2));
            encoder = new RecurrentLayer(RecurrentConfig.of(CellType.LSTM, E, H).withNumLayers(L), 3);
            decoder = new RecurrentStack(RecurrentConfig.of(CellType.LSTM, E + H, H).withNumLayers(L).withDropout(0.3f),
                    RecurrentInit.pytorchDefault(), new SplittableRandom(4));
            output = new Linear(H, targetVocabulary, new SplittableRandom(6));
            parameters = new Parameters()
                    .addAll("src_embedding.", srcEmbedding.parameters())
                    .addAll("tgt_embedding.", tgtEmbedding.parameters())
                    .addAll("encoder.", encoder.parameters())
                    .addAll("decoder.", decoder.parameters())
                    .addAll("attn_combine.", attnCombine.parameters())
                    .addAll("output.", output.parameters());
            ApiFixtures.loadParameters(parameters, fixture);

            source = ApiFixtures.ints(fixture, "source");
            targetInput = ApiFixtures.ints(fixture, "target_input");
            target = ApiFixtures.ints(fixture, "target");
            sourceSteps = source.length / B;
            steps = targetInput.length / B;
            // dropout_mask [T, L−1, B, H]: step t's rows are that step's ((L−1)·B, H) masks
            FMatrixRMaj allMasks = fixture.get("dropout_mask").toFlattenedMatrix();
            masks = new FMatrixRMaj[steps];
            int perStep = (L - 1) * B * H;
            for (int t = 0; t < steps; t++) {
                masks[t] = new FMatrixRMaj((L - 1) * B, H);
                System.arraycopy(allMasks.data, t * perStep, masks[t].data, 0, perStep);
            }

            sourceEmbedded = new FMatrixRMaj(source.length, E);
            targetEmbedded = new FMatrixRMaj(targetInput.length, E);
            x = new FMatrixRMaj[steps];
            weights = new FMatrixRMaj[steps];
            joined = new FMatrixRMaj[steps];
            for (int t = 0; t < steps; t++) {
                x[t] = new FMatrixRMaj(B, E + H);
                weights[t] = new FMatrixRMaj(B, sourceSteps);
                joined[t] = new FMatrixRMaj(B, 2 * H);
            }
            attentional = new FMatrixRMaj(steps * B, H);
            probabilities = new FMatrixRMaj(steps * B, targetVocabulary);
            decoded = new RecurrentStack.Cache[steps];
            dLogits = new FMatrixRMaj(steps * B, targetVocabulary);
            dAttentionalAll = new FMatrixRMaj(steps * B, H);
            dWeights = new FMatrixRMaj(B, sourceSteps);
            dScores = new FMatrixRMaj(B, sourceSteps);
            dMemory = new FMatrixRMaj(source.length, H);
            dTargetEmbedded = new FMatrixRMaj(targetInput.length, E);
        }

        double forward() {
            srcEmbedding.forward(source, sourceEmbedded);
            encoded = encoder.forward(sourceEmbedded, B, null, null, null, null, encoded);
            FMatrixRMaj memory = encoded.output();
            tgtEmbedding.forward(targetInput, targetEmbedded);
            FMatrixRMaj h = encoded.finalHidden();
            FMatrixRMaj c = encoded.finalCellState();
            FMatrixRMaj attention = new FMatrixRMaj(B, H);   // h~_{t−1}: (B, H), zero before the first step
            FMatrixRMaj preActivation = new FMatrixRMaj(B, H);
            for (int t = 0; t < steps; t++) {
                // x_t = [embedding(y_t) | h~_{t−1}]
                for (int b = 0; b < B; b++) {
                    System.arraycopy(targetEmbedded.data, (t * B + b) * E, x[t].data, b * (E + H), E);
                    System.arraycopy(attention.data, b * H, x[t].data, b * (E + H) + E, H);
                }
                decoded[t] = decoder.forwardWithMasks(x[t], h, c, masks[t], decoded[t]);
                FMatrixRMaj top = decoded[t].output();
                attend(memory, top, weights[t], joined[t]);
                attnCombine.forward(joined[t], preActivation);
                Tensors.tanh(preActivation, attention);
                System.arraycopy(attention.data, 0, attentional.data, t * B * H, B * H);
                h = decoded[t].hidden();
                c = decoded[t].cellState();
            }
            output.forward(attentional, probabilities);
            return crossEntropy.forward(probabilities, target, probabilities);
        }

        /** a = softmax_s(memory_s · h) (B, S); joined (B, 2H) = [Σ_s a(s)·memory_s | h]. */
        private void attend(FMatrixRMaj memory, FMatrixRMaj top, FMatrixRMaj a, FMatrixRMaj joinedOut) {
            for (int b = 0; b < B; b++) {
                for (int s = 0; s < sourceSteps; s++) {
                    float score = 0f;
                    for (int j = 0; j < H; j++) {
                        score += memory.data[(s * B + b) * H + j] * top.data[b * H + j];
                    }
                    a.data[b * sourceSteps + s] = score;
                }
            }
            Tensors.softmaxRows(a, a);
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < H; j++) {
                    float context = 0f;
                    for (int s = 0; s < sourceSteps; s++) {
                        context += a.data[b * sourceSteps + s] * memory.data[(s * B + b) * H + j];
                    }
                    joinedOut.data[b * 2 * H + j] = context;
                    joinedOut.data[b * 2 * H + H + j] = top.data[b * H + j];
                }
            }
        }

        void backward() {
            crossEntropy.backward(probabilities, target, 1.0, dLogits);
            output.backward(attentional, dLogits, dAttentionalAll);
            FMatrixRMaj memory = encoded.output();
            Arrays.fill(dMemory.data, 0f);
            Arrays.fill(dFeed.data, 0f);
            FMatrixRMaj dh = null;
            FMatrixRMaj dc = null;
            FMatrixRMaj attentionT = new FMatrixRMaj(B, H);
            for (int t = steps - 1; t >= 0; t--) {
                // dh~_t: from the output layer, and from the input of step t+1 (input feeding)
                for (int i = 0; i < B * H; i++) {
                    dAttentional.data[i] = dAttentionalAll.data[t * B * H + i] + dFeed.data[i];
                    attentionT.data[i] = attentional.data[t * B * H + i];
                }
                Tensors.tanhBackward(attentionT, dAttentional, dAttentional);
                attnCombine.backward(joined[t], dAttentional, dJoined);
                attendBackward(memory, decoded[t].output(), weights[t], dJoined);
                decoder.backward(decoded[t], dTop, dh, dc);
                FMatrixRMaj dx = decoded[t].dx();   // (B, E + H) = [dEmbedding | dh~_{t−1}]
                for (int b = 0; b < B; b++) {
                    System.arraycopy(dx.data, b * (E + H), dTargetEmbedded.data, (t * B + b) * E, E);
                    System.arraycopy(dx.data, b * (E + H) + E, dFeed.data, b * H, H);
                }
                dh = decoded[t].dhPrev();
                dc = decoded[t].dcPrev();
            }
            tgtEmbedding.backward(targetInput, dTargetEmbedded);
            // the decoder started from the encoder's final state: dh, dc after step 0 are its gradient
            encoder.backward(encoded, dMemory, dh, dc);
            srcEmbedding.backward(source, encoded.dx());
        }

        /**
         * Backward of {@link #attend} given dJoined = [dc_t | dh_t]: adds into dMemory and writes dTop (the
         * whole gradient into h_t).
         * <pre>
         *   da(s)      = dc_t · memory_s                dMemory_s += a(s) · dc_t
         *   dscore     = a ⊙ (da − Σ_s a(s)·da(s))      dMemory_s += dscore(s) · h_t
         *   dh_t       = dJoined[:, H:] + Σ_s dscore(s) · memory_s
         * </pre>
         */
        private void attendBackward(FMatrixRMaj memory, FMatrixRMaj top, FMatrixRMaj a, FMatrixRMaj dJoinedIn) {
            for (int b = 0; b < B; b++) {
                for (int s = 0; s < sourceSteps; s++) {
                    float da = 0f;
                    float weight = a.data[b * sourceSteps + s];
                    for (int j = 0; j < H; j++) {
                        float dContext = dJoinedIn.data[b * 2 * H + j];
                        da += dContext * memory.data[(s * B + b) * H + j];
                        dMemory.data[(s * B + b) * H + j] += weight * dContext;
                    }
                    dWeights.data[b * sourceSteps + s] = da;
                }
            }
            Tensors.softmaxRowsBackward(a, dWeights, dScores);
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < H; j++) {
                    float d = dJoinedIn.data[b * 2 * H + H + j];
                    for (int s = 0; s < sourceSteps; s++) {
                        float dScore = dScores.data[b * sourceSteps + s];
                        d += dScore * memory.data[(s * B + b) * H + j];
                        dMemory.data[(s * B + b) * H + j] += dScore * top.data[b * H + j];
                    }
                    dTop.data[b * H + j] = d;
                }
            }
        }

        void gradients() {
            parameters.zeroGrad();
            forward();
            backward();
        }
    }

    private static TensorFile fixture() {
        return ApiFixtures.load("/fixtures/composition/input_feeding.safetensors");
    }

    @Test
    void matchesPyTorch() {
        TensorFile fixture = fixture();
        Model model = new Model(fixture);
        model.parameters.zeroGrad();
        ApiFixtures.assertLossMatches(fixture, model.forward());
        model.backward();
        ApiFixtures.assertGradientsMatch(model.parameters, fixture);
    }

    @Test
    void passesGradientCheck() {
        Model model = new Model(fixture());
        ApiFixtures.redrawParameters(model.parameters, 1.0, 7);
        GradientCheck.builder(model::forward).parameters(model.parameters).build()
                .run(model::gradients).assertPassed();
    }
}
