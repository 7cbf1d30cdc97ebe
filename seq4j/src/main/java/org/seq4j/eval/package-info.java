/**
 * Evaluation of sequence models: metrics, and the baselines and probes a model is measured against.
 *
 * <ul>
 *   <li>{@link org.seq4j.eval.ClassificationMetrics}: confusion matrix, accuracy, per-class precision,
 *       recall and F1, macro-F1.</li>
 *   <li>{@link org.seq4j.eval.LogisticRegression}: multinomial logistic regression with an L2 penalty,
 *       trained by full-batch Adam from zero, deterministic; {@link org.seq4j.eval.ClassWeights} gives
 *       balanced class weights for imbalanced data.</li>
 *   <li>{@link org.seq4j.eval.BagOfWords}: unigram-count features of token-id sequences over a
 *       vocabulary, the input of the classic bag-of-words baseline.</li>
 *   <li>{@link org.seq4j.eval.Bleu}: corpus BLEU-4 (Papineni et al. 2002, one reference per hypothesis),
 *       the figure of the seq2seq peer benchmark's {@code bleu.py} with its tokenisation, and sentence BLEU
 *       with add-one smoothing; {@link org.seq4j.eval.BleuScore} holds a corpus score with its n-gram
 *       counts.</li>
 *   <li>{@link org.seq4j.eval.RegressionMetrics}: RMSE and MAE of continuous predictions.</li>
 *   <li>{@link org.seq4j.eval.NaiveForecasts}: the last-value and seasonal-naive one-step-ahead
 *       forecasts.</li>
 *   <li>{@link org.seq4j.eval.LinearAutoregression}: a least-squares linear autoregression over a window
 *       of past values.</li>
 *   <li>{@link org.seq4j.eval.CasingEvaluation}: truecasing, scored by the character-level precision,
 *       recall and F1 of capitals and by word accuracy; it holds counts only, one example added at a
 *       time.</li>
 * </ul>
 *
 * <h2>Shapes</h2>
 * The letters of {@link org.seq4j.tensor}, and: {@code N} examples, {@code F} features, {@code C} classes,
 * {@code V} vocabulary size. Feature matrices are {@code (N, F)}, one example per row; labels are
 * {@code N} class indices in {@code [0, C)}.
 */
package org.seq4j.eval;
