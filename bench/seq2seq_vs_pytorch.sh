#!/usr/bin/env bash
# The translation comparison of issue 11: seq4j and the PyTorch peer (torch_seq2seq.py) train the same
# attention model the same way on the same pairs and split, one after the other in one run, and decode
# the same test pairs; prints BLEU (greedy on all test pairs, beam-5 on the first BEAM_LIMIT), training
# tokens/s, greedy and beam sentences/s, the peak resident memory of each whole run, and the ratios.
#
# Settings (the issue's): GRU, embedding 256, hidden 256, 1 layer, general attention, dropout 0.1, batch 64,
# Adam 1e-3, clipping by global norm at 1, min-count 2, max length 50, beam 5 with alpha 1, seed 1, 2 threads
# each (PyTorch with OMP_WAIT_POLICY=PASSIVE). Token counts: source tokens + target tokens with <eos>.
#
# Usage: bench/seq2seq_vs_pytorch.sh [EPOCHS] [DATA]
#   EPOCHS      training epochs of both (default 10, the issue's; each PyTorch epoch takes minutes)
#   DATA        source<TAB>target file, .gz or plain (default: the bundled Tatoeba English-German pairs)
# Environment:
#   SEQ2SEQ_PEER   path of torch_seq2seq.py (required; not part of seq4j)
#   PYTHON         the Python with torch (default /usr/bin/python3)
#   BEAM_LIMIT     test pairs decoded by beam search (default 1000, the peer's)
#   DECODE_PASSES  passes of the last part, seq4j decoding all test pairs again in a fresh JVM (default 5)
#   SEQ4J_JAVA_OPTS  JVM options of seq4j (default -Xmx450m -XX:+UseSerialGC --add-modules jdk.incubator.vector
#                    -Dseq4j.threads=2: training allocates nothing per step, so a heap sized to the model and
#                    its largest batch, with the serial collector, is all it needs; the JVM otherwise keeps
#                    up to the heap it may use; 450 MB ran the 10-epoch issue configuration at 575 MB peak RSS)
# Needs /usr/bin/time (GNU time, for -v). Timings on a shared or busy machine are not comparable: check the
# load printed in the header.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EPOCHS="${1:-10}"
DATA="${2:-$ROOT/seq4j/src/examples/resources/translate/eng-deu-50k.txt.gz}"
PYTHON="${PYTHON:-/usr/bin/python3}"
BEAM_LIMIT="${BEAM_LIMIT:-1000}"
PEER="${SEQ2SEQ_PEER:-}"
if [[ -z "$PEER" || ! -f "$PEER" ]]; then
  echo "set SEQ2SEQ_PEER to the path of torch_seq2seq.py (the PyTorch peer)" >&2
  exit 2
fi
if [[ ! -f "$DATA" ]]; then
  echo "no such data file: $DATA" >&2
  exit 2
fi
export SEQ4J_JAVA_OPTS="${SEQ4J_JAVA_OPTS:--Xmx450m -XX:+UseSerialGC --add-modules jdk.incubator.vector -Dseq4j.threads=2}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
flags="$(grep -m1 '^flags' /proc/cpuinfo || true)"
simd=""
for f in avx2 avx512f; do
  if [[ " $flags " == *" $f "* ]]; then simd+="$f "; fi
done
echo "== machine: $cpu; ${simd:-no AVX2/AVX-512}; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== java: $(java -version 2>&1 | head -1); torch: $("$PYTHON" -c 'import torch; print(torch.__version__)')"
echo "== data: $DATA; split i % 20 == 0 test; $EPOCHS epochs; beam 5 on the first $BEAM_LIMIT test pairs"

COMMON=(--cell gru --embedding 256 --hidden 256 --layers 1 --dropout 0.1 --batch 64 --epochs "$EPOCHS"
        --lr 0.001 --clip 1 --min-count 2 --seed 1)
peak_mb() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' "$1" | awk '{printf "%.0f", $1 / 1024}'; }

echo "== PyTorch: ${COMMON[*]} --score general --beam 5 --alpha 1 --threads 2"
OMP_WAIT_POLICY=PASSIVE /usr/bin/time -v -o "$WORK/torch.time" "$PYTHON" "$PEER" --data "$DATA" "${COMMON[@]}" \
    --score general --beam 5 --alpha 1 --beam-limit "$BEAM_LIMIT" --threads 2 | tee "$WORK/torch.out" | grep -v '^JSON '
