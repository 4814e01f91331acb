"""Generative-model loops: a GAN with two optimizers and detach, a conv autoencoder, a char-RNN
language model with sampling, and a seq2seq step with teacher forcing."""

from tests.compat.harness import run_compat


def test_gan_two_optimizers(tmp_path):
    run_compat("""
rng = np.random.default_rng(0)
torch.manual_seed(0)
G = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 3), nn.Tanh())
D = nn.Sequential(nn.Linear(3, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1), nn.Sigmoid())
sync(G)
sync(D)
opt_g = optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
opt_d = optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
criterion = nn.BCELoss()
real = torch.from_numpy(rng.normal(size=(6, 3)).astype(np.float32))
noise = torch.from_numpy(rng.normal(size=(6, 2)).astype(np.float32))
real_labels = torch.ones(6, 1)
fake_labels = torch.zeros(6, 1)
for step in range(3):
    fake = G(noise)
    opt_d.zero_grad()
    d_loss = criterion(D(real), real_labels) + criterion(D(fake.detach()), fake_labels)
    d_loss.backward()
    opt_d.step()
    opt_g.zero_grad()
    g_loss = criterion(D(fake), real_labels)
    g_loss.backward()
    opt_g.step()
    record("d_loss", d_loss.item())
    record("g_loss", g_loss.item())
    record("D_x", D(real).mean().item())
record("G_weights", [p for p in G.parameters()])
""", tmp_path)


def test_conv_autoencoder(tmp_path):
    run_compat("""
rng = np.random.default_rng(1)
class AE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(True),
            nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU(True))
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), nn.ReLU(True),
            nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))

torch.manual_seed(0)
model = AE()
sync(model)
imgs = torch.from_numpy(rng.uniform(size=(4, 1, 8, 8)).astype(np.float32))
opt = optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
for epoch in range(3):
    recon = model(imgs)
    loss = F.mse_loss(recon, imgs)
    opt.zero_grad()
    loss.backward()
    opt.step()
    record("loss", loss)
record("code_shape", tuple(model.encoder(imgs).shape))
record("recon", model(imgs).detach())
""", tmp_path)


def test_char_rnn_language_model(tmp_path):
    run_compat("""
text = "hello world, hello torch"
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)

class CharRNN(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.rnn = nn.LSTM(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.rnn(self.embed(x), state)
        return self.head(out), state

torch.manual_seed(0)
model = CharRNN(len(chars), 12)
sync(model)
opt = optim.Adam(model.parameters(), lr=0.01)
seq_len = 8
inputs = torch.stack([data[i:i + seq_len] for i in range(0, len(data) - seq_len - 1, 4)])
targets = torch.stack([data[i + 1:i + seq_len + 1] for i in range(0, len(data) - seq_len - 1, 4)])
for step in range(3):
    logits, _ = model(inputs)
    loss = F.cross_entropy(logits.view(-1, len(chars)), targets.reshape(-1))
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    opt.step()
    record("loss", loss.item())
model.eval()
with torch.no_grad():
    idx = torch.tensor([[stoi["h"]]])
    state = None
    out = []
    for _ in range(10):
        logits, state = model(idx, state)
        probs = F.softmax(logits[:, -1, :], dim=-1)
        next_greedy = torch.argmax(probs, dim=-1, keepdim=True)
        sampled = torch.multinomial(probs, num_samples=1)
        record("sampled_ok", (tuple(sampled.shape), 0 <= sampled.item() < len(chars)))
        idx = next_greedy
        out.append(itos[idx.item()])
record("greedy", "".join(out))
record("state_shapes", [tuple(s.shape) for s in state])
""", tmp_path)


def test_seq2seq_teacher_forcing(tmp_path):
    run_compat("""
rng = np.random.default_rng(2)
torch.manual_seed(0)
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(12, 6)
        self.gru = nn.GRU(6, 8, batch_first=True)

    def forward(self, src):
        outputs, hidden = self.gru(self.emb(src))
        return outputs, hidden

class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(12, 6)
        self.gru = nn.GRU(6 + 8, 8, batch_first=True)
        self.out = nn.Linear(8, 12)

    def forward(self, token, hidden, enc_out):
        scores = torch.bmm(enc_out, hidden.permute(1, 2, 0))  # (B, S, 1)
        weights = F.softmax(scores, dim=1)
        context = (weights * enc_out).sum(dim=1, keepdim=True)
        rnn_in = torch.cat([self.emb(token), context], dim=2)
        out, hidden = self.gru(rnn_in, hidden)
        return self.out(out.squeeze(1)), hidden, weights.squeeze(-1)

enc, dec = Encoder(), Decoder()
sync(enc)
sync(dec)
params = list(enc.parameters()) + list(dec.parameters())
opt = optim.SGD(params, lr=0.1)
src = torch.from_numpy(rng.integers(1, 12, size=(3, 5)))
tgt = torch.from_numpy(rng.integers(1, 12, size=(3, 4)))
for step in range(2):
    opt.zero_grad()
    enc_out, hidden = enc(src)
    token = tgt[:, :1]
    loss = 0
    for t in range(1, tgt.size(1)):
        logits, hidden, attn = dec(token, hidden, enc_out)
        loss = loss + F.cross_entropy(logits, tgt[:, t])
        token = tgt[:, t].unsqueeze(1)
    loss = loss / (tgt.size(1) - 1)
    loss.backward()
    opt.step()
    record("loss", loss.item())
    record("attn", attn)
record("dec_grad", dec.out.weight.grad)
""", tmp_path)
