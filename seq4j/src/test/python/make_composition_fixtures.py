# Regenerate with (from the repository root; Debian's python3-torch, or any PyTorch >= 1.13 with numpy):
#   /usr/bin/python3 src/test/python/make_composition_fixtures.py
#
# Writes PyTorch reference values for models composed from seq4j's public modules (the tests in
# org.seq4j.api) to src/test/resources/fixtures/composition/<case>.safetensors. Each case is one function
# below, listed in CASES; each builds a small model in float64 from values exactly representable in float32,
# runs one forward and backward, and writes:
#   <module>.<parameter>     every parameter under its PyTorch name with a dotted module prefix
#                            (encoder.weight_ih_l0, output.bias, ...), in the order the model registers them
#   inputs                   token indices as I64, time-major [T, B] (row t·B + b in seq4j's layout), lengths
#   loss [1]                 the loss
#   grad.<module>.<param>    the gradient of the loss with respect to every parameter
# and metadata (the sizes, torch_version).
#
# Cases:
#   two_decoders     Skip-Thoughts shape: a GRU encoder over variable-length sentences, two GRU decoders
#                    (previous and next sentence) whose initial state is the encoder's final state, one
#                    embedding table for all three and one output layer for both decoders; loss = sum of
#                    both decoders' mean cross-entropy (padded targets ignored).
#   input_feeding    Luong et al. (2015) attention decoder with input feeding: a 2-layer LSTM encoder; a
#                    decoder stepped one token at a time as OpenNMT's StackedLSTM (nn.LSTMCell per layer,
#                    dropout between layers with the masks stored in the file), whose input at step t is
#                    [embedding(y_t) ; h~_{t-1}]; dot attention over the encoder outputs,
#                    h~_t = tanh(W_c [c_t ; h_t]); logits = output(h~_t); mean cross-entropy.

import os
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_rnn_fixtures import f32, write_safetensors  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "composition")

IGNORE_INDEX = -100


def round_parameters(*modules):
    """Casts to float64 with every parameter rounded to float32, so that seq4j loads the same values."""
    for module in modules:
        module.double()
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(f32(p))


def named(prefix, module):
    """(prefix + name, parameter) in the module's state_dict order."""
    return [(prefix + name, p) for name, p in module.named_parameters()]


def tokens(vocabulary, shape, low=1):
    return torch.randint(low, vocabulary, shape, dtype=torch.int64)


def write_case(name, parameters, inputs, loss, metadata):
    tensors = [(key, p.detach()) for key, p in parameters]
    tensors += inputs
    tensors.append(("loss", loss.detach().reshape(1)))
    tensors += [("grad." + key, p.grad) for key, p in parameters]
    metadata = dict(metadata, torch_version=torch.__version__)
    write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), tensors,
                      {k: str(v) for k, v in metadata.items()})


# ------------------------------------------------------------------------------------------------ cases

def two_decoders(seed):
    """Encoder GRU, two GRU decoders started from its final state, both run before the one backward."""
    torch.manual_seed(seed)
    V, E, H, B = 7, 4, 5, 3
    T_enc, T_prev, T_next = 4, 3, 4
    embedding = torch.nn.Embedding(V, E, padding_idx=0)
    encoder = torch.nn.GRU(E, H)
    decoder_prev = torch.nn.GRU(E, H)
    decoder_next = torch.nn.GRU(E, H)
    output = torch.nn.Linear(H, V)
    round_parameters(embedding, encoder, decoder_prev, decoder_next, output)

    lengths = [4, 2, 3]
    source = tokens(V, (T_enc, B))
    for b, n in enumerate(lengths):
        source[n:, b] = 0                                   # padding
    prev_input, prev_target = tokens(V, (T_prev, B)), tokens(V, (T_prev, B))
    next_input, next_target = tokens(V, (T_next, B)), tokens(V, (T_next, B))
    prev_target[2, 1] = IGNORE_INDEX                        # a shorter target sentence
    next_target[3, 0] = IGNORE_INDEX
    next_target[2:, 2] = IGNORE_INDEX

    packed = pack_padded_sequence(embedding(source), torch.tensor(lengths), enforce_sorted=False)
    _, thought = encoder(packed)                            # (1, B, H): each sentence's final state
    loss = 0
    for decoder, inp, target in ((decoder_prev, prev_input, prev_target), (decoder_next, next_input, next_target)):
        out, _ = decoder(embedding(inp), thought)
        logits = output(out).reshape(-1, V)
        loss = loss + torch.nn.functional.cross_entropy(logits, target.reshape(-1), ignore_index=IGNORE_INDEX)
    loss.backward()

    parameters = (named("embedding.", embedding) + named("encoder.", encoder) + named("decoder_prev.", decoder_prev)
                  + named("decoder_next.", decoder_next) + named("output.", output))
    inputs = [("encoder_input", source), ("encoder_lengths", torch.tensor(lengths, dtype=torch.int64)),
              ("prev_input", prev_input), ("prev_target", prev_target),
              ("next_input", next_input), ("next_target", next_target)]
    write_case("two_decoders", parameters, inputs, loss,
               dict(vocabulary=V, embedding=E, hidden=H, batch=B))


