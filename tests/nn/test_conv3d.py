"""Conv3d / ConvTranspose3d and F.conv3d / F.conv_transpose3d against torch with the same weights
(outputs, input and parameter gradients, state_dict keys), float64 gradchecks and errors."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.layer_check import module_gradcheck, module_parity, random_arrays
from tests.nn.torch_weights import close, load_from_torch


def _parity(kind, args, kwargs, x_shape):
    torch = need_torch()
    autograd.manual_seed(0)
    ours, theirs = getattr(nn, kind)(*args, **kwargs), getattr(torch.nn, kind)(*args, **kwargs)
    module_parity(ours, theirs, random_arrays([x_shape]))


CONV3D = [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(2, 1, 1), padding=(0, 1, 2), dilation=(1, 2, 1)),
    dict(padding="same", dilation=(1, 2, 1)),
    dict(padding="valid", bias=False),
    dict(groups=2, padding=1),
    dict(padding=1, padding_mode="reflect"),
    dict(padding=(1, 0, 1), padding_mode="replicate"),
    dict(padding=1, padding_mode="circular", stride=2),
]


@pytest.mark.parametrize("kwargs", CONV3D, ids=str)
def test_conv3d_matches_torch(kwargs):
    _parity("Conv3d", (2, 4, 3), kwargs, (2, 2, 5, 6, 5))


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
def test_conv3d_unbatched_and_even_same_kernel_match_torch():
    _parity("Conv3d", (2, 3, 2), dict(stride=2), (2, 5, 4, 5))
    _parity("Conv3d", (2, 2, (2, 3, 2)), dict(padding="same"), (1, 2, 4, 5, 4))


CONVT3D = [
    dict(),
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=(1, 2, 2), padding=(0, 1, 0), dilation=(2, 1, 1), bias=False),
    dict(groups=2, stride=2),
]


@pytest.mark.parametrize("kwargs", CONVT3D, ids=str)
def test_conv_transpose3d_matches_torch(kwargs):
    _parity("ConvTranspose3d", (2, 4, 3), kwargs, (2, 2, 3, 4, 3))


def test_conv_transpose3d_output_size_and_unbatched_match_torch():
    torch = need_torch()
    autograd.manual_seed(0)
    ours, theirs = nn.ConvTranspose3d(2, 3, 3, stride=2), torch.nn.ConvTranspose3d(2, 3, 3,
                                                                                    stride=2)
    load_from_torch(ours, theirs)
    x = random_arrays([(1, 2, 3, 3, 3)])[0]
    out = ours(autograd.tensor(x), output_size=(8, 7, 8))
    tout = theirs(torch.tensor(x), output_size=(8, 7, 8))
    assert tuple(out.shape) == (1, 3, 8, 7, 8)
    close(out, tout)
    _parity("ConvTranspose3d", (2, 3, 2), dict(stride=2), (2, 3, 2, 3))


def test_functional_forms_match_torch():
    torch = need_torch()
    x, w, b = random_arrays([(2, 4, 4, 5, 4), (6, 2, 2, 3, 2), (6,)])
    ours = F.conv3d(autograd.tensor(x), autograd.tensor(w), autograd.tensor(b), stride=(1, 2, 1),
                    padding=1, dilation=(2, 1, 1), groups=2)
    theirs = torch.nn.functional.conv3d(torch.tensor(x), torch.tensor(w), torch.tensor(b),
                                        stride=(1, 2, 1), padding=1, dilation=(2, 1, 1), groups=2)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-4, atol=1e-5)
    wt = random_arrays([(4, 3, 2, 2, 3)], seed=1)[0]
    ours = F.conv_transpose3d(autograd.tensor(x), autograd.tensor(wt), stride=2, padding=(0, 1, 1),
                              output_padding=(1, 0, 1))
    theirs = torch.nn.functional.conv_transpose3d(torch.tensor(x), torch.tensor(wt), stride=2,
                                                  padding=(0, 1, 1), output_padding=(1, 0, 1))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-4, atol=1e-5)
    assert ours.dtype == autograd.float32


def test_gradcheck_float64():
    rng = np.random.default_rng(3)
    x = autograd.tensor(rng.standard_normal((1, 2, 3, 4, 3)), requires_grad=True)
    w = autograd.tensor(rng.standard_normal((2, 1, 2, 2, 2)), requires_grad=True)
    assert autograd.gradcheck(lambda x, w: F.conv3d(x, w, stride=(1, 2, 1), padding=1, groups=2),
                              (x, w))
    assert autograd.gradcheck(lambda x, w: F.conv_transpose3d(x, w, stride=2, padding=1), (x, w))
    assert autograd.gradgradcheck(lambda x, w: F.conv3d(x, w, groups=2), (x, w))
    layer = nn.Conv3d(2, 2, 2, padding=1, padding_mode="reflect")
    assert module_gradcheck(layer, [rng.standard_normal((1, 2, 2, 3, 2))])


def test_state_dict_keys_and_shapes_match_torch():
    torch = need_torch()
    for kind, args in (("Conv3d", (4, 6, (1, 2, 3))), ("ConvTranspose3d", (4, 6, (1, 2, 3)))):
        ours = getattr(nn, kind)(*args, groups=2)
        theirs = getattr(torch.nn, kind)(*args, groups=2)
        assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
            {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
        assert repr(ours) == repr(theirs)


def test_errors_name_layer_and_shapes():
    layer = nn.Conv3d(3, 4, 2)
    with pytest.raises(RuntimeError, match=r"Conv3d.*3 channels.*\(2, 2, 4, 4, 4\)"):
        layer(autograd.zeros(2, 2, 4, 4, 4))
    with pytest.raises(RuntimeError, match="Conv3d.*4D .*5D"):
        layer(autograd.zeros(3, 4, 4))
    with pytest.raises(RuntimeError, match="conv3d.*Kernel size can't be greater"):
        F.conv3d(autograd.zeros(1, 1, 1, 4, 4), autograd.zeros(1, 1, 2, 2, 2))
    with pytest.raises(ValueError, match="padding mode"):
        nn.ConvTranspose3d(2, 2, 2, padding_mode="reflect")
