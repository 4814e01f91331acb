"""Scripts in the style of popular small training programs, run under torch and the import swap:
a GPT-style char model (nanoGPT's model/train/sample idioms), a makemore-style manual-backprop
check, and a micrograd-style test suite comparing against the framework's own gradients."""

from tests.compat.harness import run_compat


def test_gpt_style_char_model(tmp_path):
    run_compat('''
import math
import inspect
from contextlib import nullcontext
from dataclasses import dataclass


@dataclass
class GPTConfig:
    block_size: int = 8
    vocab_size: int = 11
    n_layer: int = 2
    n_head: int = 2
    n_embd: int = 16
    dropout: float = 0.0
    bias: bool = True


class LayerNorm(nn.Module):
    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, input):
        return F.layer_norm(input, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head = config.n_head
        self.n_embd = config.n_embd
        self.register_buffer("bias", torch.tril(torch.ones(config.block_size, config.block_size))
                             .view(1, 1, config.block_size, config.block_size))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        att = self.attn_dropout(att)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),
            wpe=nn.Embedding(config.block_size, config.n_embd),
            drop=nn.Dropout(config.dropout),
            h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
            ln_f=LayerNorm(config.n_embd, bias=config.bias),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    def get_num_params(self, non_embedding=True):
        n_params = sum(p.numel() for p in self.parameters())
        if non_embedding:
            n_params -= self.transformer.wpe.weight.numel()
        return n_params

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        device = idx.device
        b, t = idx.size()
        assert t <= self.config.block_size
        pos = torch.arange(0, t, dtype=torch.long, device=device)
        tok_emb = self.transformer.wte(idx)
        pos_emb = self.transformer.wpe(pos)
        x = self.transformer.drop(tok_emb + pos_emb)
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        if targets is not None:
            logits = self.lm_head(x)
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                   ignore_index=-1)
        else:
            logits = self.lm_head(x[:, [-1], :])
            loss = None
        return logits, loss

    def configure_optimizers(self, weight_decay, learning_rate, betas, device_type):
        param_dict = {pn: p for pn, p in self.named_parameters()}
        param_dict = {pn: p for pn, p in param_dict.items() if p.requires_grad}
        decay_params = [p for n, p in param_dict.items() if p.dim() >= 2]
        nodecay_params = [p for n, p in param_dict.items() if p.dim() < 2]
        optim_groups = [
            {"params": decay_params, "weight_decay": weight_decay},
            {"params": nodecay_params, "weight_decay": 0.0},
        ]
        record("num_decay", (len(decay_params), sum(p.numel() for p in decay_params)))
        record("num_nodecay", (len(nodecay_params), sum(p.numel() for p in nodecay_params)))
        fused_available = "fused" in inspect.signature(torch.optim.AdamW).parameters
        use_fused = fused_available and device_type == "cuda"
        extra_args = dict(fused=True) if use_fused else dict()
        return torch.optim.AdamW(optim_groups, lr=learning_rate, betas=betas, **extra_args)

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None):
        for _ in range(max_new_tokens):
            idx_cond = idx if idx.size(1) <= self.config.block_size else \\
                idx[:, -self.config.block_size:]
            logits, _ = self(idx_cond)
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("Inf")
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


# ---- train.py-style setup
device = "cpu"
dtype = "float32"
device_type = "cuda" if "cuda" in device else "cpu"
ptdtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
ctx = nullcontext() if device_type == "cpu" else torch.amp.autocast(device_type=device_type,
                                                                    dtype=ptdtype)
record("ptdtype_bf16", str({"bfloat16": torch.bfloat16}["bfloat16"]))

text = "hello world, hello there. the world is wide. " * 4
chars = sorted(list(set(text)))
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for i, ch in enumerate(chars)}
encode = lambda s: [stoi[c] for c in s]
decode = lambda l: "".join([itos[i] for i in l])
data = np.array(encode(text), dtype=np.uint16)

config = GPTConfig(vocab_size=len(chars))
model = GPT(config)
sync(model)
record("tied", model.transformer.wte.weight is model.lm_head.weight)
record("num_params", model.get_num_params())
optimizer = model.configure_optimizers(0.1, 3e-3, (0.9, 0.95), device_type)
scaler = torch.amp.GradScaler("cpu", enabled=(dtype == "float16"))

offsets = [0, 5, 11, 17]


def get_batch(step):
    ix = [(o + 3 * step) % (len(data) - config.block_size - 1) for o in offsets]
    x = torch.stack([torch.from_numpy((data[i:i + config.block_size]).astype(np.int64))
                     for i in ix])
    y = torch.stack([torch.from_numpy((data[i + 1:i + 1 + config.block_size]).astype(np.int64))
                     for i in ix])
    return x, y


@torch.no_grad()
def estimate_loss():
    model.eval()
    losses = torch.zeros(2)
    for k in range(2):
        X, Y = get_batch(100 + k)
        with ctx:
            _, loss = model(X, Y)
        losses[k] = loss.item()
    model.train()
    return losses.mean()


for it in range(4):
    lr = 3e-3 * (it + 1) / 4
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr
    X, Y = get_batch(it)
    with ctx:
        logits, loss = model(X, Y)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    scaler.step(optimizer)
    scaler.update()
    optimizer.zero_grad(set_to_none=True)
    record("loss_line", f"iter {it}: loss {loss.item():.4f}")
    record("loss", loss)
record("val", estimate_loss())
record("wte_grad_cleared", model.lm_head.weight.grad is None)
Y_masked = Y.clone()
Y_masked[:, :3] = -1
_, masked_loss = model(X, Y_masked)
record("ignore_index_loss", masked_loss)

# ---- sample.py-style generation: top_k=1 makes multinomial deterministic
model.eval()
start_ids = encode("hel")
x = torch.tensor(start_ids, dtype=torch.long, device=device)[None, ...]
with torch.no_grad():
    with ctx:
        y = model.generate(x, 6, temperature=0.8, top_k=1)
record("generated", y)
record("generated_grad", y.requires_grad)
record("text", decode(y[0].tolist()))
record("grad_enabled_after", torch.is_grad_enabled())
# bfloat16 weights, as a script loading a checkpoint in a dtype table would cast them
model_bf16 = GPT(config)
sync(model_bf16)
model_bf16.to(ptdtype if dtype != "float32" else torch.bfloat16)
record("bf16_param_dtype", model_bf16.lm_head.weight.dtype)
''', tmp_path)


