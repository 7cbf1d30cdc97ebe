/**
 * Evaluation of sequence models against reference data: the figures the scenario examples report beside
 * their baselines, computed by the same code for a model and for its baseline.
 *
 * <ul>
 *   <li>{@link org.seq4j.eval.CasingEvaluation}: truecasing, scored by the character-level precision,
 *       recall and F1 of capitals and by word accuracy.</li>
 * </ul>
 * Accumulators add one example at a time and report at any moment; they hold counts only, so an
 * evaluation of any size takes constant memory.
 */
package org.seq4j.eval;
