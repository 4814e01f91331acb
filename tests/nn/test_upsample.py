"""interpolate / Upsample / PixelShuffle against torch: values and input gradients."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close, pair

RNG = np.random.default_rng(0)


def _check(torch, ours_fn, torch_fn, shape, dtype=np.float32):
    x, tx = pair(torch, RNG.standard_normal(shape).astype(dtype))
    out, tout = ours_fn(x), torch_fn(tx)
    close(out, tout)
    w = RNG.standard_normal(tout.shape).astype(dtype)
    (out * autograd.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    close(x.grad, tx.grad, what="input grad")


CASES = [
    dict(scale_factor=2, mode="nearest"),
    dict(scale_factor=3, mode="nearest"),
    dict(size=(7, 5), mode="nearest"),
    dict(scale_factor=1.7, mode="nearest"),
    dict(size=(9, 4), mode="nearest-exact"),
    dict(scale_factor=2, mode="bilinear"),
    dict(size=(7, 11), mode="bilinear"),
    dict(size=(7, 11), mode="bilinear", align_corners=True),
    dict(size=(3, 2), mode="bilinear"),
    dict(scale_factor=(1.5, 2.5), mode="bilinear"),
    dict(scale_factor=0.6, mode="bilinear", align_corners=True),
    dict(scale_factor=1.5, mode="bilinear", recompute_scale_factor=True),
    dict(size=(2, 3), mode="area"),
    dict(size=(7, 9), mode="bicubic"),
    dict(scale_factor=2, mode="bicubic", align_corners=True),
    dict(scale_factor=0.6, mode="bicubic"),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_interpolate_2d_matches_torch(kwargs):
    torch = need_torch()
    _check(torch, lambda t: F.interpolate(t, **kwargs),
           lambda t: torch.nn.functional.interpolate(t, **kwargs), (2, 3, 4, 5))


@pytest.mark.parametrize("kwargs", [dict(scale_factor=2), dict(size=7, mode="linear"),
                                    dict(size=9, mode="linear", align_corners=True),
                                    dict(scale_factor=0.5, mode="linear")], ids=str)
def test_interpolate_1d_matches_torch(kwargs):
    torch = need_torch()
    _check(torch, lambda t: F.interpolate(t, **kwargs),
           lambda t: torch.nn.functional.interpolate(t, **kwargs), (2, 3, 6))


def test_interpolate_float64_matches_torch():
    torch = need_torch()
    _check(torch, lambda t: F.interpolate(t, size=(5, 7), mode="bilinear"),
           lambda t: torch.nn.functional.interpolate(t, size=(5, 7), mode="bilinear"),
           (1, 2, 3, 4), np.float64)


def test_upsample_modules_match_torch():
    torch = need_torch()
    for ours, theirs in [(nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
                         (nn.Upsample(size=(6, 7), mode="bilinear"),
                          torch.nn.Upsample(size=(6, 7), mode="bilinear")),
                         (nn.UpsamplingNearest2d(scale_factor=3),
                          torch.nn.UpsamplingNearest2d(scale_factor=3)),
                         (nn.UpsamplingBilinear2d(size=(5, 5)),
                          torch.nn.UpsamplingBilinear2d(size=(5, 5))),
                         (nn.Upsample(scale_factor=(2, 3), mode="nearest-exact"),
                          torch.nn.Upsample(scale_factor=(2, 3), mode="nearest-exact"))]:
        _check(torch, ours, theirs, (1, 2, 3, 4))
        assert repr(ours) == repr(theirs)


def test_pixel_shuffle_round_trip_matches_torch():
    torch = need_torch()
    _check(torch, nn.PixelShuffle(2), torch.nn.PixelShuffle(2), (2, 8, 3, 4))
    _check(torch, nn.PixelUnshuffle(3), torch.nn.PixelUnshuffle(3), (2, 3, 6, 9))
    _check(torch, nn.PixelShuffle(2), torch.nn.PixelShuffle(2), (4, 3, 2))
    x = autograd.randn(2, 12, 3, 5)
    np.testing.assert_array_equal(F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2).numpy(), x.numpy())


def test_gradcheck_float64():
    x = autograd.randn(1, 2, 3, 4, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(lambda t: F.interpolate(t, size=(5, 6), mode="bilinear"), (x,))
    assert autograd.gradgradcheck(lambda t: F.interpolate(t, scale_factor=1.5), (x,))


def test_interpolate_errors_like_torch():
    x = autograd.randn(1, 1, 4, 4)
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        F.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor should be defined"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(NotImplementedError, match="Got 4D input, but linear mode needs 3D"):
        F.interpolate(x, scale_factor=2, mode="linear")
    with pytest.raises(ValueError, match="same number of spatial dimensions"):
        F.interpolate(x, size=(2, 3, 4))
    with pytest.raises(RuntimeError, match=r"not divisible by 4"):
        F.pixel_shuffle(autograd.randn(1, 6, 2, 2), 2)
