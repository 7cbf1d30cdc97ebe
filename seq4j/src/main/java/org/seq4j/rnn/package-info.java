/**
 * Recurrent networks with explicit backpropagation through time: Elman RNN (tanh, relu), LSTM and GRU cells,
 * the stacked, bidirectional, variable-length sequence layer built from them, and the loss-free pieces that
 * the classic scenarios are composed of with {@link org.seq4j.nn} modules and losses. Parameter names,
 * shapes, gate order and semantics are those of PyTorch's {@code nn.RNN}, {@code nn.LSTM} and
 * {@code nn.GRU}, so a {@code state_dict} moves between the two through safetensors ({@link org.seq4j.io})
 * by name.
 *
 * <h2>Shapes</h2>
 * The letters and the time-major layout of {@link org.seq4j.tensor}, plus:
 * <pre>
 *   L  stacked layers          D  directions (2 if bidirectional, else 1)
 *   G  gate blocks per cell: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n)
 *   F  features of a conditioning vector                      O  outputs of a read-out layer (classes or values)
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
 *   <li>{@link org.seq4j.rnn.LastStep}: each sequence's summary row (PyTorch's top-layer {@code h_n}),
 *       and {@link org.seq4j.rnn.InitialState}: a conditioning vector projected into {@code h0} (and
 *       {@code c0}).</li>
 *   <li>{@link org.seq4j.rnn.SequenceTagger}: embedding, recurrent layer and a linear read-out at every
 *       step, the many-to-many tagger composed in one module.</li>
 * </ul>
 * Every {@code backward} adds ({@code +=}) into parameter gradients; zero them with
 * {@link org.seq4j.nn.Parameters#zeroGrad()}. A {@link org.seq4j.rnn.RecurrentLayer},
 * {@link org.seq4j.rnn.LastStep} and {@link org.seq4j.rnn.InitialState} fill caches that the caller owns
 * (any number alive at once, each consumed by one backward). Steady-state training steps that keep their caches allocate nothing.
 *
 * <h2>The classic scenarios, composed</h2>
 * Losses are {@link org.seq4j.nn.CrossEntropyLoss} (classes, with class weights, example weights and an
 * ignore index) and {@link org.seq4j.nn.MSELoss} (values, with example weights); the read-out is a
 * {@link org.seq4j.nn.Linear}. Prediction needs no targets: it stops at the logits (or
 * {@link org.seq4j.nn.CrossEntropyLoss#probabilities}).
 * <ul>
 *   <li><b>Many-to-many</b> (tagging, a language model): {@code Linear} over the whole output
 *       {@code (T·B, D·H) → (T·B, O)}, then the loss over the {@code T·B} rows. With variable lengths the
 *       targets of padded steps ({@code t ≥ lengths[b]}, row {@code t·B + b}) are set to the ignore index
 *       (cross-entropy) or get example weight 0 (MSE), so that they add nothing to the loss or the
 *       mean.</li>
 *   <li><b>Many-to-one</b> (classification): {@code LastStep} {@code (T·B, D·H) → (B, D·H)}, then
 *       {@code Linear} and the loss; {@link org.seq4j.rnn.LastStep.Cache#dOutput()} is the layer's
 *       {@code dOutput}.</li>
 *   <li><b>One-to-many</b> (generation from a feature vector): {@code InitialState} gives {@code h0}
 *       ({@code c0}); the layer's {@code dh0} ({@code dc0}) goes back into its backward.</li>
 * </ul>
 *
 * <h2>A character language model</h2>
 * <pre>{@code
 *   RecurrentConfig config = RecurrentConfig.of(CellType.LSTM, V, 256).withNumLayers(2).withDropout(0.2f);
 *   RecurrentLayer lstm = new RecurrentLayer(config, RecurrentInit.pytorchDefault().withForgetGateBias(1f),
 *           new SplittableRandom(1));
 *   Linear decoder = new Linear(config.outputSize(), V, new SplittableRandom(2));
 *   CrossEntropyLoss loss = new CrossEntropyLoss();
 *   Parameters model = new Parameters().addAll("lstm.", lstm.parameters()).addAll("decoder.", decoder.parameters());
 *   SplittableRandom dropout = new SplittableRandom(3);
 *   FMatrixRMaj h = new FMatrixRMaj(config.stateRows(B), 256);    // carried across chunks
 *   FMatrixRMaj c = new FMatrixRMaj(config.stateRows(B), 256);
 *   FMatrixRMaj logits = new FMatrixRMaj(T * B, V), dLogits = new FMatrixRMaj(T * B, V);
 *   FMatrixRMaj dOutput = new FMatrixRMaj(T * B, 256);
 *   RecurrentLayer.Cache rnn = lstm.newCache();                 // refilled by every step
 *
 *   // one training step on a chunk: x (T·B, V) one-hot characters, targets[t·B + b] the next characters
 *   model.zeroGrad();
 *   lstm.forward(x, B, null, h, c, dropout, rnn);
 *   decoder.forward(rnn.output(), logits);
 *   double nats = loss.forward(logits, targets, logits);  // logits now hold the probabilities
 *   loss.backward(logits, targets, 1.0, dLogits);
 *   decoder.backward(rnn.output(), dLogits, dOutput);
 *   lstm.backward(rnn, dOutput, null, null);            // truncated BPTT: nothing from the next chunk
 *   // ... clip and step the optimizer over model ...
 *   h.setTo(rnn.finalHidden());                         // carry the state on, cut the gradient
 *   c.setTo(rnn.finalCellState());
 *
 *   // generation, one character at a time, allocating nothing per step, on a copy of the trained weights
 *   FrozenRecurrentLayer frozen = lstm.freeze();
 *   RecurrentState state = frozen.newState(1);
 *   FMatrixRMaj xt = new FMatrixRMaj(1, V), ht = new FMatrixRMaj(1, 256), next = new FMatrixRMaj(1, V);
 *   for (int i = 0; i < n; i++) {
 *       frozen.step(xt, state, ht);                     // as lstm.step(xt, state, ht), faster
 *       decoder.forward(ht, next);
 *       CrossEntropyLoss.probabilities(next, next);
 *       // ... sample the next character from next, write it one-hot into xt ...
 *   }
 * }</pre>
 */
package org.seq4j.rnn;
