#!/usr/bin/python3
"""Run `fasttext skipgram` (word-only: -minn 0 -maxn 0) with the shared settings and time it.

Usage: /usr/bin/python3 bench/fasttext_w2v.py CORPUS OUTPREFIX [--seed N] [--threads 2] [--epochs 5]
Writes OUTPREFIX.vec (word2vec text format) and OUTPREFIX.bin.
Timing comes from stderr time stamps: fastText prints 'Number of labels' when the
dictionary pass is done, and the final 'Progress: 100.0% ...' line (ending in a newline)
after its training threads have joined. train_seconds = the time between the two
(it includes the matrix initialisation, negligible with -bucket forced to 0 by -maxn 0).
Peak RSS is the child's ru_maxrss.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fasttext", default="fasttext")
    ap.add_argument("--epochs", type=int, default=5)
    a = ap.parse_args()
    cmd = [a.fasttext, "skipgram", "-input", a.corpus, "-output", a.out,
           "-minn", "0", "-maxn", "0", "-thread", str(a.threads),
           "-dim", "100", "-ws", "5", "-neg", "5", "-loss", "ns", "-t", "1e-3",
           "-minCount", "5", "-epoch", str(a.epochs), "-lr", "0.025", "-seed", str(a.seed), "-verbose", "2"]
    print("CMD " + " ".join(cmd), file=sys.stderr, flush=True)
    t_start = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    buf = b""
    t_labels = t_final = None
    fd = p.stderr.fileno()
    while True:
        chunk = os.read(fd, 65536)
        now = time.time()
        if not chunk:
            break
        buf += chunk
        if t_labels is None and b"Number of labels" in buf:
            t_labels = now
        if t_final is None and t_labels is not None:
            i = buf.rfind(b"Progress:")
            if i >= 0 and b"\n" in buf[i:]:
                t_final = now
    p.wait()
    t_exit = time.time()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = buf.decode("utf-8", "replace")
    sys.stderr.write(text.replace("\r", "\n") if len(text) < 4000 else text[-3000:].replace("\r", "\n"))
    if p.returncode != 0:
        sys.exit("fasttext failed rc=%d" % p.returncode)
    m = re.search(r"Read (\d+)M words", text)
    nw = re.search(r"Number of words:\s+(\d+)", text)
    last = re.findall(r"Progress:\s+([\d.]+)%\s+words/sec/thread:\s+(\d+)\s+lr:\s+([-\d.e]+)\s+avg\.loss:\s+([\d.]+)", text)
    tokens = sum(len(l.split()) for l in open(a.corpus))
    lines = sum(1 for _ in open(a.corpus))
    train_s = t_final - t_labels
    res = {
        "tool": "fasttext-0.9.2", "seed": a.seed, "threads": a.threads,
        "corpus_tokens": tokens,
        "vocab": int(nw.group(1)) if nw else None,
        "vocab_seconds": round(t_labels - t_start, 2),
        "train_seconds": round(train_s, 2),
        "save_seconds": round(t_exit - t_final, 2),
        "wall_seconds_total": round(t_exit - t_start, 2),
        "words_per_sec": round(tokens * a.epochs / train_s),
        "tool_words_per_sec_per_thread": int(last[-1][1]) if last else None,
        "tool_words_per_sec": int(last[-1][1]) * a.threads if last else None,
        "tool_note": "fastText counts one </s> token per line: %d extra tokens/epoch" % lines,
        "final_avg_loss": float(last[-1][3]) if last else None,
        "peak_rss_mb": round(ru.ru_maxrss / 1024, 1),
        "user_cpu_s": round(ru.ru_utime, 1), "sys_cpu_s": round(ru.ru_stime, 1),
    }
    print("JSON " + json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
