#!/usr/bin/env bash
# Training speed of the working tree against an earlier commit, in one run: the char-level LM benchmark
# of bench/training.sh (CharRnnBench, seq4j only), each measurement alternating between a build of REV
# and a build of the working tree, so that both see the same machine. Prints tokens/s (best of the
# repeats) and the ratio working tree / REV per config, and the bytes allocated over the timed steps.
#
# Usage: bench/training_vs_commit.sh REV [seconds per measurement, default 3] [configs, default "a b c d"]
#                                    [cells, default "lstm"]
# Environment: THREADS (default 2), REPEATS (default 2), JAVA (default java), JAVA_OPTS (default -Xmx3g).
# Not part of the build or the tests; meaningful only on an otherwise idle machine (the load average is
# printed before and after).
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:?usage: bench/training_vs_commit.sh REV [seconds] [configs] [cells]}"
seconds="${2:-3}"
configs="${3:-a b c d}"
cells="${4:-lstm}"
threads="${THREADS:-2}"
repeats="${REPEATS:-2}"
java_cmd="${JAVA:-java}"
out="seq4j/target/bench/vs-commit"
results="$out/results.jsonl"
rm -rf "$out"
mkdir -p "$out"

# build: DIR LABEL -> compiles the library and the benchmark of the tree in DIR into $out/LABEL
build() {
  local dir="$1" label="$2" module="$1"
  if [[ -f "$1/seq4j/pom.xml" ]]; then
    module="$1/seq4j"   # the library's module directory (older commits have it at the root)
  fi
  (cd "$module" && mvn -B -q -DskipTests compile \
      && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
          -DincludeScope=runtime -Dmdep.outputFile="$module/target/bench-classpath.txt" >/dev/null)
  mkdir -p "$out/$label/bench"
  echo "$module/target/classes:$(cat "$module/target/bench-classpath.txt")" > "$out/$label/classpath"
  javac -encoding UTF-8 -d "$out/$label/bench" -cp "$(cat "$out/$label/classpath")" "$module/src/bench/java/org/seq4j/bench/CharRnnBench.java"
}

old_tree="$(mktemp -d)"
trap 'git worktree remove --force "$old_tree" >/dev/null 2>&1 || rm -rf "$old_tree"' EXIT
git worktree add -q --detach "$old_tree" "$rev"
build "$old_tree" old
build "$PWD" new

shape() { # config letter -> model and batch options (as bench/training.sh)
  case "$1" in
    a) echo "--hidden 100 --layers 1 --batch 1 --seq 25 --warmup 5 --generate 0" ;;
    b) echo "--hidden 128 --layers 2 --batch 50 --seq 50 --warmup 5 --generate 0" ;;
    c) echo "--hidden 256 --layers 2 --batch 32 --seq 64 --warmup 5 --generate 0" ;;
    d) echo "--hidden 512 --layers 2 --batch 64 --seq 100 --warmup 2 --generate 0" ;;
    *) echo "unknown config '$1' (a, b, c or d)" >&2; exit 2 ;;
  esac
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(grep -m1 -o 'avx512f' /proc/cpuinfo >/dev/null && echo AVX-512 || echo AVX2), REV=$(git rev-parse --short "$rev"), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for config in $configs; do
  for cell in $cells; do
    opts="$(shape "$config") --cell $cell --seconds $seconds --label $config"
    for _ in $(seq "$repeats"); do
      for label in old new; do
        # shellcheck disable=SC2086
        "$java_cmd" ${JAVA_OPTS:--Xmx3g} --add-modules jdk.incubator.vector -Dseq4j.threads="$threads" \
            -cp "$out/$label/bench:$(cat "$out/$label/classpath")" \
            org.seq4j.bench.CharRnnBench $opts 2>>"$out/java.err" | grep '^JSON ' \
            | sed "s/^JSON {/JSON {\"build\":\"$label\",/" | tee -a "$results"
      done
    done
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" <<'PY'
import json, sys
best, alloc, order = {}, {}, []
for line in open(sys.argv[1]):
    r = json.loads(line[5:])
    key = (r["label"], r["cell"])
    if key not in order:
        order.append(key)
    k = key + (r["build"],)
    best[k] = max(best.get(k, 0), r.get("tokens_per_sec", 0))
    alloc[k] = max(alloc.get(k, 0), r.get("allocated_bytes_timed_steps", 0))
print()
print("| config | cell | REV tokens/s | working tree tokens/s | ratio | bytes allocated (REV / tree) |")
print("|---|---|---:|---:|---:|---:|")
for key in order:
    o, n = best.get(key + ("old",)), best.get(key + ("new",))
    print("| (%s) | %s | %s | %s | %.3f | %s / %s |" % (key[0], key[1], f"{o:,.0f}", f"{n:,.0f}", n / o,
          alloc.get(key + ("old",)), alloc.get(key + ("new",))))
PY
