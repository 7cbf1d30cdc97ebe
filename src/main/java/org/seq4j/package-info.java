/**
 * seq4j: pure-Java neural sequence models with explicit forward and backward passes.
 *
 * <ul>
 *   <li>{@link org.seq4j.tensor}: the layout convention (shape letters, time-major sequence batches) and
 *       the float32 matrix operations everything is built from.</li>
 *   <li>{@link org.seq4j.nn}: parameters and their registry, linear layers, embeddings, losses,
 *       initializers.</li>
 *   <li>{@link org.seq4j.rnn}: Elman RNN, LSTM and GRU cells and sequence layers with backpropagation
 *       through time, and the heads of the RNN scenarios.</li>
 *   <li>{@link org.seq4j.optim}: optimizers (SGD, Adagrad, RMSprop, Adam, AdamW), learning-rate schedules
 *       and gradient clipping.</li>
 *   <li>{@link org.seq4j.lm}: the character-level language model: training with truncated BPTT,
 *       sampling, exact-resume checkpoints.</li>
 *   <li>{@link org.seq4j.embed}: word2vec skip-gram and CBOW, word-vector files, queries and
 *       evaluation.</li>
 *   <li>{@link org.seq4j.check}: finite-difference gradient checking for any module and loss.</li>
 *   <li>{@link org.seq4j.io}: the safetensors file format (fixtures, checkpoints, PyTorch weights).</li>
 * </ul>
 */
package org.seq4j;
