#!/usr/bin/python3
"""PyTorch side of bench/training.sh: char-level LM training tokens/s and batch-1 generation us/char.

Model: nn.Embedding(V, H) -> nn.{LSTM,GRU,RNN(tanh)}(H, H, num_layers=L, batch_first=True)
       -> nn.Linear(H, V) -> CrossEntropyLoss (mean over B*T). Adam(lr=2e-3),
       clip_grad_norm_(params, 5.0). V = the distinct characters of the text (65 for tiny-shakespeare).
Batches: B random contiguous windows of T+1 characters from the whole text (inputs = first T,
targets = next characters), fresh zero state each step.
Timing: `--warmup` steps untimed, then timed steps until `--seconds` have passed (at least
`--min-steps`); batch sampling included; tokens/sec = B*T*steps / seconds.
--generate 1: sample with batch 1, one character per forward call, carrying the state, softmax +
torch.multinomial, under torch.inference_mode(), from "\\n"; 50 untimed characters, then characters
until `--gen-seconds` have passed; reports microseconds per character.

Adapted from the peer benchmark that measured the figures quoted in the speed issue (same model, batches,
optimizer and clipping); the differences are the time budget instead of a fixed step count, and the
default text (the bundled tiny-shakespeare). Prints one line "JSON {...}".

Usage: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/training_torch.py --cell lstm --hidden 128 \
           --layers 2 --batch 50 --seq 50 --seconds 3 --generate 1
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "examples", "data", "tinyshakespeare", "input.txt")


class CharRNN(nn.Module):
    def __init__(self, cell, V, H, L):
        super().__init__()
        self.emb = nn.Embedding(V, H)
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        kw = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        self.rnn = rnn(H, H, num_layers=L, batch_first=True, **kw)
        self.out = nn.Linear(H, V)

    def forward(self, x, state=None):
        y, state = self.rnn(self.emb(x), state)
        return self.out(y), state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--seq", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=3.0, help="timed training time; 0 skips training")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--min-steps", type=int, default=3)
    ap.add_argument("--generate", type=int, default=0, help="1: also measure batch-1 generation")
    ap.add_argument("--gen-seconds", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--label", default="")
    ap.add_argument("--peer", default="", help="name of this PyTorch set-up, echoed in the JSON line")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    text = open(a.data, encoding="utf-8").read()
    chars = sorted(set(text))
    V = len(chars)
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    N = data.numel()

    model = CharRNN(a.cell, V, a.hidden, a.layers)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    lossf = nn.CrossEntropyLoss()
    B, T = a.batch, a.seq
    offs = torch.arange(T + 1)
    gen = torch.Generator().manual_seed(a.seed)

    def step():
        starts = torch.randint(0, N - T - 1, (B,), generator=gen)
        chunk = data[starts[:, None] + offs]
        x, y = chunk[:, :-1], chunk[:, 1:]
        logits, _ = model(x)
        loss = lossf(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        return loss.item()

    res = {"tool": "pytorch-%s" % torch.__version__, "peer": a.peer, "label": a.label, "cell": a.cell,
           "hidden": a.hidden, "layers": a.layers, "batch": B, "seq": T, "threads": a.threads,
           "params": sum(p.numel() for p in model.parameters()),
           "env": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS",
                                               "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
                   if k in os.environ}}
    if a.seconds > 0:
        t0 = time.perf_counter()
        for _ in range(a.warmup):
            step()
        res["warmup_steps"] = a.warmup
        res["warmup_seconds"] = round(time.perf_counter() - t0, 3)
        losses = []
        t0 = time.perf_counter()
        while True:
            losses.append(step())
            secs = time.perf_counter() - t0
            if len(losses) >= a.min_steps and secs >= a.seconds:
                break
        steps = len(losses)
        res.update({"steps": steps, "seconds": round(secs, 3),
                    "tokens_per_sec": round(B * T * steps / secs, 1),
                    "ms_per_step": round(1000 * secs / steps, 3),
                    "loss_mean_timed": round(sum(losses) / steps, 4)})

    if a.generate > 0:
        model.eval()
        sample = []
        with torch.inference_mode():
            x = torch.tensor([[stoi["\n"]]])
            state = None
            warm = 50
            chars_done = 0
            i = 0
            while True:
                if i == warm:
                    t0 = time.perf_counter()
                logits, state = model(x, state)
                p = torch.softmax(logits[0, -1], dim=-1)
                x = torch.multinomial(p, 1).view(1, 1)
                if i >= warm:
                    if len(sample) < 200:
                        sample.append(int(x))
                    chars_done += 1
                    secs = time.perf_counter() - t0
                    if chars_done >= 100 and secs >= a.gen_seconds:
                        break
                i += 1
        res.update({"generate_chars": chars_done, "generate_seconds": round(secs, 3),
                    "us_per_char": round(1e6 * secs / chars_done, 1),
                    "sample": "".join(chars[i] for i in sample)})

    print("JSON " + json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