TORCH_JSON="$(sed -n 's/^JSON //p' "$WORK/torch.out")"

echo "== seq4j: ${COMMON[*]} --attention general --beam 5 --alpha 1"
/usr/bin/time -v -o "$WORK/seq4j.time" "$ROOT/examples/run" translate train --data "$DATA" "${COMMON[@]}" \
    --attention general --beam 5 --alpha 1 --beam-limit "$BEAM_LIMIT" --checkpoint "$WORK/model.safetensors" \
    | tee "$WORK/seq4j.out"
SEQ4J_SUMMARY="$(grep '^summary ' "$WORK/seq4j.out" | tail -1)"

"$PYTHON" - "$TORCH_JSON" "$SEQ4J_SUMMARY" "$(peak_mb "$WORK/torch.time")" "$(peak_mb "$WORK/seq4j.time")" <<'PY'
import json, sys
torch = json.loads(sys.argv[1])
seq4j = dict(kv.split("=", 1) for kv in sys.argv[2].split()[1:])
torch_mb, seq4j_mb = float(sys.argv[3]), float(sys.argv[4])
rows = [
    ("BLEU greedy, all test pairs", torch["bleu_greedy"], float(seq4j["bleu_greedy"]), "higher"),
    ("BLEU greedy, beam subset", torch["bleu_greedy_same_subset"], float(seq4j["bleu_greedy_subset"]), "higher"),
    (f"BLEU beam-{torch['beam_size']}, beam subset", torch["bleu_beam"], float(seq4j["bleu_beam"]), "higher"),
    ("training tokens/s", torch["train_tokens_per_sec"], float(seq4j["tokens_per_sec"]), "higher"),
    ("greedy sentences/s", torch["greedy_sentences_per_sec"], float(seq4j["greedy_sentences_per_sec"]), "higher"),
    ("beam sentences/s (PyTorch: one at a time)", torch["beam_sentences_per_sec"],
     float(seq4j["beam_sentences_per_sec"]), "higher"),
    ("peak RSS of the run, MB", torch_mb, seq4j_mb, "lower"),
]
print(f"== after {torch['epochs']} epochs; test pairs {torch['test_pairs']}, beam subset {torch['beam_sentences']}")
print(f"{'':44s} {'PyTorch':>10s} {'seq4j':>10s} {'seq4j/PyTorch':>14s}")
for name, t, s, better in rows:
    ratio = s / t if t else float("nan")
    print(f"{name:44s} {t:10.2f} {s:10.2f} {ratio:13.2f}x  ({better} is better)")
print(f"== training loss after the last epoch: seq4j {seq4j['train_loss']}")
PY

# Decoding once more in a fresh JVM, several passes over the same sentences (translate eval --repeat):
# the first pass includes the JIT's compilation of the decoding code, the last is the steady state.
# The peer's figures above are its single pass.
echo "== seq4j decoding the saved model again in a fresh JVM, passes over all test pairs (eval --repeat)"
greedy_passes="$("$ROOT/examples/run" translate eval --checkpoint "$WORK/model.safetensors" --data "$DATA" --beam 1 \
    --repeat "${DECODE_PASSES:-5}" 2>/dev/null | grep '^pass ')"
beam_passes="$("$ROOT/examples/run" translate eval --checkpoint "$WORK/model.safetensors" --data "$DATA" --beam 5 \
    --alpha 1 --repeat "${DECODE_PASSES:-5}" 2>/dev/null | grep '^pass ')"
"$PYTHON" - "$TORCH_JSON" "$greedy_passes" "$beam_passes" <<'PY'
import json, re, sys
torch = json.loads(sys.argv[1])
for name, key, text in (("greedy", "greedy_sentences_per_sec", sys.argv[2]), ("beam-5", "beam_sentences_per_sec", sys.argv[3])):
    speeds = [float(x) for x in re.findall(r"([\d.]+) sentences/s", text)]
    passes = " ".join(f"{s:.1f}" for s in speeds)
    print(f"seq4j {name} sentences/s by pass: {passes}; last pass / PyTorch's single pass: {speeds[-1] / torch[key]:.2f}x")
PY
