/**
 * Word embeddings: word2vec skip-gram and CBOW (Mikolov et al. 2013, "Efficient Estimation of Word
 * Representations in Vector Space" and "Distributed Representations of Words and Phrases and their
 * Compositionality"), trained by lock-free multithreaded SGD as the original {@code word2vec.c} does
 * or, for negative sampling, by minibatch steps whose inputs share their noise words (Ji et al. 2019,
 * "HogBatch"; {@link org.seq4j.embed.Word2VecConfig.Update#BATCHED}), with the standard vector file formats,
 * similarity queries and the usual evaluations.
 *
 * <h2>Shape letters</h2>
 * <pre>
 *   V  vocabulary size          E  embedding size (the "-size" of word2vec.c)
 *   K  negative samples         L  Huffman code length of a word (hierarchical softmax)
 * </pre>
 *
 * <h2>Tables</h2>
 * The training tables are plain float arrays of rows, {@code float[V][E]}, without any tensor layer:
 * each row is its own array, so that the vector loops of the training kernels start at index 0, which
 * HotSpot vectorises (see {@code org.seq4j.kernel.VectorMath}). {@link org.seq4j.embed.WordVectors} keeps one contiguous
 * row-major {@code float[V·E]} for the queries.
 * <pre>
 *   input  (syn0):    (V, E)     the word vectors that are saved
 *   output (syn1neg): (V, E)     negative sampling
 *   output (syn1):    (V-1, E)   hierarchical softmax, one row per inner node of the Huffman tree
 *   output (softmax): (V, E)     full softmax (no bias, as the others)
 * </pre>
 *
 * <h2>Where to start</h2>
 * {@link org.seq4j.embed.Word2VecConfig} and {@link org.seq4j.embed.Word2VecTrainer} train vectors from
 * text files; {@link org.seq4j.embed.WordVectors} reads and writes the word2vec text and binary formats
 * and answers similarity and analogy queries; {@link org.seq4j.embed.AnalogyEvaluation} and
 * {@link org.seq4j.embed.WordSimilarityEvaluation} score vectors on the standard test sets.
 */
package org.seq4j.embed;
