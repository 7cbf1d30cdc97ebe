package org.seq4j.embed;

/**
 * word2vec training stopped because a word vector became NaN or infinite (a learning rate far too large,
 * such as {@code alpha = 1e30}, overflows the updates within a few words). {@link Word2VecTrainer} checks
 * the vectors of the sentence just trained every 10,000 words and
 * every vector at the end, so it never returns a model with a non-finite vector. The message names the
 * word, the element and how far training had come.
 */
public final class Word2VecDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The word whose vector is not finite. */
    private final String word;

    /**
     * Creates the exception.
     *
     * @param word    the word whose vector is not finite
     * @param message what happened, naming the word
     */
    public Word2VecDivergedException(String word, String message) {
        super(message);
        this.word = word;
    }

    /**
     * The word whose vector was found not finite first.
     *
     * @return the word
     */
    public String word() {
        return word;
    }
}
