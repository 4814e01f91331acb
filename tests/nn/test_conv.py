"""Conv1d/Conv2d/ConvTranspose1d/2d and their functional forms against torch with the same
weights: outputs, input and parameter gradients, state_dict keys, errors."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close, close_grads, load_from_torch, pair

RNG = np.random.default_rng(0)


def _check_module(torch, kind, args, kwargs, x_shape, call_kwargs=None):
    autograd.manual_seed(0)
    ours, theirs = getattr(nn, kind)(*args, **kwargs), getattr(torch.nn, kind)(*args, **kwargs)
    load_from_torch(ours, theirs)
    x, tx = pair(torch, RNG.standard_normal(x_shape).astype(np.float32))
    out, tout = ours(x, **(call_kwargs or {})), theirs(tx, **(call_kwargs or {}))
    close(out, tout, what=f"{kind} output")
    w = RNG.standard_normal(tout.shape).astype(np.float32)
    (out * autograd.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    close(x.grad, tx.grad, what=f"{kind} input grad")
    close_grads(ours, theirs)


CONV2D = [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(2, 1), padding=(0, 2), dilation=(1, 2)),
    dict(padding="same", dilation=2),
    dict(padding="valid", bias=False),
    dict(groups=2, padding=1),
    dict(padding=2, padding_mode="reflect"),
    dict(padding=(1, 2), padding_mode="replicate"),
    dict(padding=1, padding_mode="circular", stride=2),
    dict(padding="same", padding_mode="reflect"),
]


@pytest.mark.parametrize("kwargs", CONV2D, ids=str)
def test_conv2d_matches_torch(kwargs):
    _check_module(need_torch(), "Conv2d", (4, 6, 3), kwargs, (2, 4, 7, 8))


def test_conv2d_even_kernel_same_padding_matches_torch():
    _check_module(need_torch(), "Conv2d", (2, 3, (2, 4)), dict(padding="same"), (2, 2, 5, 6))


def test_depthwise_conv2d_matches_torch():
    _check_module(need_torch(), "Conv2d", (4, 8, 3), dict(groups=4, padding=1), (2, 4, 5, 5))


def test_conv2d_unbatched_matches_torch():
    _check_module(need_torch(), "Conv2d", (3, 2, 2), dict(stride=2), (3, 6, 5))


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=2, padding=2, dilation=2),
                                    dict(padding="same", groups=3),
                                    dict(padding=1, padding_mode="circular"),
                                    dict(padding=2, padding_mode="reflect")], ids=str)
def test_conv1d_matches_torch(kwargs):
    _check_module(need_torch(), "Conv1d", (3, 6, 4), kwargs, (2, 3, 9))


def test_conv1d_unbatched_matches_torch():
    _check_module(need_torch(), "Conv1d", (2, 3, 3), {}, (2, 7))


TRANSPOSED = [
    dict(),
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=(2, 3), padding=(1, 0), dilation=(2, 1)),
    dict(groups=2, stride=2, bias=False),
    dict(stride=2, dilation=3, output_padding=2),
]


@pytest.mark.parametrize("kwargs", TRANSPOSED, ids=str)
def test_conv_transpose2d_matches_torch(kwargs):
    _check_module(need_torch(), "ConvTranspose2d", (4, 6, 3), kwargs, (2, 4, 4, 5))


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=3, padding=2, output_padding=1),
                                    dict(groups=2, dilation=2)], ids=str)
def test_conv_transpose1d_matches_torch(kwargs):
    _check_module(need_torch(), "ConvTranspose1d", (4, 2, 3), kwargs, (2, 4, 6))


def test_conv_transpose2d_output_size_matches_torch():
    torch = need_torch()
    _check_module(torch, "ConvTranspose2d", (3, 2, 3), dict(stride=2, padding=1), (1, 3, 4, 4),
                  dict(output_size=(8, 8)))
    _check_module(torch, "ConvTranspose2d", (3, 2, 3), dict(stride=2), (3, 4, 4),
                  dict(output_size=[9, 10]))


def test_conv_transpose_bad_output_size_raises():
    layer = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1)
    with pytest.raises(ValueError, match="valid sizes range from 7 to 8"):
        layer(autograd.randn(1, 3, 4, 4), output_size=(10, 10))


@pytest.mark.parametrize("fn, w_shape, x_shape, kwargs", [
    ("conv2d", (4, 3, 2, 3), (2, 3, 6, 6), dict(stride=2, padding=(1, 0))),
    ("conv2d", (6, 1, 3, 3), (1, 3, 5, 5), dict(groups=3, dilation=2, padding="same")),
    ("conv1d", (4, 3, 2), (2, 3, 6), dict(padding="same")),
    ("conv_transpose2d", (3, 2, 3, 3), (2, 3, 4, 4), dict(stride=2, output_padding=1)),
    ("conv_transpose1d", (3, 4, 2), (1, 3, 5), dict(padding=1, dilation=2)),
])
def test_functional_forms_match_torch(fn, w_shape, x_shape, kwargs):
    torch = need_torch()
    x, tx = pair(torch, RNG.standard_normal(x_shape))
    w, tw = pair(torch, RNG.standard_normal(w_shape))
    bias_len = w_shape[1] * kwargs.get("groups", 1) if "transpose" in fn else w_shape[0]
    b, tb = pair(torch, RNG.standard_normal(bias_len))
    out = getattr(F, fn)(x, w, b, **kwargs)
    tout = getattr(torch.nn.functional, fn)(tx, tw, tb, **kwargs)
    close(out, tout, 1e-10, 1e-8)
    out.sum().backward()
    tout.sum().backward()
    for ours, theirs in ((x, tx), (w, tw), (b, tb)):
        close(ours.grad, theirs.grad, 1e-10, 1e-8)


def test_gradcheck_float64():
    x = autograd.randn(1, 2, 5, 4, dtype=autograd.float64, requires_grad=True)
    w = autograd.randn(4, 1, 2, 3, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(lambda x, w: F.conv2d(x, w, stride=(2, 1), padding=1, groups=2),
                              (x, w))
    wt = autograd.randn(2, 3, 3, 2, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1), (x, wt))
    assert autograd.gradgradcheck(lambda x, w: F.conv2d(x, w, padding=1, groups=2), (x, w))


def test_module_double_runs_in_float64():
    conv = nn.Conv2d(2, 3, 3).double()
    out = conv(autograd.randn(1, 2, 4, 4, dtype=autograd.float64))
    assert out.dtype == autograd.float64 and out.shape == (1, 3, 2, 2)


def test_state_dict_keys_and_shapes_match_torch():
    torch = need_torch()
    for kind, args, kwargs in [("Conv2d", (4, 6, 3), dict(groups=2)),
                               ("Conv1d", (3, 5, 2), dict(bias=False)),
                               ("ConvTranspose2d", (4, 6, (2, 3)), dict(groups=2)),
                               ("ConvTranspose1d", (3, 5, 2), {})]:
        ours, theirs = getattr(nn, kind)(*args, **kwargs), getattr(torch.nn, kind)(*args, **kwargs)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
               [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
        assert repr(ours) == repr(theirs)


def test_initialisation_bounds_follow_fan_in():
    conv = nn.Conv2d(8, 16, 3)
    bound = 1 / np.sqrt(8 * 9)
    assert np.abs(conv.weight.detach().numpy()).max() <= bound
    assert np.abs(conv.bias.detach().numpy()).max() <= bound
    assert np.abs(conv.weight.detach().numpy()).max() > 0.8 * bound


def test_wrong_channel_count_names_layer_and_shapes():
    conv = nn.Conv2d(3, 8, 3)
    with pytest.raises(RuntimeError, match=r"Conv2d: expected input with 3 channels.*"
                                           r"\(5, 28, 28\) with 5 channels"):
        conv(autograd.randn(5, 28, 28))
    with pytest.raises(RuntimeError, match=r"Conv2d: expected a 3D \(unbatched\) or 4D.*"
                                           r"\(28, 28\)"):
        conv(autograd.randn(28, 28))
    with pytest.raises(RuntimeError, match=r"conv1d: given groups=1, weight of shape \(4, 2, 3\)"
                                           r", expected input \(1, 3, 9\) to have 2 channels"):
        F.conv1d(autograd.randn(1, 3, 9), autograd.randn(4, 2, 3))


def test_kernel_larger_than_input_raises():
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        nn.Conv2d(1, 1, 5)(autograd.randn(1, 1, 3, 3))


def test_constructor_errors_like_torch():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 6, 3, groups=2)
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        nn.Conv1d(3, 6, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="Invalid padding string 'full'"):
        nn.Conv2d(3, 6, 3, padding="full")
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(3, 6, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported'):
        nn.ConvTranspose2d(3, 6, 3, padding_mode="reflect")



def test_conv_transpose_too_small_output_raises_like_torch():
    x, w = autograd.randn(1, 2, 2, 2), autograd.randn(2, 1, 4, 1)
    with pytest.raises(RuntimeError, match=r"calculated output size \(5, 0\) is too small"):
        F.conv_transpose2d(x, w, padding=(0, 1))


def test_unfold_fold_modules_match_torch():
    torch = need_torch()
    x, tx = pair(torch, RNG.standard_normal((2, 3, 5, 6)).astype(np.float32))
    ours, theirs = nn.Unfold((2, 3), padding=1, stride=2), torch.nn.Unfold((2, 3), padding=1,
                                                                            stride=2)
    cols, tcols = ours(x), theirs(tx)
    close(cols, tcols)
    fold, tfold = nn.Fold((5, 6), (2, 3), padding=1, stride=2), torch.nn.Fold((5, 6), (2, 3),
                                                                               padding=1, stride=2)
    out, tout = fold(cols), tfold(tcols)
    close(out, tout)
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    close(x.grad, tx.grad)
    assert repr(ours) == repr(theirs) and repr(fold) == repr(tfold)
