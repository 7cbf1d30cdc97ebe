package org.seq4j.random;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class Word2VecRandomTest {

    /** word2vec.c's next_random = next_random * (unsigned long long) 25214903917 + 11, read three ways. */
    @Test
    void drawsWhatWord2VecCDraws() {
        Word2VecRandom random = new Word2VecRandom(1);
        assertEquals(25214903928L, random.next());
        long r = 25214903928L;
        for (int i = 0; i < 1000; i++) {
            r = r * 25214903917L + 11;
            switch (i % 3) {
                case 0 -> assertEquals((r & 0xFFFF) / 65536f, random.nextFraction(), "draw " + i);
                case 1 -> assertEquals((int) Long.remainderUnsigned(r, 5), random.nextIndex(5), "draw " + i);
                default -> assertEquals(r, random.next(), "draw " + i);
            }
            assertEquals(r, random.state());
        }
    }

    @Test
    void unsignedRemainderAsInC() {
        Word2VecRandom random = new Word2VecRandom(-12);   // the next state is negative as a Java long
        long next = -12 * 25214903917L + 11;
        assertEquals(Long.remainderUnsigned(next, 7), random.nextIndex(7));
    }

    @Test
    void restoredStateContinuesTheSameDraws() {
        Word2VecRandom a = new Word2VecRandom(77);
        a.next();
        Word2VecRandom b = new Word2VecRandom(0);
        b.setState(a.state());
        for (int i = 0; i < 20; i++) {
            assertEquals(a.next(), b.next());
        }
    }
}
