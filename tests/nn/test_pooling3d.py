"""3-D pooling (max with indices, average, adaptive, unpooling, power-average) and the 3-D
normalisation layers on 5-D input, against torch: values, indices, input gradients; float64
gradchecks; errors."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.layer_check import module_gradcheck, module_parity, random_arrays
from tests.nn.torch_weights import close


def _compare(ours_fn, theirs_fn, shape, seed=0):
    """Run both on the same input; compare outputs (and indices) and the input gradient."""
    torch = need_torch()
    x = random_arrays([shape], seed)[0]
    ox, tx = autograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = ours_fn(ox), theirs_fn(tx)
    if isinstance(tout, tuple):
        assert out[1].dtype == autograd.int64
        np.testing.assert_array_equal(out[1].numpy(), tout[1].numpy())
        out, tout = out[0], tout[0]
    assert tuple(out.shape) == tuple(tout.shape)
    close(out, tout, what="output")
    upstream = np.random.default_rng(seed + 1).standard_normal(tuple(tout.shape))
    (out * autograd.tensor(upstream.astype(np.float32))).sum().backward()
    (tout * torch.tensor(upstream.astype(np.float32))).sum().backward()
    close(ox.grad, tx.grad, what="input grad")


MAX = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3, 2), stride=(1, 2, 2), dilation=(2, 1, 1)),
    dict(kernel_size=2, stride=2, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, dilation=(1, 1, 2)),
]


@pytest.mark.parametrize("kwargs", MAX, ids=str)
def test_max_pool3d_values_indices_grads_match_torch(kwargs):
    torch = need_torch()
    _compare(lambda x: F.max_pool3d(x, return_indices=True, **kwargs),
             lambda x: torch.nn.functional.max_pool3d(x, return_indices=True, **kwargs),
             (2, 2, 5, 6, 7))


def test_max_pool3d_unbatched_module_and_unpool_match_torch():
    torch = need_torch()
    _compare(nn.MaxPool3d(2, return_indices=True), torch.nn.MaxPool3d(2, return_indices=True),
             (3, 4, 5, 4))
    assert repr(nn.MaxPool3d(2)) == repr(torch.nn.MaxPool3d(2))
    x = random_arrays([(1, 2, 4, 4, 4)])[0]
    vals, idx = F.max_pool3d(autograd.tensor(x), 2, return_indices=True)
    tvals, tidx = torch.nn.functional.max_pool3d(torch.tensor(x), 2, return_indices=True)
    close(nn.MaxUnpool3d(2)(vals, idx), torch.nn.MaxUnpool3d(2)(tvals, tidx))


AVG = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=(2, 3, 2), stride=2, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=2, stride=1, padding=1, divisor_override=3),
]


@pytest.mark.parametrize("kwargs", AVG, ids=str)
def test_avg_pool3d_matches_torch(kwargs):
    torch = need_torch()
    _compare(lambda x: F.avg_pool3d(x, **kwargs),
             lambda x: torch.nn.functional.avg_pool3d(x, **kwargs), (2, 2, 5, 6, 7))


def test_avg_pool3d_module_matches_torch():
    torch = need_torch()
    module_parity(nn.AvgPool3d(2, padding=1, count_include_pad=False),
                  torch.nn.AvgPool3d(2, padding=1, count_include_pad=False),
                  random_arrays([(2, 3, 4, 4)]))
    assert repr(nn.AvgPool3d(2)) == repr(torch.nn.AvgPool3d(2))


@pytest.mark.parametrize("size", [2, (3, 2, 4), (None, 3, 1), (2, 5, 3)], ids=str)
def test_adaptive_pool3d_matches_torch(size):
    torch = need_torch()
    _compare(lambda x: F.adaptive_avg_pool3d(x, size),
             lambda x: torch.nn.functional.adaptive_avg_pool3d(x, size), (2, 2, 4, 7, 6))
    _compare(lambda x: F.adaptive_max_pool3d(x, size, return_indices=True),
             lambda x: torch.nn.functional.adaptive_max_pool3d(x, size, return_indices=True),
             (2, 2, 4, 7, 6))


def test_adaptive_pool3d_modules_and_unbatched_match_torch():
    torch = need_torch()
    _compare(nn.AdaptiveAvgPool3d((2, 3, 2)), torch.nn.AdaptiveAvgPool3d((2, 3, 2)), (2, 5, 7, 5))
    _compare(nn.AdaptiveMaxPool3d(3, return_indices=True),
             torch.nn.AdaptiveMaxPool3d(3, return_indices=True), (2, 5, 7, 5))


def test_lp_pool3d_matches_torch():
    torch = need_torch()
    _compare(nn.LPPool3d(2, 2), torch.nn.LPPool3d(2, 2), (1, 2, 4, 5, 4))


def test_gradcheck_float64():
    rng = np.random.default_rng(5)
    x = autograd.tensor(rng.standard_normal((1, 2, 4, 5, 4)), requires_grad=True)
    assert autograd.gradcheck(lambda x: F.max_pool3d(x, 3, 2, 1, ceil_mode=True), (x,))
    assert autograd.gradcheck(lambda x: F.avg_pool3d(x, 3, 2, 1, count_include_pad=False), (x,))
    assert autograd.gradgradcheck(lambda x: F.avg_pool3d(x, 2, 1, 1), (x,))
    assert autograd.gradcheck(lambda x: F.adaptive_avg_pool3d(x, (3, 2, 3)), (x,))
    assert autograd.gradcheck(lambda x: F.adaptive_max_pool3d(x, (3, 2, 3)), (x,))


def test_float32_preserved():
    x = autograd.zeros(1, 1, 4, 4, 4)
    for out in (F.max_pool3d(x, 2), F.avg_pool3d(x, 3, 1, 1, count_include_pad=False),
                F.adaptive_avg_pool3d(x, 3), F.adaptive_max_pool3d(x, 3)):
        assert out.dtype == autograd.float32


def test_norm3d_layers_on_5d_input_match_torch():
    torch = need_torch()
    for kind, kwargs in (("BatchNorm3d", {}), ("InstanceNorm3d", dict(affine=True)),
                         ("InstanceNorm3d", dict(track_running_stats=True))):
        for train in (True, False):
            ours, theirs = getattr(nn, kind)(3, **kwargs), getattr(torch.nn, kind)(3, **kwargs)
            module_parity(ours, theirs, random_arrays([(2, 3, 3, 4, 3)]), train=train)
    assert module_gradcheck(nn.BatchNorm3d(2), random_arrays([(2, 2, 2, 3, 2)]))


def test_errors_name_op_and_shapes():
    with pytest.raises(RuntimeError, match=r"max_pool3d.*4D \(unbatched\) or 5D.*\(4, 4, 4\)"):
        F.max_pool3d(autograd.zeros(4, 4, 4), 2)
    with pytest.raises(RuntimeError, match="avg_pool3d: pad should be at most half"):
        F.avg_pool3d(autograd.zeros(1, 1, 4, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match="max_pool3d.*too small"):
        F.max_pool3d(autograd.zeros(1, 1, 1, 4, 4), 2)
    with pytest.raises(RuntimeError, match="avg_pool3d: divisor must be not zero"):
        F.avg_pool3d(autograd.zeros(1, 1, 4, 4, 4), 2, divisor_override=0)


def test_max_pool3d_ties_nan_and_double_backward_like_torch():
    torch = need_torch()
    x = np.zeros((1, 1, 2, 4, 4), np.float32)
    x[0, 0, 1, 1, 2] = np.nan
    for fn, args in ((F.max_pool3d, (2,)), (F.adaptive_max_pool3d, ((1, 3, 3),))):
        tfn = getattr(torch.nn.functional, fn.__name__)
        vals, idx = fn(autograd.tensor(x), *args, return_indices=True)
        tvals, tidx = tfn(torch.tensor(x), *args, return_indices=True)
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
        np.testing.assert_array_equal(vals.numpy(), tvals.numpy())
    x64 = autograd.tensor(np.random.default_rng(6).standard_normal((1, 1, 3, 4, 4)),
                          requires_grad=True)
    assert autograd.gradgradcheck(lambda x: F.max_pool3d(x, 2, 1, 1), (x64,))
