"""F.affine_grid and F.grid_sample (2-D and volumetric) against torch: values and gradients with
respect to both input and grid for every mode / padding_mode / align_corners; float64 gradcheck;
interpolate's trilinear mode; errors and the align_corners warning."""

import itertools
import warnings

import numpy as np
import pytest

import autograd
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close

RNG = np.random.default_rng(0)


def _grid_case(dims, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3) + (4, 5, 6)[-dims:]).astype(np.float32)
    # a spread of points inside and outside [-1, 1], kept off pixel boundaries
    g = rng.uniform(-1.4, 1.4, (2,) + (3, 4, 2)[-dims:] + (dims,)).astype(np.float32)
    return x, g


def _compare(dims, mode, padding_mode, align_corners):
    torch = need_torch()
    x, g = _grid_case(dims)
    ox, og = autograd.tensor(x, requires_grad=True), autograd.tensor(g, requires_grad=True)
    tx, tg = torch.tensor(x, requires_grad=True), torch.tensor(g, requires_grad=True)
    out = F.grid_sample(ox, og, mode, padding_mode, align_corners)
    tout = torch.nn.functional.grid_sample(tx, tg, mode, padding_mode, align_corners)
    close(out, tout, what="output")
    up = RNG.standard_normal(tuple(tout.shape)).astype(np.float32)
    (out * autograd.tensor(up)).sum().backward()
    (tout * torch.tensor(up)).sum().backward()
    close(ox.grad, tx.grad, what="input grad")
    close(og.grad, tg.grad, atol=1e-4, what="grid grad")


@pytest.mark.parametrize("mode,padding_mode,align_corners",
                         list(itertools.product(("bilinear", "nearest", "bicubic"),
                                                ("zeros", "border", "reflection"),
                                                (False, True))))
def test_grid_sample_2d_matches_torch(mode, padding_mode, align_corners):
    _compare(2, mode, padding_mode, align_corners)


@pytest.mark.parametrize("padding_mode", ["zeros", "reflection"])
def test_grid_sample_3d_matches_torch(padding_mode):
    _compare(3, "bilinear", padding_mode, False)
    _compare(3, "nearest", padding_mode, True)


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_matches_torch_with_theta_grad(align_corners):
    torch = need_torch()
    for size in ((2, 3, 4, 5), (2, 1, 1, 3), (2, 3, 3, 4, 2)):
        dims = len(size) - 2
        th = RNG.standard_normal((2, dims, dims + 1)).astype(np.float32)
        ot, tt = autograd.tensor(th, requires_grad=True), torch.tensor(th, requires_grad=True)
        with warnings.catch_warnings(record=True) as ours_warned:
            warnings.simplefilter("always")
            out = F.affine_grid(ot, size, align_corners)
        with warnings.catch_warnings(record=True) as torch_warned:
            warnings.simplefilter("always")
            tout = torch.nn.functional.affine_grid(tt, size, align_corners)
        assert len(ours_warned) == len(torch_warned)  # unit-size grids with align_corners
        close(out, tout, what=f"grid {size}")
        up = RNG.standard_normal(tuple(tout.shape)).astype(np.float32)
        (out * autograd.tensor(up)).sum().backward()
        (tout * torch.tensor(up)).sum().backward()
        close(ot.grad, tt.grad, atol=1e-4, what="theta grad")


def test_spatial_transformer_pipeline_matches_torch():
    torch = need_torch()
    x = RNG.standard_normal((2, 2, 5, 6)).astype(np.float32)
    th = np.array([[[0.9, 0.2, 0.1], [-0.1, 1.1, 0.0]],
                   [[1.2, 0.0, -0.2], [0.3, 0.8, 0.1]]], dtype=np.float32)
    ot = autograd.tensor(th, requires_grad=True)
    tt = torch.tensor(th, requires_grad=True)
    out = F.grid_sample(autograd.tensor(x), F.affine_grid(ot, (2, 2, 4, 4), False),
                        align_corners=False)
    tout = torch.nn.functional.grid_sample(
        torch.tensor(x), torch.nn.functional.affine_grid(tt, (2, 2, 4, 4), False),
        align_corners=False)
    close(out, tout)
    out.square().sum().backward()
    tout.square().sum().backward()
    close(ot.grad, tt.grad, atol=1e-4)
    assert out.dtype == autograd.float32


