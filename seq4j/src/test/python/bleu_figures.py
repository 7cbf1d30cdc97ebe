#!/usr/bin/python3
"""Prints the BLEU figures that src/test/java/org/seq4j/eval/BleuTest.java expects.

Corpus BLEU-4 is the computation of the seq2seq peer benchmark's bleu.py (corpus_bleu and tokenize of
torch_seq2seq.py, copied here so that this script needs nothing but Python): Papineni et al. 2002, one
reference, no smoothing, text lower-cased and split by the regex \\w+|[^\\w\\s], a literal "<unk>" in a
hypothesis kept as one token. Sentence BLEU is the add-one smoothed BLEU of Lin and Och 2004 ("BLEU+1"):
the n-gram precisions of orders 2 to 4 get one added to their matches and totals.

Usage: src/test/python/bleu_figures.py   (from the repository root)
"""
import collections
import math
import re

DIR = "src/test/resources/eval/bleu/"
TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def tokenize(s):
    return TOKEN.findall(s.lower())


def hypothesis_tokens(line):
    return [t for w in line.split() for t in ([w] if w == "<unk>" else tokenize(w))]


def ngrams(words, n):
    return collections.Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def counts(h, r, max_n=4):
    match, total = [], []
    for n in range(1, max_n + 1):
        hn, rn = ngrams(h, n), ngrams(r, n)
        match.append(sum(min(k, rn[g]) for g, k in hn.items()))
        total.append(max(len(h) - n + 1, 0))
    return match, total


def corpus_bleu(hyps, refs, max_n=4):
    match = [0] * max_n; total = [0] * max_n; hl = rl = 0
    for h, r in zip(hyps, refs):
        hl += len(h); rl += len(r)
        m, t = counts(h, r, max_n)
        match = [a + b for a, b in zip(match, m)]
        total = [a + b for a, b in zip(total, t)]
    if min(match) == 0:
        return 0.0, match, total, hl, rl
    logp = sum(math.log(m / t) for m, t in zip(match, total)) / max_n
    bp = 1.0 if hl > rl else math.exp(1 - rl / max(hl, 1))
    return 100 * bp * math.exp(logp), match, total, hl, rl


def sentence_bleu(h, r, max_n=4):
    m, t = counts(h, r, max_n)
    if not h or m[0] == 0:
        return 0.0
    logp = math.log(m[0] / t[0]) + sum(math.log((m[n] + 1) / (t[n] + 1)) for n in range(1, max_n))
    bp = 1.0 if len(h) >= len(r) else math.exp(1 - len(r) / len(h))
    return 100 * bp * math.exp(logp / max_n)


def main():
    refs = [line.rstrip("\n").split("\t")[1] for line in open(DIR + "references.tsv", encoding="utf-8")
            if len(line.rstrip("\n").split("\t")) >= 2]
    R = [tokenize(r) for r in refs]
    for name in ("mixed.txt", "short.txt", "no-fourgram.txt", "long-crlf.txt"):
        hyps = open(DIR + name, encoding="utf-8").read().split("\n")
        if hyps and hyps[-1] == "":
            hyps = hyps[:-1]
        H = [hypothesis_tokens(h) for h in hyps]
        bleu, match, total, hl, rl = corpus_bleu(H, R)
        print(f"{name}: BLEU {bleu:.4f} matches {match} totals {total} hyp_len {hl} ref_len {rl}")
    hyps = open(DIR + "mixed.txt", encoding="utf-8").read().split("\n")[:-1]
    for i, (h, r) in enumerate(zip(hyps, R)):
        print(f"sentence {i + 1}: {sentence_bleu(hypothesis_tokens(h), r):.4f}")


if __name__ == "__main__":
    main()
