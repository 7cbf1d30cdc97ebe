#!/usr/bin/python3
"""Writes the word-vector files that WordVectorsFixtureTest reads, in the formats of other tools.

Regenerate (from the project root):
    /usr/bin/python3 src/test/python/make_word2vec_fixtures.py src/test/resources/fixtures/word2vec

Files (6 words including non-ASCII ones, dimension 4, float32 values from numpy seed 7):
    expected.tsv   word TAB the 4 values as repr() of float32: the reference the test compares against
    gensim.txt     gensim 4 KeyedVectors.save_word2vec_format(binary=False)
    gensim.bin     gensim 4 KeyedVectors.save_word2vec_format(binary=True): no newline after vectors
    ctool.txt      word2vec.c text output: "%s " then "%lf " per value, then "\n" (6 decimals)
    ctool.bin      word2vec.c binary output: "%s " then fwrite of the floats, then "\n"
    fasttext.vec   the .vec file of a real `fasttext skipgram` run on a tiny corpus (values not in
                   expected.tsv; the test checks the shape and reads it like gensim does here)
    fasttext_gensim.tsv  that .vec as gensim loads it (word TAB values), for comparison
"""
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from gensim.models import KeyedVectors

WORDS = ["the", "king", "queen", "café", "naïve", "x"]
DIM = 4


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(len(WORDS), DIM)).astype(np.float32)

    with open(os.path.join(out, "expected.tsv"), "w", encoding="utf-8") as f:
        for w, v in zip(WORDS, vectors):
            f.write(w + "\t" + "\t".join(repr(float(x)) for x in v) + "\n")

    kv = KeyedVectors(DIM)
    kv.add_vectors(WORDS, vectors)
    kv.save_word2vec_format(os.path.join(out, "gensim.txt"), binary=False)
    kv.save_word2vec_format(os.path.join(out, "gensim.bin"), binary=True)

    # word2vec.c, end of TrainModel():
    #   fprintf(fo, "%lld %lld\n", vocab_size, layer1_size);
    #   for (a = 0; a < vocab_size; a++) {
    #     fprintf(fo, "%s ", vocab[a].word);
    #     if (binary) for (b = 0; b < layer1_size; b++) fwrite(&syn0[a * layer1_size + b], sizeof(real), 1, fo);
    #     else for (b = 0; b < layer1_size; b++) fprintf(fo, "%lf ", syn0[a * layer1_size + b]);
    #     fprintf(fo, "\n");
    #   }
    with open(os.path.join(out, "ctool.txt"), "wb") as f:
        f.write(b"%d %d\n" % (len(WORDS), DIM))
        for w, v in zip(WORDS, vectors):
            f.write(w.encode("utf-8") + b" " + b"".join(b"%f " % float(x) for x in v) + b"\n")
    with open(os.path.join(out, "ctool.bin"), "wb") as f:
        f.write(b"%d %d\n" % (len(WORDS), DIM))
        for w, v in zip(WORDS, vectors):
            f.write(w.encode("utf-8") + b" " + struct.pack("<%df" % DIM, *v) + b"\n")

    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            for i in range(200):
                f.write("the king and the queen drink café au lait %d\n" % (i % 3))
        prefix = os.path.join(tmp, "ft")
        subprocess.run(["fasttext", "skipgram", "-input", corpus, "-output", prefix, "-dim", "3",
                        "-minCount", "1", "-minn", "0", "-maxn", "0", "-epoch", "1", "-thread", "1",
                        "-seed", "1", "-verbose", "0"], check=True)
        with open(prefix + ".vec", "rb") as f:
            data = f.read()
    with open(os.path.join(out, "fasttext.vec"), "wb") as f:
        f.write(data)
    ft = KeyedVectors.load_word2vec_format(os.path.join(out, "fasttext.vec"), binary=False)
    with open(os.path.join(out, "fasttext_gensim.tsv"), "w", encoding="utf-8") as f:
        for w in ft.index_to_key:
            f.write(w + "\t" + "\t".join(repr(float(x)) for x in ft[w]) + "\n")


if __name__ == "__main__":
    main()
