# Regenerate with (from the repository root; Debian's python3-torch, or any PyTorch >= 1.13 with numpy):
#   /usr/bin/python3 src/test/python/make_rnn_fixtures.py
#
# Writes PyTorch reference values for org.seq4j.rnn (RecurrentLayerFixtureTest) to
# src/test/resources/fixtures/rnn/<case>.safetensors: nn.RNN (tanh, relu), nn.LSTM and nn.GRU with one or
# two layers, unidirectional or bidirectional, on full-length and on packed variable-length batches
# (pack_padded_sequence(..., enforce_sorted=False)), some without biases; the CASES at a small size, the
# FAST_CASES at sizes that take the fast paths of seq4j's layer.
#
# Everything is computed in float64 from values that are exactly representable in float32 (parameters,
# inputs and upstream gradients are drawn, rounded to float32, then widened), and stored as float32.
# Each file holds, in seq4j's time-major layout (a [T, B, C] tensor is read as a (T·B, C) matrix):
#   <state_dict keys>        the module's parameters under PyTorch's names and shapes, in state_dict order
#   input [T, B, I]          the padded batch (padded steps hold random values, which must be ignored)
#   lengths [B] (I64)        the sequence lengths (packed cases only)
#   h0, c0 [L·D, B, H]       initial states (c0 for LSTM only)
#   output [T, B, D·H]       pad_packed_sequence(..., total_length=T) of the output for packed cases
#   h_n, c_n [L·D, B, H]     final states
#   grad_output, grad_h_n, grad_c_n   a fixed random upstream gradient: the loss is
#                            sum(output·grad_output) + sum(h_n·grad_h_n) + sum(c_n·grad_c_n)
#   grad.<param>, grad.input, grad.h0, grad.c0   the gradients of that loss
# and the metadata mode, input_size, hidden_size, num_layers, bidirectional, bias, torch_version.
#
# The check in the other direction: RecurrentLayerFixtureTest also writes a seq4j layer with its own
# (seq4j-initialised) weights, an input and seq4j's output to target/rnn-export/<case>.safetensors.
# After `mvn test`, run
#   /usr/bin/python3 src/test/python/make_rnn_fixtures.py --check-export target/rnn-export
# to load each of those state_dicts into the matching PyTorch module with load_state_dict(strict=True)
# and compare PyTorch's output and final states with seq4j's.

import json
import os
import struct
import sys

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "rnn")

T, B, I, H = 5, 3, 4, 3

# name, mode, num_layers, bidirectional, lengths (None: full length), bias; at the sizes T, B, I, H
CASES = [
    ("rnn_tanh_l1", "RNN_TANH", 1, False, None, True),
    ("rnn_tanh_l2_bi", "RNN_TANH", 2, True, None, True),
    ("rnn_tanh_l1_packed", "RNN_TANH", 1, False, [5, 2, 4], True),
    ("rnn_tanh_l2_bi_packed", "RNN_TANH", 2, True, [3, 1, 4], True),
    ("rnn_relu_l1", "RNN_RELU", 1, False, None, True),
    ("rnn_relu_l2_bi", "RNN_RELU", 2, True, None, True),
    ("rnn_relu_l1_packed", "RNN_RELU", 1, False, [2, 5, 3], True),
    ("rnn_relu_l2_bi_packed", "RNN_RELU", 2, True, [4, 5, 1], True),
    ("lstm_l1", "LSTM", 1, False, None, True),
    ("lstm_l2_bi", "LSTM", 2, True, None, True),
    ("lstm_l1_packed", "LSTM", 1, False, [5, 2, 4], True),
    ("lstm_l2_bi_packed", "LSTM", 2, True, [3, 1, 4], True),
    ("lstm_l1_nobias", "LSTM", 1, False, None, False),
    ("gru_l1", "GRU", 1, False, None, True),
    ("gru_l2_bi", "GRU", 2, True, None, True),
    ("gru_l1_packed", "GRU", 1, False, [2, 5, 3], True),
    ("gru_l2_bi_packed", "GRU", 2, True, [4, 5, 1], True),
    ("gru_l2_bi_packed_nobias", "GRU", 2, True, [3, 1, 4], False),
]

