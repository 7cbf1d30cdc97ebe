package org.seq4j.eval;

import java.util.List;

/**
 * Makes a {@link SentenceEncoder} from training sentences: an encoder with something learnt from its data,
 * such as the vocabulary of a bag-of-words encoder ({@link BagOfWordsEncoder#fitter}). Given one to
 * {@link CrossValidation}, it is fitted anew on the training part of every fold, so that the words of a
 * test fold never shape the features (no leak through the vocabulary).
 *
 * <p>Fitting must be deterministic: the same sentences always give an encoder that encodes alike. It must
 * not keep or modify the list. A fitter may be called from several threads at once.
 */
@FunctionalInterface
public interface SentenceEncoderFitter {

    /**
     * Fits an encoder to training sentences.
     *
     * @param trainingSentences the raw sentences of a training part, at least one; not modified
     * @return an encoder for any sentence
     */
    SentenceEncoder fit(List<String> trainingSentences);
}
