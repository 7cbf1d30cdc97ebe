# Regenerate with (from the repository root; needs PyTorch, e.g. Debian's python3-torch):
#   /usr/bin/python3 src/test/python/make_api_fixtures.py
#
# Writes PyTorch reference values for the models that the tests of org.seq4j.api compose from seq4j's public
# modules, as safetensors files under src/test/resources/fixtures/api/:
#
#   gru_classifier.safetensors  an N->1 classifier over variable lengths: Embedding(V, E, padding_idx=0)
#                               -> 2-layer bidirectional GRU over a packed batch -> the top layer's h_n of
#                               both directions -> Linear(2H, C) -> CrossEntropyLoss(weight=class weights)
#   tied_lstm_lm.safetensors    a language model whose output layer is its embedding: Embedding(V, E) ->
#                               2-layer LSTM with H = E -> Linear(E, V) with decoder.weight = embedding.weight
#                               -> CrossEntropyLoss(ignore_index=-100); then three Adam steps
#   conditioned_tagger.safetensors  one-to-many and many-to-many with padding: a condition vector ->
#                               tanh(Linear) -> h0 and c0 of a 2-layer LSTM over a packed batch -> Linear at
#                               every step -> CrossEntropyLoss with ignore_index=-100 at the padded steps
#
# Every parameter and input is drawn from a seeded torch.Generator, rounded to float32 and widened back, so
# that the oracle sees exactly the float32 values that the Java code sees; the oracle then runs in float64
# and every result is stored rounded to float32 (F32; index tensors as I64). Names:
#   <state_dict key>          the parameters, under PyTorch's state_dict keys (a tied parameter once per key)
#   grad.<key>                the gradient of the loss with respect to that parameter
#   tokens [T, B] or input [T, B, I], lengths [B], labels [B] or targets [T, B], class_weights [C],
#   condition [B, F], grad.condition
#   logits, loss              the outputs
#   adam.<key>                the parameters after the Adam steps (tied model only)
# The metadata lists the state_dict keys in order ("state_dict_keys", comma-separated). Only the standard
# library and torch are used: the safetensors container is written with struct and json (by make_rnn_fixtures.py). Running the script
# twice gives identical files.

import os
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_rnn_fixtures import write_safetensors  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "api")
F64 = torch.float64


def f32(t):
    """Rounds to float32 and widens back to float64: the exact value Java will hold."""
    return t.to(torch.float32).to(F64)


def fill_parameters(module, gen, scale):
    """Overwrites every (distinct) parameter with float32-exact values from U(-scale, scale)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(f32((torch.rand(p.shape, generator=gen, dtype=F64) * 2 - 1) * scale))


def metadata(module, description):
    return {"generator": "src/test/python/make_api_fixtures.py", "torch": torch.__version__,
            "description": description, "state_dict_keys": ",".join(module.state_dict().keys())}


def parameters_and_grads(module):
    """The state_dict entries, then the gradient of each (a tied parameter under each of its keys); copies,
    which later optimizer steps leave as they are."""
    out = [(key, value.clone()) for key, value in module.state_dict().items()]
    out += [("grad." + key, module.get_parameter(key).grad.clone()) for key in module.state_dict().keys()]
    return out


# ------------------------------------------------------------------------------------------------- (a)

class GruClassifier(torch.nn.Module):
    """Embedding -> GRU over a packed batch -> both directions' top-layer h_n -> Linear."""

    def __init__(self, vocab, embedding, hidden, classes):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, embedding, padding_idx=0)
        self.rnn = torch.nn.GRU(embedding, hidden, num_layers=2, bidirectional=True)
        self.fc = torch.nn.Linear(2 * hidden, classes)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, enforce_sorted=False)
        _, h_n = self.rnn(packed)                       # (L·D, B, H)
        summary = torch.cat([h_n[-2], h_n[-1]], dim=1)  # forward and reverse direction of the top layer
        return self.fc(summary)


def gru_classifier(gen):
    vocab, embedding, hidden, classes = 11, 5, 6, 4
    lengths = torch.tensor([5, 2, 4, 1, 3], dtype=torch.int64)
    steps, batch = 5, len(lengths)
    model = GruClassifier(vocab, embedding, hidden, classes).to(F64)
    fill_parameters(model, gen, 0.5)
    tokens = torch.randint(1, vocab, (steps, batch), generator=gen)
    for b in range(batch):
        tokens[lengths[b]:, b] = 0                      # padding after each sequence's end
    labels = torch.tensor([2, 0, 3, 3, 1], dtype=torch.int64)
    class_weights = f32(torch.tensor([0.5, 2.0, 1.0, 0.25], dtype=F64))
    logits = model(tokens, lengths)
    loss = torch.nn.CrossEntropyLoss(weight=class_weights)(logits, labels)
    loss.backward()
    tensors = [("tokens", tokens), ("lengths", lengths), ("labels", labels), ("class_weights", class_weights),
               ("logits", logits), ("loss", loss)]
    return model, tensors + parameters_and_grads(model)


# ------------------------------------------------------------------------------------------------- (d)

