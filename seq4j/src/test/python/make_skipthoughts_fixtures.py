# Regenerate with (from the repository root; Debian's python3-torch, or any PyTorch >= 1.13 with numpy):
#   /usr/bin/python3 src/test/python/make_skipthoughts_fixtures.py
#
# Writes PyTorch reference values for org.seq4j.skipthoughts (ConditionalGruFixtureTest and
# SkipThoughtsFixtureTest) to src/test/resources/fixtures/skipthoughts/<case>.safetensors.
#
# The conditional GRU of Skip-Thoughts (Kiros et al. 2015, eq. 4-7) has no PyTorch module; it is written
# here with torch operations, gate blocks packed r, z, n as in nn.GRU:
#   r = sigmoid(W_r x + U_r h + C_r c + b_r),  z = sigmoid(W_z x + U_z h + C_z c + b_z)
#   n = tanh(W x + U (r * h) + C c + b_n),     h' = (1 - z) * h + z * n
# with weight_ih = [W_r; W_z; W] (3H, I), weight_hh = [U_r; U_z; U] (3H, H), weight_ch = [C_r; C_z; C]
# (3H, K), bias_ih (3H). Steps t >= lengths[b] are padding: the state is carried, the output row is zero.
#
# Everything is computed in float64 from values exactly representable in float32 and stored as float32.
#
# Cases:
#   conditional_gru        T=5, B=3, I=4, H=3, K=2, lengths [5, 2, 4], a non-zero h0; the loss is
#                          sum(output * grad_output) + sum(h_n * grad_h_n) with fixed random upstream
#                          gradients; stores the parameters, input, lengths, context, h0, output, h_n, the
#                          upstream gradients and grad.<parameter>, grad.input, grad.context, grad.h0.
#   training_step_uni,     one training step of a tiny Skip-Thoughts model (V=11: <pad> <bos> <eos> <unk>
#   training_step_bi       w4 ... w10; E=4; D=6, bi-skip 3 per direction; B=3 triples of variable lengths):
#                          embedding (padding_idx 0) -> GRU encoder over the packed middle sentences, the
#                          final state (both directions concatenated for bi-skip) is the thought vector ->
#                          two conditional GRU decoders (previous, next sentence) reading <bos> w1 .. wm
#                          from a zero state -> one output Linear -> loss = cross_entropy(prev, mean over
#                          real targets w1 .. wm <eos>) + cross_entropy(next, the same); then
#                          clip_grad_norm_(all, clip_norm) and one torch.optim.Adam step (lr).
#                          Stores <parameter> (before), previous/current/next [B, L] I64 padded with -1,
#                          loss, grad.<parameter> (before clipping), total_norm, after.<parameter> (after the
#                          Adam step), and metadata mode, sizes, clip_norm, lr.

import os
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_rnn_fixtures import f32, write_safetensors  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "skipthoughts")

PAD, BOS, EOS, UNK = 0, 1, 2, 3
IGNORE_INDEX = -100


class ConditionalGru(torch.nn.Module):
    """The decoder GRU of Skip-Thoughts, conditioned at every step on a context vector c."""

    def __init__(self, input_size, hidden_size, context_size):
        super().__init__()
        g = 3 * hidden_size
        self.hidden_size = hidden_size
        self.weight_ih = torch.nn.Parameter(torch.empty(g, input_size))
        self.weight_hh = torch.nn.Parameter(torch.empty(g, hidden_size))
        self.weight_ch = torch.nn.Parameter(torch.empty(g, context_size))
        self.bias_ih = torch.nn.Parameter(torch.empty(g))
        bound = hidden_size ** -0.5
        for p in self.parameters():
            torch.nn.init.uniform_(p, -bound, bound)

    def forward(self, x, lengths, context, h0):
        """x (T, B, I), lengths (B), context (B, K), h0 (B, H) -> output (T, B, H), h_n (B, H)."""
        H = self.hidden_size
        gates = x @ self.weight_ih.T + self.bias_ih + context @ self.weight_ch.T   # (T, B, 3H)
        h = h0
        outputs = []
        for t in range(x.shape[0]):
            rz = torch.sigmoid(gates[t, :, :2 * H] + h @ self.weight_hh[:2 * H].T)
            r, z = rz[:, :H], rz[:, H:]
            n = torch.tanh(gates[t, :, 2 * H:] + (r * h) @ self.weight_hh[2 * H:].T)
            new = (1 - z) * h + z * n
            active = (t < lengths).unsqueeze(1)
            h = torch.where(active, new, h)
            outputs.append(torch.where(active, new, torch.zeros_like(new)))
        return torch.stack(outputs), h


def round_parameters(*modules):
    for module in modules:
        module.double()
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(f32(p))


