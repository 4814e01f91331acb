"""Fused ops beyond the op table: non-finite rows like torch, double backward of the fused
cross-entropy and layer norm, and clear errors."""

import numpy as np
import pytest

import autograd
from autograd.ops.fused import cross_entropy_indices, linear
from tests.helpers.torch_ref import need_torch, torch


@pytest.mark.parametrize("row", [[np.inf, 1.0], [-np.inf, -np.inf], [-np.inf, 1.0]])
def test_non_finite_rows_match_torch(row):
    need_torch()
    a, t = autograd.tensor(row), torch.tensor(row)
    np.testing.assert_array_equal(autograd.softmax(a, 0).numpy(), torch.softmax(t, 0).numpy())
    np.testing.assert_array_equal(autograd.log_softmax(a, 0).numpy(),
                                  torch.log_softmax(t, 0).numpy())


def test_cross_entropy_double_backward_matches_torch():
    need_torch()
    x = np.random.default_rng(0).standard_normal((4, 3))
    target = [2, 0, 1, 1]
    ours = autograd.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    (g,) = autograd.grad(cross_entropy_indices(ours, autograd.tensor(target)), ours,
                         create_graph=True)
    (tg,) = torch.autograd.grad(torch.nn.functional.cross_entropy(theirs, torch.tensor(target)),
                                theirs, create_graph=True)
    (gg,) = autograd.grad((g * g).sum(), ours)
    (tgg,) = torch.autograd.grad((tg * tg).sum(), theirs)
    np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-6, atol=1e-10)


def test_float32_stays_float32_through_backward():
    x = autograd.randn(5, 8, requires_grad=True)
    w = autograd.ones(8, requires_grad=True)
    loss = autograd.layer_norm(x, (8,), w).log_softmax(1).sum()
    loss.backward()
    assert loss.dtype == autograd.float32
    assert x.grad.dtype == autograd.float32 and w.grad.dtype == autograd.float32


def test_linear_weight_gradient_is_contiguous():
    x = autograd.randn(6, 4)
    w = autograd.randn(3, 4, requires_grad=True)
    linear(x, w).sum().backward()
    assert w.grad.numpy().flags.c_contiguous


def test_bad_arguments_name_the_op():
    with pytest.raises(RuntimeError, match="layer_norm: Given normalized_shape"):
        autograd.layer_norm(autograd.randn(3, 4), (5,))
    with pytest.raises(RuntimeError, match="layer_norm: weight"):
        autograd.layer_norm(autograd.randn(3, 4), (4,), autograd.ones(3))
    with pytest.raises(RuntimeError, match="softmax: expected a floating point input"):
        autograd.softmax(autograd.tensor([1, 2]), 0)
    with pytest.raises(IndexError, match="log_softmax"):
        autograd.log_softmax(autograd.randn(3), 1)
    with pytest.raises(RuntimeError, match="linear: expected float input"):
        linear(autograd.randn(3, 4), autograd.randn(5, 3))
    with pytest.raises(RuntimeError, match="cross_entropy_indices"):
        cross_entropy_indices(autograd.randn(3, 4), autograd.tensor([0.5, 1.0, 2.0]))