class TiedLstmLm(torch.nn.Module):
    """Embedding -> LSTM (H = E) -> Linear whose weight is the embedding table (Press and Wolf, 2017)."""

    def __init__(self, vocab, size):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, size)
        self.rnn = torch.nn.LSTM(size, size, num_layers=2)
        self.decoder = torch.nn.Linear(size, vocab)
        self.decoder.weight = self.embedding.weight

    def forward(self, tokens):
        out, _ = self.rnn(self.embedding(tokens))       # (T, B, E)
        return self.decoder(out).reshape(-1, self.decoder.out_features)   # (T·B, V), time-major


def tied_lstm_lm(gen):
    vocab, size, steps, batch = 9, 6, 5, 3
    model = TiedLstmLm(vocab, size).to(F64)
    fill_parameters(model, gen, 0.5)
    tokens = torch.randint(0, vocab, (steps, batch), generator=gen)
    targets = torch.randint(0, vocab, (steps, batch), generator=gen)
    targets[4, 0] = -100
    targets[2, 2] = -100
    loss_fn = torch.nn.CrossEntropyLoss()
    logits = model(tokens)
    loss = loss_fn(logits, targets.reshape(-1))
    loss.backward()
    tensors = [("tokens", tokens), ("targets", targets), ("logits", logits), ("loss", loss)]
    tensors += parameters_and_grads(model)
    # three Adam steps on the same batch; model.parameters() holds the tied table once
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(3):
        optimizer.zero_grad()
        loss_fn(model(tokens), targets.reshape(-1)).backward()
        optimizer.step()
    tensors += [("adam." + key, value) for key, value in model.state_dict().items()]
    return model, tensors


# ------------------------------------------------------------------------------------ InitialState, padding

class InitialState(torch.nn.Module):
    """A condition vector -> tanh(Linear) -> h0 (and c0) of every layer, laid out as (L, B, H)."""

    def __init__(self, features, layers, hidden):
        super().__init__()
        self.layers, self.size = layers, hidden
        self.hidden = torch.nn.Linear(features, layers * hidden)
        self.cell = torch.nn.Linear(features, layers * hidden)

    def forward(self, condition):
        batch = condition.shape[0]

        def states(linear):
            return torch.tanh(linear(condition)).view(batch, self.layers, self.size).transpose(0, 1).contiguous()

        return states(self.hidden), states(self.cell)


class ConditionedTagger(torch.nn.Module):
    """InitialState -> LSTM over a packed batch -> Linear at every step (padded steps read zeros)."""

    def __init__(self, features, inputs, hidden, classes):
        super().__init__()
        self.start = InitialState(features, 2, hidden)
        self.rnn = torch.nn.LSTM(inputs, hidden, num_layers=2)
        self.fc = torch.nn.Linear(hidden, classes)

    def forward(self, condition, x, lengths):
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, _ = self.rnn(packed, self.start(condition))
        out, _ = pad_packed_sequence(out, total_length=x.shape[0])   # (T, B, H)
        return self.fc(out).reshape(-1, self.fc.out_features)         # (T·B, C), time-major


def conditioned_tagger(gen):
    features, inputs, hidden, classes = 3, 4, 5, 6
    lengths = torch.tensor([4, 1, 3], dtype=torch.int64)
    steps, batch = 4, len(lengths)
    model = ConditionedTagger(features, inputs, hidden, classes).to(F64)
    fill_parameters(model, gen, 0.5)
    condition = f32(torch.randn(batch, features, generator=gen, dtype=F64)).requires_grad_(True)
    x = f32(torch.randn(steps, batch, inputs, generator=gen, dtype=F64))
    targets = torch.randint(0, classes, (steps, batch), generator=gen)
    for b in range(batch):
        targets[lengths[b]:, b] = -100                # padded steps are not counted
    logits = model(condition, x, lengths)
    loss = torch.nn.CrossEntropyLoss()(logits, targets.reshape(-1))
    loss.backward()
    tensors = [("condition", condition), ("input", x), ("lengths", lengths), ("targets", targets),
               ("logits", logits), ("loss", loss), ("grad.condition", condition.grad)]
    return model, tensors + parameters_and_grads(model)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    files = [
        ("gru_classifier", gru_classifier, 1,
         "Embedding(11, 5, padding_idx=0) -> GRU(5, 6, num_layers=2, bidirectional) over packed lengths -> "
         "top-layer h_n of both directions -> Linear(12, 4) -> CrossEntropyLoss(weight)"),
        ("tied_lstm_lm", tied_lstm_lm, 2,
         "Embedding(9, 6) -> LSTM(6, 6, num_layers=2) -> Linear(6, 9) tied to the embedding -> "
         "CrossEntropyLoss(ignore_index=-100); then 3 Adam(lr=0.01) steps"),
        ("conditioned_tagger", conditioned_tagger, 3,
         "condition (3, 3) -> tanh(Linear) -> h0, c0 of LSTM(4, 5, num_layers=2) over packed lengths -> "
         "Linear(5, 6) at every step -> CrossEntropyLoss(ignore_index=-100 at the padded steps)"),
    ]
    for name, make, seed, description in files:
        gen = torch.Generator().manual_seed(seed)
        model, tensors = make(gen)
        write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), tensors, metadata(model, description))


if __name__ == "__main__":
    main()
