# Regenerate with (from the repository root; Debian's python3-torch, or any PyTorch >= 1.13 with numpy):
#   /usr/bin/python3 src/test/python/make_seq2seq_fixtures.py
#
# Writes PyTorch reference values for org.seq4j.seq2seq.Seq2SeqModel (Seq2SeqFixtureTest) to
# src/test/resources/fixtures/seq2seq/<case>.safetensors. The model below is the reference translator of the
# seq2seq benchmark (an encoder GRU/LSTM over the packed source, a decoder of the same cell started from the
# encoder's final state with teacher forcing, Luong global attention with the padding masked,
# h~_t = tanh(W_c [c_t ; h_t]), logits = out(h~_t), mean cross-entropy over the real target tokens), written
# out again here with dropout 0 so that one forward and backward are deterministic.
#
# Everything runs in float64 from values exactly representable in float32 (parameters rounded to float32,
# then widened), and is stored as float32. Each file holds, with B sentence pairs, S source and T = max n + 1
# decoder steps, in seq4j's time-major layout:
#   <state_dict keys>      the parameters under the reference's names, in state_dict order
#   source [S, B] (I64)    the padded source sentences (0 = <pad>), source_lengths [B] (I64)
#   target [T - 1, B] (I64)  the padded target sentences y_1 .. y_n without <bos>/<eos>, target_lengths [B]
#   logits [N, Vt]         the logits at the N = sum(n + 1) real decoder positions, time-major order
#                          (t outer, b inner, t <= n_b)
#   loss [1]               cross_entropy(logits, y_1 .. y_n <eos>, ignore_index=0), the mean over the N tokens
#   grad.<state_dict key>  the gradient of the loss with respect to every parameter
# and the metadata cell, score, layers, embedding, hidden, source_vocabulary, target_vocabulary, torch_version.
# The case gru_general also writes gru_general_state_dict.safetensors: model.state_dict() alone, as a
# PyTorch user would save it (format = pt), for the strict state-dict round trip.

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_composition_fixtures import round_parameters  # noqa: E402
from make_rnn_fixtures import write_safetensors  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "seq2seq")

PAD, BOS, EOS = 0, 1, 2


class Seq2Seq(nn.Module):
    """The reference architecture (batch-first), dropout 0."""

    def __init__(self, vs, vt, emb, hidden, layers, cell, score):
        super().__init__()
        rnn = {"gru": nn.GRU, "lstm": nn.LSTM}[cell]
        self.score = score
        self.src_emb = nn.Embedding(vs, emb, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(vt, emb, padding_idx=PAD)
        self.encoder = rnn(emb, hidden, layers, batch_first=True)
        self.decoder = rnn(emb, hidden, layers, batch_first=True)
        if score == "general":
            self.w_a = nn.Linear(hidden, hidden, bias=False)
        elif score == "concat":
            self.w_a = nn.Linear(2 * hidden, hidden, bias=False)
            self.v_a = nn.Linear(hidden, 1, bias=False)
        self.w_c = nn.Linear(2 * hidden, hidden, bias=False)
        self.out = nn.Linear(hidden, vt)

    def encode(self, src, src_len):
        packed = nn.utils.rnn.pack_padded_sequence(self.src_emb(src), src_len, batch_first=True,
                                                   enforce_sorted=False)
        out, state = self.encoder(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.size(1))
        return out, state, src != PAD

    def attend(self, dec, enc, mask):
        if self.score == "dot":
            s = dec @ enc.transpose(1, 2)
        elif self.score == "general":
            s = dec @ self.w_a(enc).transpose(1, 2)
        else:
            td, ts = dec.size(1), enc.size(1)
            both = torch.cat([dec.unsqueeze(2).expand(-1, -1, ts, -1), enc.unsqueeze(1).expand(-1, td, -1, -1)], -1)
            s = self.v_a(torch.tanh(self.w_a(both))).squeeze(-1)
        s = s.masked_fill(~mask.unsqueeze(1), float("-inf"))
        a = torch.softmax(s, -1)
        return torch.tanh(self.w_c(torch.cat([a @ enc, dec], -1)))

    def forward(self, src, src_len, tgt_in):
        enc, state, mask = self.encode(src, src_len)
        dec, _ = self.decoder(self.tgt_emb(tgt_in), state)
        return self.out(self.attend(dec, enc, mask))


def pad(seqs):
    length = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD] * (length - len(s)) for s in seqs], dtype=torch.int64)


def case(name, cell, score, layers, seed, state_dict_file=False):
    torch.manual_seed(seed)
    vs, vt, emb, hidden = 9, 11, 4, 6
    model = Seq2Seq(vs, vt, emb, hidden, layers, cell, score)
    round_parameters(model)
    with torch.no_grad():
        model.src_emb.weight[PAD].zero_()
        model.tgt_emb.weight[PAD].zero_()

    # three pairs of different lengths; words are ids >= 3 (<unk> = 3 may occur, as any word)
    sources = [[4, 7, 3, 8, 5], [6, 6, 8], [3, 5, 7, 4]]
    targets = [[5, 9, 4], [7], [10, 3, 6, 8]]
    src = pad(sources)
    src_len = torch.tensor([len(s) for s in sources], dtype=torch.int64)
    tgt_in = pad([[BOS] + t for t in targets])
    tgt_out = pad([t + [EOS] for t in targets])

    logits = model(src, src_len, tgt_in)
    loss = F.cross_entropy(logits.reshape(-1, vt), tgt_out.reshape(-1), ignore_index=PAD)
    loss.backward()

    b, steps = tgt_in.shape
    real = [logits[i, t] for t in range(steps) for i in range(b) if t <= len(targets[i])]
    parameters = list(model.named_parameters())
    tensors = [(key, p.detach()) for key, p in parameters]
    tensors += [("source", src.t().contiguous()), ("source_lengths", src_len),
                ("target", pad(targets).t().contiguous()),
                ("target_lengths", torch.tensor([len(t) for t in targets], dtype=torch.int64)),
                ("logits", torch.stack(real).detach()), ("loss", loss.detach().reshape(1))]
    tensors += [("grad." + key, p.grad) for key, p in parameters]
    metadata = dict(cell=cell, score=score, layers=layers, embedding=emb, hidden=hidden, source_vocabulary=vs,
                    target_vocabulary=vt, torch_version=torch.__version__)
    write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), tensors,
                      {k: str(v) for k, v in metadata.items()})
    if state_dict_file:
        write_safetensors(os.path.join(OUT_DIR, name + "_state_dict.safetensors"),
                          list(model.state_dict().items()), {"format": "pt"})


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    case("gru_general", "gru", "general", 1, 3001, state_dict_file=True)
    case("lstm_dot", "lstm", "dot", 1, 3002)
    case("lstm_concat", "lstm", "concat", 1, 3003)
    case("gru_concat_l2", "gru", "concat", 2, 3004)
    case("lstm_general_l2", "lstm", "general", 2, 3005)
    print("wrote 6 files to %s" % os.path.normpath(OUT_DIR))


if __name__ == "__main__":
    main()
