# Regenerate with (from the repository root):
#   /usr/bin/python3 src/test/python/make_translation_data_fixtures.py PEER_DIR
# PEER_DIR holds the PyTorch sequence-to-sequence peer, torch_seq2seq.py (the seq2seq benchmark's peer);
# this script imports its read_pairs, tokenize and Vocab, so that the fixtures are what the peer does.
#
# Writes to src/test/resources/fixtures/translation/ (TranslationDataFixtureTest reads them):
#   tricky.tsv            a small corpus with the hard cases of reading and tokenising: \r\n, a lone \r
#                         and \n line ends, a byte-order mark, lines without a tab (skipped), a blank line,
#                         a third field, empty fields, combining marks, İ and Σ, an emoji, supplementary and
#                         private-use letters (whose code-point order differs from their UTF-16 order)
#   tricky.expected.txt   what the peer reads from it with max_len 4 and min_count 1:
#                           pair<TAB>i<TAB>source tokens<TAB>target tokens   (tokens joined by single spaces)
#                           vocab_src<TAB>itos      vocab_tgt<TAB>itos       (itos joined by single spaces)
#   eng-deu.expected.txt  for the bundled src/examples/resources/translate/eng-deu-50k.txt.gz with the
#                         peer's defaults (split i % 20, max_len 50, min_count 2):
#                           key<TAB>value lines: pairs, train_pairs (both sides non-empty), test_pairs,
#                           src_vocab, tgt_vocab, src_itos_sha256, tgt_itos_sha256 (of the itos joined by
#                           \n, UTF-8), train_ids_sha256 (of the training pairs' ids, one line per pair:
#                           source ids, a tab, target ids, each joined by single spaces)
import hashlib
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
OUT_DIR = os.path.join(ROOT, "src", "test", "resources", "fixtures", "translation")
BUNDLED = os.path.join(ROOT, "src", "examples", "resources", "translate", "eng-deu-50k.txt.gz")

TRICKY = (
    "\ufeffHello, World!\tHallo, Welt!\r\n"
    "no tab on this line\n"
    "Don't stop.\tHör nicht auf.\tCC-BY 2.0 (France) Attribution: tatoeba.org\r"
    "Cafe\u0301 x\u00b2 \u00bd!\tKaffee \u2014 \u00bbja\u00ab?\n"
    "\n"
    "\u0130stanbul \u03a3\u039f\u03a3\t\U0001D400\U0001D401 \uff21\uff22 \ue000x \U0001F600\U0001F600\n"
    "\t\n"
    "one two three four five six\tEins zwei drei vier f\u00fcnf sechs sieben\n"
    "only source\t\n"
    "\tonly target\n"
    "a\u00a0b\u2007c\u001cd\te_f-g\n"
)


def main():
    sys.path.insert(0, sys.argv[1])
    from torch_seq2seq import read_pairs, tokenize, Vocab  # noqa: E402

    os.makedirs(OUT_DIR, exist_ok=True)
    tricky = os.path.join(OUT_DIR, "tricky.tsv")
    with open(tricky, "wb") as f:
        f.write(TRICKY.encode("utf-8"))
    pairs = list(read_pairs(tricky))
    tok = [(tokenize(s)[:4], tokenize(t)[:4]) for s, t in pairs]
    sv = Vocab([s for s, _ in tok], 1)
    tv = Vocab([t for _, t in tok], 1)
    with open(os.path.join(OUT_DIR, "tricky.expected.txt"), "w", encoding="utf-8", newline="\n") as f:
        for i, (s, t) in enumerate(tok):
            f.write(f"pair\t{i}\t{' '.join(s)}\t{' '.join(t)}\n")
        f.write("vocab_src\t" + " ".join(sv.itos) + "\n")
        f.write("vocab_tgt\t" + " ".join(tv.itos) + "\n")

    allp = list(read_pairs(BUNDLED))
    train_raw = [p for i, p in enumerate(allp) if i % 20 != 0]
    test_raw = [p for i, p in enumerate(allp) if i % 20 == 0]
    tk = lambda ps: [(tokenize(s)[:50], tokenize(t)[:50]) for s, t in ps]
    train_tok, test_tok = tk(train_raw), tk(test_raw)
    sv = Vocab([s for s, _ in train_tok], 2)
    tv = Vocab([t for _, t in train_tok], 2)
    train = [(sv.encode(s), tv.encode(t)) for s, t in train_tok if s and t]
    sha = lambda text: hashlib.sha256(text.encode("utf-8")).hexdigest()
    ids = "".join(" ".join(map(str, s)) + "\t" + " ".join(map(str, t)) + "\n" for s, t in train)
    with open(os.path.join(OUT_DIR, "eng-deu.expected.txt"), "w", encoding="utf-8", newline="\n") as f:
        for key, value in [("pairs", len(allp)), ("train_pairs", len(train)), ("test_pairs", len(test_tok)),
                           ("src_vocab", len(sv)), ("tgt_vocab", len(tv)),
                           ("src_itos_sha256", sha("\n".join(sv.itos))), ("tgt_itos_sha256", sha("\n".join(tv.itos))),
                           ("train_ids_sha256", sha(ids))]:
            f.write(f"{key}\t{value}\n")


if __name__ == "__main__":
    main()
