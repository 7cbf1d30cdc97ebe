#!/usr/bin/python3
# Regenerate (from the repository root):
#   /usr/bin/python3 src/test/python/make_optim_fixtures.py
#
# Writes the torch.optim / torch.nn.utils / torch.optim.lr_scheduler reference values that the tests of
# org.seq4j.optim compare against, as safetensors files under src/test/resources/fixtures/optim/:
#
#   optimizers.safetensors  initial.<p>                 parameters before the first step
#                           grad.step<k>.<p>            gradient given at step k (1..3), the same for every config
#                           <config>.step<k>.<p>        parameters after step k
#                           <config>.state.<p>.<buffer> optimizer state after step 3 (torch's state names)
#                           metadata: <config> = the torch constructor call, <config>.lrs = lr of each step
#   clipping.safetensors    grad.<p>; <case>.<p> (gradients after clipping); <case>.norm (F32, torch's
#                           returned norm), <case>.norm64 (F64, the same norm computed in float64)
#   schedules.safetensors   <schedule> (F64 [N]): the learning rate used by optimizer step s = 0..N-1
#                           metadata: <schedule> = the torch scheduler construction
#
# Parameters: weight [3, 5] and bias [3]. Everything is float32 (as seq4j computes), seeded, one thread.
# Written with struct + json (the safetensors format) so that only torch is needed.
import json
import math
import os
import struct
import warnings

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "optim")
STEPS = 3
# Gradient scale per step: the last step's gradients are small, so that the second moment decreases and
# AMSGrad's running maximum differs from Adam's plain estimate.
GRAD_SCALES = [1.0, 0.5, 0.01]
SHAPES = {"weight": (3, 5), "bias": (3,)}


def write_safetensors(path, tensors, metadata):
    """tensors: ordered dict name -> torch tensor (float32, float64 or int64)."""
    dtypes = {torch.float32: ("F32", "f"), torch.float64: ("F64", "d"), torch.int64: ("I64", "q")}
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        code, fmt = dtypes[t.dtype]
        values = t.reshape(-1).tolist()
        blob = struct.pack("<%d%s" % (len(values), fmt), *values)
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # pad the header to 8-byte alignment, as the spec allows
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def initial_parameters(generator):
    return {name: torch.randn(shape, generator=generator) for name, shape in SHAPES.items()}


def gradients(generator):
    grads = []
    for k in range(STEPS):
        g = {name: GRAD_SCALES[k] * torch.randn(shape, generator=generator) for name, shape in SHAPES.items()}
        grads.append(g)
    grads[1]["weight"][0, 0] = 0.0  # an exactly zero gradient element
    return grads


# name -> (constructor, keyword arguments, learning rate of each step or None for the constructor's)
CONFIGS = {
    "sgd_plain": (torch.optim.SGD, dict(lr=0.1), None),
    "sgd_momentum": (torch.optim.SGD, dict(lr=0.1, momentum=0.9), None),
    "sgd_dampening": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.3), None),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True), None),
    "sgd_weight_decay": (torch.optim.SGD, dict(lr=0.1, momentum=0.5, weight_decay=0.1), None),
    "sgd_momentum_lr_change": (torch.optim.SGD, dict(lr=0.1, momentum=0.9), [0.1, 0.05, 0.2]),
    "adagrad_default": (torch.optim.Adagrad, dict(), None),
    "adagrad_decay": (torch.optim.Adagrad,
                      dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.2), None),
    "rmsprop_plain": (torch.optim.RMSprop, dict(), None),
    "rmsprop_momentum": (torch.optim.RMSprop, dict(lr=0.01, momentum=0.9, weight_decay=0.05), None),
    "rmsprop_centered": (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, centered=True), None),
    "rmsprop_centered_momentum": (torch.optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True), None),
    "adam_plain": (torch.optim.Adam, dict(lr=0.01), None),
    "adam_weight_decay": (torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1), None),
    "adam_amsgrad": (torch.optim.Adam, dict(lr=0.01, amsgrad=True), None),
    "adam_lr_change": (torch.optim.Adam, dict(lr=0.01), [0.01, 0.003, 0.02]),
    "adamw_default": (torch.optim.AdamW, dict(), None),
    "adamw_amsgrad": (torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1, amsgrad=True), None),
}


