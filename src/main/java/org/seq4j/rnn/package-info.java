/**
 * Recurrent networks with explicit backpropagation through time: Elman RNN (tanh, relu), LSTM and GRU cells,
 * the stacked, bidirectional, variable-length sequence layer built from them, and heads for the classic
 * scenarios. Parameter names, shapes, gate order and semantics are those of PyTorch's {@code nn.RNN},
 * {@code nn.LSTM} and {@code nn.GRU}, so a {@code state_dict} moves between the two through safetensors
 * ({@link org.seq4j.io}) by name.
 *
 * <h2>Shapes</h2>
 * The letters and the time-major layout of {@link org.seq4j.tensor}, plus:
 * <pre>
 *   L  stacked layers          D  directions (2 if bidirectional, else 1)
 *   G  gate blocks per cell: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n)
 *   F  features read by a head (D·H for a layer's output)     O  head outputs (classes or values)
 *
 *   x         (T·B, I)      row t·B + b: step t of sequence b
 *   output    (T·B, D·H)    forward direction in columns [0, H), reverse in [H, 2H)
 *   h0, hN    (L·D·B, H)    row (k·D + d)·B + b: layer k, direction d, sequence b  (PyTorch (L·D, B, H))
 *   c0, cN    (L·D·B, H)    LSTM cell states, same layout
 *   weight_ih_l{k}[_reverse] (G·H, I_k)   weight_hh_l{k}[_reverse] (G·H, H)   bias_*_l{k}[_reverse] (G·H)
 * </pre>
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link org.seq4j.rnn.ElmanCell}, {@link org.seq4j.rnn.LstmCell}, {@link org.seq4j.rnn.GruCell}: one
 *       step forward and backward, equations in each class.</li>
 *   <li>{@link org.seq4j.rnn.RecurrentLayer} with its immutable {@link org.seq4j.rnn.RecurrentConfig}:
 *       sequences, BPTT, stacking with dropout, bidirectional, packed lengths, truncated BPTT, and
 *       step-by-step generation with a {@link org.seq4j.rnn.RecurrentState}, or with a
 *       {@link org.seq4j.rnn.FrozenRecurrentLayer} (a copy of the weights laid out for batch-1 steps, several
 *       times faster).</li>
 *   <li>{@link org.seq4j.rnn.RecurrentStack}: a trainable multi-layer stack of the same cells advanced one
 *       step at a time (decoders with input feeding or attention), with caller-owned per-step caches; over a
 *       sequence it equals the layer. {@link org.seq4j.rnn.DirectionBridge} turns a bidirectional encoder's
 *       final state into a unidirectional decoder's; {@link org.seq4j.rnn.RecurrentState#select} and
 *       {@link org.seq4j.rnn.RecurrentState#selectSequences} gather sequences of a state (beam search).</li>
 *   <li>{@link org.seq4j.rnn.RecurrentInit}: seeded initialisation schemes.</li>
 *   <li>Heads: {@link org.seq4j.rnn.PerStepHead} (many-to-many), {@link org.seq4j.rnn.LastStepHead}
 *       (many-to-one), {@link org.seq4j.rnn.InitialStateHead} (one-to-many), with softmax
 *       cross-entropy or mean squared error.</li>
 * </ul>
 * Every {@code backward} adds ({@code +=}) into parameter gradients; zero them with
 * {@link org.seq4j.nn.Parameters#zeroGrad()}. A {@link org.seq4j.rnn.RecurrentLayer} fills caches that the
 * caller owns (any number alive at once, each consumed by one backward); each head owns one cache, returned
 * by its forward and valid until its next forward. Steady-state training steps that keep their caches
 * allocate nothing.
 *
 * <h2>A character language model</h2>
 * <pre>{@code
 *   RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, V, 256).withNumLayers(2).withDropout(0.2f);
 *   RecurrentLayer lstm = new RecurrentLayer(config, RecurrentInit.pytorchDefault().withForgetGateBias(1f),
 *           new SplittableRandom(1));
 *   PerStepHead head = new PerStepHead(config.outputSize(), V, new SplittableRandom(2));
 *   Parameters model = new Parameters().addAll("lstm.", lstm.parameters()).addAll("head.", head.parameters());
 *   SplittableRandom dropout = new SplittableRandom(3);
 *   FMatrixRMaj h = new FMatrixRMaj(config.stateRows(B), 256);    // carried across chunks
 *   FMatrixRMaj c = new FMatrixRMaj(config.stateRows(B), 256);
 *   RecurrentLayer.Cache rnn = lstm.newCache();                 // refilled by every step
 *
 *   // one training step on a chunk: x (T·B, V) one-hot characters, targets[t·B + b] the next characters
 *   model.zeroGrad();
 *   lstm.forward(x, B, null, h, c, dropout, rnn);
 *   PerStepHead.Cache out = head.forward(rnn.output(), B, null, targets);
 *   head.backward(out);
 *   lstm.backward(rnn, out.dOutput(), null, null);      // truncated BPTT: nothing from the next chunk
 *   // ... clip and step the optimizer over model ...
 *   h.setTo(rnn.finalHidden());                         // carry the state on, cut the gradient
 *   c.setTo(rnn.finalCellState());
 *
 *   // generation, one character at a time, allocating nothing per step, on a copy of the trained weights
 *   FrozenRecurrentLayer frozen = lstm.freeze();
 *   RecurrentState state = frozen.newState(1);
 *   FMatrixRMaj xt = new FMatrixRMaj(1, V), ht = new FMatrixRMaj(1, 256), logits = new FMatrixRMaj(1, V);
 *   for (int i = 0; i < n; i++) {
 *       frozen.step(xt, state, ht);                     // as lstm.step(xt, state, ht), faster
 *       head.linear().forward(ht, logits);
 *       // ... sample the next character from softmax(logits), write it one-hot into xt ...
 *   }
 * }</pre>
 */
package org.seq4j.rnn;
