#!/usr/bin/python3
"""PyTorch reference for seq4j's character-level language model (the issue's quality bar).

Trains the same model the same way as `examples/run charrnn train` and prints the same summary line:

  model     nn.Embedding(V, E) -> nn.LSTM/GRU/RNN(E, H, num_layers=L) -> nn.Linear(H, V), PyTorch's
            default initialisation; CrossEntropyLoss, mean over the T*B predictions of a step
  data      the text's distinct code points, sorted (= seq4j's Vocabulary); the last 10 % of the text
            held out for validation (val_n = int(n * 0.1))
  batches   char-rnn's: the training text cut into B contiguous streams of S = (n - 1) // B characters,
            read in chunks of T steps; targets are the next character; the hidden state is carried
            (detached) from chunk to chunk and reset to zero when the streams wrap around
  step      Adam(lr), gradient clipping by value (clip_grad_value_, char-rnn's default) or by global
            norm (--clip-norm), then opt.step()
  val loss  the validation text cut the same way into B streams, every chunk in order with the state
            carried, mean cross-entropy over all predictions; bpc = val_loss / ln 2
  train_loss in the summary: mean training loss of the last 10 steps
  chars_per_sec: B*T*steps / training seconds (validation excluded)

Usage (run from anywhere; the default data is the bundled tiny-shakespeare):
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/charrnn_torch.py --steps 300
"""
import argparse
import math
import os
import time

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "examples", "data", "tinyshakespeare", "input.txt")


class CharLanguageModel(nn.Module):
    def __init__(self, cell, vocab, embedding, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embedding)
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.rnn = rnn(embedding, hidden, num_layers=layers)  # time-major (T, B, .), as seq4j
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, x, state):
        y, state = self.rnn(self.embedding(x), state)
        return self.decoder(y), state


def streams(ids, batch, seq):
    """(K, T+1, B) chunks of char-rnn's B contiguous streams: inputs [:, :T], targets [:, 1:]."""
    S = (len(ids) - 1) // batch
    K = S // seq
    chunks = torch.empty(K, seq + 1, batch, dtype=torch.long)
    for b in range(batch):
        for k in range(K):
            start = b * S + k * seq
            chunks[k, :, b] = ids[start:start + seq + 1]
    return chunks


def detach(state):
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--embedding", type=int, default=0, help="0: same as --hidden")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--seq", type=int, default=50)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=5.0, help="clip gradients by value to [-clip, clip]")
    ap.add_argument("--clip-norm", type=float, default=0.0, help="clip by global norm instead (if > 0)")
    ap.add_argument("--val-fraction", type=float, default=0.1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    text = open(a.data, encoding="utf-8").read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n = len(ids)
    n_val = int(n * a.val_fraction)
    train, val = ids[:n - n_val], ids[n - n_val:]
    B, T, V = a.batch, a.seq, len(chars)
    train_chunks = streams(train, B, T)
    val_chunks = streams(val, B, T)

    model = CharLanguageModel(a.cell, V, a.embedding or a.hidden, a.hidden, a.layers)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    lossf = nn.CrossEntropyLoss()
    state = None
    losses = []
    seconds = 0.0
    for step in range(a.steps):
        t0 = time.perf_counter()
        k = step % len(train_chunks)
        if k == 0:
            state = None
        chunk = train_chunks[k]
        logits, state = model(chunk[:-1], state)
        state = detach(state)
        loss = lossf(logits.reshape(-1, V), chunk[1:].reshape(-1))
        opt.zero_grad(set_to_none=False)
        loss.backward()
        if a.clip_norm > 0:
            nn.utils.clip_grad_norm_(model.parameters(), a.clip_norm)
        elif a.clip > 0:
            nn.utils.clip_grad_value_(model.parameters(), a.clip)
        opt.step()
        losses.append(loss.item())
        seconds += time.perf_counter() - t0
        if (step + 1) % 50 == 0:
            print("torch step %d/%d loss %.4f" % (step + 1, a.steps, losses[-1]), flush=True)

    model.eval()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for chunk in val_chunks:
            logits, state = model(chunk[:-1], state)
            total += lossf(logits.reshape(-1, V), chunk[1:].reshape(-1)).item() * chunk[1:].numel()
            count += chunk[1:].numel()
    val_loss = total / count
    last = losses[-10:]
    print("summary steps=%d train_loss=%.4f val_loss=%.4f val_bpc=%.4f chars_per_sec=%.0f"
          % (a.steps, sum(last) / len(last), val_loss, val_loss / math.log(2), B * T * a.steps / seconds),
          flush=True)


if __name__ == "__main__":
    main()
