#!/usr/bin/env bash
# Character-level language-model speed, seq4j against PyTorch in one run: training tokens/s of
# Embedding -> L x LSTM/GRU/RNN -> Linear with Adam and global-norm clipping at 5 on tiny-shakespeare,
# and batch-1 generation microseconds per character (state carried, softmax + multinomial draw).
# Prints a table with the ratios seq4j / PyTorch (training) and PyTorch / seq4j (generation, the
# speed-up), both >= 1 when seq4j is faster, and seq4j's training GFLOP/s as a fraction of the peak of the
# cores it uses (the CPU's ISA and one core's peak, measured by MachinePeak, are printed first).
#
# PyTorch runs in two set-ups (PEERS, default both): "avx512", OpenBLAS choosing its kernels for this
# CPU (AVX-512 where the CPU has it: its fastest), and "avx2", OpenBLAS held to its AVX2 "Haswell"
# kernels (OPENBLAS_CORETYPE=Haswell), as on an AVX2-only machine such as the one the speed goals were
# first measured on. seq4j runs as the JVM finds the CPU.
#
#   (a) H=100, 1 layer, batch 1, seq 25     (c) H=256, 2 layers, batch 32, seq 64
#   (b) H=128, 2 layers, batch 50, seq 50   (d) H=512, 2 layers, batch 64, seq 100
#   generation at (b) and (d)
#
# Usage: bench/training.sh [seconds per measurement, default 3] [configs, default "a b c d"]
#                          [cells, default "lstm"; e.g. "lstm gru rnn"]
# Environment: PEERS (default "avx512 avx2"), THREADS (default 2: seq4j's -Dseq4j.threads and
#   torch.set_num_threads), REPEATS (default
#   1: each measurement that many times, alternating seq4j and PyTorch; the table keeps the best of
#   each), GEN_SECONDS (default 2), JAVA (default java), JAVA_OPTS (default -Xmx3g), PYTHON (default
#   /usr/bin/python3).
# PyTorch runs with OMP_WAIT_POLICY=PASSIVE: Debian's build otherwise spins its OpenMP threads against
# its OpenBLAS threads and is up to 3x slower on two cores. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE from
# the environment are removed for it (the set-ups above set what they need).
# Not part of the build or the tests. Figures are only meaningful on an otherwise idle machine: the
# load average is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-3}"
configs="${2:-a b c d}"
cells="${3:-lstm}"
threads="${THREADS:-2}"
repeats="${REPEATS:-1}"
peers="${PEERS:-avx512 avx2}"
gen_seconds="${GEN_SECONDS:-2}"
java_cmd="${JAVA:-java}"
python_cmd="${PYTHON:-/usr/bin/python3}"
out="seq4j/target/bench"
results="$out/training.jsonl"
mkdir -p "$out/classes"

mvn -B -q -f seq4j/pom.xml -DskipTests compile
mvn -B -q -f seq4j/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$PWD/$out/classpath.txt" >/dev/null
classpath="seq4j/target/classes:$(cat "$out/classpath.txt")"
javac -encoding UTF-8 -d "$out/classes" -cp "$classpath" seq4j/src/bench/java/org/seq4j/bench/CharRnnBench.java
javac -encoding UTF-8 --add-modules jdk.incubator.vector -d "$out/classes" \
    seq4j/src/bench/java/org/seq4j/bench/MachinePeak.java 2>/dev/null

shape() { # config letter -> model and batch options, warm-up steps, whether generation is measured
  case "$1" in
    a) echo "--hidden 100 --layers 1 --batch 1 --seq 25 --warmup 5 --generate 0" ;;
    b) echo "--hidden 128 --layers 2 --batch 50 --seq 50 --warmup 5 --generate 1" ;;
    c) echo "--hidden 256 --layers 2 --batch 32 --seq 64 --warmup 5 --generate 0" ;;
    d) echo "--hidden 512 --layers 2 --batch 64 --seq 100 --warmup 2 --generate 1" ;;
    *) echo "unknown config '$1' (a, b, c or d)" >&2; exit 2 ;;
  esac
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
"$java_cmd" ${JAVA_OPTS:--Xmx3g} --add-modules jdk.incubator.vector -cp "$out/classes" org.seq4j.bench.MachinePeak \
    2>/dev/null | tee "$out/peak.txt" | grep '^#'
