#!/usr/bin/python3
"""Score any word2vec *text*-format vector file identically (gensim 4.2 evaluators).

Usage: /usr/bin/python3 bench/eval_vectors.py PATH.vec [--binary] [--data DIR] [--json]
  --data DIR: folder with questions-words.txt, wordsim353.tsv and simlex999.txt
              (default: seq4j/src/examples/resources/word2vec of this project)

  analogy:  KeyedVectors.evaluate_word_analogies(questions-words.txt,
                restrict_vocab=30000, case_insensitive=True)   (3CosAdd, 19,544 questions;
                questions with a word outside the 30,000 most frequent vectors are skipped)
            -> accuracy over answered questions, semantic/syntactic split, coverage.
  WS-353 / SimLex-999: KeyedVectors.evaluate_word_pairs(FILE, restrict_vocab=300000,
                case_insensitive=True, dummy4unknown=False)
            -> Spearman rho over the pairs whose both words are known, plus OOV %.
The vectors are used as saved (gensim unit-normalises them for cosine internally).
Vectors are assumed to be sorted by descending frequency (gensim and fastText both write them so),
because restrict_vocab takes the first N rows of the file.
"""
import argparse
import json
import logging
import os
import sys
import time

from gensim.models import KeyedVectors

SEMANTIC = {"capital-common-countries", "capital-world", "currency", "city-in-state", "family"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vec")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "seq4j", "src",
                                                   "examples", "resources", "word2vec"))
    ap.add_argument("--binary", action="store_true", help="the vectors are in the binary format")
    ap.add_argument("--json", action="store_true", help="print one JSON line only")
    a = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)

    t0 = time.time()
    kv = KeyedVectors.load_word2vec_format(a.vec, binary=a.binary)
    t_load = time.time() - t0

    qfile = os.path.join(a.data, "questions-words.txt")
    n_questions = sum(1 for l in open(qfile) if l.strip() and not l.startswith(":"))
    t0 = time.time()
    acc, sections = kv.evaluate_word_analogies(qfile, restrict_vocab=30000, case_insensitive=True)
    t_an = time.time() - t0
    sem_c = sem_i = syn_c = syn_i = 0
    for s in sections:
        if s["section"] == "Total accuracy":
            continue
        c, i = len(s["correct"]), len(s["incorrect"])
        if s["section"] in SEMANTIC:
            sem_c += c; sem_i += i
        else:
            syn_c += c; syn_i += i
    total = [s for s in sections if s["section"] == "Total accuracy"][0]
    tc, ti = len(total["correct"]), len(total["incorrect"])

    res = {
        "vec": a.vec,
        "vocab": len(kv.index_to_key),
        "dim": kv.vector_size,
        "analogy_acc": acc,
        "analogy_correct": tc,
        "analogy_answered": tc + ti,
        "analogy_total": n_questions,
        "analogy_coverage": (tc + ti) / n_questions,
        "analogy_sem_acc": sem_c / max(1, sem_c + sem_i),
        "analogy_sem_answered": sem_c + sem_i,
        "analogy_syn_acc": syn_c / max(1, syn_c + syn_i),
        "analogy_syn_answered": syn_c + syn_i,
    }
    for name, fn in (("ws353", "wordsim353.tsv"), ("simlex999", "simlex999.txt")):
        pear, spear, oov = kv.evaluate_word_pairs(
            os.path.join(a.data, fn),
            restrict_vocab=300000, case_insensitive=True, dummy4unknown=False)
        res[name + "_spearman"] = float(spear[0])
        res[name + "_pearson"] = float(pear[0])
        res[name + "_oov_pct"] = float(oov)
    res["eval_seconds"] = round(time.time() - t0 + t_load, 1)
    if a.json:
        print(json.dumps(res))
        return
    print("vectors:   %s (%d words x %d)" % (a.vec, res["vocab"], res["dim"]))
    print("analogy:   %.4f  (%d / %d answered; coverage %.1f%% of %d; semantic %.4f on %d, syntactic %.4f on %d)"
          % (acc, tc, tc + ti, 100 * res["analogy_coverage"], n_questions,
             res["analogy_sem_acc"], sem_c + sem_i, res["analogy_syn_acc"], syn_c + syn_i))
    print("WS-353:    spearman %.4f  (pearson %.4f, oov %.1f%%)"
          % (res["ws353_spearman"], res["ws353_pearson"], res["ws353_oov_pct"]))
    print("SimLex999: spearman %.4f  (pearson %.4f, oov %.1f%%)"
          % (res["simlex999_spearman"], res["simlex999_pearson"], res["simlex999_oov_pct"]))
    print("JSON " + json.dumps(res))


if __name__ == "__main__":
    main()
