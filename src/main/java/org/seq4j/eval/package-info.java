/**
 * Evaluation of sequence models: metrics, and the baselines a model is measured against, computed as the
 * reference tools compute them.
 *
 * <ul>
 *   <li>{@link org.seq4j.eval.RegressionMetrics}: RMSE and MAE of continuous predictions.</li>
 *   <li>{@link org.seq4j.eval.NaiveForecasts}: the last-value and seasonal-naive one-step-ahead
 *       forecasts.</li>
 *   <li>{@link org.seq4j.eval.LinearAutoregression}: a least-squares linear autoregression over a window
 *       of past values.</li>
 * </ul>
 */
package org.seq4j.eval;