: > "$results"
for config in $configs; do
  for cell in $cells; do
    opts="$(shape "$config") --cell $cell --seconds $seconds --gen-seconds $gen_seconds --label $config"
    for _ in $(seq "$repeats"); do
      # shellcheck disable=SC2086
      "$java_cmd" ${JAVA_OPTS:--Xmx3g} --add-modules jdk.incubator.vector -Dseq4j.threads="$threads" \
          -cp "$out/classes:$classpath" \
          org.seq4j.bench.CharRnnBench $opts 2>>"$out/training-java.err" | grep '^JSON ' | tee -a "$results"
      for peer in $peers; do
        case "$peer" in
          avx512) coretype=() ;;
          avx2) coretype=(OPENBLAS_CORETYPE=Haswell) ;;
          *) echo "unknown peer '$peer' (avx512 or avx2)" >&2; exit 2 ;;
        esac
        # shellcheck disable=SC2086
        env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${coretype[@]}" OMP_WAIT_POLICY=PASSIVE \
            "$python_cmd" bench/training_torch.py $opts --threads "$threads" --peer "$peer" \
            2>>"$out/training-torch.err" | grep '^JSON ' | tee -a "$results"
      done
    done
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$python_cmd" - "$results" "$threads" "$peers" "$out/peak.txt" <<'PY'
import json, sys
rows, order, sizes = {}, [], {}
peers = sys.argv[3].split()
peak = float([l.split()[1] for l in open(sys.argv[4]) if l.startswith("PEAK_GFLOPS_PER_CORE")][0])
threads = int(sys.argv[2])
GATES = {"lstm": 4, "gru": 3, "rnn": 1}
V = 65  # tiny-shakespeare's characters
def flops_per_token(cell, hidden, layers):
    # forward: per layer G·H·(I + H) multiply-adds (input = embedding of width H), the output V·H;
    # training = forward + the two backward products, 2 flops each: 6 × multiply-adds
    return 6.0 * (layers * GATES.get(cell, 4) * hidden * (2 * hidden) + V * hidden)
for line in open(sys.argv[1]):
    r = json.loads(line[5:])
    key = (r["label"], r["cell"])
    if key not in rows:
        rows[key] = {}
        order.append(key)
    tool = "seq4j" if r["tool"] == "seq4j" else r.get("peer", "torch")
    if "hidden" in r and "layers" in r:
        sizes[key] = (r["hidden"], r["layers"])
    best = rows[key].setdefault(tool, {})
    if "tokens_per_sec" in r:
        best["tps"] = max(best.get("tps", 0), r["tokens_per_sec"])
    if "us_per_char" in r:
        best["us"] = min(best.get("us", float("inf")), r["us_per_char"])
shapes = {"a": "H100 L1 B1 T25", "b": "H128 L2 B50 T50", "c": "H256 L2 B32 T64", "d": "H512 L2 B64 T100"}
def fmt(v, f):
    return f.format(v) if v is not None else "-"
print()
print("Training, %s threads: tokens/s (best of the runs); ratio = seq4j / PyTorch; seq4j GFLOP/s "
      "(6 flops per weight multiply-add and token) and %% of the peak of %s cores (%.1f GFLOP/s each)"
      % (sys.argv[2], threads, peak))
print("| config | cell | seq4j | " + " | ".join("PyTorch %s | ratio" % p for p in peers)
      + " | seq4j GFLOP/s | % of peak |")
print("|---|---|---:|" + "---:|---:|" * len(peers) + "---:|---:|")
for key in order:
    s = rows[key].get("seq4j", {}).get("tps")
    if s is None and not any("tps" in rows[key].get(p, {}) for p in peers):
        continue
    cells = []
    for p in peers:
        t = rows[key].get(p, {}).get("tps")
        cells += [fmt(t, "{:,.0f}"), fmt(s / t if s and t else None, "{:.2f}")]
    g = s * flops_per_token(key[1], *sizes[key]) / 1e9 if s and key in sizes else None
    cells += [fmt(g, "{:.1f}"), fmt(100 * g / (peak * threads) if g else None, "{:.0f} %")]
    print("| (%s) %s | %s | %s | %s |" % (key[0], shapes.get(key[0], ""), key[1], fmt(s, "{:,.0f}"), " | ".join(cells)))
gen = [k for k in order if "us" in rows[k].get("seq4j", {})]
if gen:
    print()
    print("Generation, batch 1: us/char (best of the runs); speed-up = PyTorch / seq4j")
    print("| config | cell | seq4j | " + " | ".join("PyTorch %s | speed-up" % p for p in peers) + " |")
    print("|---|---|---:|" + "---:|---:|" * len(peers))
    for key in gen:
        s = rows[key]["seq4j"]["us"]
        cells = []
        for p in peers:
            t = rows[key].get(p, {}).get("us")
            cells += [fmt(t, "{:.1f}"), fmt(t / s if t else None, "{:.1f}")]
        print("| (%s) %s | %s | %.1f | %s |" % (key[0], shapes.get(key[0], ""), key[1], s, " | ".join(cells)))
PY
