"""Sequence scripts: LSTM/GRU classifiers, packed sequences, Transformer encoders, embeddings."""

from tests.compat.harness import run_compat

TOKENS = """
rng = np.random.default_rng(0)
tokens = rng.integers(1, 20, size=(4, 7))
lengths = [7, 5, 3, 2]
for row, n in enumerate(lengths):
    tokens[row, n:] = 0
targets = rng.integers(0, 3, size=4)
"""


def test_lstm_classifier_packed(tmp_path):
    run_compat(TOKENS + """
class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers=2, batch_first=True,
                            bidirectional=True, dropout=0.0)
        self.fc = nn.Linear(hidden_dim * 2, num_classes)

    def forward(self, x, lengths):
        embedded = self.embedding(x)
        packed = nn.utils.rnn.pack_padded_sequence(embedded, lengths, batch_first=True,
                                                   enforce_sorted=False)
        packed_out, (hidden, cell) = self.lstm(packed)
        out, out_lengths = nn.utils.rnn.pad_packed_sequence(packed_out, batch_first=True)
        hidden = torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)
        return self.fc(hidden), out, out_lengths

torch.manual_seed(0)
model = LSTMClassifier(20, 6, 5, 3)
sync(model)
optimizer = optim.Adam(model.parameters(), lr=0.01)
x = torch.tensor(tokens)
y = torch.tensor(targets)
lens = torch.tensor(lengths)
for step in range(3):
    optimizer.zero_grad()
    logits, out, out_lengths = model(x, lens)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
    record("loss", loss.item())
    record("out", out)
record("out_lengths", out_lengths)
record("emb_grad_pad_row", model.embedding.weight.grad[0])
record("repr", repr(model))
record("keys", list(model.state_dict().keys()))
""", tmp_path)


def test_gru_batch_first_last_step(tmp_path):
    run_compat(TOKENS + """
torch.manual_seed(0)
emb = nn.Embedding(20, 4)
gru = nn.GRU(input_size=4, hidden_size=6, batch_first=True)
head = nn.Linear(6, 3)
model = nn.ModuleDict({"emb": emb, "gru": gru, "head": head})
sync(model)
x = torch.tensor(tokens)
opt = optim.SGD(model.parameters(), lr=0.1)
h0 = torch.zeros(1, x.size(0), 6)
for step in range(3):
    output, hn = model["gru"](model["emb"](x), h0)
    logits = model["head"](output[:, -1, :])
    loss = F.cross_entropy(logits, torch.tensor(targets))
    opt.zero_grad()
    loss.backward()
    opt.step()
    record("loss", loss)
    record("hn", hn)
record("same_last", torch.allclose(output[:, -1], hn[0]))
record("shapes", (tuple(output.shape), tuple(hn.shape)))
record("repr", repr(model))
""", tmp_path)


def test_lstm_cell_manual_unroll_and_rnn(tmp_path):
    run_compat(TOKENS + """
torch.manual_seed(0)
cell = nn.LSTMCell(3, 4)
rnn = nn.RNN(3, 4, nonlinearity="tanh", batch_first=False)
sync(cell)
sync(rnn)
xs = torch.from_numpy(rng.normal(size=(5, 2, 3)).astype(np.float32))
h = torch.zeros(2, 4)
c = torch.zeros(2, 4)
outs = []
for t in range(xs.size(0)):
    h, c = cell(xs[t], (h, c))
    outs.append(h)
seq = torch.stack(outs, dim=0)
seq.sum().backward()
record("seq", seq)
record("cell_grad", cell.weight_hh.grad)
out, h_n = rnn(xs)
record("rnn_out", out)
record("rnn_h", h_n)
gru_cell = nn.GRUCell(3, 4)
sync(gru_cell)
record("gru_cell", gru_cell(xs[0]))
""", tmp_path)


def test_transformer_encoder_with_masks(tmp_path):
    run_compat(TOKENS + """
class TransformerClassifier(nn.Module):
    def __init__(self, vocab, d_model=8, nhead=2, layers=2, classes=3, max_len=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model, padding_idx=0)
        self.pos = nn.Parameter(torch.zeros(1, max_len, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=16, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=layers)
        self.norm = nn.LayerNorm(d_model)
        self.fc = nn.Linear(d_model, classes)

    def forward(self, x):
        pad_mask = x == 0
        seq_len = x.size(1)
        causal = torch.triu(torch.ones(seq_len, seq_len, dtype=torch.bool), diagonal=1)
        h = self.embed(x) + self.pos[:, :seq_len]
        h = self.encoder(h, mask=causal, src_key_padding_mask=pad_mask)
        h = self.norm(h)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.fc(pooled)

torch.manual_seed(0)
model = TransformerClassifier(20)
model.eval()
sync(model)
x = torch.tensor(tokens)
y = torch.tensor(targets)
opt = optim.Adam(model.parameters(), lr=1e-3)
for step in range(2):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    record("loss", loss.item())
with torch.no_grad():
    record("logits", model(x))
record("keys", list(model.state_dict().keys()))
record("n_params", sum(p.numel() for p in model.parameters()))
record("repr", repr(model))
""", tmp_path)


def test_multihead_attention_and_float_mask(tmp_path):
    run_compat("""
rng = np.random.default_rng(5)
torch.manual_seed(0)
mha = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
sync(mha)
q = torch.from_numpy(rng.normal(size=(2, 4, 8)).astype(np.float32))
mask = torch.zeros(4, 4).masked_fill(torch.triu(torch.ones(4, 4), 1).bool(), float("-inf"))
out, weights = mha(q, q, q, attn_mask=mask)
record("out", out)
record("weights", weights)
out2, w2 = mha(q, q, q, need_weights=True, average_attn_weights=False)
record("per_head", w2)
gen_mask = nn.Transformer.generate_square_subsequent_mask(4)
record("generated_mask", gen_mask)
out.sum().backward()
record("in_proj_grad", mha.in_proj_weight.grad)
""", tmp_path)


def test_embedding_bag_of_words(tmp_path):
    run_compat(TOKENS + """
class BoW(nn.Module):
    def __init__(self, vocab, dim, classes):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.bag = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.out = nn.Linear(2 * dim, classes)

    def forward(self, x, flat, offsets):
        mean_emb = self.emb(x).mean(dim=1)
        bag = self.bag(flat, offsets)
        return self.out(torch.cat([mean_emb, bag], dim=1))

torch.manual_seed(0)
model = BoW(20, 5, 3)
sync(model)
x = torch.tensor(tokens)
flat = torch.tensor([t for row, n in zip(tokens, lengths) for t in row[:n]])
offsets = torch.tensor([0] + list(np.cumsum(lengths[:-1])))
opt = optim.Adagrad(model.parameters(), lr=0.1)
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(model(x, flat, offsets), torch.tensor(targets))
    loss.backward()
    opt.step()
    record("loss", loss.item())
record("emb", model.emb.weight)
pretrained = torch.from_numpy(np.arange(12, dtype=np.float32).reshape(4, 3))
frozen = nn.Embedding.from_pretrained(pretrained, freeze=True)
record("from_pretrained", frozen(torch.tensor([[1, 3]])))
record("frozen", frozen.weight.requires_grad)
""", tmp_path)