# Sizes that take seq4j's fast paths: B > 3 (per-step Gemm products, not row products), H >= 64, and a
# per-step state product of at least 2^16 multiply-adds even for an RNN (16·64·64), so that the time loops
# run on shards of the batch when seq4j has several threads (full-length cases only).
FAST_T, FAST_B, FAST_I, FAST_H = 5, 16, 8, 64
FAST_LENGTHS = [5, 1, 3, 5, 2, 4, 5, 5, 1, 2, 3, 4, 5, 3, 2, 4]

FAST_CASES = [
    ("rnn_tanh_fast_l2_bi", "RNN_TANH", 2, True, None, True),
    ("rnn_relu_fast_l1_packed", "RNN_RELU", 1, False, FAST_LENGTHS, True),
    ("lstm_fast_l2", "LSTM", 2, False, None, True),
    ("lstm_fast_l1_bi_packed", "LSTM", 1, True, FAST_LENGTHS, True),
    ("gru_fast_l2", "GRU", 2, False, None, True),
    ("gru_fast_l1_bi_packed", "GRU", 1, True, FAST_LENGTHS, True),
]


def make_module(mode, input_size, hidden_size, num_layers, bidirectional, bias):
    kwargs = dict(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                  bidirectional=bidirectional, bias=bias)
    if mode == "RNN_TANH":
        return torch.nn.RNN(nonlinearity="tanh", **kwargs)
    if mode == "RNN_RELU":
        return torch.nn.RNN(nonlinearity="relu", **kwargs)
    if mode == "LSTM":
        return torch.nn.LSTM(**kwargs)
    return torch.nn.GRU(**kwargs)


def f32(t):
    """Rounds to float32 and widens back to float64, so the value is exact in both."""
    return t.float().double()


def run(module, mode, x, lengths, h0, c0):
    """Forward in float64; returns output [T, B, D·H] (zero at padded steps), h_n, c_n (or None)."""
    inp = x if lengths is None else pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
    state = (h0, c0) if mode == "LSTM" else h0
    out, hn = module(inp, state)
    if lengths is not None:
        out, _ = pad_packed_sequence(out, total_length=x.shape[0])
    if mode == "LSTM":
        return out, hn[0], hn[1]
    return out, hn, None


def make_case(name, mode, num_layers, bidirectional, lengths, bias, seed, sizes=(T, B, I, H)):
    T, B, I, H = sizes
    torch.manual_seed(seed)
    d = 2 if bidirectional else 1
    module = make_module(mode, I, H, num_layers, bidirectional, bias).double()
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(f32(p))
    x = f32(torch.randn(T, B, I)).requires_grad_()
    h0 = f32(0.5 * torch.randn(num_layers * d, B, H)).requires_grad_()
    c0 = f32(0.5 * torch.randn(num_layers * d, B, H)).requires_grad_() if mode == "LSTM" else None
    out, hn, cn = run(module, mode, x, lengths, h0, c0)
    grad_out = f32(torch.randn(out.shape))
    grad_hn = f32(torch.randn(hn.shape))
    loss = (out * grad_out).sum() + (hn * grad_hn).sum()
    grad_cn = None
    if cn is not None:
        grad_cn = f32(torch.randn(cn.shape))
        loss = loss + (cn * grad_cn).sum()
    loss.backward()

    tensors = []
    for key, value in module.state_dict().items():
        tensors.append((key, value))
    tensors.append(("input", x.detach()))
    if lengths is not None:
        tensors.append(("lengths", torch.tensor(lengths, dtype=torch.int64)))
    tensors.append(("h0", h0.detach()))
    if c0 is not None:
        tensors.append(("c0", c0.detach()))
    tensors.append(("output", out.detach()))
    tensors.append(("h_n", hn.detach()))
    if cn is not None:
        tensors.append(("c_n", cn.detach()))
    tensors.append(("grad_output", grad_out))
    tensors.append(("grad_h_n", grad_hn))
    if grad_cn is not None:
        tensors.append(("grad_c_n", grad_cn))
    for key, p in module.named_parameters():
        tensors.append(("grad." + key, p.grad))
    tensors.append(("grad.input", x.grad))
    tensors.append(("grad.h0", h0.grad))
    if c0 is not None:
        tensors.append(("grad.c0", c0.grad))
    metadata = {
        "mode": mode,
        "input_size": str(I),
        "hidden_size": str(H),
        "num_layers": str(num_layers),
        "bidirectional": str(bidirectional).lower(),
        "bias": str(bias).lower(),
        "torch_version": torch.__version__,
    }
    write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), tensors, metadata)


