/**
 * Character-level language models: train a recurrent network to predict the next character of a text,
 * measure it in bits per character, sample new text from it, and save and resume training exactly.
 *
 * <h2>Shape letters</h2>
 * As in {@link org.seq4j.tensor}: {@code B} streams per batch, {@code T} steps per chunk, {@code V}
 * characters in the vocabulary, {@code E} embedding size, {@code H} hidden size, {@code L} layers.
 * Sequence batches are time-major {@code (T·B, C)}: row {@code t·B + b} is step {@code t} of stream
 * {@code b}.
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link org.seq4j.text.CharacterVocabulary}: the characters, as Unicode code points (in ascending
 *       order when made by {@code CharacterVocabulary.of(text)}), without special tokens.</li>
 *   <li>{@link org.seq4j.lm.CharLanguageModel} with its {@link org.seq4j.lm.CharLmConfig}: embedding (or
 *       one-hot input), stacked RNN/LSTM/GRU layers, dropout, a linear decoder and softmax
 *       cross-entropy; PyTorch parameter names.</li>
 *   <li>{@link org.seq4j.lm.CharLmTrainer} with its {@link org.seq4j.lm.TrainingConfig} (what a step
 *       computes) and a {@link org.seq4j.lm.TrainingSchedule} per run (how long, how often to report): char-rnn's
 *       batching (B contiguous streams, chunks of T steps, state carried, truncated backpropagation),
 *       any optimizer, gradient clipping, validation on the held-out end of the text, progress logged
 *       through SLF4J, checkpoints that resume bit-identically.</li>
 *   <li>{@link org.seq4j.lm.TextGenerator}, {@link org.seq4j.lm.Sampler} and
 *       {@link org.seq4j.lm.SamplingOptions}: streaming generation from a prime text, greedy, with a
 *       temperature or top-k, reproducible with a seeded {@link org.seq4j.random.SplitMix64}.</li>
 * </ul>
 *
 * <pre>{@code
 *   CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
 *   CharLanguageModel model = new CharLanguageModel(
 *           CharLmConfig.of(CellType.LSTM, vocabulary.size(), 128).withNumLayers(2), vocabulary, 1);
 *   CharLmTrainer trainer = CharLmTrainer.create(model, text, TrainingConfig.builder().build(),
 *           p -> new Adam(p, AdamConfig.adam().learningRate(2e-3).build()));
 *   trainer.train(TrainingSchedule.until(2000).withEvalEvery(500), null);
 *   trainer.save(Path.of("shakespeare.safetensors"));
 *   TextGenerator generator = model.generator(SamplingOptions.withTemperature(0.8), new SplitMix64(42));
 *   generator.prime("ROMEO:");
 *   String sample = generator.generate(500);
 * }</pre>
 */
package org.seq4j.lm;
