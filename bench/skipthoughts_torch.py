#!/usr/bin/python3
"""PyTorch implementation of seq4j's Skip-Thoughts model and batch, for bench/skipthoughts_vs_pytorch.sh.

Trains and encodes exactly as src/bench/java/org/seq4j/bench/SkipThoughtsBench.java does, and prints the
same JSON line:

  data      the books bundled with the skipthoughts example (or --data FILE), one sentence per line, one
            document per book; tokens re.findall(r"\\w+|[^\\w\\s]", line.lower()) (seq4j's WordTokenizer);
            vocabulary <pad> <bos> <eos> <unk> + the --vocab most frequent tokens (ties by first
            appearance); sentences cut after --max-length tokens; the last 2 % of every document held out
  batches   triples (s_{i-1}, s_i, s_{i+1}) within a document, shuffled, sorted (stably) by the length of
            s_i and cut into batches of --batch, the batches shuffled: the buckets of one batch of seq4j's
            BucketBatcher
  model     nn.Embedding(V, E, padding_idx=0) shared by all three; nn.GRU(E, D or D/2, bidirectional for
            bi) over the packed middle sentences, its final state(s) the thought vector h (B, D); two
            conditional GRU decoders (Kiros et al. 2015, eq. 4-7: the thought enters every step through
            its own matrix, reset gate before the recurrent product), written with torch operations over
            the time steps, reading <bos> w1 .. wm (teacher forcing) from a zero state; the rows of real
            targets (w1 .. wm <eos>) of both decoders through one nn.Linear(D, V); loss =
            cross_entropy(prev) + cross_entropy(next), each a mean over its targets
  step      zero_grad, forward, backward, clip_grad_norm_(10), Adam(2e-3)
  encoding  the first --encode raw sentences: tokenize (whole sentences, not cut), group by length,
            batches of at most 128 of one length through the encoder (no_grad), vectors divided by their norm

Usage: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/skipthoughts_torch.py --mode uni --dim 256 --threads 2
"""
import argparse
import collections
import gzip
import json
import os
import random
import re
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
BOOKS_DIR = os.path.join(HERE, "..", "seq4j", "src", "examples", "resources", "skipthoughts")
BOOKS = ["austen-emma", "austen-persuasion", "austen-sense", "carroll-alice", "chesterton-brown",
         "chesterton-thursday", "bryant-stories", "burgess-busterbrown"]
PAD, BOS, EOS, UNK = 0, 1, 2, 3
TOKEN = re.compile(r"\w+|[^\w\s]")


def tokenize(line):
    return TOKEN.findall(line.lower())


def documents(args):
    paths = [args.data] if args.data else [os.path.join(BOOKS_DIR, b + ".txt.gz") for b in
                                           (args.books.split(",") if args.books else BOOKS)]
    docs = []
    for path in paths:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            doc = []
            for line in f:
                line = line.strip()
                if not line:
                    if doc:
                        docs.append(doc)
                    doc = []
                else:
                    doc.append(line)
            if doc:
                docs.append(doc)
    return docs


class ConditionalGru(nn.Module):
    """r = s(W_r x + U_r h + C_r c + b_r), z = s(W_z x + U_z h + C_z c + b_z), n = tanh(W x + U(r*h) + C c + b_n),
    h' = (1 - z) h + z n; weights packed r, z, n."""

    def __init__(self, input_size, hidden_size, context_size):
        super().__init__()
        g = 3 * hidden_size
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.empty(g, input_size))
        self.weight_hh = nn.Parameter(torch.empty(g, hidden_size))
        self.weight_ch = nn.Parameter(torch.empty(g, context_size))
        self.bias_ih = nn.Parameter(torch.empty(g))
        bound = hidden_size ** -0.5
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def forward(self, x, active, context):
        """x (T, B, I), active (T, B, 1) bool, context (B, K) -> output (T, B, H)."""
        H = self.hidden_size
        gates = torch.addmm(self.bias_ih, x.reshape(-1, x.shape[2]), self.weight_ih.t()).view(x.shape[0], x.shape[1], -1)
        gates = gates + (context @ self.weight_ch.t())
        u_rz = self.weight_hh[:2 * H].t()
        u_n = self.weight_hh[2 * H:].t()
        h = torch.zeros(x.shape[1], H)
        outputs = []
        for t in range(x.shape[0]):
            rz = torch.sigmoid(gates[t, :, :2 * H] + h @ u_rz)
            r, z = rz[:, :H], rz[:, H:]
            n = torch.tanh(gates[t, :, 2 * H:] + (r * h) @ u_n)
            new = h + z * (n - h)
            h = torch.where(active[t], new, h)
            outputs.append(new)
        return torch.stack(outputs)


