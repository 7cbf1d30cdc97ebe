/**
 * seq4j: neural sequence models in pure Java — recurrent layers (RNN, LSTM, GRU) with explicit
 * backpropagation through time, a character-level language model and word2vec — on EJML float32 matrices.
 *
 * <p>The packages:
 * <ul>
 *   <li>{@link org.seq4j.tensor}: the layout convention (shape letters, time-major sequence batches) and
 *       the float32 matrix operations everything is built from.</li>
 *   <li>{@link org.seq4j.nn}: parameters and their registry, linear layers, embeddings, losses,
 *       initializers.</li>
 *   <li>{@link org.seq4j.rnn}: Elman RNN, LSTM and GRU cells and sequence layers with backpropagation
 *       through time, a step-by-step trainable stack, and the parts of the RNN scenarios.</li>
 *   <li>{@link org.seq4j.optim}: optimizers (SGD, Adagrad, RMSprop, Adam, AdamW), learning-rate schedules
 *       and gradient clipping.</li>
 *   <li>{@link org.seq4j.lm}: the character-level language model: training with truncated BPTT,
 *       sampling, exact-resume checkpoints.</li>
 *   <li>{@link org.seq4j.embed}: word2vec skip-gram and CBOW, word-vector files, queries and
 *       evaluation.</li>
 *   <li>{@link org.seq4j.eval}: BLEU, classification, regression and truecasing metrics, logistic regression and
 *       bag-of-words features, the baselines and probes beside the sequence models.</li>
 *   <li>{@link org.seq4j.seq2seq}: encoder-decoder models and the strategies that decode them (greedy, beam
 *       search, sampling).</li>
 *   <li>{@link org.seq4j.skipthoughts}: Skip-Thoughts sentence vectors: a GRU encoder, two conditional GRU
 *       decoders, training on triples of neighbouring sentences.</li>
 *   <li>{@link org.seq4j.check}: finite-difference gradient checking for any module and loss.</li>
 *   <li>{@link org.seq4j.io}: the safetensors file format (fixtures, checkpoints, PyTorch weights) and
 *       the JSON reader and writer.</li>
 *   <li>{@link org.seq4j.random}: the seeded random streams whose state a checkpoint can keep.</li>
 *   <li>{@link org.seq4j.text}: tokenizers, and word and character vocabularies with special tokens.</li>
 * </ul>
 *
 * <p>Exported: the API packages. Not exported: {@code org.seq4j.kernel}, the raw-array matrix kernels,
 * their worker threads and the optional Vector API kernels, which seq4j loads by name only when the JVM
 * has the incubator module {@code jdk.incubator.vector}.
 */
module org.seq4j {
    requires transitive ejml.core;
    requires ejml.fdense;
    requires org.slf4j;
    requires jdk.management;

    exports org.seq4j.check;
    exports org.seq4j.data;
    exports org.seq4j.embed;
    exports org.seq4j.eval;
    exports org.seq4j.io;
    exports org.seq4j.lm;
    exports org.seq4j.nn;
    exports org.seq4j.optim;
    exports org.seq4j.random;
    exports org.seq4j.rnn;
    exports org.seq4j.seq2seq;
    exports org.seq4j.skipthoughts;
    exports org.seq4j.tensor;
    exports org.seq4j.text;
}
