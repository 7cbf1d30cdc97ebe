package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seq4j.text.WhitespaceTokenizer;

/**
 * One partition trained slice by slice is the single-machine trainer with one thread, bit for bit: the
 * state handed from slice to slice (random stream, pending words, learning rate, an open sentence) is all a
 * thread keeps between sentences.
 */
class Word2VecPartitionTrainerTest {

    @TempDir
    Path dir;

    /** A corpus with rare and frequent words, empty lines and lines longer than maxSentenceLength. */
    private Path corpus() throws IOException {
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < 1500; line++) {
            int length = line % 97 == 0 ? 0 : 1 + random.nextInt(line % 13 == 0 ? 60 : 14);
            for (int i = 0; i < length; i++) {
                int w = (int) Math.min(400, Math.floor(Math.exp(random.nextDouble() * 6.5)));
                text.append(i > 0 ? (i % 7 == 0 ? "\t" : " ") : "").append('w').append(w);
            }
            text.append('\n');
        }
        return Files.writeString(dir.resolve("corpus.txt"), text);
    }

    private static List<int[]> sentences(Path corpus, Word2VecVocabulary vocabulary) throws IOException {
        List<int[]> out = new ArrayList<>();
        WhitespaceTokenizer tokenizer = new WhitespaceTokenizer();
        for (String line : Files.readAllLines(corpus)) {
            out.add(tokenizer.tokenize(line).stream().mapToInt(vocabulary::indexOf).filter(i -> i >= 0).toArray());
        }
        return out;
    }

    private void assertSameAsSingleMachine(Word2VecConfig config, int slices) throws IOException {
        Path corpus = corpus();
        Word2VecVocabulary vocabulary = Word2VecVocabulary.count(List.of(corpus), config.minCount(), 0);
        Word2VecModel expected = new Word2VecTrainer(config).train(List.of(corpus), vocabulary);

        List<int[]> sentences = sentences(corpus, vocabulary);
        float[][] syn0 = Word2VecPartitionTrainer.initialInputVectors(config, vocabulary);
        int v = vocabulary.size();
        int e = config.vectorSize();
        float[][] syn1neg = config.negative() > 0 ? new float[v][e] : new float[0][0];
        float[][] syn1 = config.hierarchicalSoftmax() ? new float[v - 1][e] : new float[0][0];
        Word2VecPartitionTrainer.State state = Word2VecPartitionTrainer.initialState(config, 0);
        long wordsBefore = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            for (int s = 0; s < slices; s++) {
                // a fresh trainer over the same tables each slice, as a new task would be
                Word2VecPartitionTrainer trainer = new Word2VecPartitionTrainer(config, vocabulary, syn0, syn1neg,
                        syn1);
                List<int[]> slice = sentences.subList(sentences.size() * s / slices,
                        sentences.size() * (s + 1) / slices);
                Word2VecPartitionTrainer.Outcome outcome = trainer.train(slice.iterator(), state, wordsBefore, 1,
                        s == slices - 1);
                state = outcome.state();
                wordsBefore += outcome.advancedWords();
            }
        }
        assertEquals((long) config.epochs() * vocabulary.totalCount(), wordsBefore);
        for (int w = 0; w < v; w++) {
            assertArrayEquals(expected.syn0()[w], syn0[w], "syn0 row " + w + " (" + vocabulary.word(w) + ")");
        }
    }

    @Test
    void onePartitionInSlicesIsTheSingleMachineSkipGram() throws IOException {
        assertSameAsSingleMachine(Word2VecConfig.builder().vectorSize(12).window(3).epochs(2).minCount(2).threads(1)
                .sample(1e-2).maxSentenceLength(20).build(), 7);
    }

    @Test
    void onePartitionInSlicesIsTheSingleMachineCbowWithHierarchicalSoftmax() throws IOException {
        assertSameAsSingleMachine(Word2VecConfig.builder().architecture(Word2VecConfig.Architecture.CBOW)
                .hierarchicalSoftmax(true).negative(3).vectorSize(10).window(2).epochs(2).threads(1).sample(1e-2)
                .maxSentenceLength(25).build(), 5);
    }

    @Test
    void onePartitionInSlicesIsTheSingleMachineBatchedUpdate() throws IOException {
        assertSameAsSingleMachine(Word2VecConfig.builder().update(Word2VecConfig.Update.BATCHED).vectorSize(8)
                .epochs(1).threads(1).sample(1e-2).build(), 3);
    }

    @Test
    void refusesTablesOfTheWrongShape() {
        Word2VecVocabulary vocabulary = Word2VecVocabulary.of(List.of("a", "b", "c"), new long[] {3, 2, 1});
        Word2VecConfig config = Word2VecConfig.builder().vectorSize(4).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Word2VecPartitionTrainer(config, vocabulary, new float[3][4], new float[2][4], new float[0][0]));
        assertEquals("syn1neg must be (3, 4) but was (2, 4)", e.getMessage());
    }
}
