"""nn.Module API idioms: freezing, hooks, deepcopy, dtype casts, named_modules, in-place updates."""

from tests.compat.harness import run_compat

SETUP = """
import copy
rng = np.random.default_rng(0)
X = torch.from_numpy(rng.normal(size=(8, 5)).astype(np.float32))
y = torch.from_numpy(rng.integers(0, 2, size=8))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(5, 6), nn.ReLU(), nn.Linear(6, 4), nn.ReLU())
        self.classifier = nn.Linear(4, 2)

    def forward(self, x):
        return self.classifier(self.features(x))

torch.manual_seed(0)
model = Net()
sync(model)
"""


def test_freeze_and_finetune(tmp_path):
    run_compat(SETUP + """
for param in model.features.parameters():
    param.requires_grad = False
trainable = filter(lambda p: p.requires_grad, model.parameters())
optimizer = optim.SGD(trainable, lr=0.1)
before = model.features[0].weight.clone()
for _ in range(2):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    optimizer.step()
record("frozen_unchanged", torch.equal(before, model.features[0].weight))
record("frozen_grad_none", model.features[0].weight.grad is None)
record("classifier", model.classifier.weight)
model.requires_grad_(True)
record("unfrozen", all(p.requires_grad for p in model.parameters()))
model.features.requires_grad_(False)
record("count_trainable", sum(p.numel() for p in model.parameters() if p.requires_grad))
model.classifier.reset_parameters()
record("reset_shape", tuple(model.classifier.weight.shape))
""", tmp_path)


def test_hooks_and_named_modules(tmp_path):
    run_compat(SETUP + """
activations = {}

def get_activation(name):
    def hook(module, inp, output):
        activations[name] = output.detach()
    return hook

handle = model.features[1].register_forward_hook(get_activation("relu1"))
out = model(X)
record("act", activations["relu1"])
handle.remove()
activations.clear()
model(X)
record("removed", len(activations))
grads = []
h = model.classifier.register_full_backward_hook(lambda m, gi, go: grads.append(go[0].clone()))
F.cross_entropy(model(X), y).backward()
h.remove()
record("grad_out", grads[0])
pre = model.classifier.register_forward_pre_hook(lambda m, inp: (inp[0] * 0,))
record("pre_hook_out", model(X))
pre.remove()
tensor_grads = []
t = X.clone().requires_grad_(True)
t.register_hook(lambda g: tensor_grads.append(g))
model(t).sum().backward()
record("tensor_hook", tensor_grads[0])
record("named_modules", [name for name, _ in model.named_modules()])
record("named_children", [name for name, _ in model.named_children()])
record("types", [type(m).__name__ for m in model.modules()])
record("get_submodule", repr(model.get_submodule("features.2")))
record("param_names", [n for n, p in model.named_parameters() if "weight" in n])
record("training", (model.training, model.features[0].training))
model.eval()
record("eval_training", (model.training, model.features[0].training))
model.train(False)
record("train_false", model.training)
""", tmp_path)


def test_deepcopy_and_dtype_casts(tmp_path):
    run_compat(SETUP + """
best_model_wts = copy.deepcopy(model.state_dict())
twin = copy.deepcopy(model)
opt = optim.SGD(model.parameters(), lr=0.5)
F.cross_entropy(model(X), y).backward()
opt.step()
record("twin_untouched", twin(X))
model.load_state_dict(best_model_wts)
record("restored", model(X))
dbl = copy.deepcopy(model).double()
record("double_out", dbl(X.double()))
record("double_dtype", next(dbl.parameters()).dtype == torch.float64)
f64 = copy.deepcopy(model).to(torch.float64)
record("to_dtype", f64.classifier.bias.dtype == torch.float64)
back = f64.float()
record("float_back", back(X))
record("zero_grad", model.zero_grad() is None)
record("grads_after_zero", [p.grad is None for p in model.parameters()])
sd = model.state_dict()
record("sd_type", type(sd).__name__)
record("sd_requires_grad", any(v.requires_grad for v in sd.values()))
sd["classifier.bias"].add_(1.0)
record("sd_shares", model.classifier.bias)
record("keep_vars", model.state_dict(keep_vars=True)["classifier.bias"].requires_grad)
""", tmp_path)


def test_inplace_and_manual_updates(tmp_path):
    run_compat(SETUP + """
with torch.no_grad():
    for p in model.parameters():
        p.mul_(0.5)
        p.add_(0.01)
        p.clamp_(-0.3, 0.3)
record("params", list(model.parameters()))
x = torch.zeros(5)
x[2] += 1
x[torch.tensor([0, 4])] = 3.0
x.add_(torch.ones(5), alpha=2)
x.sub_(1).div_(2)
record("x", x)
counts = torch.zeros(3, dtype=torch.long)
for label in [0, 2, 2, 1]:
    counts[label] += 1
record("counts", counts)
m = torch.ones(2, 3)
m.masked_fill_(m > 0, 5.0)
m.index_fill_(1, torch.tensor([0]), -1.0)
m.fill_diagonal_(0.0)
record("m", m)
z = torch.zeros(3, 4)
z.scatter_(1, torch.tensor([[0], [1], [3]]), 1.0)
record("scatter_onehot", z)
acc = torch.zeros(4)
acc.index_add_(0, torch.tensor([0, 0, 3]), torch.tensor([1.0, 2.0, 3.0]))
record("index_add", acc)
e = torch.empty(2, 2).uniform_(0, 0)
record("uniform_zero", e)
c = torch.arange(4.0)
c.copy_(torch.tensor([9.0, 8.0, 7.0, 6.0]))
c.zero_()
record("copy_zero", c)
""", tmp_path)


def test_numpy_style_kwargs(tmp_path):
    run_compat(SETUP + """
record("std_keepdim", X.std(dim=1, keepdim=True))
record("sum_dtype", torch.sum(y, dtype=torch.float32))
record("mean_float", torch.mean(y.float()))
record("max_item", X.max().item())
record("abs_max", X.abs().max(dim=0)[1])
record("cumsum_dim", torch.cumsum(y, dim=0))
record("normalize", F.normalize(X, p=2, dim=1))
record("cosine", F.cosine_similarity(X[:4], X[4:], dim=1))
record("pdist", F.pairwise_distance(X[:4], X[4:]))
record("x_t_matmul", torch.matmul(X.t(), X))
record("type_as", y.type_as(X))
record("to_other", y.to(X))
record("to_other_dtype", y.to(X.dtype))
record("round_decimals", torch.round(X, decimals=2))
record("square", torch.square(X))
record("lerp", torch.lerp(X, torch.zeros_like(X), 0.25))
""", tmp_path)
