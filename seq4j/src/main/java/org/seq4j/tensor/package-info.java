/**
 * Float32 matrix operations on EJML's {@link org.ejml.data.FMatrixRMaj} that the models are built from.
 *
 * <h2>Shape letters</h2>
 * <pre>
 *   B  batch size              T  time steps (sequence length)
 *   I  input features          H  hidden size
 *   V  vocabulary size         E  embedding size
 *   C  any channel count       N  any row count
 * </pre>
 *
 * <h2>Layout convention</h2>
 * <ul>
 *   <li>Every tensor is a row-major {@code FMatrixRMaj}. A shape is written {@code (rows, cols)}.</li>
 *   <li>A batch is {@code (B, C)}: one row per example.</li>
 *   <li>A sequence batch is time-major and flattened to {@code (T·B, C)}: row {@code t·B + b} holds time
 *       step {@code t} of sequence {@code b}. This is PyTorch's default {@code (T, B, C)} layout with the
 *       first two dimensions merged, so the rows of one time step are contiguous. A batch-first
 *       {@code (B, T, C)} source (PyTorch's {@code batch_first=True}) has the same number of rows in another
 *       order; convert it with {@link org.seq4j.tensor.Layouts}.</li>
 *   <li>A vector (a bias, a PyTorch 1-D tensor of length {@code C}) is a {@code (1, C)} matrix.</li>
 *   <li>A weight of a layer mapping {@code I} to {@code H} features is {@code (H, I)}, as in
 *       {@code torch.nn.Linear}, and is applied as {@code y = x·Wᵀ + b}.</li>
 * </ul>
 *
 * <h2>Outputs and allocation</h2>
 * Every operation writes into a caller-supplied output, so that a training step, once its buffers are
 * allocated, allocates nothing. Methods whose name ends in {@code Add} accumulate ({@code +=}) into the
 * output; the others overwrite it. Shapes are checked at entry; a mismatch throws
 * {@link java.lang.IllegalArgumentException} naming the expected and the actual shapes.
 */
package org.seq4j.tensor;
