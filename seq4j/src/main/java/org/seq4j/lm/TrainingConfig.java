package org.seq4j.lm;

import org.seq4j.io.JsonFormatException;
import org.seq4j.io.JsonWriter;
import org.seq4j.random.SplitMix64;

/**
 * The immutable settings that define what a {@link CharLmTrainer} computes; a checkpoint stores them. The
 * optimizer is passed separately, and how long to train and how often to report is a
 * {@link TrainingSchedule} given to each {@link CharLmTrainer#train} call.
 *
 * <pre>{@code
 *   TrainingConfig config = TrainingConfig.builder().batchSize(50).seqLength(50).clipValue(5).build();
 * }</pre>
 *
 * @param batchSize     B, the number of parallel text streams, ≥ 1 (default 50)
 * @param seqLength     T, the steps per chunk and the truncation length of backpropagation through
 *                      time, ≥ 1 (default 50)
 * @param valFraction   the fraction of the text, taken from its end, held out for validation, in
 *                      {@code (0, 1)} (default 0.1)
 * @param clipping      how gradients are clipped before each update (default {@link Clipping#VALUE})
 * @param clipThreshold the bound: ±threshold per element for {@link Clipping#VALUE}, the largest global
 *                      L2 norm for {@link Clipping#GLOBAL_NORM}; finite and &gt; 0 (default 5, as char-rnn)
 * @param seed          the seed of the dropout masks: one {@link SplitMix64} stream for the whole run,
 *                      whose state checkpoints save (default 1)
 */
public record TrainingConfig(int batchSize, int seqLength, double valFraction, Clipping clipping,
                             double clipThreshold, long seed) {

    /** How gradients are clipped between the backward pass and the optimizer step. */
    public enum Clipping {
        /** No clipping. */
        NONE,
        /** Every gradient element clipped to {@code [−threshold, threshold]} (char-rnn's {@code grad_clip}). */
        VALUE,
        /** All gradients scaled together so that their global L2 norm is at most the threshold. */
        GLOBAL_NORM
    }

    /**
     * Validates the settings.
     *
     * @param batchSize     B ≥ 1
     * @param seqLength     T ≥ 1
     * @param valFraction   in {@code (0, 1)}
     * @param clipping      not null
     * @param clipThreshold finite and &gt; 0
     * @param seed          any value
     * @throws IllegalArgumentException if a value is out of range
     */
    public TrainingConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        if (seqLength < 1) {
            throw new IllegalArgumentException("seqLength must be at least 1 but was " + seqLength);
        }
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("valFraction must be in (0, 1) but was " + valFraction);
        }
        if (clipping == null) {
            throw new IllegalArgumentException("clipping must not be null");
        }
        if (!(clipThreshold > 0) || Double.isInfinite(clipThreshold)) {
            throw new IllegalArgumentException("clipThreshold must be finite and > 0 but was " + clipThreshold);
        }
    }

    /**
     * A builder with the defaults: B = 50, T = 50, last 10 % held out, clip by value at 5, seed 1.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().batchSize(batchSize).seqLength(seqLength).valFraction(valFraction)
                .clipping(clipping, clipThreshold).seed(seed);
    }

    /** The settings as checkpoint metadata JSON. */
    String toJson() {
        return new JsonWriter().beginObject()
                .name("batch_size").value(batchSize)
                .name("seq_length").value(seqLength)
                .name("val_fraction").value(valFraction)
                .name("clipping").value(clipping.name())
                .name("clip_threshold").value(clipThreshold)
                .name("seed").value(seed)
                .endObject().toString();
    }

    /**
     * Reads {@link #toJson()}'s form.
     *
     * @throws JsonFormatException      if the text is not a flat JSON object
     * @throws IllegalArgumentException if a field is missing or malformed or a value is out of range
     */
    static TrainingConfig fromJson(String json) throws JsonFormatException {
        Fields f = Fields.read(json);
        String clippingName = f.string("clipping");
        Clipping clipping;
        try {
            clipping = Clipping.valueOf(clippingName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown clipping '" + clippingName + "'", e);
        }
        return new TrainingConfig(f.intValue("batch_size"), f.intValue("seq_length"),
                f.doubleValue("val_fraction"), clipping, f.doubleValue("clip_threshold"), f.longValue("seed"));
    }

    /** Builds a {@link TrainingConfig}; {@link #build()} validates. */
    public static final class Builder {
        private int batchSize = 50;
        private int seqLength = 50;
        private double valFraction = 0.1;
        private Clipping clipping = Clipping.VALUE;
        private double clipThreshold = 5;
        private long seed = 1;

        private Builder() {
        }

        /**
         * Sets the batch size.
         *
         * @param b B ≥ 1
         * @return this builder
         */
        public Builder batchSize(int b) {
            this.batchSize = b;
            return this;
        }

        /**
         * Sets the sequence length.
         *
         * @param t T ≥ 1
         * @return this builder
         */
        public Builder seqLength(int t) {
            this.seqLength = t;
            return this;
        }

        /**
         * Sets the held-out fraction.
         *
         * @param fraction in {@code (0, 1)}
         * @return this builder
         */
        public Builder valFraction(double fraction) {
            this.valFraction = fraction;
            return this;
        }

        /**
         * Clips each gradient element to {@code [−limit, limit]}.
         *
         * @param limit finite and &gt; 0
         * @return this builder
         */
        public Builder clipValue(double limit) {
            return clipping(Clipping.VALUE, limit);
        }

        /**
         * Scales gradients so that their global norm is at most {@code maxNorm}.
         *
         * @param maxNorm finite and &gt; 0
         * @return this builder
         */
        public Builder clipGlobalNorm(double maxNorm) {
            return clipping(Clipping.GLOBAL_NORM, maxNorm);
        }

        /**
         * Sets the clipping mode and its threshold.
         *
         * @param mode      the mode
         * @param threshold finite and &gt; 0 (ignored for {@link Clipping#NONE} but still validated)
         * @return this builder
         */
        public Builder clipping(Clipping mode, double threshold) {
            this.clipping = mode;
            this.clipThreshold = threshold;
            return this;
        }

        /**
         * Sets the seed of the dropout stream.
         *
         * @param value any value
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the settings
         * @throws IllegalArgumentException if a value is out of range
         */
        public TrainingConfig build() {
            return new TrainingConfig(batchSize, seqLength, valFraction, clipping, clipThreshold, seed);
        }
    }
}
