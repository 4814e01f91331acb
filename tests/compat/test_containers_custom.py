"""Custom Module patterns: layer lists built in loops, ParameterList/Dict, register_parameter,
extra_repr, nested state_dict keys, and a module holding another model's pieces."""

from tests.compat.harness import run_compat


def test_dynamic_layers_and_extra_repr(tmp_path):
    run_compat("""
class Scale(nn.Module):
    def __init__(self, n, init=1.0):
        super().__init__()
        self.n = n
        self.register_parameter("gamma", nn.Parameter(torch.full((n,), init)))
        self.register_parameter("unused", None)

    def forward(self, x):
        return x * self.gamma

    def extra_repr(self):
        return f"n={self.n}"

class DeepMLP(nn.Module):
    def __init__(self, sizes, dropout=0.0):
        super().__init__()
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers += [nn.BatchNorm1d(b), nn.ReLU(), nn.Dropout(dropout)]
        self.net = nn.Sequential(*layers)
        self.scales = nn.ModuleList()
        for n in sizes[1:]:
            self.scales.append(Scale(n))
        self.extra = nn.ParameterList([nn.Parameter(torch.zeros(2)) for _ in range(2)])
        self.table = nn.ParameterDict({"a": nn.Parameter(torch.ones(3))})
        self.empty = nn.Module()

    def forward(self, x):
        return self.scales[-1](self.net(x))

torch.manual_seed(0)
model = DeepMLP([4, 8, 6, 3])
sync(model)
x = torch.from_numpy(np.linspace(-1, 1, 20, dtype=np.float32).reshape(5, 4))
out = model(x)
record("out", out)
record("repr", repr(model))
record("keys", list(model.state_dict().keys()))
record("n_params", len(list(model.parameters())))
record("top_params", [n for n, _ in model.named_parameters(recurse=False)])
record("scale_repr", repr(model.scales[0]))
record("slice", repr(model.net[:2]))
record("neg_index", repr(model.net[-1]))
record("modulelist_len", len(model.scales))
record("iter", [type(m).__name__ for m in model.net])
record("params_requires_grad", all(p.requires_grad for p in model.parameters()))
record("getattr_param", model.scales[1].gamma)
record("unused", model.scales[0].unused is None)
record("contains", "net" in dict(model.named_children()))
out.sum().backward()
record("gamma_grad", model.scales[2].gamma.grad)
model.scales.extend([Scale(1)])
model.scales.insert(0, Scale(2, init=0.5))
record("after_insert", [s.n for s in model.scales])
del model.scales[0]
record("after_del", [s.n for s in model.scales])
""", tmp_path)


def test_module_composition_and_parameter_sharing(tmp_path):
    run_compat("""
torch.manual_seed(0)
shared = nn.Linear(3, 3)
class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = shared
        self.b = shared
        self.emb = nn.Embedding(5, 3)
        self.dec = nn.Linear(3, 5, bias=False)
        self.dec.weight = self.emb.weight

    def forward(self, idx):
        h = self.b(self.a(self.emb(idx)))
        return self.dec(h)

model = Tied()
sync(model)
idx = torch.tensor([0, 3, 4])
out = model(idx)
record("out", out)
record("n_unique_params", len(list(model.parameters())))
record("keys", list(model.state_dict().keys()))
record("named_params", [n for n, _ in model.named_parameters()])
record("tied", model.dec.weight is model.emb.weight)
out.pow(2).mean().backward()
record("emb_grad", model.emb.weight.grad)
record("shared_grad", shared.weight.grad)
record("n_modules", len(list(model.modules())))
""", tmp_path)
