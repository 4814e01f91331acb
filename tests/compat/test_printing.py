"""print(tensor) gives torch's text (with 'autograd.' where torch writes 'torch.')."""

import numpy as np
import pytest

from tests.compat.harness import run_compat
from tests.helpers.torch_ref import need_torch

TENSORS = [
    "lib.tensor([1.0, 2.5, 3.0])", "lib.tensor([[1, 2], [3, 4]])", "lib.tensor([True, False])",
    "lib.tensor(3.5)", "lib.tensor(3)", "lib.tensor(True)", "lib.tensor([1e-8, 1.0])",
    "lib.tensor([1e10, 1.0])", "lib.tensor([1.0, 2.0], dtype=lib.float64)",
    "lib.tensor([1, 2], dtype=lib.int32)", "lib.zeros(0)", "lib.tensor([], dtype=lib.long)",
    "lib.zeros(2, 0)", "lib.zeros(0, 3, dtype=lib.float64)", "lib.arange(2000.)",
    "lib.arange(2000)", "lib.arange(1200.).view(30, 40) / 7", "lib.arange(3000.).view(10, 10, 30)",
    "lib.ones(2, requires_grad=True)", "lib.ones(2, requires_grad=True) * 2",
    "lib.tensor([float('nan'), float('inf'), -1.5])", "lib.tensor([float('nan'), 1.0, 2.0])",
    "lib.tensor([float('-inf'), 0.0])", "lib.tensor([0.1234567, 12.5])",
    "lib.arange(12.).view(3, 4) / 7", "lib.zeros(2, 3, 4)", "lib.tensor([100000., 1.])",
    "lib.tensor([-0.5, 0.25])", "lib.tensor([[1.5]], dtype=lib.float16)",
    "lib.tensor([70000.0, 1.0], dtype=lib.float16)", "lib.arange(30).view(5, 6)",
    "lib.tensor([1., 2.]).mean(0, keepdim=True)", "lib.tensor([-3, 100, 7])",
    "lib.tensor([1e-5, 3e-5])", "lib.tensor([123456789.0, 1.0])", "lib.tensor([0.0, 0.0])",
    "lib.arange(-12, 13) / 12", "(lib.arange(-12, 13) / 12).view(5, 5).t()",
    "lib.tensor([[True, False], [False, True]])", "lib.tensor([2**40, 1])",
    "lib.ones(3, 4, requires_grad=True).sum()", "lib.tensor([1.0, -2.0], dtype=lib.float64)",
    "lib.tensor([[0.001, 1000.0]])", "lib.arange(24.).view(2, 3, 4) * 1.5",
    "lib.zeros(3, dtype=lib.uint8)", "lib.tensor([-1.0, 1.0]) / 3",
]


def _pair(expr):
    torch = need_torch()
    import autograd

    with np.errstate(all="ignore"):
        ref = repr(eval(expr, {"lib": torch}))
    ours = repr(eval(expr, {"lib": autograd}))
    return ref.replace("torch.", "autograd."), ours


@pytest.mark.parametrize("expr", TENSORS)
def test_tensor_repr_matches_torch(expr):
    ref, ours = _pair(expr)
    assert ours == ref


@pytest.mark.parametrize("options", [
    {"precision": 2}, {"sci_mode": True}, {"sci_mode": False}, {"profile": "short"},
    {"threshold": 5, "edgeitems": 1}, {"linewidth": 30}, {"profile": "full"},
])
def test_set_printoptions_like_torch(options):
    torch = need_torch()
    import autograd

    exprs = ["lib.arange(12.).view(3, 4) / 7", "lib.tensor([1e-6, 1.0])", "lib.arange(1500.)",
             "lib.arange(20)"]
    try:
        torch.set_printoptions(**options)
        autograd.set_printoptions(**options)
        for expr in exprs:
            ref, ours = _pair(expr)
            assert ours == ref, expr
    finally:
        torch.set_printoptions(profile="default")
        autograd.set_printoptions(profile="default")


def test_parameter_and_scalar_formatting(tmp_path):
    from tests.compat.harness import run_compat

    run_compat("""
torch.manual_seed(0)
layer = nn.Linear(2, 2)
sync(layer)
record("param", repr(layer.bias).replace("torch.", "autograd."))
loss = layer(torch.ones(1, 2)).sum()
record("loss_str", f"loss: {loss.item():.4f}")
record("loss_format", f"{loss:.3f}")
record("print_loss", str(loss.detach()))
""", tmp_path)


def test_printed_dtypes(tmp_path):
    run_compat("""
x = torch.zeros(2, 3)
record("dtype", str(x.dtype))
record("dtype_repr", repr(torch.int64))
record("bf16", str(torch.ones(2, dtype=torch.bfloat16)))
record("is_float", (x.dtype.is_floating_point, torch.int64.is_signed, x.dtype.itemsize))
""", tmp_path)


def test_zero_dim_tensors_format_like_python_numbers(tmp_path):
    run_compat("""
loss = torch.tensor(81.0)
record("spec", f"{loss:.4f}")
record("empty", f"{loss}")
record("format", format(loss, ".2f"))
record("int", f"{torch.tensor(3):>5d}")
record("bool", f"{torch.tensor(True)}")
record("vector", f"{torch.tensor([1.0, 2.0])}")
try:
    format(torch.tensor([1.0, 2.0]), ".2f")
except TypeError as exc:
    record("nd_spec", str(exc))
""", tmp_path)
