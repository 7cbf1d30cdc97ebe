#!/bin/bash
# Builds the word2vec benchmark corpus (~3.9 M tokens): the State of the Union addresses (text column),
# the 17 Gutenberg books of NLTK's selection (title line dropped) and the King James Bible (text
# column), normalised by w2v_normalize.py into lower-case word tokens, one line per input line.
# Usage: bench/make_w2v_corpus.sh [DATA_DIR] [OUT_DIR]   (defaults: $SEQ4J_DATA, /tmp/seq4j-w2v)
set -euo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${1:-${SEQ4J_DATA:?give DATA_DIR (the folder holding sotu/, gutenberg-sentences/, bible-kjv/) or set SEQ4J_DATA}}"
OUT="${2:-/tmp/seq4j-w2v}"
mkdir -p "$OUT"
{
  zcat "$DATA/sotu/sotu.tsv.gz" | cut -f2-
  for f in $(ls "$DATA"/gutenberg-sentences/*.txt.gz | sort); do
    zcat "$f" | tail -n +2
  done
  zcat "$DATA/bible-kjv/kjv.tsv.gz" | cut -f2-
} | /usr/bin/python3 "$HERE/w2v_normalize.py" > "$OUT/corpus.txt"
echo "corpus: $OUT/corpus.txt: $(wc -l < "$OUT/corpus.txt") lines, $(wc -w < "$OUT/corpus.txt") tokens," \
     "sha256 $(sha256sum "$OUT/corpus.txt" | cut -c1-16)"
