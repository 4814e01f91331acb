"""The torch-level names GPU-ready scripts reach for: torch.cuda, torch.backends, is_tensor, ..."""

import pytest

from tests.compat.harness import run_compat


def test_cpu_only_device_setup(tmp_path):
    run_compat("""
torch.manual_seed(42)
torch.cuda.manual_seed_all(42)
torch.cuda.manual_seed(42)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
use_cuda = torch.cuda.is_available()
device = torch.device("cuda:0" if use_cuda else "cpu")
record("use_cuda", use_cuda)
record("count", torch.cuda.device_count())
record("mps", torch.backends.mps.is_available())
record("device_type", device.type)
model = nn.Linear(3, 2).to(device)
sync(model)
x = torch.ones(4, 3, device=device)
record("out", model(x.to(device)))
record("param_device", str(next(model.parameters()).device))
record("out_cpu", model(x).cpu().detach().numpy())
""", tmp_path)


def test_tensor_queries(tmp_path):
    run_compat("""
x = torch.arange(6).view(2, 3)
f = torch.zeros(2, 2)
record("is_tensor", [torch.is_tensor(v) for v in (x, f, 1, [1], np.zeros(1), nn.Parameter(f))])
record("numel", (torch.numel(x), torch.numel(f), torch.numel(torch.tensor(1.0))))
record("is_floating_point", (torch.is_floating_point(x), torch.is_floating_point(f)))
record("is_nonzero", (torch.is_nonzero(torch.tensor([1])), torch.is_nonzero(torch.tensor(0.0))))
for bad in (torch.zeros(0), torch.zeros(2)):
    try:
        torch.is_nonzero(bad)
    except RuntimeError as e:
        record("is_nonzero_error", "ambiguous" in str(e))
try:
    torch.numel([1, 2])
except TypeError:
    record("numel_list", "TypeError")
""", tmp_path)


def test_new_factories_keep_dtype(tmp_path):
    run_compat("""
f = torch.tensor([1.5, 2.5], dtype=torch.float64)
i = torch.tensor([1, 2])
record("new_zeros", (f.new_zeros(2, 3), f.new_zeros((3,)), i.new_zeros([2])))
record("new_ones", (f.new_ones(2), i.new_ones(1, 2), f.new_ones(2, dtype=torch.float32)))
record("new_full", (f.new_full((2,), 3), i.new_full((2, 2), 7)))
record("new_tensor", (f.new_tensor([1, 2]), i.new_tensor([0.5]), f.new_tensor(3)))
record("new_empty_shape", tuple(f.new_empty(4, 1).shape))
record("new_empty_dtype", f.new_empty(4, 1).dtype == torch.float64)
leaf = f.new_zeros(2, requires_grad=True)
record("leaf", (leaf.requires_grad, leaf.is_leaf))
record("new_tensor_leaf", f.new_tensor([1.0], requires_grad=True).is_leaf)
""", tmp_path)


def test_bincount(tmp_path):
    run_compat("""
labels = torch.tensor([0, 1, 1, 3, 3, 3])
counts = torch.bincount(labels)
record("counts", counts)
record("minlength", labels.bincount(minlength=6))
record("weights", torch.bincount(labels, weights=torch.linspace(0, 1, 6)))
record("weights64", torch.bincount(labels, weights=torch.ones(6, dtype=torch.float64)))
class_weights = counts.sum() / (len(counts) * counts.clamp(min=1).float())
record("class_weights", class_weights)
for bad in (torch.tensor([[0, 1]]), torch.tensor([-1, 2])):
    try:
        torch.bincount(bad)
    except RuntimeError as e:
        record("error", "1-d non-negative integral" in str(e))
""", tmp_path)


def test_cdist_values_and_gradients(tmp_path):
    run_compat("""
rng = np.random.default_rng(3)
a = torch.tensor(rng.normal(size=(2, 4, 3)).astype(np.float32), requires_grad=True)
b = torch.tensor(rng.normal(size=(2, 5, 3)).astype(np.float32), requires_grad=True)
for p in (2.0, 1.0, 3.0):
    d = torch.cdist(a, b, p=p)
    (d * torch.arange(5.0)).sum().backward()
    record(f"d{p}", d)
    record(f"grad_a{p}", a.grad)
    record(f"grad_b{p}", b.grad)
    a.grad = None
    b.grad = None
same = torch.tensor([[1.0, 2.0], [1.0, 2.0]], requires_grad=True)
torch.cdist(same, same).sum().backward()
record("zero_distance_grad", same.grad)
try:
    torch.cdist(a, torch.zeros(5, 2))
except RuntimeError as e:
    record("columns", "same number of columns" in str(e))
""", tmp_path)


def test_cuda_synchronize_refuses():
    import autograd

    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        autograd.cuda.synchronize()


def test_legacy_variable(tmp_path):
    run_compat("""
Variable = torch.autograd.Variable
t = torch.ones(2)
v = Variable(t)
record("plain", (v is t, v.requires_grad, v.is_leaf))
w = Variable(t, requires_grad=True)
record("leaf", (w.requires_grad, w.is_leaf))
(w * 3).sum().backward()
record("grad", w.grad)
record("isinstance", (isinstance(t, Variable), isinstance(w, torch.Tensor),
                     isinstance(1.0, Variable)))
y = Variable(torch.ones(2, requires_grad=True) * 2)
record("detached", (y.requires_grad, y.grad_fn is None))
try:
    Variable([1.0, 2.0])
except TypeError as e:
    record("error", str(e))
""", tmp_path)


def test_type_promotion_queries(tmp_path):
    run_compat("""
record("promote", [torch.promote_types(a, b) == torch.promote_types(b, a) for a, b in
                   [(torch.int32, torch.float32), (torch.int64, torch.int32)]])
record("promote_values", (torch.promote_types(torch.int32, torch.float32) == torch.float32,
                          torch.promote_types(torch.int32, torch.int64) == torch.int64,
                          torch.promote_types(torch.float16, torch.float64) == torch.float64))
record("result_type", (torch.result_type(torch.tensor([1]), 1.0) == torch.float32,
                       torch.result_type(torch.tensor([1.0]), torch.tensor(2.0,
                                         dtype=torch.float64)) == torch.float32,
                       torch.result_type(torch.tensor([1]), torch.tensor([1.0],
                                         dtype=torch.float64)) == torch.float64))
record("is_complex", torch.is_complex(torch.ones(2)))
""", tmp_path)
