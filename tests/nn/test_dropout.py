"""Dropout layers: inverted scaling, channel masks, eval identity, validation, seeding."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch


def test_dropout_is_inverted_and_keeps_the_mean():
    autograd.manual_seed(0)
    x = autograd.ones(200, 500)
    out = nn.Dropout(0.3)(x).numpy()
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 0.01
    assert abs(out.mean() - 1.0) < 0.02


def test_dropout_eval_and_p_zero_are_identity():
    x = autograd.randn(4, 5)
    layer = nn.Dropout(0.5).eval()
    assert layer(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert F.dropout(x, 0.5, training=False) is x


def test_dropout_p_one_zeroes_everything():
    x = autograd.randn(3, 4, requires_grad=True)
    out = nn.Dropout(1.0)(x)
    assert not np.any(out.detach().numpy())
    out.sum().backward()
    assert not np.any(x.grad.numpy())


def test_dropout_gradient_is_the_mask_scaled():
    autograd.manual_seed(1)
    x = autograd.ones(50, 50, requires_grad=True)
    out = F.dropout(x, 0.4)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), out.detach().numpy())


def test_dropout_follows_manual_seed():
    autograd.manual_seed(5)
    a = F.dropout(autograd.ones(100)).numpy().copy()
    autograd.manual_seed(5)
    np.testing.assert_array_equal(a, F.dropout(autograd.ones(100)).numpy())


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_probability_is_validated(p):
    for cls in (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            cls(p)
    with pytest.raises(ValueError, match="between 0 and 1, but got"):
        F.dropout(autograd.ones(2), p)


@pytest.mark.parametrize("cls,shape,channel_axes", [
    (nn.Dropout1d, (4, 6, 50), (0, 1)), (nn.Dropout1d, (6, 50), (0,)),
    (nn.Dropout2d, (4, 6, 5, 10), (0, 1)), (nn.Dropout3d, (4, 6, 2, 5, 5), (0, 1)),
    (nn.Dropout3d, (6, 2, 5, 5), (0,))])
def test_channel_dropout_zeroes_whole_channels(cls, shape, channel_axes):
    autograd.manual_seed(2)
    out = cls(0.5)(autograd.ones(*shape)).numpy()
    per_channel = out.reshape(out.shape[:len(channel_axes)] + (-1,))
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))
    assert 0 < (out == 0).mean() < 1


def test_dropout1d_rejects_wrong_rank():
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        nn.Dropout1d()(autograd.ones(4))


def test_dropout2d_warns_for_3d_input_like_torch():
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        nn.Dropout2d()(autograd.ones(2, 3, 4))


def test_alpha_dropout_keeps_mean_and_variance():
    autograd.manual_seed(0)
    x = autograd.randn(200000)
    out = nn.AlphaDropout(0.2)(x).numpy()
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02
    assert nn.AlphaDropout(0.2).eval()(x) is x


def test_alpha_dropout_values_match_torch_formula():
    torch = need_torch()
    x = np.full(1000, 0.5, np.float32)
    autograd.manual_seed(0)
    ours = np.unique(np.round(F.alpha_dropout(autograd.tensor(x), 0.5, training=True).numpy(), 5))
    theirs = np.unique(np.round(torch.nn.functional.alpha_dropout(
        torch.tensor(x), 0.5, training=True).numpy(), 5))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_dropout_reprs_match_torch():
    torch = need_torch()
    for name in ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                 "FeatureAlphaDropout"]:
        assert repr(getattr(nn, name)(0.2)) == repr(getattr(torch.nn, name)(0.2))
    assert repr(nn.Dropout(0.1, inplace=True)) == repr(torch.nn.Dropout(0.1, inplace=True))


def test_inplace_dropout_writes_into_input():
    x = autograd.ones(100)
    out = nn.Dropout(0.5, inplace=True)(x)
    assert out is x and set(np.unique(x.numpy())) <= {0.0, 2.0}


def test_dropout_keeps_dtype():
    assert F.dropout(autograd.ones(10, dtype=autograd.float64), 0.5).dtype == autograd.float64
    assert F.dropout(autograd.ones(10), 0.5).dtype == autograd.float32
