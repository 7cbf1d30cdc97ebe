/**
 * Sequence-to-sequence models: an encoder reads a source sentence, a decoder writes a target sentence one
 * token at a time until it emits {@code <eos>}, optionally attending over the encoder's outputs; and the
 * decoding strategies (greedy, beam search, sampling) that drive any model implementing
 * {@link org.seq4j.seq2seq.StepDecoder}.
 */
package org.seq4j.seq2seq;
