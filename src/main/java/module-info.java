/**
 * seq4j: neural sequence models in pure Java — recurrent layers (RNN, LSTM, GRU) with explicit
 * backpropagation through time, a character-level language model and word2vec — on EJML float32 matrices.
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
    exports org.seq4j.io;
    exports org.seq4j.lm;
    exports org.seq4j.nn;
    exports org.seq4j.optim;
    exports org.seq4j.rnn;
    exports org.seq4j.tensor;
}
