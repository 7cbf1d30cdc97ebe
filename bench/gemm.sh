#!/usr/bin/env bash
# Matrix-multiply benchmark: seq4j Gemm with its Vector API kernels (1 thread and all threads), the
# naive reference loop and EJML; seq4j with its plain-Java kernels (1 thread, a second JVM started with
# -Dseq4j.simd=false); then OpenBLAS single-thread through numpy on the same shapes, in one run; prints
# a table with the ratios seq4j (1 thread) / OpenBLAS (1 thread) for both kinds of kernel, and each
# one-thread figure as a fraction of one core's peak (the CPU's ISA and the peak, measured by MachinePeak,
# are printed first).
#
# Usage: bench/gemm.sh [seconds per measurement, default 0.3] [shapes file, default bench/gemm_shapes.tsv]
# Environment: JAVA (default: java on PATH), JAVA_OPTS (extra JVM options), PYTHON (default /usr/bin/python3).
# Not part of the build or the tests. The machine should be otherwise idle for meaningful figures.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-0.3}"
shapes="${2:-bench/gemm_shapes.tsv}"
java_cmd="${JAVA:-java}"
python_cmd="${PYTHON:-/usr/bin/python3}"
out="seq4j/target/bench"
mkdir -p "$out/classes"

mvn -B -q -f seq4j/pom.xml -DskipTests compile
mvn -B -q -f seq4j/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$PWD/$out/classpath.txt" >/dev/null
classpath="seq4j/target/classes:$(cat "$out/classpath.txt")"
javac -encoding UTF-8 -d "$out/classes" -cp "$classpath" seq4j/src/bench/java/org/seq4j/bench/GemmBench.java
javac -encoding UTF-8 --add-modules jdk.incubator.vector -d "$out/classes" \
    seq4j/src/bench/java/org/seq4j/bench/MachinePeak.java 2>/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
"$java_cmd" ${JAVA_OPTS:-} --add-modules jdk.incubator.vector -cp "$out/classes" org.seq4j.bench.MachinePeak \
    2>/dev/null | tee "$out/peak.txt" | grep '^#'

# shellcheck disable=SC2086
"$java_cmd" ${JAVA_OPTS:-} --add-modules jdk.incubator.vector -cp "$out/classes:$classpath" \
    org.seq4j.bench.GemmBench "$shapes" "$seconds" 2> "$out/gemm-java.err" | tee "$out/gemm-java.tsv"
# shellcheck disable=SC2086
"$java_cmd" ${JAVA_OPTS:-} -Dseq4j.simd=false -cp "$out/classes:$classpath" \
    org.seq4j.bench.GemmBench "$shapes" "$seconds" --seq4j-only 2> "$out/gemm-java-plain.err" \
    | tee "$out/gemm-java-plain.tsv"

# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this machine to keep old OpenBLAS builds safe;
# they also slow OpenBLAS down, so they are unset for this command alone (the core in use is printed).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
    "$python_cmd" bench/gemm_peers.py "$shapes" "$seconds" | tee "$out/gemm-peers.tsv"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$python_cmd" - "$out/peak.txt" "$out/gemm-java.tsv" "$out/gemm-java-plain.tsv" "$out/gemm-peers.tsv" <<'PY'
import sys
peak = float([l.split()[1] for l in open(sys.argv[1]) if l.startswith("PEAK_GFLOPS_PER_CORE")][0])
rows, methods, order = {}, [], []
ratios = [("seq4j_vector_1t", "vector / OpenBLAS"), ("seq4j_plain_1t", "plain / OpenBLAS")]
for path in sys.argv[2:]:
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        name, method, gflops = line.split("\t")
        if name not in rows:
            rows[name] = {}
            order.append(name)
        if method not in methods:
            methods.append(method)
        rows[name][method] = float(gflops)
# the probe can read below what a product reaches (OpenBLAS at 1.07x of it on a virtualised AMD EPYC):
# then the fastest one-thread product of the run is the peak
probe = peak
peak = max([peak] + [r[m] for r in rows.values() for m in ("seq4j_vector_1t", "openblas_1t") if m in r])
print()
print("GFLOP/s (columns ending in _wall: wall clock; the others: thread CPU time); "
      "%% of peak: one-thread GFLOP/s / one core's peak, %.1f GFLOP/s (the probe: %.1f; the run's fastest "
      "product if higher)" % (peak, probe))
fractions = [m for m in ("seq4j_vector_1t", "openblas_1t") if m in methods]
print("| shape | " + " | ".join(methods) + " | " + " | ".join(title for _, title in ratios)
      + "".join(" | %s %% of peak" % m for m in fractions) + " |")
print("|---|" + "---:|" * (len(methods) + len(ratios) + len(fractions)))
for name in order:
    r = rows[name]
    cells = ["%.1f" % r[m] if m in r else "–" for m in methods]
    cells += ["%.2f" % (r[m] / r["openblas_1t"]) if m in r and "openblas_1t" in r else "–" for m, _ in ratios]
    cells += ["%.0f %%" % (100 * r[m] / peak) if m in r else "–" for m in fractions]
    print("| %s | %s |" % (name, " | ".join(cells)))
PY
