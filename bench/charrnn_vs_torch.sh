#!/usr/bin/env bash
# The character-LM quality bar: seq4j and PyTorch train the same model the same way on tiny-shakespeare
# (2-layer LSTM, H = 128, embedding 128, batch 50, sequence 50, Adam 2e-3, gradient clipping by value
# at 5, the last 10 % held out) for the same number of steps; both validation losses are printed, one
# after the other in one run, with their difference (the bar: seq4j within 0.05 nats of PyTorch).
#
# Usage: bench/charrnn_vs_torch.sh [STEPS] [SEED]      (default 400 steps, seed 1)
# Needs /usr/bin/python3 with torch. Runs one trainer at a time, each with 2 threads.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STEPS="${1:-400}"
SEED="${2:-1}"
COMMON=(--cell lstm --hidden 128 --layers 2 --batch 50 --seq 50 --steps "$STEPS" --lr 0.002 --clip 5 --seed "$SEED")

echo "== seq4j: ${COMMON[*]}"
SEQ4J="$("$ROOT/examples/run" charrnn train "${COMMON[@]}" --eval-every 0 --log-every 50 | grep '^summary ')"
echo "$SEQ4J"

echo "== PyTorch: ${COMMON[*]}"
TORCH="$(OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$ROOT/bench/charrnn_torch.py" "${COMMON[@]}" --threads 2 \
         | grep '^summary ')"
echo "$TORCH"

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
python3 - "$(field "$SEQ4J" val_loss)" "$(field "$TORCH" val_loss)" \
        "$(field "$SEQ4J" chars_per_sec)" "$(field "$TORCH" chars_per_sec)" "$STEPS" <<'PY'
import sys
seq4j, torch, seq4j_cps, torch_cps, steps = map(float, sys.argv[1:])
diff = seq4j - torch
print(f"== after {int(steps)} steps: validation loss seq4j {seq4j:.4f}, PyTorch {torch:.4f}, "
      f"difference {diff:+.4f} nats ({'within' if abs(diff) <= 0.05 else 'OUTSIDE'} the 0.05 bar); "
      f"training chars/s seq4j {seq4j_cps:,.0f}, PyTorch {torch_cps:,.0f}")
PY
