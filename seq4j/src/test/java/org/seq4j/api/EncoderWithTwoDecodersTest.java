package org.seq4j.api;

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
import org.seq4j.rnn.RecurrentLayer;
import org.seq4j.tensor.Tensors;

/**
 * Done-when (b) of the composable-modules issue, from the public API only: an encoder with two decoders run
 * before any backward (the shape of Skip-Thoughts). A GRU encoder reads a batch of variable-length
 * sentences; two GRU decoders (the previous and the next sentence) start from its final state; one
 * embedding table serves all three and one output layer both decoders; the loss is the sum of both
 * decoders' mean cross-entropy. Backward adds both decoders' {@code dh0} into the gradient of the encoder's
 * final state. Matches PyTorch ({@code two_decoders} in {@code make_composition_fixtures.py}) and passes a
 * gradient check.
 */
class EncoderWithTwoDecodersTest {

    private static final int V = 7;
    private static final int E = 4;
    private static final int H = 5;
    private static final int B = 3;

    /** The model and one batch: forward returns the loss, backward fills every parameter's gradient. */
    private static final class Model {
        final Embedding embedding = new Embedding(V, E, 0, new SplittableRandom(1));
        final RecurrentLayer encoder = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, E, H), 2);
        final RecurrentLayer decoderPrev = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, E, H), 3);
        final RecurrentLayer decoderNext = new RecurrentLayer(RecurrentConfig.of(CellType.GRU, E, H), 4);
        final Linear output = new Linear(H, V, new SplittableRandom(5));
        final CrossEntropyLoss crossEntropy = new CrossEntropyLoss();   // mean, ignore_index −100
        final Parameters parameters = new Parameters()
                .addAll("embedding.", embedding.parameters())
                .addAll("encoder.", encoder.parameters())
                .addAll("decoder_prev.", decoderPrev.parameters())
                .addAll("decoder_next.", decoderNext.parameters())
                .addAll("output.", output.parameters());

        // the batch: token indices, time-major (t·B + b)
        final int[] source;
        final int[] lengths;
        final Decoder prev;
        final Decoder next;
        // source embeddings: (T_enc·B, E)
        final FMatrixRMaj sourceEmbedded;
        final FMatrixRMaj dThought = new FMatrixRMaj(B, H);
        RecurrentLayer.Cache encoded;

        Model(TensorFile fixture) {
            ApiFixtures.loadParameters(parameters, fixture);
            source = ApiFixtures.ints(fixture, "encoder_input");
            lengths = ApiFixtures.ints(fixture, "encoder_lengths");
            sourceEmbedded = new FMatrixRMaj(source.length, E);
            prev = new Decoder(decoderPrev, ApiFixtures.ints(fixture, "prev_input"),
                    ApiFixtures.ints(fixture, "prev_target"));
            next = new Decoder(decoderNext, ApiFixtures.ints(fixture, "next_input"),
                    ApiFixtures.ints(fixture, "next_target"));
        }

        /** One decoder with its batch and buffers. */
        final class Decoder {
            final RecurrentLayer layer;
            final int[] input;
            final int[] target;
            final FMatrixRMaj embedded;       // (T·B, E)
            final FMatrixRMaj probabilities;  // (T·B, V) logits, then softmax
            final FMatrixRMaj dLogits;        // (T·B, V)
            final FMatrixRMaj dOutput;        // (T·B, H)
            RecurrentLayer.Cache cache;

            Decoder(RecurrentLayer layer, int[] input, int[] target) {
                this.layer = layer;
                this.input = input;
                this.target = target;
                this.embedded = new FMatrixRMaj(input.length, E);
                this.probabilities = new FMatrixRMaj(input.length, V);
                this.dLogits = new FMatrixRMaj(input.length, V);
                this.dOutput = new FMatrixRMaj(input.length, H);
            }

            /** Teacher-forced decoder from the thought vector h0 (1·B, H); returns its mean cross-entropy. */
            double forward(FMatrixRMaj h0) {
                embedding.forward(input, embedded);
                cache = layer.forward(embedded, B, null, h0, null, null, cache);
                output.forward(cache.output(), probabilities);
                return crossEntropy.forward(probabilities, target, probabilities);
            }

            /** Adds into the decoder's, the output layer's and the embedding's gradients; returns dh0. */
            FMatrixRMaj backward() {
                crossEntropy.backward(probabilities, target, 1.0, dLogits);
                output.backward(cache.output(), dLogits, dOutput);
                layer.backward(cache, dOutput, null, null);
                embedding.backward(input, cache.dx());
                return cache.dh0();
            }
        }

        double forward() {
            embedding.forward(source, sourceEmbedded);
            encoded = encoder.forward(sourceEmbedded, B, lengths, null, null, null, encoded);
            FMatrixRMaj thought = encoded.finalHidden();   // (1·B, H): each sentence's state after its last token
            // both decoders run before any backward
            return prev.forward(thought) + next.forward(thought);
        }

        void backward() {
            // the thought vector feeds both decoders: its gradient is the sum of their dh0
            Tensors.add(prev.backward(), next.backward(), dThought);
            encoder.backward(encoded, null, dThought, null);
            embedding.backward(source, encoded.dx());
        }

        void gradients() {
            parameters.zeroGrad();
            forward();
            backward();
        }
    }

    private static TensorFile fixture() {
        return ApiFixtures.load("/fixtures/composition/two_decoders.safetensors");
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
