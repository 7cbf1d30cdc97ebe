# Regenerate with (from the repository root; needs PyTorch, e.g. Debian's python3-torch):
#   /usr/bin/python3 src/test/python/make_nn_fixtures.py
#
# Writes PyTorch reference values for org.seq4j.nn and org.seq4j.tensor as safetensors files under
# src/test/resources/fixtures/nn/, read by NnFixtureTest and TensorsFixtureTest:
#
#   linear.safetensors         torch.nn.Linear with and without bias
#   embedding.safetensors      torch.nn.Embedding with padding_idx (repeated and padding indices)
#   cross_entropy.safetensors  torch.nn.CrossEntropyLoss: mean/sum, ignore_index, class weights, and seq4j's
#                              per-example weights (written with reduction='none')
#   mse.safetensors            torch.nn.MSELoss: mean/sum, and seq4j's per-row weights
#   activations.safetensors    sigmoid, tanh, relu, softmax and log_softmax over dim 1
#
# Every input is drawn from a seeded torch.Generator, rounded to float32 and widened back, so that the
# oracle sees exactly the float32 values that the Java code sees; the oracle then runs in float64 and every
# result is stored rounded to float32 (F32; index tensors as I64, like torch.long). Each file holds the
# inputs, the parameters, the outputs, the upstream gradient used for backward, and every gradient.
# Names: a "<case>." prefix per configuration; "dy" / "dloss" is the upstream gradient, "<x>.grad" the
# gradient of <x>. Only the standard library and torch are used: the safetensors container is written with
# struct and json (8-byte little-endian header length, JSON header padded with spaces to a multiple of 8,
# raw little-endian row-major data). Running the script twice gives identical files.

import json
import os
import struct

import torch

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "nn")
F64 = torch.float64


def f32(t):
    """Rounds to float32 and widens back to float64: the exact value Java will hold."""
    return t.to(torch.float32).to(F64)


def randn(gen, *shape, scale=1.0):
    return f32(torch.randn(*shape, generator=gen, dtype=F64) * scale)


def leaf(t):
    return t.clone().requires_grad_(True)


