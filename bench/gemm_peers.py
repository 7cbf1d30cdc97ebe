#!/usr/bin/python3
"""OpenBLAS single-precision GEMM through numpy at the shapes of bench/gemm_shapes.tsv.

Prints one tab-separated line per shape: name, "openblas_1t", GFLOP/s. Each figure is the best of
five rounds timed with the thread's CPU time (time.thread_time), as GemmBench does for its
single-thread figures. Run with OPENBLAS_NUM_THREADS=1 (bench/gemm.sh does); the OpenBLAS core
type in use is printed on the first line.

Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/gemm_peers.py bench/gemm_shapes.tsv [seconds]
"""
import ctypes
import sys
import time

import numpy as np

ROUNDS = 5


def openblas_info():
    for name in ("libopenblas.so.0", "libopenblasp-r0.3.21.so", "libblas.so.3"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return "%s core=%s threads=%d" % (name, lib.openblas_get_corename().decode(),
                                              lib.openblas_get_num_threads())
        except (OSError, AttributeError):
            continue
    return "OpenBLAS not found by name"


def measure(product, flops, seconds):
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < seconds * 0.5:
        product()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    per_round = int(max(1, min(1_000_000, seconds / ROUNDS / per_call)))
    best = float("inf")
    for _ in range(ROUNDS):
        t0 = time.thread_time()
        for _ in range(per_round):
            product()
        best = min(best, (time.thread_time() - t0) / per_round)
    return flops / best / 1e9


def main():
    shapes_file = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 0.3
    print("# numpy %s, %s" % (np.__version__, openblas_info()), flush=True)
    rng = np.random.default_rng(0)
    for line in open(shapes_file):
        if not line.strip() or line.startswith("#"):
            continue
        name, trans_a, trans_b, m, n, k = line.split()
        m, n, k = int(m), int(n), int(k)
        # Stored shapes as in GemmBench: A is (k, m) when transposed, B is (n, k) when transposed.
        a = rng.uniform(-1, 1, (k, m) if trans_a == "1" else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if trans_b == "1" else (k, n)).astype(np.float32)
        op_a = a.T if trans_a == "1" else a
        op_b = b.T if trans_b == "1" else b
        c = np.empty((m, n), dtype=np.float32)
        gflops = measure(lambda: np.matmul(op_a, op_b, out=c), 2.0 * m * n * k, seconds)
        print("%s\topenblas_1t\t%.2f" % (name, gflops), flush=True)


if __name__ == "__main__":
    main()
