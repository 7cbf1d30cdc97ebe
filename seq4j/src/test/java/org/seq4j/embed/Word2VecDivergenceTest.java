package org.seq4j.embed;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A learning rate far too large makes the vectors overflow: training stops instead of returning NaN vectors. */
class Word2VecDivergenceTest {

    @TempDir
    Path dir;

    @Test
    void anOverflowingLearningRateStopsTrainingNamingTheWord() throws IOException {
        Word2VecTrainerTest corpora = new Word2VecTrainerTest();
        corpora.dir = dir;
        Path corpus = corpora.topicCorpus(300, 3);
        for (int threads : new int[] {1, 2}) {
            for (Word2VecConfig.Architecture architecture : Word2VecConfig.Architecture.values()) {
                Word2VecConfig config = Word2VecTrainerTest.small().architecture(architecture).threads(threads)
                        .alpha(1e30).build();
                Word2VecDivergedException e = assertThrows(Word2VecDivergedException.class,
                        () -> new Word2VecTrainer(config).train(List.of(corpus)));
                assertNotNull(e.word());
                assertTrue(e.getMessage().contains("'" + e.word() + "'") && e.getMessage().contains("diverged"),
                        e.getMessage());
            }
        }
    }

    @Test
    void aLearningRateGivenAsNaNIsRefusedNotReplacedByTheDefault() {
        assertThrows(IllegalArgumentException.class, () -> Word2VecConfig.builder().alpha(Double.NaN).build());
        assertThrows(IllegalArgumentException.class,
                () -> Word2VecConfig.builder().alpha(Double.POSITIVE_INFINITY).build());
        assertTrue(Word2VecConfig.builder().build().alpha() == 0.025);
        assertTrue(Word2VecConfig.builder().architecture(Word2VecConfig.Architecture.CBOW).build().alpha() == 0.05);
    }
}
