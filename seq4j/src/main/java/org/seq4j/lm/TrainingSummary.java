package org.seq4j.lm;

import java.util.Locale;

/**
 * The outcome of {@link CharLmTrainer#train}.
 *
 * @param steps                the number of steps done
 * @param trainLoss            mean training loss of the last {@link CharLmTrainer#RECENT_LOSS_WINDOW} steps,
 *                             in nats per character
 * @param valLoss              loss on the held-out text at the end, in nats per character
 * @param valBitsPerCharacter  the same in bits per character
 * @param charactersPerSecond  training characters per second of training-step time (evaluation excluded)
 */
public record TrainingSummary(long steps, double trainLoss, double valLoss, double valBitsPerCharacter,
                              double charactersPerSecond) {

    /**
     * The summary as one line that scripts can parse.
     *
     * @return e.g. {@code summary steps=300 train_loss=1.9712 val_loss=2.0034 val_bpc=2.8903 chars_per_sec=21345}
     */
    public String toLine() {
        return String.format(Locale.ROOT, "summary steps=%d train_loss=%.4f val_loss=%.4f val_bpc=%.4f "
                + "chars_per_sec=%.0f", steps, trainLoss, valLoss, valBitsPerCharacter, charactersPerSecond);
    }
}
