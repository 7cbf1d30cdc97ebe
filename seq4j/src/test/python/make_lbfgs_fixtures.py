#!/usr/bin/python3
# Regenerate (from the repository root):
#   /usr/bin/python3 src/test/python/make_lbfgs_fixtures.py
#
# Writes the minimum of an L2-penalised multinomial logistic regression, found by PyTorch in float64 with
# torch.optim.LBFGS (strong-Wolfe line search, run until it stops: every gradient entry below 1e-7), for the tests of
# org.seq4j.optim.Lbfgs and LogisticRegression's L-BFGS solver, to
# src/test/resources/fixtures/optim/lbfgs-logistic.safetensors:
#
#   x       F32 [N, F]   features: correlated, uncentred columns (a shared component plus noise, offsets),
#                        the ill-conditioning on which a fixed-step optimizer stops short of the minimum
#   labels  I64 [N]      classes in [0, C), drawn from a softmax of a random linear model (overlapping)
#   weight  F64 [C, F]   the minimizer of J = mean_n CE(x_n W^T + b, y_n) + (l2 / 2) ||W||^2_F
#   bias    F64 [C]      (the bias is not penalised)
#   value   F64 [1]      J at the minimizer
#   metadata: l2, N, F, C
#
# Written with struct + json (the safetensors format) so that only torch is needed.
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_optim_fixtures import OUT, write_safetensors  # noqa: E402

N, F, C = 120, 6, 3
L2 = 0.01


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(11)
    shared = torch.randn(N, 1, generator=g)
    x = (0.8 * shared + 0.5 * torch.randn(N, F, generator=g) + 2.0 * torch.rand(F, generator=g)).float()
    truth = torch.randn(C, F, generator=g)
    labels = torch.multinomial(torch.softmax(x.double() @ truth.double().T, dim=1), 1, generator=g).squeeze(1)

    xd = x.double()
    weight = torch.zeros(C, F, dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(C, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([weight, bias], lr=1, max_iter=10000, tolerance_grad=1e-12, tolerance_change=1e-15,
                            history_size=20, line_search_fn="strong_wolfe")

    def objective():
        opt.zero_grad()
        value = torch.nn.functional.cross_entropy(xd @ weight.T + bias, labels) + 0.5 * L2 * (weight ** 2).sum()
        value.backward()
        return value

    for _ in range(5):
        opt.step(objective)
    value = objective()
    gradient = max(weight.grad.abs().max().item(), bias.grad.abs().max().item())
    assert gradient < 1e-7, "not converged: |g| = %g" % gradient
    tensors = {"x": x, "labels": labels.to(torch.int64), "weight": weight.detach(), "bias": bias.detach(),
               "value": value.detach().reshape(1)}
    write_safetensors(os.path.join(OUT, "lbfgs-logistic.safetensors"), tensors,
                      {"l2": L2, "N": N, "F": F, "C": C, "torch": torch.__version__})


if __name__ == "__main__":
    main()
