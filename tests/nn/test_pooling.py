"""Pooling layers and functions against torch: values, indices, input gradients, errors."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close, pair

RNG = np.random.default_rng(0)


def _distinct(shape):
    """Values well apart (no ties), so every max has one winner."""
    n = int(np.prod(shape))
    return (RNG.permutation(n).reshape(shape) * 0.1 - 0.05 * n).astype(np.float32)


def _check(torch, ours_fn, torch_fn, x_array):
    x, tx = pair(torch, x_array)
    out, tout = ours_fn(x), torch_fn(tx)
    outs = out if isinstance(out, tuple) else (out,)
    touts = tout if isinstance(tout, tuple) else (tout,)
    for o, t in zip(outs, touts):
        if t.dtype == torch.int64:
            assert o.dtype == autograd.int64
            np.testing.assert_array_equal(o.numpy(), t.numpy())
        else:
            close(o, t)
    w = RNG.standard_normal(touts[0].shape).astype(np.float32)
    (outs[0] * autograd.tensor(w)).sum().backward()
    (touts[0] * torch.tensor(w)).sum().backward()
    close(x.grad, tx.grad, what="input grad")


MAX2D = [dict(kernel_size=2), dict(kernel_size=3, stride=1), dict(kernel_size=(3, 2), stride=2,
                                                                    padding=1),
         dict(kernel_size=3, stride=2, padding=1, dilation=2),
         dict(kernel_size=2, stride=2, ceil_mode=True), dict(kernel_size=3, stride=2, padding=1,
                                                             ceil_mode=True)]


@pytest.mark.parametrize("kwargs", MAX2D, ids=str)
def test_max_pool2d_matches_torch_with_indices(kwargs):
    torch = need_torch()
    _check(torch, nn.MaxPool2d(return_indices=True, **kwargs),
           torch.nn.MaxPool2d(return_indices=True, **kwargs), _distinct((2, 3, 7, 8)))


def test_max_pool_ties_send_the_gradient_to_the_first_maximum_like_torch():
    torch = need_torch()
    x = np.zeros((1, 1, 4, 4), np.float32)
    x[0, 0, 2:, 2:] = 1.0
    _check(torch, lambda t: F.max_pool2d(t, 2, return_indices=True),
           lambda t: torch.nn.functional.max_pool2d(t, 2, return_indices=True), x)
    _check(torch, lambda t: F.max_pool2d(t, 3, 1, 1), lambda t: torch.nn.functional.max_pool2d(
        t, 3, 1, 1), np.round(RNG.standard_normal((1, 2, 5, 5))).astype(np.float32))


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=3, stride=2,
                                                              padding=1, ceil_mode=True),
                                    dict(kernel_size=2, stride=1, dilation=3)], ids=str)
def test_max_pool1d_matches_torch(kwargs):
    torch = need_torch()
    _check(torch, nn.MaxPool1d(return_indices=True, **kwargs),
           torch.nn.MaxPool1d(return_indices=True, **kwargs), _distinct((2, 3, 11)))


def test_max_pool_unbatched_matches_torch():
    torch = need_torch()
    _check(torch, nn.MaxPool2d(2, return_indices=True), torch.nn.MaxPool2d(2, return_indices=True),
           _distinct((3, 4, 6)))
    _check(torch, nn.MaxPool1d(3), torch.nn.MaxPool1d(3), _distinct((3, 9)))


AVG2D = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
         dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
         dict(kernel_size=(2, 3), stride=(1, 2), divisor_override=5),
         dict(kernel_size=2, ceil_mode=True)]


@pytest.mark.parametrize("kwargs", AVG2D, ids=str)
def test_avg_pool2d_matches_torch(kwargs):
    torch = need_torch()
    _check(torch, nn.AvgPool2d(**kwargs), torch.nn.AvgPool2d(**kwargs),
           RNG.standard_normal((2, 3, 7, 8)).astype(np.float32))


@pytest.mark.parametrize("kwargs", [dict(kernel_size=3), dict(kernel_size=3, stride=2, padding=1,
                                                              ceil_mode=True,
                                                              count_include_pad=False)], ids=str)
def test_avg_pool1d_matches_torch(kwargs):
    torch = need_torch()
    _check(torch, nn.AvgPool1d(**kwargs), torch.nn.AvgPool1d(**kwargs),
           RNG.standard_normal((2, 3, 10)).astype(np.float32))


@pytest.mark.parametrize("size", [(2, 3), 1, (5, 7), (None, 3), (4, 4)], ids=str)
def test_adaptive_avg_pool2d_matches_torch(size):
    torch = need_torch()
    _check(torch, nn.AdaptiveAvgPool2d(size), torch.nn.AdaptiveAvgPool2d(size),
           RNG.standard_normal((2, 3, 8, 9)).astype(np.float32))


@pytest.mark.parametrize("size", [(3, 4), 1, (5, 7), (4, 3)], ids=str)
def test_adaptive_max_pool2d_matches_torch(size):
    torch = need_torch()
    _check(torch, nn.AdaptiveMaxPool2d(size, return_indices=True),
           torch.nn.AdaptiveMaxPool2d(size, return_indices=True), _distinct((2, 3, 8, 9)))


def test_adaptive_1d_pools_match_torch():
    torch = need_torch()
    _check(torch, nn.AdaptiveAvgPool1d(4), torch.nn.AdaptiveAvgPool1d(4),
           RNG.standard_normal((2, 3, 10)).astype(np.float32))
    _check(torch, nn.AdaptiveMaxPool1d(3, return_indices=True),
           torch.nn.AdaptiveMaxPool1d(3, return_indices=True), _distinct((2, 3, 10)))
    _check(torch, nn.AdaptiveAvgPool1d(5), torch.nn.AdaptiveAvgPool1d(5),
           RNG.standard_normal((3, 10)).astype(np.float32))


def test_max_unpool_inverts_max_pool_like_torch():
    torch = need_torch()
    x_array = _distinct((2, 2, 6, 6))
    out, idx = F.max_pool2d(autograd.tensor(x_array), 2, return_indices=True)
    tout, tidx = torch.nn.functional.max_pool2d(torch.tensor(x_array), 2, return_indices=True)
    _check(torch, lambda t: nn.MaxUnpool2d(2)(t, idx),
           lambda t: torch.nn.MaxUnpool2d(2)(t, tidx), out.numpy())
    _check(torch, lambda t: F.max_unpool2d(t, idx, 2, output_size=(7, 7)),
           lambda t: torch.nn.functional.max_unpool2d(t, tidx, 2, output_size=(7, 7)),
           out.numpy())
    x1 = _distinct((2, 7))
    o1, i1 = F.max_pool1d(autograd.tensor(x1), 2, return_indices=True)
    _, ti1 = torch.nn.functional.max_pool1d(torch.tensor(x1), 2, return_indices=True)
    _check(torch, lambda t: nn.MaxUnpool1d(2)(t, i1), lambda t: torch.nn.MaxUnpool1d(2)(t, ti1),
           o1.numpy())


def test_lp_pool_matches_torch():
    torch = need_torch()
    x = np.abs(RNG.standard_normal((2, 3, 6, 7))).astype(np.float32) + 0.1
    _check(torch, nn.LPPool2d(2, 3, stride=2), torch.nn.LPPool2d(2, 3, stride=2), x)
    _check(torch, nn.LPPool1d(3, 2), torch.nn.LPPool1d(3, 2), x[0])


def test_max_pool_gradgradcheck_float64():
    x = autograd.tensor(_distinct((1, 2, 5, 5)).astype(np.float64), requires_grad=True)
    assert autograd.gradcheck(lambda t: F.max_pool2d(t, 3, 2, 1), (x,))
    assert autograd.gradgradcheck(lambda t: F.avg_pool2d(t, 3, 2, 1, ceil_mode=True), (x,))
    assert autograd.gradcheck(lambda t: F.adaptive_max_pool2d(t, (2, 3)), (x,))


def test_pool_errors_name_the_op_and_shapes():
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool2d(autograd.randn(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match=r"max_pool2d: expected a 3-D.*\(4, 4\)"):
        nn.MaxPool2d(2)(autograd.randn(4, 4))
    with pytest.raises(RuntimeError, match="too small"):
        F.avg_pool2d(autograd.randn(1, 1, 2, 2), 3)
    with pytest.raises(ValueError, match="invalid output_size"):
        F.max_unpool2d(autograd.randn(1, 1, 2, 2), autograd.zeros(1, 1, 2, 2,
                                                                   dtype=autograd.int64),
                       2, output_size=(9, 9))


def test_non_overlapping_max_pool_sends_one_gradient_per_window():
    x = autograd.randn(8, 8, 32, 32, requires_grad=True)
    out = F.max_pool2d(x, 2)
    out.sum().backward()
    assert out.shape == (8, 8, 16, 16)
    assert float(x.grad.sum()) == 8 * 8 * 16 * 16
    assert float((x.grad != 0).sum()) == 8 * 8 * 16 * 16


def test_windows_without_finite_values_point_where_torch_points():
    torch = need_torch()
    empty_windows = np.arange(2 * 4).reshape(1, 2, 4, 1).astype(np.float32)
    minus_inf = np.full((1, 1, 3, 3), -np.inf, np.float32)
    for x, args in ((empty_windows, (2, 2, 1, 2)), (minus_inf, (2, 1, 1))):
        out, idx = F.max_pool2d(autograd.tensor(x), *args, return_indices=True)
        tout, tidx = torch.nn.functional.max_pool2d(torch.tensor(x), *args, return_indices=True)
        np.testing.assert_array_equal(out.numpy(), tout.numpy())
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


def test_zero_sized_adaptive_output_is_empty_like_torch():
    torch = need_torch()
    x = RNG.standard_normal((2, 3, 5, 4)).astype(np.float32)
    assert F.adaptive_avg_pool2d(autograd.tensor(x), (3, 0)).shape == \
        tuple(torch.nn.functional.adaptive_avg_pool2d(torch.tensor(x), (3, 0)).shape)


@pytest.mark.parametrize("stride", [2, 1])
def test_nan_inputs_and_inf_gradients_follow_torch(stride):
    torch = need_torch()
    x_array = _distinct((1, 2, 4, 4))
    x_array[0, 0, 0, 1] = np.nan
    x_array[0, 1, 2, 2] = -np.inf
    x, tx = pair(torch, x_array)
    out, idx = F.max_pool2d(x, 2, stride, return_indices=True)
    tout, tidx = torch.nn.functional.max_pool2d(tx, 2, stride, return_indices=True)
    close(out, tout)
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    g = RNG.standard_normal(tout.shape).astype(np.float32)
    g[0, 1, 0, 0] = np.inf
    out.backward(autograd.tensor(g))
    tout.backward(torch.tensor(g))
    close(x.grad, tx.grad)


@pytest.mark.parametrize("kind, args, kwargs", [
    ("MaxPool2d", (3, 1, 1), dict(ceil_mode=True)), ("MaxPool1d", (2,), {}),
    ("AvgPool2d", (3,), dict(stride=2, padding=1)), ("AvgPool1d", (3,), {}),
    ("AdaptiveAvgPool2d", ((2, 3),), {}), ("AdaptiveMaxPool1d", (1,), {}),
    ("MaxUnpool2d", (2,), {}), ("MaxUnpool1d", (3, 2), {}), ("LPPool2d", (2, 3), {})])
def test_module_reprs_match_torch(kind, args, kwargs):
    torch = need_torch()
    assert repr(getattr(nn, kind)(*args, **kwargs)) == repr(getattr(torch.nn, kind)(*args,
                                                                                   **kwargs))
