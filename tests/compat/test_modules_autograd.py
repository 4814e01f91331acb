"""Custom modules, buffers, save/load, torch.autograd.grad, custom Functions, init, grad modes."""

import pytest

from tests.compat.harness import run_compat


def test_custom_module_buffers_and_save_load(tmp_path):
    run_compat("""
import os

class Normalizer(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("std", torch.ones(dim))
        self.register_buffer("scratch", torch.zeros(1), persistent=False)
        self.blocks = nn.ModuleList([nn.Linear(dim, dim) for _ in range(2)])
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x):
        x = (x - self.mean) / self.std
        for block in self.blocks:
            x = torch.tanh(block(x))
        return x * self.scale

torch.manual_seed(0)
model = Normalizer(3)
model.mean.fill_(0.5)
model.std.mul_(2.0)
sync(model)
x = torch.from_numpy(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3))
record("out", model(x))
record("state_keys", list(model.state_dict().keys()))
record("buffers", [n for n, _ in model.named_buffers()])
record("params", [n for n, _ in model.named_parameters()])
record("repr", repr(model))
path = os.path.join(tmpdir, "model.pt")
torch.save(model.state_dict(), path)
clone = Normalizer(3)
result = clone.load_state_dict(torch.load(path))
record("missing", list(result.missing_keys))
record("unexpected", list(result.unexpected_keys))
record("clone_out", clone(x))
ckpt = {"epoch": 3, "model_state_dict": model.state_dict(), "loss": 0.25}
torch.save(ckpt, os.path.join(tmpdir, "ckpt.pth"))
loaded = torch.load(os.path.join(tmpdir, "ckpt.pth"))
record("epoch", loaded["epoch"])
record("loss", loaded["loss"])
clone.load_state_dict(loaded["model_state_dict"])
record("clone_again", clone(x))
partial = {k: v for k, v in model.state_dict().items() if k.startswith("blocks.0")}
r = clone.load_state_dict(partial, strict=False)
record("partial_missing", sorted(r.missing_keys))
try:
    clone.load_state_dict(partial)
except RuntimeError as e:
    record("strict_error", "Missing key(s)" in str(e))
""", tmp_path)


def test_gradient_penalty_with_autograd_grad(tmp_path):
    run_compat("""
rng = np.random.default_rng(0)
torch.manual_seed(0)
critic = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
sync(critic)
real = torch.from_numpy(rng.normal(size=(6, 4)).astype(np.float32))
fake = torch.from_numpy(rng.normal(size=(6, 4)).astype(np.float32))
alpha = torch.from_numpy(rng.uniform(size=(6, 1)).astype(np.float32))
interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
d_interpolates = critic(interpolates)
gradients = torch.autograd.grad(
    outputs=d_interpolates,
    inputs=interpolates,
    grad_outputs=torch.ones_like(d_interpolates),
    create_graph=True,
    retain_graph=True,
    only_inputs=True,
)[0]
gradients = gradients.view(gradients.size(0), -1)
penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean()
record("penalty", penalty)
loss = critic(fake).mean() - critic(real).mean() + 10 * penalty
loss.backward()
record("grads", [p.grad for p in critic.parameters()])
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 3).sum()
(g,) = torch.autograd.grad(y, x, create_graph=True)
(g2,) = torch.autograd.grad(g.sum(), x)
record("g", g)
record("g2", g2)
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
ga, gb = torch.autograd.grad(a * b, [a, b])
record("ga_gb", (ga, gb))
unused = torch.tensor(1.0, requires_grad=True)
record("only_inputs", torch.autograd.grad(a * b, a, only_inputs=True))
record("allow_unused", torch.autograd.grad((a * 2), [a, unused], allow_unused=True)[1] is None)
""", tmp_path)


def test_custom_autograd_function(tmp_path):
    run_compat("""
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input

class ScaleGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.scale, None

class LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias

rng = np.random.default_rng(1)
x = torch.tensor(rng.normal(size=(4, 3)).astype(np.float32), requires_grad=True)
w = torch.tensor(rng.normal(size=(2, 3)).astype(np.float32), requires_grad=True)
b = torch.tensor(rng.normal(size=(2,)).astype(np.float32), requires_grad=True)
relu = MyReLU.apply
y = relu(LinearFunction.apply(x, w, b))
z = ScaleGrad.apply(y, 0.5)
z.sum().backward()
record("y", y)
record("grads", (x.grad, w.grad, b.grad))
record("grad_fn_name", y.grad_fn.name())
record("tensor_repr", repr(y.detach()[:1]))
record("grad_fn_in_repr", "grad_fn=<MyReLUBackward>" in repr(y))
x64 = torch.tensor(rng.normal(size=(3, 2)), requires_grad=True)
w64 = torch.tensor(rng.normal(size=(4, 2)), requires_grad=True)
record("gradcheck", torch.autograd.gradcheck(LinearFunction.apply, (x64, w64), eps=1e-6, atol=1e-4))
""", tmp_path)


