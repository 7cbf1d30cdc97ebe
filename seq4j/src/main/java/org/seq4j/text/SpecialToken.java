package org.seq4j.text;

/**
 * The special tokens a vocabulary can hold besides the tokens of its texts. A vocabulary holds any subset
 * of them, chosen when it is built, and always gives them the first ids, in the order of this enum among
 * those present: with all four, {@code <pad>} = 0, {@code <bos>} = 1, {@code <eos>} = 2,
 * {@code <unk>} = 3; with only {@code <pad>} and {@code <unk>}, 0 and 1. The padding id is thus 0
 * whenever there is one (the {@code padding_idx=0} of most PyTorch code).
 */
public enum SpecialToken {
    /** Padding: fills the steps after the end of a shorter sequence in a batch. */
    PAD("<pad>"),
    /** Beginning of sequence: the first input of a decoder. */
    BOS("<bos>"),
    /** End of sequence: the last target of a decoder, where generation stops. */
    EOS("<eos>"),
    /** Unknown: stands for every token the vocabulary does not hold. */
    UNK("<unk>");

    private final String text;

    SpecialToken(String text) {
        this.text = text;
    }

    /**
     * The token's text, as vocabularies list and save it.
     *
     * @return e.g. {@code <pad>}
     */
    public String text() {
        return text;
    }

    /** The special token with this text, or null. */
    static SpecialToken ofText(String text) {
        for (SpecialToken s : values()) {
            if (s.text.equals(text)) {
                return s;
            }
        }
        return null;
    }
}
