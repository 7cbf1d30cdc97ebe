package org.seq4j.lm;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Linear;
import org.seq4j.rnn.FrozenRecurrentLayer;
import org.seq4j.rnn.RecurrentState;
import org.seq4j.kernel.RowArrayMatrix;
import org.seq4j.text.CharacterVocabulary;

/**
 * Generates text from a {@link CharLanguageModel} one code point at a time, carrying the recurrent state
 * from character to character.
 *
 * <pre>{@code
 *   TextGenerator generator = model.generator(SamplingOptions.withTemperature(0.8), new SplitMix64(42));
 *   generator.prime("ROMEO:\n");                       // warms the state up
 *   for (int i = 0; i < 500; i++) {
 *       out.appendCodePoint(generator.next());          // allocates nothing
 *   }
 * }</pre>
 *
 * <p>Each character fed (from the prime, or the previous draw) runs one step of every layer and the
 * decoder; {@link #next()} then draws from the resulting logits with a {@link Sampler}. Without a prime,
 * generation starts as if primed with the vocabulary's first character (a newline for most texts, since
 * ids follow code-point order). The same model, options, seed and prime give the same text.
 *
 * <p>The generator works on a copy of the model's weights taken when it is made, laid out for batch-1
 * steps ({@link FrozenRecurrentLayer}, with the first layer's input products of every character computed
 * once; the decoder weight transposed into a {@link RowArrayMatrix}); it computes the same values as the
 * model's own layers, several times faster. The model is never
 * changed, and changes to it after the generator was made are not seen: to sample from a model trained
 * further, make a new generator. A generator is not thread-safe.
 */
public final class TextGenerator {

    private final CharacterVocabulary vocabulary;
    private final Sampler sampler;
    private final RandomGenerator random;
    private final FrozenRecurrentLayer rnn;
    private final RecurrentState state;
    // decoderT: (H, V) the decoder weight transposed; decoderBias: (V) or null; scratch: (V)
    private final RowArrayMatrix decoderT;
    private final float[] decoderBias;
    private final float[] scratch;
    // top: (1, H) the top layer's hidden state
    private final FMatrixRMaj top;
    // logits: (1, V) the scores of the next character
    private final FMatrixRMaj logits;
    private boolean hasLogits;

    TextGenerator(CharLanguageModel model, SamplingOptions options, RandomGenerator random) {
        if (options == null || random == null) {
            throw new IllegalArgumentException("options and random must not be null");
        }
        this.vocabulary = model.vocabulary();
        CharLmConfig config = model.config();
        this.sampler = new Sampler(config.vocabSize(), options);
        this.random = random;
        // the first layer's input products of every character, computed once
        this.rnn = model.rnn().freeze().withInputRows(model.inputTable());
        this.state = rnn.newState(1);
        Linear decoder = model.decoder();
        this.decoderT = RowArrayMatrix.transposeOf(decoder.weight().value());
        this.decoderBias = decoder.bias().map(b -> b.value().data.clone()).orElse(null);
        this.scratch = new float[config.vocabSize()];
        this.top = new FMatrixRMaj(1, config.hiddenSize());
        this.logits = new FMatrixRMaj(1, config.vocabSize());
    }

    /** Forgets everything fed so far: zero state, nothing primed. */
    public void reset() {
        state.reset();
        hasLogits = false;
    }

    /**
     * Feeds a text, character by character, without sampling: the state afterwards is the state after
     * reading it, and the next {@link #next()} continues it.
     *
     * @param text the text; every character must be in the vocabulary (checked before any is fed)
     * @throws IllegalArgumentException naming the first character that is not in the vocabulary
     */
    public void prime(CharSequence text) {
        for (int codePoint : vocabulary.encode(text)) {
            feed(codePoint);
        }
    }

    /**
     * Feeds one character without sampling.
     *
     * @param codePoint a code point of the vocabulary
     * @throws IllegalArgumentException if it is not in the vocabulary
     */
    public void feedCodePoint(int codePoint) {
        int i = vocabulary.indexOf(codePoint);
        if (i < 0) {
            throw new IllegalArgumentException("character " + CharacterVocabulary.describe(codePoint)
                    + " is not in the vocabulary");
        }
        feed(i);
    }

    /**
     * Draws the next character and feeds it back, so that the following call continues from it.
     * Allocates nothing.
     *
     * @return the code point drawn
     */
    public int next() {
        if (!hasLogits) {
            feed(0);
        }
        int drawn = sampler.sample(logits.data, 0, random);
        feed(drawn);
        return vocabulary.codePoint(drawn);
    }

    /**
     * Draws {@code length} characters (see {@link #next()}).
     *
     * @param length how many code points, ≥ 0
     * @return the text drawn
     * @throws IllegalArgumentException if the length is negative
     */
    public String generate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be ≥ 0 but was " + length);
        }
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.appendCodePoint(next());
        }
        return out.toString();
    }

    /** Runs one step on character id {@code i}: input row i → rnn step → decoder → logits. */
    private void feed(int i) {
        rnn.stepRow(i, state, top);
        // logits = top·Wᵀ + b, as Linear.forward computes them (the product from zero, then the bias)
        decoderT.multRow(top.data, 0, false, logits.data, 0, scratch);
        if (decoderBias != null) {
            for (int j = 0; j < decoderBias.length; j++) {
                logits.data[j] += decoderBias[j];
            }
        }
        hasLogits = true;
    }
}