def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, tensor); floating tensors are stored as F32, integer ones as I64."""
    header = {"__metadata__": metadata}
    chunks = []
    offset = 0
    for name, t in tensors:
        t = t.detach().contiguous()
        if t.is_floating_point():
            dtype, code, data = "F32", "f", t.to(torch.float32).flatten().tolist()
        else:
            dtype, code, data = "I64", "q", t.to(torch.int64).flatten().tolist()
        raw = struct.pack("<%d%s" % (len(data), code), *data)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def metadata(description):
    return {"generator": "src/test/python/make_nn_fixtures.py", "torch": torch.__version__,
            "description": description}


def linear(gen):
    out = []
    n, i, o = 5, 4, 3
    for case, bias in (("bias", True), ("nobias", False)):
        layer = torch.nn.Linear(i, o, bias=bias).to(F64)
        with torch.no_grad():
            layer.weight.copy_(randn(gen, o, i, scale=0.5))
            if bias:
                layer.bias.copy_(randn(gen, o, scale=0.5))
        x = leaf(randn(gen, n, i))
        dy = randn(gen, n, o)
        y = layer(x)
        y.backward(dy)
        out += [(case + ".x", x), (case + ".weight", layer.weight)]
        if bias:
            out.append((case + ".bias", layer.bias))
        out += [(case + ".y", y), (case + ".dy", dy), (case + ".weight.grad", layer.weight.grad)]
        if bias:
            out.append((case + ".bias.grad", layer.bias.grad))
        out.append((case + ".x.grad", x.grad))
    return out


def embedding(gen):
    v, e, padding_idx = 7, 3, 2
    table = torch.nn.Embedding(v, e, padding_idx=padding_idx).to(F64)
    with torch.no_grad():
        # A non-zero padding row: the forward pass must still look it up, the backward pass must skip it.
        table.weight.copy_(randn(gen, v, e))
    indices = torch.tensor([1, 2, 4, 1, 6, 2, 0, 1], dtype=torch.int64)
    d_out = randn(gen, len(indices), e)
    out = table(indices)
    out.backward(d_out)
    return [("padding_idx", torch.tensor([padding_idx], dtype=torch.int64)), ("weight", table.weight),
            ("indices", indices), ("out", out), ("dout", d_out), ("weight.grad", table.weight.grad)]


def cross_entropy(gen):
    n, c = 8, 5
    logits = randn(gen, n, c, scale=2.0)
    weights = f32(torch.tensor([0.5, 2.0, 1.0, 0.25, 3.0], dtype=F64))
    targets = torch.tensor([3, -100, 0, 4, 4, 1, -100, 2], dtype=torch.int64)
    targets_ignore_1 = torch.tensor([3, 1, 0, 4, 4, 1, 2, 2], dtype=torch.int64)
    cases = [  # name, logits, targets, ignore_index, weight, reduction, upstream gradient
        ("mean", logits, targets, -100, None, "mean", 1.0),
        ("sum", logits, targets, -100, None, "sum", 0.5),
        ("weighted_mean", logits, targets, -100, weights, "mean", 0.75),
        ("weighted_sum", logits, targets, -100, weights, "sum", 1.0),
        ("weighted_ignore_1", logits, targets_ignore_1, 1, weights, "mean", 1.0),
        ("large_logits", f32(logits * 40.0), targets, -100, weights, "mean", 1.0),
    ]
    # Per-example weights s (seq4j's extension; none in PyTorch): each row's term times s[n], MEAN divided
    # by the total weight of the counted rows, written with reduction='none'.
    s = f32(torch.tensor([1.0, 0.5, 2.0, 0.0, 1.5, 1.0, 3.0, 0.25], dtype=F64))
    example_cases = [  # name, logits, targets, ignore_index, weight, reduction, upstream gradient, s
        ("examples_mean", logits, targets, -100, None, "mean", 0.5, s),
        ("examples_weighted_mean", logits, targets, -100, weights, "mean", 1.0, s),
        ("examples_weighted_sum", logits, targets, -100, weights, "sum", 2.0, s),
    ]
    out = [("weight", weights)]
    for name, x, y, ignore_index, w, reduction, upstream, *example_weights in cases + example_cases:
        x = leaf(x)
        if example_weights:
            sw = example_weights[0]
            terms = torch.nn.functional.cross_entropy(x, y, weight=w, ignore_index=ignore_index, reduction="none")
            loss = (sw * terms).sum()
            if reduction == "mean":
                counted = (y != ignore_index).to(F64)
                class_w = torch.ones(x.shape[1], dtype=F64) if w is None else w
                loss = loss / (sw * class_w[y.clamp(min=0)] * counted).sum()
        else:
            loss = torch.nn.CrossEntropyLoss(weight=w, ignore_index=ignore_index, reduction=reduction)(x, y)
        dloss = torch.tensor(upstream, dtype=F64)
        loss.backward(dloss)
        out += [(name + ".logits", x), (name + ".targets", y),
                (name + ".ignore_index", torch.tensor([ignore_index], dtype=torch.int64)),
                (name + ".loss", loss), (name + ".dloss", dloss), (name + ".logits.grad", x.grad)]
        if example_weights:
            out.append((name + ".example_weights", example_weights[0]))
    return out


def mse(gen):
    x0 = randn(gen, 4, 3)
    target = randn(gen, 4, 3)
    out = [("target", target)]
    for reduction, upstream in (("mean", 1.0), ("sum", 0.25)):
        x = leaf(x0)
        loss = torch.nn.MSELoss(reduction=reduction)(x, target)
        dloss = torch.tensor(upstream, dtype=F64)
        loss.backward(dloss)
        out += [(reduction + ".input", x), (reduction + ".loss", loss), (reduction + ".dloss", dloss),
                (reduction + ".input.grad", x.grad)]
    # Per-row weights s (seq4j's extension): MEAN is the weighted mean over the elements of the rows.
    s = f32(torch.tensor([1.0, 0.0, 2.0, 0.5], dtype=F64))
    out.append(("example_weights", s))
    for reduction, upstream in (("mean", 0.5), ("sum", 1.0)):
        x = leaf(x0)
        loss = (s[:, None] * (x - target) ** 2).sum()
        if reduction == "mean":
            loss = loss / (x.shape[1] * s.sum())
        dloss = torch.tensor(upstream, dtype=F64)
        loss.backward(dloss)
        name = "examples_" + reduction
        out += [(name + ".loss", loss), (name + ".dloss", dloss), (name + ".input.grad", x.grad)]
    return out


def activations(gen):
    x0 = randn(gen, 6, 5, scale=3.0)
    x0[0, 0] = 0.0   # relu'(0) = 0 in PyTorch
    x0[1, 1] = 30.0  # saturated sigmoid and tanh
    x0[1, 2] = -30.0
    dy = randn(gen, 6, 5)
    out = [("x", x0), ("dy", dy)]
    for name, fn in (("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("relu", torch.relu)):
        x = leaf(x0)
        y = fn(x)
        y.backward(dy)
        out += [(name + ".y", y), (name + ".x.grad", x.grad)]
    # Softmax rows with a wide range: one row scaled to |x| ~ 100, one shifted by 1000.
    xs = randn(gen, 4, 6, scale=2.0)
    xs[1] *= 50.0
    xs[2] += 1000.0
    xs = f32(xs)
    dys = randn(gen, 4, 6)
    out += [("softmax_x", xs), ("softmax_dy", dys)]
    for name, fn in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
        x = leaf(xs)
        y = fn(x, dim=1)
        y.backward(dys)
        out += [(name + ".y", y), (name + ".x.grad", x.grad)]
    return out


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    files = [
        ("linear", linear, 1, "torch.nn.Linear with and without bias: y = x W^T + b, upstream dy"),
        ("embedding", embedding, 2, "torch.nn.Embedding(7, 3, padding_idx=2) with a non-zero padding row"),
        ("cross_entropy", cross_entropy, 3, "torch.nn.CrossEntropyLoss: reductions, ignore_index, weight"),
        ("mse", mse, 4, "torch.nn.MSELoss: mean and sum"),
        ("activations", activations, 5, "sigmoid, tanh, relu; softmax and log_softmax over dim 1"),
    ]
    for name, make, seed, description in files:
        gen = torch.Generator().manual_seed(seed)
        write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), make(gen), metadata(description))


if __name__ == "__main__":
    main()
