package org.seq4j.lm;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.seq4j.nn.Dropout;
import org.seq4j.rnn.RecurrentLayer;

/**
 * The buffers of a {@link CharLanguageModel} for chunks of {@code T} steps of {@code B} streams, allocated
 * once so that a training step allocates nothing; also the recurrent state carried from chunk to chunk.
 */
final class ChunkWorkspace {

    final int batchSize;
    final int seqLength;
    /** T·B, the rows of every per-step matrix. */
    final int rows;
    // inputs, targets: (T·B) ids, time-major
    final int[] inputs;
    final int[] targets;
    // x: (T·B, I) the embedded (or one-hot) inputs
    final FMatrixRMaj x;
    // h, c: (L·B, H) the state at the start of the current chunk; c is (0, H) unless the cell is an LSTM
    final FMatrixRMaj h;
    final FMatrixRMaj c;
    // dropped: (T·B, H) the top output after dropout
    final FMatrixRMaj dropped;
    // logits: (T·B, V), overwritten by the probabilities; dLogits: (T·B, V)
    final FMatrixRMaj logits;
    final FMatrixRMaj dLogits;
    // dTop: (T·B, H) gradient into the top layer's output
    final FMatrixRMaj dTop;

    /** The recurrent layer's cache, filled by every forward pass over a chunk of this workspace. */
    final RecurrentLayer.Cache cache;

    /**
     * Set by the forward pass: the top output the decoder read, whether dropout ran and the dropout cache
     * (the mask; created by the first training forward, refilled by the next ones).
     */
    FMatrixRMaj top;
    boolean dropoutApplied;
    Dropout.Cache dropoutCache;

    ChunkWorkspace(CharLmConfig config, RecurrentLayer rnn, int batchSize, int seqLength) {
        if (batchSize < 1 || seqLength < 1) {
            throw new IllegalArgumentException("batch size and sequence length must be ≥ 1 but were "
                    + batchSize + " and " + seqLength);
        }
        this.batchSize = batchSize;
        this.seqLength = seqLength;
        this.rows = Math.multiplyExact(batchSize, seqLength);
        int hs = config.hiddenSize();
        this.inputs = new int[rows];
        this.targets = new int[rows];
        this.x = new FMatrixRMaj(rows, config.inputSize());
        this.h = new FMatrixRMaj(rnn.config().stateRows(batchSize), hs);
        this.c = new FMatrixRMaj(config.cell().hasCellState() ? rnn.config().stateRows(batchSize) : 0, hs);
        boolean dropout = config.dropout() > 0f;
        this.dropped = new FMatrixRMaj(dropout ? rows : 0, hs);
        this.logits = new FMatrixRMaj(rows, config.vocabSize());
        this.dLogits = new FMatrixRMaj(rows, config.vocabSize());
        this.dTop = new FMatrixRMaj(rows, hs);
        this.cache = rnn.newCache();
    }

    /** Sets the carried state to zero (the start of the streams). */
    void resetState() {
        Arrays.fill(h.data, 0, h.getNumElements(), 0f);
        Arrays.fill(c.data, 0, c.getNumElements(), 0f);
    }
}