class StackedLSTM(torch.nn.Module):
    """OpenNMT's StackedLSTM: nn.LSTMCell per layer, stepped once per token, dropout between layers."""

    def __init__(self, num_layers, input_size, hidden_size):
        super().__init__()
        self.layers = torch.nn.ModuleList(
            [torch.nn.LSTMCell(input_size if k == 0 else hidden_size, hidden_size) for k in range(num_layers)])

    def forward(self, x, state, masks):
        """x (B, I); state = (h, c) each (L, B, H); masks (L-1, B, H) applied to every layer's output but the top."""
        h_prev, c_prev = state
        hs, cs = [], []
        for k, cell in enumerate(self.layers):
            h, c = cell(x, (h_prev[k], c_prev[k]))
            x = h * masks[k] if k + 1 < len(self.layers) else h
            hs.append(h)
            cs.append(c)
        return x, (torch.stack(hs), torch.stack(cs))


def input_feeding(seed):
    """Step-by-step LSTM decoder with Luong dot attention and input feeding, as OpenNMT builds it."""
    torch.manual_seed(seed)
    V_src, V_tgt, E, H, L, B, T_src, T_tgt = 6, 7, 4, 5, 2, 3, 4, 4
    p = 0.3
    src_embedding = torch.nn.Embedding(V_src, E)
    tgt_embedding = torch.nn.Embedding(V_tgt, E)
    encoder = torch.nn.LSTM(E, H, num_layers=L)
    decoder = StackedLSTM(L, E + H, H)
    attn_combine = torch.nn.Linear(2 * H, H, bias=False)   # W_c
    output = torch.nn.Linear(H, V_tgt)
    round_parameters(src_embedding, tgt_embedding, encoder, decoder, attn_combine, output)

    source = tokens(V_src, (T_src, B), low=0)
    target_input = tokens(V_tgt, (T_tgt, B), low=0)
    target = tokens(V_tgt, (T_tgt, B), low=0)
    target[3, 1] = IGNORE_INDEX
    masks = f32((torch.rand(T_tgt, L - 1, B, H) >= p).double() / (1 - p))   # 0 or 1/(1 - p), as float32

    memory, (h, c) = encoder(src_embedding(source))          # memory (T_src, B, H); h, c (L, B, H)
    attentional = torch.zeros(B, H, dtype=torch.float64)     # h~_{-1}
    state = (h, c)
    logits = []
    for t in range(T_tgt):
        x = torch.cat([tgt_embedding(target_input[t]), attentional], dim=1)     # input feeding: (B, E + H)
        top, state = decoder(x, state, masks[t])                                # (B, H)
        scores = torch.einsum("sbh,bh->bs", memory, top)                        # dot attention: (B, T_src)
        weights = torch.softmax(scores, dim=1)
        context = torch.einsum("bs,sbh->bh", weights, memory)                   # c_t: (B, H)
        attentional = torch.tanh(attn_combine(torch.cat([context, top], dim=1)))
        logits.append(output(attentional))
    loss = torch.nn.functional.cross_entropy(torch.cat(logits), target.reshape(-1), ignore_index=IGNORE_INDEX)
    loss.backward()

    # the decoder's cells under nn.LSTM's names, as seq4j's RecurrentStack names them
    decoder_parameters = []
    for k, cell in enumerate(decoder.layers):
        decoder_parameters += [("decoder." + name + "_l" + str(k), param) for name, param in cell.named_parameters()]
    parameters = (named("src_embedding.", src_embedding) + named("tgt_embedding.", tgt_embedding)
                  + named("encoder.", encoder) + decoder_parameters + named("attn_combine.", attn_combine)
                  + named("output.", output))
    inputs = [("source", source), ("target_input", target_input), ("target", target),
              ("dropout_mask", masks)]
    write_case("input_feeding", parameters, inputs, loss,
               dict(source_vocabulary=V_src, target_vocabulary=V_tgt, embedding=E, hidden=H, layers=L, batch=B,
                    dropout=p))


CASES = [two_decoders, input_feeding]


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for seed, case in enumerate(CASES):
        case(2000 + seed)
    print("wrote %d files to %s" % (len(CASES), os.path.normpath(OUT_DIR)))


if __name__ == "__main__":
    main()
