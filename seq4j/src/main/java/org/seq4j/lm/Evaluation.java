package org.seq4j.lm;

/**
 * The loss of a model on a text.
 *
 * @param loss             mean cross-entropy per predicted character, in nats
 * @param bitsPerCharacter the same in bits: {@code loss / ln 2}
 * @param characters       how many characters were predicted
 */
public record Evaluation(double loss, double bitsPerCharacter, long characters) {

    /**
     * Builds an evaluation from a mean loss in nats.
     *
     * @param loss       mean cross-entropy in nats
     * @param characters how many characters were predicted
     * @return the evaluation with {@code bitsPerCharacter = loss / ln 2}
     */
    public static Evaluation ofMeanLoss(double loss, long characters) {
        return new Evaluation(loss, loss / Math.log(2), characters);
    }
}
