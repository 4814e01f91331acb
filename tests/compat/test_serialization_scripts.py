"""Saving and loading as PyTorch scripts do: the official word-language-model example saves the
whole model (`torch.save(model, f)`), loads it back inside `torch.serialization.safe_globals`
with the example's allow-list, calls `model.rnn.flatten_parameters()` and evaluates; and the
state_dict/optimizer checkpoint recipe. Run under torch and under the import swap."""

from tests.compat.harness import run_compat

# The example keeps its model classes in model.py; a script here registers that module, so the
# pickle names `word_language_model.RNNModel` the way the example's names `model.RNNModel`.
MODEL_MODULE = """
import math
import sys
import types

model_module = types.ModuleType("word_language_model")
sys.modules["word_language_model"] = model_module


class RNNModel(nn.Module):
    \"\"\"Container module with an encoder, a recurrent module, and a decoder.\"\"\"
    __module__ = "word_language_model"

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))
        return weight.new_zeros(self.nlayers, bsz, self.nhid)


class PositionalEncoding(nn.Module):
    __module__ = "word_language_model"

    def __init__(self, d_model, dropout=0.1, max_len=5000):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(p=dropout)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0).transpose(0, 1)
        self.register_buffer('pe', pe)

    def forward(self, x):
        x = x + self.pe[:x.size(0), :]
        return self.dropout(x)


class TransformerModel(nn.Transformer):
    __module__ = "word_language_model"

    def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
        super(TransformerModel, self).__init__(d_model=ninp, nhead=nhead, dim_feedforward=nhid,
                                               num_encoder_layers=nlayers, dropout=dropout)
        self.model_type = 'Transformer'
        self.src_mask = None
        self.pos_encoder = PositionalEncoding(ninp, dropout)
        self.input_emb = nn.Embedding(ntoken, ninp)
        self.ninp = ninp
        self.decoder = nn.Linear(ninp, ntoken)

    def _generate_square_subsequent_mask(self, sz):
        return torch.log(torch.tril(torch.ones(sz, sz)))

    def forward(self, src, has_mask=True):
        if has_mask:
            if self.src_mask is None or self.src_mask.size(0) != len(src):
                self.src_mask = self._generate_square_subsequent_mask(len(src))
        else:
            self.src_mask = None
        src = self.input_emb(src) * math.sqrt(self.ninp)
        src = self.pos_encoder(src)
        output = self.encoder(src, mask=self.src_mask)
        output = self.decoder(output)
        return F.log_softmax(output, dim=-1)


model_module.RNNModel = RNNModel
model_module.PositionalEncoding = PositionalEncoding
model_module.TransformerModel = TransformerModel
rng = np.random.default_rng(0)
data = torch.tensor(rng.integers(0, 30, size=(12, 3)))
"""


def test_word_language_model_saves_whole_model_and_loads_with_safe_globals(tmp_path):
    records = run_compat(MODEL_MODULE + """
import os

save_path = os.path.join(tmpdir, "model.pt")
model = RNNModel("LSTM", 30, 8, 8, 2, dropout=0.0, tie_weights=True)
sync(model)
criterion = nn.NLLLoss()
lr = 0.5


def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


model.train()
hidden = model.init_hidden(3)
for i in range(0, 8, 4):
    batch, targets = data[i:i + 4], data[i + 1:i + 5].reshape(-1)
    hidden = repackage_hidden(hidden)
    model.zero_grad()
    output, hidden = model(batch, hidden)
    loss = criterion(output, targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
    for p in model.parameters():
        p.data.add_(p.grad, alpha=-lr)
    record("train_loss", loss.item())
with open(save_path, 'wb') as f:
    torch.save(model, f)

with open(save_path, 'rb') as f:
    try:
        torch.load(f)
    except Exception as e:  # weights-only by default: the model classes are not allowed
        record("refused", "Weights only load failed" in str(e) and "RNNModel" in str(e))
with open(save_path, 'rb') as f:
    safe_globals = [
        RNNModel,
        torch.nn.modules.dropout.Dropout,
        torch.nn.modules.linear.Linear,
        torch.nn.modules.rnn.LSTM,
        torch.nn.modules.sparse.Embedding,
    ]
    with torch.serialization.safe_globals(safe_globals):
        model = torch.load(f)
    model.rnn.flatten_parameters()
record("tied", model.decoder.weight is model.encoder.weight)
model.eval()
with torch.no_grad():
    output, hidden = model(data[8:11], model.init_hidden(3))
    record("eval_loss", criterion(output, data[9:12].reshape(-1)).item())
record("output", output)
del sys.modules["word_language_model"]
""", tmp_path)
    assert ("refused", ("bool", True)) in records and ("tied", ("bool", True)) in records


def test_word_language_model_transformer_with_the_examples_allow_list(tmp_path):
    records = run_compat(MODEL_MODULE + """
import os

save_path = os.path.join(tmpdir, "model.pt")
model = TransformerModel(30, 8, 2, 16, 2, dropout=0.0)
sync(model)
model.eval()
with torch.no_grad():
    before = model(data[:5])
with open(save_path, 'wb') as f:
    torch.save(model, f)
with open(save_path, 'rb') as f:
    safe_globals = [
        PositionalEncoding,
        TransformerModel,
        torch.nn.functional.relu,
        torch.nn.modules.activation.MultiheadAttention,
        torch.nn.modules.container.ModuleList,
        torch.nn.modules.dropout.Dropout,
        torch.nn.modules.linear.Linear,
        torch.nn.modules.linear.NonDynamicallyQuantizableLinear,
        torch.nn.modules.normalization.LayerNorm,
        torch.nn.modules.sparse.Embedding,
        torch.nn.modules.transformer.TransformerEncoder,
        torch.nn.modules.transformer.TransformerEncoderLayer,
    ]
    with torch.serialization.safe_globals(safe_globals):
        model = torch.load(f)
with torch.no_grad():
    after = model(data[:5])
record("before", before)
record("after", after)
record("same", bool((before == after).all()))
del sys.modules["word_language_model"]
""", tmp_path)
    assert ("same", ("bool", True)) in records


def test_checkpoint_recipe_state_dicts_resume(tmp_path):
    run_compat("""
import os

path = os.path.join(tmpdir, "checkpoint.tar")
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
sync(model)
optimizer = optim.Adam(model.parameters(), lr=0.01)
x = torch.tensor(np.linspace(-1, 1, 20, dtype=np.float32).reshape(5, 4))
for epoch in range(2):
    optimizer.zero_grad()
    loss = model(x).pow(2).mean()
    loss.backward()
    optimizer.step()
torch.save({'epoch': epoch, 'model_state_dict': model.state_dict(),
            'optimizer_state_dict': optimizer.state_dict(), 'loss': loss}, path)
model2 = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
optimizer2 = optim.Adam(model2.parameters(), lr=0.01)
checkpoint = torch.load(path, weights_only=True)
model2.load_state_dict(checkpoint['model_state_dict'])
optimizer2.load_state_dict(checkpoint['optimizer_state_dict'])
record("epoch", checkpoint['epoch'])
record("loss", checkpoint['loss'])
optimizer2.zero_grad()
model2(x).pow(2).mean().backward()
optimizer2.step()
record("resumed_weight", model2[0].weight)
""", tmp_path)
