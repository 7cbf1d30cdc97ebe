package org.seq4j.seq2seq;

/**
 * One written token of a partial hypothesis, linked to the token before it, so that hypotheses sharing a
 * prefix share its nodes (beam search keeps many continuations of one prefix). Immutable.
 */
final class Trail {

    final Trail parent;        // null for the first token
    final int token;
    final int length;          // tokens from the first to this one
    final int alignment;       // argmax source position of this step's attention, −1 without attention
    final float[] attention;   // (|source|) this step's attention weights, or null when not kept

    Trail(Trail parent, int token, int alignment, float[] attention) {
        this.parent = parent;
        this.token = token;
        this.length = parent == null ? 1 : parent.length + 1;
        this.alignment = alignment;
        this.attention = attention;
    }

    /** The length of a trail that may be null (no token yet). */
    static int length(Trail trail) {
        return trail == null ? 0 : trail.length;
    }
}
