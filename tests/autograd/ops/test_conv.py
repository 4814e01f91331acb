"""unfold / fold beyond the op table: adjointness, argument errors, and conv as unfold + matmul."""

import numpy as np
import pytest

import autograd
from autograd.ops.conv import fold, fold1d, unfold, unfold1d
from tests.helpers.torch_ref import need_torch

GEOMETRIES = [
    dict(kernel_size=(2, 3), dilation=1, padding=0, stride=1),
    dict(kernel_size=3, dilation=(2, 1), padding=(1, 2), stride=(2, 1)),
    dict(kernel_size=(1, 4), dilation=1, padding=1, stride=3),
]


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_fold_is_the_adjoint_of_unfold(geometry, rng):
    x = autograd.tensor(rng.standard_normal((2, 3, 7, 8)))
    cols = unfold(x, **geometry)
    y = autograd.tensor(rng.standard_normal(cols.shape))
    lhs = float((unfold(x, **geometry) * y).sum())
    rhs = float((x * fold(y, (7, 8), **geometry)).sum())
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_fold1d_is_the_adjoint_of_unfold1d():
    rng = np.random.default_rng(1)
    x = autograd.tensor(rng.standard_normal((2, 3, 11)))
    cols = unfold1d(x, 3, dilation=2, padding=1, stride=2)
    y = autograd.tensor(rng.standard_normal(cols.shape))
    lhs = float((cols * y).sum())
    rhs = float((x * fold1d(y, 11, 3, dilation=2, padding=1, stride=2)).sum())
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_conv_as_unfold_matmul_matches_torch_conv2d():
    torch = need_torch()
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 9, 8))
    w = rng.standard_normal((4, 3, 3, 2))
    cols = unfold(autograd.tensor(x), (3, 2), padding=1, stride=2)
    ours = (autograd.tensor(w).reshape(4, -1) @ cols).reshape(2, 4, 5, 5)
    theirs = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1, stride=2)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)


def test_float32_windows_stay_float32():
    x = autograd.zeros(1, 2, 5, 5)
    cols = unfold(x, 3)
    assert cols.dtype == autograd.float32
    assert fold(cols, (5, 5), 3).dtype == autograd.float32


def test_double_backward_goes_through_unfold_and_fold():
    x = autograd.randn(1, 1, 4, 4, dtype=autograd.float64, requires_grad=True)
    y = (unfold(x, 2) ** 2).sum()
    (g,) = autograd.grad(y, x, create_graph=True)
    (gg,) = autograd.grad(g.sum(), x)
    counts = fold(unfold(autograd.ones(1, 1, 4, 4, dtype=autograd.float64), 2), (4, 4), 2)
    np.testing.assert_allclose(gg.numpy(), 2 * counts.numpy())


@pytest.mark.parametrize("call, message", [
    (lambda: unfold(autograd.zeros(1, 2, 3, 3), 5), "kernel is larger than the padded input"),
    (lambda: unfold(autograd.zeros(2, 3), 2), "expected 3D (unbatched) or 4D"),
    (lambda: unfold(autograd.zeros(1, 1, 3, 3), 2, stride=0), "stride should be greater than"),
    (lambda: unfold(autograd.zeros(1, 1, 3, 3), 2, padding=-1), "padding should be non-negative"),
    (lambda: unfold(autograd.zeros(1, 1, 3, 3), 0), "kernel size should be greater than zero"),
    (lambda: unfold(autograd.zeros(1, 1, 3, 3), 2, dilation=0), "dilation should be greater"),
    (lambda: unfold(autograd.zeros(1, 1, 3, 3), (2, 2, 2)), "tuple of 2 ints"),
    (lambda: fold(autograd.zeros(1, 8, 10), (4, 5), 2), "sliding blocks 3 * 4 = 12"),
    (lambda: fold(autograd.zeros(1, 7, 12), (4, 5), 2), "divisible by the product of kernel"),
    (lambda: fold(autograd.zeros(1, 2, 3, 4), (4, 5), 2), "expected 2D (unbatched) or 3D"),
    (lambda: unfold1d(autograd.zeros(1, 2, 3), 4), "fold1d: given input with spatial size"),
    (lambda: fold1d(autograd.zeros(1, 6, 4), 7, 3), "sliding blocks 1 * 5 = 5"),
])
def test_bad_arguments_name_the_op_and_shapes(call, message):
    with pytest.raises((RuntimeError, ValueError)) as err:
        call()
    assert message in str(err.value)
    assert "fold" in str(err.value)
