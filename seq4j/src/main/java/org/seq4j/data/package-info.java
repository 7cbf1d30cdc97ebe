/**
 * Batching of token sequences: from variable-length sequences of token indices ({@code int[][]}, one
 * array per example, as a vocabulary's encoder produces them) to the padded, time-major index matrices
 * and lengths that an embedding and a recurrent layer take; and the windows of a numeric series for
 * forecasting.
 *
 * <ul>
 *   <li>{@link org.seq4j.data.TokenBatch}: one padded batch, {@code (T·B)} token indices in seq4j's
 *       time-major layout (entry {@code t·B + b} is step {@code t} of sequence {@code b}), the
 *       {@code (B)} lengths and the examples' indices in the data set.</li>
 *   <li>{@link org.seq4j.data.BucketBatcher}: a data set split into batches of similar lengths in a
 *       seeded random order that changes every epoch (length buckets shuffled within and across, as
 *       torchtext's {@code BucketIterator}).</li>
 *   <li>{@link org.seq4j.data.SeriesWindows}: the sliding windows of an equally spaced series before each
 *       target, standardised by the statistics of the training part ({@link org.seq4j.data.Standardization}),
 *       as {@code (W·B, F)} time-major inputs and {@code (B, 1)} targets for one-step-ahead forecasting;
 *       {@link org.seq4j.data.SeriesGaps} marks and fills the series' missing values.</li>
 * </ul>
 *
 * <h2>Shapes</h2>
 * The letters of {@link org.seq4j.tensor}: {@code B} sequences per batch, {@code T} the longest length
 * in the batch, {@code N} examples in the data set.
 *
 * <h2>Padding</h2>
 * Padded positions ({@code t ≥ lengths[b]}) hold the pad index and are masked, not computed on: a
 * recurrent layer given the lengths skips them (as PyTorch's {@code pack_padded_sequence}), a loss with
 * {@code ignore_index} equal to the pad index ignores padded targets, an embedding with that
 * {@code paddingIdx} never updates the padding row. Padding is defined by the lengths, not by the pad
 * value. Data from a batch-first source ({@code [B, T]}) converts with
 * {@link org.seq4j.tensor.Layouts#batchFirstToTimeMajor(int[], int, int[])}.
 *
 * <h2>Determinism</h2>
 * Every random choice takes an explicit seed; an epoch's order depends only on the seed, the epoch
 * number, the options and the sequence lengths.
 */
package org.seq4j.data;