def optimizer_fixtures():
    generator = torch.Generator().manual_seed(20240611)
    initial = initial_parameters(generator)
    grads = gradients(generator)
    tensors = {}
    metadata = {}
    for name, t in initial.items():
        tensors["initial." + name] = t
    for k, g in enumerate(grads):
        for name, t in g.items():
            tensors["grad.step%d.%s" % (k + 1, name)] = t
    for config, (constructor, kwargs, lrs) in CONFIGS.items():
        params = {name: torch.nn.Parameter(t.clone()) for name, t in initial.items()}
        optimizer = constructor(params.values(), foreach=False, **kwargs)
        metadata[config] = "%s(%s)" % (constructor.__name__, ", ".join("%s=%r" % kv for kv in kwargs.items()))
        used = []
        for k in range(STEPS):
            if lrs is not None:
                for group in optimizer.param_groups:
                    group["lr"] = lrs[k]
            used.append(optimizer.param_groups[0]["lr"])
            for name, p in params.items():
                p.grad = grads[k][name].clone()
            optimizer.step()
            for name, p in params.items():
                tensors["%s.step%d.%s" % (config, k + 1, name)] = p.detach().clone()
        metadata[config + ".lrs"] = json.dumps(used)
        for name, p in params.items():
            for buffer, value in optimizer.state[p].items():
                if buffer != "step" and value is not None:  # plain SGD keeps momentum_buffer = None
                    tensors["%s.state.%s.%s" % (config, name, buffer)] = value.clone()
    write_safetensors(os.path.join(OUT, "optimizers.safetensors"), tensors, metadata)


def clipping_fixtures():
    generator = torch.Generator().manual_seed(777)
    grads = {name: 2.0 * torch.randn(shape, generator=generator) for name, shape in SHAPES.items()}
    tensors = {"grad." + name: t for name, t in grads.items()}
    metadata = {}
    cases = {
        "norm_clipped": ("clip_grad_norm_", 1.5),
        "norm_unclipped": ("clip_grad_norm_", 100.0),
        "value": ("clip_grad_value_", 0.5),
    }
    for case, (function, limit) in cases.items():
        params = {name: torch.nn.Parameter(torch.zeros(shape)) for name, shape in SHAPES.items()}
        for name, p in params.items():
            p.grad = grads[name].clone()
        if function == "clip_grad_norm_":
            norm = torch.nn.utils.clip_grad_norm_(params.values(), limit)
            tensors[case + ".norm"] = norm.reshape(1)
            norm64 = math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads.values()))
            tensors[case + ".norm64"] = torch.tensor([norm64], dtype=torch.float64)
        else:
            torch.nn.utils.clip_grad_value_(params.values(), limit)
        metadata[case] = "%s(parameters, %r)" % (function, limit)
        for name, p in params.items():
            tensors["%s.%s" % (case, name)] = p.grad.clone()
    write_safetensors(os.path.join(OUT, "clipping.safetensors"), tensors, metadata)


def schedule_fixtures():
    n = 20
    base_lr = 0.1
    tensors = {}
    metadata = {}

    def record(name, description, make):
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
        scheduler = make(optimizer)
        lrs = []
        for _ in range(n):
            lrs.append(optimizer.param_groups[0]["lr"])  # the lr the optimizer step s uses
            optimizer.step()
            scheduler.step()
        tensors[name] = torch.tensor(lrs, dtype=torch.float64)
        metadata[name] = description

    sched = torch.optim.lr_scheduler
    # SequentialLR switches to the next scheduler with step(0), which torch 1.13 warns about; harmless here.
    warnings.filterwarnings("ignore", message="The epoch parameter")
    record("step_lr", "StepLR(lr=0.1, step_size=3, gamma=0.5)",
           lambda o: sched.StepLR(o, step_size=3, gamma=0.5))
    record("exponential_lr", "ExponentialLR(lr=0.1, gamma=0.9)",
           lambda o: sched.ExponentialLR(o, gamma=0.9))
    record("warmup_linear_lr", "LinearLR(lr=0.1, start_factor=1/4, end_factor=1, total_iters=3)",
           lambda o: sched.LinearLR(o, start_factor=1 / 4, end_factor=1.0, total_iters=3))
    record("cosine_annealing_lr", "CosineAnnealingLR(lr=0.1, T_max=16, eta_min=0.01)",
           lambda o: sched.CosineAnnealingLR(o, T_max=16, eta_min=0.01))
    record("warmup_cosine_sequential_lr",
           "SequentialLR([LinearLR(start_factor=1/4, total_iters=3), CosineAnnealingLR(T_max=12, eta_min=0.01)],"
           " milestones=[4]), lr=0.1",
           lambda o: sched.SequentialLR(o, [sched.LinearLR(o, start_factor=1 / 4, end_factor=1.0, total_iters=3),
                                            sched.CosineAnnealingLR(o, T_max=12, eta_min=0.01)], milestones=[4]))
    write_safetensors(os.path.join(OUT, "schedules.safetensors"), tensors, metadata)


if __name__ == "__main__":
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    optimizer_fixtures()
    clipping_fixtures()
    schedule_fixtures()