def conditional_gru(seed):
    torch.manual_seed(seed)
    T, B, I, H, K = 5, 3, 4, 3, 2
    lengths = torch.tensor([5, 2, 4])
    gru = ConditionalGru(I, H, K)
    round_parameters(gru)
    x = f32(torch.randn(T, B, I))
    for b in range(B):
        x[lengths[b]:, b] = 0.0                          # padding rows (any finite value)
    x.requires_grad_()
    context = f32(torch.randn(B, K)).requires_grad_()
    h0 = f32(0.5 * torch.randn(B, H)).requires_grad_()
    out, hn = gru(x, lengths, context, h0)
    grad_out = f32(torch.randn(out.shape))
    grad_hn = f32(torch.randn(hn.shape))
    loss = (out * grad_out).sum() + (hn * grad_hn).sum()
    loss.backward()
    tensors = [(name, p.detach()) for name, p in gru.named_parameters()]
    tensors += [("input", x.detach()), ("lengths", lengths.to(torch.int64)), ("context", context.detach()),
                ("h0", h0.detach()), ("output", out.detach()), ("h_n", hn.detach()),
                ("grad_output", grad_out), ("grad_h_n", grad_hn)]
    tensors += [("grad." + name, p.grad) for name, p in gru.named_parameters()]
    tensors += [("grad.input", x.grad), ("grad.context", context.grad), ("grad.h0", h0.grad)]
    metadata = dict(input_size=I, hidden_size=H, context_size=K, torch_version=torch.__version__)
    write_safetensors(os.path.join(OUT_DIR, "conditional_gru.safetensors"), tensors,
                      {k: str(v) for k, v in metadata.items()})


def padded(sentences):
    """B sentences of word ids -> [B, L] I64, padded with -1."""
    width = max(len(s) for s in sentences)
    out = torch.full((len(sentences), width), -1, dtype=torch.int64)
    for b, s in enumerate(sentences):
        out[b, :len(s)] = torch.tensor(s)
    return out


def decoder_batch(sentences):
    """<bos> w1 .. wm (padded with <pad>) and w1 .. wm <eos> (padded with ignore_index), time-major; lengths."""
    T = max(len(s) for s in sentences) + 1
    B = len(sentences)
    inp = torch.full((T, B), PAD, dtype=torch.int64)
    target = torch.full((T, B), IGNORE_INDEX, dtype=torch.int64)
    for b, s in enumerate(sentences):
        inp[0, b] = BOS
        inp[1:len(s) + 1, b] = torch.tensor(s)
        target[:len(s), b] = torch.tensor(s)
        target[len(s), b] = EOS
    return inp, target, torch.tensor([len(s) + 1 for s in sentences])


def training_step(name, bidirectional, seed):
    torch.manual_seed(seed)
    V, E, D, B = 11, 4, 6, 3
    He = D // 2 if bidirectional else D
    clip_norm, lr = 0.5, 0.01
    embedding = torch.nn.Embedding(V, E, padding_idx=PAD)
    encoder = torch.nn.GRU(E, He, bidirectional=bidirectional)
    decoder_prev = ConditionalGru(E, D, D)
    decoder_next = ConditionalGru(E, D, D)
    output = torch.nn.Linear(D, V)
    round_parameters(embedding, encoder, decoder_prev, decoder_next, output)
    with torch.no_grad():
        embedding.weight[PAD] = 0.0

    words = list(range(4, V)) + [UNK]
    def sentence(n):
        return [words[i] for i in torch.randint(0, len(words), (n,)).tolist()]
    previous = [sentence(n) for n in (2, 4, 1)]
    current = [sentence(n) for n in (3, 1, 4)]
    following = [sentence(n) for n in (4, 2, 3)]

    lengths = torch.tensor([len(s) for s in current])
    source = torch.full((int(lengths.max()), B), PAD, dtype=torch.int64)
    for b, s in enumerate(current):
        source[:len(s), b] = torch.tensor(s)
    packed = pack_padded_sequence(embedding(source), lengths, enforce_sorted=False)
    _, h_n = encoder(packed)                                  # (D_dirs, B, He)
    thought = torch.cat([h_n[d] for d in range(h_n.shape[0])], dim=1)   # (B, D)
    loss = 0
    for decoder, sentences in ((decoder_prev, previous), (decoder_next, following)):
        inp, target, dec_lengths = decoder_batch(sentences)
        out, _ = decoder(embedding(inp), dec_lengths, thought, torch.zeros(B, D, dtype=torch.float64))
        logits = output(out).reshape(-1, V)
        loss = loss + torch.nn.functional.cross_entropy(logits, target.reshape(-1), ignore_index=IGNORE_INDEX)
    loss.backward()

    named = []
    for prefix, module in (("embedding.", embedding), ("encoder.", encoder), ("decoder_prev.", decoder_prev),
                           ("decoder_next.", decoder_next), ("output.", output)):
        named += [(prefix + n, p) for n, p in module.named_parameters()]
    tensors = [(n, p.detach().clone()) for n, p in named]
    tensors += [("previous", padded(previous)), ("current", padded(current)), ("next", padded(following)),
                ("loss", loss.detach().reshape(1))]
    tensors += [("grad." + n, p.grad.clone()) for n, p in named]
    params = [p for _, p in named]
    total_norm = torch.nn.utils.clip_grad_norm_(params, clip_norm)
    optimizer = torch.optim.Adam(params, lr=lr)
    optimizer.step()
    tensors.append(("total_norm", total_norm.detach().reshape(1)))
    tensors += [("after." + n, p.detach()) for n, p in named]
    metadata = dict(mode="BI" if bidirectional else "UNI", vocabulary=V, embedding=E, dim=D, batch=B,
                    clip_norm=clip_norm, lr=lr, torch_version=torch.__version__)
    write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), tensors, {k: str(v) for k, v in metadata.items()})


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    conditional_gru(3100)
    training_step("training_step_uni", False, 3101)
    training_step("training_step_bi", True, 3102)
    print("wrote 3 files to %s" % os.path.normpath(OUT_DIR))


if __name__ == "__main__":
    main()
