/**
 * From text to ids and back: tokenizers and vocabularies, with the special tokens sequence models need.
 *
 * <ul>
 *   <li>{@link org.seq4j.text.Tokenizer}: text to tokens. {@link org.seq4j.text.WordTokenizer} lower-cases
 *       and splits into words and punctuation marks ({@code \w+|[^\w\s]}, Unicode-aware);
 *       {@link org.seq4j.text.WhitespaceTokenizer} splits on ASCII white space only, as word2vec reads
 *       its corpus.</li>
 *   <li>{@link org.seq4j.text.WordVocabulary} and {@link org.seq4j.text.CharacterVocabulary}: tokens to
 *       ids and back, built by counting texts (minimum count, maximum size, frequency order with ties
 *       in order of first appearance) or given directly, saved and loaded as strict JSON
 *       ({@link org.seq4j.text.VocabularyFormatException} for a file that is not one).</li>
 *   <li>{@link org.seq4j.text.SpecialToken}: {@code <pad>}, {@code <bos>}, {@code <eos>}, {@code <unk>},
 *       any subset of them per vocabulary, always the first ids in that order ({@code <pad>} = 0 when
 *       present); unknown tokens map to {@code <unk>} when the vocabulary has it.</li>
 * </ul>
 *
 * <pre>{@code
 * Tokenizer tokenizer = new WordTokenizer();
 * WordVocabulary.Builder counts = WordVocabulary.builder()
 *         .specials(SpecialToken.PAD, SpecialToken.BOS, SpecialToken.EOS, SpecialToken.UNK)
 *         .minCount(2).maxSize(30_000);
 * sentences.forEach(s -> counts.addAll(tokenizer.tokenize(s)));
 * WordVocabulary vocabulary = counts.build();
 * int[] ids = vocabulary.encode(tokenizer.tokenize("Hello, world!"));   // [hello, ",", world, !] as ids
 * }</pre>
 *
 * <p>The character language model ({@link org.seq4j.lm}) numbers its characters with
 * {@link org.seq4j.text.CharacterVocabulary#of(CharSequence)}; word2vec ({@link org.seq4j.embed}) counts
 * its corpus in a streaming pass of its own ({@link org.seq4j.embed.Word2VecVocabulary}), with the
 * tokenisation of {@link org.seq4j.text.WhitespaceTokenizer}.
 */
package org.seq4j.text;
