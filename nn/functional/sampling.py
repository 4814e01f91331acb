"""Spatial transformers: affine sampling grids and sampling an image at grid points
(torch.nn.functional.affine_grid, grid_sample).

grid_sample maps each normalised grid coordinate in [-1, 1] to a pixel position (torch's
align_corners rule), applies the padding mode to the position ('border' clamps it, 'reflection'
folds it back into the image), then gathers the 2**dims neighbouring pixels and mixes them with
(bi/tri)linear weights, or gathers the nearest pixel, or (4-D only) mixes 4 x 4 taps with
cubic-convolution weights. Pixels outside the image read as zero. The
weights are Tensor expressions of the grid, so gradients reach both the input and the grid.
"""

from __future__ import annotations

import itertools
import math
import warnings

import autograd
from autograd import Tensor

__all__ = ["affine_grid", "grid_sample"]

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the old "
                  "behavior is desired. See the documentation of grid_sample for details.")


def _base_coords(steps: int, align_corners: bool, dtype) -> Tensor:
    """Normalised coordinates of the pixel centres (or corners) along one dimension."""
    if steps <= 1:
        return autograd.zeros(max(steps, 0), dtype=dtype)
    coords = autograd.linspace(-1.0, 1.0, steps, dtype=dtype)
    return coords if align_corners else coords * ((steps - 1) / steps)


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """Sampling grid (N, H, W, 2) (or (N, D, H, W, 3)) of the affine maps ``theta`` (N, 2, 3)
    (or (N, 3, 4)) for an output of ``size`` (torch.nn.functional.affine_grid)."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
        align_corners = False
    if not isinstance(theta, Tensor):
        raise TypeError(f"affine_grid: expected a Tensor theta, got {type(theta).__name__}")
    if theta.dtype.kind != "f":
        raise ValueError(f"affine_grid: expected theta to have floating point type, but got "
                         f"{theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    dims = len(size) - 2
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (dims, dims + 1):
        raise ValueError(f"affine_grid: expected a batch of {dims}D affine matrices of shape "
                         f"Nx{dims}x{dims + 1} for size {size}. Got {tuple(theta.shape)}.")
    if theta.shape[0] != size[0]:
        raise ValueError(f"affine_grid: theta has batch size {theta.shape[0]} but size asks for "
                         f"{size[0]}")
    if min(size[2:]) <= 0:
        raise ValueError(f"affine_grid: expected non-zero, positive output size. Got {size}")
    spatial = size[2:]
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids "
                      "when align_corners=True. This is not an intended use case of affine_grid. "
                      "See the documentation of affine_grid for details.", UserWarning,
                      stacklevel=2)
    # coordinates in (x, y[, z]) order: x runs along the last dimension
    axes = [_base_coords(n, align_corners, theta.dtype) for n in reversed(spatial)]
    columns = []
    for k, coords in enumerate(axes):
        shape = [1] * dims
        shape[dims - 1 - k] = spatial[dims - 1 - k]
        columns.append(coords.reshape(shape).expand(spatial))
    columns.append(autograd.ones(spatial, dtype=theta.dtype))
    base = autograd.stack(columns, dim=-1).reshape(1, -1, dims + 1)
    grid = base @ theta.transpose(1, 2)
    return grid.reshape((size[0],) + spatial + (dims,))


def _unnormalize(coord: Tensor, size: int, align_corners: bool) -> Tensor:
    if align_corners:
        return (coord + 1) * ((size - 1) / 2)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Fold ``coord`` back into [twice_low / 2, twice_high / 2] by repeated reflection."""
    if twice_low == twice_high:
        return coord * 0
    low = twice_low / 2
    span = (twice_high - twice_low) / 2
    dist = (coord - low).abs()
    extra = autograd.fmod(dist, span)
    flips = autograd.floor(dist.detach() / span)
    even = autograd.fmod(flips, 2) == 0
    return autograd.where(even, extra + low, span - extra + low)


