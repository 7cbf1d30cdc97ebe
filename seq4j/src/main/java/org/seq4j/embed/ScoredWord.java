package org.seq4j.embed;

/**
 * A word with its score in a query answer: a cosine similarity for {@link WordVectors#mostSimilar} and
 * a 3CosMul score for {@link WordVectors#mostSimilarCosMul}.
 *
 * @param word  the word
 * @param score its score; higher is more similar
 */
public record ScoredWord(String word, double score) {
}