class SkipThoughts(nn.Module):
    def __init__(self, vocab, embedding, dim, bidirectional):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embedding, padding_idx=PAD)
        self.encoder = nn.GRU(embedding, dim // 2 if bidirectional else dim, bidirectional=bidirectional)
        self.decoder_prev = ConditionalGru(embedding, dim, dim)
        self.decoder_next = ConditionalGru(embedding, dim, dim)
        self.output = nn.Linear(dim, vocab)

    def encode(self, source, lengths):
        """source (T, B) -> thought (B, D)."""
        packed = pack_padded_sequence(self.embedding(source), lengths, enforce_sorted=False)
        _, h_n = self.encoder(packed)
        return torch.cat([h_n[d] for d in range(h_n.shape[0])], dim=1)

    def forward(self, batch):
        thought = self.encode(batch["source"], batch["lengths"])
        rows = []
        for decoder, key in ((self.decoder_prev, "prev"), (self.decoder_next, "next")):
            inp, target, active = batch[key]
            out = decoder(self.embedding(inp), active, thought)
            rows.append(out[target != -100])
        logits = self.output(torch.cat(rows))
        n_prev = rows[0].shape[0]
        targets = torch.cat([batch["prev"][1][batch["prev"][1] != -100], batch["next"][1][batch["next"][1] != -100]])
        nll = nn.functional.cross_entropy(logits, targets, reduction="none")
        return nll[:n_prev].mean() + nll[n_prev:].mean()


def decoder_tensors(sentences):
    T = max(len(s) for s in sentences) + 1
    B = len(sentences)
    inp = torch.full((T, B), PAD, dtype=torch.long)
    target = torch.full((T, B), -100, dtype=torch.long)
    active = torch.zeros(T, B, 1, dtype=torch.bool)
    for b, s in enumerate(sentences):
        inp[0, b] = BOS
        inp[1:len(s) + 1, b] = torch.tensor(s)
        target[:len(s), b] = torch.tensor(s)
        target[len(s), b] = EOS
        active[:len(s) + 1, b] = True
    return inp, target, active


def make_batch(sentences, triple_batch):
    current = [sentences[c] for _, c, _ in triple_batch]
    lengths = torch.tensor([len(s) for s in current])
    source = torch.full((int(lengths.max()), len(current)), PAD, dtype=torch.long)
    for b, s in enumerate(current):
        source[:len(s), b] = torch.tensor(s)
    return {"source": source, "lengths": lengths,
            "prev": decoder_tensors([sentences[p] for p, _, _ in triple_batch]),
            "next": decoder_tensors([sentences[n] for _, _, n in triple_batch])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--books")
    ap.add_argument("--mode", default="uni", choices=["uni", "bi"])
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--embedding", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=5000)
    ap.add_argument("--max-length", type=int, default=30)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--encode", type=int, default=5000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)

    docs = documents(args)
    counts = collections.Counter()
    for doc in docs:
        for line in doc:
            counts.update(tokenize(line)[:args.max_length])
    words = [w for w, _ in counts.most_common(args.vocab)]
    index = {w: i + 4 for i, w in enumerate(words)}
    V = len(words) + 4
    sentences, triples = [], []
    for doc in docs:
        ids = [[index.get(w, UNK) for w in tokenize(line)[:args.max_length]] for line in doc]
        ids = [s for s in ids if s]
        ids = ids[:len(ids) - round(len(ids) * 0.02)]                # the training part
        base = len(sentences)
        sentences.extend(ids)
        triples.extend((base + i - 1, base + i, base + i + 1) for i in range(1, len(ids) - 1))
    random.shuffle(triples)
    triples.sort(key=lambda t: len(sentences[t[1]]))
    batches = [triples[i:i + args.batch] for i in range(0, len(triples) - args.batch + 1, args.batch)]
    random.shuffle(batches)

    model = SkipThoughts(V, args.embedding, args.dim, args.mode == "bi")
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)

    def step(k):
        batch = make_batch(sentences, batches[k % len(batches)])
        optimizer.zero_grad()
        loss = model(batch)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 10)
        optimizer.step()
        return loss.item()

    for k in range(args.warmup):
        step(k)
    steps, loss = 0, float("nan")
    start = time.perf_counter()
    while steps < 3 or time.perf_counter() - start < args.seconds:
        loss = step(args.warmup + steps)
        steps += 1
    train_seconds = time.perf_counter() - start

    raw = [line for doc in docs for line in doc][:args.encode]

    def encode():
        tokens = [[index.get(w, UNK) for w in tokenize(s)] for s in raw]          # not cut, as seq4j's encode
        out = torch.zeros(len(raw), args.dim)
        by_length = collections.defaultdict(list)
        for i, s in enumerate(tokens):
            if s:
                by_length[len(s)].append(i)
        with torch.no_grad():
            for n, members in by_length.items():
                for start_ in range(0, len(members), 128):
                    part = members[start_:start_ + 128]
                    source = torch.tensor([tokens[i] for i in part]).t()
                    _, h_n = model.encoder(model.embedding(source))
                    h = torch.cat([h_n[d] for d in range(h_n.shape[0])], dim=1)
                    out[part] = h / h.norm(dim=1, keepdim=True).clamp_min(1e-30)
        return out

    encode()
    passes = 0
    start = time.perf_counter()
    while passes < 1 or time.perf_counter() - start < args.seconds:
        encode()
        passes += 1
    encode_seconds = time.perf_counter() - start
    print("JSON " + json.dumps({"tool": "pytorch", "torch": torch.__version__, "mode": args.mode, "dim": args.dim,
                                "embedding": args.embedding, "vocab": V, "batch": args.batch,
                                "threads": args.threads, "train_steps": steps,
                                "train_triples_per_sec": round(steps * args.batch / train_seconds, 2),
                                "last_loss": round(loss, 4), "encode_sentences": len(raw),
                                "encode_sentences_per_sec": round(len(raw) * passes / encode_seconds, 1)}))


if __name__ == "__main__":
    main()