def test_init_functions(tmp_path):
    run_compat("""
torch.manual_seed(0)
layer = nn.Linear(50, 40)
conv = nn.Conv2d(3, 16, 3)
nn.init.zeros_(layer.bias)
nn.init.ones_(conv.bias)
nn.init.constant_(layer.weight, 0.3)
record("constant", layer.weight)
record("biases", (layer.bias, conv.bias))
nn.init.eye_(layer.weight)
record("eye", layer.weight)
checks = {}
for name, fn in [("xavier_uniform", nn.init.xavier_uniform_),
                 ("xavier_normal", nn.init.xavier_normal_),
                 ("kaiming_uniform", lambda w: nn.init.kaiming_uniform_(w, a=0.1)),
                 ("kaiming_normal", lambda w: nn.init.kaiming_normal_(w, mode="fan_out",
                                                                  nonlinearity="relu")),
                 ("normal", lambda w: nn.init.normal_(w, mean=0.0, std=0.02)),
                 ("uniform", lambda w: nn.init.uniform_(w, -0.1, 0.1)),
                 ("trunc_normal", lambda w: nn.init.trunc_normal_(w, std=0.02)),
                 ("orthogonal", nn.init.orthogonal_)]:
    with torch.no_grad():
        out = fn(conv.weight)
    record(name + "_returns_same", out is conv.weight)
    record(name + "_requires_grad", conv.weight.requires_grad)
    record(name + "_shape", tuple(conv.weight.shape))
record("gain", nn.init.calculate_gain("leaky_relu", 0.2))
record("gain_tanh", nn.init.calculate_gain("tanh"))

def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.01)
        m.bias.data.fill_(0.0) if False else nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Conv2d):
        nn.init.constant_(m.weight, 0.02)

net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2, 1))
sync(net)
returned = net.apply(init_weights)
record("apply_returns", returned is net)
record("applied", [p for p in net.parameters()])
""", tmp_path)


@pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled")
def test_grad_modes_and_decorators(tmp_path):
    run_compat("""
x = torch.ones(3, requires_grad=True)

@torch.no_grad()
def evaluate(t):
    return t * 2

@torch.no_grad
def evaluate_bare(t):
    return t * 3

record("decorated", evaluate(x).requires_grad)
record("decorated_bare", evaluate_bare(x).requires_grad)
with torch.set_grad_enabled(False):
    record("set_false", (x * 2).requires_grad)
    record("enabled_inside", torch.is_grad_enabled())
is_train = True
with torch.set_grad_enabled(is_train):
    record("set_true", (x * 2).requires_grad)
torch.set_grad_enabled(False)
record("global_off", (x * 2).requires_grad)
torch.set_grad_enabled(True)
record("global_on", (x * 2).requires_grad)
with torch.no_grad():
    with torch.enable_grad():
        record("enable_inside_no_grad", (x * 2).requires_grad)
with torch.inference_mode():
    record("inference", (x * 2).requires_grad)
torch.autograd.set_detect_anomaly(True)
y = (x * x).sum()
y.backward()
torch.autograd.set_detect_anomaly(False)
record("grad", x.grad)
with torch.autograd.detect_anomaly():
    z = (x.exp()).sum()
    z.backward()
record("grad_accumulated", x.grad)
x.grad.zero_()
record("zeroed", x.grad)
d = x.detach()
record("detached", (d.requires_grad, d.is_leaf))
x2 = x.detach().clone().requires_grad_()
record("requires_grad_", x2.requires_grad)
w = torch.ones(2, requires_grad=True)
out = (w * 3).sum()
out.backward(retain_graph=True)
out.backward()
record("twice", w.grad)
h = w * 2
h.retain_grad()
h.sum().backward()
record("retained", h.grad)
""", tmp_path)


def test_random_split_and_dataset_classes(tmp_path):
    run_compat("""
class MyDataset(torch.utils.data.Dataset):
    def __init__(self, n):
        self.x = torch.arange(n * 2, dtype=torch.float32).view(n, 2)
        self.y = torch.arange(n) % 2

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]

ds = MyDataset(10)
train_ds, val_ds = torch.utils.data.random_split(ds, [8, 2])
record("lens", (len(train_ds), len(val_ds)))
record("disjoint", sorted(list(train_ds.indices) + list(val_ds.indices)))
train_ds, val_ds = torch.utils.data.random_split(ds, [0.75, 0.25],
                                                 generator=torch.Generator().manual_seed(1))
record("fraction_lens", (len(train_ds), len(val_ds)))
loader = torch.utils.data.DataLoader(ds, batch_size=4, shuffle=False, drop_last=False)
for xb, yb in loader:
    record("batch", (xb, yb))
record("n_batches", len(loader))
sub = torch.utils.data.Subset(ds, [0, 2, 4])
record("subset", sub[1])
concat = torch.utils.data.ConcatDataset([sub, sub])
record("concat_len", len(concat))
tds = TensorDataset(torch.zeros(3, 2), torch.ones(3))
record("tensors", tds[2])
record("tds_len", len(tds))
dict_loader = DataLoader([{"a": torch.tensor(i), "b": i * 1.5} for i in range(4)], batch_size=2)
for batch in dict_loader:
    record("dict_batch", batch)
tuple_loader = DataLoader([(np.float32(i), i) for i in range(4)], batch_size=4)
for a, b in tuple_loader:
    record("collated", (a, b))
""", tmp_path)