def _source_position(coord: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """Pixel position of normalised ``coord`` along a dimension of ``size``, after padding."""
    return _apply_padding(_unnormalize(coord, size, align_corners), size, padding_mode,
                          align_corners)


def _apply_padding(pos: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """A pixel position moved by the padding mode: clamped ('border'), folded back and clamped
    ('reflection'), or left alone ('zeros': reads outside the image give zero)."""
    if padding_mode == "border":
        pos = autograd.clamp(pos, 0, size - 1)
    elif padding_mode == "reflection":
        pos = _reflect(pos, 0, 2 * (size - 1)) if align_corners else \
            _reflect(pos, -1, 2 * size - 1)
        pos = autograd.clamp(pos, 0, size - 1)
    return pos


def _gather(flat: Tensor, corner: list, spatial: tuple) -> Tensor:
    """Values (N, C, L) of ``flat`` (N, C, prod(spatial)) at integer positions ``corner``
    ((N, L) long tensors in (x, y[, z]) order), zero where a position is outside the image."""
    inside = None
    index = None
    for k, pos in enumerate(reversed(corner)):  # slowest-varying dimension first
        n = spatial[k]
        ok = (pos >= 0) & (pos <= n - 1)
        inside = ok if inside is None else inside & ok
        pos = autograd.clamp(pos, 0, n - 1)
        index = pos if index is None else index * n + pos
    batch, channels = flat.shape[:2]
    values = flat.gather(2, index.unsqueeze(1).expand(batch, channels, index.shape[1]))
    return values * inside.unsqueeze(1).to(flat.dtype)


def _cubic_weights(t: Tensor) -> list:
    """Cubic-convolution weights (A = -0.75) of the four taps at offsets -1, 0, 1, 2 from the
    floor, for the fractional position ``t``."""
    a = -0.75

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _bicubic(flat: Tensor, points: Tensor, spatial: tuple, padding_mode: str,
             align_corners: bool) -> Tensor:
    """Bicubic sampling: 4 x 4 taps around the unpadded position, each tap moved by the padding
    mode on its own (torch's rule), weighted by cubic-convolution coefficients."""
    height, width = spatial
    ix = _unnormalize(points[..., 0], width, align_corners)
    iy = _unnormalize(points[..., 1], height, align_corners)
    x0, y0 = autograd.floor(ix.detach()), autograd.floor(iy.detach())
    wx, wy = _cubic_weights(ix - x0), _cubic_weights(iy - y0)
    out = None
    for j in range(4):
        ty = _apply_padding(y0 + (j - 1), height, padding_mode, align_corners)
        ty = autograd.clamp(ty, -1, height).long()
        for i in range(4):
            tx = _apply_padding(x0 + (i - 1), width, padding_mode, align_corners)
            tx = autograd.clamp(tx, -1, width).long()
            term = _gather(flat, [tx, ty], spatial) * (wx[i] * wy[j]).unsqueeze(1)
            out = term if out is None else out + term
    return out


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """Sample ``input`` (N, C, H, W) at the normalised points ``grid`` (N, H_out, W_out, 2);
    also 5-D volumes with a (N, D_out, H_out, W_out, 3) grid (bilinear / nearest only)
    (torch.nn.functional.grid_sample)."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
        align_corners = False
    if not isinstance(input, Tensor) or not isinstance(grid, Tensor):
        raise TypeError(f"grid_sample: expected Tensors for input and grid, got "
                        f"{type(input).__name__} and {type(grid).__name__}")
    if input.ndim not in (4, 5):
        raise RuntimeError(f"grid_sample: expected 4D or 5D input, but got input of shape "
                           f"{tuple(input.shape)}")
    dims = input.ndim - 2
    if grid.ndim != input.ndim or grid.shape[-1] != dims:
        raise RuntimeError(f"grid_sample: expected grid to have size {dims} in last dimension "
                           f"and {input.ndim} dimensions for input of shape "
                           f"{tuple(input.shape)}, but got grid with shape {tuple(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sample: expected grid and input to have same batch size, but "
                           f"got input with sizes {tuple(input.shape)} and grid with sizes "
                           f"{tuple(grid.shape)}")
    if input.dtype != grid.dtype:
        raise RuntimeError(f"grid_sample: expected input and grid to have the same dtype, but "
                           f"input has {input.dtype} and grid has {grid.dtype}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"grid_sample: not implemented for dtype {input.dtype}")
    if min(input.shape[2:]) <= 0:
        raise RuntimeError(f"grid_sample: expected input to have non-empty spatial dimensions, "
                           f"but got input of shape {tuple(input.shape)}")
    batch, channels = input.shape[:2]
    spatial = tuple(input.shape[2:])
    out_spatial = tuple(grid.shape[1:-1])
    flat = input.reshape(batch, channels, math.prod(spatial))
    points = grid.reshape(batch, -1, dims)
    # positions in (x, y[, z]) order: coordinate k indexes spatial dimension dims - 1 - k
    pos = [_source_position(points[..., k], spatial[dims - 1 - k], padding_mode, align_corners)
           for k in range(dims)]
    if mode == "bicubic":
        if dims != 2:
            raise RuntimeError(f"grid_sample: bicubic interpolation only supports 4D input, got "
                               f"input of shape {tuple(input.shape)}")
        return _bicubic(flat, points, spatial, padding_mode, align_corners).reshape(
            (batch, channels) + out_spatial)
    if mode == "nearest":
        nearest = [autograd.round(p) for p in pos]
        at = [autograd.clamp(p.detach(), -1, n).long() for p, n in zip(nearest, reversed(spatial))]
        out = _gather(flat, at, spatial)
        if grid.requires_grad:  # torch's grid gradient is zero in nearest mode: keep the link
            out = out + sum((p - p.detach()).sum() for p in nearest) * 0
    else:
        low = [autograd.floor(p.detach()) for p in pos]
        out = None
        for corner in itertools.product((0, 1), repeat=dims):
            weight = None
            for p, lo, c in zip(pos, low, corner):
                w = p - lo if c else lo + 1 - p
                weight = w if weight is None else weight * w
            at = [autograd.clamp(lo + c, -1, n).long()
                  for lo, c, n in zip(low, corner, reversed(spatial))]
            values = _gather(flat, at, spatial)
            term = values * weight.unsqueeze(1)
            out = term if out is None else out + term
    return out.reshape((batch, channels) + out_spatial)
