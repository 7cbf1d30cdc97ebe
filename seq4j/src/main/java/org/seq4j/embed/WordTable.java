package org.seq4j.embed;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Open-addressing hash table from words, given as UTF-8 byte slices, to dense ids {@code 0, 1, 2, ...}
 * in insertion order, with a {@code long} count per id.
 *
 * <p>The corpus reader looks tokens up straight from its read buffer, so that streaming a corpus
 * allocates nothing per word. Word bytes live in one growing byte pool ({@code bytes}), indexed by
 * {@code start[id]} and {@code length[id]}; the table itself is an {@code int[]} of ids (-1 = empty)
 * with linear probing and a load factor of at most 1/2.
 */
final class WordTable {

    private static final int EMPTY = -1;

    private int[] slots;           // (capacity) word id or EMPTY
    private int mask;
    private byte[] pool;           // concatenated word bytes
    private int poolSize;
    private int[] start;           // (size) offset of each word in pool
    private int[] length;          // (size) byte length of each word
    private int[] hashes;          // (size) hash of each word, for rehashing
    private long[] counts;         // (size)
    private int size;

    WordTable(int expectedWords) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedWords * 2 - 1)) << 1;
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        mask = capacity - 1;
        int n = Math.max(16, expectedWords);
        start = new int[n];
        length = new int[n];
        hashes = new int[n];
        counts = new long[n];
        pool = new byte[n * 8];
    }

    /** Number of distinct words. */
    int size() {
        return size;
    }

    /** The id of the word in {@code buf[off, off+len)}, or -1 if it is not in the table. */
    int find(byte[] buf, int off, int len) {
        int h = hash(buf, off, len);
        int slot = h & mask;
        while (true) {
            int id = slots[slot];
            if (id == EMPTY) {
                return -1;
            }
            if (hashes[id] == h && equalsWord(id, buf, off, len)) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The id of the word in {@code buf[off, off+len)}, adding it with count 0 if it is new. */
    int findOrAdd(byte[] buf, int off, int len) {
        int h = hash(buf, off, len);
        int slot = h & mask;
        while (true) {
            int id = slots[slot];
            if (id == EMPTY) {
                break;
            }
            if (hashes[id] == h && equalsWord(id, buf, off, len)) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
        int id = size;
        if (id == start.length) {
            int n = Math.max(16, id + (id >> 1));
            start = Arrays.copyOf(start, n);
            length = Arrays.copyOf(length, n);
            hashes = Arrays.copyOf(hashes, n);
            counts = Arrays.copyOf(counts, n);
        }
        if (poolSize + len > pool.length) {
            long n = Math.max((long) pool.length * 3 / 2, (long) poolSize + len);
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("vocabulary too large: word bytes exceed 2 GB");
            }
            pool = Arrays.copyOf(pool, (int) n);
        }
        System.arraycopy(buf, off, pool, poolSize, len);
        start[id] = poolSize;
        length[id] = len;
        hashes[id] = h;
        poolSize += len;
        size++;
        slots[slot] = id;
        if (size * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        return id;
    }

    /** Adds {@code delta} to the count of word {@code id}. */
    void addCount(int id, long delta) {
        counts[id] += delta;
    }

    /** The count of word {@code id}. */
    long count(int id) {
        return counts[id];
    }

    /** The word {@code id} decoded from UTF-8. */
    String word(int id) {
        return new String(pool, start[id], length[id], StandardCharsets.UTF_8);
    }

    /** Copies the UTF-8 bytes of word {@code id} into a new array. */
    byte[] wordBytes(int id) {
        return Arrays.copyOfRange(pool, start[id], start[id] + length[id]);
    }

    private boolean equalsWord(int id, byte[] buf, int off, int len) {
        if (length[id] != len) {
            return false;
        }
        return Arrays.equals(pool, start[id], start[id] + len, buf, off, off + len);
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        mask = capacity - 1;
        for (int id = 0; id < size; id++) {
            int slot = hashes[id] & mask;
            while (slots[slot] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = id;
        }
    }

    /** FNV-1a over the bytes, finished with the MurmurHash3 mixer so that linear probing spreads well. */
    static int hash(byte[] buf, int off, int len) {
        int h = 0x811c9dc5;
        for (int i = off; i < off + len; i++) {
            h = (h ^ (buf[i] & 0xff)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
