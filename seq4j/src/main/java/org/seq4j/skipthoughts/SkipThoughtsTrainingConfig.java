package org.seq4j.skipthoughts;

import org.seq4j.io.JsonFormatException;
import org.seq4j.io.JsonReader;
import org.seq4j.io.JsonWriter;

/**
 * How a {@link SkipThoughtsTrainer} trains: Adam on batches of triples, gradients clipped by their global
 * norm.
 *
 * @param batchSize    B, the triples of a batch, at least 1; an epoch is {@code ⌊triples / B⌋} batches
 *                     (the remainder, a different random choice every epoch, is left out)
 * @param epochs       passes over the training triples, at least 1
 * @param learningRate Adam's learning rate, finite and above 0
 * @param clipNorm     the largest global L2 norm of the gradients (the paper's 10), finite and above 0
 * @param seed         seed of the batch order
 */
public record SkipThoughtsTrainingConfig(int batchSize, int epochs, double learningRate, double clipNorm, long seed) {

    /**
     * Validates the settings.
     *
     * @param batchSize    at least 1
     * @param epochs       at least 1
     * @param learningRate finite, above 0
     * @param clipNorm     finite, above 0
     * @param seed         any
     * @throws IllegalArgumentException if a value is out of range
     */
    public SkipThoughtsTrainingConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1 but was " + epochs);
        }
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("learningRate must be finite and above 0 but was " + learningRate);
        }
        if (!(clipNorm > 0 && Double.isFinite(clipNorm))) {
            throw new IllegalArgumentException("clipNorm must be finite and above 0 but was " + clipNorm);
        }
    }

    /**
     * The paper's clipping (10) and batches of 64 triples, Adam with a learning rate of {@code 2e-3}, one
     * epoch, seed 1.
     *
     * @return the configuration
     */
    public static SkipThoughtsTrainingConfig defaults() {
        return new SkipThoughtsTrainingConfig(64, 1, 2e-3, 10, 1);
    }

    /**
     * A copy with another batch size.
     *
     * @param size at least 1
     * @return the new configuration
     */
    public SkipThoughtsTrainingConfig withBatchSize(int size) {
        return new SkipThoughtsTrainingConfig(size, epochs, learningRate, clipNorm, seed);
    }

    /**
     * A copy with another number of epochs.
     *
     * @param count at least 1
     * @return the new configuration
     */
    public SkipThoughtsTrainingConfig withEpochs(int count) {
        return new SkipThoughtsTrainingConfig(batchSize, count, learningRate, clipNorm, seed);
    }

    /**
     * A copy with another learning rate.
     *
     * @param rate finite, above 0
     * @return the new configuration
     */
    public SkipThoughtsTrainingConfig withLearningRate(double rate) {
        return new SkipThoughtsTrainingConfig(batchSize, epochs, rate, clipNorm, seed);
    }

    /**
     * A copy with another clipping norm.
     *
     * @param norm finite, above 0
     * @return the new configuration
     */
    public SkipThoughtsTrainingConfig withClipNorm(double norm) {
        return new SkipThoughtsTrainingConfig(batchSize, epochs, learningRate, norm, seed);
    }

    /**
     * A copy with another seed.
     *
     * @param value the seed of the batch order
     * @return the new configuration
     */
    public SkipThoughtsTrainingConfig withSeed(long value) {
        return new SkipThoughtsTrainingConfig(batchSize, epochs, learningRate, clipNorm, value);
    }

    /** The settings as checkpoint metadata. */
    String toJson() {
        return new JsonWriter().beginObject()
                .name("batch_size").value(batchSize)
                .name("epochs").value(epochs)
                .name("learning_rate").value(learningRate)
                .name("clip_norm").value(clipNorm)
                .name("seed").value(seed)
                .endObject().toString();
    }

    /**
     * Reads {@link #toJson()}'s form: exactly its five fields, in any order.
     *
     * @throws JsonFormatException      if the text is not such a JSON object
     * @throws IllegalArgumentException if a field is missing or unknown, or a value out of range
     */
    static SkipThoughtsTrainingConfig fromJson(String json) throws JsonFormatException {
        JsonReader in = new JsonReader(json, "skip-thoughts training settings: ");
        in.beginObject();
        Integer batch = null;
        Integer epochs = null;
        Double lr = null;
        Double clip = null;
        Long seed = null;
        while (in.hasNext()) {
            String name = in.nextName();
            switch (name) {
                case "batch_size" -> batch = in.nextInt();
                case "epochs" -> epochs = in.nextInt();
                case "learning_rate" -> lr = in.nextDouble();
                case "clip_norm" -> clip = in.nextDouble();
                case "seed" -> seed = in.nextLong();
                default -> throw new IllegalArgumentException("skip-thoughts training settings: unknown field '"
                        + name + "'");
            }
        }
        in.endObject();
        in.endDocument();
        if (batch == null || epochs == null || lr == null || clip == null || seed == null) {
            throw new IllegalArgumentException("skip-thoughts training settings: expected the fields batch_size, "
                    + "epochs, learning_rate, clip_norm and seed but got " + json);
        }
        return new SkipThoughtsTrainingConfig(batch, epochs, lr, clip, seed);
    }
}
