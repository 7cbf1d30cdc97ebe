#!/usr/bin/env bash
# Skip-Thoughts speed, seq4j against PyTorch on the same model and batches: training triples per second
# (encoder, both conditional-GRU decoders, the output layer over the real target rows, backward, global-norm
# clipping at 10, Adam) and encoding sentences per second (raw text to unit vectors), with the ratios
# seq4j / PyTorch (the goals: training >= 1.5, encoding >= 2).
#
#   seq4j:   seq4j/src/bench/java/org/seq4j/bench/SkipThoughtsBench.java
#   PyTorch: bench/skipthoughts_torch.py (the same data, tokenizer, vocabulary, bucketing, model and step)
#
# Usage: bench/skipthoughts_vs_pytorch.sh [seconds per measurement, default 10] [modes, default "uni bi"]
# Environment: DIM (default 256), EMBEDDING (128), VOCAB (5000), BATCH (64), THREADS (2: seq4j's
#   -Dseq4j.threads and torch.set_num_threads), JAVA (java), JAVA_OPTS (-Xmx3g), PYTHON (/usr/bin/python3).
# PyTorch runs with OMP_WAIT_POLICY=PASSIVE (Debian's build otherwise spins its OpenMP threads against its
# OpenBLAS threads). Not part of the build or the tests. Figures mean something only on an otherwise idle
# machine: the load average is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
modes="${2:-uni bi}"
threads="${THREADS:-2}"
java_cmd="${JAVA:-java}"
python_cmd="${PYTHON:-/usr/bin/python3}"
shape=(--dim "${DIM:-256}" --embedding "${EMBEDDING:-128}" --vocab "${VOCAB:-5000}" --batch "${BATCH:-64}")
out="seq4j/target/bench"
results="$out/skipthoughts.jsonl"
mkdir -p "$out/classes"

mvn -B -q -f seq4j/pom.xml -DskipTests compile
mvn -B -q -f seq4j/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$PWD/$out/classpath.txt" >/dev/null
classpath="seq4j/target/classes:$(cat "$out/classpath.txt")"
javac -encoding UTF-8 -d "$out/classes" -cp "$classpath" seq4j/src/bench/java/org/seq4j/bench/SkipThoughtsBench.java

flags="$(grep -m1 '^flags' /proc/cpuinfo || true)"
simd="AVX2 $([[ "$flags" == *" avx2"* ]] && echo yes || echo no), AVX-512 $([[ "$flags" == *" avx512f"* ]] && echo yes || echo no)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), ${cpu:-unknown CPU} ($simd), $(nproc) CPUs, $threads threads;" \
     "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# shape: ${shape[*]}, $seconds s per measurement"
: > "$results"
for mode in $modes; do
  # shellcheck disable=SC2086
  "$java_cmd" ${JAVA_OPTS:--Xmx3g} --add-modules jdk.incubator.vector -Dseq4j.threads="$threads" \
      -cp "$out/classes:$classpath" org.seq4j.bench.SkipThoughtsBench --mode "$mode" "${shape[@]}" \
      --seconds "$seconds" 2>>"$out/skipthoughts-java.err" | grep '^JSON ' | tee -a "$results"
  env OMP_WAIT_POLICY=PASSIVE "$python_cmd" bench/skipthoughts_torch.py --mode "$mode" "${shape[@]}" \
      --seconds "$seconds" --threads "$threads" 2>>"$out/skipthoughts-torch.err" | grep '^JSON ' | tee -a "$results"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$python_cmd" - "$results" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line[5:])
    rows.setdefault(r["mode"], {})[r["tool"]] = r
print()
print("| mode | training triples/s seq4j | PyTorch | ratio | encoding sentences/s seq4j | PyTorch | ratio |")
print("|---|---:|---:|---:|---:|---:|---:|")
for mode, r in rows.items():
    s, t = r.get("seq4j"), r.get("pytorch")
    if not s or not t:
        continue
    tr = s["train_triples_per_sec"] / t["train_triples_per_sec"]
    er = s["encode_sentences_per_sec"] / t["encode_sentences_per_sec"]
    print("| %s-skip | %.1f | %.1f | %.2f | %.0f | %.0f | %.2f |" % (mode, s["train_triples_per_sec"],
          t["train_triples_per_sec"], tr, s["encode_sentences_per_sec"], t["encode_sentences_per_sec"], er))
PY
