/**
 * Skip-Thoughts sentence vectors (Kiros et al., "Skip-Thought Vectors", NeurIPS 2015): a GRU encoder reads
 * a sentence, and two conditional GRU decoders, conditioned on its final state at every step, predict the
 * sentence before and the sentence after. The encoder's final state, the thought vector, represents the
 * sentence.
 *
 * <h2>Shapes</h2>
 * The letters and the time-major layout of {@link org.seq4j.tensor}, plus:
 * <pre>
 *   D    the thought vector's size, also the decoders' hidden size
 *   D_e  the encoder's hidden size per direction: D (uni-skip) or D/2 (bi-skip)
 *   K    the context size of a {@link org.seq4j.skipthoughts.ConditionalGru} (D in the model)
 *   T_s, T_prev, T_next   the steps of the encoded sentence and of the two decoded neighbours
 * </pre>
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link org.seq4j.skipthoughts.ConditionalGru}: the decoder GRU into which a context vector enters
 *       every step through its own matrices; forward and backward over a padded batch, equations and
 *       gradients in the class.</li>
 *   <li>{@link org.seq4j.skipthoughts.SkipThoughtsModel} with its {@link org.seq4j.skipthoughts.SkipThoughtsConfig}:
 *       embedding, encoder (uni-skip or bi-skip), the two decoders and the shared output layer; the training
 *       passes over a {@link org.seq4j.skipthoughts.TripleBatch}; and sentence vectors as an
 *       {@link org.seq4j.eval.SentenceEncoder}, optionally through a vocabulary expansion; combine-skip is
 *       {@link org.seq4j.eval.ConcatenatedEncoder} of a uni-skip and a bi-skip model.</li>
 *   <li>{@link org.seq4j.skipthoughts.SentenceTriples}: documents of contiguous sentences, the vocabulary,
 *       and the triples of neighbouring sentences.</li>
 *   <li>{@link org.seq4j.skipthoughts.SkipThoughtsTrainer} with its
 *       {@link org.seq4j.skipthoughts.SkipThoughtsTrainingConfig}: Adam on length-bucketed batches of
 *       triples, clipping by global norm, validation perplexity beside a unigram model's, checkpoints with
 *       exact resume.</li>
 * </ul>
 * Every {@code backward} adds ({@code +=}) into parameter gradients; caches are the caller's.
 */
package org.seq4j.skipthoughts;