# ------------------------------------------------------------------------------------------- safetensors

DTYPES = {torch.float64: "F32", torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata):
    """Writes (name, tensor) pairs in order; floats as F32, integers as I64, little-endian, row-major."""
    header = {"__metadata__": metadata}
    chunks = []
    offset = 0
    for name, t in tensors:
        dtype = DTYPES[t.dtype]
        array = t.detach().cpu().numpy().astype("<f4" if dtype == "F32" else "<i8")
        data = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in chunks:
            f.write(data)


def read_safetensors(path):
    """Returns ({name: float64 or int64 tensor}, metadata) of a safetensors file with F32/I64/I32 tensors."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + n
    kinds = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4"}
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        array = np.frombuffer(raw[base + begin:base + end], dtype=kinds[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.astype(np.float64 if entry["dtype"][0] == "F" else np.int64))
    return tensors, metadata


# ------------------------------------------------------------------------------------------ export check

def check_export(directory):
    """Loads every seq4j-written state_dict in directory into PyTorch and compares outputs; exits 1 on failure."""
    files = sorted(f for f in os.listdir(directory) if f.endswith(".safetensors"))
    if not files:
        print("no .safetensors files in " + directory)
        return 1
    failures = 0
    for file in files:
        tensors, meta = read_safetensors(os.path.join(directory, file))
        mode = meta["mode"]
        num_layers = int(meta["num_layers"])
        bidirectional = meta["bidirectional"] == "true"
        module = make_module(mode, int(meta["input_size"]), int(meta["hidden_size"]), num_layers,
                             bidirectional, meta["bias"] == "true").double()
        keys = list(module.state_dict().keys())
        state = {k: tensors[k] for k in keys if k in tensors}
        module.load_state_dict(state, strict=True)   # raises on a missing, unexpected or misshapen key
        lengths = tensors["lengths"].tolist() if "lengths" in tensors else None
        c0 = tensors.get("c0")
        with torch.no_grad():
            out, hn, cn = run(module, mode, tensors["input"], lengths, tensors["h0"], c0)
        error = max((out - tensors["output"]).abs().max().item(), (hn - tensors["h_n"]).abs().max().item(),
                    (cn - tensors["c_n"]).abs().max().item() if cn is not None else 0.0)
        ok = error < 1e-5
        failures += 0 if ok else 1
        print("%-40s %s  max |pytorch - seq4j| = %.2e" % (file, "ok  " if ok else "FAIL", error))
    return 1 if failures else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check-export":
        sys.exit(check_export(sys.argv[2]))
    if len(sys.argv) != 1:
        sys.exit("usage: make_rnn_fixtures.py [--check-export DIRECTORY]")
    os.makedirs(OUT_DIR, exist_ok=True)
    for seed, (name, mode, num_layers, bidirectional, lengths, bias) in enumerate(CASES):
        make_case(name, mode, num_layers, bidirectional, lengths, bias, 1000 + seed)
    for seed, (name, mode, num_layers, bidirectional, lengths, bias) in enumerate(FAST_CASES):
        make_case(name, mode, num_layers, bidirectional, lengths, bias, 2000 + seed,
                  (FAST_T, FAST_B, FAST_I, FAST_H))
    print("wrote %d files to %s" % (len(CASES) + len(FAST_CASES), os.path.normpath(OUT_DIR)))


if __name__ == "__main__":
    main()