def test_gradcheck_float64_input_and_grid():
    rng = np.random.default_rng(2)
    x = autograd.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    g = autograd.tensor(rng.uniform(-1.2, 1.2, (1, 2, 3, 2)), requires_grad=True)
    for padding_mode in ("zeros", "border", "reflection"):
        assert autograd.gradcheck(
            lambda x, g: F.grid_sample(x, g, "bilinear", padding_mode, False), (x, g))
    assert autograd.gradcheck(
        lambda x, g: F.grid_sample(x, g, "bicubic", "reflection", True), (x, g))
    assert autograd.gradgradcheck(lambda x, g: F.grid_sample(x, g, align_corners=True), (x, g))
    th = autograd.tensor(rng.standard_normal((1, 2, 3)), requires_grad=True)
    assert autograd.gradcheck(lambda t: F.affine_grid(t, (1, 1, 3, 2), True), (th,))


@pytest.mark.parametrize("align_corners", [False, True])
def test_interpolate_trilinear_matches_torch(align_corners):
    torch = need_torch()
    x = RNG.standard_normal((2, 2, 3, 4, 3)).astype(np.float32)
    for kwargs in (dict(size=(5, 3, 6)), dict(scale_factor=(2, 1.5, 0.7))):
        ox, tx = autograd.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out = F.interpolate(ox, mode="trilinear", align_corners=align_corners, **kwargs)
        tout = torch.nn.functional.interpolate(tx, mode="trilinear",
                                               align_corners=align_corners, **kwargs)
        close(out, tout)
        up = RNG.standard_normal(tuple(tout.shape)).astype(np.float32)
        (out * autograd.tensor(up)).sum().backward()
        (tout * torch.tensor(up)).sum().backward()
        close(ox.grad, tx.grad)


def test_interpolate_nearest_and_area_on_5d_match_torch():
    torch = need_torch()
    x = RNG.standard_normal((1, 2, 4, 3, 5)).astype(np.float32)
    for mode, size in (("nearest", (7, 6, 3)), ("nearest-exact", (3, 5, 8)), ("area", (2, 2, 3))):
        close(F.interpolate(autograd.tensor(x), size=size, mode=mode),
              torch.nn.functional.interpolate(torch.tensor(x), size=size, mode=mode))


def test_interpolate_trilinear_gradcheck_and_wrong_rank():
    x = autograd.tensor(np.random.default_rng(4).standard_normal((1, 1, 2, 3, 2)),
                        requires_grad=True)
    assert autograd.gradcheck(lambda x: F.interpolate(x, size=(3, 4, 3), mode="trilinear"), (x,))
    with pytest.raises(NotImplementedError, match="trilinear"):
        F.interpolate(autograd.zeros(1, 1, 4, 4), size=(2, 2), mode="trilinear")


def test_errors_and_default_align_corners_warning():
    x, g = autograd.zeros(2, 1, 4, 4), autograd.zeros(2, 3, 3, 2)
    with pytest.warns(UserWarning, match="align_corners=False"):
        F.grid_sample(x, g)
    with pytest.raises(RuntimeError, match=r"grid_sample.*size 2 in last dimension"):
        F.grid_sample(x, autograd.zeros(2, 3, 3, 3), align_corners=False)
    with pytest.raises(RuntimeError, match="grid_sample.*same batch size"):
        F.grid_sample(x, autograd.zeros(1, 3, 3, 2), align_corners=False)
    with pytest.raises(RuntimeError, match="bicubic.*4D"):
        F.grid_sample(autograd.zeros(1, 1, 2, 2, 2), autograd.zeros(1, 1, 1, 1, 3), "bicubic",
                      align_corners=False)
    with pytest.raises(ValueError, match="padding_mode"):
        F.grid_sample(x, g, padding_mode="circular", align_corners=False)
    with pytest.raises(ValueError, match=r"affine_grid.*Nx2x3.*\(2, 3, 3\)"):
        F.affine_grid(autograd.zeros(2, 3, 3), (2, 1, 4, 4), align_corners=False)
