/**
 * Sequence-to-sequence models: an encoder reads a source sentence, a decoder writes a target sentence one
 * token at a time until it emits {@code <eos>}, optionally attending over the encoder's outputs; and the
 * decoding strategies (greedy, beam search, sampling) that drive any model implementing
 * {@link org.seq4j.seq2seq.StepDecoder}.
 *
 * <ul>
 *   <li>The model: {@link org.seq4j.seq2seq.Seq2SeqModel} ({@link org.seq4j.seq2seq.Seq2SeqConfig}) with
 *       Luong attention ({@link org.seq4j.seq2seq.GlobalAttention}); trained by
 *       {@link org.seq4j.seq2seq.Seq2SeqTrainer} ({@link org.seq4j.seq2seq.Seq2SeqTrainingConfig}), saved with
 *       its vocabularies as a {@link org.seq4j.seq2seq.Seq2SeqCheckpoint}.</li>
 *   <li>Decoding, over any {@link org.seq4j.seq2seq.StepDecoder}, all sentences of a call as rows of one
 *       state: {@link org.seq4j.seq2seq.GreedySearch}, {@link org.seq4j.seq2seq.BeamSearch} (length
 *       normalisation, n-best lists), {@link org.seq4j.seq2seq.TemperatureSampling}, each returning
 *       {@link org.seq4j.seq2seq.Hypothesis} results (tokens, scores, alignment and attention,
 *       {@code <unk>} replacement) within a {@link org.seq4j.seq2seq.MaxLength}.</li>
 *   <li>Data: {@link org.seq4j.seq2seq.ParallelCorpus} reads {@code source<TAB>target} files and splits
 *       them; {@link org.seq4j.seq2seq.TranslationPairs} tokenises, cuts and numbers them with the
 *       vocabularies of the PyTorch reference.</li>
 * </ul>
 *
 * <pre>{@code
 * Seq2SeqCheckpoint saved = Seq2SeqCheckpoint.load(Path.of("ende.safetensors"));
 * List<int[]> sources = List.of(saved.sourceVocabulary().encode(new WordTokenizer().tokenize("Tom is tired.")));
 * List<List<Hypothesis>> nBest = BeamSearch.builder().beamSize(5).alpha(1).build().decode(saved.model(), sources);
 * List<String> words = nBest.get(0).get(0).words(saved.targetVocabulary());
 * }</pre>
 */
package org.seq4j.seq2seq;
