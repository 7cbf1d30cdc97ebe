/**
 * Sequence-to-sequence models: an encoder reads a source sentence, a decoder writes a target sentence one
 * token at a time until it emits {@code <eos>}, optionally attending over the encoder's outputs; and the
 * decoding strategies (greedy, beam search, sampling) that drive any model implementing
 * {@link org.seq4j.seq2seq.StepDecoder}.
 *
 * <h2>Shapes</h2>
 * The letters and the time-major layout of {@link org.seq4j.tensor}, plus:
 * <pre>
 *   S   source steps (the longest source of a batch)      S_b   the length of source sentence b
 *   T   decoder steps (the longest target + 1)             N     real target tokens of a batch, Σ (n_b + 1)
 *   R   rows being decoded (sentences × beams)             Vs, Vt  source and target vocabularies
 *
 *   memory     (S·B, H)    the encoder's outputs, row s·B + b
 *   queries    (T·B, H)    the decoder's outputs, row t·B + b; or (R, H) one step
 *   weights    (R, S)      attention weights, 0 beyond each sentence's length
 *   logits     (N, Vt)     the output layer at the real target positions only
 * </pre>
 *
 * <h2>The parts</h2>
 * <ul>
 *   <li>{@link org.seq4j.seq2seq.GlobalAttention}: Luong et al. (2015) global attention (dot, general,
 *       concat scores; {@code h̃ = tanh(W_c [c; h])}) with explicit backward, over all decoder steps at once
 *       or one step at a time.</li>
 *   <li>{@link org.seq4j.seq2seq.Seq2SeqModel} with its {@link org.seq4j.seq2seq.Seq2SeqConfig}: embeddings,
 *       a recurrent encoder (optionally bidirectional), a decoder of the same cell started from the
 *       encoder's final state, attention (or none), input feeding, dropout, the output layer; teacher
 *       forcing and scheduled sampling; a {@link org.seq4j.seq2seq.StepDecoder}.</li>
 *   <li>{@link org.seq4j.seq2seq.Seq2SeqTrainer} with its {@link org.seq4j.seq2seq.Seq2SeqTrainingConfig}:
 *       shuffled (or length-bucketed) epochs, Adam, gradient clipping, progress, exact resume; its files are
 *       {@link org.seq4j.seq2seq.Seq2SeqCheckpoint}s (model, vocabularies, training state).</li>
 *   <li>Decoding, over any {@link org.seq4j.seq2seq.StepDecoder}, all sentences of a call as rows of one
 *       state: {@link org.seq4j.seq2seq.GreedySearch}, {@link org.seq4j.seq2seq.BeamSearch} (length
 *       normalisation, n-best lists), {@link org.seq4j.seq2seq.TemperatureSampling}, each returning
 *       {@link org.seq4j.seq2seq.Hypothesis} results (tokens, scores, alignment and attention,
 *       {@code <unk>} replacement) within a {@link org.seq4j.seq2seq.MaxLength}.</li>
 *   <li>Data: {@link org.seq4j.seq2seq.ParallelCorpus} reads {@code source<TAB>target} files and splits
 *       them; {@link org.seq4j.seq2seq.TranslationPairs} tokenises, cuts and numbers them with the
 *       vocabularies of the PyTorch reference.</li>
 * </ul>
 * Every {@code backward} adds ({@code +=}) into parameter gradients; caches are owned by the caller.
 *
 * <pre>{@code
 * Seq2SeqCheckpoint saved = Seq2SeqCheckpoint.load(Path.of("ende.safetensors"));
 * List<int[]> sources = List.of(saved.sourceVocabulary().encode(new WordTokenizer().tokenize("Tom is tired.")));
 * List<List<Hypothesis>> nBest = BeamSearch.builder().beamSize(5).alpha(1).build().decode(saved.model(), sources);
 * List<String> words = nBest.get(0).get(0).words(saved.targetVocabulary());
 * }</pre>
 */
package org.seq4j.seq2seq;
