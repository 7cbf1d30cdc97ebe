#!/usr/bin/python3
"""Train gensim 4.2 skip-gram negative sampling on a LineSentence corpus and time it.

Usage: /usr/bin/python3 bench/gensim_w2v.py CORPUS OUT.vec [--seed N] [--mode corpus_file|iterable]
       [--workers 2] [--epochs 5]
Settings (fixed, shared with fasttext_w2v.py): sg=1 hs=0 negative=5 vector_size=100 window=5
sample=1e-3 min_count=5 epochs=5 (--epochs) alpha=0.025 (linear decay to min_alpha=1e-4) workers=2.
Prints one 'JSON {...}' line: vocab_seconds, train_seconds (model.train() only), raw words/sec
(corpus tokens x epochs / train_seconds), gensim's effective words (after subsampling), peak RSS.
"""
import argparse
import json
import logging
import resource
import sys
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mode", choices=["corpus_file", "iterable"], default="corpus_file")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=5)
    a = ap.parse_args()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s", level=logging.INFO,
                        stream=sys.stderr)
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model = Word2Vec(sg=1, hs=0, negative=5, vector_size=100, window=5, sample=1e-3,
                     min_count=5, epochs=a.epochs, alpha=0.025, min_alpha=0.0001,
                     workers=a.workers, seed=a.seed)
    src = {"corpus_file": a.corpus} if a.mode == "corpus_file" else {"corpus_iterable": LineSentence(a.corpus)}
    t0 = time.time()
    model.build_vocab(**src)
    t_vocab = time.time() - t0
    t0 = time.time()
    effective, raw = model.train(total_examples=model.corpus_count,
                                 total_words=model.corpus_total_words, epochs=model.epochs, **src)
    t_train = time.time() - t0
    t0 = time.time()
    model.wv.save_word2vec_format(a.out, binary=False)
    t_save = time.time() - t0
    tokens = model.corpus_total_words
    res = {
        "tool": "gensim-%s" % a.mode, "seed": a.seed, "workers": a.workers,
        "corpus_tokens": tokens, "vocab": len(model.wv.index_to_key),
        "vocab_seconds": round(t_vocab, 2), "train_seconds": round(t_train, 2),
        "save_seconds": round(t_save, 2),
        "words_per_sec": round(tokens * model.epochs / t_train),
        "tool_raw_words": raw, "tool_effective_words": effective,
        "effective_words_per_sec": round(effective / t_train),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_after_import_mb": round(rss_start / 1024, 1),
    }
    print("JSON " + json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