def test_makemore_style_manual_backprop(tmp_path):
    run_compat('''
n_embd, n_hidden, vocab_size, block_size, batch_size = 4, 16, 7, 3, 8
g = np.random.default_rng(2147483647)
C = torch.tensor(g.standard_normal((vocab_size, n_embd)), dtype=torch.float32)
W1 = torch.tensor(g.standard_normal((n_embd * block_size, n_hidden)) * (5 / 3) /
                  ((n_embd * block_size) ** 0.5), dtype=torch.float32)
b1 = torch.tensor(g.standard_normal(n_hidden) * 0.1, dtype=torch.float32)
W2 = torch.tensor(g.standard_normal((n_hidden, vocab_size)) * 0.1, dtype=torch.float32)
b2 = torch.tensor(g.standard_normal(vocab_size) * 0.1, dtype=torch.float32)
bngain = torch.tensor(g.standard_normal((1, n_hidden)) * 0.1 + 1.0, dtype=torch.float32)
bnbias = torch.tensor(g.standard_normal((1, n_hidden)) * 0.1, dtype=torch.float32)
parameters = [C, W1, b1, W2, b2, bngain, bnbias]
for p in parameters:
    p.requires_grad = True
record("n_params", sum(p.nelement() for p in parameters))

Xb = torch.tensor(g.integers(0, vocab_size, (batch_size, block_size)), dtype=torch.long)
Yb = torch.tensor(g.integers(0, vocab_size, batch_size), dtype=torch.long)
n = batch_size

emb = C[Xb]
embcat = emb.view(emb.shape[0], -1)
hprebn = embcat @ W1 + b1
bnmeani = 1 / n * hprebn.sum(0, keepdim=True)
bndiff = hprebn - bnmeani
bndiff2 = bndiff ** 2
bnvar = 1 / (n - 1) * (bndiff2).sum(0, keepdim=True)
bnvar_inv = (bnvar + 1e-5) ** -0.5
bnraw = bndiff * bnvar_inv
hpreact = bngain * bnraw + bnbias
h = torch.tanh(hpreact)
logits = h @ W2 + b2
logit_maxes = logits.max(1, keepdim=True).values
norm_logits = logits - logit_maxes
counts = norm_logits.exp()
counts_sum = counts.sum(1, keepdims=True)
counts_sum_inv = counts_sum ** -1
probs = counts * counts_sum_inv
logprobs = probs.log()
loss = -logprobs[range(n), Yb].mean()

for p in parameters:
    p.grad = None
for t in [logprobs, probs, counts, counts_sum, counts_sum_inv, norm_logits, logit_maxes, logits,
          h, hpreact, bnraw, bnvar_inv, bnvar, bndiff2, bndiff, hprebn, bnmeani, embcat, emb]:
    t.retain_grad()
loss.backward()
record("loss", loss)


def cmp(s, dt, t):
    ex = torch.all(dt == t.grad).item()
    app = torch.allclose(dt, t.grad, rtol=1e-4, atol=1e-6)
    maxdiff = (dt - t.grad).abs().max().item()
    record(s, (ex or app, f"{s:15s} | approximate: {str(app):5s}"))
    return maxdiff


dlogprobs = torch.zeros_like(logprobs)
dlogprobs[range(n), Yb] = -1.0 / n
dprobs = (1.0 / probs) * dlogprobs
dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=True)
dcounts = counts_sum_inv * dprobs
dcounts_sum = (-counts_sum ** -2) * dcounts_sum_inv
dcounts += torch.ones_like(counts) * dcounts_sum
dnorm_logits = counts * dcounts
dlogits = dnorm_logits.clone()
dlogit_maxes = (-dnorm_logits).sum(1, keepdim=True)
dlogits += F.one_hot(logits.max(1).indices, num_classes=logits.shape[1]) * dlogit_maxes
dh = dlogits @ W2.T
dW2 = h.T @ dlogits
db2 = dlogits.sum(0)
dhpreact = (1.0 - h ** 2) * dh
dbngain = (bnraw * dhpreact).sum(0, keepdim=True)
dbnraw = bngain * dhpreact
dbnbias = dhpreact.sum(0, keepdim=True)
dbndiff = bnvar_inv * dbnraw
dbnvar_inv = (bndiff * dbnraw).sum(0, keepdim=True)
dbnvar = (-0.5 * (bnvar + 1e-5) ** -1.5) * dbnvar_inv
dbndiff2 = (1.0 / (n - 1)) * torch.ones_like(bndiff2) * dbnvar
dbndiff += (2 * bndiff) * dbndiff2
dhprebn = dbndiff.clone()
dbnmeani = (-dbndiff).sum(0)
dhprebn += 1.0 / n * (torch.ones_like(hprebn) * dbnmeani)
dembcat = dhprebn @ W1.T
dW1 = embcat.T @ dhprebn
db1 = dhprebn.sum(0)
demb = dembcat.view(emb.shape)
dC = torch.zeros_like(C)
for k in range(Xb.shape[0]):
    for j in range(Xb.shape[1]):
        ix = Xb[k, j]
        dC[ix] += demb[k, j]

maxdiffs = [cmp(name, d, t) for name, d, t in [
    ("logprobs", dlogprobs, logprobs), ("probs", dprobs, probs),
    ("counts_sum_inv", dcounts_sum_inv, counts_sum_inv), ("counts_sum", dcounts_sum, counts_sum),
    ("counts", dcounts, counts), ("norm_logits", dnorm_logits, norm_logits),
    ("logit_maxes", dlogit_maxes, logit_maxes), ("logits", dlogits, logits), ("h", dh, h),
    ("W2", dW2, W2), ("b2", db2, b2), ("hpreact", dhpreact, hpreact), ("bngain", dbngain, bngain),
    ("bnbias", dbnbias, bnbias), ("bnraw", dbnraw, bnraw), ("bnvar_inv", dbnvar_inv, bnvar_inv),
    ("bnvar", dbnvar, bnvar), ("bndiff2", dbndiff2, bndiff2), ("bndiff", dbndiff, bndiff),
    ("bnmeani", dbnmeani, bnmeani), ("hprebn", dhprebn, hprebn), ("embcat", dembcat, embcat),
    ("W1", dW1, W1), ("b1", db1, b1), ("emb", demb, emb), ("C", dC, C)]]
record("all_small", max(maxdiffs) < 1e-5)
# the fused form of the same gradient (makemore's exercise 2)
loss_fast = F.cross_entropy(logits, Yb)
record("fast_loss_diff", (loss_fast - loss).abs().item() < 1e-6)
dlogits_fast = F.softmax(logits, 1)
dlogits_fast[range(n), Yb] -= 1
dlogits_fast /= n
record("dlogits_fast", torch.allclose(dlogits_fast, logits.grad, atol=1e-7))
record("grad_fn", [loss.grad_fn.name(), logit_maxes.grad_fn.name(), emb.grad_fn.name(),
                   embcat.grad_fn.name(), hprebn.grad_fn.name(), bnmeani.grad_fn.name()])
''', tmp_path)


