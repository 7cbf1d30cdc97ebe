/**
 * Evaluation metrics of sequence models, computed as the reference tools compute them.
 *
 * <ul>
 *   <li>{@link org.seq4j.eval.Bleu}: corpus BLEU-4 (Papineni et al. 2002, one reference per hypothesis),
 *       the figure of the seq2seq peer benchmark's {@code bleu.py} with its tokenisation, and sentence BLEU
 *       with add-one smoothing; {@link org.seq4j.eval.BleuScore} holds a corpus score with its n-gram
 *       counts.</li>
 * </ul>
 */
package org.seq4j.eval;
