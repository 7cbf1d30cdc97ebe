# Regenerate with (from the repository root; Debian's python3-torch, or any PyTorch >= 1.13 with numpy):
#   /usr/bin/python3 src/test/python/make_statedict_fixtures.py
#
# Writes PyTorch state dicts of two small composite models, with inputs and PyTorch's outputs, to
# src/test/resources/fixtures/statedict/, read by org.seq4j.api.StateDictFixtureTest:
#
#   gru_classifier.safetensors      state_dict() of GruClassifier: an N->1 classifier over variable lengths
#                                     embedding.weight [V, E]           nn.Embedding(V, E, padding_idx=0)
#                                     encoder.{weight,bias}_{ih,hh}_l0  nn.GRU(E, H, batch_first=True)
#                                     head.weight [C, H], head.bias [C] nn.Linear(H, C) on the final state
#   gru_classifier_io.safetensors   tokens [B, T] (I64, batch-first, 0 after each length), lengths [B] (I64),
#                                     output [B, T, H] (batch-first, zero at padded steps), h_n [1, B, H],
#                                     logits [B, C]
#   tied_lm.safetensors             state_dict() of TiedLm: embedding, GRU encoder and a decoder
#                                     nn.Linear(H, V) whose weight IS the embedding table (H = E), so
#                                     state_dict() lists the one tensor twice: embedding.weight and
#                                     decoder.weight (safetensors.torch.save_file refuses shared tensors;
#                                     this script writes both names, as state_dict() has them)
#   tied_lm_io.safetensors          tokens, lengths, logits [B, T, V] (batch-first; at padded steps the
#                                     decoder sees a zero output, so the logits are its bias)
#
# The state-dict files hold exactly the keys of state_dict(), in its order, with the metadata
# {"format": "pt"} that safetensors.torch writes. The models run in float64 on parameters rounded to float32
# (so both sides see the same values); results are stored as F32. The container is written with struct and
# json, as the other fixture scripts do. Running the script twice gives identical files.
#
# The check in the other direction: StateDictFixtureTest also saves a seq4j-initialised GruClassifier with
# org.seq4j.nn.StateDict, with tokens and seq4j's logits, to target/statedict-export/. After `mvn test`, run
#   /usr/bin/python3 src/test/python/make_statedict_fixtures.py --check-export target/statedict-export
# to load that file into GruClassifier with load_state_dict(strict=True) and compare PyTorch's logits.

import os
import sys

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_rnn_fixtures import read_safetensors, write_safetensors  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "statedict")

PAD = 0
B, T = 4, 6
LENGTHS = [6, 3, 1, 4]          # unsorted, one full-length sequence and one of length 1


class GruClassifier(nn.Module):
    V, E, H, C = 11, 4, 5, 3

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(self.V, self.E, padding_idx=PAD)
        self.encoder = nn.GRU(self.E, self.H, batch_first=True)
        self.head = nn.Linear(self.H, self.C)

    def forward(self, tokens, lengths):
        output, h_n = encode(self.embedding, self.encoder, tokens, lengths)
        return output, h_n, self.head(h_n[-1])


class TiedLm(nn.Module):
    V, E = 9, 5

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(self.V, self.E, padding_idx=PAD)
        self.encoder = nn.GRU(self.E, self.E, batch_first=True)
        self.decoder = nn.Linear(self.E, self.V)
        self.decoder.weight = self.embedding.weight

    def forward(self, tokens, lengths):
        output, _ = encode(self.embedding, self.encoder, tokens, lengths)
        return self.decoder(output)


def encode(embedding, encoder, tokens, lengths):
    """Embeds [B, T] tokens and runs the GRU over the packed batch; output [B, T, H] is zero at padded steps."""
    packed = pack_padded_sequence(embedding(tokens), torch.tensor(lengths), batch_first=True, enforce_sorted=False)
    output, h_n = encoder(packed)
    output, _ = pad_packed_sequence(output, batch_first=True, total_length=tokens.shape[1])
    return output, h_n


def make_model(cls, seed):
    torch.manual_seed(seed)
    model = cls().double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.float().double())   # exactly representable in float32
    return model


def make_tokens(vocabulary, seed):
    """[B, T] batch-first tokens in [1, V), PAD after each sequence's length."""
    g = torch.Generator().manual_seed(seed)
    tokens = torch.randint(1, vocabulary, (B, T), generator=g)
    for b, length in enumerate(LENGTHS):
        tokens[b, length:] = PAD
    return tokens


def make_classifier():
    model = make_model(GruClassifier, 2024)
    tokens = make_tokens(GruClassifier.V, 7)
    with torch.no_grad():
        output, h_n, logits = model(tokens, LENGTHS)
    write_safetensors(os.path.join(OUT_DIR, "gru_classifier.safetensors"), list(model.state_dict().items()),
                      {"format": "pt"})
    write_safetensors(os.path.join(OUT_DIR, "gru_classifier_io.safetensors"), [
        ("tokens", tokens), ("lengths", torch.tensor(LENGTHS)), ("output", output), ("h_n", h_n),
        ("logits", logits)], {"torch_version": torch.__version__})


def make_tied_lm():
    model = make_model(TiedLm, 2025)
    tokens = make_tokens(TiedLm.V, 8)
    with torch.no_grad():
        logits = model(tokens, LENGTHS)
    state = list(model.state_dict().items())
    names = [name for name, _ in state]
    assert "embedding.weight" in names and "decoder.weight" in names, names
    write_safetensors(os.path.join(OUT_DIR, "tied_lm.safetensors"), state, {"format": "pt"})
    write_safetensors(os.path.join(OUT_DIR, "tied_lm_io.safetensors"), [
        ("tokens", tokens), ("lengths", torch.tensor(LENGTHS)), ("logits", logits)],
        {"torch_version": torch.__version__})


# ------------------------------------------------------------------------------------------- safetensors

DTYPES = {torch.float64: "F32", torch.float32: "F32", torch.int64: "I64"}


def check_export(directory):
    """Loads seq4j's saved GruClassifier into PyTorch and compares the logits; returns the exit status."""
    state, metadata = read_safetensors(os.path.join(directory, "gru_classifier.safetensors"))
    io, _ = read_safetensors(os.path.join(directory, "gru_classifier_io.safetensors"))
    if metadata.get("format") != "pt":
        print("metadata format is %r, expected 'pt'" % metadata.get("format"))
        return 1
    model = GruClassifier().double()
    model.load_state_dict(state, strict=True)   # raises on a missing, unexpected or misshapen key
    with torch.no_grad():
        _, _, logits = model(io["tokens"], io["lengths"].tolist())
    error = (logits - io["logits"]).abs().max().item()
    ok = error < 1e-5
    print("gru_classifier  %s  max |pytorch - seq4j| = %.2e" % ("ok  " if ok else "FAIL", error))
    return 0 if ok else 1


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check-export":
        sys.exit(check_export(sys.argv[2]))
    if len(sys.argv) != 1:
        sys.exit("usage: make_statedict_fixtures.py [--check-export DIRECTORY]")
    os.makedirs(OUT_DIR, exist_ok=True)
    make_classifier()
    make_tied_lm()
    print("wrote 4 files to %s" % os.path.normpath(OUT_DIR))


if __name__ == "__main__":
    main()