def test_micrograd_style_test_suite(tmp_path):
    run_compat('''
def test_sanity_check():
    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return y.data.item(), x.grad.item()


def test_more_ops():
    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    return g.data.item(), a.grad.item(), b.grad.item()


record("sanity", test_sanity_check())
record("more_ops", test_more_ops())
record("sanity_line", "y %.6f, dx %.6f" % test_sanity_check())

# a tiny MLP trained with hand-written SGD, micrograd's demo style
rng = np.random.default_rng(1337)
X = torch.tensor(rng.standard_normal((20, 2)), dtype=torch.float64)
yb = torch.tensor(np.where(X.numpy()[:, 0] * X.numpy()[:, 1] > 0, 1.0, -1.0))
W1 = torch.tensor(rng.uniform(-1, 1, (2, 16)), requires_grad=True)
b1 = torch.zeros(16, dtype=torch.float64, requires_grad=True)
W2 = torch.tensor(rng.uniform(-1, 1, (16, 1)), requires_grad=True)
b2 = torch.zeros(1, dtype=torch.float64, requires_grad=True)
params = [W1, b1, W2, b2]
record("param_dtype", W1.dtype)
for k in range(5):
    scores = ((X @ W1 + b1).relu() @ W2 + b2).squeeze(1)
    losses = (1 + -yb * scores).relu()
    data_loss = losses.sum() * (1.0 / losses.nelement())
    reg_loss = 1e-4 * sum((p * p).sum() for p in params)
    total_loss = data_loss + reg_loss
    accuracy = ((yb > 0) == (scores > 0)).float().mean()
    for p in params:
        p.grad = None
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    with torch.no_grad():
        for p in params:
            p -= learning_rate * p.grad
    record("step", f"step {k} loss {total_loss.item():.10f}, accuracy {accuracy.item() * 100:.1f}%")
record("final", params)
''', tmp_path)
