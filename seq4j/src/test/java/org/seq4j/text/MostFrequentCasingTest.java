package org.seq4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MostFrequentCasingTest {

    private static MostFrequentCasing trained(boolean sentenceStarts) {
        return MostFrequentCasing.builder()
                .add("The cat saw Mr Brown and the NASA probe .")
                .add("Then the brown cat met Mr Brown in Paris .")
                .add("Brown is a colour ; the cat is brown .")
                .add("THE END")
                .capitaliseSentenceStarts(sentenceStarts)
                .build();
    }

    @Test
    void everyWordTakesItsMostFrequentForm() {
        MostFrequentCasing baseline = trained(false);
        assertEquals("the", baseline.form("THE"));          // the ×3, The ×1, THE ×1
        assertEquals("Brown", baseline.form("brown"));      // Brown ×3, brown ×2
        assertEquals("NASA", baseline.form("nasa"));
        assertEquals("Mr", baseline.form("mr"));
        assertEquals("unseen", baseline.form("Unseen"));
        assertEquals("the cat saw Mr Brown near Paris , NASA says .",
                baseline.truecase("the cat saw mr brown near paris , nasa says ."));
    }

    @Test
    void tiesGoToTheFormSeenFirst() {
        MostFrequentCasing baseline = MostFrequentCasing.builder().add("Apple apple apple Apple").build();
        assertEquals("Apple", baseline.form("apple"));
        assertEquals(1, baseline.numWords());
    }

    @Test
    void sentenceStartsBecomeCapitals() {
        MostFrequentCasing baseline = trained(true);
        assertEquals("`` The cat ! '' Brown said . The cat ? 3 cats . 12 more", baseline.truecase(
                "`` the cat ! '' brown said . the cat ? 3 cats . 12 more"));
        // a capital is only added: a capitalised form stays, and an all-capitals form keeps its case
        assertEquals("NASA and Brown .", baseline.truecase("nasa and brown ."));
    }

    @Test
    void labelsAreOnePerCodePointAndOnlyOfTheLowerCase() {
        MostFrequentCasing baseline = trained(true);
        int[] labels = baseline.labels("mr brown");
        assertArrayEquals(new int[] {1, 0, 0, 1, 0, 0, 0, 0}, labels);
        assertArrayEquals(labels, baseline.labels("MR BROWN"));
        assertArrayEquals(new int[] {1, 0, 0}, baseline.labels("é😀x"));
        assertArrayEquals(new int[0], baseline.labels(""));
    }

    @Test
    void wordsAreSeparatedByAnyWhiteSpace() {
        MostFrequentCasing baseline = MostFrequentCasing.builder().add("Paris\tand  London\u2003x")
                .capitaliseSentenceStarts(false).build();
        assertEquals("in Paris\tor  London", baseline.truecase("in paris\tor  london"));
        assertEquals(4, baseline.numWords());
    }

    @Test
    void describesItself() {
        assertEquals("MostFrequentCasing[18 words, 6 capitalised, sentence starts]", trained(true).toString());
        assertThrows(IllegalArgumentException.class, () -> MostFrequentCasing.builder().add(null));
    }
}
